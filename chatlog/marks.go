package chatlog

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
)

// MaxMarkText bounds a marked text (a title, a sentence, a page of text).
const MaxMarkText = 20000

// Marks returns an incident's leak marks.
func (s *Service) Marks(ctx context.Context, incidentID uuid.UUID) ([]*Mark, error) {
	if err := s.readable(ctx, incidentID); err != nil {
		return nil, err
	}
	return s.Store.Marks(ctx, s.DB, &incidentID, nil)
}

// MarkLeak marks what leaked and derives its fingerprints: an evidence item
// (its SHA-256 and MD5, and perceptual hashes when it is an image), a
// message (its text and its files') or a text.
func (s *Service) MarkLeak(ctx context.Context, incidentID uuid.UUID, in MarkInput) (*Mark, error) {
	if _, _, err := s.Incidents.Allowed(ctx, incidentID, incident.PermEdit); err != nil {
		return nil, err
	}
	in.Text = strings.TrimSpace(text.Lines(in.Text))
	given := 0
	for _, g := range []bool{in.EvidenceID != nil, in.MessageID != nil, in.Text != ""} {
		if g {
			given++
		}
	}
	if given != 1 {
		return nil, apperr.Invalid("input", "mark exactly one of a file, a message or a text")
	}
	if utf8.RuneCountInString(in.Text) > MaxMarkText {
		return nil, apperr.Invalid("input.text", "a marked text is at most %d characters", MaxMarkText)
	}
	if err := text.Block("input.text", in.Text); err != nil {
		return nil, err
	}
	m := &Mark{ID: uuid.New(), IncidentID: incidentID, EvidenceID: in.EvidenceID, MessageID: in.MessageID, Text: in.Text}
	switch {
	case in.EvidenceID != nil:
		p, sums, err := s.printOf(ctx, incidentID, *in.EvidenceID, "fingerprinted as the leaked item")
		if err != nil {
			return nil, err
		}
		m.Fingerprints.Files = []fingerprint.FileSums{sums}
		if p.Image != nil {
			m.Fingerprints.Images = []fingerprint.ImageHashes{*p.Image}
		}
	case in.MessageID != nil:
		msgs, err := s.Store.MessagesByID(ctx, s.DB, []uuid.UUID{*in.MessageID})
		if err != nil {
			return nil, err
		}
		if len(msgs) == 0 || msgs[0].IncidentID != incidentID {
			return nil, apperr.Invalid("input.messageId", "no such message in this case")
		}
		m.Fingerprints.Text = msgs[0].Text
		for _, md := range msgs[0].Details.Media {
			if md.EvidenceID == nil {
				continue
			}
			p, sums, err := s.printOf(ctx, incidentID, *md.EvidenceID, "fingerprinted as the leaked item")
			if err != nil {
				return nil, err
			}
			m.Fingerprints.Files = append(m.Fingerprints.Files, sums)
			if p.Image != nil {
				m.Fingerprints.Images = append(m.Fingerprints.Images, *p.Image)
			}
		}
	default:
		m.Fingerprints.Text = in.Text
	}
	for _, d := range fingerprint.DocNumbers(m.Fingerprints.Text) {
		m.Fingerprints.Docs = append(m.Fingerprints.Docs, d.String())
	}
	err := s.Incidents.Change(ctx, incidentID, incident.PermEdit, func(tx *sqlx.Tx, _ incident.Incident, actor auth.User) (audit.Entry, error) {
		marks, err := s.Store.Marks(ctx, tx, &incidentID, nil)
		if err != nil {
			return audit.Entry{}, err
		}
		for _, o := range marks {
			if in.EvidenceID != nil && o.EvidenceID != nil && *o.EvidenceID == *in.EvidenceID ||
				in.MessageID != nil && o.MessageID != nil && *o.MessageID == *in.MessageID || in.Text != "" && o.Text == in.Text {
				return audit.Entry{}, apperr.Errorf(apperr.Conflict, "this is marked as leaked already")
			}
		}
		m.CreatedBy = actor.ID
		if err := s.Store.InsertMark(ctx, tx, m); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "chatlog.mark", TargetType: "incident", TargetID: incidentID.String(),
			Changes: map[string]any{"mark": m.ID, "kind": m.Kind(), "evidence": m.EvidenceID, "message": m.MessageID}}, nil
	})
	if err != nil {
		return nil, err
	}
	marks, err := s.Store.Marks(ctx, s.DB, nil, &m.ID)
	if err != nil || len(marks) == 0 {
		return m, err
	}
	return marks[0], nil
}

// Unmark removes a leak mark.
func (s *Service) Unmark(ctx context.Context, id uuid.UUID) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	marks, err := s.Store.Marks(ctx, s.DB, nil, &id)
	if err != nil {
		return err
	}
	if len(marks) == 0 {
		return apperr.Errorf(apperr.NotFound, "no such leak mark")
	}
	return s.Incidents.Change(ctx, marks[0].IncidentID, incident.PermEdit, func(tx *sqlx.Tx, _ incident.Incident, _ auth.User) (audit.Entry, error) {
		return audit.Entry{Action: "chatlog.unmark", TargetType: "incident", TargetID: marks[0].IncidentID.String(),
			Changes: map[string]any{"mark": id}}, s.Store.DeleteMark(ctx, tx, id)
	})
}

// printOf returns an evidence item's fingerprints, deriving and caching
// them the first time (reading the item is a custody event).
func (s *Service) printOf(ctx context.Context, incidentID, evidenceID uuid.UUID, purpose string) (storedPrint, fingerprint.FileSums, error) {
	items, err := s.Evidence.ByIDs(ctx, []uuid.UUID{evidenceID})
	if err != nil {
		return storedPrint{}, fingerprint.FileSums{}, err
	}
	if len(items) == 0 || items[0].IncidentID != incidentID {
		return storedPrint{}, fingerprint.FileSums{}, apperr.Invalid("input.evidenceId", "no such evidence item in this case")
	}
	e := items[0]
	cached, err := s.Store.Prints(ctx, s.DB, []uuid.UUID{evidenceID})
	if err != nil {
		return storedPrint{}, fingerprint.FileSums{}, err
	}
	if p, ok := cached[evidenceID]; ok {
		return p, fingerprint.FileSums{SHA256: e.SHA256, MD5: p.MD5, Size: e.Size}, nil
	}
	p, sums, err := s.derive(ctx, e, purpose)
	if err != nil {
		return p, sums, err
	}
	return p, sums, s.Store.PutPrint(ctx, s.DB, evidenceID, p)
}

// derive reads an item once for its digests and, for an image, its
// perceptual hashes.
func (s *Service) derive(ctx context.Context, e *evidence.Evidence, purpose string) (storedPrint, fingerprint.FileSums, error) {
	_, rc, err := s.Evidence.Open(ctx, e.ID, purpose, "")
	if err != nil {
		return storedPrint{}, fingerprint.FileSums{}, err
	}
	defer rc.Close()
	image := strings.HasPrefix(e.ContentType, "image/") && e.Size <= fingerprint.MaxImageBytes
	var buf bytes.Buffer
	r := io.Reader(rc)
	if image {
		r = io.TeeReader(rc, &buf)
	}
	sums, err := fingerprint.SumFile(r)
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return storedPrint{}, sums, err
		}
		return storedPrint{}, sums, apperr.Errorf(apperr.Unavailable, "the evidence item could not be read; try again")
	}
	p := storedPrint{MD5: sums.MD5}
	if image {
		if h, err := fingerprint.HashImage(&buf); err == nil {
			p.Image = &h
		}
	}
	return p, sums, nil
}

// prints returns the fingerprints of evidence items, deriving the missing.
func (s *Service) prints(ctx context.Context, incidentID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]fingerprint.Media, error) {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	ids = slices.Compact(ids)
	out := map[uuid.UUID]fingerprint.Media{}
	for _, id := range ids {
		p, sums, err := s.printOf(ctx, incidentID, id, "fingerprinted to find the leaked item")
		if apperr.CodeOf(err) == apperr.InvalidInput {
			continue // a file named by a message that is not this case's
		}
		if err != nil {
			return nil, err
		}
		out[id] = fingerprint.Media{SHA256: sums.SHA256, MD5: p.MD5, Image: p.Image}
	}
	return out, nil
}
