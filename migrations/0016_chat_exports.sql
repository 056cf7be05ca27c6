-- Chat exports read into a case (issue 17): each export is an evidence item
-- read by a job; its messages, chats and senders are kept per case, each
-- message citing the lines it was read from; the leaked item is marked and
-- fingerprinted; the forwards the sightings suggest wait for review.

-- Substring search of Chinese text: trigram indexes match 张某 or 〔2021〕3号
-- anywhere in a message, where a word index needs spaces between words.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One read of one export; idempotent per evidence item. A job claims a
-- QUEUED read (or a RUNNING one whose lease ran out: its server died) and
-- writes all of its messages in one transaction, so a read is all or nothing.
CREATE TABLE chat_imports (
    id            uuid PRIMARY KEY,
    incident_id   uuid NOT NULL REFERENCES incidents (id),
    evidence_id   uuid NOT NULL UNIQUE REFERENCES evidence (id),
    format        text NOT NULL DEFAULT '',
    chosen_format text NOT NULL DEFAULT '',
    time_zone     text NOT NULL,
    platform      text NOT NULL DEFAULT '',
    mapping       jsonb,
    day_first     boolean,
    state         text NOT NULL DEFAULT 'QUEUED',
    bytes_total   bigint NOT NULL DEFAULT 0,
    bytes_read    bigint NOT NULL DEFAULT 0,
    messages      integer NOT NULL DEFAULT 0,
    duplicates    integer NOT NULL DEFAULT 0,
    problems      jsonb NOT NULL DEFAULT '[]',
    more_problems integer NOT NULL DEFAULT 0,
    media         uuid[] NOT NULL DEFAULT '{}',
    failure       text NOT NULL DEFAULT '',
    failure_message text NOT NULL DEFAULT '',
    failure_params jsonb NOT NULL DEFAULT '{}',
    attempts      integer NOT NULL DEFAULT 0,
    lease_until   timestamptz,
    requested_by  uuid NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    CONSTRAINT chat_imports_state_valid CHECK (state IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED'))
);
CREATE INDEX chat_imports_incident_idx ON chat_imports (incident_id, created_at);
CREATE INDEX chat_imports_waiting_idx ON chat_imports (created_at) WHERE state IN ('QUEUED', 'RUNNING');

-- A chat (a venue) as the exports name it, per platform: by its id when the
-- export has one, else by its name.
CREATE TABLE chat_chats (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    platform    text NOT NULL,
    key         text NOT NULL,
    name        text NOT NULL,
    direct      boolean NOT NULL DEFAULT false,
    -- A private chat is one person's export of their chat with another: its
    -- owner (a name) and the other person's handle, which say who the two are.
    owner       text NOT NULL DEFAULT '',
    partner     text NOT NULL DEFAULT '',
    CONSTRAINT chat_chats_key_unique UNIQUE (incident_id, platform, key)
);

-- A sender (a person), per platform, by id or name, with every handle seen.
CREATE TABLE chat_senders (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    platform    text NOT NULL,
    key         text NOT NULL,
    name        text NOT NULL,
    handles     text[] NOT NULL DEFAULT '{}',
    CONSTRAINT chat_senders_key_unique UNIQUE (incident_id, platform, key)
);

-- A message; the same message in two exports (two members of a group both
-- exported it) has one digest and is kept once, with two sources.
CREATE TABLE chat_messages (
    id             uuid PRIMARY KEY,
    incident_id    uuid NOT NULL REFERENCES incidents (id),
    chat_id        uuid NOT NULL REFERENCES chat_chats (id),
    sender_id      uuid REFERENCES chat_senders (id),
    at             timestamptz NOT NULL,
    kind           text NOT NULL,
    text           text NOT NULL DEFAULT '',
    -- The text as the leaked item's fingerprints read it (fingerprint.Normalize:
    -- widths, script, punctuation and spacing made one), for a fuzzy search.
    norm           text NOT NULL DEFAULT '',
    -- Media, forwarded-from, quote, bundle items and members as the export gives them.
    details        jsonb NOT NULL DEFAULT '{}',
    digest         text NOT NULL,
    CONSTRAINT chat_messages_digest_unique UNIQUE (incident_id, digest)
);
CREATE INDEX chat_messages_chat_idx ON chat_messages (incident_id, at, id);
CREATE INDEX chat_messages_text_trgm_idx ON chat_messages USING gin (text gin_trgm_ops);
CREATE INDEX chat_messages_norm_trgm_idx ON chat_messages USING gin (norm gin_trgm_ops);

CREATE TABLE chat_message_sources (
    message_id  uuid NOT NULL REFERENCES chat_messages (id),
    import_id   uuid NOT NULL REFERENCES chat_imports (id),
    evidence_id uuid NOT NULL REFERENCES evidence (id),
    line        integer NOT NULL,
    byte_offset bigint NOT NULL,
    raw         text NOT NULL,
    PRIMARY KEY (message_id, evidence_id, line)
);
CREATE INDEX chat_message_sources_import_idx ON chat_message_sources (import_id);

-- What leaked, as the investigator marked it, with the fingerprints derived.
CREATE TABLE leak_marks (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    evidence_id uuid REFERENCES evidence (id),
    message_id  uuid REFERENCES chat_messages (id),
    text        text NOT NULL DEFAULT '',
    fingerprints jsonb NOT NULL DEFAULT '{}',
    created_by  uuid NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT leak_marks_one_thing CHECK (num_nonnulls(evidence_id, message_id) + (CASE WHEN btrim(text) <> '' THEN 1 ELSE 0 END) = 1)
);
CREATE UNIQUE INDEX leak_marks_evidence_unique ON leak_marks (incident_id, evidence_id) WHERE evidence_id IS NOT NULL;
CREATE UNIQUE INDEX leak_marks_message_unique ON leak_marks (incident_id, message_id) WHERE message_id IS NOT NULL;

-- The perceptual hashes and MD5 of an image in the vault, computed once.
CREATE TABLE evidence_fingerprints (
    evidence_id uuid PRIMARY KEY REFERENCES evidence (id),
    md5         text NOT NULL,
    image       jsonb
);

-- A forward the sightings suggest. Its key is stable across runs (from, to,
-- by), so a rejection is remembered and an accepted one is not proposed
-- again: accepting records the forward under the proposal's key.
CREATE TABLE forward_proposals (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    key         text NOT NULL,
    from_node   jsonb NOT NULL,
    to_node     jsonb NOT NULL,
    by_node     jsonb NOT NULL,
    at          timestamptz NOT NULL,
    method      text NOT NULL,
    confidence  double precision NOT NULL,
    reason      text NOT NULL,
    params      jsonb NOT NULL DEFAULT '{}',
    sources     jsonb NOT NULL DEFAULT '[]',
    rejected    boolean NOT NULL DEFAULT false,
    reject_reason text NOT NULL DEFAULT '',
    decided_by  uuid REFERENCES users (id),
    decided_at  timestamptz,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT forward_proposals_key_unique UNIQUE (incident_id, key)
);

-- The lines a forward rests on: set when it was accepted from a proposal
-- (an "evidenced" forward; one without is "asserted").
CREATE TABLE forward_sources (
    forward_id  uuid NOT NULL REFERENCES forwards (id) ON DELETE CASCADE,
    message_id  uuid REFERENCES chat_messages (id),
    evidence_id uuid NOT NULL REFERENCES evidence (id),
    line        integer NOT NULL,
    PRIMARY KEY (forward_id, evidence_id, line)
);
CREATE INDEX forward_sources_evidence_idx ON forward_sources (evidence_id, line);
