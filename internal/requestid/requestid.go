// Package requestid tags each HTTP request with an id that appears in logs,
// the audit trail and INTERNAL errors, so a user can quote it and an operator
// can find it; it also keeps the client's address.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
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

// WithRemoteAddr returns ctx carrying addr as the client address.
func WithRemoteAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// Middleware gives every request an id, echoed in the response header, and
// remembers the client address for the audit log and rate limits: the
// socket's peer, or, when that peer is one of the trusted proxies, the
// nearest address in X-Forwarded-For that is not (proxies append the peer
// they saw, so addresses further left are the client's word only).
func Middleware(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := New()
			w.Header().Set(Header, id)
			ctx := context.WithValue(With(r.Context(), id), addrKey{}, ClientAddr(r, trusted))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// ClientAddr is the client's address as Middleware determines it.
func ClientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !isTrusted(host, trusted) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if addr, err := netip.ParseAddr(hop); err == nil && !isTrusted(addr.String(), trusted) {
			return addr.Unmap().String()
		}
	}
	return host
}

func isTrusted(host string, trusted []netip.Prefix) bool {
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ParsePrefixes reads a comma-separated list of addresses and CIDR ranges.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		addr, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", item)
		}
		out = append(out, netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()))
	}
	return out, nil
}
