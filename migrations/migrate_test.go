package migrations_test

import (
	"context"
	"sync"
	"testing"

	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/migrations"
)

func TestUpTwiceIsClean(t *testing.T) {
	t.Parallel()
	db := testdb.Empty(t)
	ctx := context.Background()
	first, err := migrations.Up(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(migrations.All()) {
		t.Fatalf("applied %v, want all %d", first, len(migrations.All()))
	}
	second, err := migrations.Up(ctx, db)
	if err != nil || len(second) != 0 {
		t.Fatalf("second run applied %v, err %v", second, err)
	}
	status, err := migrations.StatusOf(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range status {
		if s.AppliedAt.IsZero() {
			t.Fatalf("%s reported pending after Up", s.Name)
		}
	}
}

func TestStatusOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	status, err := migrations.StatusOf(context.Background(), testdb.Empty(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range status {
		if !s.AppliedAt.IsZero() {
			t.Fatalf("%s applied on an empty database", s.Name)
		}
	}
}

// Concurrent starts (several servers at once) apply each migration exactly once.
func TestConcurrentUpAppliesOnce(t *testing.T) {
	t.Parallel()
	db := testdb.Empty(t)
	var wg sync.WaitGroup
	applied := make([][]string, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() { applied[i], errs[i] = migrations.Up(context.Background(), db) })
	}
	wg.Wait()
	total := 0
	for i := range 4 {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		total += len(applied[i])
	}
	if total != len(migrations.All()) {
		t.Fatalf("migrations applied %d times in all, want %d", total, len(migrations.All()))
	}
}
