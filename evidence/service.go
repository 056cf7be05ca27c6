package evidence

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/workflow"
)

// Config tunes the vault.
type Config struct {
	MaxSize    int64         // largest file accepted
	PartSize   int64         // bytes per stored part (at least 5 MiB, S3's floor)
	LinkTTL    time.Duration // how long a download link works
	Retention  Retention     // applied to each object once committed
	StaleAfter time.Duration // an upload untouched this long is abandoned by the reconciler
}

// DefaultConfig is the configuration unless told otherwise.
var DefaultConfig = Config{MaxSize: 2 << 30, PartSize: 16 << 20, LinkTTL: 5 * time.Minute, StaleAfter: 24 * time.Hour}

// Service is the evidence vault.
type Service struct {
	DB        *sqlx.DB
	Incidents *incident.Service
	Objects   ObjectStore
	Config    Config
	Log       *slog.Logger
	Store     Store

	buffers sync.Pool // part buffers, PartSize each
}

// NewService returns the vault over db and objects.
func NewService(db *sqlx.DB, incidents *incident.Service, objects ObjectStore, cfg Config, log *slog.Logger) *Service {
	s := &Service{DB: db, Incidents: incidents, Objects: objects, Config: cfg, Log: log}
	s.buffers.New = func() any { b := make([]byte, cfg.PartSize); return &b }
	return s
}

// GateFacts is the incident gates' fact source for the vault
// (workflow.FromEvidence): how many items the incident holds.
func (s *Service) GateFacts(ctx context.Context, ex database.Executor, id uuid.UUID, f *workflow.Facts) error {
	n, err := s.Store.Count(ctx, ex, id)
	f.EvidenceItems = n
	return err
}

// unavailable is the error for an object store that did not answer.
func (s *Service) unavailable(ctx context.Context, what string, err error) error {
	s.Log.WarnContext(ctx, "object store failed", "operation", what, "error", err)
	return apperr.Errorf(apperr.Unavailable, "the object store did not answer (%s); nothing was recorded, try again", apperr.Detail(what))
}

// Begin records an upload of a file to an incident, before any byte arrives.
func (s *Service) Begin(ctx context.Context, incidentID uuid.UUID, d Details) (*Upload, error) {
	return s.begin(ctx, incidentID, incident.PermEdit, d)
}

// begin is Begin for a caller who may do p with the incident.
func (s *Service) begin(ctx context.Context, incidentID uuid.UUID, p incident.Permission, d Details) (*Upload, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	state, err := sha256.New().(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7())
	u := &Upload{ID: id, IncidentID: incidentID, ObjectKey: fmt.Sprintf("incidents/%s/evidence/%s", incidentID, id),
		State: Uploading, HashState: state, Details: d}
	err = s.Incidents.Locked(ctx, incidentID, p, func(tx *sqlx.Tx, _ incident.Incident, actor auth.User) error {
		forward, node, task, err := s.Store.LinksBelong(ctx, tx, incidentID, d)
		switch {
		case err != nil:
			return err
		case !forward:
			return apperr.Invalid("input.forwardId", "no forward of this incident has that id")
		case !node:
			return apperr.Invalid("input.nodeId", "no node of this incident has that id")
		case !task:
			return apperr.Invalid("input.taskId", "no task of this incident has that id")
		}
		u.CreatedBy = actor.ID
		// The uploader collected it unless someone else is named.
		if a := &u.Details.Acquisition; a.Given() && (a.By == "" || a.By == actor.DisplayName || a.By == actor.Username) {
			a.By, a.ByID = actor.DisplayName, &actor.ID
		}
		return s.Store.InsertUpload(ctx, tx, u)
	})
	if err != nil {
		return nil, err
	}
	s3ID, err := s.Objects.StartUpload(ctx, u.ObjectKey)
	if err != nil {
		// The intent row stays behind as UPLOADING without an S3 upload; the reconciler abandons it.
		return nil, s.unavailable(ctx, "start an upload", err)
	}
	u.S3UploadID = s3ID
	return u, s.Store.SetS3Upload(ctx, s.DB, u.ID, s3ID)
}

// ownUpload returns an upload its creator may continue; anyone else is told there is none.
func (s *Service) ownUpload(ctx context.Context, ex database.Executor, id uuid.UUID, lock bool) (*Upload, auth.User, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, actor, err
	}
	u, err := s.Store.Upload(ctx, ex, id, lock)
	if err != nil {
		return nil, actor, err
	}
	if u == nil || u.CreatedBy != actor.ID {
		return nil, actor, apperr.Hidden()
	}
	return u, actor, nil
}

// mayAdd checks that the caller may still add evidence to the upload's
// incident. Rights are checked at each change, not only when the upload
// began: a sender demoted, removed from the case, or whose case was frozen
// since, stores no further part and commits nothing.
func (s *Service) mayAdd(ctx context.Context, u *Upload) error {
	_, _, err := s.Incidents.Allowed(ctx, u.IncidentID, incident.PermEdit)
	return err
}

// Status returns one of the caller's uploads, while they may still add
// evidence to its case: a sender removed or demoted since learns no more of
// it than sending a part would tell.
func (s *Service) Status(ctx context.Context, id uuid.UUID) (*Upload, error) {
	u, _, err := s.ownUpload(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if err := s.mayAdd(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// leaseTime is how long an upload's sending lease lasts unless renewed. A
// request renews it every leaseTime/4 while it runs, however slow its
// client; when the server holding it dies, a client can resume after this.
const leaseTime = 20 * time.Second

var errBusy = apperr.Errorf(apperr.Conflict,
	"another request is sending this upload's parts; if it broke off, resume in %d seconds", int(leaseTime.Seconds())).
	With("retryAfterSeconds", int(leaseTime.Seconds()))

// headSize is how much of the start of a file is kept for sniffing its type and reading its EXIF.
const headSize = 64 << 10

// part is a part read from the request, hashed, waiting to be stored.
type part struct {
	Part
	buf       *[]byte
	crc32c    string // of the part, which the object store checks on arrival
	hashState []byte // of the whole file up to the end of this part
	head      []byte // the start of the file, with the first part only
}

// Receive stores the request body as the upload's parts from part `from` on,
// cutting it into PartSize pieces. Reading the next piece overlaps storing
// the one before; each stored part is recorded with the file's hash state
// after it, so a broken request resumes from the next part. Memory stays at
// two parts per request whatever the file's size.
func (s *Service) Receive(ctx context.Context, id uuid.UUID, from int, body io.Reader) (*Upload, error) {
	if u, _, err := s.ownUpload(ctx, s.DB, id, false); err != nil {
		return nil, err
	} else if u.State != Uploading {
		return nil, apperr.Errorf(apperr.Conflict, "the upload is %s", apperr.Detail(u.State))
	} else if err := s.mayAdd(ctx, u); err != nil {
		return nil, err
	}
	release, err := s.hold(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	u, err := s.Store.Upload(ctx, s.DB, id, false) // as it stands now that no one else sends
	if err != nil {
		return nil, err
	}
	switch {
	case u.State != Uploading:
		return nil, apperr.Errorf(apperr.Conflict, "the upload is %s", apperr.Detail(u.State))
	case u.S3UploadID == "":
		return nil, apperr.Errorf(apperr.Conflict, "the upload never started in the object store; begin again")
	case from != u.NextPart():
		return nil, apperr.Errorf(apperr.Conflict, "the upload expects part %d next", u.NextPart()).With("nextPart", u.NextPart())
	case len(u.Parts) > 0 && u.Parts[len(u.Parts)-1].Size < s.Config.PartSize:
		return nil, apperr.Errorf(apperr.Conflict, "the upload already ended with a short part; complete it")
	}
	hasher := sha256.New()
	if err := hasher.(encoding.BinaryUnmarshaler).UnmarshalBinary(u.HashState); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parts := make(chan part) // unbuffered: two parts in memory, one read while the other is stored
	stored := make(chan error, 1)
	go func() { stored <- s.storeParts(ctx, cancel, u, parts) }()
	readErr := s.readParts(ctx, u, from, body, hasher, parts)
	close(parts)
	if err := <-stored; err != nil {
		return nil, err
	}
	if readErr != nil {
		if errors.Is(readErr, errTooLarge) {
			s.abandon(ctx, u) // a file over the limit will not fit on a retry either
		}
		return nil, readErr
	}
	return s.Store.Upload(ctx, s.DB, id, false)
}

// hold takes an upload's sending lease and renews it until release is
// called, which gives it back.
func (s *Service) hold(ctx context.Context, id uuid.UUID) (release func(), err error) {
	if ok, err := s.Store.Lease(ctx, s.DB, id, leaseTime); err != nil || !ok {
		return nil, cmp.Or(err, error(errBusy))
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(leaseTime / 4)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if err := s.Store.Renew(context.WithoutCancel(ctx), s.DB, id, leaseTime); err != nil {
					s.Log.WarnContext(ctx, "upload lease not renewed", "upload", id, "error", err)
				}
			}
		}
	}()
	return func() {
		close(stop)
		<-stopped
		if err := s.Store.Release(context.WithoutCancel(ctx), s.DB, id); err != nil {
			s.Log.WarnContext(ctx, "upload lease not released; it expires", "upload", id, "error", err)
		}
	}, nil
}

// readParts cuts body into parts, hashing each, and hands them to be stored.
func (s *Service) readParts(ctx context.Context, u *Upload, from int, body io.Reader, hasher hash.Hash, out chan<- part) error {
	received := u.Received
	for n := from; ; n++ {
		buf := s.buffers.Get().(*[]byte)
		k, err := fill(body, *buf)
		if err != nil && !errors.Is(err, io.EOF) {
			// A broken connection (net/http reports io.ErrUnexpectedEOF):
			// the part in hand is incomplete and dropped.
			s.buffers.Put(buf)
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return s.tooLarge()
			}
			return apperr.Errorf(apperr.InvalidInput, "the upload was interrupted; resume with part %d", n).With("nextPart", n)
		}
		if k == 0 {
			s.buffers.Put(buf)
			return nil
		}
		if received += int64(k); received > s.Config.MaxSize {
			s.buffers.Put(buf)
			return s.tooLarge()
		}
		data := (*buf)[:k]
		hasher.Write(data)
		state, err := hasher.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			s.buffers.Put(buf)
			return err
		}
		p := part{Part: Part{Number: n, Size: int64(k)}, buf: buf, hashState: state,
			crc32c: base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, castagnoli)))}
		if n == 1 {
			p.head = bytes.Clone(data[:min(k, headSize)])
		}
		select {
		case out <- p:
		case <-ctx.Done():
			s.buffers.Put(buf)
			return nil // the storing side failed and says why
		}
		if int64(k) < s.Config.PartSize {
			return nil
		}
	}
}

// fill reads into buf until it is full (nil), the body ends (io.EOF) or the
// read fails (anything else). Unlike io.ReadFull it never mistakes a broken
// body's io.ErrUnexpectedEOF for its end.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

var errTooLarge = errors.New("over the size limit")

func (s *Service) tooLarge() error {
	return fmt.Errorf("%w: %w", apperr.Invalid("file", "the file is larger than the limit of %d MiB", s.Config.MaxSize>>20).
		With("maxSize", s.Config.MaxSize), errTooLarge)
}

// storeParts stores parts in order, recording each; on failure it stops the
// reading side and drains what it already read.
func (s *Service) storeParts(ctx context.Context, stop context.CancelFunc, u *Upload, in <-chan part) error {
	var failed error
	for p := range in {
		if failed == nil {
			if failed = s.storePart(ctx, u, p); failed != nil {
				stop()
			}
		}
		s.buffers.Put(p.buf)
	}
	return failed
}

func (s *Service) storePart(ctx context.Context, u *Upload, p part) error {
	// A request may carry many parts, for minutes: each is a change of its own.
	if err := s.mayAdd(ctx, u); err != nil {
		return err
	}
	// The part travels with its CRC-32C, which the store checks on arrival: as
	// sure in transit as a SHA-256 of the part, at a fraction of the cost (the
	// file's own SHA-256 is computed once, as it is read).
	etag, err := s.Objects.PutPart(ctx, u.ObjectKey, u.S3UploadID, p.Number, bytes.NewReader((*p.buf)[:p.Size]), p.Size, p.crc32c)
	if err != nil {
		return s.unavailable(ctx, fmt.Sprintf("store part %d", p.Number), err).(*apperr.Error).With("nextPart", p.Number)
	}
	p.ETag = etag
	ok, err := s.Store.AddPart(context.WithoutCancel(ctx), s.DB, u.ID, p.Part, p.hashState, p.head, leaseTime)
	if err == nil && !ok {
		err = apperr.Errorf(apperr.Conflict, "another request stored part %d of this upload", p.Number)
	}
	return err
}

// Put stores a whole file in one request and commits it.
func (s *Service) Put(ctx context.Context, id uuid.UUID, body io.Reader) (*Evidence, error) {
	if _, err := s.Receive(ctx, id, 1, body); err != nil {
		return nil, err
	}
	return s.Complete(ctx, id)
}

// Complete finishes an upload whose parts are all stored: the object store
// assembles the object, then the item is committed.
func (s *Service) Complete(ctx context.Context, id uuid.UUID) (*Evidence, error) {
	u, actor, err := s.ownUpload(ctx, s.DB, id, false)
	if err != nil {
		return nil, err
	}
	if u.State == Committed {
		return s.Store.ByUpload(ctx, s.DB, u.ID)
	}
	if u.State != Uploading {
		return nil, apperr.Errorf(apperr.Conflict, "the upload is %s", apperr.Detail(u.State))
	}
	if err := s.mayAdd(ctx, u); err != nil {
		return nil, err
	}
	release, err := s.hold(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	defer release()
	if u.Received == 0 {
		s.abandon(ctx, u)
		return nil, apperr.Invalid("file", "the file is empty; an empty file is not evidence")
	}
	versionID, err := s.Objects.CompleteUpload(ctx, u.ObjectKey, u.S3UploadID, u.Parts)
	if err != nil {
		return nil, s.unavailable(ctx, "assemble the upload", err)
	}
	return s.commit(ctx, u, versionID, actor.ID, actor.Username, actor.DisplayName, incident.PermEdit)
}

// Generated keeps a file the server wrote from the case (an issued report)
// as an item of the incident, the way an upload is kept: an intent row
// first, so the reconciler clears what a crash leaves behind; the bytes in
// parts, each checked by the store on arrival; then the commit with its
// SHA-256, custody events and audit entry. The caller must be allowed p with
// the incident, at the start and again at the commit: PermEdit as for an
// upload, or a narrower right that a frozen case still grants.
func (s *Service) Generated(ctx context.Context, incidentID uuid.UUID, p incident.Permission, d Details, body []byte) (*Evidence, error) {
	if int64(len(body)) > s.Config.MaxSize {
		return nil, s.tooLarge()
	}
	u, err := s.begin(ctx, incidentID, p, d)
	if err != nil {
		return nil, err
	}
	hasher := sha256.New()
	for n, off := 1, 0; off < len(body); n++ {
		data := body[off:min(off+int(s.Config.PartSize), len(body))]
		off += len(data)
		hasher.Write(data)
		state, err := hasher.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			return nil, err
		}
		crc := base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, castagnoli)))
		etag, err := s.Objects.PutPart(ctx, u.ObjectKey, u.S3UploadID, n, bytes.NewReader(data), int64(len(data)), crc)
		if err != nil {
			s.abandon(ctx, u)
			return nil, s.unavailable(ctx, fmt.Sprintf("store part %d", n), err)
		}
		part := Part{Number: n, ETag: etag, Size: int64(len(data))}
		var head []byte
		if n == 1 {
			head = bytes.Clone(data[:min(len(data), headSize)])
		}
		if _, err := s.Store.AddPart(ctx, s.DB, u.ID, part, state, head, leaseTime); err != nil {
			return nil, err
		}
		u.Parts, u.HashState, u.Received = append(u.Parts, part), state, u.Received+part.Size
		if head != nil {
			u.Head = head
		}
	}
	if u.Received == 0 {
		s.abandon(ctx, u)
		return nil, apperr.Invalid("file", "the file is empty; an empty file is not evidence")
	}
	versionID, err := s.Objects.CompleteUpload(ctx, u.ObjectKey, u.S3UploadID, u.Parts)
	if err != nil {
		return nil, s.unavailable(ctx, "assemble the upload", err)
	}
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	return s.commit(ctx, u, versionID, actor.ID, actor.Username, actor.DisplayName, p)
}

// abandon gives an upload up: its parts are dropped from the object store,
// also those of a multipart upload whose id never reached the database.
func (s *Service) abandon(ctx context.Context, u *Upload) {
	for uploadID, err := range s.Objects.UploadsOf(ctx, u.ObjectKey) {
		if err == nil {
			err = s.Objects.AbortUpload(ctx, u.ObjectKey, uploadID)
		}
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			s.Log.WarnContext(ctx, "abandon upload: abort failed; the reconciler retries", "upload", u.ID, "error", err)
			return
		}
	}
	if err := s.Store.SetUploadState(ctx, s.DB, u.ID, Abandoned); err != nil {
		s.Log.WarnContext(ctx, "abandon upload", "upload", u.ID, "error", err)
	}
}

// Cancel gives up one of the caller's uploads.
func (s *Service) Cancel(ctx context.Context, id uuid.UUID) error {
	u, _, err := s.ownUpload(ctx, s.DB, id, false)
	if err != nil {
		return err
	}
	if u.State != Uploading {
		return apperr.Errorf(apperr.Conflict, "the upload is %s", apperr.Detail(u.State))
	}
	s.abandon(ctx, u)
	return nil
}

// commit records an assembled upload as an item, in one transaction with its
// custody events and audit entry; sender is what the sender who commits it
// must be allowed with the incident, empty when the reconciler does. actorName is the audit log's name of the committer,
// custodyName the custody log's (a person's display name). Content already
// in the incident is linked to the item that stores it and this copy's
// object removed afterwards.
func (s *Service) commit(ctx context.Context, u *Upload, versionID string, actorID uuid.UUID, actorName, custodyName string, sender incident.Permission) (*Evidence, error) {
	hasher := sha256.New()
	if err := hasher.(encoding.BinaryUnmarshaler).UnmarshalBinary(u.HashState); err != nil {
		return nil, err
	}
	d := u.Details
	e := &Evidence{ID: uuid.Must(uuid.NewV7()), IncidentID: u.IncidentID, UploadID: u.ID, ObjectKey: u.ObjectKey,
		VersionID: versionID, SHA256: hex.EncodeToString(hasher.Sum(nil)), Size: u.Received,
		ContentType: http.DetectContentType(u.Head), FileName: d.FileName, Description: d.Description,
		Acquisition: d.Acquisition, TimeZone: d.TimeZone, ForwardID: d.ForwardID, NodeID: d.NodeID, TaskID: d.TaskID,
		UploadedBy: u.CreatedBy, UploadedAt: time.Now(), Fixity: Unverified}
	if e.TimeZone == "" {
		e.TimeZone = "UTC"
	}
	if meta, ok := readEXIF(u.Head); ok {
		e.CapturedAt, e.Device = meta.CapturedAt, meta.Device
	}
	var duplicate bool
	err := audit.Change(ctx, s.DB, func(tx *sqlx.Tx) (audit.Entry, error) {
		// The sender's rights, checked again under the incident's lock, so
		// a demotion, removal or freeze that commits first is obeyed. The
		// reconciler finishes what a sender's rights admitted before a
		// crash, unless the case has been frozen since.
		if sender != "" {
			if _, _, err := s.Incidents.LockFor(ctx, tx, u.IncidentID, sender); err != nil {
				return audit.Entry{}, err
			}
		} else if inc, err := s.Incidents.Store.Lock(ctx, tx, u.IncidentID); err != nil {
			return audit.Entry{}, err
		} else if inc.FrozenAt != nil {
			return audit.Entry{}, apperr.Errorf(apperr.Frozen, "the case was frozen before the upload was committed")
		}
		locked, err := s.Store.Upload(ctx, tx, u.ID, true)
		if err != nil {
			return audit.Entry{}, err
		}
		if locked.State != Uploading {
			return audit.Entry{}, apperr.Errorf(apperr.Conflict, "the upload is %s", apperr.Detail(locked.State))
		}
		original, err := s.Store.Original(ctx, tx, u.IncidentID, e.SHA256)
		if err != nil {
			return audit.Entry{}, err
		}
		if duplicate = original != nil; duplicate {
			e.DuplicateOf, e.ObjectKey, e.VersionID = &original.ID, original.ObjectKey, original.VersionID
		}
		if err := s.Store.InsertEvidence(ctx, tx, e); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		if err := s.Store.SetUploadState(ctx, tx, u.ID, Committed); err != nil {
			return audit.Entry{}, err
		}
		actor := &actorID
		if a := d.Acquisition; a.Given() {
			// Before UPLOADED, at the time and in the zone the collector gave:
			// the chain starts where the item came into the investigators' hands.
			// Uploads begun before acquisitions named their collector and zone
			// fall back to the uploader and the uploader's zone.
			at := e.UploadedAt
			if a.At != nil {
				at = *a.At
			}
			if err := s.Store.AppendCustody(ctx, tx, &CustodyEvent{EvidenceID: e.ID, IncidentID: e.IncidentID, Action: Collected,
				ActorID: a.ByID, ActorName: cmp.Or(a.By, custodyName), At: at, TimeZone: cmp.Or(a.Zone, e.TimeZone),
				Purpose: collectedPurpose(a), CollectedFrom: a.From}); err != nil {
				return audit.Entry{}, err
			}
		}
		if err := s.Store.AppendCustody(ctx, tx, &CustodyEvent{EvidenceID: e.ID, IncidentID: e.IncidentID, Action: Uploaded,
			ActorID: actor, ActorName: custodyName, TimeZone: e.TimeZone, Purpose: "stored in the evidence vault",
			SHA256: &e.SHA256}); err != nil {
			return audit.Entry{}, err
		}
		if err := notify.Emit(ctx, tx, notify.Event{Kind: notify.UploadFinished, IncidentID: &e.IncidentID, ActorID: actor,
			Data: map[string]string{"evidence": e.ID.String()}}); err != nil {
			return audit.Entry{}, err
		}
		changes := map[string]any{"fileName": e.FileName, "sha256": e.SHA256, "size": e.Size, "contentType": e.ContentType}
		if duplicate {
			changes["duplicateOf"] = original.ID
		}
		return audit.Entry{ActorID: actor, ActorName: actorName, Action: "evidence.add",
			TargetType: "evidence", TargetID: e.ID.String(), IncidentID: &e.IncidentID, Changes: changes}, nil
	})
	if err != nil {
		return nil, err
	}
	// After the commit, so a failure here loses nothing: the reconciler
	// removes the redundant object or applies retention later.
	if duplicate {
		s.releaseDuplicate(ctx, u.ID, u.ObjectKey, versionID)
	} else if s.Config.Retention.On() {
		if err := s.retain(ctx, e); err != nil {
			s.Log.WarnContext(ctx, "retention not applied yet; the reconciler retries", "evidence", e.ID, "error", err)
		}
	}
	return s.Store.Get(ctx, s.DB, e.ID, false)
}

// collectedPurpose is the purpose of the COLLECTED event: how, in the collector's words.
func collectedPurpose(a Acquisition) string {
	if a.How == "" {
		return "collected"
	}
	return "collected: " + a.How
}

// releaseDuplicate removes an upload's object whose content another item already stores.
func (s *Service) releaseDuplicate(ctx context.Context, uploadID uuid.UUID, key, versionID string) {
	if err := s.Objects.Remove(ctx, key, versionID); err != nil {
		s.Log.WarnContext(ctx, "redundant copy not removed yet; the reconciler retries", "upload", uploadID, "error", err)
		return
	}
	if err := s.Store.ReleaseObject(ctx, s.DB, uploadID); err != nil {
		s.Log.WarnContext(ctx, "redundant copy removed but not noted", "upload", uploadID, "error", err)
	}
}

// retain locks an item's object for the configured retention.
func (s *Service) retain(ctx context.Context, e *Evidence) error {
	r := s.Config.Retention
	until := r.Until(e.UploadedAt).UTC().Truncate(time.Second)
	if err := s.Objects.Retain(ctx, e.ObjectKey, e.VersionID, RetentionLock{Mode: r.Mode, Until: until}); err != nil {
		return err
	}
	return s.Store.SetRetention(ctx, s.DB, e.ObjectKey, r.Mode, until)
}
