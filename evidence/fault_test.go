package evidence_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/evidence"
)

// faulty is the vault's real object store (objstore over MinIO) with faults
// injected into it. A faulty call still goes to MinIO, the way it would
// when the network or the store failed: its body breaks off, its time runs
// out, or it is carried out and its answer lost. So what the vault gets
// back is what objstore answers in that case, not a made-up error.
type faulty struct {
	evidence.ObjectStore

	mu     sync.Mutex
	faults faults
}

// faults are the faults a faulty store injects now.
type faults struct {
	partBreaks map[int]int // part number → bytes sent before the connection breaks
	complete   completeFault
	statsLate  bool // every Stat runs out of time
	readsLate  bool // every object read runs out of time
	abortsLate bool // every AbortUpload runs out of time
	removeLate bool // every Remove runs out of time
}

type completeFault int

const (
	completeWorks    completeFault = iota
	completeTimesOut               // the request runs out of time before the store assembles anything
	completeLost                   // the store assembles the object, the answer never arrives
)

// injectFaults puts a faulty store between v's vault and its real one.
func injectFaults(v *vault) *faulty {
	f := &faulty{ObjectStore: v.svc.Objects, faults: faults{partBreaks: map[int]int{}}}
	v.svc.Objects = f
	return f
}

func (f *faulty) set(change func(f *faults)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.faults)
}

func (f *faulty) now() faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.faults
}

// late is a context whose time has run out, for a call that times out.
func late(ctx context.Context) context.Context {
	ctx, cancel := context.WithDeadline(ctx, time.Now())
	cancel() // already done: its error stays DeadlineExceeded
	return ctx
}

func (f *faulty) PutPart(ctx context.Context, key, uploadID string, n int, data io.Reader, size int64, crc32c string) (string, error) {
	f.mu.Lock()
	after, breaks := f.faults.partBreaks[n]
	f.mu.Unlock()
	if breaks {
		data = &brokenReader{r: data, n: after}
	}
	return f.ObjectStore.PutPart(ctx, key, uploadID, n, data, size, crc32c)
}

func (f *faulty) CompleteUpload(ctx context.Context, key, uploadID string, parts []evidence.Part) (string, error) {
	switch f.now().complete {
	case completeTimesOut:
		return f.ObjectStore.CompleteUpload(late(ctx), key, uploadID, parts)
	case completeLost:
		if _, err := f.ObjectStore.CompleteUpload(ctx, key, uploadID, parts); err != nil {
			return "", err
		}
		// What the real store answers for a call whose time ran out.
		return f.ObjectStore.CompleteUpload(late(ctx), key, uploadID, parts)
	}
	return f.ObjectStore.CompleteUpload(ctx, key, uploadID, parts)
}

func (f *faulty) Stat(ctx context.Context, key string) (evidence.StoredObject, error) {
	if f.now().statsLate {
		ctx = late(ctx)
	}
	return f.ObjectStore.Stat(ctx, key)
}

func (f *faulty) AbortUpload(ctx context.Context, key, uploadID string) error {
	if f.now().abortsLate {
		ctx = late(ctx)
	}
	return f.ObjectStore.AbortUpload(ctx, key, uploadID)
}

func (f *faulty) Remove(ctx context.Context, key, versionID string) error {
	if f.now().removeLate {
		ctx = late(ctx)
	}
	return f.ObjectStore.Remove(ctx, key, versionID)
}

func (f *faulty) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if f.now().readsLate {
		ctx = late(ctx)
	}
	return f.ObjectStore.Get(ctx, key)
}

// wantUnavailable checks that err is the answer a user gets when the object
// store fails while the vault was doing what.
func wantUnavailable(t *testing.T, err error, what string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Unavailable || e.Message != "the object store did not answer ("+what+"); nothing was recorded, try again" {
		t.Fatalf("want UNAVAILABLE while the vault was to %s, got %v", what, err)
	}
	return e
}

// A part whose connection to the store breaks off halfway is not recorded:
// the sender is told the store failed and which part to send next, the
// parts before it stay, and the upload resumes to the whole file.
func TestPartBrokenOffInTransitResumes(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	f := injectFaults(v)
	content := randomBytes(2*smallParts+4321, 4)
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "群聊记录.zip"})
	if err != nil {
		t.Fatal(err)
	}
	f.set(func(f *faults) { f.partBreaks[2] = 1 << 20 })
	_, err = v.svc.Receive(v.ctx, u.ID, 1, bytes.NewReader(content))
	if e := wantUnavailable(t, err, "store part 2"); e.Extensions["nextPart"] != 2 {
		t.Fatalf("nextPart %v", e.Extensions["nextPart"])
	}
	status, err := v.svc.Status(v.ctx, u.ID)
	if err != nil || status.NextPart() != 2 || status.Received != smallParts || status.State != evidence.Uploading {
		t.Fatalf("after the break: next part %d, %d bytes, %s, %v", status.NextPart(), status.Received, status.State, err)
	}
	if n := v.count(t, "evidence"); n != 0 {
		t.Fatalf("%d items after a failed part", n)
	}

	f.set(func(f *faults) { delete(f.partBreaks, 2) })
	if _, err := v.svc.Receive(v.ctx, u.ID, 2, bytes.NewReader(content[smallParts:])); err != nil {
		t.Fatal(err)
	}
	e, err := v.svc.Complete(v.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.SHA256 != digest(content) || e.Size != int64(len(content)) {
		t.Fatalf("recorded %s (%d bytes)", e.SHA256, e.Size)
	}
	obj, err := v.objects.Get(v.ctx, e.ObjectKey)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	if stored, err := io.ReadAll(obj); err != nil || digest(stored) != e.SHA256 {
		t.Fatalf("the stored object is not the file: %d bytes, %v", len(stored), err)
	}
	if r, err := v.svc.Reconcile(context.Background()); err != nil || !r.Clean() {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
}

// A one-request upload whose first part breaks off records nothing but the
// upload itself, which the same request sent again completes.
func TestFirstPartBrokenOffRecordsNothing(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	f := injectFaults(v)
	const content = "今晚八点老地方见，带上那份材料"
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "短信.txt"})
	if err != nil {
		t.Fatal(err)
	}
	f.set(func(f *faults) { f.partBreaks[1] = 10 })
	_, err = v.svc.Put(v.ctx, u.ID, strings.NewReader(content))
	wantUnavailable(t, err, "store part 1")
	if n := v.count(t, "evidence") + v.count(t, "custody_events"); n != 0 {
		t.Fatalf("%d rows recorded", n)
	}
	var parts, received int
	if err := v.db.QueryRow(`SELECT jsonb_array_length(parts), received FROM evidence_uploads WHERE id = $1`, u.ID).Scan(&parts, &received); err != nil || parts+received != 0 {
		t.Fatalf("%d parts, %d bytes recorded, %v", parts, received, err)
	}

	f.set(func(f *faults) { delete(f.partBreaks, 1) })
	e, err := v.svc.Put(v.ctx, u.ID, strings.NewReader(content))
	if err != nil || e.SHA256 != digest([]byte(content)) {
		t.Fatalf("sent again: %v", err)
	}
}

// A complete that times out commits nothing and can be retried; one whose
// store assembled the object but whose answer was lost is finished by the
// reconciler with the right hash. Either way there is one item in the end.
func TestCompleteFailures(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]completeFault{"times out": completeTimesOut, "answer lost": completeLost} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v := newVault(t, evidence.Config{})
			f := injectFaults(v)
			content := randomBytes(smallParts+99, 5)
			u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "邮件.eml"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.svc.Receive(v.ctx, u.ID, 1, bytes.NewReader(content)); err != nil {
				t.Fatal(err)
			}
			f.set(func(f *faults) { f.complete = fault })
			_, err = v.svc.Complete(v.ctx, u.ID)
			wantUnavailable(t, err, "assemble the upload")
			if n := v.count(t, "evidence"); n != 0 {
				t.Fatalf("%d items after a failed complete", n)
			}
			status, err := v.svc.Status(v.ctx, u.ID)
			if err != nil || status.State != evidence.Uploading || status.Received != int64(len(content)) {
				t.Fatalf("after the failed complete: %v", err)
			}

			f.set(func(f *faults) { f.complete = completeWorks })
			e, err := v.svc.Complete(v.ctx, u.ID)
			switch fault {
			case completeTimesOut:
				if err != nil {
					t.Fatalf("retry: %v", err)
				}
			case completeLost:
				// The store has no such multipart upload any more: the sender
				// is told to try again, and the reconciler finishes the upload.
				wantUnavailable(t, err, "assemble the upload")
				r, err := v.svc.Reconcile(context.Background())
				if err != nil || r.Finished != 1 {
					t.Fatalf("reconcile: %+v %v", r, err)
				}
				items, err := v.svc.List(v.ctx, v.incident)
				if err != nil || len(items) != 1 {
					t.Fatalf("items: %v %v", items, err)
				}
				e = items[0]
			}
			if e.SHA256 != digest(content) || e.UploadID != u.ID {
				t.Fatalf("recorded %s for upload %s", e.SHA256, e.UploadID)
			}
			if n := v.count(t, "evidence"); n != 1 {
				t.Fatalf("%d items", n)
			}
			if r, err := v.svc.Reconcile(context.Background()); err != nil || !r.Clean() {
				t.Fatalf("reconcile: %+v %v", r, err)
			}
		})
	}
}

// When the store does not say in time whether an upload's object exists,
// the reconciler stops: it neither abandons the upload (whose assembled
// object it would then remove as an orphan) nor commits it, and the next
// run finishes it.
func TestReconcileStopsWhenStatTimesOut(t *testing.T) {
	t.Parallel()
	cfg := evidence.DefaultConfig
	cfg.PartSize, cfg.StaleAfter = smallParts, time.Millisecond
	v := newVault(t, cfg)
	f := injectFaults(v)
	content := randomBytes(smallParts+7, 6)
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "录音.m4a"})
	if err != nil {
		t.Fatal(err)
	}
	if u, err = v.svc.Receive(v.ctx, u.ID, 1, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	// What Complete does before it commits — and then the server dies.
	if _, err := v.objects.CompleteUpload(v.ctx, u.ObjectKey, u.S3UploadID, u.Parts); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // stale
	f.set(func(f *faults) { f.statsLate = true })
	r, err := v.svc.Reconcile(context.Background())
	wantUnavailable(t, err, "look up an upload's object")
	if r.Abandoned+r.Finished+r.RemovedOrphans != 0 {
		t.Fatalf("reconcile acted on a stat that timed out: %+v", r)
	}
	if _, err := v.objects.Stat(v.ctx, u.ObjectKey); err != nil {
		t.Fatalf("the assembled object is gone: %v", err)
	}

	f.set(func(f *faults) { f.statsLate = false })
	if r, err = v.svc.Reconcile(context.Background()); err != nil || r.Finished != 1 {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
	items, err := v.svc.List(v.ctx, v.incident)
	if err != nil || len(items) != 1 || items[0].SHA256 != digest(content) {
		t.Fatalf("after reconcile: %v %v", items, err)
	}
}

// A fixity check whose read of an object times out says the store failed:
// it does not call the object missing, raises no alert and records nothing.
func TestVerifyReadTimedOutIsNotMissing(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	f := injectFaults(v)
	e, err := v.put(t, "截图.png", bytes.NewReader(randomBytes(100<<10, 7)))
	if err != nil {
		t.Fatal(err)
	}
	f.set(func(f *faults) { f.readsLate = true })
	_, err = v.svc.Verify(v.ctx, v.incident)
	wantUnavailable(t, err, "read an object")
	if alerts, err := v.svc.Alerts(v.ctx, v.incident); err != nil || len(alerts) != 0 {
		t.Fatalf("alerts: %+v %v", alerts, err)
	}
	if got, err := v.svc.Get(v.ctx, e.ID); err != nil || got.Fixity != evidence.Unverified {
		t.Fatalf("fixity %s, %v", got.Fixity, err)
	}

	f.set(func(f *faults) { f.readsLate = false })
	if report, err := v.svc.Verify(v.ctx, v.incident); err != nil || report.OK != 1 {
		t.Fatalf("verify: %+v %v", report, err)
	}
}

// A cancelled upload whose parts the store does not drop in time stays
// open, parts and all, and the reconciler abandons it later.
func TestCancelWhoseAbortTimesOut(t *testing.T) {
	t.Parallel()
	cfg := evidence.DefaultConfig
	cfg.PartSize, cfg.StaleAfter = smallParts, time.Millisecond
	v := newVault(t, cfg)
	f := injectFaults(v)
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "草稿.docx"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.svc.Receive(v.ctx, u.ID, 1, bytes.NewReader(randomBytes(smallParts, 8))); err != nil {
		t.Fatal(err)
	}
	f.set(func(f *faults) { f.abortsLate = true })
	if err := v.svc.Cancel(v.ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if status, err := v.svc.Status(v.ctx, u.ID); err != nil || status.State != evidence.Uploading {
		t.Fatalf("after a cancel whose abort timed out: %v", err)
	}

	f.set(func(f *faults) { f.abortsLate = false })
	time.Sleep(5 * time.Millisecond) // stale
	if r, err := v.svc.Reconcile(context.Background()); err != nil || r.Abandoned != 1 {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
	for id, err := range v.objects.UploadsOf(v.ctx, u.ObjectKey) {
		t.Fatalf("multipart upload left behind: %s %v", id, err)
	}
}

// A duplicate is committed even when its redundant copy cannot be removed
// in time; the reconciler removes the copy later, leaving one stored object.
func TestDuplicateWhoseCopyIsNotRemovedInTime(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	f := injectFaults(v)
	content := []byte("同一张截图")
	first, err := v.put(t, "a.png", bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	f.set(func(f *faults) { f.removeLate = true })
	second, err := v.put(t, "b.png", bytes.NewReader(content))
	if err != nil || second.DuplicateOf == nil || *second.DuplicateOf != first.ID {
		t.Fatalf("second: %+v %v", second, err)
	}

	f.set(func(f *faults) { f.removeLate = false })
	if r, err := v.svc.Reconcile(context.Background()); err != nil || r.Released != 1 {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
	versions := 0
	for obj := range v.raw.ListObjects(v.ctx, v.objects.Bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		versions++
	}
	if versions != 1 {
		t.Fatalf("%d object versions stored", versions)
	}
	if items, err := v.svc.List(v.ctx, v.incident); err != nil || len(items) != 2 {
		t.Fatalf("items: %v %v", items, err)
	}
}
