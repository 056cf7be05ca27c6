package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/internal/services"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/objstore"
	"github.com/leaktrail/leaktrail/server"
)

// beginUpload starts an upload over GraphQL and returns its URL.
func beginUpload(t *testing.T, c *testgql.Client, incidentID, name string) string {
	t.Helper()
	var out struct{ BeginEvidenceUpload struct{ UploadURL string } }
	c.Must(t, `mutation($id: ID!, $name: String!) { beginEvidenceUpload(incidentId: $id, input: {fileName: $name,
		acquisition: {from: "举报人", where: "微信群", how: "截图", at: "2026-11-24T21:15:00+08:00"}, timeZone: "Asia/Shanghai"}) { uploadUrl } }`,
		map[string]any{"id": incidentID, "name": name}, &out)
	return out.BeginEvidenceUpload.UploadURL
}

// send makes one request with the client's token and returns the status and decoded JSON body.
func send(t *testing.T, c *testgql.Client, method, path string, body io.Reader, length int64) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, c.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	json.Unmarshal(raw, &out) //nolint:errcheck // a zip or an empty body stays nil
	return resp.StatusCode, out
}

func codeOf(body map[string]any) string {
	errs, _ := body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Evidence goes in over HTTP, comes back through a logged link, counts for
// the gate, and leaves in a sealed package; uploads belong to their creator
// and the size limit is enforced before a byte is stored.
func TestEvidenceOverHTTP(t *testing.T) {
	t.Parallel()
	m, c := startWith(t, func(cfg *server.Config) { cfg.EvidenceMaxBytes = 1 << 20 })
	id, ref := openCase(t, c, "截图外泄")
	content := []byte("微信群聊天记录截图（模拟）")
	url := beginUpload(t, c, id, "群聊截图.txt")

	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "other", Password: password,
		Roles: []auth.Role{auth.Investigator}}); err != nil {
		t.Fatal(err)
	}
	other := &testgql.Client{URL: m.URL()}
	other.Login(t, "other", password)
	if status, body := send(t, other, http.MethodPut, url, bytes.NewReader(content), int64(len(content))); status != http.StatusNotFound {
		t.Fatalf("someone else's upload: %d %v", status, body)
	}
	if status, body := send(t, c, http.MethodPut, url, bytes.NewReader(make([]byte, 2<<20)), 2<<20); status != http.StatusBadRequest ||
		codeOf(body) != "INVALID_INPUT" {
		t.Fatalf("over the limit: %d %v", status, body)
	}
	status, body := send(t, c, http.MethodPut, url, bytes.NewReader(content), int64(len(content)))
	if status != http.StatusOK || body["sha256"] != hexSHA256(content) {
		t.Fatalf("upload: %d %v", status, body)
	}

	var got struct {
		Incident struct {
			Evidence []struct {
				ID, Sha256, ContentType string
				Size                    int64
				Acquisition             struct{ From string }
				Custody                 []struct{ Action, TimeZone string }
			}
			Gate struct{ Requirements []struct{ ID string } }
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { evidence { id sha256 contentType size acquisition { from }
		custody { action timeZone } } } }`, map[string]any{"id": id}, &got)
	items := got.Incident.Evidence
	if len(items) != 1 || items[0].Sha256 != hexSHA256(content) || items[0].Size != int64(len(content)) ||
		items[0].Acquisition.From != "举报人" || len(items[0].Custody) != 2 || items[0].Custody[0].TimeZone != "Asia/Shanghai" {
		t.Fatalf("evidence: %+v", items)
	}
	var link struct{ EvidenceLink struct{ URL string } }
	c.Must(t, `mutation($id: ID!) { evidenceLink(evidenceId: $id, purpose: "核对原件", view: true) { url } }`,
		map[string]any{"id": items[0].ID}, &link)
	resp, err := http.Get(link.EvidenceLink.URL)
	if err != nil {
		t.Fatal(err)
	}
	downloaded, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(downloaded, content) {
		t.Fatalf("link gave %q", downloaded)
	}

	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/incidents/"+ref+"/evidence.zip", nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	zresp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pkg, _ := io.ReadAll(zresp.Body)
	zresp.Body.Close()
	z, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if zresp.StatusCode != http.StatusOK || err != nil || len(z.File) != 4 {
		t.Fatalf("package: %d %v", zresp.StatusCode, err)
	}
	if status, body := send(t, other, http.MethodGet, "/incidents/"+ref+"/evidence.zip", nil, 0); status != http.StatusNotFound {
		t.Fatalf("outsider's package: %d %v", status, body)
	}
}

// randomFile is content that does not compress or repeat.
func randomFile(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(7, 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// With the object store down mid-upload, a part is refused with UNAVAILABLE
// and no item is recorded; when it returns, the upload resumes from the part
// that failed, commits with the whole file's hash, and reconcile finds
// nothing to repair.
func TestEvidenceUploadSurvivesObjectStoreOutage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := services.StartMinIO(ctx, services.MinIOOptions{Dir: dir, AccessKey: "outage", SecretKey: "outage-secret-key"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Stop() })
	m, c := startWith(t, func(cfg *server.Config) {
		cfg.S3 = objstore.Config{Endpoint: store.Endpoint, AccessKey: "outage", SecretKey: "outage-secret-key", Bucket: "outage"}
	})
	id, _ := openCase(t, c, "对象存储故障")
	part := evidence.DefaultConfig.PartSize
	content := randomFile(int(part) + 1000)
	url := beginUpload(t, c, id, "导出.bin")
	if status, body := send(t, c, http.MethodPut, url+"/parts/1", bytes.NewReader(content[:part]), part); status != http.StatusOK ||
		body["nextPart"] != 2.0 {
		t.Fatalf("part 1: %d %v", status, body)
	}

	store.Stop()
	rest := content[part:]
	start := time.Now()
	status, body := send(t, c, http.MethodPut, url+"/parts/2", bytes.NewReader(rest), int64(len(rest)))
	if status != http.StatusServiceUnavailable || codeOf(body) != "UNAVAILABLE" {
		t.Fatalf("part 2 with the store down: %d %v", status, body)
	}
	t.Logf("the outage was reported after %v", time.Since(start).Round(time.Millisecond))
	var count struct {
		Incident struct{ Evidence []struct{ ID string } }
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { evidence { id } } }`, map[string]any{"id": id}, &count)
	if len(count.Incident.Evidence) != 0 {
		t.Fatal("an item was recorded during the outage")
	}

	_, port, _ := net.SplitHostPort(store.Endpoint)
	p, _ := strconv.Atoi(port)
	store, err = services.StartMinIO(ctx, services.MinIOOptions{Dir: dir, Port: p, AccessKey: "outage", SecretKey: "outage-secret-key"})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := send(t, c, http.MethodPut, url+"/parts/2", bytes.NewReader(rest), int64(len(rest))); status != http.StatusOK {
		t.Fatalf("part 2 after the outage: %d %v", status, body)
	}
	uploadID := url[strings.LastIndex(url, "/")+1:]
	var done struct{ CompleteEvidenceUpload struct{ Sha256 string } }
	c.Must(t, `mutation($id: ID!) { completeEvidenceUpload(uploadId: $id) { sha256 } }`, map[string]any{"id": uploadID}, &done)
	if done.CompleteEvidenceUpload.Sha256 != hexSHA256(content) {
		t.Fatal("the resumed upload's hash is not the file's")
	}
	if r, err := m.Evidence.Reconcile(ctx); err != nil || !r.Clean() {
		t.Fatalf("reconcile after the outage: %+v %v", r, err)
	}
	if r, err := m.Evidence.VerifyAll(ctx, nil); err != nil || r.OK != 1 {
		t.Fatalf("verify: %+v %v", r, err)
	}
	if v, err := audit.Verify(ctx, m.DB); err != nil || !v.OK {
		t.Fatalf("audit chain after the outage: %+v %v", v, err)
	}
}

// Malformed upload requests get a coded error, never a 500.
func TestUploadEndpointsRefuseBadInput(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	id, _ := openCase(t, c, "错误输入")
	url := beginUpload(t, c, id, "a.txt")
	for _, tt := range []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"malformed upload id", http.MethodPut, "/evidence/uploads/not-a-uuid", http.StatusBadRequest, "INVALID_INPUT"},
		{"part zero", http.MethodPut, url + "/parts/0", http.StatusBadRequest, "INVALID_INPUT"},
		{"part not a number", http.MethodPut, url + "/parts/two", http.StatusBadRequest, "INVALID_INPUT"},
		{"a part out of order", http.MethodPut, url + "/parts/3", http.StatusConflict, "CONFLICT"},
		{"unknown upload", http.MethodGet, "/evidence/uploads/7d0d6f52-3e43-4a55-9d2b-95f1c4a5a7c1", http.StatusNotFound, "NOT_FOUND"},
		{"an empty file", http.MethodPut, url, http.StatusBadRequest, "INVALID_INPUT"},
		{"after it was abandoned", http.MethodPut, url, http.StatusConflict, "CONFLICT"},
	} {
		status, body := send(t, c, tt.method, tt.path, strings.NewReader(""), 0)
		if status != tt.status || codeOf(body) != tt.code {
			t.Errorf("%s: %d %v, want %d %s", tt.name, status, body, tt.status, tt.code)
		}
	}
	anon := &testgql.Client{URL: c.URL}
	if status, body := send(t, anon, http.MethodGet, url, nil, 0); status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d %v", status, body)
	}
}

// Rights are checked at every change of an upload, not only when it began: a
// sender demoted to OBSERVER, removed from the case, or whose case was
// frozen sends no further part, commits nothing and is told nothing of it.
func TestUploadNeedsTheRightAtEveryChange(t *testing.T) {
	t.Parallel()
	m, lead := start(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name, code string
		change     func(t *testing.T, incidentID, userID string)
	}{
		{"demoted to observer", "FORBIDDEN", func(t *testing.T, incidentID, userID string) {
			lead.Must(t, `mutation($i: ID!, $u: ID!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: OBSERVER) { caseRole } }`,
				map[string]any{"i": incidentID, "u": userID}, nil)
		}},
		{"removed from the case", "NOT_FOUND", func(t *testing.T, incidentID, userID string) {
			lead.Must(t, `mutation($i: ID!, $u: ID!) { removeIncidentMember(incidentId: $i, userId: $u) }`,
				map[string]any{"i": incidentID, "u": userID}, nil)
		}},
		{"case frozen", "FROZEN", func(t *testing.T, incidentID, _ string) {
			if _, err := m.DB.Exec(`UPDATE incidents SET stage = 'CLOSED', frozen_at = now() WHERE id = $1`, incidentID); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			incidentID, _ := openCase(t, lead, "上传权限 "+tt.name)
			username := "sender" + strconv.Itoa(int(time.Now().UnixNano()%1e9))
			u, err := m.Auth.AddUser(ctx, auth.NewUser{Username: username, Password: password, Roles: []auth.Role{auth.Investigator}})
			if err != nil {
				t.Fatal(err)
			}
			lead.Must(t, `mutation($i: ID!, $u: ID!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: INVESTIGATOR) { caseRole } }`,
				map[string]any{"i": incidentID, "u": u.ID.String()}, nil)
			sender := &testgql.Client{URL: m.URL()}
			sender.Login(t, username, password)
			content := []byte("传真记录扫描件")
			unsent := beginUpload(t, sender, incidentID, "未发送.txt")
			unfinished := beginUpload(t, sender, incidentID, "未提交.txt")
			sentPart := beginUpload(t, sender, incidentID, "已发一部分.txt")
			if status, body := send(t, sender, http.MethodPut, unfinished+"/parts/1", bytes.NewReader(content), int64(len(content))); status != http.StatusOK {
				t.Fatalf("part before the change: %d %v", status, body)
			}

			tt.change(t, incidentID, u.ID.String())

			if status, body := send(t, sender, http.MethodGet, sentPart, nil, 0); codeOf(body) != tt.code {
				t.Errorf("GET %s after the change: %d %v, want %s", sentPart, status, body, tt.code)
			}
			for _, url := range []string{unsent, sentPart + "/parts/1"} {
				if status, body := send(t, sender, http.MethodPut, url, bytes.NewReader(content), int64(len(content))); codeOf(body) != tt.code {
					t.Errorf("PUT %s after the change: %d %v, want %s", url, status, body, tt.code)
				}
			}
			r := sender.Do(t, `mutation($id: ID!) { completeEvidenceUpload(uploadId: $id) { id } }`,
				map[string]any{"id": unfinished[strings.LastIndex(unfinished, "/")+1:]})
			if r.Code() != tt.code {
				t.Errorf("commit after the change: %+v, want %s", r.Errors, tt.code)
			}
			var items int
			if err := m.DB.Get(&items, `SELECT count(*) FROM evidence WHERE incident_id = $1`, incidentID); err != nil || items != 0 {
				t.Fatalf("%d items entered the vault (%v)", items, err)
			}
		})
	}
}

// A request that sends many parts checks the sender's right before storing
// each: demoted while it sends, it stores no part after that.
func TestUploadRightCheckedAtEachPartOfARequest(t *testing.T) {
	t.Parallel()
	m, lead := start(t)
	incidentID, _ := openCase(t, lead, "上传途中降级")
	u, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "sender", Password: password, Roles: []auth.Role{auth.Investigator}})
	if err != nil {
		t.Fatal(err)
	}
	setRole := func(role string) {
		lead.Must(t, `mutation($i: ID!, $u: ID!, $r: CaseRole!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: $r) { caseRole } }`,
			map[string]any{"i": incidentID, "u": u.ID.String(), "r": role}, nil)
	}
	setRole("INVESTIGATOR")
	sender := &testgql.Client{URL: m.URL()}
	sender.Login(t, "sender", password)
	url := beginUpload(t, sender, incidentID, "大文件.bin")
	partSize := int(m.Evidence.Config.PartSize)
	r, w := io.Pipe()
	answered := make(chan map[string]any, 1)
	go func() {
		_, body := send(t, sender, http.MethodPut, url+"/parts/1", r, -1)
		answered <- body
	}()
	if _, err := w.Write(randomFile(partSize)); err != nil {
		t.Fatal(err)
	}
	nextPart := func() float64 {
		_, status := send(t, sender, http.MethodGet, url, nil, 0)
		n, _ := status["nextPart"].(float64)
		return n
	}
	for deadline := time.Now().Add(10 * time.Second); nextPart() != 2; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first part was never stored")
		}
	}
	setRole("OBSERVER")
	w.Write(randomFile(partSize + 10)) //nolint:errcheck // the server may stop reading once it refuses
	w.Close()
	if body := <-answered; codeOf(body) != "FORBIDDEN" {
		t.Fatalf("parts after the demotion: %v", body)
	}
	var parts int
	if err := m.DB.Get(&parts, `SELECT jsonb_array_length(parts) FROM evidence_uploads WHERE id = $1`,
		url[strings.LastIndex(url, "/")+1:]); err != nil || parts != 1 {
		t.Fatalf("%d parts stored: a part was stored after the demotion (%v)", parts, err)
	}
}
