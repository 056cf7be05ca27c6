package database_test

import (
	"context"
	"testing"

	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/internal/testdb"
)

// An advisory lock is held by one session at a time; releasing it, even
// after the caller's context has ended, frees it and its connection.
func TestTryAdvisoryLockIsHeldOnce(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	const key = 0x4c54_7e57
	release, held, err := database.TryAdvisoryLock(ctx, db, key)
	if err != nil || !held {
		t.Fatalf("a free lock: held %v, %v", held, err)
	}
	if again, held, err := database.TryAdvisoryLock(context.Background(), db, key); err != nil || held || again != nil {
		t.Fatalf("a held lock was taken again: held %v, %v", held, err)
	}
	cancel()
	release()
	if db.Stats().InUse != 0 {
		t.Fatalf("%d connections still in use after release", db.Stats().InUse)
	}
	release, held, err = database.TryAdvisoryLock(context.Background(), db, key)
	if err != nil || !held {
		t.Fatalf("a released lock: held %v, %v", held, err)
	}
	release()
}
