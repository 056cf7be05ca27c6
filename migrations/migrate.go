// Package migrations holds Leaktrail's SQL schema changes, embedded in the
// binary and applied in name order, each in its own transaction, under a
// PostgreSQL advisory lock so concurrent starts apply each one exactly once.
package migrations

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

//go:embed *.sql
var files embed.FS

// lockKey is the advisory lock that serialises migration runs ("leaktrail" in ASCII, truncated).
const lockKey = 0x6c65616b747261

// Migration is one embedded SQL file.
type Migration struct {
	Name string
	SQL  string
}

// Status is a migration and when it was applied (zero when pending).
type Status struct {
	Name      string
	AppliedAt time.Time
}

// All returns the embedded migrations in the order they apply.
func All() []Migration {
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		panic(err) // the pattern is a constant
	}
	sort.Strings(names)
	out := make([]Migration, len(names))
	for i, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			panic(err) // embedded files are always readable
		}
		out[i] = Migration{Name: strings.TrimSuffix(n, ".sql"), SQL: string(b)}
	}
	return out
}

// Fingerprint identifies the set of migrations, so a test template database
// built from them can be reused until they change.
func Fingerprint() string {
	h := sha256.New()
	for _, m := range All() {
		fmt.Fprintf(h, "%s\x00%s\x00", m.Name, m.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

const createTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	name       text PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// Up applies every pending migration and returns the names it applied.
func Up(ctx context.Context, db *sqlx.DB) ([]string, error) {
	conn, err := db.Connx(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return nil, fmt.Errorf("take migration lock: %w", err)
	}
	// A fresh context: the lock must be released even when ctx was cancelled.
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, lockKey) //nolint:errcheck

	if _, err := conn.ExecContext(ctx, createTable); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := appliedNames(ctx, conn)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, m := range All() {
		if _, ok := applied[m.Name]; ok {
			continue
		}
		if err := apply(ctx, conn, m); err != nil {
			return done, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		done = append(done, m.Name)
	}
	return done, nil
}

func apply(ctx context.Context, conn *sqlx.Conn, m Migration) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, m.Name); err != nil {
		return err
	}
	return tx.Commit()
}

func appliedNames(ctx context.Context, q sqlx.QueryerContext) (map[string]time.Time, error) {
	var rows []struct {
		Name      string    `db:"name"`
		AppliedAt time.Time `db:"applied_at"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT name, applied_at FROM schema_migrations`); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Name] = r.AppliedAt
	}
	return out, nil
}

// StatusOf lists every embedded migration with when it was applied.
func StatusOf(ctx context.Context, db *sqlx.DB) ([]Status, error) {
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT to_regclass('schema_migrations') IS NOT NULL`); err != nil {
		return nil, err
	}
	applied := map[string]time.Time{}
	if exists {
		var err error
		if applied, err = appliedNames(ctx, db); err != nil {
			return nil, err
		}
	}
	all := All()
	out := make([]Status, len(all))
	for i, m := range all {
		out[i] = Status{Name: m.Name, AppliedAt: applied[m.Name]}
	}
	return out, nil
}
