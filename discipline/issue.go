package discipline

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/report"
)

// ReportFormat is the form an issued report is written in; values match the GraphQL enum.
type ReportFormat string

const (
	PDF  ReportFormat = "PDF"
	DOCX ReportFormat = "DOCX"
)

// IssueInput asks for a report to the authorities.
type IssueInput struct {
	Kind     ReportKind
	Language string // zh-CN, zh-TW or en; the caller's when empty
	Format   ReportFormat
	// NotificationID is the recorded notification the report satisfies, of the same incident.
	NotificationID *uuid.UUID
}

// IssuedReport is a report issued to the authorities; its file is an item
// of the incident's evidence vault.
type IssuedReport struct {
	ID             uuid.UUID    `db:"id"`
	IncidentID     uuid.UUID    `db:"incident_id"`
	Kind           ReportKind   `db:"kind"`
	Language       string       `db:"language"`
	Format         ReportFormat `db:"format"`
	EvidenceID     uuid.UUID    `db:"evidence_id"`
	NotificationID *uuid.UUID   `db:"notification_id"`
	SHA256         string       `db:"sha256"`
	IssuedBy       uuid.UUID    `db:"issued_by"`
	IssuedAt       time.Time    `db:"issued_at"`
}

// issuing is, by kind, the right to issue and the document's layout. The
// report upward is the case team's like any change, refused on a frozen
// case; the result report is due once the case is concluded, which is when
// leadership's acceptance freezes it, so the case team still issues it then.
var issuing = map[ReportKind]struct {
	perm   incident.Permission
	layout func(*CaseFile, string, Issue) report.Document
	slug   string
}{
	Upward: {incident.PermEdit, LeakReportDocument, "report-upward"},
	Result: {incident.PermIssueResultReport, ResultReportDocument, "result-report"},
}

var renderers = map[ReportFormat]func(report.Document) ([]byte, error){PDF: report.PDF, DOCX: report.DOCX}

// IssueReport writes the report upward or the result report of an incident
// from its case, keeps the file in the incident's evidence vault (SHA-256
// and custody as for an upload) and records it as issued, linked to the
// notification it satisfies, in one transaction with its audit entry.
func (s *Service) IssueReport(ctx context.Context, incidentID uuid.UUID, in IssueInput) (*IssuedReport, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	kind, ok := issuing[in.Kind]
	if !ok {
		return nil, apperr.Invalid("input.kind", "a report is UPWARD or RESULT")
	}
	render, ok := renderers[in.Format]
	if !ok {
		return nil, apperr.Invalid("input.format", "an issued report is PDF or DOCX")
	}
	lang, err := LanguageOf(in.Language, actor)
	if err != nil {
		return nil, apperr.Prefix("input", err)
	}
	inc, err := s.allowed(ctx, incidentID, kind.perm)
	if err != nil {
		return nil, err
	}
	is := Issue{Now: time.Now()}
	if in.NotificationID != nil {
		ns, err := s.Incidents.Notifications(ctx, incidentID)
		if err != nil {
			return nil, err
		}
		for i := range ns {
			if ns[i].ID == *in.NotificationID {
				is.To = &ns[i]
			}
		}
		if is.To == nil {
			return nil, apperr.Invalid("input.notificationId", "no notification of this incident has that id")
		}
	}
	var cf *CaseFile
	if cf, is.SignOff, is.Names, err = s.reported(ctx, inc); err != nil {
		return nil, err
	}
	if is.SeeOutcomes, err = s.CanSeeOutcomes(ctx, *inc); err != nil {
		return nil, err
	}
	if in.Kind == Upward {
		facts, err := s.Incidents.Facts(ctx, *inc)
		if err != nil {
			return nil, err
		}
		is.Open = s.Incidents.Gate(*inc, facts).Unmet()
	}
	doc := kind.layout(cf, lang, is)
	body, err := render(doc)
	if err != nil {
		return nil, err
	}
	ext := strings.ToLower(string(in.Format))
	item, err := s.Evidence.Generated(ctx, incidentID, kind.perm, evidence.Details{
		FileName:    fmt.Sprintf("%s-%s-%s.%s", inc.Reference, kind.slug, lang, ext),
		Description: doc.Title, TimeZone: inc.TimeZone}, body)
	if err != nil {
		return nil, err
	}
	r := &IssuedReport{ID: uuid.Must(uuid.NewV7()), IncidentID: incidentID, Kind: in.Kind, Language: lang, Format: in.Format,
		EvidenceID: item.ID, NotificationID: in.NotificationID, SHA256: item.SHA256, IssuedBy: actor.ID}
	err = s.Incidents.Change(ctx, incidentID, kind.perm, func(tx *sqlx.Tx, _ incident.Incident, _ auth.User) (audit.Entry, error) {
		if err := s.Store.InsertIssuedReport(ctx, tx, r); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "report.issue", TargetType: "issued_report", TargetID: r.ID.String(),
			Changes: map[string]any{"kind": r.Kind, "language": r.Language, "format": r.Format, "evidenceId": r.EvidenceID,
				"notificationId": r.NotificationID, "sha256": r.SHA256}}, nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// IssuedReports returns the reports issued on the incidents the caller
// reads, oldest first.
func (s *Service) IssuedReports(ctx context.Context, incidentIDs ...uuid.UUID) ([]*IssuedReport, error) {
	visible, err := s.Incidents.Visible(ctx, incidentIDs)
	if err != nil {
		return nil, err
	}
	var ids []uuid.UUID
	for _, id := range incidentIDs {
		if visible[id] {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return s.Store.IssuedReports(ctx, s.DB, ids)
}

// ClockEvents are the times the clocks waiting on a written report read: the
// first report of each kind issued (workflow.EventUpwardReport, EventResultReport).
func (s *Service) ClockEvents(ctx context.Context, ex database.Executor, incidentIDs []uuid.UUID) (map[uuid.UUID]map[string]time.Time, error) {
	return s.Store.FirstIssued(ctx, ex, incidentIDs)
}
