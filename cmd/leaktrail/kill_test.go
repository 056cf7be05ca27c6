package main_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/leaktrail/leaktrail/internal/testgql"
)

// `leaktrail serve` is killed (SIGKILL) in the middle of two uploads and
// started again. Nothing is half-done: no evidence item without its whole
// object; one upload resumes from the part after the last one stored and
// completes with the file's hash; the other, never resumed, is abandoned by
// the reconciler with its multipart upload aborted and no object left over.
func TestServerKilledMidUploadLeavesNothingHalfDone(t *testing.T) {
	t.Parallel()
	e := testEnv(t)
	const pw = "correct horse battery staple"
	if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "kill", "--role", "investigator", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	srv := serve(t, e)
	c := &testgql.Client{URL: srv.URL}
	c.Login(t, "kill", pw)
	var opened struct{ OpenIncident struct{ ID string } }
	c.Must(t, `mutation { openIncident(input: {title: "上传中断", leakedItem: "截图", classification: SECRET,
		detectedAt: "2026-02-01T08:00:00+08:00", detectionMethod: SELF_REPORT, reportedBy: "值班室", whereSeen: "群"}) { id } }`, nil, &opened)
	begin := func(name string) (id, url string) {
		var b struct {
			BeginEvidenceUpload struct{ ID, UploadURL string }
		}
		c.Must(t, `mutation($id: ID!, $n: String!) { beginEvidenceUpload(incidentId: $id, input: {fileName: $n}) { id uploadUrl } }`,
			map[string]any{"id": opened.OpenIncident.ID, "n": name}, &b)
		return b.BeginEvidenceUpload.ID, b.BeginEvidenceUpload.UploadURL
	}
	const part = 16 << 20
	file := make([]byte, 2*part+5000)
	rand.Read(file)
	resumed, resumedURL := begin("resumed.bin")
	dropped, droppedURL := begin("dropped.bin")

	// Both bodies stream; once each has sent more than a part, the server is killed.
	sent := make(chan struct{}, 2)
	for _, url := range []string{resumedURL, droppedURL} {
		go func() {
			body, w := io.Pipe()
			go func() {
				w.Write(file[:part+part/2]) //nolint:errcheck // the server dies
				sent <- struct{}{}
				time.Sleep(time.Minute) // hold the rest back until the kill breaks the request
				w.Close()
			}()
			req, _ := http.NewRequest(http.MethodPut, srv.URL+url, body)
			req.Header.Set("Authorization", "Bearer "+c.Token)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	<-sent
	<-sent
	db, err := sql.Open("postgres", e["LEAKTRAIL_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Wait until the first part of each is stored (the server records it), then kill.
	for deadline := time.Now().Add(30 * time.Second); ; {
		var stored int
		if err := db.QueryRow(`SELECT count(*) FROM evidence_uploads WHERE jsonb_array_length(parts) >= 1`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first parts were never stored")
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv.Cmd.Process.Kill()
	srv.Cmd.Wait()

	srv = serve(t, e) // reconciles at start-up
	c.URL = srv.URL
	var items struct {
		Incident struct{ Evidence []struct{ ID string } }
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { evidence { id } } }`, map[string]any{"id": opened.OpenIncident.ID}, &items)
	if len(items.Incident.Evidence) != 0 {
		t.Fatalf("an item exists after the kill: %+v", items)
	}
	status, body := c.Send(t, http.MethodGet, resumedURL, "")
	var st struct{ NextPart int }
	if json.Unmarshal([]byte(body), &st); status != http.StatusOK || st.NextPart != 2 {
		t.Fatalf("the upload's status after the restart: %d %s", status, body)
	}
	// The killed request's sending lease runs out first (CONFLICT with retryAfterSeconds meanwhile).
	for n, chunk := range [][]byte{file[part : 2*part], file[2*part:]} {
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Second) {
			req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s%s/parts/%d", srv.URL, resumedURL, n+2), bytes.NewReader(chunk))
			req.Header.Set("Authorization", "Bearer "+c.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
			if resp.StatusCode != http.StatusConflict || time.Now().After(deadline) {
				t.Fatalf("resume part %d: %s", n+2, resp.Status)
			}
		}
	}
	var done struct{ CompleteEvidenceUpload struct{ Sha256 string } }
	c.Must(t, `mutation($id: ID!) { completeEvidenceUpload(uploadId: $id) { sha256 } }`, map[string]any{"id": resumed}, &done)
	sum := sha256.Sum256(file)
	if done.CompleteEvidenceUpload.Sha256 != hex.EncodeToString(sum[:]) {
		t.Fatal("the resumed upload's hash is not the file's")
	}

	// The other is never resumed: once stale, the reconciler abandons it.
	if _, err := db.Exec(`UPDATE evidence_uploads SET updated_at = now() - interval '2 days', receiving_until = NULL WHERE id = $1`, dropped); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, e, "", "evidence", "reconcile"); code != 0 || !strings.Contains(out, "abandoned 1") {
		t.Fatalf("evidence reconcile: %d %s", code, out)
	}
	var state, key string
	if err := db.QueryRow(`SELECT state, object_key FROM evidence_uploads WHERE id = $1`, dropped).Scan(&state, &key); err != nil || state != "ABANDONED" {
		t.Fatalf("the dropped upload: %q %v", state, err)
	}
	objects, err := minio.New(e["LEAKTRAIL_S3_ENDPOINT"], &minio.Options{Creds: credentials.NewStaticV4(e["LEAKTRAIL_S3_ACCESS_KEY"],
		e["LEAKTRAIL_S3_SECRET_KEY"], "")})
	if err != nil {
		t.Fatal(err)
	}
	for u := range objects.ListIncompleteUploads(context.Background(), e["LEAKTRAIL_S3_BUCKET"], key, true) {
		t.Fatalf("a multipart upload of the dropped file is left: %+v", u)
	}
	var count int
	for obj := range objects.ListObjects(context.Background(), e["LEAKTRAIL_S3_BUCKET"], minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		count++
	}
	if count != 1 {
		t.Fatalf("%d objects in the bucket, want the one item's", count)
	}
	for _, args := range [][]string{{"evidence", "verify"}, {"evidence", "reconcile"}, {"audit", "verify"}} {
		if out, _, code := run(t, e, "", args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, out)
		}
	}
}
