-- Legal clocks (manual starts and stops, extensions) and notifications: the
-- transactional outbox of events, each user's in-app notices, who gets what,
-- webhook endpoints and the deliveries of e-mail and webhooks.

-- A manual clock (workflow.EventManual) as someone started and stopped it.
CREATE TABLE clock_marks (
    incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    clock_id    text NOT NULL,
    started_at  timestamptz NOT NULL,
    started_by  uuid NOT NULL REFERENCES users (id),
    stopped_at  timestamptz,
    stopped_by  uuid REFERENCES users (id),
    note        text NOT NULL DEFAULT '',
    PRIMARY KEY (incident_id, clock_id),
    CONSTRAINT clock_marks_stop_after_start CHECK (stopped_at IS NULL OR stopped_at >= started_at)
);

CREATE TABLE clock_extensions (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    clock_id    text NOT NULL,
    amount      integer NOT NULL CONSTRAINT clock_extensions_amount_range CHECK (amount BETWEEN 1 AND 1000),
    reason      text NOT NULL CONSTRAINT clock_extensions_reason_given CHECK (length(btrim(reason)) BETWEEN 1 AND 4000),
    extended_by uuid NOT NULL REFERENCES users (id),
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clock_extensions_incident_idx ON clock_extensions (incident_id, clock_id);

-- The outbox: an event is written in the transaction of the change it tells
-- of, so none is lost when the server dies; the fan-out turns each into
-- notices and deliveries once. dedupe keeps a clock's alert to one per
-- threshold and due time.
CREATE TABLE notice_events (
    seq         bigserial PRIMARY KEY,
    id          uuid NOT NULL UNIQUE,
    kind        text NOT NULL,
    incident_id uuid REFERENCES incidents (id) ON DELETE CASCADE,
    reference   text NOT NULL DEFAULT '',
    actor_id    uuid REFERENCES users (id),
    data        jsonb NOT NULL DEFAULT '{}',
    dedupe      text UNIQUE,
    at          timestamptz NOT NULL DEFAULT now(),
    fanned_at   timestamptz
);
CREATE INDEX notice_events_unfanned_idx ON notice_events (seq) WHERE fanned_at IS NULL;

CREATE TABLE notices (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   uuid NOT NULL REFERENCES notice_events (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    CONSTRAINT notices_once UNIQUE (user_id, event_id)
);
CREATE INDEX notices_user_idx ON notices (user_id, created_at DESC, id DESC);
CREATE INDEX notices_unread_idx ON notices (user_id) WHERE read_at IS NULL;

-- A user's own choices; kinds they did not choose for follow their roles.
CREATE TABLE notice_settings (
    user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email         text NOT NULL DEFAULT '',
    subscriptions jsonb NOT NULL DEFAULT '{}',
    quiet_from    smallint CONSTRAINT notice_settings_quiet_from_range CHECK (quiet_from BETWEEN 0 AND 1439),
    quiet_to      smallint CONSTRAINT notice_settings_quiet_to_range CHECK (quiet_to BETWEEN 0 AND 1439),
    time_zone     text NOT NULL DEFAULT 'Asia/Shanghai',
    CONSTRAINT notice_settings_quiet_both CHECK ((quiet_from IS NULL) = (quiet_to IS NULL))
);

CREATE TABLE role_subscriptions (
    role     text NOT NULL,
    kind     text NOT NULL,
    channels text[] NOT NULL,
    PRIMARY KEY (role, kind)
);
-- Everyone on a case hears of its stage, gate and clocks in the app, and by
-- e-mail when a clock runs short or over; leadership of reviews; the case
-- team of evidence problems and of the uploads and imports it waits on.
INSERT INTO role_subscriptions (role, kind, channels)
SELECT r, k, CASE WHEN k IN ('CLOCK_10', 'CLOCK_OVERDUE', 'FIXITY_MISMATCH') OR (r = 'LEADERSHIP' AND k = 'REVIEW_REQUESTED')
                  THEN ARRAY['IN_APP', 'EMAIL'] ELSE ARRAY['IN_APP'] END
FROM unnest(ARRAY['RESPONDER', 'INVESTIGATOR', 'LEADERSHIP', 'ADMIN']) r,
     unnest(ARRAY['STAGE_CHANGED', 'GATE_MET', 'CLOCK_25', 'CLOCK_10', 'CLOCK_OVERDUE', 'REVIEW_REQUESTED',
                  'REVIEW_DECIDED', 'FIXITY_MISMATCH', 'UPLOAD_FINISHED', 'IMPORT_FINISHED']) k
WHERE NOT (r = 'RESPONDER' AND k IN ('REVIEW_REQUESTED', 'REVIEW_DECIDED'))
  AND NOT (r = 'LEADERSHIP' AND k IN ('UPLOAD_FINISHED', 'IMPORT_FINISHED', 'GATE_MET'));

CREATE TABLE webhook_endpoints (
    id         uuid PRIMARY KEY,
    name       text NOT NULL CONSTRAINT webhook_endpoints_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    url        text NOT NULL CONSTRAINT webhook_endpoints_url_length CHECK (length(url) BETWEEN 1 AND 2000),
    format     text NOT NULL CONSTRAINT webhook_endpoints_format_valid CHECK (format IN ('GENERIC', 'WECOM', 'DINGTALK', 'LARK')),
    secret     text NOT NULL DEFAULT '',
    kinds      text[] NOT NULL,
    locale     text NOT NULL DEFAULT 'zh-CN' CONSTRAINT webhook_endpoints_locale_valid CHECK (locale IN ('zh-CN', 'zh-TW', 'en')),
    acting_as  uuid NOT NULL REFERENCES users (id),
    enabled    boolean NOT NULL DEFAULT true,
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_endpoints_name_key UNIQUE (name)
);

-- One delivery of one event to one e-mail recipient or webhook endpoint. Its
-- id is sent with every attempt, so a receiver can drop repeats.
CREATE TABLE deliveries (
    id           uuid PRIMARY KEY,
    seq          bigserial NOT NULL,
    event_id     uuid NOT NULL REFERENCES notice_events (id) ON DELETE CASCADE,
    incident_id  uuid REFERENCES incidents (id) ON DELETE CASCADE,
    channel      text NOT NULL CONSTRAINT deliveries_channel_valid CHECK (channel IN ('EMAIL', 'WEBHOOK')),
    user_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    endpoint_id  uuid REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    state        text NOT NULL DEFAULT 'PENDING' CONSTRAINT deliveries_state_valid CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED', 'SKIPPED')),
    attempts     integer NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL DEFAULT now(),
    last_status  integer,
    last_error   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    CONSTRAINT deliveries_target CHECK ((channel = 'EMAIL') = (user_id IS NOT NULL) AND (channel = 'WEBHOOK') = (endpoint_id IS NOT NULL)),
    CONSTRAINT deliveries_once UNIQUE NULLS NOT DISTINCT (event_id, user_id, endpoint_id)
);
CREATE INDEX deliveries_due_idx ON deliveries (next_at) WHERE state = 'PENDING';
CREATE INDEX deliveries_endpoint_idx ON deliveries (endpoint_id, seq DESC);

CREATE TABLE delivery_attempts (
    id          bigserial PRIMARY KEY,
    delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    n           integer NOT NULL,
    at          timestamptz NOT NULL,
    status      integer,
    error       text NOT NULL DEFAULT '',
    duration_ms integer NOT NULL
);
CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, id);

-- What the watcher last saw of each open case, so "gate met" is told once per stage.
CREATE TABLE case_watch (
    incident_id    uuid PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    gate_met_stage text
);

-- How far the watcher has read the audit log: the cases changed since are
-- the ones whose gates it looks at again.
CREATE TABLE watch_cursor (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    audit_seq bigint NOT NULL
);
