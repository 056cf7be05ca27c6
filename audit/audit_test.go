package audit_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/migrations"
)

func appendN(t *testing.T, db *sqlx.DB, n int) {
	t.Helper()
	for i := range n {
		if err := audit.AppendNow(context.Background(), db, audit.Entry{ActorName: "sys", Action: "test.append",
			TargetType: "thing", TargetID: fmt.Sprint(i), Changes: map[string]any{"i": i, "名": "张某"}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainVerifies(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	v, err := audit.Verify(context.Background(), db)
	if err != nil || !v.OK || v.Checked != 0 {
		t.Fatalf("empty log: %+v %v", v, err)
	}
	appendN(t, db, 5)
	v, err = audit.Verify(context.Background(), db)
	if err != nil || !v.OK || v.Checked != 5 {
		t.Fatalf("%+v %v", v, err)
	}
}

// Concurrent appends still form one unbroken chain.
func TestConcurrentAppendsChain(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { appendN(t, db, 10) })
	}
	wg.Wait()
	v, err := audit.Verify(context.Background(), db)
	if err != nil || !v.OK || v.Checked != 80 {
		t.Fatalf("%+v %v", v, err)
	}
}

func TestAppendOnlyTriggerRefusesChanges(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	appendN(t, db, 2)
	for _, stmt := range []string{
		`UPDATE audit_log SET action = 'forged' WHERE seq = 1`,
		`DELETE FROM audit_log WHERE seq = 2`,
		`TRUNCATE audit_log`,
	} {
		if _, err := db.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", stmt, err)
		}
	}
}

// Tampering with any row in SQL (with the trigger bypassed, as a superuser
// could) is reported at exactly that row.
func TestVerifyFindsTamperedRow(t *testing.T) {
	t.Parallel()
	incident := uuid.New()
	tests := []struct {
		name   string
		tamper string
		seq    int64
	}{
		{"edited changes", `UPDATE audit_log SET changes = '{"i":3,"名":"李某"}' WHERE seq = 4`, 4},
		{"edited actor name", `UPDATE audit_log SET actor_name = 'someone' WHERE seq = 2`, 2},
		{"edited time", `UPDATE audit_log SET at = at - interval '1 hour' WHERE seq = 6`, 6},
		{"re-hashed row", `UPDATE audit_log SET action = 'forged', row_hash = sha256(row_hash) WHERE seq = 3`, 3},
		{"deleted row", `DELETE FROM audit_log WHERE seq = 5`, 5},
		{"pointed at an incident", fmt.Sprintf(`UPDATE audit_log SET target_id = '%s' WHERE seq = 1`, incident), 1},
		{"deleted last row", `DELETE FROM audit_log WHERE seq = 8`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := testdb.New(t)
			appendN(t, db, 8)
			tamper(t, db, tt.tamper)
			v, err := audit.Verify(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			if tt.seq == 0 {
				// Cutting the tail leaves a valid shorter chain: only an
				// external record of the last hash can tell. Verify still reads the count.
				if !v.OK || v.Checked != 7 {
					t.Fatalf("%+v", v)
				}
				return
			}
			if v.OK || v.FirstBrokenSeq != tt.seq {
				t.Fatalf("verify %+v, want broken at %d", v, tt.seq)
			}
		})
	}
}

// legacyHash is the hash of a row written before salts: sha256(prev_hash ||
// JSON array of its fields), written out here so the old form stays pinned.
func legacyHash(prev []byte, seq int64, at time.Time, actorName, action, targetType, targetID, changes string) []byte {
	b, _ := json.Marshal([]any{seq, at.UTC().Format(time.RFC3339Nano), "", actorName, action,
		targetType, targetID, "", "", "", changes})
	h := sha256.New()
	h.Write(prev)
	h.Write(b)
	return h.Sum(nil)
}

// insertLegacy writes n rows as Append did before salts, as a database
// migrated from then holds them (the salt column left at its default).
func insertLegacy(t *testing.T, db *sqlx.DB, n int) {
	t.Helper()
	prev := make([]byte, sha256.Size)
	at := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	for i := range n {
		seq, changes := int64(i+1), fmt.Sprintf(`{"i":%d}`, i)
		h := legacyHash(prev, seq, at, "sys", "test.legacy", "thing", fmt.Sprint(i), changes)
		db.MustExec(`INSERT INTO audit_log (seq, at, actor_name, action, target_type, target_id,
			request_id, remote_addr, changes, prev_hash, row_hash)
			VALUES ($1, $2, 'sys', 'test.legacy', 'thing', $3, '', '', $4, $5, $6)`, seq, at, fmt.Sprint(i), changes, prev, h)
		prev = h
	}
}

// Each new row has its own secret salt in its hash, so a reader shown the
// hash but not the changes cannot test guesses of them; rows from before
// salts still verify, and a chain may hold both.
func TestSaltedAndLegacyRowsVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		legacy, salted int
		tamper         string
		broken         int64 // 0: the chain verifies
	}{
		{name: "salted", salted: 4},
		{name: "legacy", legacy: 4},
		{name: "legacy then salted", legacy: 3, salted: 3},
		{name: "salted changes edited", legacy: 2, salted: 3, tamper: `UPDATE audit_log SET changes = '{"i":0,"名":"李某"}' WHERE seq = 4`, broken: 4},
		{name: "salt replaced", salted: 3, tamper: `UPDATE audit_log SET salt = substring(sha256(salt) for 16) WHERE seq = 2`, broken: 2},
		{name: "salt removed", salted: 3, tamper: `UPDATE audit_log SET salt = '' WHERE seq = 3`, broken: 3},
		{name: "legacy changes edited", legacy: 3, salted: 1, tamper: `UPDATE audit_log SET changes = '{"i":9}' WHERE seq = 2`, broken: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := testdb.New(t)
			insertLegacy(t, db, tt.legacy)
			appendN(t, db, tt.salted)
			if tt.tamper != "" {
				tamper(t, db, tt.tamper)
			}
			v, err := audit.Verify(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			if tt.broken == 0 && (!v.OK || v.Checked != int64(tt.legacy+tt.salted)) {
				t.Fatalf("%+v", v)
			}
			if tt.broken != 0 && (v.OK || v.FirstBrokenSeq != tt.broken) {
				t.Fatalf("verify %+v, want broken at %d", v, tt.broken)
			}
		})
	}
}

// A new row's hash cannot confirm a guess of its changes from what a reader
// sees: recomputed from every field but the salt, it does not match; and
// each row has a salt of its own.
func TestNewRowHashNeedsTheSalt(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	appendN(t, db, 3)
	rows, err := audit.List(context.Background(), db, nil, 0, 10)
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for _, r := range rows {
		guess := legacyHash(r.PrevHash, r.Seq, r.At, r.ActorName, r.Action, r.TargetType, r.TargetID, r.Changes)
		if bytes.Equal(guess, r.RowHash) {
			t.Fatalf("row %d: its hash confirms its changes without the salt", r.Seq)
		}
	}
	var salts [][]byte
	if err := db.Select(&salts, `SELECT salt FROM audit_log ORDER BY seq`); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range salts {
		if len(s) != 16 || seen[string(s)] {
			t.Fatalf("salts %x", salts)
		}
		seen[string(s)] = true
	}
}

// A database whose log was written before salts migrates without touching a
// row (the log refuses UPDATE) and still verifies, with new rows after.
func TestChainFromBeforeSaltsVerifiesAfterMigrating(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Empty(t)
	db.MustExec(`CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
	for _, m := range migrations.All() {
		if m.Name >= "0009" {
			break
		}
		db.MustExec(m.SQL)
		db.MustExec(`INSERT INTO schema_migrations (name) VALUES ($1)`, m.Name)
	}
	prev := make([]byte, sha256.Size)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 3 {
		seq, changes := int64(i+1), `{"to":"CONTAINMENT"}`
		h := legacyHash(prev, seq, at, "lead", "incident.advance", "incident", "x", changes)
		db.MustExec(`INSERT INTO audit_log (seq, at, actor_name, action, target_type, target_id,
			request_id, remote_addr, changes, prev_hash, row_hash)
			VALUES ($1, $2, 'lead', 'incident.advance', 'incident', 'x', '', '', $3, $4, $5)`, seq, at, changes, prev, h)
		prev = h
	}
	if applied, err := migrations.Up(ctx, db); err != nil || len(applied) != len(migrations.All())-8 {
		t.Fatalf("applied %v: %v", applied, err)
	}
	appendN(t, db, 2)
	v, err := audit.Verify(ctx, db)
	if err != nil || !v.OK || v.Checked != 5 {
		t.Fatalf("%+v %v", v, err)
	}
}

// tamper runs sql on the audit log past its triggers, as an intruder with
// the database's owner rights could.
func tamper(t *testing.T, db *sqlx.DB, sql string) {
	t.Helper()
	tx := db.MustBegin()
	tx.MustExec(`ALTER TABLE audit_log DISABLE TRIGGER USER`)
	tx.MustExec(sql)
	tx.MustExec(`ALTER TABLE audit_log ENABLE TRIGGER USER`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// Change commits a change with its entry, or neither: an error from the
// change rolls back what it wrote, and no entry is appended.
func TestChangeCommitsWithItsEntry(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE changed (n int)`); err != nil {
		t.Fatal(err)
	}
	change := func(n int, fail error) error {
		return audit.Change(ctx, db, func(tx *sqlx.Tx) (audit.Entry, error) {
			if _, err := tx.Exec(`INSERT INTO changed VALUES ($1)`, n); err != nil {
				return audit.Entry{}, err
			}
			return audit.Entry{ActorName: "sys", Action: "test.change", TargetType: "thing", TargetID: fmt.Sprint(n)}, fail
		})
	}
	refused := fmt.Errorf("refused")
	if err := change(1, nil); err != nil {
		t.Fatal(err)
	}
	if err := change(2, refused); err != refused {
		t.Fatalf("change: %v", err)
	}
	var rows []int
	if err := db.Select(&rows, `SELECT n FROM changed`); err != nil || len(rows) != 1 || rows[0] != 1 {
		t.Fatalf("rows %v %v", rows, err)
	}
	entries, err := audit.List(ctx, db, nil, 0, 10)
	if err != nil || len(entries) != 1 || entries[0].TargetID != "1" || entries[0].Action != "test.change" {
		t.Fatalf("entries %+v %v", entries, err)
	}
}
