package objstore_test

import (
	"context"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/objstore"
)

func open(t *testing.T) (*objstore.Store, context.Context) {
	t.Helper()
	ctx := context.Background()
	s, err := objstore.Open(ctx, testdb.ObjectStore(t))
	if err != nil {
		t.Fatal(err)
	}
	return s, ctx
}

func wantCode(t *testing.T, what string, err error, code apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code {
		t.Errorf("%s: want %s, got %v", what, code, err)
	}
}

// The store's answers reach the vault as the port's apperr codes: a missing
// key or upload is NOT_FOUND (whether stat'ed or found missing on reading),
// a held object refuses removal with CONFLICT, and a call that runs out of
// time is UNAVAILABLE, never NOT_FOUND.
func TestErrorsAreThePortsCodes(t *testing.T) {
	t.Parallel()
	s, ctx := open(t)
	if !s.Locking() {
		t.Fatal("the bucket was made without object locking")
	}
	_, err := s.Stat(ctx, "incidents/none")
	wantCode(t, "stat of a missing key", err, apperr.NotFound)
	obj, err := s.Get(ctx, "incidents/none")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(obj)
	obj.Close()
	wantCode(t, "read of a missing key", err, apperr.NotFound)
	id, err := s.StartUpload(ctx, "incidents/none")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AbortUpload(ctx, "incidents/none", id); err != nil {
		t.Fatal(err)
	}
	_, err = s.CompleteUpload(ctx, "incidents/none", id, []evidence.Part{{Number: 1, ETag: "x"}})
	wantCode(t, "complete of an aborted upload", err, apperr.NotFound)

	late, cancel := context.WithDeadline(ctx, time.Now())
	cancel()
	_, err = s.Stat(late, "incidents/none")
	wantCode(t, "stat that timed out", err, apperr.Unavailable)

	if err := s.Put(ctx, "incidents/held", strings.NewReader("扣押"), -1); err != nil {
		t.Fatal(err)
	}
	held, err := s.Stat(ctx, "incidents/held")
	if err != nil || held.VersionID == "" {
		t.Fatalf("stat: %+v %v", held, err)
	}
	if err := s.Hold(ctx, held.Key, held.VersionID, true); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "removal of a held object", s.Remove(ctx, held.Key, held.VersionID), apperr.Conflict)
	if err := s.Hold(ctx, held.Key, held.VersionID, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(ctx, held.Key, held.VersionID); err != nil {
		t.Fatalf("removal once the hold is lifted: %v", err)
	}
}

// A multipart upload round-trips through the port, and UploadsOf lists the
// uploads of exactly its key, not of a key that merely starts the same.
func TestMultipartUpload(t *testing.T) {
	t.Parallel()
	s, ctx := open(t)
	id, err := s.StartUpload(ctx, "incidents/a")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.StartUpload(ctx, "incidents/ab")
	if err != nil {
		t.Fatal(err)
	}
	defer s.AbortUpload(ctx, "incidents/ab", other) //nolint:errcheck // best effort
	var ids []string
	for got, err := range s.UploadsOf(ctx, "incidents/a") {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got)
	}
	if len(ids) != 1 || ids[0] != id {
		t.Fatalf("uploads of incidents/a: %v, want [%s]", ids, id)
	}
	etag, err := s.PutPart(ctx, "incidents/a", id, 1, strings.NewReader("证据"), int64(len("证据")), "flGojg==")
	if err != nil {
		t.Fatal(err)
	}
	version, err := s.CompleteUpload(ctx, "incidents/a", id, []evidence.Part{{Number: 1, ETag: etag}})
	if err != nil || version == "" {
		t.Fatalf("complete: %q %v", version, err)
	}
	link, err := s.Presign(ctx, "incidents/a", evidence.Download{VersionID: version, ContentType: "text/plain",
		Disposition: "attachment"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("versionId") != version || q.Get("response-content-type") != "text/plain" ||
		q.Get("response-content-disposition") != "attachment" {
		t.Fatalf("link: %s", link)
	}
	var keys []string
	for obj, err := range s.List(ctx, "incidents/") {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, obj.Key)
	}
	if len(keys) != 1 || keys[0] != "incidents/a" {
		t.Fatalf("objects: %v", keys)
	}
}
