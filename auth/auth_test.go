package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testdb"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("密码 correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "correct") {
		t.Fatalf("hash %q", h)
	}
	h2, _ := auth.HashPassword("密码 correct horse")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"密码 correct horse": true, "密码 correct horsE": false, "": false} {
		if got := auth.CheckPassword(h, pw); got != want {
			t.Errorf("CheckPassword(%q) = %v", pw, got)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=x$a$b", "$bcrypt$whatever$$$$"} {
		if auth.CheckPassword(bad, "x") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestNewUserNormalize(t *testing.T) {
	t.Parallel()
	ok := auth.NewUser{Username: " Wang.Li ", Password: "ten chars!", Roles: []auth.Role{auth.Responder, auth.Responder}}
	n, err := ok.Normalize()
	if err != nil || n.Username != "wang.li" || n.DisplayName != "wang.li" || len(n.Roles) != 1 || n.Locale != "zh-CN" {
		t.Fatalf("%+v %v", n, err)
	}
	for _, tt := range []struct {
		name  string
		edit  func(*auth.NewUser)
		field string
	}{
		{"short username", func(n *auth.NewUser) { n.Username = "a" }, "username"},
		{"spaces in username", func(n *auth.NewUser) { n.Username = "wang li" }, "username"},
		{"short password", func(n *auth.NewUser) { n.Password = "short" }, "password"},
		{"no roles", func(n *auth.NewUser) { n.Roles = nil }, "roles"},
		{"unknown role", func(n *auth.NewUser) { n.Roles = []auth.Role{"BOSS"} }, "roles"},
		{"unknown locale", func(n *auth.NewUser) { n.Locale = "fr" }, "locale"},
	} {
		in := ok
		tt.edit(&in)
		_, err := in.Normalize()
		if e, isApp := apperr.As(err); !isApp || e.Code != apperr.InvalidInput || e.Field != tt.field {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	svc := auth.NewService(db, time.Hour)
	u, err := svc.AddUser(ctx, auth.NewUser{Username: "zhao", Password: "a good password", Roles: []auth.Role{auth.Leadership}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddUser(ctx, auth.NewUser{Username: "ZHAO", Password: "a good password", Roles: []auth.Role{auth.Admin}}); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Fatalf("duplicate username: %v", err)
	}
	s, err := svc.Login(ctx, "zhao", "a good password")
	if err != nil || !strings.HasPrefix(s.Token, auth.TokenPrefix) || s.User.ID != u.ID {
		t.Fatalf("login: %+v %v", s, err)
	}
	got, err := svc.Authenticate(ctx, s.Token)
	if err != nil || got.ID != u.ID || !got.Has(auth.Leadership) {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	if _, err := svc.Authenticate(ctx, s.Token+"x"); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("forged token: %v", err)
	}
	other, _ := svc.Login(ctx, "zhao", "a good password")
	if _, err := db.Exec(`UPDATE sessions SET expires_at = created_at + interval '1 microsecond'`); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, other.Token); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("expired session accepted: %v", err)
	}
}
