package incident

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/workflow"
)

// Store is the SQL for incidents and everything hanging off them.
type Store struct{}

const incidentColumns = `id, reference, title, summary, leaked_item, classification, jurisdiction, detected_at,
	detection_method, reported_by, where_seen, root_cause, scope_and_importance, business_impact,
	reached_outside, disclosure_decision, disclosure_rationale, affected_notice, statement, lead_id,
	stage, version, created_by, created_at, updated_at, frozen_at, no_responsible_reason, time_zone, secrecy_period`

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
			detection_method, reported_by, where_seen, reached_outside, lead_id, stage, version, created_by,
			time_zone, secrecy_period, jurisdiction)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		RETURNING `+incidentColumns,
		inc.ID, inc.Reference, inc.Title, inc.Summary, inc.LeakedItem, inc.Classification, inc.DetectedAt,
		inc.DetectionMethod, inc.ReportedBy, inc.WhereSeen, inc.ReachedOutside, inc.LeadID, inc.Stage,
		inc.Version, inc.CreatedBy, inc.TimeZone, inc.SecrecyPeriod, inc.Jurisdiction)
	return out, err
}

// VisibleSQL is the need-to-know rule as SQL, for the incidents aliased as
// alias: members see their incidents, LEADERSHIP also sees closed ones. Every
// read of incident data goes through it.
func VisibleSQL(alias string, v Viewer, args []any) (string, []any) {
	args = append(args, v.UserID, v.Leadership)
	return fmt.Sprintf(`(EXISTS (SELECT 1 FROM incident_members vm WHERE vm.incident_id = %[1]s.id AND vm.user_id = $%[2]d)
		OR ($%[3]d AND %[1]s.stage = 'CLOSED'))`, alias, len(args)-1, len(args)), args
}

// Get returns one incident the viewer may see; sql.ErrNoRows otherwise.
func (Store) Get(ctx context.Context, ex database.Executor, v Viewer, id uuid.UUID) (Incident, error) {
	return getWhere(ctx, ex, v, "id", id)
}

// GetByReference returns one incident the viewer may see by its reference; sql.ErrNoRows otherwise.
func (Store) GetByReference(ctx context.Context, ex database.Executor, v Viewer, ref string) (Incident, error) {
	return getWhere(ctx, ex, v, "reference", ref)
}

// IDByReference returns the id of the incident with that reference, whoever
// may see it: for Leaktrail's own maintenance commands, never for a user.
func (Store) IDByReference(ctx context.Context, ex database.Executor, ref string) (uuid.UUID, error) {
	var id uuid.UUID
	err := ex.GetContext(ctx, &id, `SELECT id FROM incidents WHERE reference = $1`, ref)
	if errors.Is(err, sql.ErrNoRows) {
		return id, apperr.Errorf(apperr.NotFound, "no incident has reference %s", ref)
	}
	return id, err
}

// ReferenceByID returns the reference of the incident with that id, whoever
// may see it: for reports of Leaktrail's own checks, never for a user.
func (Store) ReferenceByID(ctx context.Context, ex database.Executor, id uuid.UUID) (string, error) {
	var ref string
	err := ex.GetContext(ctx, &ref, `SELECT reference FROM incidents WHERE id = $1`, id)
	return ref, err
}

func getWhere(ctx context.Context, ex database.Executor, v Viewer, column string, value any) (Incident, error) {
	visible, args := VisibleSQL("incidents", v, []any{value})
	var inc Incident
	err := ex.GetContext(ctx, &inc, `SELECT `+incidentColumns+` FROM incidents WHERE `+column+` = $1 AND `+visible, args...)
	return inc, err
}

// Visible returns which of the incidents the viewer may see.
func (Store) Visible(ctx context.Context, ex database.Executor, v Viewer, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	visible, args := VisibleSQL("incidents", v, []any{pq.Array(ids)})
	var seen []uuid.UUID
	if err := ex.SelectContext(ctx, &seen, `SELECT id FROM incidents WHERE id = ANY($1) AND `+visible, args...); err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]bool, len(seen))
	for _, id := range seen {
		out[id] = true
	}
	return out, nil
}

// ReferenceOf returns an incident's id and reference whoever asks, for
// membership management by admins, who may not read the incident itself.
func (Store) ReferenceOf(ctx context.Context, ex database.Executor, ref string) (uuid.UUID, workflow.Stage, error) {
	var row struct {
		ID    uuid.UUID      `db:"id"`
		Stage workflow.Stage `db:"stage"`
	}
	err := ex.GetContext(ctx, &row, `SELECT id, stage FROM incidents WHERE reference = $1`, ref)
	return row.ID, row.Stage, err
}

// Lock returns the incident, whoever may see it, with its row locked until the
// transaction ends; the caller checks access before using it.
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
			lead_id = $18, stage = $19, frozen_at = $20, no_responsible_reason = $21,
			time_zone = $22, secrecy_period = $23, jurisdiction = $24, version = version + 1, updated_at = now()
		WHERE id = $1
		RETURNING `+incidentColumns,
		inc.ID, inc.Title, inc.Summary, inc.LeakedItem, inc.Classification, inc.DetectedAt,
		inc.DetectionMethod, inc.ReportedBy, inc.WhereSeen, inc.RootCause, inc.ScopeAndImportance,
		inc.BusinessImpact, inc.ReachedOutside, inc.DisclosureDecision, inc.DisclosureRationale,
		inc.AffectedNotice, inc.Statement, inc.LeadID, inc.Stage, inc.FrozenAt, inc.NoResponsibleReason,
		inc.TimeZone, inc.SecrecyPeriod, inc.Jurisdiction)
	return out, err
}

// filterSQL renders the WHERE clause of f for viewer v, numbering parameters after args.
func filterSQL(v Viewer, f Filter, args []any) (string, []any) {
	visible, args := VisibleSQL("incidents", v, args)
	where := []string{visible}
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
	if len(f.RootCauses) > 0 {
		s := make([]string, len(f.RootCauses))
		for i, c := range f.RootCauses {
			s[i] = string(c)
		}
		where = append(where, "root_cause = ANY("+arg(pq.StringArray(s))+")")
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
	return strings.Join(where, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// List returns up to limit incidents the viewer may see matching f, newest
// first, after the cursor, with how many match in all (counted in the same
// statement; -1 when the page is empty and so cannot carry it).
func (Store) List(ctx context.Context, ex database.Executor, v Viewer, f Filter, after *Cursor, limit int) ([]Incident, int, error) {
	where, args := filterSQL(v, f, nil)
	page := "true"
	if after != nil {
		args = append(args, after.CreatedAt, after.ID)
		page = fmt.Sprintf("(created_at, id) < ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, limit)
	var rows []struct {
		Incident
		Total int `db:"total"`
	}
	// The count is an uncorrelated subquery: PostgreSQL runs it once.
	err := ex.SelectContext(ctx, &rows, `SELECT `+incidentColumns+`, (SELECT count(*) FROM incidents WHERE `+where+`) AS total
		FROM incidents WHERE `+where+` AND `+page+fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT $%d`, len(args)), args...)
	out := make([]Incident, len(rows))
	total := -1
	for i, r := range rows {
		out[i], total = r.Incident, r.Total
	}
	return out, total, err
}

// Count returns how many incidents the viewer may see match f.
func (Store) Count(ctx context.Context, ex database.Executor, v Viewer, f Filter) (int, error) {
	where, args := filterSQL(v, f, nil)
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

// childRows selects columns of table's rows of the given incidents that the
// viewer may see, in order.
func childRows(ctx context.Context, ex database.Executor, dest any, v Viewer, table, columns, order string, incidentIDs []uuid.UUID) error {
	visible, args := VisibleSQL("i", v, []any{pq.Array(incidentIDs)})
	return ex.SelectContext(ctx, dest, `SELECT `+columns+` FROM `+table+` c JOIN incidents i ON i.id = c.incident_id
		WHERE c.incident_id = ANY($1) AND `+visible+` ORDER BY `+order, args...)
}

// Counts returns, for each visible incident of the ids, how much it holds.
func (Store) Counts(ctx context.Context, ex database.Executor, v Viewer, incidentIDs []uuid.UUID) ([]Counts, error) {
	visible, args := VisibleSQL("i", v, []any{pq.Array(incidentIDs)})
	var out []Counts
	err := ex.SelectContext(ctx, &out, `SELECT i.id AS incident_id, `+countColumns+`
		FROM incidents i WHERE i.id = ANY($1) AND `+visible, args...)
	return out, err
}

// countColumns are the Counts of the incident aliased i.
const countColumns = `
	(SELECT count(*) FROM tasks t WHERE t.incident_id = i.id) AS tasks,
	(SELECT count(*) FROM tasks t WHERE t.incident_id = i.id AND t.done_at IS NULL) AS open_tasks,
	(SELECT count(*) FROM evidence e WHERE e.incident_id = i.id) AS evidence,
	(SELECT count(*) FROM forwards f WHERE f.incident_id = i.id) AS forwards`

// summaryRow is what Summaries reads of one incident.
type summaryRow struct {
	// IncidentID, the shallowest, is the one the row's incident_id fills.
	IncidentID uuid.UUID `db:"incident_id"`
	Counts
	clockFactRow
	Lead bool `db:"lead"`
}

// Summaries reads, for the incidents among ids the viewer may see, their
// counts, what their clocks read and whether the viewer leads them: all a
// list row shows beyond the incident's own columns, in one statement.
func (Store) Summaries(ctx context.Context, ex database.Executor, v Viewer, ids []uuid.UUID) ([]summaryRow, error) {
	visible, args := VisibleSQL("i", v, []any{pq.Array(ids)})
	var out []summaryRow
	err := ex.SelectContext(ctx, &out, `SELECT i.id AS incident_id, `+countColumns+`, `+clockFactColumns+`,
		EXISTS (SELECT 1 FROM incident_members lm WHERE lm.incident_id = i.id AND lm.user_id = $2 AND lm.case_role = 'LEAD') AS lead
		FROM incidents i WHERE i.id = ANY($1) AND `+visible, args...)
	return out, err
}

// Transitions returns the stage history of an incident, oldest first.
func (Store) Transitions(ctx context.Context, ex database.Executor, v Viewer, incidentID uuid.UUID) ([]Transition, error) {
	var out []Transition
	err := childRows(ctx, ex, &out, v, "incident_transitions", "c.id, c.incident_id, c.from_stage, c.to_stage, c.kind, c.actor_id, c.at, c.note",
		"c.seq", []uuid.UUID{incidentID})
	return out, err
}

const taskColumns = `id, incident_id, stage, title, assignee_id, due_at, required, requirement,
	done_at, done_by, created_by, created_at`

const childTaskColumns = `c.id, c.incident_id, c.stage, c.title, c.assignee_id, c.due_at, c.required, c.requirement,
	c.done_at, c.done_by, c.created_by, c.created_at`

// InsertTask stores a task.
func (Store) InsertTask(ctx context.Context, ex database.Executor, t Task) error {
	_, err := ex.ExecContext(ctx, `
		INSERT INTO tasks (id, incident_id, stage, title, assignee_id, due_at, required, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		t.ID, t.IncidentID, t.Stage, t.Title, t.AssigneeID, t.DueAt, t.Required, t.CreatedBy)
	return err
}

// GetTask returns one task, whoever may see it; sql.ErrNoRows when there is none.
// The caller checks access to its incident.
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

// TasksOf returns the tasks of the given incidents the viewer may see, in creation order.
func (Store) TasksOf(ctx context.Context, ex database.Executor, v Viewer, incidentIDs []uuid.UUID) ([]Task, error) {
	var out []Task
	err := childRows(ctx, ex, &out, v, "tasks", childTaskColumns, "c.created_at, c.id", incidentIDs)
	return out, err
}

// allTasksOf returns every task of one incident, for the gates.
func (Store) allTasksOf(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]Task, error) {
	var out []Task
	err := ex.SelectContext(ctx, &out, `SELECT `+taskColumns+` FROM tasks WHERE incident_id = $1 ORDER BY created_at, id`, incidentID)
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
func (Store) Containment(ctx context.Context, ex database.Executor, v Viewer, incidentID uuid.UUID) ([]ContainmentAction, error) {
	var out []ContainmentAction
	err := childRows(ctx, ex, &out, v, "containment_actions", "c.id, c.incident_id, c.kind, c.description, c.taken_at, c.recorded_by, c.created_at",
		"c.taken_at, c.id", []uuid.UUID{incidentID})
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

// Notifications returns the reports upward of the incidents, in time order.
func (Store) Notifications(ctx context.Context, ex database.Executor, v Viewer, incidentIDs []uuid.UUID) ([]Notification, error) {
	var out []Notification
	err := childRows(ctx, ex, &out, v, "authority_notifications", "c.id, c.incident_id, c.authority, c.notified_at, c.reference, c.note, c.recorded_by, c.created_at",
		"c.notified_at, c.id", incidentIDs)
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
	tasks, err := s.allTasksOf(ctx, ex, incidentID)
	d.Tasks = tasks
	return d, err
}

const memberColumns = `incident_id, user_id, case_role, outcomes_access, added_by, added_at`

// Member returns the user's membership of an incident, or nil.
func (Store) Member(ctx context.Context, ex database.Executor, incidentID, userID uuid.UUID) (*Member, error) {
	var m Member
	err := ex.GetContext(ctx, &m, `SELECT `+memberColumns+` FROM incident_members WHERE incident_id = $1 AND user_id = $2`, incidentID, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &m, err
}

// Members returns an incident's members, the lead first.
func (Store) Members(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]Member, error) {
	var out []Member
	err := ex.SelectContext(ctx, &out, `SELECT `+memberColumns+` FROM incident_members WHERE incident_id = $1
		ORDER BY case_role = 'LEAD' DESC, added_at, user_id`, incidentID)
	return out, err
}

// PutMember adds a member or changes an existing member's role and outcomes access.
func (Store) PutMember(ctx context.Context, ex database.Executor, m Member) (Member, error) {
	var out Member
	err := ex.GetContext(ctx, &out, `
		INSERT INTO incident_members (incident_id, user_id, case_role, outcomes_access, added_by)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (incident_id, user_id) DO UPDATE SET case_role = EXCLUDED.case_role, outcomes_access = EXCLUDED.outcomes_access
		RETURNING `+memberColumns, m.IncidentID, m.UserID, m.CaseRole, m.OutcomesAccess, m.AddedBy)
	return out, err
}

// DemoteLead makes the incident's current lead an investigator.
func (Store) DemoteLead(ctx context.Context, ex database.Executor, incidentID uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `UPDATE incident_members SET case_role = 'INVESTIGATOR'
		WHERE incident_id = $1 AND case_role = 'LEAD'`, incidentID)
	return err
}

// SetLeadID records the lead on the incident row.
func (Store) SetLeadID(ctx context.Context, ex database.Executor, incidentID, userID uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `UPDATE incidents SET lead_id = $2 WHERE id = $1`, incidentID, userID)
	return err
}

// DeleteMember removes a member; it reports whether there was one.
func (Store) DeleteMember(ctx context.Context, ex database.Executor, incidentID, userID uuid.UUID) (bool, error) {
	res, err := ex.ExecContext(ctx, `DELETE FROM incident_members WHERE incident_id = $1 AND user_id = $2`, incidentID, userID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
