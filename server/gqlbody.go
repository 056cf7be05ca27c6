package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/jsonshape"
	"github.com/leaktrail/leaktrail/internal/requestid"
)

// Bounds on what /graphql reads before gqlgen decodes it. The decode costs
// tens of bytes of memory per JSON value, so the bytes and the shape are both
// bounded first, by who is asking: the signed-in (known from the headers
// alone, before the body is read) get Config.GraphQLMaxBody; anyone else
// only what signing in needs.
const (
	DefaultGraphQLMaxBody = 8 << 20
	anonymousMaxBody      = 64 << 10
	// bulkBody is the size above which a request is bulk work (a large batch
	// of forwards): it then waits for one of the server's import slots before
	// the rest of it is read, so only a few large decodes run at once.
	bulkBody = 512 << 10
	// graphQLBodyTimeout bounds the time to send one body, so a client that
	// stops sending holds neither a goroutine nor its buffer for long.
	graphQLBodyTimeout = 30 * time.Second
	maxHeaderBytes     = 64 << 10
)

// boundGraphQL reads a /graphql body within the caller's limits and checks
// its JSON shape; GET's variables and extensions, carried in the URL, are
// checked too. A signed-in user has at most budget.Limits.Requests requests
// in flight; a websocket takes one of its address's connection slots for as
// long as it is open (gqlgen bounds each of its messages).
func (m *Main) boundGraphQL(next http.Handler) http.Handler {
	signedIn := m.Config.GraphQLMaxBody
	if signedIn <= 0 {
		signedIn = DefaultGraphQLMaxBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			m.liveConnection(next, w, r)
			return
		}
		limit := int64(anonymousMaxBody)
		if u, ok := auth.UserFrom(r.Context()); ok {
			limit = signedIn
			release, err := m.Limits.Requests.Acquire(u.ID.String())
			if err != nil {
				m.writeError(w, r, err)
				return
			}
			defer release()
		}
		shape := jsonshape.ForBody(limit)
		if r.Method == http.MethodGet {
			q := r.URL.Query()
			for _, p := range []string{"variables", "extensions"} {
				if err := jsonshape.Check([]byte(q.Get(p)), shape); err != nil {
					m.writeError(w, r, apperr.Invalid(p, "the value is refused: %v", apperr.Detail(err.Error())))
					return
				}
			}
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, release, err := m.readGraphQLBody(w, r, limit)
		defer release()
		if err == nil {
			err = jsonshape.Check(body, shape)
		}
		if err == nil && !json.Valid(body) {
			// gqlgen would quote the whole body back in its error.
			err = apperr.Invalid("body", "the request body is not valid JSON")
		}
		var tooLarge *http.MaxBytesError
		var badShape *jsonshape.Error
		switch {
		case errors.As(err, &tooLarge) && limit == anonymousMaxBody:
			err = apperr.Errorf(apperr.Unauthenticated, "sign in first: a request without a session may carry at most %d KiB", limit>>10)
		case errors.As(err, &tooLarge):
			err = apperr.Invalid("body", "a GraphQL request may carry at most %d MiB; send files and bulk forwards through the upload and import endpoints", limit>>20)
		case errors.As(err, &badShape):
			err = apperr.Invalid("variables", "the value is refused: %v", apperr.Detail(err.Error()))
		case err != nil && apperr.CodeOf(err) == apperr.Internal:
			err = apperr.Invalid("body", "the request body could not be read in time: %v", apperr.Detail(err.Error()))
		}
		if err != nil {
			w.Header().Set("Connection", "close")
			m.writeError(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// readGraphQLBody reads at most limit bytes of r's body within
// graphQLBodyTimeout. Past bulkBody bytes it takes one of the server's import
// slots before reading on; release gives it back.
func (m *Main) readGraphQLBody(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, release func(), err error) {
	release = func() {}
	if r.ContentLength > limit {
		return nil, release, &http.MaxBytesError{Limit: limit}
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(graphQLBodyTimeout)) //nolint:errcheck // not every writer supports deadlines (tests)
	defer rc.SetReadDeadline(time.Time{})                  //nolint:errcheck // as above
	in := http.MaxBytesReader(w, r.Body, limit)
	buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 512), bulkBody)+1))
	n, err := buf.ReadFrom(io.LimitReader(in, bulkBody+1))
	if err != nil || n <= bulkBody {
		return buf.Bytes(), release, err
	}
	if release, err = m.Limits.Imports.Acquire(r.Context()); err != nil {
		return nil, func() {}, err
	}
	if r.ContentLength > 0 { // within limit, checked above: read in place rather than by doubling
		buf.Grow(int(r.ContentLength) - buf.Len() + bytes.MinRead)
	}
	_, err = buf.ReadFrom(in)
	return buf.Bytes(), release, err
}

// liveConnection serves a websocket while it holds a connection slot of its
// client address and one of the server's: idle sockets cost a file handle
// and some memory each, and the server has a bounded number of both.
func (m *Main) liveConnection(next http.Handler, w http.ResponseWriter, r *http.Request) {
	release, err := m.Limits.SocketsPerAddress.Acquire(requestid.RemoteAddr(r.Context()))
	if err != nil {
		m.writeError(w, r, err)
		return
	}
	defer release()
	releaseAll, err := m.Limits.Sockets.Acquire("")
	if err != nil {
		m.writeError(w, r, err)
		return
	}
	defer releaseAll()
	next.ServeHTTP(w, r)
}
