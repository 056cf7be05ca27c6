-- Users, sessions, incidents and their lifecycle.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL,
    display_name  text NOT NULL,
    password_hash text NOT NULL,
    roles         text[] NOT NULL,
    locale        text NOT NULL DEFAULT 'zh-CN',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    CONSTRAINT users_roles_valid CHECK (
        cardinality(roles) > 0
        AND roles <@ ARRAY['RESPONDER', 'INVESTIGATOR', 'LEADERSHIP', 'ADMIN']::text[]),
    CONSTRAINT users_locale_valid CHECK (locale IN ('zh-CN', 'zh-TW', 'en'))
);

CREATE TABLE sessions (
    id         uuid PRIMARY KEY,
    token_hash bytea NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
    CONSTRAINT sessions_expiry_after_creation CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- One row per year: the last reference number handed out. Numbers are taken
-- in the transaction that inserts the incident, so they are never reused.
CREATE TABLE incident_reference_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL CHECK (last > 0)
);

CREATE TABLE incidents (
    id                   uuid PRIMARY KEY,
    reference            text NOT NULL,
    title                text NOT NULL,
    summary              text NOT NULL DEFAULT '',
    leaked_item          text NOT NULL,
    classification       text NOT NULL,
    detected_at          timestamptz NOT NULL,
    detection_method     text NOT NULL,
    reported_by          text NOT NULL,
    where_seen           text NOT NULL DEFAULT '',
    root_cause           text,
    scope_and_importance text NOT NULL DEFAULT '',
    business_impact      text NOT NULL DEFAULT '',
    reached_outside      boolean NOT NULL DEFAULT false,
    disclosure_decision  text,
    disclosure_rationale text NOT NULL DEFAULT '',
    affected_notice      text NOT NULL DEFAULT '',
    statement            text NOT NULL DEFAULT '',
    lead_id              uuid REFERENCES users (id),
    stage                text NOT NULL DEFAULT 'DETECT',
    version              integer NOT NULL DEFAULT 1,
    created_by           uuid NOT NULL REFERENCES users (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT incidents_reference_key UNIQUE (reference),
    CONSTRAINT incidents_reference_format CHECK (reference ~ '^LT-[0-9]{4}-[0-9]{4,}$'),
    CONSTRAINT incidents_title_present CHECK (btrim(title) <> '' AND length(title) <= 300),
    CONSTRAINT incidents_leaked_item_present CHECK (btrim(leaked_item) <> ''),
    CONSTRAINT incidents_reported_by_present CHECK (btrim(reported_by) <> ''),
    CONSTRAINT incidents_classification_valid CHECK (classification IN (
        'TOP_SECRET', 'SECRET', 'CONFIDENTIAL', 'WORK_SECRET', 'COMMERCIAL_SECRET',
        'PERSONAL_DATA', 'UNCLASSIFIED')),
    CONSTRAINT incidents_detection_method_valid CHECK (detection_method IN (
        'SELF_REPORT', 'AUDIT_INSPECTION', 'EXTERNAL_TIP', 'MONITORING', 'AUTHORITY_NOTICE')),
    CONSTRAINT incidents_root_cause_valid CHECK (root_cause IN (
        'URGENT_RELAY', 'REPORTING_TO_SUPERIOR', 'LEADER_INSTRUCTION', 'MIS_SEND', 'MULTIPLE',
        'CONVENIENCE', 'THIRD_PARTY_APP', 'ACCOUNT_COMPROMISE', 'INSIDER_INTENT', 'OTHER')),
    CONSTRAINT incidents_disclosure_decision_valid CHECK (disclosure_decision IN ('DISCLOSE', 'NOT_DISCLOSE')),
    CONSTRAINT incidents_stage_valid CHECK (stage IN (
        'DETECT', 'INITIAL_RESPONSE', 'INVESTIGATION', 'DISCLOSURE', 'RECOVERY', 'CLOSED')),
    CONSTRAINT incidents_version_positive CHECK (version > 0)
);
CREATE INDEX incidents_created_idx ON incidents (created_at DESC, id DESC);
CREATE INDEX incidents_stage_idx ON incidents (stage);
CREATE INDEX incidents_lead_idx ON incidents (lead_id);
CREATE INDEX incidents_detected_idx ON incidents (detected_at);

CREATE TABLE incident_transitions (
    id          uuid PRIMARY KEY,
    -- Orders the history even when two changes share a timestamp.
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    from_stage  text,
    to_stage    text NOT NULL,
    kind        text NOT NULL,
    actor_id    uuid NOT NULL REFERENCES users (id),
    at          timestamptz NOT NULL DEFAULT now(),
    note        text NOT NULL DEFAULT '',
    CONSTRAINT incident_transitions_kind_valid CHECK (kind IN ('OPEN', 'ADVANCE', 'RETURN', 'REOPEN')),
    CONSTRAINT incident_transitions_from_valid CHECK (from_stage IN (
        'DETECT', 'INITIAL_RESPONSE', 'INVESTIGATION', 'DISCLOSURE', 'RECOVERY', 'CLOSED')),
    CONSTRAINT incident_transitions_to_valid CHECK (to_stage IN (
        'DETECT', 'INITIAL_RESPONSE', 'INVESTIGATION', 'DISCLOSURE', 'RECOVERY', 'CLOSED')),
    -- Only the opening entry has no previous stage, and a step back always has a reason.
    CONSTRAINT incident_transitions_open_shape CHECK ((kind = 'OPEN') = (from_stage IS NULL)),
    CONSTRAINT incident_transitions_reason CHECK (kind NOT IN ('RETURN', 'REOPEN') OR btrim(note) <> '')
);
CREATE INDEX incident_transitions_incident_idx ON incident_transitions (incident_id, seq);

CREATE TABLE tasks (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    stage       text NOT NULL,
    title       text NOT NULL,
    assignee_id uuid REFERENCES users (id),
    due_at      timestamptz,
    required    boolean NOT NULL DEFAULT false,
    requirement text,
    done_at     timestamptz,
    done_by     uuid REFERENCES users (id),
    created_by  uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tasks_stage_valid CHECK (stage IN (
        'DETECT', 'INITIAL_RESPONSE', 'INVESTIGATION', 'DISCLOSURE', 'RECOVERY', 'CLOSED')),
    CONSTRAINT tasks_title_present CHECK (btrim(title) <> '' AND length(title) <= 300),
    CONSTRAINT tasks_done_shape CHECK ((done_at IS NULL) = (done_by IS NULL)),
    CONSTRAINT tasks_requirement_required CHECK (requirement IS NULL OR required)
);
CREATE INDEX tasks_incident_idx ON tasks (incident_id, created_at);
-- A gate creates at most one task per requirement, however often the stage is entered.
CREATE UNIQUE INDEX tasks_requirement_key ON tasks (incident_id, requirement) WHERE requirement IS NOT NULL;

CREATE TABLE containment_actions (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    kind        text NOT NULL,
    description text NOT NULL,
    taken_at    timestamptz NOT NULL,
    recorded_by uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT containment_actions_kind_valid CHECK (kind IN (
        'RECALL', 'TAKEDOWN_REQUEST', 'DEVICE_ISOLATED', 'ACCOUNT_ISOLATED', 'OTHER')),
    CONSTRAINT containment_actions_description_present CHECK (btrim(description) <> '')
);
CREATE INDEX containment_actions_incident_idx ON containment_actions (incident_id, taken_at);

CREATE TABLE authority_notifications (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    authority   text NOT NULL,
    notified_at timestamptz NOT NULL,
    reference   text NOT NULL DEFAULT '',
    note        text NOT NULL DEFAULT '',
    recorded_by uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT authority_notifications_authority_valid CHECK (authority IN (
        'CONFIDENTIALITY_BUREAU', 'HEADQUARTERS', 'POLICE', 'DISCIPLINE_COMMISSION', 'OTHER'))
);
CREATE INDEX authority_notifications_incident_idx ON authority_notifications (incident_id, notified_at);
