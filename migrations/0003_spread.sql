-- The spread chain: leaked items, the people and venues they passed through,
-- and each forward between them.

-- Counts changes to an incident's spread chain, so an analysis computed at one
-- version can be reused until the next change.
ALTER TABLE incidents ADD COLUMN spread_version bigint NOT NULL DEFAULT 0;

CREATE TABLE leaked_items (
    id              uuid PRIMARY KEY,
    incident_id     uuid NOT NULL REFERENCES incidents (id),
    key             text NOT NULL,
    title           text NOT NULL,
    kind            text NOT NULL,
    classification  text NOT NULL,
    document_number text NOT NULL DEFAULT '',
    alterations     text[] NOT NULL DEFAULT '{}',
    created_by      uuid NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT leaked_items_key_unique UNIQUE (incident_id, key),
    CONSTRAINT leaked_items_key_present CHECK (btrim(key) <> '' AND length(key) <= 200),
    CONSTRAINT leaked_items_title_present CHECK (btrim(title) <> ''),
    CONSTRAINT leaked_items_kind_valid CHECK (kind IN (
        'DOCUMENT', 'PHOTO_OF_DOCUMENT', 'SCAN', 'SCREENSHOT', 'TEXT_EXCERPT', 'AUDIO')),
    CONSTRAINT leaked_items_classification_valid CHECK (classification IN (
        'TOP_SECRET', 'SECRET', 'CONFIDENTIAL', 'WORK_SECRET', 'COMMERCIAL_SECRET', 'PERSONAL_DATA', 'UNCLASSIFIED'))
);

CREATE TABLE spread_nodes (
    id                     uuid PRIMARY KEY,
    incident_id            uuid NOT NULL REFERENCES incidents (id),
    key                    text NOT NULL,
    kind                   text NOT NULL,
    name                   text NOT NULL,
    exposure               text NOT NULL,
    unit                   text NOT NULL DEFAULT '',
    position               text NOT NULL DEFAULT '',
    handles                text[] NOT NULL DEFAULT '{}',
    cleared                boolean,
    platform               text,
    member_count           integer,
    containment_status     text NOT NULL DEFAULT 'NONE',
    containment_requested_to text NOT NULL DEFAULT '',
    containment_requested_at timestamptz,
    containment_note       text NOT NULL DEFAULT '',
    containment_updated_at timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT spread_nodes_key_unique UNIQUE (incident_id, key),
    CONSTRAINT spread_nodes_key_present CHECK (btrim(key) <> '' AND length(key) <= 200),
    CONSTRAINT spread_nodes_kind_valid CHECK (kind IN ('PERSON', 'GROUP_CHAT', 'DIRECT_CHAT', 'FEED_POST',
        'SMS_MMS', 'FAX', 'EMAIL', 'PUBLIC_SOCIAL', 'WEBSITE', 'MINI_PROGRAM', 'CLOUD_DRIVE', 'OTHER')),
    CONSTRAINT spread_nodes_exposure_valid CHECK (exposure IN ('INTERNAL', 'EXTERNAL', 'PUBLIC')),
    CONSTRAINT spread_nodes_member_count_valid CHECK (member_count >= 0),
    -- People have no audience or platform; venues have no unit, position or clearance.
    CONSTRAINT spread_nodes_person_shape CHECK (
        (kind = 'PERSON' AND member_count IS NULL AND platform IS NULL AND containment_status = 'NONE')
        OR (kind <> 'PERSON' AND unit = '' AND position = '' AND cleared IS NULL)),
    CONSTRAINT spread_nodes_containment_valid CHECK (containment_status IN (
        'NONE', 'REQUESTED', 'CONFIRMED_REMOVED', 'REFUSED', 'UNREACHABLE'))
);

-- A forward's references (its nodes, item and recorder, all of its own
-- incident, and "by" a person) are checked once per statement by the
-- trigger below rather than by row-level foreign keys: a batch of 100,000
-- forwards is then a few hash joins instead of half a million lookups.
-- Nodes, items and users are never deleted, so the references stay valid.
CREATE TABLE forwards (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL,
    key         text NOT NULL,
    from_node   uuid NOT NULL,
    to_node     uuid NOT NULL,
    by_node     uuid NOT NULL,
    at          timestamptz NOT NULL,
    method      text NOT NULL,
    item_id     uuid,
    alterations text[] NOT NULL DEFAULT '{}',
    mis_sent    boolean NOT NULL DEFAULT false,
    recalled_at timestamptz,
    confidence  text NOT NULL DEFAULT 'CONFIRMED',
    note        text NOT NULL DEFAULT '',
    created_by  uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT forwards_key_unique UNIQUE (incident_id, key),
    CONSTRAINT forwards_key_present CHECK (btrim(key) <> '' AND length(key) <= 200),
    CONSTRAINT forwards_not_to_itself CHECK (from_node <> to_node),
    CONSTRAINT forwards_method_valid CHECK (method IN ('PHOTO', 'FORWARD', 'SCREENSHOT', 'SCAN', 'RETYPE', 'OCR',
        'FAX', 'MMS', 'EMAIL', 'POST', 'OTHER')),
    CONSTRAINT forwards_confidence_valid CHECK (confidence IN ('CONFIRMED', 'SUSPECTED')),
    CONSTRAINT forwards_recalled_after_sent CHECK (recalled_at IS NULL OR recalled_at >= at)
);
-- For "is there an origin": a sender nobody sent to.
CREATE INDEX forwards_to_node_idx ON forwards (to_node);

CREATE FUNCTION forwards_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM checked f
        LEFT JOIN spread_nodes a ON a.id = f.from_node AND a.incident_id = f.incident_id
        LEFT JOIN spread_nodes b ON b.id = f.to_node AND b.incident_id = f.incident_id
        LEFT JOIN spread_nodes c ON c.id = f.by_node AND c.incident_id = f.incident_id AND c.kind = 'PERSON'
        LEFT JOIN leaked_items i ON i.id = f.item_id AND i.incident_id = f.incident_id
        WHERE a.id IS NULL OR b.id IS NULL OR c.id IS NULL OR (f.item_id IS NOT NULL AND i.id IS NULL))
        OR EXISTS (SELECT 1 FROM (SELECT DISTINCT created_by FROM checked) f
            WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = f.created_by))
    THEN
        RAISE EXCEPTION 'a forward must name nodes and an item of its own incident, made by a person'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'forwards_references';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER forwards_references_insert AFTER INSERT ON forwards
    REFERENCING NEW TABLE AS checked FOR EACH STATEMENT EXECUTE FUNCTION forwards_check_references();
CREATE TRIGGER forwards_references_update AFTER UPDATE ON forwards
    REFERENCING NEW TABLE AS checked FOR EACH STATEMENT EXECUTE FUNCTION forwards_check_references();

CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE FUNCTION refuse_identity_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a node keeps its id, incident and kind' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER spread_nodes_identity BEFORE UPDATE OF id, incident_id, kind ON spread_nodes
    FOR EACH ROW WHEN (OLD.id <> NEW.id OR OLD.incident_id <> NEW.incident_id OR OLD.kind <> NEW.kind)
    EXECUTE FUNCTION refuse_identity_change();
CREATE TRIGGER spread_nodes_never_deleted BEFORE DELETE ON spread_nodes FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER leaked_items_never_deleted BEFORE DELETE ON leaked_items FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER users_never_deleted BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION refuse_delete();
