package discipline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/report"
	"github.com/leaktrail/leaktrail/ui/web/src/locales"
)

// Languages are the languages reports are written in.
var Languages = locales.Languages

// LanguageOf returns lang when it is one of Languages, else the user's, else zh-CN.
func LanguageOf(lang string, u auth.User) (string, error) {
	for _, l := range Languages {
		if l == lang {
			return l, nil
		}
	}
	if lang != "" {
		return "", apperr.Invalid("language", "reports are written in zh-CN, zh-TW or en")
	}
	for _, l := range Languages {
		if l == u.Locale {
			return l, nil
		}
	}
	return "zh-CN", nil
}

// Formats are the forms a report is written in.
var Formats = map[string]func(report.Document) ([]byte, error){
	"markdown": func(d report.Document) ([]byte, error) { return []byte(report.Markdown(d)), nil },
	"pdf":      report.PDF,
	"docx":     report.DOCX,
}

// Report writes the case report in format (markdown, pdf or docx) and
// lang (or the caller's language), with its SHA-256, which is recorded in
// the audit log as the report is handed out.
func (s *Service) Report(ctx context.Context, incidentID uuid.UUID, format, lang string) (body []byte, hash, language string, err error) {
	render, ok := Formats[format]
	if !ok {
		return nil, "", "", apperr.Invalid("format", "reports are written as markdown, pdf or docx")
	}
	doc, lang, err := s.document(ctx, incidentID, lang)
	if err != nil {
		return nil, "", "", err
	}
	if body, err = render(doc); err != nil {
		return nil, "", "", err
	}
	hash, err = s.logReport(ctx, incidentID, format, lang, body)
	return body, hash, lang, err
}

// document lays out the case report in lang or the caller's language. An
// accepted, frozen case is reported from the snapshot leadership signed.
func (s *Service) document(ctx context.Context, incidentID uuid.UUID, lang string) (report.Document, string, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return report.Document{}, "", err
	}
	inc, err := s.allowed(ctx, incidentID, incident.PermRead)
	if err != nil {
		return report.Document{}, "", err
	}
	if lang, err = LanguageOf(lang, actor); err != nil {
		return report.Document{}, "", err
	}
	cf, signOff, names, err := s.reported(ctx, inc)
	if err != nil {
		return report.Document{}, "", err
	}
	seeOutcomes, err := s.CanSeeOutcomes(ctx, *inc)
	if err != nil {
		return report.Document{}, "", err
	}
	return CaseDocument(cf, lang, seeOutcomes, names, signOff, time.Now()), lang, nil
}

// reported returns the case file a report is written from, with the
// accepted review it carries and the display names it needs: an accepted,
// frozen case is reported from the snapshot leadership signed.
func (s *Service) reported(ctx context.Context, inc *incident.Incident) (*CaseFile, *SignOff, map[uuid.UUID]string, error) {
	reviews, err := s.Store.Reviews(ctx, s.DB, inc.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	var signed *Review
	if n := len(reviews); n > 0 && reviews[n-1].Decision == Accepted && inc.FrozenAt != nil && reviews[n-1].Snapshot != nil {
		signed = reviews[n-1]
	}
	var cf *CaseFile
	if signed != nil {
		cf = &CaseFile{}
		if err := json.Unmarshal([]byte(*signed.Snapshot), cf); err != nil {
			return nil, nil, nil, fmt.Errorf("the accepted snapshot of %s: %w", inc.Reference, err)
		}
	} else if cf, err = s.CaseFile(ctx, *inc); err != nil {
		return nil, nil, nil, err
	}
	ids := ownersOf(cf)
	if signed != nil {
		ids = append(ids, signed.ReviewerID)
	}
	names, err := s.Store.UserNames(ctx, s.DB, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	var signOff *SignOff
	if signed != nil {
		signOff = &SignOff{Reviewer: names[signed.ReviewerID], At: signed.ReviewedAt, Comment: signed.Comments, SnapshotSHA256: *signed.SnapshotSHA256}
	}
	return cf, signOff, names, nil
}

// logReport records a generated report's hash in the audit log.
func (s *Service) logReport(ctx context.Context, incidentID uuid.UUID, format, lang string, body []byte) (string, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	return hash, audit.AppendNow(ctx, s.DB, audit.Entry{ActorID: &actor.ID, ActorName: actor.Username, Action: "report.generate",
		TargetType: "incident", TargetID: incidentID.String(), IncidentID: &incidentID,
		Changes: map[string]any{"format": format, "language": lang, "sha256": hash}})
}

func ownersOf(cf *CaseFile) []uuid.UUID {
	var ids []uuid.UUID
	for _, m := range cf.Measures {
		ids = append(ids, m.OwnerID)
	}
	return ids
}
