package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
)

// openSocket opens a graphql-transport-ws connection signed in with token,
// sent in the init payload, or, with viaCookie, as the browser does: by the
// session cookie of the upgrade request.
func openSocket(t *testing.T, ctx context.Context, m *server.Main, token string, viaCookie bool) *websocket.Conn {
	t.Helper()
	opts := &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}}
	payload := map[string]any{"authorization": "Bearer " + token}
	if viaCookie {
		opts.HTTPHeader = http.Header{"Cookie": {auth.CookieName + "=" + token}}
		payload = map[string]any{}
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(m.URL(), "http")+"/graphql", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": payload}); err != nil {
		t.Fatal(err)
	}
	var ack struct{ Type string }
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("init answered %q %v", ack.Type, err)
	}
	return conn
}

type socketMessage struct {
	ID      string
	Type    string
	Payload json.RawMessage
}

// operate runs one operation over conn and returns its first answer; a
// closed socket is an error.
func operate(ctx context.Context, conn *websocket.Conn, id, query string, vars map[string]any) (socketMessage, error) {
	if err := wsjson.Write(ctx, conn, map[string]any{"id": id, "type": "subscribe",
		"payload": map[string]any{"query": query, "variables": vars}}); err != nil {
		return socketMessage{}, err
	}
	for {
		var msg socketMessage
		if err := wsjson.Read(ctx, conn, &msg); err != nil {
			return msg, err
		}
		if msg.ID == id {
			return msg, nil
		}
	}
}

// closes waits for the server to close conn, skipping pings and answers.
func closes(t *testing.T, conn *websocket.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, _, err := conn.Read(ctx)
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			t.Fatal("the socket is still open")
		}
		if err != nil {
			return
		}
	}
}

func createToken(t *testing.T, c *testgql.Client, expiresAt string) (token, expires string) {
	t.Helper()
	var out struct {
		CreateApiToken struct {
			Token    string
			APIToken struct{ ExpiresAt string }
		}
	}
	vars := map[string]any{}
	if expiresAt != "" {
		vars["e"] = expiresAt
	}
	c.Must(t, `mutation($e: Time) { createApiToken(name: "live script", expiresAt: $e) { token apiToken { expiresAt } } }`, vars, &out)
	return out.CreateApiToken.Token, out.CreateApiToken.APIToken.ExpiresAt
}

const (
	meQuery = `{ me { username } }`
	addTask = `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "经由长连接"}) { id } }`
)

// A websocket acts only while its session or token lives: it is closed the
// moment the token is revoked, the session ends or the user is disabled, and
// an operation on it re-checks the credential first.
func TestSocketEndsWithItsCredential(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "长连接会话")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Revoking a token closes the socket signed in with it, on every instance.
	second := server.NewMain(m.Config, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := second.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	tok, _ := createToken(t, c, "")
	conn := openSocket(t, ctx, second, tok, false)
	if msg, err := operate(ctx, conn, "1", addTask, map[string]any{"id": id}); err != nil || msg.Type != "next" ||
		!strings.Contains(string(msg.Payload), `"addTask"`) {
		t.Fatalf("addTask over the socket: %v %s %s", err, msg.Type, msg.Payload)
	}
	var tokens struct{ APITokens []struct{ ID string } }
	c.Must(t, `{ apiTokens { id } }`, nil, &tokens)
	c.Must(t, `mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, map[string]any{"id": tokens.APITokens[0].ID}, nil)
	closes(t, conn)

	// A credential that ends unannounced (here: expired in the database) is
	// caught by the next operation, which fails and closes the socket.
	tok, _ = createToken(t, c, "")
	conn = openSocket(t, ctx, m, tok, false)
	if _, err := m.DB.Exec(`UPDATE api_tokens SET expires_at = now() WHERE revoked_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	msg, err := operate(ctx, conn, "2", addTask, map[string]any{"id": id})
	if err != nil || !strings.Contains(string(msg.Payload), `"code":"UNAUTHENTICATED"`) {
		t.Fatalf("addTask with an ended token: %v %s %s", err, msg.Type, msg.Payload)
	}
	closes(t, conn)
	var added int
	if err := m.DB.Get(&added, `SELECT count(*) FROM tasks WHERE title = '经由长连接'`); err != nil || added != 1 {
		t.Fatalf("%d tasks added over sockets (want the first only): %v", added, err)
	}

	// A token closes its socket when it expires.
	tok, _ = createToken(t, c, time.Now().Add(3*time.Second).UTC().Format(time.RFC3339Nano))
	conn = openSocket(t, ctx, m, tok, false)
	if msg, err := operate(ctx, conn, "3", meQuery, nil); err != nil || !strings.Contains(string(msg.Payload), `"resp"`) {
		t.Fatalf("me over the socket: %v %s", err, msg.Payload)
	}
	closes(t, conn)

	// Signing out closes the browser's socket, signed in by the cookie.
	member := tokenFor(t, m, "browser")
	conn = openSocket(t, ctx, m, member, true)
	if msg, err := operate(ctx, conn, "4", meQuery, nil); err != nil || !strings.Contains(string(msg.Payload), `"browser"`) {
		t.Fatalf("me over the cookie socket: %v %s", err, msg.Payload)
	}
	(&testgql.Client{URL: m.URL(), Token: member}).Must(t, `mutation { logout }`, nil, nil)
	closes(t, conn)

	// Disabling a user closes their sockets.
	member = tokenFor(t, m, "disabled")
	conn = openSocket(t, ctx, m, member, false)
	var me struct{ Me struct{ ID string } }
	(&testgql.Client{URL: m.URL(), Token: member}).Must(t, `{ me { id } }`, nil, &me)
	admin, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "root", Password: password, Roles: []auth.Role{auth.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Auth.SetDisabled(auth.WithUser(context.Background(), admin), mustUUID(t, me.Me.ID), true); err != nil {
		t.Fatal(err)
	}
	closes(t, conn)
}

// A member taken off a case stops receiving its changes at once.
func TestRemovedMemberSubscriptionEnds(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "成员移除")
	member := tokenFor(t, m, "member")
	var me struct{ Me struct{ ID string } }
	memberClient := &testgql.Client{URL: m.URL(), Token: member}
	memberClient.Must(t, `{ me { id } }`, nil, &me)
	c.Must(t, `mutation($i: ID!, $u: ID!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: OBSERVER) { caseRole } }`,
		map[string]any{"i": id, "u": me.Me.ID}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn := subscribe(t, ctx, m.URL(), member, id)
	time.Sleep(200 * time.Millisecond) // the subscription is registered
	c.Must(t, `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "成员可见"}) { id } }`, map[string]any{"id": id}, nil)
	// Notices of the case's opening and of the member's joining may still be on their way.
	got := next(t, ctx, conn)
	for got == "incident.open" || got == "member.put" {
		got = next(t, ctx, conn)
	}
	if got != "task.add" {
		t.Fatalf("a member got %q", got)
	}

	c.Must(t, `mutation($i: ID!, $u: ID!) { removeIncidentMember(incidentId: $i, userId: $u) }`,
		map[string]any{"i": id, "u": me.Me.ID}, nil)
	c.Must(t, `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "成员不可见"}) { id } }`, map[string]any{"id": id}, nil)
	for {
		var msg socketMessage
		if err := wsjson.Read(ctx, conn, &msg); err != nil {
			t.Fatalf("waiting for the subscription to end: %v", err)
		}
		if msg.Type == "complete" {
			break
		}
		if msg.Type != "ping" && msg.Type != "pong" {
			t.Fatalf("a removed member received %s %s", msg.Type, msg.Payload)
		}
	}
}

// A token cannot make a token that outlives it, and signing out with a token
// revokes it.
func TestTokensEndWithTheirParent(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	parentExpiry := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	parent, _ := createToken(t, c, parentExpiry.Format(time.RFC3339))
	script := &testgql.Client{URL: m.URL(), Token: parent}

	// By default a child ends with its parent; asking for longer is refused.
	_, childExpiry := createToken(t, script, "")
	if got, err := time.Parse(time.RFC3339Nano, childExpiry); err != nil || got.After(parentExpiry) {
		t.Fatalf("a child token expires at %s, after its parent (%s): %v", childExpiry, parentExpiry, err)
	}
	r := script.Do(t, `mutation($e: Time) { createApiToken(name: "longer", expiresAt: $e) { token } }`,
		map[string]any{"e": parentExpiry.Add(time.Minute).Format(time.RFC3339)})
	if r.Code() != "INVALID_INPUT" {
		t.Fatalf("a child asked to outlive its parent: %+v", r.Errors)
	}
	// A session (signed in with the password) still makes tokens of the usual lifetime.
	if _, exp := createToken(t, c, ""); exp < time.Now().Add(auth.DefaultTokenTTL-time.Hour).UTC().Format(time.RFC3339) {
		t.Fatalf("a session's token expires at %s", exp)
	}

	script.Must(t, `mutation { logout }`, nil, nil)
	if r := script.Do(t, `{ incidents { totalCount } }`, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("a token after logout: %+v", r.Errors)
	}
}

// Behind a TLS-terminating proxy the public URL says https: the cookie is Secure.
func TestSecureCookieFromPublicURL(t *testing.T) {
	t.Parallel()
	m, _ := startWith(t, func(cfg *server.Config) { cfg.PublicURL = "https://leaktrail.example.org" })
	r := (&testgql.Client{URL: m.URL()}).Do(t, `mutation($p: String!) { login(username: "resp", password: $p) { token } }`,
		map[string]any{"p": password})
	var secure bool
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		secure = secure || (ck.Name == auth.CookieName && ck.Secure)
	}
	if !secure {
		t.Fatalf("cookie without Secure: %v", r.Header.Values("Set-Cookie"))
	}
	for _, bad := range []string{"leaktrail.example.org", "ftp://leaktrail.example.org", "https://", "/leaktrail"} {
		cfg := m.Config
		cfg.PublicURL = bad
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "LEAKTRAIL_PUBLIC_URL") {
			t.Errorf("public URL %q: %v", bad, err)
		}
	}
}

// The profiler answers on its own loopback listener only when asked for,
// and a non-loopback address for it is refused.
func TestProfilerOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	m, _ := startWith(t, func(cfg *server.Config) { cfg.PprofListen = "127.0.0.1:0" })
	resp, err := http.Get(m.PprofURL() + "goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("profiler: %d", resp.StatusCode)
	}
	api, err := http.Get(m.URL() + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(api.Body)
	api.Body.Close()
	if bytes.Contains(page, []byte("profiles available")) {
		t.Fatal("the API's port serves the profiler")
	}
	for _, bad := range []string{"0.0.0.0:6060", ":6060", "10.0.0.1:6060", "6060"} {
		cfg := m.Config
		cfg.PprofListen = bad
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "LEAKTRAIL_PPROF_LISTEN") {
			t.Errorf("profiler address %q: %v", bad, err)
		}
	}
}

// Revoking a token revokes the tokens it made, and theirs, closing their
// sockets; so does signing out with it.
func TestRevokingATokenRevokesItsChildren(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var made struct {
		CreateApiToken struct {
			Token    string
			APIToken struct{ ID string }
		}
	}
	c.Must(t, `mutation { createApiToken(name: "parent") { token apiToken { id } } }`, nil, &made)
	parent := &testgql.Client{URL: m.URL(), Token: made.CreateApiToken.Token}
	childToken, _ := createToken(t, parent, "")
	child := &testgql.Client{URL: m.URL(), Token: childToken}
	grandchildToken, _ := createToken(t, child, "")
	grandchild := &testgql.Client{URL: m.URL(), Token: grandchildToken}
	conn := openSocket(t, ctx, m, grandchildToken, false)
	if msg, err := operate(ctx, conn, "1", meQuery, nil); err != nil || !strings.Contains(string(msg.Payload), `"resp"`) {
		t.Fatalf("me over the grandchild's socket: %v %s", err, msg.Payload)
	}

	c.Must(t, `mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, map[string]any{"id": made.CreateApiToken.APIToken.ID}, nil)
	for name, cl := range map[string]*testgql.Client{"parent": parent, "child": child, "grandchild": grandchild} {
		if r := cl.Do(t, `{ incidents { totalCount } }`, nil); r.Code() != "UNAUTHENTICATED" {
			t.Errorf("the %s after its ancestor's revocation: %+v", name, r.Errors)
		}
	}
	closes(t, conn)
	var audited int
	if err := m.DB.Get(&audited, `SELECT count(*) FROM audit_log a JOIN api_tokens t ON a.changes::jsonb->'children' ? t.id::text
		WHERE a.action = 'token.revoke' AND a.target_id = $1`, made.CreateApiToken.APIToken.ID); err != nil || audited != 2 {
		t.Fatalf("the revocation's audit lists %d descendants (want 2): %v", audited, err)
	}

	// Signing out with a token ends its children too.
	tok, _ := createToken(t, c, "")
	script := &testgql.Client{URL: m.URL(), Token: tok}
	childToken, _ = createToken(t, script, "")
	script.Must(t, `mutation { logout }`, nil, nil)
	if r := (&testgql.Client{URL: m.URL(), Token: childToken}).Do(t, `{ incidents { totalCount } }`, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("a child after its parent signed out: %+v", r.Errors)
	}
	// A revoked token makes no children.
	if r := script.Do(t, `mutation { createApiToken(name: "orphan") { token } }`, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("a revoked token made a token: %+v", r.Errors)
	}
}
