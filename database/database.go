// Package database opens PostgreSQL and holds what every store shares: the
// executor interface, the transaction helper, the advisory lock that keeps a
// job to one instance, and the one function that turns database errors into
// application errors.
package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/apperr"
)

// Executor runs statements: a *sqlx.DB or a *sqlx.Tx, so a store method works
// inside or outside a transaction.
type Executor interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

var (
	_ Executor = (*sqlx.DB)(nil)
	_ Executor = (*sqlx.Tx)(nil)
)

// Scanner is a row to scan: *sql.Rows or *sql.Row (and their sqlx kin).
type Scanner interface{ Scan(...any) error }

// QueryAll runs a query and returns what scan makes of each row.
func QueryAll[T any](ctx context.Context, ex Executor, scan func(Scanner) (*T, error), query string, args ...any) ([]*T, error) {
	rows, err := ex.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Open connects to the database at dsn (a postgres:// URL or key=value string),
// adding a connect timeout when the DSN has none, and checks it is reachable.
func Open(ctx context.Context, dsn string) (*sqlx.DB, error) {
	dsn = withConnectTimeout(dsn, 5)
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %w", Redact(dsn), err)
	}
	return db, nil
}

func withConnectTimeout(dsn string, seconds int) string {
	if strings.Contains(dsn, "connect_timeout") {
		return dsn
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return fmt.Sprintf("%s%sconnect_timeout=%d", dsn, sep, seconds)
	}
	return fmt.Sprintf("%s connect_timeout=%d", dsn, seconds)
}

// Redact returns dsn without its password, for messages.
func Redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return u.String()
	}
	var parts []string
	for _, p := range strings.Fields(dsn) {
		if strings.HasPrefix(p, "password=") {
			p = "password=xxxxx"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

// CommitHook joins the transactions run by WithTx under a context: each
// writes its own rows before the commit, in the same transaction, and learns
// of the commit (e.g. an idempotency key claimed with the change it guards).
type CommitHook interface {
	BeforeCommit(ctx context.Context, tx *sqlx.Tx) error
	Committed()
}

type commitHookKey struct{}

// WithCommitHook returns ctx whose WithTx transactions run h.
func WithCommitHook(ctx context.Context, h CommitHook) context.Context {
	return context.WithValue(ctx, commitHookKey{}, h)
}

// WithTx runs fn in a transaction, committing when it returns nil. Errors are
// passed through MapError.
func WithTx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return MapError(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return MapError(err)
	}
	hook, _ := ctx.Value(commitHookKey{}).(CommitHook)
	if hook != nil {
		if err := hook.BeforeCommit(ctx, tx); err != nil {
			return MapError(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return MapError(err)
	}
	if hook != nil {
		hook.Committed()
	}
	return nil
}

// ReadSnapshot runs fn's reads in one read-only transaction that sees the
// database as it was at its first statement: reads that must agree with
// each other (a list and its count) then do, whatever commits meanwhile.
func ReadSnapshot(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return MapError(err)
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to keep
	return MapError(fn(tx))
}

// constraintErrors maps constraint names to the client error they mean. It is
// the one place a database refusal becomes a field error.
var constraintErrors = map[string]*apperr.Error{
	"users_username_key":                       apperr.Invalid("username", "that username is taken"),
	"users_username_format":                    apperr.Invalid("username", "a username is 2–64 lowercase letters, digits, '.', '_' or '-'"),
	"users_roles_valid":                        apperr.Invalid("roles", "at least one known role is required"),
	"users_locale_valid":                       apperr.Invalid("locale", "the locale must be zh-CN, zh-TW or en"),
	"incidents_title_present":                  apperr.Invalid("title", "the title must not be empty"),
	"incidents_leaked_item_present":            apperr.Invalid("leakedItem", "say what leaked"),
	"incidents_reported_by_present":            apperr.Invalid("reportedBy", "say who reported the leak"),
	"incidents_lead_id_fkey":                   apperr.Invalid("leadId", "no user has that id"),
	"tasks_assignee_id_fkey":                   apperr.Invalid("assigneeId", "no user has that id"),
	"tasks_title_present":                      apperr.Invalid("title", "the title must not be empty"),
	"tasks_incident_id_fkey":                   apperr.Hidden(),
	"containment_actions_incident_id_fkey":     apperr.Hidden(),
	"authority_notifications_incident_id_fkey": apperr.Hidden(),
	"containment_actions_description_present":  apperr.Invalid("description", "describe the action"),
	"idempotency_keys_pkey": apperr.Errorf(apperr.Conflict,
		"another request with this Idempotency-Key is being carried out or was carried out: read the current state"),
}

var errUnreachable = apperr.Errorf(apperr.Unavailable,
	"the database did not answer; a change may or may not have been saved: retry with the same Idempotency-Key")

// Unreachable reports whether err means the database could not be reached or
// went away during a statement (a restart, a failover, the network): nothing
// the client did, and worth a retry.
func Unreachable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		// 08: connection exception; 57P01-03: shut down by an administrator, crash, or starting up.
		return pqErr.Code.Class() == "08" || pqErr.Code == "57P01" || pqErr.Code == "57P02" || pqErr.Code == "57P03"
	}
	var netErr *net.OpError
	return errors.As(err, &netErr)
}

// MapError turns a PostgreSQL error into an application error where the
// failure is the client's (a constraint the input broke, a malformed value);
// anything else is returned unchanged and so reported as INTERNAL.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := apperr.As(err); ok {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Hidden()
	}
	if Unreachable(err) {
		return errUnreachable
	}
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return err
	}
	if e, ok := constraintErrors[pqErr.Constraint]; ok {
		return e
	}
	switch pqErr.Code.Class() {
	case "22": // data exception: a value the column cannot hold
		return apperr.Errorf(apperr.InvalidInput, "a value is out of range or malformed")
	case "40": // serialization failure or deadlock: the client may retry
		return apperr.Errorf(apperr.Conflict, "a concurrent change interfered; try again")
	}
	return err
}
