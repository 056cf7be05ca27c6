package incident

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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

// clockFactColumns are, for the incident aliased i, what its clocks read
// beyond its own columns: the first entry into each stage, the first report
// upward to an authority, the manual marks and the extensions added per clock.
// Kept as columns so that one statement reads them for a whole page, beside
// whatever else that statement reads.
const clockFactColumns = `
	(SELECT json_object_agg(to_stage, first) FROM (SELECT to_stage, min(at) AS first FROM incident_transitions t
		WHERE t.incident_id = i.id GROUP BY to_stage) s) AS stages,
	(SELECT min(notified_at) FROM authority_notifications n WHERE n.incident_id = i.id) AS first_notified,
	(SELECT json_agg(json_build_object('clock', clock_id, 'started', started_at, 'stopped', stopped_at))
		FROM clock_marks m WHERE m.incident_id = i.id) AS marks,
	(SELECT json_object_agg(clock_id, amount) FROM (SELECT clock_id, sum(amount) AS amount FROM clock_extensions x
		WHERE x.incident_id = i.id GROUP BY clock_id) e) AS extended`

// clockFactRow is clockFactColumns as read.
type clockFactRow struct {
	IncidentID    uuid.UUID  `db:"incident_id"`
	Stages        []byte     `db:"stages"`
	FirstNotified *time.Time `db:"first_notified"`
	Marks         []byte     `db:"marks"`
	Extended      []byte     `db:"extended"`
}

// apply adds the row's events, marks and extensions to f.
func (r clockFactRow) apply(f *workflow.ClockFacts) error {
	var stages map[workflow.Stage]time.Time
	var marks []struct {
		Clock            string
		Started, Stopped *time.Time
	}
	var extended map[string]int
	for _, part := range []struct {
		raw []byte
		to  any
	}{{r.Stages, &stages}, {r.Marks, &marks}, {r.Extended, &extended}} {
		if part.raw != nil {
			if err := json.Unmarshal(part.raw, part.to); err != nil {
				return fmt.Errorf("clock facts of %s: %w", r.IncidentID, err)
			}
		}
	}
	for stage, at := range stages {
		f.Events[workflow.StageEvent(stage)] = at
	}
	if r.FirstNotified != nil {
		f.Events[workflow.EventNotified] = *r.FirstNotified
	}
	for _, m := range marks {
		var mark workflow.ManualMark
		if m.Started != nil {
			mark.Started = *m.Started
		}
		if m.Stopped != nil {
			mark.Stopped = *m.Stopped
		}
		f.Manual[m.Clock] = mark
	}
	for clock, amount := range extended {
		f.Extended[clock] += amount
	}
	return nil
}

// ClockFacts reads what the clocks of these incidents read beyond their own
// columns, in one statement.
func (Store) ClockFacts(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]clockFactRow, error) {
	var out []clockFactRow
	err := ex.SelectContext(ctx, &out, `SELECT i.id AS incident_id, `+clockFactColumns+`
		FROM incidents i WHERE i.id = ANY($1)`, idArray(ids))
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
