// Package budget bounds the expensive work a Leaktrail server does at once:
// password hashing, imports, reports, fixity runs. Work that finds no free
// slot within a short wait is refused with RATE_LIMITED and a
// retryAfterSeconds, never queued without end, so a burst of requests costs
// the server a bounded amount of memory and CPU.
package budget

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

// Pool is a server-wide limit on concurrent work of one kind.
type Pool struct {
	name  string
	slots chan struct{}
	// wait is how long a caller may queue for a slot before it is refused.
	wait time.Duration
}

// NewPool admits n concurrent holders (at least one); a caller waits at most
// wait for a slot.
func NewPool(name string, n int, wait time.Duration) *Pool {
	return &Pool{name: name, slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// Acquire takes a slot, waiting at most the pool's wait. The caller must call
// release exactly once. A nil pool admits everything.
func (p *Pool) Acquire(ctx context.Context) (release func(), err error) {
	if p == nil {
		return func() {}, nil
	}
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	default:
	}
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
		return p.releaser(), nil
	case <-t.C:
		return nil, Busy(p.name, p.wait)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *Pool) releaser() func() {
	var once sync.Once
	return func() { once.Do(func() { <-p.slots }) }
}

// InUse is the number of slots taken now.
func (p *Pool) InUse() int { return len(p.slots) }

// Busy is the RATE_LIMITED error for work refused because the server is
// already doing as much of it as it may; retry is a hint for the client.
func Busy(what string, retry time.Duration) *apperr.Error {
	return apperr.Errorf(apperr.RateLimited, "the server is busy with %s; try again shortly", apperr.Detail(what)).
		With("retryAfterSeconds", max(1, int(math.Ceil(retry.Seconds()))))
}

// PerKey bounds concurrent work of one kind per key, e.g. uploads per user.
type PerKey struct {
	name string
	max  int

	mu   sync.Mutex
	held map[string]int
}

// NewPerKey admits at most n concurrent holders per key.
func NewPerKey(name string, n int) *PerKey {
	return &PerKey{name: name, max: max(n, 1), held: map[string]int{}}
}

// Acquire takes one of key's slots or refuses at once with RATE_LIMITED. The
// caller must call release exactly once. A nil PerKey admits everything.
func (p *PerKey) Acquire(key string) (release func(), err error) {
	if p == nil {
		return func() {}, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held[key] >= p.max {
		return nil, apperr.Errorf(apperr.RateLimited, "at most %d %s at once; wait for one to finish", p.max, apperr.Detail(p.name)).
			With("retryAfterSeconds", 5)
	}
	p.held[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.held[key]--; p.held[key] <= 0 {
				delete(p.held, key)
			}
		})
	}, nil
}

// Limits is the server's budget for expensive work, one pool per kind.
type Limits struct {
	Hashing     *Pool   // password hashes (sign-in, password changes)
	Imports     *Pool   // forward imports being parsed and written
	Reports     *Pool   // case reports, PDFs, evidence exports
	Fixity      *Pool   // re-hashing stored evidence on request
	Uploads     *PerKey // one user's evidence uploads sending at once
	UserImports *PerKey // one user's imports at once
	Requests    *PerKey // one user's GraphQL requests in flight
	Reporting   *PerKey // one user's reports and exports at once
	// SocketsPerAddress and Sockets bound the open websockets of one client
	// address and of the server (key ""): each holds a file handle.
	SocketsPerAddress *PerKey
	Sockets           *PerKey
}

// Config sizes Limits; zero values take DefaultConfig's.
type Config struct {
	Hashing, Imports, Reports, Fixity int
	UploadsPerUser, ImportsPerUser    int
	RequestsPerUser                   int
	SocketsPerAddress, Sockets        int
	Wait                              time.Duration
}

// DefaultConfig suits a small server: a password hash takes ~19 MiB and most
// of a core for ~50 ms, so four at once bound sign-in to ~80 MiB; an import
// at the row limit takes a few hundred MiB and a core for seconds, so one at
// a time (the others wait their turn for a moment, then retry).
var DefaultConfig = Config{Hashing: 4, Imports: 1, Reports: 2, Fixity: 1, UploadsPerUser: 4, ImportsPerUser: 1,
	RequestsPerUser: 16, SocketsPerAddress: 32, Sockets: 4096, Wait: 2 * time.Second}

// New returns the pools for c.
func New(c Config) *Limits {
	d := DefaultConfig
	pick := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	wait := c.Wait
	if wait <= 0 {
		wait = d.Wait
	}
	return &Limits{
		Hashing:           NewPool("sign-ins", pick(c.Hashing, d.Hashing), wait),
		Imports:           NewPool("imports", pick(c.Imports, d.Imports), wait),
		Reports:           NewPool("reports", pick(c.Reports, d.Reports), wait),
		Fixity:            NewPool("hash checks", pick(c.Fixity, d.Fixity), wait),
		Uploads:           NewPerKey("uploads of yours", pick(c.UploadsPerUser, d.UploadsPerUser)),
		UserImports:       NewPerKey("imports of yours", pick(c.ImportsPerUser, d.ImportsPerUser)),
		Requests:          NewPerKey("requests of yours", pick(c.RequestsPerUser, d.RequestsPerUser)),
		Reporting:         NewPerKey("reports or exports of yours", 1),
		SocketsPerAddress: NewPerKey("live connections from one address", pick(c.SocketsPerAddress, d.SocketsPerAddress)),
		Sockets:           NewPerKey("live connections to this server", pick(c.Sockets, d.Sockets)),
	}
}

// ParseConfig reads "hashing=4,imports=1,reports=2,fixity=1,uploads-per-user=4,
// imports-per-user=1,wait=2s"; names left out keep their defaults.
func ParseConfig(s string) (Config, error) {
	var c Config
	ints := map[string]*int{"hashing": &c.Hashing, "imports": &c.Imports, "reports": &c.Reports, "fixity": &c.Fixity,
		"uploads-per-user": &c.UploadsPerUser, "imports-per-user": &c.ImportsPerUser, "requests-per-user": &c.RequestsPerUser,
		"sockets-per-address": &c.SocketsPerAddress, "sockets": &c.Sockets}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, _ := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		if name == "wait" {
			d, err := time.ParseDuration(strings.TrimSpace(value))
			if err != nil || d <= 0 {
				return c, fmt.Errorf("wait=%s is not a positive duration such as 2s", value)
			}
			c.Wait = d
			continue
		}
		dst, ok := ints[name]
		if !ok {
			return c, fmt.Errorf("%q is not a limit; use hashing, imports, reports, fixity, uploads-per-user, imports-per-user, requests-per-user, sockets-per-address, sockets or wait", name)
		}
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || n < 1 {
			return c, fmt.Errorf("%s=%s is not a whole number of at least 1", name, value)
		}
		*dst = n
	}
	return c, nil
}
