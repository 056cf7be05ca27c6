package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/graph"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
)

const password = "a long enough password"

// start runs a Main on a free port against a fresh database and bucket, with
// one user "resp" signed in on the returned client.
func start(t testing.TB) (*server.Main, *testgql.Client) {
	t.Helper()
	return startWith(t, nil)
}

// startWith starts a server whose configuration adjust may change first.
func startWith(t testing.TB, adjust func(*server.Config)) (*server.Main, *testgql.Client) {
	t.Helper()
	cfg := server.Config{
		DatabaseURL:     testdb.NewURL(t),
		Listen:          "127.0.0.1:0",
		S3:              testdb.ObjectStore(t),
		SessionTTL:      time.Hour,
		ReportWindow:    24 * time.Hour,
		ComplexityLimit: graph.DefaultComplexityLimit,
	}
	if adjust != nil {
		adjust(&cfg)
	}
	m := server.NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "resp", Password: password,
		Roles: []auth.Role{auth.Responder}}); err != nil {
		t.Fatal(err)
	}
	c := &testgql.Client{URL: m.URL()}
	c.Login(t, "resp", password)
	return m, c
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	m, _ := start(t)
	anon := &testgql.Client{URL: m.URL()}
	for path, want := range map[string]string{"/healthz": `"status":"ok"`, "/readyz": `"status":"ready"`, "/": "Leaktrail"} {
		if status, body := anon.Send(t, http.MethodGet, path, ""); status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("%s: %d %s", path, status, body)
		}
	}
}

func TestSignInCookieAndSignOut(t *testing.T) {
	t.Parallel()
	m, _ := start(t)
	anon := &testgql.Client{URL: m.URL()}
	if r := anon.Do(t, `{ incidents { totalCount } }`, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("anonymous list: %+v", r.Errors)
	}
	wrongPass := anon.Do(t, `mutation { login(username: "resp", password: "wrong password!") { token } }`, nil)
	noUser := anon.Do(t, `mutation { login(username: "nobody", password: "wrong password!") { token } }`, nil)
	if wrongPass.Code() != "UNAUTHENTICATED" || noUser.Code() != "UNAUTHENTICATED" ||
		wrongPass.Errors[0].Message != noUser.Errors[0].Message {
		t.Fatalf("login errors differ: %+v vs %+v", wrongPass.Errors, noUser.Errors)
	}

	r := anon.Do(t, `mutation($p: String!) { login(username: "RESP", password: $p) { token user { username } } }`, map[string]any{"p": password})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == auth.CookieName {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v", cookie)
	}

	// A browser's request: signed in by the cookie alone.
	byCookie := func(query string, csrf bool) (int, string) {
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if csrf {
			req.Header.Set(auth.CSRFHeader, "1")
		}
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if _, got := byCookie(`{ me { username } }`, true); !strings.Contains(got, `"username":"resp"`) {
		t.Fatalf("me with cookie: %s", got)
	}
	// Without the CSRF header a cookie-signed request is refused, so a cross-site
	// form cannot act as the user.
	const open = `mutation { openIncident(input: {title: "x", leakedItem: "x", classification: SECRET,
		detectedAt: "2026-01-01T00:00:00Z", detectionMethod: SELF_REPORT, reportedBy: "x"}) { id } }`
	if status, got := byCookie(open, false); status != http.StatusForbidden || !strings.Contains(got, `"code":"FORBIDDEN"`) {
		t.Fatalf("cookie mutation without CSRF header: %d %s", status, got)
	}
	if _, got := byCookie(open, true); !strings.Contains(got, `"openIncident":{"id"`) {
		t.Fatalf("cookie mutation with CSRF header: %s", got)
	}
	byCookie(`mutation { logout }`, true)
	if _, got := byCookie(`{ me { username } }`, true); !strings.Contains(got, `"me":null`) {
		t.Fatalf("me after logout: %s", got)
	}
}

// A user's language is remembered for every device they sign in from.
func TestLanguageIsRememberedPerUser(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	var out struct{ SetMyLocale struct{ Locale string } }
	c.Must(t, `mutation { setMyLocale(locale: "zh-TW") { locale } }`, nil, &out)
	var me struct{ Me struct{ Locale string } }
	c.Must(t, `{ me { locale } }`, nil, &me)
	if out.SetMyLocale.Locale != "zh-TW" || me.Me.Locale != "zh-TW" {
		t.Fatalf("locale %q then %q", out.SetMyLocale.Locale, me.Me.Locale)
	}
	if r := c.Do(t, `mutation { setMyLocale(locale: "fr") { locale } }`, nil); r.Code() != "INVALID_INPUT" {
		t.Fatalf("French: %+v", r.Errors)
	}
}

func TestBadInputIsInvalidInputNever500(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	const open = `mutation($in: OpenIncidentInput!) { openIncident(input: $in) { id } }`
	input := func(edit func(map[string]any)) map[string]any {
		in := map[string]any{"title": "照片外泄", "leakedItem": "通知照片", "classification": "SECRET",
			"detectedAt": time.Now().Add(-time.Hour).Format(time.RFC3339), "detectionMethod": "SELF_REPORT", "reportedBy": "王某"}
		edit(in)
		return map[string]any{"in": in}
	}
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		raw   string
		field string
	}{
		{name: "undecodable JSON", raw: `{"query": `},
		{name: "not JSON at all", raw: "\x00\x01binary"},
		{name: "parse error", query: `{ incidents { `},
		{name: "unknown field", query: `{ incidents { nope } }`},
		{name: "unknown enum literal", query: `{ incidents(filter: {stages: [NOWHERE]}) { totalCount } }`},
		{name: "unknown enum variable", query: open, vars: input(func(in map[string]any) { in["classification"] = "VERY_SECRET" })},
		{name: "wrong variable type", query: `query($n: Int) { incidents(first: $n) { totalCount } }`, vars: map[string]any{"n": "ten"}},
		{name: "missing required input", query: open, vars: input(func(in map[string]any) { delete(in, "title") })},
		{name: "empty title", query: open, vars: input(func(in map[string]any) { in["title"] = "   " }), field: "input.title"},
		{name: "huge title", query: open, vars: input(func(in map[string]any) { in["title"] = strings.Repeat("泄", 100000) }), field: "input.title"},
		{name: "malformed time", query: open, vars: input(func(in map[string]any) { in["detectedAt"] = "yesterday" })},
		{name: "future time", query: open, vars: input(func(in map[string]any) { in["detectedAt"] = "2999-01-01T00:00:00Z" }), field: "input.detectedAt"},
		{name: "malformed lead id", query: open, vars: input(func(in map[string]any) { in["leadId"] = "42" })},
		{name: "unknown lead id", query: open, vars: input(func(in map[string]any) { in["leadId"] = "7d0d6f52-3e43-4a55-9d2b-95f1c4a5a7c1" }), field: "input.leadId"},
		{name: "malformed id", query: `{ incident(id: "not-a-uuid") { id } }`},
		{name: "nil uuid", query: `{ incident(id: "00000000-0000-0000-0000-000000000000") { id } }`},
		{name: "page too large", query: `{ incidents(first: 1000) { totalCount } }`},
		{name: "bad cursor", query: `{ incidents(after: "garbage") { totalCount } }`, field: "after"},
		{name: "advance with a bad stage variable", query: `mutation($s: Stage!) { advanceIncident(id: "7d0d6f52-3e43-4a55-9d2b-95f1c4a5a7c1", to: $s) { id } }`, vars: map[string]any{"s": "LIMBO"}},
		{name: "body over the limit", raw: `{"query": "{ me { id } }", "x": "` + strings.Repeat("a", 97<<20) + `"}`},
		{name: "too complex", query: `{ incidents(first: 100) { edges { node { tasks { incident { tasks { incident { tasks { incident { transitions { by { id } } } } } } } } } } } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r testgql.Response
			if tt.raw != "" {
				r = c.Raw(t, "application/json", []byte(tt.raw))
			} else {
				r = c.Do(t, tt.query, tt.vars)
			}
			if r.Status >= 500 {
				t.Fatalf("status %d", r.Status)
			}
			if r.Code() != "INVALID_INPUT" || r.Errors[0].Message == "" {
				t.Fatalf("errors %+v, want INVALID_INPUT", r.Errors)
			}
			if tt.field != "" && r.Errors[0].Extensions["field"] != tt.field {
				t.Fatalf("field %v, want %s", r.Errors[0].Extensions["field"], tt.field)
			}
			if len(r.Errors[0].Message) > 2000 && tt.raw == "" {
				t.Fatalf("message echoes the input: %d bytes", len(r.Errors[0].Message))
			}
		})
	}
}

// A leak a colleague reported internally is recorded as such and named so in
// the case report.
func TestOpenIncidentReportedByAColleague(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	var out struct {
		OpenIncident struct{ Reference, DetectionMethod string }
	}
	c.Must(t, `mutation { openIncident(input: {title: "同事发现群内照片", leakedItem: "通知照片", classification: SECRET,
		detectedAt: "2026-02-04T10:00:00+08:00", detectionMethod: COLLEAGUE_REPORT, reportedBy: "同处室张某"}) {
		reference detectionMethod } }`, nil, &out)
	if out.OpenIncident.DetectionMethod != "COLLEAGUE_REPORT" {
		t.Fatalf("opened: %+v", out)
	}
	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/incidents/"+out.OpenIncident.Reference+"/report.md?lang=zh-CN", nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if body, _ := io.ReadAll(resp.Body); !strings.Contains(string(body), "| 发现方式 | 同事内部报告 |") {
		t.Fatalf("report: %d %s", resp.StatusCode, body)
	}
}

func TestUnknownIncidentIsNullAndMutationsNotFound(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	r := c.Do(t, `{ incident(id: "7d0d6f52-3e43-4a55-9d2b-95f1c4a5a7c1") { id } }`, nil)
	if len(r.Errors) > 0 || string(r.Data) != `{"incident":null}` {
		t.Fatalf("%s %+v", r.Data, r.Errors)
	}
	r = c.Do(t, `mutation { addTask(incidentId: "7d0d6f52-3e43-4a55-9d2b-95f1c4a5a7c1", input: {title: "x"}) { id } }`, nil)
	if r.Code() != "NOT_FOUND" {
		t.Fatalf("%+v", r.Errors)
	}
}

func TestGateNotMetListsUnmetRequirements(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	var opened struct {
		OpenIncident struct {
			ID      string
			Version int
		}
	}
	c.Must(t, `mutation { openIncident(input: {title: "病历照片发到家族群", leakedItem: "患者检验报告照片",
		classification: PERSONAL_DATA, detectedAt: "2026-01-10T08:00:00+08:00", detectionMethod: EXTERNAL_TIP,
		reportedBy: "患者家属"}) { id version } }`, nil, &opened)
	id := opened.OpenIncident.ID
	c.Must(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INITIAL_RESPONSE) { stage } }`, map[string]any{"id": id}, nil)
	r := c.Do(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INVESTIGATION) { stage } }`, map[string]any{"id": id})
	if r.Code() != "GATE_NOT_MET" {
		t.Fatalf("%+v", r.Errors)
	}
	unmet, _ := json.Marshal(r.Errors[0].Extensions["unmet"])
	if !strings.Contains(string(unmet), `"id":"initial.containment"`) || strings.Contains(string(unmet), "report_upward") {
		t.Fatalf("unmet %s", unmet)
	}
	r = c.Do(t, `mutation($id: ID!) { advanceIncident(id: $id, to: RECOVERY) { stage } }`, map[string]any{"id": id})
	if r.Code() != "INVALID_INPUT" || r.Errors[0].Extensions["field"] != "to" {
		t.Fatalf("skip: %+v", r.Errors)
	}
	r = c.Do(t, `mutation($id: ID!) { updateIncident(id: $id, expectedVersion: 1, input: {summary: "x"}) { version } }`, map[string]any{"id": id})
	if r.Code() != "CONFLICT" || r.Errors[0].Extensions["currentVersion"] != float64(2) {
		t.Fatalf("stale update: %+v", r.Errors)
	}
}

func mustUUID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	u, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
