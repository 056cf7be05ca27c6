package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
)

// attackBody is the shape that took a server to 3.2 GiB: millions of tiny
// objects in the variables of a query that needs none.
func attackBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"query":"{me{id}}","variables":{"x":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"a":[1,2,3,4]}`)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

func TestGraphQLBodyIsBoundedByWhoIsAsking(t *testing.T) {
	t.Parallel()
	m, c := startWith(t, func(cfg *server.Config) { cfg.GraphQLMaxBody = 1 << 20 })
	anon := &testgql.Client{URL: m.URL()}

	// Anonymous: only what signing in needs, refused while reading.
	if r := anon.Raw(t, "application/json", attackBody(100_000)); r.Code() != "UNAUTHENTICATED" ||
		!strings.Contains(r.Errors[0].Message, "sign in first") {
		t.Fatalf("anonymous 1.5 MB body: %d %+v", r.Status, r.Errors)
	}
	// Signed in: the configured size, and a shape bounded to match it.
	if r := c.Raw(t, "application/json", attackBody(100_000)); r.Code() != "INVALID_INPUT" ||
		!strings.Contains(r.Errors[0].Message, "at most 1 MiB") {
		t.Fatalf("signed-in 1.5 MB body: %d %+v", r.Status, r.Errors)
	}
	if r := c.Raw(t, "application/json", attackBody(20_000)); r.Code() != "INVALID_INPUT" ||
		!strings.Contains(r.Errors[0].Message, "objects and arrays") {
		t.Fatalf("signed-in 300 kB of tiny objects: %d %+v", r.Status, r.Errors)
	}
	deep := `{"query":"{me{id}}","variables":{"x":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}`
	if r := c.Raw(t, "application/json", []byte(deep)); r.Code() != "INVALID_INPUT" || !strings.Contains(r.Errors[0].Message, "deeper") {
		t.Fatalf("40 levels deep: %d %+v", r.Status, r.Errors)
	}
	// A GET carries its variables in the URL: the same shape rules.
	status, body := anon.Send(t, http.MethodGet, "/graphql?query={me{id}}&variables="+strings.Repeat("%5B", 40)+strings.Repeat("%5D", 40), "")
	if status != http.StatusBadRequest || !strings.Contains(body, "deeper") {
		t.Fatalf("GET 40 levels deep: %d %s", status, body)
	}
	// Ordinary requests pass, signed in or not.
	if r := anon.Do(t, `{ me { id } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("anonymous me: %+v", r.Errors)
	}
	c.Must(t, `{ incidents { totalCount } }`, nil, nil)
}

func loginAs(t *testing.T, c *testgql.Client, user, pw string) testgql.Response {
	t.Helper()
	return c.Do(t, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": user, "p": pw})
}

// Forty parallel guesses at one username get five password checks, and the
// right password after them is refused too; the refusals are one audit entry.
func TestSignInAttemptsAreReservedBeforeThePasswordIsChecked(t *testing.T) {
	t.Parallel()
	m, _ := start(t)
	anon := &testgql.Client{URL: m.URL()}
	var wg sync.WaitGroup
	codes := make(chan string, 40)
	for i := range 40 {
		wg.Go(func() { codes <- loginAs(t, anon, "resp", fmt.Sprintf("wrong password %d", i)).Code() })
	}
	wg.Wait()
	close(codes)
	count := map[string]int{}
	for c := range codes {
		count[c]++
	}
	if count["UNAUTHENTICATED"] > 5 || count["RATE_LIMITED"] < 35 || count["UNAUTHENTICATED"]+count["RATE_LIMITED"] != 40 {
		t.Fatalf("40 parallel attempts: %v; want at most 5 checked and the rest RATE_LIMITED", count)
	}
	if r := loginAs(t, anon, "resp", password); r.Code() != "RATE_LIMITED" {
		t.Fatalf("right password after the limit: %d %+v %v", r.Status, r.Errors, r.Header)
	}
	var failed int
	if err := m.DB.Get(&failed, `SELECT count(*) FROM audit_log WHERE action = 'session.login_failed'`); err != nil || failed > 5 {
		t.Fatalf("%d login_failed entries (%v), want at most 5", failed, err)
	}
	m.Auth.FlushLimited(context.Background(), true)
	var limited []string
	if err := m.DB.Select(&limited, `SELECT changes FROM audit_log WHERE action = 'session.login_limited'`); err != nil ||
		len(limited) != 1 || !strings.Contains(limited[0], fmt.Sprintf(`"attempts":%d`, count["RATE_LIMITED"]+1)) {
		t.Fatalf("login_limited entries: %v %v; want one with the count", limited, err)
	}
}

// Behind a trusted load balancer each client is limited on its own address;
// from anyone else X-Forwarded-For is ignored.
func TestSignInLimitsUseTheClientBehindTrustedProxies(t *testing.T) {
	t.Parallel()
	for _, trusted := range []bool{true, false} {
		m, _ := startWith(t, func(cfg *server.Config) {
			if trusted {
				cfg.TrustedProxies = "127.0.0.0/8, ::1"
			}
		})
		m.Auth.ByAddress.Max = 3
		login := func(client, user string) string {
			body, _ := json.Marshal(map[string]any{"query": `mutation($u: String!) { login(username: $u, password: "wrong password") { token } }`,
				"variables": map[string]any{"u": user}})
			req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", "198.51.100.77, "+client)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var r testgql.Response
			json.NewDecoder(resp.Body).Decode(&r) //nolint:errcheck // checked by the caller through Code
			return r.Code()
		}
		for i := range 3 {
			login("203.0.113.1", fmt.Sprintf("guess%d", i))
		}
		got := login("203.0.113.2", "someone")
		if want := map[bool]string{true: "UNAUTHENTICATED", false: "RATE_LIMITED"}[trusted]; got != want {
			t.Fatalf("trusted proxies %v: another client after one was limited: %s, want %s", trusted, got, want)
		}
	}
}

// Work that is large whatever the query asks (re-reading every evidence file,
// a report, a password hash) fits once in an operation; a logged download
// link a couple of dozen times: aliases cannot repeat them by the hundred.
func TestExpensiveFieldsCannotBeRepeatedThroughAliases(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	id, _ := openCase(t, c, "别名攻击")
	aliases := func(n int, field string) string {
		var b strings.Builder
		b.WriteString("mutation($id: ID!) {")
		for i := range n {
			fmt.Fprintf(&b, " a%d: %s", i, field)
		}
		return b.String() + " }"
	}
	verify := "verifyEvidence(incidentId: $id) { checked }"
	c.Must(t, aliases(1, verify), map[string]any{"id": id}, nil)
	for _, op := range []string{aliases(2, verify), aliases(100, verify),
		aliases(2, "generateCaseReport(incidentId: $id) { sha256 }"),
		aliases(200, `evidenceLink(evidenceId: $id, purpose: "x") { url }`),
		`mutation { a: login(username: "resp", password: "x") { token } b: login(username: "resp", password: "y") { token } }`,
	} {
		if r := c.Do(t, op, map[string]any{"id": id}); r.Code() != "INVALID_INPUT" || r.Errors[0].Extensions["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("%.80s…: %+v", op, r.Errors)
		}
	}
}

// Many requests at once for the same heavy work queue for the server's
// slots for a moment and are then refused with RATE_LIMITED, never run
// together without bound.
func TestHeavyWorkIsRefusedWhenTheServerIsBusy(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "忙")
	release, err := m.Limits.Fixity.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := c.Do(t, `mutation($id: ID!) { verifyEvidence(incidentId: $id) { checked } }`, map[string]any{"id": id})
	if r.Code() != "RATE_LIMITED" || r.Errors[0].Extensions["retryAfterSeconds"] == nil {
		t.Fatalf("verify while the fixity slot is taken: %+v", r.Errors)
	}
	release()
	c.Must(t, `mutation($id: ID!) { verifyEvidence(incidentId: $id) { checked } }`, map[string]any{"id": id}, nil)
}

// A link asked again by the same person for the same item and purpose while
// the first still runs is covered by the first custody event and ends with
// it; another purpose is another event.
func TestRepeatedLinksShareTheirCustodyGrant(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "链接")
	content := []byte("群聊截图")
	if status, body := send(t, c, http.MethodPut, beginUpload(t, c, id, "截图.txt"), bytes.NewReader(content), int64(len(content))); status != http.StatusOK {
		t.Fatalf("upload: %d %v", status, body)
	}
	var ev struct {
		Incident struct{ Evidence []struct{ ID string } }
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { evidence { id } } }`, map[string]any{"id": id}, &ev)
	item := ev.Incident.Evidence[0].ID
	link := func(purpose string) string {
		var out struct {
			EvidenceLink struct{ URL, ExpiresAt string }
		}
		c.Must(t, `mutation($id: ID!, $p: String!) { evidenceLink(evidenceId: $id, purpose: $p) { url expiresAt } }`,
			map[string]any{"id": item, "p": purpose}, &out)
		return out.EvidenceLink.ExpiresAt
	}
	first := link("核对原件")
	for range 5 {
		if again := link("核对原件"); again != first {
			t.Fatalf("a repeated link ends at %s, the grant at %s", again, first)
		}
	}
	link("移交公安")
	var downloads int
	if err := m.DB.Get(&downloads, `SELECT count(*) FROM custody_events WHERE action = 'DOWNLOADED'`); err != nil || downloads != 2 {
		t.Fatalf("%d DOWNLOADED events (%v), want 2: one per purpose", downloads, err)
	}
}

// A websocket message is bounded too: one larger than a subscription needs
// closes the socket before it is decoded.
func TestSocketMessagesAreBounded(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn := openSocket(t, ctx, m, c.Token, false)
	if _, err := operate(ctx, conn, "small", `{ me { id } }`, nil); err != nil {
		t.Fatalf("a small operation: %v", err)
	}
	operate(ctx, conn, "big", `{ me { id } }`, map[string]any{"x": strings.Repeat("x", 20<<10)}) //nolint:errcheck // the socket closes
	closes(t, conn)
}

// Reports and exports over plain HTTP share the server's report slots.
func TestReportsAreRefusedWhenTheServerIsBusy(t *testing.T) {
	t.Parallel()
	m, c := startWith(t, func(cfg *server.Config) { cfg.LimitsText = "reports=1,wait=100ms" })
	_, ref := openCase(t, c, "报告")
	release, err := m.Limits.Reports.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/incidents/" + ref + "/report.md", "/incidents/" + ref + "/evidence.zip", "/statistics.csv"} {
		status, body := c.Send(t, http.MethodGet, path, "")
		if status != http.StatusTooManyRequests || !strings.Contains(body, "RATE_LIMITED") {
			t.Fatalf("%s while busy: %d %s", path, status, body)
		}
	}
	// And so do the heavy GraphQL fields, beside light ones that still answer.
	if r := c.Do(t, `{ statistics { incidents } }`, nil); r.Code() != "RATE_LIMITED" || fmt.Sprint(r.Errors[0].Path) != "[statistics]" {
		t.Fatalf("statistics while busy: %s %+v", r.Data, r.Errors)
	}
	c.Must(t, `{ me { id } }`, nil, nil)
	release()
	if status, body := c.Send(t, http.MethodGet, "/incidents/"+ref+"/report.md", ""); status != http.StatusOK {
		t.Fatalf("report when free: %d %s", status, body)
	}
}

// Live connections: only a signed-in socket is kept, and one client address
// holds a bounded number of them.
func TestLiveConnectionsAreSignedInAndBounded(t *testing.T) {
	t.Parallel()
	m, c := startWith(t, func(cfg *server.Config) { cfg.LimitsText = "sockets-per-address=2" })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dial := func() (*websocket.Conn, error) {
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(m.URL(), "http")+"/graphql",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		return conn, err
	}
	anon, err := dial()
	if err != nil {
		t.Fatal(err)
	}
	if err := wsjson.Write(ctx, anon, map[string]any{"type": "connection_init", "payload": map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	closes(t, anon)

	openSocket(t, ctx, m, c.Token, false)
	openSocket(t, ctx, m, c.Token, false)
	if conn, err := dial(); err == nil {
		conn.Close(websocket.StatusNormalClosure, "")
		t.Fatal("a third socket from one address was accepted")
	}
}

// A signed-in user has a bounded number of requests in flight, and a body
// past bulkBody waits for the server's import slot before the rest is read.
func TestSignedInRequestsAreBounded(t *testing.T) {
	t.Parallel()
	m, c := startWith(t, func(cfg *server.Config) { cfg.LimitsText = "wait=100ms" })
	release, err := m.Limits.Imports.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	big := []byte(`{"query":"{ me { id } }","variables":{"x":"` + strings.Repeat("x", 600<<10) + `"}}`)
	if r := c.Raw(t, "application/json", big); r.Code() != "RATE_LIMITED" {
		t.Fatalf("a 600 kB request while the import slot is taken: %+v", r.Errors)
	}
	release()
	if r := c.Raw(t, "application/json", big); len(r.Errors) > 0 {
		t.Fatalf("a 600 kB request when the slot is free: %+v", r.Errors)
	}
	// A malformed body is refused without being quoted back.
	bad := append([]byte(`{"query":`), bytes.Repeat([]byte("y"), 100<<10)...)
	if r := c.Raw(t, "application/json", bad); r.Code() != "INVALID_INPUT" || len(r.Errors[0].Message) > 200 {
		t.Fatalf("malformed body: %d %.300v", r.Status, r.Errors)
	}
	u, _ := m.Auth.UserByUsername(context.Background(), "resp")
	var held []func()
	for range 16 {
		rel, err := m.Limits.Requests.Acquire(u.ID.String())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, rel)
	}
	if r := c.Do(t, `{ me { id } }`, nil); r.Code() != "RATE_LIMITED" {
		t.Fatalf("a 17th request in flight: %+v", r.Errors)
	}
	for _, rel := range held {
		rel()
	}
	c.Must(t, `{ me { id } }`, nil, nil)
}

// The spread's whole-chain lists fit three to an operation.
func TestWholeSpreadListsCannotBeRepeatedThroughAliases(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	id, _ := openCase(t, c, "扩散")
	q := func(n int) string {
		var b strings.Builder
		b.WriteString("query($id: ID!) {")
		for i := range n {
			fmt.Fprintf(&b, " a%d: incident(id: $id) { spread { nodes { key } } }", i)
		}
		return b.String() + " }"
	}
	c.Must(t, q(1), map[string]any{"id": id}, nil)
	if r := c.Do(t, q(4), map[string]any{"id": id}); r.Code() != "INVALID_INPUT" || r.Errors[0].Extensions["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("four whole node lists: %+v", r.Errors)
	}
}
