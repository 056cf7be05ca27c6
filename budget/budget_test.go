package budget

import (
	"context"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

func TestPoolRefusesWhenFullAfterItsWait(t *testing.T) {
	t.Parallel()
	p := NewPool("imports", 2, 20*time.Millisecond)
	ctx := context.Background()
	r1, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := p.Acquire(ctx)
	_, err = p.Acquire(ctx)
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.RateLimited || e.Extensions["retryAfterSeconds"].(int) < 1 {
		t.Fatalf("third holder: %v, want RATE_LIMITED with retryAfterSeconds", err)
	}
	r1()
	r1() // a second release is harmless
	if p.InUse() != 1 {
		t.Fatalf("in use %d after one release, want 1", p.InUse())
	}
	r3, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2()
	r3()
	if p.InUse() != 0 {
		t.Fatalf("in use %d, want 0", p.InUse())
	}
}

func TestPoolWaiterGetsAFreedSlot(t *testing.T) {
	t.Parallel()
	p := NewPool("reports", 1, 5*time.Second)
	r, _ := p.Acquire(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); r() }()
	r2, err := p.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r2()
}

func TestPerKeyBoundsEachKeyAlone(t *testing.T) {
	t.Parallel()
	p := NewPerKey("uploads", 2)
	a1, _ := p.Acquire("a")
	if _, err := p.Acquire("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Acquire("a"); apperr.CodeOf(err) != apperr.RateLimited {
		t.Fatalf("third for a: %v, want RATE_LIMITED", err)
	}
	if _, err := p.Acquire("b"); err != nil {
		t.Fatalf("b is limited by a's uploads: %v", err)
	}
	a1()
	if _, err := p.Acquire("a"); err != nil {
		t.Fatalf("after a release: %v", err)
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	c, err := ParseConfig(" hashing=2, imports-per-user=3,wait=500ms ")
	if err != nil || c != (Config{Hashing: 2, ImportsPerUser: 3, Wait: 500 * time.Millisecond}) {
		t.Fatalf("%+v %v", c, err)
	}
	if c, err := ParseConfig(""); err != nil || c != (Config{}) {
		t.Fatalf("empty: %+v %v", c, err)
	}
	for _, bad := range []string{"hashing=0", "hashing=x", "nonsense=1", "wait=-1s", "wait=soon"} {
		if _, err := ParseConfig(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
