package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/jsonshape"
)

// Bounds on what /graphql reads before gqlgen decodes it. The decode costs
// tens of bytes of memory per JSON value, so the bytes and the shape are both
// bounded first, by who is asking: the signed-in (known from the headers
// alone, before the body is read) get Config.GraphQLMaxBody; anyone else
// only what signing in needs.
const (
	DefaultGraphQLMaxBody = 8 << 20
	anonymousMaxBody      = 64 << 10
	// graphQLBodyTimeout bounds the time to send one body, so a client that
	// stops sending holds neither a goroutine nor its buffer for long.
	graphQLBodyTimeout = 30 * time.Second
	maxHeaderBytes     = 64 << 10
)

// boundGraphQL reads a /graphql body within the caller's limits and checks
// its JSON shape; GET's variables and extensions, carried in the URL, are
// checked too. A websocket upgrade passes: gqlgen bounds each message.
func (m *Main) boundGraphQL(next http.Handler) http.Handler {
	signedIn := m.Config.GraphQLMaxBody
	if signedIn <= 0 {
		signedIn = DefaultGraphQLMaxBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(anonymousMaxBody)
		if _, ok := auth.UserFrom(r.Context()); ok {
			limit = signedIn
		}
		shape := jsonshape.ForBody(limit)
		if r.Method == http.MethodGet {
			q := r.URL.Query()
			for _, p := range []string{"variables", "extensions"} {
				if err := jsonshape.Check([]byte(q.Get(p)), shape); err != nil {
					m.writeError(w, r, apperr.Invalid(p, "%v", err))
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
		body, err := readBounded(w, r, limit)
		if err == nil {
			err = jsonshape.Check(body, shape)
		}
		var tooLarge *http.MaxBytesError
		var badShape *jsonshape.Error
		switch {
		case errors.As(err, &tooLarge) && limit == anonymousMaxBody:
			err = apperr.Errorf(apperr.Unauthenticated, "sign in first: a request without a session may carry at most %d KiB", limit>>10)
		case errors.As(err, &tooLarge):
			err = apperr.Invalid("body", "a GraphQL request may carry at most %d MiB; send files and bulk forwards through the upload and import endpoints", limit>>20)
		case errors.As(err, &badShape):
			err = apperr.Invalid("variables", "%v", err)
		case err != nil:
			err = apperr.Invalid("body", "the request body could not be read in time: %v", err)
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

// readBounded reads at most limit bytes of r's body within graphQLBodyTimeout.
func readBounded(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(graphQLBodyTimeout)) //nolint:errcheck // not every writer supports deadlines (tests)
	defer rc.SetReadDeadline(time.Time{})                  //nolint:errcheck // as above
	size := r.ContentLength
	if size < 0 || size > limit {
		size = 512
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+1))
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	return buf.Bytes(), err
}
