package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

func TestSignInRateLimits(t *testing.T) {
	t.Parallel()
	m, _ := start(t)
	anon := &testgql.Client{URL: m.URL()}
	login := func(user, pw string) testgql.Response {
		return anon.Do(t, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
			map[string]any{"u": user, "p": pw})
	}
	for i := range 5 {
		if r := login("resp", "wrong password "+string(rune('a'+i))); r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("attempt %d: %+v", i, r.Errors)
		}
	}
	// Locked for a while even with the right password, with a clear error.
	r := login("resp", password)
	if r.Code() != "RATE_LIMITED" || r.Errors[0].Extensions["retryAfterSeconds"].(float64) <= 0 {
		t.Fatalf("after 5 failures: %+v", r.Errors)
	}
	// Unknown usernames are limited the same way, so the limit reveals nothing.
	for range 5 {
		login("nobody", "wrong password")
	}
	if r := login("nobody", "wrong password"); r.Code() != "RATE_LIMITED" {
		t.Fatalf("unknown user: %+v", r.Errors)
	}
	// Per address: many usernames from one address are stopped too.
	for i := range 12 {
		login("guess"+string(rune('a'+i)), "wrong password")
	}
	if r := login("freshname", "wrong password"); r.Code() != "RATE_LIMITED" {
		t.Fatalf("address limit: %+v", r.Errors)
	}
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	var created struct {
		CreateApiToken struct {
			Token    string
			APIToken struct{ ID string }
		}
	}
	c.Must(t, `mutation { createApiToken(name: "export script") { token apiToken { id } } }`, nil, &created)
	tok := created.CreateApiToken.Token
	if !strings.HasPrefix(tok, auth.APITokenPrefix) {
		t.Fatalf("token %q", tok)
	}
	script := &testgql.Client{URL: m.URL(), Token: tok}
	var me struct{ Me struct{ Username string } }
	script.Must(t, `{ me { username } }`, nil, &me)
	if me.Me.Username != "resp" {
		t.Fatalf("token acts as %q", me.Me.Username)
	}
	// The secret is never shown again, only stored hashed.
	var listed struct {
		APITokens []struct {
			Name       string
			LastUsedAt *string
		}
	}
	c.Must(t, `{ apiTokens { name lastUsedAt } }`, nil, &listed)
	if len(listed.APITokens) != 1 || listed.APITokens[0].LastUsedAt == nil {
		t.Fatalf("tokens %+v", listed)
	}
	var stored int
	if err := m.DB.Get(&stored, `SELECT count(*) FROM api_tokens WHERE position($1 in encode(token_hash, 'escape')) > 0`, tok); err != nil || stored != 0 {
		t.Fatalf("secret stored in clear: %d %v", stored, err)
	}
	for _, bad := range []string{`mutation { createApiToken(name: " ") { token } }`,
		`mutation { createApiToken(name: "x", expiresAt: "2020-01-01T00:00:00Z") { token } }`,
		`mutation { createApiToken(name: "x", expiresAt: "2999-01-01T00:00:00Z") { token } }`} {
		if r := c.Do(t, bad, nil); r.Code() != "INVALID_INPUT" {
			t.Fatalf("%s: %+v", bad, r.Errors)
		}
	}
	c.Must(t, `mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, map[string]any{"id": created.CreateApiToken.APIToken.ID}, nil)
	if r := script.Do(t, `{ incidents { totalCount } }`, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("revoked token: %+v", r.Errors)
	}
	// Tokens die with their user.
	c.Must(t, `mutation { createApiToken(name: "second") { token } }`, nil, &created)
	script.Token = created.CreateApiToken.Token
	admin, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "root", Password: password, Roles: []auth.Role{auth.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	var resp struct{ Me struct{ ID string } }
	c.Must(t, `{ me { id } }`, nil, &resp)
	if _, err := m.Auth.SetDisabled(auth.WithUser(context.Background(), admin), mustUUID(t, resp.Me.ID), true); err != nil {
		t.Fatal(err)
	}
	if r := script.Do(t, `{ incidents { totalCount } }`, nil); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("token of a disabled user: %+v", r.Errors)
	}
}

// An admin's password reset ends the user's sessions and tokens; the new
// password signs in. Non-admins, short passwords and the admin's own
// account are refused.
func TestResetUserPassword(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	var created struct{ CreateApiToken struct{ Token string } }
	c.Must(t, `mutation { createApiToken(name: "export script") { token } }`, nil, &created)
	script := &testgql.Client{URL: m.URL(), Token: created.CreateApiToken.Token}
	var me struct{ Me struct{ ID string } }
	c.Must(t, `{ me { id } }`, nil, &me)
	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "root", Password: password, Roles: []auth.Role{auth.Admin}}); err != nil {
		t.Fatal(err)
	}
	admin := &testgql.Client{URL: m.URL()}
	admin.Login(t, "root", password)
	const reset = `mutation($id: ID!, $p: String!) { resetUserPassword(id: $id, password: $p) { username disabled } }`
	const newPassword = "a fresh password 42"

	if r := c.Do(t, reset, map[string]any{"id": me.Me.ID, "p": newPassword}); r.Code() != "FORBIDDEN" {
		t.Fatalf("non-admin: %+v", r.Errors)
	}
	if r := admin.Do(t, reset, map[string]any{"id": me.Me.ID, "p": "short"}); r.Code() != "INVALID_INPUT" {
		t.Fatalf("short password: %+v", r.Errors)
	}
	var rootMe struct{ Me struct{ ID string } }
	admin.Must(t, `{ me { id } }`, nil, &rootMe)
	if r := admin.Do(t, reset, map[string]any{"id": rootMe.Me.ID, "p": newPassword}); r.Code() != "INVALID_INPUT" {
		t.Fatalf("own password: %+v", r.Errors)
	}
	// Still signed in: the refused attempts changed nothing.
	c.Must(t, `{ me { id } }`, nil, nil)

	admin.Must(t, reset, map[string]any{"id": me.Me.ID, "p": newPassword}, nil)
	for name, cl := range map[string]*testgql.Client{"session": c, "token": script} {
		if r := cl.Do(t, `{ incidents { totalCount } }`, nil); r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("%s after the reset: %+v", name, r.Errors)
		}
	}
	fresh := &testgql.Client{URL: m.URL()}
	if r := fresh.Do(t, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": "resp", "p": password}); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("old password: %+v", r.Errors)
	}
	fresh.Login(t, "resp", newPassword)
	var audit struct {
		AuditLog struct {
			Entries []struct{ Action, TargetID string }
		}
	}
	admin.Must(t, `{ auditLog(first: 200) { entries { action targetId } } }`, nil, &audit)
	found := false
	for _, e := range audit.AuditLog.Entries {
		found = found || (e.Action == "user.password_reset" && e.TargetID == me.Me.ID)
	}
	if !found {
		t.Fatal("the reset is not audited")
	}
}

// Everyone changes their own password, given the current one; it ends every
// session and token of theirs, and a wrong current password is told apart.
func TestChangeMyPassword(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	var created struct{ CreateApiToken struct{ Token string } }
	c.Must(t, `mutation { createApiToken(name: "export script") { token } }`, nil, &created)
	script := &testgql.Client{URL: m.URL(), Token: created.CreateApiToken.Token}
	const change = `mutation($c: String!, $p: String!) { changeMyPassword(currentPassword: $c, password: $p) }`
	const newPassword = "a fresh password 42"
	for _, bad := range []struct{ current, next, field string }{
		{"not my password", newPassword, "currentPassword"},
		{password, "short", "password"},
		{password, password, "password"},
	} {
		r := c.Do(t, change, map[string]any{"c": bad.current, "p": bad.next})
		if r.Code() != "INVALID_INPUT" || r.Errors[0].Extensions["field"] != bad.field {
			t.Fatalf("%+v: %+v", bad, r.Errors)
		}
	}
	// Still signed in: the refused attempts changed nothing.
	c.Must(t, `{ me { id } }`, nil, nil)
	var changed struct{ ChangeMyPassword bool }
	c.Must(t, change, map[string]any{"c": password, "p": newPassword}, &changed)
	if !changed.ChangeMyPassword {
		t.Fatal("changeMyPassword answered false")
	}
	for name, cl := range map[string]*testgql.Client{"session": c, "token": script} {
		if r := cl.Do(t, `{ incidents { totalCount } }`, nil); r.Code() != "UNAUTHENTICATED" {
			t.Fatalf("%s after the change: %+v", name, r.Errors)
		}
	}
	fresh := &testgql.Client{URL: m.URL()}
	if r := fresh.Do(t, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": "resp", "p": password}); r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("old password: %+v", r.Errors)
	}
	fresh.Login(t, "resp", newPassword)
	var n int
	if err := m.DB.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'user.password_changed'`); err != nil || n != 1 {
		t.Fatalf("audited %d times: %v", n, err)
	}
}

// A websocket from another site's page is refused at the handshake.
func TestWebsocketChecksOrigin(t *testing.T) {
	t.Parallel()
	m, _ := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(m.URL(), "http") + "/graphql"
	_, resp, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   http.Header{"Origin": {"https://evil.example"}},
	})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin websocket: %v %v", err, resp)
	}
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   http.Header{"Origin": {m.URL()}},
	})
	if err != nil {
		t.Fatalf("same-origin websocket: %v", err)
	}
	conn.Close(websocket.StatusNormalClosure, "")
}
