package evidence

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"mime"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
)

var errNoEvidence = apperr.Hidden()

// allowed checks that the caller may do p with an incident.
func (s *Service) allowed(ctx context.Context, incidentID uuid.UUID, p incident.Permission) (auth.User, error) {
	_, actor, err := s.Incidents.Allowed(ctx, incidentID, p)
	return actor, err
}

// List returns an incident's evidence, if the caller may see the incident.
func (s *Service) List(ctx context.Context, incidentID uuid.UUID) ([]*Evidence, error) {
	if _, err := s.allowed(ctx, incidentID, incident.PermRead); err != nil {
		return nil, err
	}
	return s.Store.List(ctx, s.DB, incidentID)
}

// Get returns one item, or nil when there is none the caller may see.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Evidence, error) {
	items, err := s.ByIDs(ctx, []uuid.UUID{id})
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return items[0], nil
}

// ByIDs returns the items with these ids that the caller may see.
func (s *Service) ByIDs(ctx context.Context, ids []uuid.UUID) ([]*Evidence, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	items, err := s.Store.ByIDs(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	visible := map[uuid.UUID]bool{}
	var out []*Evidence
	for _, e := range items {
		ok, seen := visible[e.IncidentID]
		if !seen {
			_, err := s.allowed(ctx, e.IncidentID, incident.PermRead)
			if ok = err == nil; !ok && apperr.CodeOf(err) != apperr.NotFound {
				return nil, err
			}
			visible[e.IncidentID] = ok
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// Custody returns the custody events of the items, which the caller was allowed to read.
func (s *Service) Custody(ctx context.Context, evidenceIDs []uuid.UUID) ([]*CustodyEvent, error) {
	return s.Store.Custody(ctx, s.DB, evidenceIDs)
}

// Alerts returns an incident's alerts, if the caller may see the incident.
func (s *Service) Alerts(ctx context.Context, incidentID uuid.UUID) ([]*Alert, error) {
	if _, err := s.allowed(ctx, incidentID, incident.PermRead); err != nil {
		return nil, err
	}
	return s.Store.Alerts(ctx, s.DB, incidentID)
}

// handle runs fn on an item the caller may edit, in one transaction with the
// incident locked, and records the custody event fn returns.
func (s *Service) handle(ctx context.Context, id uuid.UUID, fn func(tx *sqlx.Tx, e *Evidence) (*CustodyEvent, error)) (*CustodyEvent, error) {
	e, err := s.Store.Get(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, errNoEvidence
	}
	var event *CustodyEvent
	err = s.Incidents.Locked(ctx, e.IncidentID, incident.PermEdit, func(tx *sqlx.Tx, _ incident.Incident, actor auth.User) error {
		if e, err = s.Store.Get(ctx, tx, id, true); err != nil {
			return err
		}
		if event, err = fn(tx, e); err != nil {
			return err
		}
		event.EvidenceID, event.IncidentID, event.ActorID, event.ActorName = e.ID, e.IncidentID, &actor.ID, actor.DisplayName
		return s.Store.AppendCustody(ctx, tx, event)
	})
	return event, err
}

// Record adds a custody event a person records by hand (collected, sealed, transferred, released).
func (s *Service) Record(ctx context.Context, id uuid.UUID, in CustodyInput) (*CustodyEvent, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.handle(ctx, id, func(*sqlx.Tx, *Evidence) (*CustodyEvent, error) {
		return &CustodyEvent{Action: in.Action, Purpose: in.Purpose, TransferredTo: in.TransferredTo, TimeZone: in.TimeZone}, nil
	})
}

// SetLegalHold puts an item's object under legal hold, or lifts it: a held
// object cannot be deleted or overwritten whatever its retention.
func (s *Service) SetLegalHold(ctx context.Context, id uuid.UUID, on bool, purpose, zone string) (*Evidence, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	_, err := s.handle(ctx, id, func(tx *sqlx.Tx, e *Evidence) (*CustodyEvent, error) {
		purpose = text.Lines(strings.TrimSpace(purpose))
		if purpose == "" {
			return nil, apperr.Invalid("purpose", "say why the hold is set or lifted")
		}
		if err := text.Block("purpose", purpose); err != nil {
			return nil, err
		}
		zone, err := ZoneOf(zone, "timeZone")
		if err != nil {
			return nil, err
		}
		if !s.Objects.Locking() {
			return nil, apperr.Errorf(apperr.Unavailable, "the evidence bucket was made without object locking, so it cannot hold objects")
		}
		action := LegalHoldOff
		if on {
			action = LegalHoldOn
		}
		if e.LegalHold == on {
			if on {
				return nil, apperr.Errorf(apperr.Conflict, "the legal hold is already on")
			}
			return nil, apperr.Errorf(apperr.Conflict, "the legal hold is already off")
		}
		if err := s.Store.SetLegalHold(ctx, tx, e.ObjectKey, on); err != nil {
			return nil, err
		}
		// Last, so the transaction commits only once the object store has the hold.
		if err := s.Objects.Hold(ctx, e.ObjectKey, e.VersionID, on); err != nil {
			return nil, s.unavailable(ctx, "set the legal hold", err)
		}
		return &CustodyEvent{Action: action, Purpose: purpose, TimeZone: zone}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Get(ctx, s.DB, id, false)
}

// Link is a short-lived URL to an item's content.
type Link struct {
	URL       string
	ExpiresAt time.Time
}

// viewable are the types a browser may show inline from the object store:
// raster images and PDF. Anything else, SVG and HTML included, could run
// script on the store's origin, so it is only ever downloaded.
var viewable = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}

// Viewable reports whether content of this type may be shown in the browser.
func Viewable(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && slices.Contains(viewable, mediaType)
}

// Link issues a presigned URL to download (or, with view, to show in the
// browser) an item's content, to a user who may read the incident, and
// records the issue as a custody event. Only Viewable content is shown; the
// rest is downloaded as application/octet-stream, whatever was asked.
func (s *Service) Link(ctx context.Context, id uuid.UUID, purpose string, view bool, zone string) (*Link, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	e, err := s.Store.Get(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, errNoEvidence
	}
	actor, err := s.allowed(ctx, e.IncidentID, incident.PermRead)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, errNoEvidence
	}
	if err != nil {
		return nil, err
	}
	purpose = text.Lines(strings.TrimSpace(purpose))
	if purpose == "" {
		return nil, apperr.Invalid("purpose", "say why the content is needed")
	}
	if err := text.Block("purpose", purpose); err != nil {
		return nil, err
	}
	if zone, err = ZoneOf(zone, "timeZone"); err != nil {
		return nil, err
	}
	contentType, disposition, action := e.ContentType, "attachment", Downloaded
	if !Viewable(contentType) {
		contentType, view = "application/octet-stream", false
	}
	if view {
		disposition, action = "inline", Viewed
	}
	download := Download{VersionID: e.VersionID, ContentType: contentType,
		Disposition: disposition + "; filename*=UTF-8''" + url.PathEscape(text.Clean(e.FileName))}
	event := &CustodyEvent{EvidenceID: e.ID, IncidentID: e.IncidentID, Action: action, ActorID: &actor.ID,
		ActorName: actor.DisplayName, TimeZone: zone, Purpose: purpose}
	expires, covered, err := s.grantEnd(ctx, event)
	if err != nil {
		return nil, err
	}
	u, err := s.Objects.Presign(ctx, e.ObjectKey, download, time.Until(expires))
	if err != nil {
		return nil, s.unavailable(ctx, "sign a download link", err)
	}
	if !covered {
		if err := s.Store.AppendCustody(ctx, s.DB, event); err != nil {
			return nil, err
		}
	}
	return &Link{URL: u, ExpiresAt: expires}, nil
}

// minGrantLeft is the least time left on a grant for a new link to share it.
const minGrantLeft = 30 * time.Second

// grantEnd says when the access event grants ends, and whether an earlier
// grant already covers it. The custody log records who was given access to
// the content, when, for how long and why; it cannot see each fetch of a
// presigned link anyway. So a second link asked by the same person for the
// same item, kind of access and purpose while an earlier grant still runs
// falls under that grant: no new event, and the link ends when the grant
// does. Anything else (another purpose, another person, a grant about to
// end) is a new event, starting now.
func (s *Service) grantEnd(ctx context.Context, event *CustodyEvent) (expires time.Time, covered bool, err error) {
	now := time.Now().Truncate(time.Microsecond) // as PostgreSQL keeps it
	at, found, err := s.Store.LatestGrant(ctx, s.DB, event, now.Add(-s.Config.LinkTTL))
	if err != nil {
		return time.Time{}, false, err
	}
	if found && at.Add(s.Config.LinkTTL).Sub(now) >= minGrantLeft {
		return at.Add(s.Config.LinkTTL), true, nil
	}
	event.At = now
	return now.Add(s.Config.LinkTTL), false, nil
}

// Open reads an item's content for a user who may read its incident, for
// purpose (recorded as the custody event VIEWED). The content is checked
// against the SHA-256 recorded at upload as it is read: the reader's last
// Read fails with CONFLICT when it differs, so nothing is ever read from
// content that is not what the vault holds.
func (s *Service) Open(ctx context.Context, id uuid.UUID, purpose, zone string) (*Evidence, io.ReadCloser, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.Store.Get(ctx, s.DB, id, false)
	if err != nil {
		return nil, nil, err
	}
	if e == nil {
		return nil, nil, errNoEvidence
	}
	if _, err := s.allowed(ctx, e.IncidentID, incident.PermRead); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, nil, errNoEvidence
		}
		return nil, nil, err
	}
	obj, err := s.Objects.Get(ctx, e.ObjectKey)
	if err != nil {
		return nil, nil, s.unavailable(ctx, "read an object", err)
	}
	event := &CustodyEvent{EvidenceID: e.ID, IncidentID: e.IncidentID, Action: Viewed, ActorID: &actor.ID,
		ActorName: actor.DisplayName, TimeZone: cmp.Or(zone, "UTC"), Purpose: purpose}
	if err := s.Store.AppendCustody(ctx, s.DB, event); err != nil {
		obj.Close()
		return nil, nil, err
	}
	return e, &verifying{ReadCloser: obj, h: sha256.New(), want: e.SHA256, left: e.Size}, nil
}

// verifying hashes what it reads and, at the end, refuses content other than
// the recorded.
type verifying struct {
	io.ReadCloser
	h    hash.Hash
	want string
	left int64
}

func (v *verifying) Read(p []byte) (int, error) {
	n, err := v.ReadCloser.Read(p)
	v.h.Write(p[:n])
	v.left -= int64(n)
	if err == io.EOF && (v.left != 0 || hex.EncodeToString(v.h.Sum(nil)) != v.want) {
		return n, apperr.Errorf(apperr.Conflict, "the stored content no longer matches its recorded SHA-256; verify the evidence")
	}
	if v.left < 0 {
		return n, apperr.Errorf(apperr.Conflict, "the stored content is longer than recorded; verify the evidence")
	}
	return n, err
}

// Holding returns the item of an incident that holds content with this
// SHA-256, if there is one: content is stored once per incident.
func (s *Service) Holding(ctx context.Context, incidentID uuid.UUID, sha256 string) (uuid.UUID, bool, error) {
	if _, err := s.allowed(ctx, incidentID, incident.PermRead); err != nil {
		return uuid.Nil, false, err
	}
	e, err := s.Store.Original(ctx, s.DB, incidentID, sha256)
	if err != nil || e == nil {
		return uuid.Nil, false, err
	}
	return e.ID, true, nil
}
