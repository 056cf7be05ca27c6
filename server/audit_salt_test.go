package server_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// The audit rows' salts stay in the database: no answer that shows audit
// entries (a case's trail, the whole log, the chain check) carries a salt
// field or any row's salt in a usual encoding, else the hashes would again
// confirm guesses of withheld changes.
func TestAuditAnswersNeverCarryTheSalt(t *testing.T) {
	t.Parallel()
	m, lead := start(t)
	id, _ := openCase(t, lead, "盐值不外泄")
	member(t, m, lead, id, "observer", "OBSERVER")
	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "root", Password: password,
		Roles: []auth.Role{auth.Admin}}); err != nil {
		t.Fatal(err)
	}
	admin := &testgql.Client{URL: m.URL()}
	admin.Login(t, "root", password)

	var salts [][]byte
	if err := m.DB.Select(&salts, `SELECT salt FROM audit_log WHERE length(salt) > 0`); err != nil {
		t.Fatal(err)
	}
	if len(salts) == 0 {
		t.Fatal("no salted audit rows")
	}
	schema := loadSchema(t)
	for _, f := range schema.Types["AuditEntry"].Fields {
		if strings.Contains(strings.ToLower(f.Name), "salt") {
			t.Fatalf("AuditEntry.%s", f.Name)
		}
	}
	entry := selection(schema, "AuditEntry", 2, nil) // every field, so one added later is read too
	answers := map[string]string{}
	for name, q := range map[string]struct {
		c     *testgql.Client
		query string
		vars  map[string]any
	}{
		"Incident.auditLog": {lead, `query($id: ID!) { incident(id: $id) { auditLog(first: 200) { entries ` + entry + ` nextAfter } } }`, map[string]any{"id": id}},
		"auditLog":          {admin, `{ auditLog(first: 200) { entries ` + entry + ` nextAfter } }`, nil},
		"auditVerify":       {admin, `{ auditVerify { ok checked firstBrokenSeq reason headHash } }`, nil},
	} {
		r := q.c.Do(t, q.query, q.vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", name, r.Errors)
		}
		answers[name] = string(r.Data)
	}
	if !strings.Contains(answers["auditLog"], "member.put") || !strings.Contains(answers["Incident.auditLog"], "incident.open") {
		t.Fatalf("the trails miss entries: %s", answers)
	}
	for name, a := range answers {
		if strings.Contains(strings.ToLower(a), "salt") {
			t.Errorf("%s names a salt: %s", name, a)
		}
		for _, s := range salts {
			for _, enc := range []string{hex.EncodeToString(s), base64.StdEncoding.EncodeToString(s),
				base64.RawURLEncoding.EncodeToString(s), base64.RawStdEncoding.EncodeToString(s)} {
				if strings.Contains(a, enc) {
					t.Errorf("%s carries a row's salt %s", name, enc)
				}
			}
		}
	}
}
