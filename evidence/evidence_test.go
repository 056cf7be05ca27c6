package evidence_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/objstore"
)

// vault is an evidence service over a throwaway database and bucket, with
// one investigator and one incident.
type vault struct {
	svc      *evidence.Service
	db       *sqlx.DB
	objects  *objstore.Store
	raw      *minio.Client // the same bucket without objstore, to see what the vault leaves behind
	ctx      context.Context
	incident uuid.UUID
}

// smallParts makes multi-part uploads out of small files: 5 MiB is S3's floor.
const smallParts = 5 << 20

func newVault(t *testing.T, cfg evidence.Config) *vault {
	t.Helper()
	db := testdb.New(t)
	ctx := context.Background()
	objCfg := testdb.ObjectStore(t)
	objects, err := objstore.Open(ctx, objCfg)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := minio.New(objCfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(objCfg.AccessKey, objCfg.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	u, err := auth.NewService(db, time.Hour).AddUser(ctx, auth.NewUser{Username: "inv", DisplayName: "李调查",
		Password: "a good password", Roles: []auth.Role{auth.Investigator}})
	if err != nil {
		t.Fatal(err)
	}
	ctx = auth.WithUser(ctx, u)
	incidents := incident.NewService(db)
	inc, err := incidents.Open(ctx, incident.OpenInput{Title: "照片泄露", LeakedItem: "文件照片", Classification: "SECRET",
		DetectedAt: time.Now().Add(-time.Hour), DetectionMethod: "SELF_REPORT", ReportedBy: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PartSize == 0 {
		cfg = evidence.DefaultConfig
		cfg.PartSize = smallParts
	}
	svc := evidence.NewService(db, incidents, objects, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return &vault{svc: svc, db: db, objects: objects, raw: raw, ctx: ctx, incident: inc.ID}
}

// put uploads content as one file and returns the committed item.
func (v *vault) put(t *testing.T, name string, content io.Reader) (*evidence.Evidence, error) {
	t.Helper()
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: name, TimeZone: "Asia/Shanghai",
		Acquisition: evidence.Acquisition{From: "杨某", How: "手机截图", At: ptr(time.Now().Add(-2 * time.Hour))}})
	if err != nil {
		t.Fatal(err)
	}
	return v.svc.Put(v.ctx, u.ID, content)
}

func (v *vault) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := v.db.Get(&n, `SELECT count(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// A file spanning several parts round-trips: the recorded hash is the
// file's, the download link returns the same bytes, the content type is
// sniffed, and every handling is in the custody log.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	content := append([]byte("%PDF-1.7\n"), randomBytes(2*smallParts+12345, 1)...)
	e, err := v.put(t, "通知.pdf", bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if e.SHA256 != digest(content) || e.Size != int64(len(content)) || e.ContentType != "application/pdf" {
		t.Fatalf("recorded %s %d %s", e.SHA256, e.Size, e.ContentType)
	}
	link, err := v.svc.Link(v.ctx, e.ID, "提交纪检组", false, "Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || digest(got) != e.SHA256 {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(got))
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("disposition %q", resp.Header.Get("Content-Disposition"))
	}
	events, err := v.svc.Custody(v.ctx, []uuid.UUID{e.ID})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range events {
		actions = append(actions, string(ev.Action))
	}
	if strings.Join(actions, " ") != "COLLECTED UPLOADED DOWNLOADED" || *events[1].SHA256 != e.SHA256 || events[2].TimeZone != "Asia/Shanghai" {
		t.Fatalf("custody %v", actions)
	}
	if d := time.Until(link.ExpiresAt); d <= 0 || d > evidence.DefaultConfig.LinkTTL {
		t.Errorf("link expires in %v", d)
	}
}

// How an item was obtained is the custody event COLLECTED, recorded with the
// item and before UPLOADED: from whom, by whom (the uploader unless someone
// is named), at the time given in the zone it was given in.
func TestAcquisitionIsCollected(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 24, 21, 15, 0, 0, shanghai)
	upload := func(name, by, zone string) (*evidence.Evidence, []*evidence.CustodyEvent) {
		t.Helper()
		u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: name, TimeZone: "Europe/Berlin",
			Acquisition: evidence.Acquisition{From: "杨某", Where: "民政局三楼", How: "手机截图", At: &at, Zone: zone, By: by}})
		if err != nil {
			t.Fatal(err)
		}
		e, err := v.svc.Put(v.ctx, u.ID, strings.NewReader(name))
		if err != nil {
			t.Fatal(err)
		}
		events, err := v.svc.Custody(v.ctx, []uuid.UUID{e.ID})
		if err != nil || len(events) != 2 {
			t.Fatalf("%s: custody %v %v", name, events, err)
		}
		return e, events
	}

	e, events := upload("a.txt", "", "Asia/Shanghai")
	c, up := events[0], events[1]
	if c.Action != evidence.Collected || up.Action != evidence.Uploaded {
		t.Fatalf("order %s %s", c.Action, up.Action)
	}
	if !c.At.Equal(at) || c.TimeZone != "Asia/Shanghai" || c.CollectedFrom != "杨某" || c.Purpose != "collected: 手机截图" ||
		c.ActorName != "李调查" || c.ActorID == nil || *c.ActorID != e.UploadedBy {
		t.Errorf("COLLECTED %+v", c)
	}
	if up.TimeZone != "Europe/Berlin" || up.ActorName != "李调查" || up.CollectedFrom != "" {
		t.Errorf("UPLOADED %+v", up)
	}
	if a := e.Acquisition; a.By != "李调查" || a.Zone != "Asia/Shanghai" || a.Where != "民政局三楼" || !a.At.Equal(at) {
		t.Errorf("acquisition %+v", a)
	}

	// Someone else collected it, and the time was given in the uploader's zone.
	e, events = upload("b.txt", " 王警官 ", "")
	if c := events[0]; c.ActorName != "王警官" || c.ActorID != nil || c.TimeZone != "Europe/Berlin" || e.Acquisition.By != "王警官" {
		t.Errorf("named collector: %+v %+v", c, e.Acquisition)
	}
	// The uploader naming themselves is the uploader.
	if _, events = upload("c.txt", "李调查", ""); events[0].ActorID == nil {
		t.Errorf("own name: %+v", events[0])
	}

	// Without any acquisition an upload still goes in, with no COLLECTED.
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "d.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if e, err = v.svc.Put(v.ctx, u.ID, strings.NewReader("d")); err != nil {
		t.Fatal(err)
	}
	if events, _ = v.svc.Custody(v.ctx, []uuid.UUID{e.ID}); len(events) != 1 || events[0].Action != evidence.Uploaded {
		t.Errorf("no acquisition: %+v", events)
	}

	for field, a := range map[string]evidence.Acquisition{
		"input.acquisition.from":     {How: "截图", At: &at},
		"input.acquisition.at":       {From: "杨某", How: "截图"},
		"input.acquisition.timeZone": {From: "杨某", At: &at, Zone: "Mars/Olympus"},
		"input.acquisition.by":       {From: "杨某", At: &at, By: strings.Repeat("王", 101)},
	} {
		_, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "e.txt", Acquisition: a})
		if e, ok := apperr.As(err); !ok || e.Code != apperr.InvalidInput || e.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
}

// A PDF asked for viewing is served inline as application/pdf, so the
// browser shows it in the page's frame; a type that could run script is
// downloaded whatever was asked.
func TestPreviewLinkIsInline(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	get := func(name, content string) *http.Response {
		t.Helper()
		e, err := v.put(t, name, strings.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		link, err := v.svc.Link(v.ctx, e.ID, "核对内容", true, "Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(link.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	pdf := get("通知.pdf", "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	if pdf.StatusCode != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(pdf.Header.Get("Content-Disposition"), "inline;") ||
		!strings.Contains(pdf.Header.Get("Content-Disposition"), "filename*=UTF-8''%E9%80%9A%E7%9F%A5.pdf") {
		t.Errorf("pdf: %d %q %q", pdf.StatusCode, pdf.Header.Get("Content-Type"), pdf.Header.Get("Content-Disposition"))
	}
	// Nothing from the store forbids showing it in a frame of the app.
	if xfo, csp := pdf.Header.Get("X-Frame-Options"), pdf.Header.Get("Content-Security-Policy"); xfo != "" || strings.Contains(csp, "frame-ancestors") {
		t.Errorf("the store forbids framing: %q %q", xfo, csp)
	}
	html := get("page.html", "<html><script>alert(1)</script></html>")
	if html.Header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(html.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("html: %q %q", html.Header.Get("Content-Type"), html.Header.Get("Content-Disposition"))
	}
}

// The same content uploaded twice within an incident is stored once: the
// second item links to the first and its own object is removed.
func TestIdenticalContentIsStoredOnce(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	content := []byte("群聊截图")
	first, err := v.put(t, "a.txt", bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	second, err := v.put(t, "b.txt", bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if second.DuplicateOf == nil || *second.DuplicateOf != first.ID || second.ObjectKey != first.ObjectKey {
		t.Fatalf("second: duplicateOf %v key %s", second.DuplicateOf, second.ObjectKey)
	}
	objects := 0
	for obj := range v.raw.ListObjects(v.ctx, v.objects.Bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		objects++
	}
	if objects != 1 {
		t.Fatalf("%d object versions stored", objects)
	}
	if r, err := v.svc.Reconcile(v.ctx); err != nil || !r.Clean() {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
}

// Bad uploads are refused with clear errors and leave no item: an empty file,
// a file over the limit, and details that break the rules.
func TestBadUploadsAreRefused(t *testing.T) {
	t.Parallel()
	cfg := evidence.DefaultConfig
	cfg.PartSize, cfg.MaxSize = smallParts, smallParts+100
	v := newVault(t, cfg)
	if _, err := v.put(t, "empty.txt", strings.NewReader("")); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Errorf("empty file: %v", err)
	}
	if _, err := v.put(t, "big.bin", bytes.NewReader(make([]byte, smallParts+101))); apperr.CodeOf(err) != apperr.InvalidInput ||
		!strings.Contains(err.Error(), "larger than the limit") {
		t.Errorf("too large: %v", err)
	}
	for name, d := range map[string]evidence.Details{
		"no name":    {FileName: " "},
		"a path":     {FileName: "../../etc/passwd"},
		"bad zone":   {FileName: "a.txt", TimeZone: "Mars/Olympus"},
		"future":     {FileName: "a.txt", Acquisition: evidence.Acquisition{At: ptr(time.Now().Add(time.Hour))}},
		"other task": {FileName: "a.txt", TaskID: ptr(uuid.New())},
	} {
		if _, err := v.svc.Begin(v.ctx, v.incident, d); apperr.CodeOf(err) != apperr.InvalidInput {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := v.count(t, "evidence"); n != 0 {
		t.Fatalf("%d items after refusals", n)
	}
	if r, err := v.svc.Reconcile(v.ctx); err != nil || r.AbortedOrphans+r.RemovedOrphans != 0 {
		t.Fatalf("refused uploads left things behind: %+v %v", r, err)
	}
}

func ptr[T any](v T) *T { return &v }

// brokenReader fails after n bytes, as a dropped connection does.
type brokenReader struct {
	r io.Reader
	n int
}

func (b *brokenReader) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	p = p[:min(len(p), b.n)]
	n, err := b.r.Read(p)
	b.n -= n
	return n, err
}

// An interrupted upload keeps the parts it stored and resumes from the next
// one; the hash is the whole file's.
func TestInterruptedUploadResumes(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	content := randomBytes(3*smallParts+777, 2)
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "chat-export.zip"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.svc.Receive(v.ctx, u.ID, 1, &brokenReader{r: bytes.NewReader(content), n: 2*smallParts + 1000})
	if apperr.CodeOf(err) != apperr.InvalidInput {
		t.Fatalf("interrupted: %v", err)
	}
	status, err := v.svc.Status(v.ctx, u.ID)
	if err != nil || status.NextPart() != 3 || status.Received != 2*smallParts {
		t.Fatalf("after the break: next part %d, %d bytes, %v", status.NextPart(), status.Received, err)
	}
	if _, err := v.svc.Receive(v.ctx, u.ID, 2, bytes.NewReader(content)); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("a part already stored: %v", err)
	}
	// While one request sends parts, another may not.
	if ok, err := v.svc.Store.Lease(v.ctx, v.db, u.ID, time.Minute); err != nil || !ok {
		t.Fatalf("lease: %v", err)
	}
	if _, err := v.svc.Receive(v.ctx, u.ID, 3, bytes.NewReader(content[2*smallParts:])); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("a second sender: %v", err)
	}
	if err := v.svc.Store.Release(v.ctx, v.db, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.svc.Receive(v.ctx, u.ID, 3, bytes.NewReader(content[2*smallParts:])); err != nil {
		t.Fatal(err)
	}
	e, err := v.svc.Complete(v.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.SHA256 != digest(content) || e.Size != int64(len(content)) {
		t.Fatalf("resumed upload recorded %s (%d bytes)", e.SHA256, e.Size)
	}
}

// A crash between the object store assembling the object and the commit is
// repaired by the reconciler, which commits the item with the right hash.
func TestReconcileFinishesAnUploadCutBeforeItsCommit(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	content := randomBytes(smallParts+10, 3)
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "fax-log.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	u, err = v.svc.Receive(v.ctx, u.ID, 1, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	// What Complete does before it commits — and then the server dies.
	if _, err := v.objects.CompleteUpload(v.ctx, u.ObjectKey, u.S3UploadID, u.Parts); err != nil {
		t.Fatal(err)
	}
	if n := v.count(t, "evidence"); n != 0 {
		t.Fatalf("%d items before reconcile", n)
	}
	r, err := v.svc.Reconcile(context.Background())
	if err != nil || r.Finished != 1 {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
	items, err := v.svc.List(v.ctx, v.incident)
	if err != nil || len(items) != 1 || items[0].SHA256 != digest(content) {
		t.Fatalf("after reconcile: %v %v", items, err)
	}
	if r, err := v.svc.Reconcile(context.Background()); err != nil || !r.Clean() {
		t.Fatalf("second reconcile: %+v %v", r, err)
	}
}

// The reconciler removes objects no row knows and abandons stale uploads,
// aborting their multipart uploads even when the crash came before the
// upload's id reached the database.
func TestReconcileCleansOrphans(t *testing.T) {
	t.Parallel()
	cfg := evidence.DefaultConfig
	cfg.PartSize, cfg.StaleAfter = smallParts, time.Millisecond
	v := newVault(t, cfg)
	key := "incidents/" + v.incident.String() + "/evidence/" + uuid.NewString()
	if err := v.objects.Put(v.ctx, key, strings.NewReader("stray"), 5); err != nil {
		t.Fatal(err)
	}
	u, err := v.svc.Begin(v.ctx, v.incident, evidence.Details{FileName: "never-sent.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.db.Exec(`UPDATE evidence_uploads SET s3_upload_id = '' WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	r, err := v.svc.Reconcile(context.Background())
	if err != nil || r.RemovedOrphans != 1 || r.Abandoned != 1 {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
	for mp, err := range v.objects.UploadsOf(v.ctx, u.ObjectKey) {
		t.Fatalf("multipart upload left behind: %s %v", mp, err)
	}
	if r, err := v.svc.Reconcile(context.Background()); err != nil || !r.Clean() {
		t.Fatalf("second reconcile: %+v %v", r, err)
	}
}

// An object changed behind Leaktrail's back is caught by the fixity check,
// which raises an alert on the incident; an intact one is recorded VERIFIED.
func TestVerifyCatchesTampering(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	intact, err := v.put(t, "intact.txt", strings.NewReader("原件"))
	if err != nil {
		t.Fatal(err)
	}
	tampered, err := v.put(t, "tampered.txt", strings.NewReader("原始截图"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.objects.Put(v.ctx, tampered.ObjectKey, strings.NewReader("改过的截图"), -1); err != nil {
		t.Fatal(err)
	}
	report, err := v.svc.Verify(v.ctx, v.incident)
	if err != nil || report.Checked != 2 || report.OK != 1 || report.Mismatched != 1 {
		t.Fatalf("verify: %+v %v", report, err)
	}
	alerts, err := v.svc.Alerts(v.ctx, v.incident)
	if err != nil || len(alerts) != 1 || alerts[0].Kind != evidence.FixityMismatch || *alerts[0].EvidenceID != tampered.ID {
		t.Fatalf("alerts: %+v %v", alerts, err)
	}
	for _, c := range []struct {
		e    *evidence.Evidence
		want evidence.Fixity
	}{{intact, evidence.FixityOK}, {tampered, evidence.Mismatch}} {
		got, err := v.svc.Get(v.ctx, c.e.ID)
		if err != nil || got.Fixity != c.want || got.LastVerifiedAt == nil {
			t.Errorf("%s: fixity %s, %v", c.e.FileName, got.Fixity, err)
		}
	}
	events, _ := v.svc.Custody(v.ctx, []uuid.UUID{tampered.ID})
	last := events[len(events)-1]
	if last.Action != evidence.Verified || *last.Matched || *last.SHA256 == tampered.SHA256 {
		t.Fatalf("custody: %+v", last)
	}
}

// An object gone from the store is reported missing by the fixity check,
// which raises an alert on the incident.
func TestVerifyFindsMissingObject(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	gone, err := v.put(t, "gone.txt", strings.NewReader("删掉的截图"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.objects.Remove(v.ctx, gone.ObjectKey, gone.VersionID); err != nil {
		t.Fatal(err)
	}
	report, err := v.svc.Verify(v.ctx, v.incident)
	if err != nil || report.Checked != 1 || report.Missing != 1 || report.Problems[0].Found != nil {
		t.Fatalf("verify: %+v %v", report, err)
	}
	alerts, err := v.svc.Alerts(v.ctx, v.incident)
	if err != nil || len(alerts) != 1 || alerts[0].Kind != evidence.EvidenceMissing {
		t.Fatalf("alerts: %+v %v", alerts, err)
	}
}

// With retention configured, a committed object cannot be deleted, not even
// by a direct call to the store; a legal hold does the same on its own.
func TestRetentionAndLegalHoldBlockDeletion(t *testing.T) {
	t.Parallel()
	cfg := evidence.DefaultConfig
	cfg.PartSize = smallParts
	var err error
	if cfg.Retention, err = evidence.ParseRetention("governance:1d"); err != nil {
		t.Fatal(err)
	}
	v := newVault(t, cfg)
	retained, err := v.put(t, "retained.txt", strings.NewReader("留存"))
	if err != nil {
		t.Fatal(err)
	}
	if retained.RetentionMode == nil || *retained.RetentionMode != "GOVERNANCE" || retained.RetainUntil.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("retention %v until %v", retained.RetentionMode, retained.RetainUntil)
	}
	remove := func(e *evidence.Evidence) error {
		return v.objects.Remove(v.ctx, e.ObjectKey, e.VersionID)
	}
	if err := remove(retained); err == nil {
		t.Fatal("a retained object was deleted")
	}

	plain := newVault(t, evidence.Config{})
	held, err := plain.put(t, "held.txt", strings.NewReader("扣押"))
	if err != nil {
		t.Fatal(err)
	}
	if held, err = plain.svc.SetLegalHold(plain.ctx, held.ID, true, "司法机关调取", "Asia/Shanghai"); err != nil || !held.LegalHold {
		t.Fatalf("hold: %v", err)
	}
	if _, err := plain.svc.SetLegalHold(plain.ctx, held.ID, true, "again", ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("hold twice: %v", err)
	}
	if err := plain.objects.Remove(plain.ctx, held.ObjectKey, held.VersionID); err == nil {
		t.Fatal("an object under legal hold was deleted")
	}
	if held, err = plain.svc.SetLegalHold(plain.ctx, held.ID, false, "案件办结", ""); err != nil || held.LegalHold {
		t.Fatalf("release: %v", err)
	}
}

// Custody events recorded by hand follow their rules.
func TestRecordCustody(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	e, err := v.put(t, "statement.txt", strings.NewReader("情况说明"))
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]evidence.CustodyInput{
		"system action":      {Action: evidence.Verified, Purpose: "x"},
		"no purpose":         {Action: evidence.Sealed},
		"transfer to nobody": {Action: evidence.Transferred, Purpose: "移交"},
	} {
		if _, err := v.svc.Record(v.ctx, e.ID, in); apperr.CodeOf(err) != apperr.InvalidInput {
			t.Errorf("%s: %v", name, err)
		}
	}
	ev, err := v.svc.Record(v.ctx, e.ID, evidence.CustodyInput{Action: evidence.Transferred, Purpose: "移交纪委",
		TransferredTo: "市纪委第三审查调查室", TimeZone: "Asia/Shanghai"})
	if err != nil || ev.TransferredTo != "市纪委第三审查调查室" || ev.ActorName != "李调查" {
		t.Fatalf("transfer: %+v %v", ev, err)
	}
	if _, err := v.db.Exec(`UPDATE custody_events SET purpose = 'rewritten'`); err == nil {
		t.Fatal("a custody event was rewritten")
	}
}

// The sealed package holds every file once, a manifest with hashes and
// custody logs, and the manifest's hash, which is logged as EXPORTED.
func TestExportPackage(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	a, _ := v.put(t, "a.txt", strings.NewReader("甲"))
	b, _ := v.put(t, "b.txt", strings.NewReader("甲")) // the same content
	c, _ := v.put(t, "c.txt", strings.NewReader("乙"))
	incidents := incident.NewService(v.db)
	inc, err := incidents.Get(v.ctx, v.incident)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := v.svc.Export(v.ctx, *inc, &buf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		r, _ := f.Open()
		files[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	if len(files) != 5 { // three manifests, two distinct files
		t.Fatalf("package holds %d files", len(files))
	}
	hash := digest(files["manifest.json"])
	if !strings.HasPrefix(string(files["manifest.sha256"]), hash) || !strings.Contains(string(files["manifest.txt"]), hash) {
		t.Fatal("manifest hash not in the package")
	}
	var m struct {
		Items []struct{ ID, SHA256, Path string }
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil || len(m.Items) != 3 {
		t.Fatalf("manifest: %v", err)
	}
	for _, item := range m.Items {
		if digest(files[item.Path]) != item.SHA256 {
			t.Errorf("%s: packaged content does not match its hash", item.ID)
		}
	}
	for _, e := range []*evidence.Evidence{a, b, c} {
		events, _ := v.svc.Custody(v.ctx, []uuid.UUID{e.ID})
		if last := events[len(events)-1]; last.Action != evidence.Exported || *last.SHA256 != hash {
			t.Errorf("%s: last custody %+v", e.FileName, last)
		}
	}
}

// zeros is an endless source of bytes that takes no memory.
type zeros struct{ left int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), z.left))
	clear(p[:n])
	z.left -= int64(n)
	return n, nil
}

// A large upload streams: the heap stays within a few parts of where it
// started, whatever the file's size.
func TestLargeUploadStreams(t *testing.T) {
	v := newVault(t, evidence.Config{})
	const size = 40 * smallParts
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() int64 { metrics.Read(sample); return int64(sample[0].Value.Uint64()) }
	base := heap()
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				if h := heap(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	e, err := v.put(t, "export.bin", &zeros{left: size})
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	if e.Size != size {
		t.Fatalf("size %d", e.Size)
	}
	if growth := peak.Load() - base; growth > 64<<20 {
		t.Fatalf("heap grew by %d MiB for a %d MiB upload", growth>>20, size>>20)
	}
}

// EXIF capture time and device are read from a photo's first bytes.
func TestPhotoMetadata(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	e, err := v.put(t, "photo.jpg", bytes.NewReader(evidence.JPEGWithEXIF("Apple", "iPhone 15", "2026:01:31 21:14:05", "+08:00")))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 1, 31, 21, 14, 5, 0, time.FixedZone("", 8*3600))
	if e.ContentType != "image/jpeg" || e.Device != "Apple iPhone 15" || e.CapturedAt == nil || !e.CapturedAt.Equal(want) {
		t.Fatalf("photo: %s %q %v", e.ContentType, e.Device, e.CapturedAt)
	}
}

// The object store refuses a part whose content does not match the CRC-32C
// it travels with: what makes the parts' transit safe.
func TestStoreChecksPartChecksums(t *testing.T) {
	t.Parallel()
	v := newVault(t, evidence.Config{})
	key := "incidents/" + v.incident.String() + "/evidence/" + uuid.NewString()
	id, err := v.objects.StartUpload(v.ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer v.objects.AbortUpload(v.ctx, key, id) //nolint:errcheck // best effort
	_, err = v.objects.PutPart(v.ctx, key, id, 1, strings.NewReader("changed in transit"), 18, "AAAAAA==")
	if err == nil {
		t.Fatal("a part with a wrong checksum was stored")
	}
}
