-- Responsibility findings, disciplinary outcomes, recurrence-prevention
-- measures, and leadership's review of closed cases, which freezes them.

-- Set when leadership accepts a closed case: later edits are refused until the
-- case is formally reopened.
ALTER TABLE incidents ADD COLUMN frozen_at timestamptz;

CREATE TABLE findings (
    id                uuid PRIMARY KEY,
    incident_id       uuid NOT NULL REFERENCES incidents (id),
    -- The person: a PERSON node of the spread chain, or named directly.
    node_id           uuid REFERENCES spread_nodes (id),
    person_name       text NOT NULL,
    unit              text NOT NULL DEFAULT '',
    position          text NOT NULL DEFAULT '',
    kind              text NOT NULL,
    facts             text NOT NULL,
    forward_ids       uuid[] NOT NULL DEFAULT '{}',
    evidence_ids      uuid[] NOT NULL DEFAULT '{}',
    -- Why no disciplinary outcome applies (e.g. the person has left, or died).
    no_outcome_reason text NOT NULL DEFAULT '',
    made_by           uuid NOT NULL REFERENCES users (id),
    made_at           timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT findings_kind_valid CHECK (kind IN ('DIRECT', 'LEADERSHIP', 'SUPERVISORY', 'OTHER')),
    CONSTRAINT findings_person_present CHECK (btrim(person_name) <> ''),
    CONSTRAINT findings_facts_present CHECK (btrim(facts) <> '')
);
CREATE INDEX findings_incident_idx ON findings (incident_id, made_at);

CREATE TABLE outcomes (
    id            uuid PRIMARY KEY,
    finding_id    uuid NOT NULL REFERENCES findings (id),
    incident_id   uuid NOT NULL REFERENCES incidents (id),
    category      text NOT NULL,
    type          text NOT NULL,
    deciding_body text NOT NULL,
    decided_on    date,
    legal_basis   text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'PROPOSED',
    created_by    uuid NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outcomes_category_valid CHECK (category IN ('ADMINISTRATIVE', 'PARTY', 'ORGANISATIONAL', 'EMPLOYMENT', 'CRIMINAL')),
    CONSTRAINT outcomes_status_valid CHECK (status IN ('PROPOSED', 'DECIDED', 'APPEALED', 'FINAL', 'REVOKED')),
    CONSTRAINT outcomes_body_present CHECK (btrim(deciding_body) <> ''),
    CONSTRAINT outcomes_decided_dated CHECK (status IN ('PROPOSED', 'REVOKED') OR decided_on IS NOT NULL)
);
CREATE INDEX outcomes_finding_idx ON outcomes (finding_id, created_at);
CREATE INDEX outcomes_incident_idx ON outcomes (incident_id);

-- Every status an outcome has been in, with who moved it and when.
CREATE TABLE outcome_status_changes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outcome_id uuid NOT NULL REFERENCES outcomes (id),
    from_status text,
    to_status  text NOT NULL,
    note       text NOT NULL DEFAULT '',
    changed_by uuid NOT NULL REFERENCES users (id),
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outcome_status_changes_outcome_idx ON outcome_status_changes (outcome_id, id);
CREATE TRIGGER outcome_status_changes_no_update BEFORE UPDATE OR DELETE ON outcome_status_changes
    FOR EACH ROW EXECUTE FUNCTION append_only();

CREATE TABLE measures (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    title       text NOT NULL,
    owner_id    uuid NOT NULL REFERENCES users (id),
    due_on      date NOT NULL,
    status      text NOT NULL DEFAULT 'OPEN',
    created_by  uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT measures_title_present CHECK (btrim(title) <> ''),
    CONSTRAINT measures_status_valid CHECK (status IN ('OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED'))
);
CREATE INDEX measures_incident_idx ON measures (incident_id, created_at);
CREATE INDEX measures_open_due_idx ON measures (due_on) WHERE status IN ('OPEN', 'IN_PROGRESS');

-- Leadership's review of a closed case. An accepted review holds the frozen
-- case's snapshot and its SHA-256.
CREATE TABLE reviews (
    id              uuid PRIMARY KEY,
    incident_id     uuid NOT NULL REFERENCES incidents (id),
    decision        text NOT NULL,
    comments        text NOT NULL DEFAULT '',
    return_to       text,
    reviewer_id     uuid NOT NULL REFERENCES users (id),
    reviewed_at     timestamptz NOT NULL DEFAULT now(),
    snapshot        text, -- the exact JSON whose SHA-256 is recorded
    snapshot_sha256 text,
    CONSTRAINT reviews_decision_valid CHECK (decision IN ('ACCEPTED', 'RETURNED')),
    CONSTRAINT reviews_shape CHECK (
        (decision = 'ACCEPTED' AND snapshot IS NOT NULL AND snapshot_sha256 ~ '^[0-9a-f]{64}$' AND return_to IS NULL)
        OR (decision = 'RETURNED' AND snapshot IS NULL AND return_to IS NOT NULL AND btrim(comments) <> ''))
);
CREATE INDEX reviews_incident_idx ON reviews (incident_id, reviewed_at);
CREATE TRIGGER reviews_no_update BEFORE UPDATE OR DELETE ON reviews FOR EACH ROW EXECUTE FUNCTION append_only();
