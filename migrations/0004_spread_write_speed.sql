-- Recording a large batch of forwards is bounded by the work PostgreSQL does
-- per row, so per-row checks that a statement can make once go.

-- Nodes name their incident through a statement-level check, as forwards name
-- their nodes: one lookup per batch instead of one per node. Incidents are
-- never deleted, so the reference stays valid.
ALTER TABLE spread_nodes DROP CONSTRAINT spread_nodes_incident_id_fkey;

CREATE FUNCTION spread_nodes_check_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT incident_id FROM checked) n
        WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = n.incident_id))
    THEN
        RAISE EXCEPTION 'a node must belong to an incident'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'spread_nodes_incident';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER spread_nodes_incident_insert AFTER INSERT ON spread_nodes
    REFERENCING NEW TABLE AS checked FOR EACH STATEMENT EXECUTE FUNCTION spread_nodes_check_incident();
CREATE TRIGGER incidents_never_deleted BEFORE DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION refuse_delete();

-- "Is there an origin" (a sender nobody sent to) is answered within the
-- incident's own forwards, found through forwards_key_unique; an index on
-- to_node cost every recorded forward an index insertion.
DROP INDEX forwards_to_node_idx;
