-- A compact copy of what the spread analysis reads of each incident's chain
-- (issue 19): a cold analysis reads a few rows of bytes instead of a row per
-- node and forward. Every change to spread_nodes or forwards appends, in the
-- same transaction, the records it changed (spread.Store writes them); a
-- reader applies the parts in seq order. When the parts outgrow the chain
-- they describe, the writer rewrites them. spread_snapshot_rebuild builds
-- them from the tables: for the chains recorded before this migration, and
-- for rows brought in by other means (a bulk load).
--
-- Records (integers big-endian, s8 = 1-byte length and UTF-8 bytes, s32 the
-- same with a 4-byte length; member_count -1 for none):
--   'N' node     id[16] kind:s8 exposure:s8 containment_status:s8 member_count:int4 key:s32 name:s32
--   'D' details  id[16] exposure:s8 member_count:int4 name:s32
--   'C' takedown id[16] containment_status:s8
--   'F' forward  id[16] from[16] to[16] by[16] at:int8 (µs since 1970) method:s8 key:s32
--   'G' the same, replacing the forward with that id
--   'X' deleted  id[16]
CREATE TABLE spread_snapshot_parts (
    incident_id uuid NOT NULL REFERENCES incidents (id),
    seq         bigint NOT NULL,
    data        bytea NOT NULL,
    PRIMARY KEY (incident_id, seq)
);
-- Stored uncompressed: the parts are mostly ids, which do not compress, and
-- decompressing would be on the path of every cold read.
ALTER TABLE spread_snapshot_parts ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE FUNCTION spread_snapshot_s8(t text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT set_byte('\x00'::bytea, 0, octet_length(convert_to(t, 'UTF8'))) || convert_to(t, 'UTF8')
$$;

CREATE FUNCTION spread_snapshot_s32(t text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT int4send(octet_length(convert_to(t, 'UTF8'))) || convert_to(t, 'UTF8')
$$;

-- spread_snapshot_rebuild replaces an incident's parts with one 'N' record per
-- node and one 'F' record per forward, 40,000 records a part.
CREATE FUNCTION spread_snapshot_rebuild(incident uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM spread_snapshot_parts WHERE incident_id = incident;
    WITH records AS (
        SELECT 0 AS side, row_number() OVER () AS n,
            '\x4e'::bytea || uuid_send(id) || spread_snapshot_s8(kind) || spread_snapshot_s8(exposure)
            || spread_snapshot_s8(containment_status) || int4send(coalesce(member_count, -1))
            || spread_snapshot_s32(key) || spread_snapshot_s32(name) AS record
        FROM spread_nodes WHERE incident_id = incident
        UNION ALL
        SELECT 1, row_number() OVER (),
            '\x46'::bytea || uuid_send(id) || uuid_send(from_node) || uuid_send(to_node) || uuid_send(by_node)
            || int8send((extract(epoch FROM at) * 1000000)::bigint) || spread_snapshot_s8(method)
            || spread_snapshot_s32(key)
        FROM forwards WHERE incident_id = incident)
    INSERT INTO spread_snapshot_parts (incident_id, seq, data)
    SELECT incident, row_number() OVER (ORDER BY side, (n - 1) / 40000), string_agg(record, ''::bytea)
    FROM records GROUP BY side, (n - 1) / 40000;
$$;

SELECT spread_snapshot_rebuild(id) FROM incidents
WHERE EXISTS (SELECT 1 FROM spread_nodes WHERE incident_id = incidents.id);
