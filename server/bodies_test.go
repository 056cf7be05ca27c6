package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/budget"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
)

// answer is a plain HTTP answer: status, Retry-After and the first error.
type answer struct {
	status     int
	retryAfter string
	code       string
	message    string
	ext        map[string]any
}

// request sends body (a stream when it is not a strings.Reader) to path as c,
// giving up after ten seconds.
func request(t *testing.T, c *testgql.Client, method, path string, body io.Reader) answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	json.NewDecoder(resp.Body).Decode(&out) //nolint:errcheck // a success has no errors
	a := answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
	if len(out.Errors) > 0 {
		a.message, a.ext = out.Errors[0].Message, out.Errors[0].Extensions
		a.code, _ = a.ext["code"].(string)
	}
	return a
}

// stalled is a request body that sends head and then nothing until released.
func stalled(head string) (body io.Reader, release func()) {
	r, w := io.Pipe()
	go func() {
		w.Write([]byte(head)) //nolint:errcheck // the server may have given up
	}()
	return r, func() { w.Close() }
}

func member(t *testing.T, m *server.Main, lead *testgql.Client, incidentID, username, role string) *testgql.Client {
	t.Helper()
	u, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: username, Password: password, Roles: []auth.Role{auth.Investigator}})
	if err != nil {
		t.Fatal(err)
	}
	lead.Must(t, `mutation($i: ID!, $u: ID!, $r: CaseRole!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: $r) { caseRole } }`,
		map[string]any{"i": incidentID, "u": u.ID.String(), "r": role}, nil)
	c := &testgql.Client{URL: m.URL()}
	c.Login(t, username, password)
	return c
}

const importHeader = "key,at,method,from_key,from_kind,to_key,to_kind,by_key\n"

func importRows(n int, prefix string) string {
	var b strings.Builder
	b.WriteString(importHeader)
	for i := range n {
		b.WriteString(prefix + strings.Repeat("x", i) + ",2026-02-03T09:00:00+08:00,PHOTO,p:甲,PERSON,p:乙,PERSON,p:甲\n")
	}
	return b.String()
}

// A forwards import is refused before its file is read when the caller may
// not record forwards; it is bounded in bytes (while reading, whatever the
// client claims), rows and idle time; and one user, and the server, run only
// so many at once, answering RATE_LIMITED with a Retry-After.
func TestImportIsCheckedFirstAndBounded(t *testing.T) {
	t.Parallel()
	m, lead := startWith(t, func(c *server.Config) {
		c.ImportMaxBytes, c.ImportMaxRows, c.BodyIdleTimeout = 4<<10, 5, 2*time.Second
		c.Limits = budget.Config{Imports: 2, ImportsPerUser: 1, Wait: 100 * time.Millisecond}
	})
	incidentID, ref := openCase(t, lead, "导入限额")
	path := "/incidents/" + ref + "/forwards"
	observer := member(t, m, lead, incidentID, "observer", "OBSERVER")
	other := member(t, m, lead, incidentID, "other", "INVESTIGATOR")
	third := member(t, m, lead, incidentID, "third", "INVESTIGATOR")

	// A file that would not even parse: the observer hears FORBIDDEN, not what is wrong with it.
	if a := request(t, observer, http.MethodPost, path, strings.NewReader("nonsense,column\n")); a.code != "FORBIDDEN" {
		t.Errorf("observer: %+v", a)
	}
	for name, body := range map[string]io.Reader{
		"declared too large": strings.NewReader(importRows(2, "a") + strings.Repeat("#", 8<<10)),
		// A stream has no declared length: it is cut off while it is read.
		"streamed too large": io.MultiReader(strings.NewReader(importRows(2, "b")), strings.NewReader(strings.Repeat("#", 8<<10))),
	} {
		if a := request(t, lead, http.MethodPost, path, body); a.code != "INVALID_INPUT" || !strings.Contains(a.message, "larger than") {
			t.Errorf("%s: %+v", name, a)
		}
	}
	if a := request(t, lead, http.MethodPost, path, strings.NewReader(importRows(6, "c"))); a.code != "INVALID_INPUT" ||
		!strings.Contains(a.message, "more than 5 forwards") {
		t.Errorf("too many rows: %+v", a)
	}
	if a := request(t, lead, http.MethodPost, path, strings.NewReader(importRows(5, "d"))); a.status != http.StatusOK {
		t.Fatalf("five rows: %+v", a)
	}

	// The lead's import stalls while it holds one of the lead's and one of the server's slots.
	body, release := stalled(importHeader + "e1,2026-02-03T09:00:00+08:00,PHOTO,p:甲,PERSON,p:乙,PERSON,p:甲\n")
	first := make(chan answer, 1)
	go func() { first <- request(t, lead, http.MethodPost, path, body) }()
	time.Sleep(200 * time.Millisecond)
	if a := request(t, lead, http.MethodPost, path, strings.NewReader(importRows(1, "f"))); a.code != "RATE_LIMITED" ||
		a.retryAfter == "" || a.ext["retryAfterSeconds"] == nil {
		t.Errorf("the lead's second import: %+v", a)
	}
	body2, release2 := stalled(importHeader)
	second := make(chan answer, 1)
	go func() { second <- request(t, other, http.MethodPost, path, body2) }()
	time.Sleep(200 * time.Millisecond)
	if a := request(t, third, http.MethodPost, path, strings.NewReader(importRows(1, "g"))); a.code != "RATE_LIMITED" || a.retryAfter == "" {
		t.Errorf("a third import while the server runs two: %+v", a)
	}
	// The stalled imports end after the idle timeout, not when the client lets go.
	defer release()
	defer release2()
	for _, ch := range []chan answer{first, second} {
		if a := <-ch; a.code != "INVALID_INPUT" || !strings.Contains(a.message, "nothing arrived") {
			t.Errorf("stalled import: %+v", a)
		}
	}
	if a := request(t, third, http.MethodPost, path, strings.NewReader(importRows(1, "h"))); a.status != http.StatusOK {
		t.Errorf("after the stalled imports ended: %+v", a)
	}
}

// An upload that stops sending is ended after the idle timeout, freeing its
// buffers and its slot; one user sends only so many uploads at once.
func TestStalledUploadsEndAndAreCapped(t *testing.T) {
	t.Parallel()
	_, c := startWith(t, func(c *server.Config) {
		c.BodyIdleTimeout = 500 * time.Millisecond
		c.Limits = budget.Config{UploadsPerUser: 1}
	})
	incidentID, _ := openCase(t, c, "上传停滞")
	first, second := beginUpload(t, c, incidentID, "一.txt"), beginUpload(t, c, incidentID, "二.txt")
	body, release := stalled(strings.Repeat("证据", 1<<10))
	defer release()
	stalledAnswer := make(chan answer, 1)
	started := time.Now()
	go func() { stalledAnswer <- request(t, c, http.MethodPut, first+"/parts/1", body) }()
	time.Sleep(200 * time.Millisecond)
	if a := request(t, c, http.MethodPut, second, strings.NewReader("另一份")); a.code != "RATE_LIMITED" || a.retryAfter == "" {
		t.Errorf("a second upload at once: %+v", a)
	}
	a := <-stalledAnswer
	if a.code != "INVALID_INPUT" || time.Since(started) > 5*time.Second {
		t.Errorf("stalled upload after %s: %+v", time.Since(started), a)
	}
	if a := request(t, c, http.MethodPut, second, strings.NewReader("另一份")); a.status != http.StatusOK {
		t.Errorf("after the stalled upload ended: %+v", a)
	}
}
