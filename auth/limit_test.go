package auth

import (
	"sync"
	"testing"
	"time"
)

func TestLimiterWindow(t *testing.T) {
	t.Parallel()
	l := NewLimiter(2, time.Minute)
	now := time.Now()
	fail := func(at time.Time) {
		done, wait := l.Reserve("k", at)
		if wait > 0 {
			t.Fatalf("refused at %v: wait %v", at.Sub(now), wait)
		}
		done(true)
	}
	fail(now)
	fail(now.Add(10 * time.Second))
	if _, w := l.Reserve("k", now.Add(20*time.Second)); w != 40*time.Second {
		t.Fatalf("retry after %v", w)
	}
	done, w := l.Reserve("k", now.Add(61*time.Second))
	if w != 0 {
		t.Fatalf("after the window: %v", w)
	}
	done(false)
	l.Reset("k")
	if done, w := l.Reserve("k", now.Add(20*time.Second)); w != 0 {
		t.Fatalf("after reset: %v", w)
	} else {
		done(false)
	}
}

// Attempts count from the moment they start: parallel attempts beyond the
// limit are refused before any password is checked.
func TestLimiterReservesAttemptsInFlight(t *testing.T) {
	t.Parallel()
	l := NewLimiter(5, time.Minute)
	now := time.Now()
	var mu sync.Mutex
	var held []func(bool)
	var wg sync.WaitGroup
	refused := 0
	for range 40 {
		wg.Go(func() {
			done, wait := l.Reserve("k", now)
			mu.Lock()
			defer mu.Unlock()
			if wait > 0 {
				refused++
				return
			}
			held = append(held, done)
		})
	}
	wg.Wait()
	if len(held) != 5 || refused != 35 {
		t.Fatalf("%d reserved, %d refused; want 5 and 35", len(held), refused)
	}
	// Ending them without failure frees the places; a failure keeps its place.
	for i, done := range held {
		done(i == 0)
		done(true) // a second call is ignored
	}
	for i := range 4 {
		if _, w := l.Reserve("k", now); w != 0 {
			t.Fatalf("attempt %d after the first five ended: wait %v", i, w)
		}
	}
	if _, w := l.Reserve("k", now); w != inFlightRetry {
		t.Fatalf("five in flight or failed: wait %v, want %v", w, inFlightRetry)
	}
}

func TestLimitedLogAggregatesPerAddressAndWindow(t *testing.T) {
	t.Parallel()
	l := &limitedLog{window: time.Minute, sources: map[string]*limitedSource{}}
	now := time.Now()
	for i := range 2000 {
		if closed := l.add("10.0.0.1", "user"+string(rune('a'+i%26)), now.Add(time.Duration(i)*time.Millisecond)); closed != nil {
			t.Fatalf("attempt %d closed a window early", i)
		}
	}
	l.add("10.0.0.2", "x", now)
	closed := l.add("10.0.0.1", "late", now.Add(time.Minute))
	if closed == nil || closed.Attempts != 2000 || len(closed.Usernames) != maxLoggedUsernames {
		t.Fatalf("closed window: %+v", closed)
	}
	rest := l.take(now.Add(time.Minute), false)
	if len(rest) != 1 || rest["10.0.0.2"] == nil {
		t.Fatalf("ended windows: %v", rest)
	}
	if all := l.take(now, true); len(all) != 1 || all["10.0.0.1"].Attempts != 1 {
		t.Fatalf("final flush: %v", all)
	}
}
