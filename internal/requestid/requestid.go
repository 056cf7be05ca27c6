// Package requestid tags each HTTP request with an id that appears in logs,
// the audit trail and INTERNAL errors, so a user can quote it and an operator
// can find it; it also keeps the client's address.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
)

type (
	key     struct{}
	addrKey struct{}
)

// Header carries the id back to the client.
const Header = "X-Request-Id"

// New returns a fresh random id.
func New() string {
	b := make([]byte, 8)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	return hex.EncodeToString(b)
}

// From returns the request id in ctx, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// RemoteAddr returns the client address (host only) of the request in ctx, or "".
func RemoteAddr(ctx context.Context) string {
	a, _ := ctx.Value(addrKey{}).(string)
	return a
}

// Middleware gives every request an id, echoed in the response header, and
// remembers the client address for the audit log and rate limits.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := New()
		w.Header().Set(Header, id)
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		ctx := context.WithValue(With(r.Context(), id), addrKey{}, host)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
