package server

import (
	"net/http"
	"strconv"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/graph"
)

// writeError answers an endpoint's error as GraphQL-shaped JSON, mapped by
// graph.PublicError as /graphql maps it, so every endpoint speaks the same
// error language; a refusal for the rate says when to come back.
func (m *Main) writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := graph.PublicError(r.Context(), m.Log, err, r.URL.Path)
	if retry, ok := p.Extensions["retryAfterSeconds"].(int); ok && p.Code == apperr.RateLimited {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
	}
	m.Metrics.Error(string(p.Code))
	writeJSON(w, p.Status, map[string]any{"errors": []map[string]any{{"message": p.Message, "extensions": p.Extensions}}})
}
