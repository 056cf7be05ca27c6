package auth

import (
	"slices"
	"sync"
	"time"
)

// Limiter bounds sign-in attempts per key (a username, an address) in a
// sliding window. An attempt is reserved before its password is checked, so
// parallel attempts count as soon as they start: with Max 5, forty at once
// get five checks, not forty. It lives in the server's memory: a restart
// forgets, and each server of several counts on its own, which still bounds
// guessing to a few tries a minute per server.
type Limiter struct {
	Max    int
	Window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
	inFlight map[string]int
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, failures: map[string][]time.Time{}, inFlight: map[string]int{}}
}

// recent drops failures older than the window and returns those left. Call with mu held.
func (l *Limiter) recent(key string, now time.Time) []time.Time {
	kept := l.failures[key][:0]
	for _, t := range l.failures[key] {
		if now.Sub(t) < l.Window {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = kept
	return kept
}

// inFlightRetry is what a client is told to wait when the attempts that fill
// the limit are still being checked: they end within a password hash.
const inFlightRetry = time.Second

// Reserve takes one attempt for key, or says how long to wait when recent
// failures and attempts in flight already reach Max. A reserved attempt must
// end with exactly one call of done: failed records a failure, else the
// reservation is just returned.
func (l *Limiter) Reserve(key string, now time.Time) (done func(failed bool), wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.recent(key, now)
	if len(f)+l.inFlight[key] >= l.Max {
		if len(f) >= l.Max {
			return nil, f[len(f)-l.Max].Add(l.Window).Sub(now)
		}
		return nil, inFlightRetry
	}
	l.inFlight[key]++
	var once sync.Once
	return func(failed bool) {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.inFlight[key]--; l.inFlight[key] <= 0 {
				delete(l.inFlight, key)
			}
			if failed {
				l.failures[key] = append(l.recent(key, now), now)
			}
		})
	}, 0
}

// Reset forgets key's failures, after a success.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

// limitedLog aggregates refused sign-in attempts into one audit entry per
// client address and window, with a count: an attacker hammering the limit
// must not turn each refusal into a row written under the audit chain's lock.
type limitedLog struct {
	window time.Duration

	mu      sync.Mutex
	sources map[string]*limitedSource
}

type limitedSource struct {
	First, Last time.Time
	Attempts    int
	Usernames   []string
}

// maxLoggedUsernames bounds the usernames one aggregated entry names.
const maxLoggedUsernames = 10

// add counts a refused attempt and returns the source's previous window when
// this attempt closed it.
func (l *limitedLog) add(addr, username string, now time.Time) (closed *limitedSource) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.sources[addr]
	if s != nil && now.Sub(s.First) >= l.window {
		closed, s = s, nil
	}
	if s == nil {
		s = &limitedSource{First: now}
		l.sources[addr] = s
	}
	s.Last = now
	s.Attempts++
	if len(s.Usernames) < maxLoggedUsernames && !slices.Contains(s.Usernames, username) {
		s.Usernames = append(s.Usernames, username)
	}
	return closed
}

// take removes and returns the sources whose window ended before now, or
// every source when all is set.
func (l *limitedLog) take(now time.Time, all bool) map[string]*limitedSource {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]*limitedSource{}
	for addr, s := range l.sources {
		if all || now.Sub(s.First) >= l.window {
			out[addr] = s
			delete(l.sources, addr)
		}
	}
	return out
}
