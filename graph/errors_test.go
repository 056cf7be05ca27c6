package graph

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/requestid"
)

// One mapping answers an error on /graphql and on the HTTP endpoints: an
// apperr keeps its code, reason, params, field and extensions with its HTTP
// status; a lost database is UNAVAILABLE; anything else is an opaque INTERNAL
// error quoting the request id, with the original only in the log.
func TestPublicErrorIsTheOneMapping(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	ctx := requestid.With(context.Background(), "r-1")
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "advanceIncident"}}})
	present := presentError(log)

	gate := apperr.Errorf(apperr.GateNotMet, "the gate of %s is not met", "DETECT").With("unmet", []string{"detect.facts"})
	p := PublicError(ctx, log, gate, "/x")
	if p.Status != http.StatusConflict || p.Extensions["code"] != "GATE_NOT_MET" || p.Extensions["reason"] != gate.Reason ||
		p.Extensions["params"] == nil || p.Extensions["unmet"] == nil || p.Message != gate.Message {
		t.Errorf("apperr: %+v", p)
	}
	if g := present(ctx, gate); g.Message != p.Message || g.Extensions["code"] != "GATE_NOT_MET" || g.Extensions["unmet"] == nil {
		t.Errorf("the presenter differs from PublicError: %+v", g)
	}
	for code, status := range map[apperr.Code]int{apperr.Unauthenticated: 401, apperr.Forbidden: 403, apperr.NotFound: 404,
		apperr.InvalidInput: 400, apperr.Conflict: 409, apperr.Frozen: 409, apperr.RateLimited: 429, apperr.Unavailable: 503,
		apperr.Internal: 500} {
		if got := PublicError(ctx, log, apperr.Errorf(code, "no"), "/x").Status; got != status {
			t.Errorf("%s: status %d, want %d", code, got, status)
		}
	}
	// INVALID_INPUT without a field names the GraphQL path it came from.
	if g := present(ctx, apperr.Errorf(apperr.InvalidInput, "no")); g.Extensions["field"] != "advanceIncident" {
		t.Errorf("field from path: %+v", g.Extensions)
	}
	if p := PublicError(ctx, log, driver.ErrBadConn, "/x"); p.Code != apperr.Unavailable || p.Status != 503 {
		t.Errorf("lost database: %+v", p)
	}

	secret := errors.New("pq: relation secret_table does not exist")
	for _, got := range []struct {
		msg string
		ext map[string]any
	}{
		{PublicError(ctx, log, secret, "/x").Message, PublicError(ctx, log, secret, "/x").Extensions},
		{present(ctx, secret).Message, present(ctx, secret).Extensions},
	} {
		if got.ext["code"] != "INTERNAL" || got.ext["requestId"] != "r-1" || len(got.ext) != 2 ||
			!strings.Contains(got.msg, "r-1") || strings.Contains(got.msg, "secret") {
			t.Errorf("internal: %q %v", got.msg, got.ext)
		}
	}
	if !strings.Contains(logged.String(), "secret_table") || !strings.Contains(logged.String(), `"request_id":"r-1"`) {
		t.Errorf("the original is not logged with the request id: %s", logged.String())
	}
	logged.Reset()
	if p := PublicError(ctx, log, errPanicked, "/x"); p.Code != apperr.Internal || logged.Len() != 0 {
		t.Errorf("a panic is logged once, by the recover func: %+v %s", p, logged.String())
	}
}
