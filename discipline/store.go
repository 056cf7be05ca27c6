package discipline

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/database"
)

// Store is the SQL of findings, outcomes, measures and reviews.
type Store struct{}

func uuids(a pq.StringArray) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(a))
	for _, s := range a {
		out = append(out, uuid.MustParse(s))
	}
	return out
}

func strs(ids []uuid.UUID) pq.StringArray {
	out := make(pq.StringArray, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

const findingColumns = `id, incident_id, node_id, person_name, unit, position, kind, facts, forward_ids, evidence_ids,
	no_outcome_reason, made_by, made_at, updated_at`

func scanFinding(sc database.Scanner) (*Finding, error) {
	f := &Finding{}
	var forwards, evidence pq.StringArray
	err := sc.Scan(&f.ID, &f.IncidentID, &f.NodeID, &f.PersonName, &f.Unit, &f.Position, &f.Kind, &f.Facts,
		&forwards, &evidence, &f.NoOutcomeReason, &f.MadeBy, &f.MadeAt, &f.UpdatedAt)
	f.ForwardIDs, f.EvidenceIDs = uuids(forwards), uuids(evidence)
	return f, err
}

// PutFinding inserts a finding or replaces its content.
func (Store) PutFinding(ctx context.Context, ex database.Executor, f *Finding) error {
	return ex.QueryRowxContext(ctx, `INSERT INTO findings (id, incident_id, node_id, person_name, unit, position, kind,
		facts, forward_ids, evidence_ids, no_outcome_reason, made_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET node_id = $3, person_name = $4, unit = $5, position = $6, kind = $7, facts = $8,
			forward_ids = $9, evidence_ids = $10, no_outcome_reason = $11, updated_at = now()
		RETURNING made_at, updated_at`, f.ID, f.IncidentID, f.NodeID, f.PersonName, f.Unit, f.Position, f.Kind, f.Facts,
		strs(f.ForwardIDs), strs(f.EvidenceIDs), f.NoOutcomeReason, f.MadeBy).Scan(&f.MadeAt, &f.UpdatedAt)
}

// Findings returns the findings of some incidents, oldest first.
func (Store) Findings(ctx context.Context, ex database.Executor, incidentIDs []uuid.UUID) ([]*Finding, error) {
	return database.QueryAll(ctx, ex, scanFinding, `SELECT `+findingColumns+` FROM findings
		WHERE incident_id = ANY($1::uuid[]) ORDER BY made_at, id`, strs(incidentIDs))
}

// Finding returns one finding, or nil.
func (Store) Finding(ctx context.Context, ex database.Executor, id uuid.UUID) (*Finding, error) {
	out, err := database.QueryAll(ctx, ex, scanFinding, `SELECT `+findingColumns+` FROM findings WHERE id = $1`, id)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// LinksBelong reports whether the node, forwards and evidence named are of the incident (and the node a person).
func (Store) LinksBelong(ctx context.Context, ex database.Executor, incidentID uuid.UUID, in FindingInput) (node, forwards, evidence bool, err error) {
	err = ex.QueryRowxContext(ctx, `SELECT
		$2::uuid IS NULL OR EXISTS (SELECT 1 FROM spread_nodes WHERE id = $2 AND incident_id = $1 AND kind = 'PERSON'),
		(SELECT count(*) FROM forwards WHERE id = ANY($3::uuid[]) AND incident_id = $1) = cardinality($3::uuid[]),
		(SELECT count(*) FROM evidence WHERE id = ANY($4::uuid[]) AND incident_id = $1) = cardinality($4::uuid[])`,
		incidentID, in.NodeID, strs(dedupe(in.ForwardIDs)), strs(dedupe(in.EvidenceIDs))).Scan(&node, &forwards, &evidence)
	return node, forwards, evidence, err
}

func dedupe(ids []uuid.UUID) []uuid.UUID {
	seen := map[uuid.UUID]bool{}
	var out []uuid.UUID
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// NodeName returns a spread node's name, unit and position.
func (Store) NodeName(ctx context.Context, ex database.Executor, id uuid.UUID) (name, unit, position string, err error) {
	err = ex.QueryRowxContext(ctx, `SELECT name, unit, position FROM spread_nodes WHERE id = $1`, id).Scan(&name, &unit, &position)
	return name, unit, position, err
}

const outcomeColumns = `id, finding_id, incident_id, category, type, deciding_body, decided_on, legal_basis, status,
	created_by, created_at, updated_at`

// InsertOutcome records a new outcome.
func (Store) InsertOutcome(ctx context.Context, ex database.Executor, o *Outcome) error {
	return ex.QueryRowxContext(ctx, `INSERT INTO outcomes (id, finding_id, incident_id, category, type, deciding_body,
		decided_on, legal_basis, status, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING created_at, updated_at`, o.ID, o.FindingID, o.IncidentID, o.Category, o.Type, o.DecidingBody,
		o.DecidedOn, o.LegalBasis, o.Status, o.CreatedBy).Scan(&o.CreatedAt, &o.UpdatedAt)
}

// UpdateOutcomeStatus moves an outcome to a status (and decision date).
func (Store) UpdateOutcomeStatus(ctx context.Context, ex database.Executor, o *Outcome) error {
	return ex.QueryRowxContext(ctx, `UPDATE outcomes SET status = $2, decided_on = $3, updated_at = now() WHERE id = $1
		RETURNING updated_at`, o.ID, o.Status, o.DecidedOn).Scan(&o.UpdatedAt)
}

// Outcomes returns the outcomes of some incidents, oldest first.
func (Store) Outcomes(ctx context.Context, ex database.Executor, incidentIDs []uuid.UUID) ([]*Outcome, error) {
	var out []*Outcome
	err := ex.SelectContext(ctx, &out, `SELECT `+outcomeColumns+` FROM outcomes WHERE incident_id = ANY($1::uuid[])
		ORDER BY created_at, id`, strs(incidentIDs))
	return out, err
}

// Outcome returns one outcome locked for update, or nil.
func (Store) Outcome(ctx context.Context, ex database.Executor, id uuid.UUID) (*Outcome, error) {
	var out []*Outcome
	err := ex.SelectContext(ctx, &out, `SELECT `+outcomeColumns+` FROM outcomes WHERE id = $1 FOR UPDATE`, id)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// AppendStatusChange records a move of an outcome's status.
func (Store) AppendStatusChange(ctx context.Context, ex database.Executor, c StatusChange) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO outcome_status_changes (outcome_id, from_status, to_status, note, changed_by)
		VALUES ($1, $2, $3, $4, $5)`, c.OutcomeID, c.From, c.To, c.Note, c.ChangedBy)
	return err
}

// StatusChanges returns the status history of some outcomes, in order.
func (Store) StatusChanges(ctx context.Context, ex database.Executor, outcomeIDs []uuid.UUID) ([]*StatusChange, error) {
	var out []*StatusChange
	err := ex.SelectContext(ctx, &out, `SELECT outcome_id, from_status, to_status, note, changed_by, changed_at
		FROM outcome_status_changes WHERE outcome_id = ANY($1::uuid[]) ORDER BY id`, strs(outcomeIDs))
	return out, err
}

const measureColumns = `id, incident_id, title, owner_id, due_on, status, created_by, created_at, updated_at`

// PutMeasure inserts a measure or replaces its content.
func (Store) PutMeasure(ctx context.Context, ex database.Executor, m *Measure) error {
	return ex.QueryRowxContext(ctx, `INSERT INTO measures (id, incident_id, title, owner_id, due_on, status, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET title = $3, owner_id = $4, due_on = $5, status = $6, updated_at = now()
		RETURNING created_at, updated_at`, m.ID, m.IncidentID, m.Title, m.OwnerID, m.DueOn, m.Status, m.CreatedBy).
		Scan(&m.CreatedAt, &m.UpdatedAt)
}

// Measures returns the measures of some incidents, oldest first.
func (Store) Measures(ctx context.Context, ex database.Executor, incidentIDs []uuid.UUID) ([]*Measure, error) {
	var out []*Measure
	err := ex.SelectContext(ctx, &out, `SELECT `+measureColumns+` FROM measures WHERE incident_id = ANY($1::uuid[])
		ORDER BY created_at, id`, strs(incidentIDs))
	return out, err
}

// Measure returns one measure locked for update, or nil.
func (Store) Measure(ctx context.Context, ex database.Executor, id uuid.UUID) (*Measure, error) {
	var out []*Measure
	err := ex.SelectContext(ctx, &out, `SELECT `+measureColumns+` FROM measures WHERE id = $1 FOR UPDATE`, id)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// GateCounts is what the recovery gate needs to know.
type GateCounts struct {
	Measures        int `db:"measures"`
	AwaitingOutcome int `db:"awaiting_outcome"`
	Findings        int `db:"findings"`
}

// GateCounts counts an incident's measures, its findings, and the DIRECT or LEADERSHIP
// findings with neither a decided or final outcome nor a reason for none.
func (Store) GateCounts(ctx context.Context, ex database.Executor, incidentID uuid.UUID) (GateCounts, error) {
	var c GateCounts
	err := ex.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM measures WHERE incident_id = $1 AND status <> 'DROPPED') AS measures,
		(SELECT count(*) FROM findings f WHERE f.incident_id = $1 AND f.kind IN ('DIRECT', 'LEADERSHIP')
			AND f.no_outcome_reason = ''
			AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.finding_id = f.id AND o.status IN ('DECIDED', 'FINAL'))) AS awaiting_outcome,
		(SELECT count(*) FROM findings WHERE incident_id = $1) AS findings`,
		incidentID)
	return c, err
}

// InsertReview records a review.
func (Store) InsertReview(ctx context.Context, ex database.Executor, r *Review) error {
	return ex.QueryRowxContext(ctx, `INSERT INTO reviews (id, incident_id, decision, comments, return_to, reviewer_id,
		snapshot, snapshot_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING reviewed_at`,
		r.ID, r.IncidentID, r.Decision, r.Comments, r.ReturnTo, r.ReviewerID, r.Snapshot, r.SnapshotSHA256).Scan(&r.ReviewedAt)
}

// Reviews returns an incident's reviews, oldest first.
func (Store) Reviews(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]*Review, error) {
	var out []*Review
	err := ex.SelectContext(ctx, &out, `SELECT id, incident_id, decision, comments, return_to, reviewer_id, reviewed_at,
		snapshot, snapshot_sha256 FROM reviews WHERE incident_id = $1 ORDER BY reviewed_at, id`, incidentID)
	return out, err
}

// today is the date part of t in UTC, as a date column holds it.
func today(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// FindingIncident, OutcomeIncident and MeasureIncident return the incident a row belongs to.
func (Store) FindingIncident(ctx context.Context, ex database.Executor, id uuid.UUID) (uuid.UUID, error) {
	return incidentOf(ctx, ex, "findings", id)
}

func (Store) OutcomeIncident(ctx context.Context, ex database.Executor, id uuid.UUID) (uuid.UUID, error) {
	return incidentOf(ctx, ex, "outcomes", id)
}

func (Store) MeasureIncident(ctx context.Context, ex database.Executor, id uuid.UUID) (uuid.UUID, error) {
	return incidentOf(ctx, ex, "measures", id)
}

func incidentOf(ctx context.Context, ex database.Executor, table string, id uuid.UUID) (uuid.UUID, error) {
	var incidentID uuid.UUID
	err := ex.GetContext(ctx, &incidentID, `SELECT incident_id FROM `+table+` WHERE id = $1`, id)
	return incidentID, err
}

// UserNames returns the display names of users by id.
func (Store) UserNames(ctx context.Context, ex database.Executor, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	var rows []struct {
		ID   uuid.UUID `db:"id"`
		Name string    `db:"display_name"`
	}
	if err := ex.SelectContext(ctx, &rows, `SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])`, strs(ids)); err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

const issuedReportColumns = `id, incident_id, kind, language, format, evidence_id, notification_id, sha256, issued_by, issued_at`

// InsertIssuedReport records an issued report; the database sets when.
func (Store) InsertIssuedReport(ctx context.Context, ex database.Executor, r *IssuedReport) error {
	return ex.QueryRowxContext(ctx, `INSERT INTO issued_reports (id, incident_id, kind, language, format, evidence_id,
		notification_id, sha256, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING issued_at`,
		r.ID, r.IncidentID, r.Kind, r.Language, r.Format, r.EvidenceID, r.NotificationID, r.SHA256, r.IssuedBy).Scan(&r.IssuedAt)
}

// IssuedReports returns the reports issued on some incidents, oldest first.
func (Store) IssuedReports(ctx context.Context, ex database.Executor, incidentIDs []uuid.UUID) ([]*IssuedReport, error) {
	var out []*IssuedReport
	err := ex.SelectContext(ctx, &out, `SELECT `+issuedReportColumns+` FROM issued_reports WHERE incident_id = ANY($1::uuid[])
		ORDER BY issued_at, id`, strs(incidentIDs))
	return out, err
}

// FirstIssued returns, per incident, when its first report of each kind was
// issued, as the clock events "report:UPWARD" and "report:RESULT".
func (Store) FirstIssued(ctx context.Context, ex database.Executor, incidentIDs []uuid.UUID) (map[uuid.UUID]map[string]time.Time, error) {
	var rows []struct {
		IncidentID uuid.UUID `db:"incident_id"`
		Kind       string    `db:"kind"`
		At         time.Time `db:"at"`
	}
	err := ex.SelectContext(ctx, &rows, `SELECT incident_id, kind, min(issued_at) AS at FROM issued_reports
		WHERE incident_id = ANY($1::uuid[]) GROUP BY incident_id, kind`, strs(incidentIDs))
	out := map[uuid.UUID]map[string]time.Time{}
	for _, r := range rows {
		if out[r.IncidentID] == nil {
			out[r.IncidentID] = map[string]time.Time{}
		}
		out[r.IncidentID]["report:"+r.Kind] = r.At
	}
	return out, err
}
