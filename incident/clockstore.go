package incident

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/workflow"
)

func idArray(ids []uuid.UUID) pq.StringArray {
	s := make(pq.StringArray, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return s
}

// ClockEvents returns, per incident, the first entry into each stage and the
// first report upward to an authority.
func (Store) ClockEvents(ctx context.Context, ex database.Executor, ids []uuid.UUID) (map[uuid.UUID]map[string]time.Time, error) {
	var rows []struct {
		IncidentID uuid.UUID `db:"incident_id"`
		Event      string    `db:"event"`
		At         time.Time `db:"at"`
	}
	err := ex.SelectContext(ctx, &rows, `
		SELECT incident_id, 'stage:' || to_stage AS event, min(at) AS at FROM incident_transitions
		WHERE incident_id = ANY($1) GROUP BY incident_id, to_stage
		UNION ALL
		SELECT incident_id, $2 AS event, min(notified_at) AS at FROM authority_notifications
		WHERE incident_id = ANY($1) GROUP BY incident_id`, idArray(ids), workflow.EventNotified)
	out := map[uuid.UUID]map[string]time.Time{}
	for _, r := range rows {
		if out[r.IncidentID] == nil {
			out[r.IncidentID] = map[string]time.Time{}
		}
		out[r.IncidentID][r.Event] = r.At
	}
	return out, err
}

// clockMark is a manual clock's row.
type clockMark struct {
	IncidentID uuid.UUID  `db:"incident_id"`
	ClockID    string     `db:"clock_id"`
	StartedAt  time.Time  `db:"started_at"`
	StartedBy  uuid.UUID  `db:"started_by"`
	StoppedAt  *time.Time `db:"stopped_at"`
	StoppedBy  *uuid.UUID `db:"stopped_by"`
	Note       string     `db:"note"`
}

// ClockMarks lists the manual clocks of these incidents.
func (Store) ClockMarks(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]clockMark, error) {
	var out []clockMark
	err := ex.SelectContext(ctx, &out, `SELECT incident_id, clock_id, started_at, started_by, stopped_at, stopped_by, note
		FROM clock_marks WHERE incident_id = ANY($1)`, idArray(ids))
	return out, err
}

// StartClock records a manual clock's start.
func (Store) StartClock(ctx context.Context, ex database.Executor, m clockMark) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO clock_marks (incident_id, clock_id, started_at, started_by, note)
		VALUES ($1, $2, $3, $4, $5)`, m.IncidentID, m.ClockID, m.StartedAt, m.StartedBy, m.Note)
	return database.MapError(err)
}

// StopClock records a manual clock's stop.
func (Store) StopClock(ctx context.Context, ex database.Executor, incidentID uuid.UUID, clockID string, at time.Time, by uuid.UUID, note string) error {
	_, err := ex.ExecContext(ctx, `UPDATE clock_marks SET stopped_at = $3, stopped_by = $4,
		note = CASE WHEN $5 = '' THEN note WHEN note = '' THEN $5 ELSE note || E'\n' || $5 END
		WHERE incident_id = $1 AND clock_id = $2`, incidentID, clockID, at, by, note)
	return database.MapError(err)
}

// ClockExtensions lists the extensions of these incidents' clocks, oldest first.
func (Store) ClockExtensions(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]ClockExtension, error) {
	var out []ClockExtension
	err := ex.SelectContext(ctx, &out, `SELECT id, incident_id, clock_id, amount, reason, extended_by, at
		FROM clock_extensions WHERE incident_id = ANY($1) ORDER BY at, id`, idArray(ids))
	return out, err
}

// InsertClockExtension records an extension.
func (Store) InsertClockExtension(ctx context.Context, ex database.Executor, e ClockExtension) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO clock_extensions (id, incident_id, clock_id, amount, reason, extended_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, e.ID, e.IncidentID, e.ClockID, e.Amount, e.Reason, e.ExtendedBy)
	return database.MapError(err)
}

// LeadOf tells, per incident, whether the user is its lead.
func (Store) LeadOf(ctx context.Context, ex database.Executor, userID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	var leads []uuid.UUID
	err := ex.SelectContext(ctx, &leads, `SELECT incident_id FROM incident_members
		WHERE user_id = $1 AND case_role = 'LEAD' AND incident_id = ANY($2)`, userID, idArray(ids))
	out := make(map[uuid.UUID]bool, len(leads))
	for _, id := range leads {
		out[id] = true
	}
	return out, err
}

// watchWindow is how long after its last change a closed case's clocks are
// still watched (the result report is due within three months).
const watchWindow = 200 * 24 * time.Hour

// Watched lists the cases whose clocks may still run: open ones, and closed
// ones changed within watchWindow.
func (Store) Watched(ctx context.Context, ex database.Executor) ([]Incident, error) {
	var out []Incident
	err := ex.SelectContext(ctx, &out, `SELECT `+incidentColumns+` FROM incidents
		WHERE stage <> 'CLOSED' OR updated_at > now() - $1 * interval '1 second'`, int64(watchWindow.Seconds()))
	return out, err
}

// maxWatchedChanges bounds the audit rows one watcher run reads.
const maxWatchedChanges = 20000

// ChangedSince returns the incidents changed since the watcher's cursor and
// the cursor after them, locking the cursor until the transaction ends.
func (Store) ChangedSince(ctx context.Context, ex database.Executor) ([]uuid.UUID, int64, error) {
	var cursor int64
	err := ex.GetContext(ctx, &cursor, `SELECT audit_seq FROM watch_cursor FOR UPDATE`)
	if errors.Is(err, sql.ErrNoRows) {
		cursor, err = 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var rows []struct {
		IncidentID uuid.UUID `db:"incident_id"`
		Last       int64     `db:"last"`
	}
	err = ex.SelectContext(ctx, &rows, `SELECT incident_id, max(seq) AS last FROM (
			SELECT incident_id, seq FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2) changed
		WHERE incident_id IS NOT NULL GROUP BY incident_id`, cursor, maxWatchedChanges)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if err := ex.GetContext(ctx, &next, `SELECT COALESCE(max(seq), $1) FROM (
			SELECT seq FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2) changed`, cursor, maxWatchedChanges); err != nil {
		return nil, 0, err
	}
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = r.IncidentID
	}
	return ids, next, nil
}

// SetWatchCursor moves the watcher's cursor.
func (Store) SetWatchCursor(ctx context.Context, ex database.Executor, seq int64) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO watch_cursor (audit_seq) VALUES ($1)
		ON CONFLICT (only_row) DO UPDATE SET audit_seq = $1`, seq)
	return err
}

// WatchedGate is the stage whose met gate the watcher last told of; seen is
// false when it never looked at the case.
func (Store) WatchedGate(ctx context.Context, ex database.Executor, id uuid.UUID) (seen bool, stage workflow.Stage, err error) {
	var s sql.NullString
	err = ex.GetContext(ctx, &s, `SELECT gate_met_stage FROM case_watch WHERE incident_id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", nil
	}
	return err == nil, workflow.Stage(s.String), err
}

// SetWatchedGate records the stage whose met gate was told of ("" for none yet).
func (Store) SetWatchedGate(ctx context.Context, ex database.Executor, id uuid.UUID, stage workflow.Stage) error {
	var v *string
	if stage != "" {
		s := string(stage)
		v = &s
	}
	_, err := ex.ExecContext(ctx, `INSERT INTO case_watch (incident_id, gate_met_stage) VALUES ($1, $2)
		ON CONFLICT (incident_id) DO UPDATE SET gate_met_stage = $2`, id, v)
	return err
}

// Read returns an incident whoever may see it, for the system's own jobs.
func (Store) Read(ctx context.Context, ex database.Executor, id uuid.UUID) (Incident, error) {
	var inc Incident
	err := ex.GetContext(ctx, &inc, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id)
	return inc, err
}

// readersSQL is VisibleSQL's rule turned around: the enabled users who may read incident $1.
const readersSQL = `SELECT u.id FROM users u JOIN incidents i ON i.id = $1
	WHERE NOT u.disabled AND (EXISTS (SELECT 1 FROM incident_members m WHERE m.incident_id = i.id AND m.user_id = u.id)
		OR ('LEADERSHIP' = ANY(u.roles) AND i.stage = 'CLOSED'))`

// Readers lists the enabled users who may read the incident now.
func (Store) Readers(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]uuid.UUID, error) {
	var out []uuid.UUID
	err := ex.SelectContext(ctx, &out, readersSQL+` ORDER BY u.id`, incidentID)
	return out, err
}

// MayRead reports whether the user is enabled and may read the incident now.
func (Store) MayRead(ctx context.Context, ex database.Executor, incidentID, userID uuid.UUID) (bool, error) {
	var ok bool
	err := ex.GetContext(ctx, &ok, `SELECT EXISTS (`+readersSQL+` AND u.id = $2)`, incidentID, userID)
	return ok, err
}

// ReadMany returns the incidents with these ids, whoever may see them.
func (Store) ReadMany(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]Incident, error) {
	var out []Incident
	err := ex.SelectContext(ctx, &out, `SELECT `+incidentColumns+` FROM incidents WHERE id = ANY($1)`, idArray(ids))
	return out, err
}
