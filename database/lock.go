package database

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// TryAdvisoryLock takes PostgreSQL's session advisory lock key on a
// connection of its own unless another session holds it, so that work is
// done by one instance at a time. When held, release unlocks it and returns
// the connection; a process that dies first loses the lock with its session.
func TryAdvisoryLock(ctx context.Context, db *sqlx.DB, key int64) (release func(), held bool, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&held); err != nil || !held {
		conn.Close()
		return nil, false, err
	}
	return func() {
		// Unlocked even when ctx has ended: the connection goes back to the pool.
		conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key) //nolint:errcheck // the session ends anyway
		conn.Close()
	}, true, nil
}
