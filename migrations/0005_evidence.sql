-- The evidence vault: files in S3-compatible storage, each recorded with its
-- SHA-256, and every handling of it in an append-only chain of custody.

-- An upload is written here before any byte reaches the object store, and
-- every stored part is recorded with the hash state after it, so an
-- interrupted upload resumes and the reconciler can finish or abandon it.
CREATE TABLE evidence_uploads (
    id              uuid PRIMARY KEY,
    incident_id     uuid NOT NULL REFERENCES incidents (id),
    object_key      text NOT NULL UNIQUE,
    s3_upload_id    text NOT NULL DEFAULT '',
    state           text NOT NULL DEFAULT 'UPLOADING',
    parts           jsonb NOT NULL DEFAULT '[]',
    received        bigint NOT NULL DEFAULT 0,
    hash_state      bytea NOT NULL,
    head            bytea NOT NULL DEFAULT '',
    details         jsonb NOT NULL,
    -- Set once the object is known to be redundant (its content was already
    -- in the incident) and has been removed.
    object_released boolean NOT NULL DEFAULT false,
    -- While a request is sending parts it holds this lease, renewed with each
    -- part, so two requests never send the same upload's parts at once.
    receiving_until timestamptz,
    created_by      uuid NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT evidence_uploads_state_valid CHECK (state IN ('UPLOADING', 'COMMITTED', 'ABANDONED')),
    CONSTRAINT evidence_uploads_received_valid CHECK (received >= 0)
);
CREATE INDEX evidence_uploads_open_idx ON evidence_uploads (updated_at) WHERE state = 'UPLOADING';

CREATE TABLE evidence (
    id               uuid PRIMARY KEY,
    incident_id      uuid NOT NULL REFERENCES incidents (id),
    upload_id        uuid NOT NULL UNIQUE REFERENCES evidence_uploads (id),
    object_key       text NOT NULL,
    version_id       text NOT NULL DEFAULT '',
    sha256           text NOT NULL,
    size             bigint NOT NULL,
    content_type     text NOT NULL,
    file_name        text NOT NULL,
    description      text NOT NULL DEFAULT '',
    collected_from   text NOT NULL DEFAULT '',
    collected_where  text NOT NULL DEFAULT '',
    collected_how    text NOT NULL DEFAULT '',
    collected_at     timestamptz,
    time_zone        text NOT NULL DEFAULT 'UTC',
    forward_id       uuid REFERENCES forwards (id) ON DELETE SET NULL,
    node_id          uuid REFERENCES spread_nodes (id),
    task_id          uuid REFERENCES tasks (id),
    duplicate_of     uuid REFERENCES evidence (id),
    captured_at      timestamptz,
    device           text NOT NULL DEFAULT '',
    legal_hold       boolean NOT NULL DEFAULT false,
    retention_mode   text,
    retain_until     timestamptz,
    fixity           text NOT NULL DEFAULT 'UNVERIFIED',
    last_verified_at timestamptz,
    uploaded_by      uuid NOT NULL REFERENCES users (id),
    uploaded_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT evidence_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT evidence_size_positive CHECK (size > 0),
    CONSTRAINT evidence_file_name_present CHECK (btrim(file_name) <> '' AND length(file_name) <= 255),
    CONSTRAINT evidence_fixity_valid CHECK (fixity IN ('UNVERIFIED', 'OK', 'MISMATCH', 'MISSING')),
    CONSTRAINT evidence_retention_valid CHECK (retention_mode IS NULL OR retention_mode IN ('GOVERNANCE', 'COMPLIANCE'))
);
CREATE INDEX evidence_incident_idx ON evidence (incident_id, uploaded_at);
-- One stored object per content within an incident; copies link to it.
CREATE UNIQUE INDEX evidence_content_unique ON evidence (incident_id, sha256) WHERE duplicate_of IS NULL;
CREATE TRIGGER evidence_never_deleted BEFORE DELETE ON evidence FOR EACH ROW EXECUTE FUNCTION refuse_delete();

CREATE TABLE custody_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evidence_id    uuid NOT NULL REFERENCES evidence (id),
    incident_id    uuid NOT NULL REFERENCES incidents (id),
    action         text NOT NULL,
    actor_id       uuid REFERENCES users (id),
    actor_name     text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    time_zone      text NOT NULL DEFAULT 'UTC',
    purpose        text NOT NULL DEFAULT '',
    sha256         text,
    matched        boolean,
    transferred_to text NOT NULL DEFAULT '',
    CONSTRAINT custody_events_action_valid CHECK (action IN ('COLLECTED', 'UPLOADED', 'VIEWED', 'DOWNLOADED',
        'EXPORTED', 'VERIFIED', 'SEALED', 'TRANSFERRED', 'LEGAL_HOLD_ON', 'LEGAL_HOLD_OFF', 'RELEASED')),
    CONSTRAINT custody_events_transfer_names_whom CHECK (action <> 'TRANSFERRED' OR btrim(transferred_to) <> '')
);
CREATE INDEX custody_events_evidence_idx ON custody_events (evidence_id, id);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER custody_events_no_update BEFORE UPDATE OR DELETE ON custody_events
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER custody_events_no_truncate BEFORE TRUNCATE ON custody_events
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();

-- Alerts raised on an incident by the system, such as a fixity mismatch.
CREATE TABLE incident_alerts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    kind        text NOT NULL,
    evidence_id uuid REFERENCES evidence (id),
    details     text NOT NULL DEFAULT '',
    raised_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT incident_alerts_kind_valid CHECK (kind IN ('FIXITY_MISMATCH', 'EVIDENCE_MISSING'))
);
CREATE INDEX incident_alerts_incident_idx ON incident_alerts (incident_id, raised_at);
