// Package testdb gives each test its own PostgreSQL database, cloned from a
// template database that is migrated once per set of migrations, so a test
// starts from a clean schema in tens of milliseconds.
//
// It also hands each test a bucket of its own on the test MinIO. It needs
// LEAKTRAIL_TEST_DATABASE_URL (a superuser DSN) and LEAKTRAIL_TEST_S3_*,
// which `make test` sets.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/migrations"
	"github.com/leaktrail/leaktrail/objstore"
)

// EnvURL names the variable holding the superuser DSN.
const EnvURL = "LEAKTRAIL_TEST_DATABASE_URL"

var (
	templateOnce sync.Once
	templateErr  error
)

func templateName() string { return "lt_tmpl_" + migrations.Fingerprint() }

// AdminURL returns the superuser DSN, failing the test when it is not set.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Fatalf("%s is not set: run the tests with `make test`, which starts PostgreSQL", EnvURL)
	}
	return u
}

// withDatabase returns dsn pointing at database name.
func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(err) // AdminURL is a URL made by the test command
	}
	u.Path = "/" + name
	return u.String()
}

// ensureTemplate creates and migrates the template database once per
// migration set; an advisory lock keeps parallel test binaries from racing.
func ensureTemplate(ctx context.Context, adminURL string) error {
	admin, err := sqlx.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	conn, err := admin.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7411)`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7411)`) //nolint:errcheck
	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, templateName()); err != nil {
		return err
	}
	if exists {
		return nil
	}
	building := templateName() + "_building"
	conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building) //nolint:errcheck // leftover of a crashed run
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
		return err
	}
	db, err := sqlx.Open("postgres", withDatabase(adminURL, building))
	if err != nil {
		return err
	}
	_, err = migrations.Up(ctx, db)
	db.Close()
	if err != nil {
		return fmt.Errorf("migrate the template: %w", err)
	}
	// Renamed only once complete, so a half-built template is never cloned.
	_, err = conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+templateName())
	return err
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b) //nolint:errcheck
	return prefix + hex.EncodeToString(b)
}

// NewURL creates a fresh migrated database for t and returns its DSN. The
// database is dropped when the test ends.
func NewURL(t testing.TB) string {
	t.Helper()
	adminURL := AdminURL(t)
	ctx := context.Background()
	templateOnce.Do(func() { templateErr = ensureTemplate(ctx, adminURL) })
	if templateErr != nil {
		t.Fatalf("template database: %v", templateErr)
	}
	admin, err := sqlx.Open("postgres", adminURL)
	if err != nil {
		t.Fatal(err)
	}
	name := randomName("lt_t_")
	for attempt := 0; ; attempt++ {
		_, err = admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+templateName())
		var pqErr *pq.Error
		// 55006: the template is briefly in use by another clone; retry.
		if err == nil || !errors.As(err, &pqErr) || pqErr.Code != "55006" || attempt == 50 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(adminURL, name)
}

// New returns a connection pool to a fresh migrated database for t.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() }) // runs before the drop, which was registered first
	return db
}

// EmptyURL creates a database with no schema at all, for migration tests, and
// returns its DSN. The database is dropped when the test ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	adminURL := AdminURL(t)
	admin, err := sqlx.Open("postgres", adminURL)
	if err != nil {
		t.Fatal(err)
	}
	name := randomName("lt_e_")
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(adminURL, name)
}

// Empty returns a connection pool to a database with no schema at all.
func Empty(t testing.TB) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// ObjectStore returns the test MinIO with a bucket of its own for t (created
// by objstore.Open), failing the test when the test command did not start MinIO.
func ObjectStore(t testing.TB) objstore.Config {
	t.Helper()
	endpoint := os.Getenv("LEAKTRAIL_TEST_S3_ENDPOINT")
	if endpoint == "" {
		t.Fatal("LEAKTRAIL_TEST_S3_ENDPOINT is not set: run the tests with `make test`, which starts MinIO")
	}
	return objstore.Config{Endpoint: endpoint, AccessKey: os.Getenv("LEAKTRAIL_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("LEAKTRAIL_TEST_S3_SECRET_KEY"), Bucket: strings.ReplaceAll(randomName("lt-"), "_", "-")}
}
