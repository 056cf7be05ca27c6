package incident

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/database"
)

// Store is the SQL for incidents and everything hanging off them.
type Store struct{}

const incidentColumns = `id, reference, title, summary, leaked_item, classification, detected_at,
	detection_method, reported_by, where_seen, root_cause, scope_and_importance, business_impact,
	reached_outside, disclosure_decision, disclosure_rationale, affected_notice, statement, lead_id,
	stage, version, created_by, created_at, updated_at`

// NextReference takes the next reference number of year. It runs in the
// transaction that inserts the incident: the counter row stays locked until
// commit, and a rollback gives the number back, so numbers are never reused.
func (Store) NextReference(ctx context.Context, ex database.Executor, year int) (string, error) {
	var n int
	err := ex.GetContext(ctx, &n, `
		INSERT INTO incident_reference_counters (year, last) VALUES ($1, 1)
		ON CONFLICT (year) DO UPDATE SET last = incident_reference_counters.last + 1
		RETURNING last`, year)
	if err != nil {
		return "", err
	}
	return FormatReference(year, n), nil
}

// Insert stores a new incident.
func (Store) Insert(ctx context.Context, ex database.Executor, inc Incident) (Incident, error) {
	var out Incident
	err := ex.GetContext(ctx, &out, `
		INSERT INTO incidents (id, reference, title, summary, leaked_item, classification, detected_at,
			detection_method, reported_by, where_seen, reached_outside, lead_id, stage, version, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		RETURNING `+incidentColumns,
		inc.ID, inc.Reference, inc.Title, inc.Summary, inc.LeakedItem, inc.Classification, inc.DetectedAt,
		inc.DetectionMethod, inc.ReportedBy, inc.WhereSeen, inc.ReachedOutside, inc.LeadID, inc.Stage,
		inc.Version, inc.CreatedBy)
	return out, err
}

// Get returns one incident; sql.ErrNoRows when there is none.
func (Store) Get(ctx context.Context, ex database.Executor, id uuid.UUID) (Incident, error) {
	var inc Incident
	err := ex.GetContext(ctx, &inc, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`, id)
	return inc, err
}

// GetByReference returns one incident by its reference; sql.ErrNoRows when there is none.
func (Store) GetByReference(ctx context.Context, ex database.Executor, ref string) (Incident, error) {
	var inc Incident
	err := ex.GetContext(ctx, &inc, `SELECT `+incidentColumns+` FROM incidents WHERE reference = $1`, ref)
	return inc, err
}

// Lock returns the incident with its row locked until the transaction ends.
func (Store) Lock(ctx context.Context, ex database.Executor, id uuid.UUID) (Incident, error) {
	var inc Incident
	err := ex.GetContext(ctx, &inc, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1 FOR UPDATE`, id)
	return inc, err
}

// Update writes every editable field and the stage, bumping the version.
func (Store) Update(ctx context.Context, ex database.Executor, inc Incident) (Incident, error) {
	var out Incident
	err := ex.GetContext(ctx, &out, `
		UPDATE incidents SET title = $2, summary = $3, leaked_item = $4, classification = $5,
			detected_at = $6, detection_method = $7, reported_by = $8, where_seen = $9, root_cause = $10,
			scope_and_importance = $11, business_impact = $12, reached_outside = $13,
			disclosure_decision = $14, disclosure_rationale = $15, affected_notice = $16, statement = $17,
			lead_id = $18, stage = $19, version = version + 1, updated_at = now()
		WHERE id = $1
		RETURNING `+incidentColumns,
		inc.ID, inc.Title, inc.Summary, inc.LeakedItem, inc.Classification, inc.DetectedAt,
		inc.DetectionMethod, inc.ReportedBy, inc.WhereSeen, inc.RootCause, inc.ScopeAndImportance,
		inc.BusinessImpact, inc.ReachedOutside, inc.DisclosureDecision, inc.DisclosureRationale,
		inc.AffectedNotice, inc.Statement, inc.LeadID, inc.Stage)
	return out, err
}

// filterSQL renders the WHERE clause of f, numbering parameters after args.
func filterSQL(f Filter, args []any) (string, []any) {
	var where []string
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.Stages) > 0 {
		s := make([]string, len(f.Stages))
		for i, st := range f.Stages {
			s[i] = string(st)
		}
		where = append(where, "stage = ANY("+arg(pq.StringArray(s))+")")
	}
	if len(f.Classifications) > 0 {
		s := make([]string, len(f.Classifications))
		for i, c := range f.Classifications {
			s[i] = string(c)
		}
		where = append(where, "classification = ANY("+arg(pq.StringArray(s))+")")
	}
	if f.Text != nil && strings.TrimSpace(*f.Text) != "" {
		p := arg("%" + escapeLike(strings.TrimSpace(*f.Text)) + "%")
		where = append(where, fmt.Sprintf("(reference ILIKE %[1]s OR title ILIKE %[1]s OR summary ILIKE %[1]s OR leaked_item ILIKE %[1]s OR where_seen ILIKE %[1]s)", p))
	}
	if f.DetectedFrom != nil {
		where = append(where, "detected_at >= "+arg(*f.DetectedFrom))
	}
	if f.DetectedTo != nil {
		where = append(where, "detected_at < "+arg(*f.DetectedTo))
	}
	if f.LeadID != nil {
		where = append(where, "lead_id = "+arg(*f.LeadID))
	}
	if len(where) == 0 {
		return "TRUE", args
	}
	return strings.Join(where, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// List returns up to limit incidents matching f, newest first, after the cursor.
func (Store) List(ctx context.Context, ex database.Executor, f Filter, after *Cursor, limit int) ([]Incident, error) {
	where, args := filterSQL(f, nil)
	if after != nil {
		args = append(args, after.CreatedAt, after.ID)
		where += fmt.Sprintf(" AND (created_at, id) < ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, limit)
	var out []Incident
	err := ex.SelectContext(ctx, &out, `SELECT `+incidentColumns+` FROM incidents WHERE `+where+
		fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT $%d`, len(args)), args...)
	return out, err
}

// Count returns how many incidents match f.
func (Store) Count(ctx context.Context, ex database.Executor, f Filter) (int, error) {
	where, args := filterSQL(f, nil)
	var n int
	err := ex.GetContext(ctx, &n, `SELECT count(*) FROM incidents WHERE `+where, args...)
	return n, err
}

// InsertTransition appends to the stage history.
func (Store) InsertTransition(ctx context.Context, ex database.Executor, t Transition) error {
	_, err := ex.ExecContext(ctx, `
		INSERT INTO incident_transitions (id, incident_id, from_stage, to_stage, kind, actor_id, at, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		t.ID, t.IncidentID, t.From, t.To, t.Kind, t.ActorID, t.At, t.Note)
	return err
}

// Transitions returns the stage history of an incident, oldest first.
func (Store) Transitions(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]Transition, error) {
	var out []Transition
	err := ex.SelectContext(ctx, &out, `
		SELECT id, incident_id, from_stage, to_stage, kind, actor_id, at, note
		FROM incident_transitions WHERE incident_id = $1 ORDER BY seq`, incidentID)
	return out, err
}

const taskColumns = `id, incident_id, stage, title, assignee_id, due_at, required, requirement,
	done_at, done_by, created_by, created_at`

// InsertTask stores a task. A gate task whose requirement already has a task
// is skipped, so entering a stage twice never duplicates them.
func (Store) InsertTask(ctx context.Context, ex database.Executor, t Task) error {
	_, err := ex.ExecContext(ctx, `
		INSERT INTO tasks (id, incident_id, stage, title, assignee_id, due_at, required, requirement, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (incident_id, requirement) WHERE requirement IS NOT NULL DO NOTHING`,
		t.ID, t.IncidentID, t.Stage, t.Title, t.AssigneeID, t.DueAt, t.Required, t.Requirement, t.CreatedBy)
	return err
}

// GetTask returns one task; sql.ErrNoRows when there is none.
func (Store) GetTask(ctx context.Context, ex database.Executor, id uuid.UUID) (Task, error) {
	var t Task
	err := ex.GetContext(ctx, &t, `SELECT `+taskColumns+` FROM tasks WHERE id = $1`, id)
	return t, err
}

// SetTaskDone marks a task done by actor, or not done when actor is nil.
func (Store) SetTaskDone(ctx context.Context, ex database.Executor, id uuid.UUID, actor *uuid.UUID) (Task, error) {
	var t Task
	err := ex.GetContext(ctx, &t, `
		UPDATE tasks SET
			done_at = CASE WHEN $2::uuid IS NULL THEN NULL ELSE coalesce(done_at, now()) END,
			done_by = CASE WHEN $2::uuid IS NULL THEN NULL ELSE coalesce(done_by, $2) END
		WHERE id = $1
		RETURNING `+taskColumns, id, actor)
	return t, err
}

// TasksOf returns the tasks of the given incidents in creation order.
func (Store) TasksOf(ctx context.Context, ex database.Executor, incidentIDs []uuid.UUID) ([]Task, error) {
	var out []Task
	err := ex.SelectContext(ctx, &out, `SELECT `+taskColumns+` FROM tasks
		WHERE incident_id = ANY($1) ORDER BY created_at, id`, pq.Array(incidentIDs))
	return out, err
}

// InsertContainment stores a containment action.
func (Store) InsertContainment(ctx context.Context, ex database.Executor, a ContainmentAction) (ContainmentAction, error) {
	var out ContainmentAction
	err := ex.GetContext(ctx, &out, `
		INSERT INTO containment_actions (id, incident_id, kind, description, taken_at, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id, incident_id, kind, description, taken_at, recorded_by, created_at`,
		a.ID, a.IncidentID, a.Kind, a.Description, a.TakenAt, a.RecordedBy)
	return out, err
}

// Containment returns an incident's containment actions in the order taken.
func (Store) Containment(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]ContainmentAction, error) {
	var out []ContainmentAction
	err := ex.SelectContext(ctx, &out, `
		SELECT id, incident_id, kind, description, taken_at, recorded_by, created_at
		FROM containment_actions WHERE incident_id = $1 ORDER BY taken_at, id`, incidentID)
	return out, err
}

// InsertNotification stores a report upward.
func (Store) InsertNotification(ctx context.Context, ex database.Executor, n Notification) (Notification, error) {
	var out Notification
	err := ex.GetContext(ctx, &out, `
		INSERT INTO authority_notifications (id, incident_id, authority, notified_at, reference, note, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		RETURNING id, incident_id, authority, notified_at, reference, note, recorded_by, created_at`,
		n.ID, n.IncidentID, n.Authority, n.NotifiedAt, n.Reference, n.Note, n.RecordedBy)
	return out, err
}

// Notifications returns an incident's reports upward in time order.
func (Store) Notifications(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]Notification, error) {
	var out []Notification
	err := ex.SelectContext(ctx, &out, `
		SELECT id, incident_id, authority, notified_at, reference, note, recorded_by, created_at
		FROM authority_notifications WHERE incident_id = $1 ORDER BY notified_at, id`, incidentID)
	return out, err
}

// GateData is what the gates need beyond the incident row.
type GateData struct {
	ContainmentActions int         `db:"containment_actions"`
	NotifiedAt         []time.Time `db:"-"`
	Tasks              []Task      `db:"-"`
}

// GateData gathers the counts, notification times and tasks of an incident.
func (s Store) GateData(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (GateData, error) {
	var d GateData
	if err := ex.GetContext(ctx, &d.ContainmentActions,
		`SELECT count(*) FROM containment_actions WHERE incident_id = $1`, incidentID); err != nil {
		return d, err
	}
	if err := ex.SelectContext(ctx, &d.NotifiedAt,
		`SELECT notified_at FROM authority_notifications WHERE incident_id = $1 ORDER BY notified_at`, incidentID); err != nil {
		return d, err
	}
	tasks, err := s.TasksOf(ctx, ex, []uuid.UUID{incidentID})
	d.Tasks = tasks
	return d, err
}
