-- Reports issued to the authorities (issue 18): the written report upward
-- (泄密事件报告) and the result report (查处结果报告). Each issued file is kept
-- in the incident's evidence vault (hash and custody there); this row says
-- what it was and, when given, which recorded notification it satisfies. The
-- first issued_at per (incident_id, kind) stops the case's clock of that report.
CREATE TABLE issued_reports (
    id              uuid PRIMARY KEY,
    incident_id     uuid NOT NULL REFERENCES incidents (id),
    kind            text NOT NULL CHECK (kind IN ('UPWARD', 'RESULT')),
    language        text NOT NULL,
    format          text NOT NULL,
    evidence_id     uuid NOT NULL REFERENCES evidence (id),
    notification_id uuid NULL REFERENCES authority_notifications (id),
    sha256          text NOT NULL,
    issued_by       uuid NOT NULL REFERENCES users (id),
    issued_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX issued_reports_incident_idx ON issued_reports (incident_id, kind, issued_at);
