package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/notify"
)

// systemActor names Leaktrail itself in custody events it records on its own schedule.
const systemActor = "leaktrail"

// FixityReport is what a fixity check found.
type FixityReport struct {
	Checked, OK, Mismatched, Missing int
	Problems                         []FixityProblem // the mismatched and missing items, in the order checked
}

// FixityProblem names an item whose stored object failed the check, so that
// whoever reads the report can act on it.
type FixityProblem struct {
	Evidence  *Evidence
	Reference string  // the incident's
	Fixity    Fixity  // Mismatch or Missing
	Found     *string // SHA-256 of the content read now; nil when the object is missing
}

// MarshalJSON keeps the scheduled check's log to what an operator acts on,
// without the item's description.
func (p FixityProblem) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"reference": p.Reference, "evidenceId": p.Evidence.ID, "fileName": p.Evidence.FileName,
		"objectKey": p.Evidence.ObjectKey, "fixity": p.Fixity, "expected": p.Evidence.SHA256, "found": p.Found})
}

// Verify re-reads an incident's stored objects on behalf of a user who may
// edit it; see VerifyAll.
func (s *Service) Verify(ctx context.Context, incidentID uuid.UUID) (FixityReport, error) {
	actor, err := s.allowed(ctx, incidentID, incident.PermEdit)
	if err != nil {
		return FixityReport{}, err
	}
	return s.verify(ctx, &incidentID, &actor.ID, actor.DisplayName)
}

// VerifyAll is Leaktrail's own fixity check (the CLI, the schedule) of one
// incident or, with nil, of all: it re-reads the stored objects, recomputes
// their SHA-256 and records a VERIFIED custody event on every item sharing
// the object; a differing or missing object raises an alert on the incident.
func (s *Service) VerifyAll(ctx context.Context, incidentID *uuid.UUID) (FixityReport, error) {
	return s.verify(ctx, incidentID, nil, systemActor)
}

func (s *Service) verify(ctx context.Context, incidentID, actorID *uuid.UUID, actorName string) (FixityReport, error) {
	var report FixityReport
	items, err := s.Store.Stored(ctx, s.DB, incidentID)
	if err != nil {
		return report, err
	}
	for _, e := range items {
		observed, fixity, err := s.digest(ctx, e)
		if err != nil {
			return report, err
		}
		report.Checked++
		switch fixity {
		case FixityOK:
			report.OK++
		case Mismatch:
			report.Mismatched++
		case Missing:
			report.Missing++
		}
		if fixity != FixityOK {
			reference, err := s.Incidents.Store.ReferenceByID(ctx, s.DB, e.IncidentID)
			if err != nil {
				return report, err
			}
			problem := FixityProblem{Evidence: e, Reference: reference, Fixity: fixity}
			if observed != "" {
				problem.Found = &observed
			}
			report.Problems = append(report.Problems, problem)
		}
		if err := s.recordFixity(ctx, e, observed, fixity, actorID, actorName); err != nil {
			return report, err
		}
	}
	return report, nil
}

// digest reads an object and returns its SHA-256 and what that means.
func (s *Service) digest(ctx context.Context, e *Evidence) (string, Fixity, error) {
	obj, err := s.Objects.Get(ctx, e.ObjectKey)
	if err != nil {
		return "", "", s.unavailable(ctx, "read an object", err)
	}
	defer obj.Close()
	h := sha256.New()
	if _, err := io.Copy(h, obj); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return "", Missing, nil
		}
		return "", "", s.unavailable(ctx, "read an object", err)
	}
	observed := hex.EncodeToString(h.Sum(nil))
	if observed != e.SHA256 {
		return observed, Mismatch, nil
	}
	return observed, FixityOK, nil
}

func (s *Service) recordFixity(ctx context.Context, e *Evidence, observed string, f Fixity, actorID *uuid.UUID, actorName string) error {
	return database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := s.Store.SetFixity(ctx, tx, e.ObjectKey, f); err != nil {
			return err
		}
		sharing, err := s.Store.SharingObject(ctx, tx, e.ObjectKey)
		if err != nil {
			return err
		}
		matched := f == FixityOK
		var hash *string
		if observed != "" {
			hash = &observed
		}
		for _, item := range sharing {
			if err := s.Store.AppendCustody(ctx, tx, &CustodyEvent{EvidenceID: item.ID, IncidentID: item.IncidentID,
				Action: Verified, ActorID: actorID, ActorName: actorName, TimeZone: "UTC", Purpose: "fixity check",
				SHA256: hash, Matched: &matched}); err != nil {
				return err
			}
		}
		if matched {
			return nil
		}
		kind, details := FixityMismatch, fmt.Sprintf("%s: stored content hashes to %s, recorded %s", e.FileName, observed, e.SHA256)
		if f == Missing {
			kind, details = EvidenceMissing, fmt.Sprintf("%s: the object is missing from the store", e.FileName)
		}
		if err := s.Store.RaiseAlert(ctx, tx, Alert{IncidentID: e.IncidentID, Kind: kind, EvidenceID: &e.ID, Details: details}); err != nil {
			return err
		}
		// Told once per item and finding, however often the check runs.
		return notify.Emit(ctx, tx, notify.Event{Kind: notify.FixityMismatch, IncidentID: &e.IncidentID,
			Data: map[string]string{"evidence": e.ID.String()}, Dedupe: "fixity:" + e.ID.String() + ":" + string(f) + ":" + observed})
	})
}

// ReconcileReport is what the reconciler found and did.
type ReconcileReport struct {
	Finished       int      // uploads stored but not committed, now committed
	Abandoned      int      // stale uploads given up
	Released       int      // redundant copies removed
	AbortedOrphans int      // multipart uploads in the store that no upload row knows
	RemovedOrphans int      // objects no row knows, removed
	Retained       int      // items given their retention late
	LockedOrphans  []string // objects no row knows that retention or a hold keeps: reported, never deleted
	FailedToCommit []string // uploads that could not be finished, with why
}

// Clean reports whether the reconciler found nothing to repair.
func (r ReconcileReport) Clean() bool {
	return r.Finished+r.Abandoned+r.Released+r.AbortedOrphans+r.RemovedOrphans+r.Retained == 0 &&
		len(r.LockedOrphans) == 0 && len(r.FailedToCommit) == 0
}

const objectPrefix = "incidents/"

// Reconcile brings the store and the database back in step after crashes
// and outages: it finishes uploads whose object was assembled but never
// committed, abandons stale ones, removes redundant copies and objects no
// row knows (unless retention or a legal hold protects them, which it
// reports), aborts orphaned multipart uploads and applies late retention.
func (s *Service) Reconcile(ctx context.Context) (ReconcileReport, error) {
	var r ReconcileReport
	open, err := s.Store.OpenUploads(ctx, s.DB)
	if err != nil {
		return r, err
	}
	openByS3 := map[string]bool{}
	for _, u := range open {
		openByS3[u.S3UploadID] = true
		info, err := s.Objects.Stat(ctx, u.ObjectKey)
		switch {
		case err == nil:
			// Assembled but never committed: the crash came between the two.
			if _, err := s.commit(ctx, u, info.VersionID, u.CreatedBy, systemActor+" (reconcile)", systemActor+" (reconcile)", ""); err != nil {
				r.FailedToCommit = append(r.FailedToCommit, fmt.Sprintf("%s: %v", u.ID, err))
				continue
			}
			r.Finished++
		case apperr.CodeOf(err) != apperr.NotFound:
			return r, s.unavailable(ctx, "look up an upload's object", err)
		case time.Since(u.UpdatedAt) > s.Config.StaleAfter:
			s.abandon(ctx, u)
			r.Abandoned++
		}
	}
	duplicates, err := s.Store.UnreleasedDuplicates(ctx, s.DB)
	if err != nil {
		return r, err
	}
	for _, u := range duplicates {
		info, err := s.Objects.Stat(ctx, u.ObjectKey)
		if err == nil {
			s.releaseDuplicate(ctx, u.ID, u.ObjectKey, info.VersionID)
		} else if err := s.Store.ReleaseObject(ctx, s.DB, u.ID); err != nil {
			return r, err
		}
		r.Released++
	}
	// Listing by prefix finds multipart uploads of keys no row knows on AWS S3;
	// MinIO lists only those of an exact key, which abandon covers.
	for upload, err := range s.Objects.Uploads(ctx, objectPrefix) {
		if err != nil {
			return r, s.unavailable(ctx, "list multipart uploads", err)
		}
		if openByS3[upload.ID] {
			continue
		}
		if err := s.Objects.AbortUpload(ctx, upload.Key, upload.ID); err != nil {
			return r, s.unavailable(ctx, "abort a multipart upload", err)
		}
		r.AbortedOrphans++
	}
	if err := s.removeOrphans(ctx, &r); err != nil {
		return r, err
	}
	if s.Config.Retention.On() && s.Objects.Locking() {
		unretained, err := s.Store.Unretained(ctx, s.DB)
		if err != nil {
			return r, err
		}
		for _, e := range unretained {
			if err := s.retain(ctx, e); err != nil {
				return r, s.unavailable(ctx, "apply retention", err)
			}
			r.Retained++
		}
	}
	return r, nil
}

// removeOrphans removes objects that no row knows, except those retention or
// a legal hold protects, which it reports.
func (s *Service) removeOrphans(ctx context.Context, r *ReconcileReport) error {
	tracked, err := s.Store.TrackedKeys(ctx, s.DB)
	if err != nil {
		return err
	}
	for obj, err := range s.Objects.List(ctx, objectPrefix) {
		if err != nil {
			return s.unavailable(ctx, "list objects", err)
		}
		if tracked[obj.Key] || !strings.Contains(obj.Key, "/evidence/") {
			continue
		}
		if err := s.Objects.Remove(ctx, obj.Key, obj.VersionID); err != nil {
			if apperr.CodeOf(err) == apperr.Conflict {
				r.LockedOrphans = append(r.LockedOrphans, obj.Key)
				continue
			}
			return s.unavailable(ctx, "remove an orphaned object", err)
		}
		r.RemovedOrphans++
	}
	return nil
}
