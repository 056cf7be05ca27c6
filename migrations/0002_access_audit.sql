-- Need-to-know membership, API tokens and the append-only, hash-chained audit log.

CREATE TABLE incident_members (
    incident_id     uuid NOT NULL REFERENCES incidents (id),
    user_id         uuid NOT NULL REFERENCES users (id),
    case_role       text NOT NULL,
    -- The narrower tier: disciplinary outcomes. The lead always has it.
    outcomes_access boolean NOT NULL DEFAULT false,
    added_by        uuid NOT NULL REFERENCES users (id),
    added_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (incident_id, user_id),
    CONSTRAINT incident_members_case_role_valid CHECK (case_role IN ('LEAD', 'INVESTIGATOR', 'RESPONDER', 'OBSERVER'))
);
CREATE INDEX incident_members_user_idx ON incident_members (user_id);
-- Exactly one lead per incident at most; the service keeps incidents.lead_id in step.
CREATE UNIQUE INDEX incident_members_one_lead ON incident_members (incident_id) WHERE case_role = 'LEAD';

-- Every incident so far: its lead and its creator become members.
INSERT INTO incident_members (incident_id, user_id, case_role, outcomes_access, added_by)
SELECT id, lead_id, 'LEAD', true, created_by FROM incidents WHERE lead_id IS NOT NULL;
INSERT INTO incident_members (incident_id, user_id, case_role, added_by)
SELECT id, created_by, 'RESPONDER', created_by FROM incidents
ON CONFLICT (incident_id, user_id) DO NOTHING;

CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    name         text NOT NULL,
    token_hash   bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT api_tokens_name_present CHECK (btrim(name) <> '' AND length(name) <= 100),
    CONSTRAINT api_tokens_expiry_after_creation CHECK (expires_at > created_at)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE audit_log (
    seq         bigint PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor_id    uuid REFERENCES users (id),
    -- The name used, kept also for failed sign-ins where there is no actor.
    actor_name  text NOT NULL DEFAULT '',
    action      text NOT NULL,
    target_type text NOT NULL DEFAULT '',
    target_id   text NOT NULL DEFAULT '',
    incident_id uuid REFERENCES incidents (id),
    request_id  text NOT NULL DEFAULT '',
    remote_addr text NOT NULL DEFAULT '',
    -- Canonical JSON, kept as text so the hashed bytes are the stored bytes.
    changes     text NOT NULL DEFAULT '{}',
    prev_hash   bytea NOT NULL,
    row_hash    bytea NOT NULL,
    CONSTRAINT audit_log_changes_json CHECK (changes::jsonb IS NOT NULL),
    CONSTRAINT audit_log_hash_size CHECK (length(prev_hash) = 32 AND length(row_hash) = 32)
);
CREATE INDEX audit_log_incident_idx ON audit_log (incident_id, seq) WHERE incident_id IS NOT NULL;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
