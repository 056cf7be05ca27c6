package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/requestid"
	"github.com/leaktrail/leaktrail/metrics"
)

// The HTTP endpoints answer errors through the same mapping as /graphql: an
// internal error quotes the request id in the message and in
// extensions.requestId, the original only logged; a refusal for the rate
// keeps its Retry-After header.
func TestHTTPErrorsMapLikeGraphQL(t *testing.T) {
	var logged bytes.Buffer
	m := &Main{Log: slog.New(slog.NewJSONHandler(&logged, nil)), Metrics: metrics.New(nil)}
	answer := func(err error) (*httptest.ResponseRecorder, string, map[string]any) {
		rec := httptest.NewRecorder()
		h := requestid.Middleware(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.writeError(w, r, err) }))
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/incidents/LT-2026-0001/spread.json", nil))
		var body struct {
			Errors []struct {
				Message    string
				Extensions map[string]any
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
			t.Fatalf("body %s: %v", rec.Body, err)
		}
		return rec, body.Errors[0].Message, body.Errors[0].Extensions
	}

	rec, msg, ext := answer(errors.New("pq: relation secret_table does not exist"))
	id := rec.Header().Get(requestid.Header)
	if rec.Code != http.StatusInternalServerError || ext["code"] != "INTERNAL" || ext["requestId"] != id ||
		!strings.Contains(msg, id) || strings.Contains(msg, "secret") {
		t.Errorf("internal: %d %q %v (request id %s)", rec.Code, msg, ext, id)
	}
	if !strings.Contains(logged.String(), "secret_table") || !strings.Contains(logged.String(), id) {
		t.Errorf("the original is not logged with the request id: %s", logged.String())
	}

	limited := apperr.Errorf(apperr.RateLimited, "too many requests").With("retryAfterSeconds", 7)
	rec, _, ext = answer(limited)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "7" || ext["reason"] != limited.Reason {
		t.Errorf("rate limited: %d %q %v", rec.Code, rec.Header().Get("Retry-After"), ext)
	}
	rec, _, ext = answer(apperr.Invalid("file", "the file is larger than the limit of %d MiB", 32))
	if rec.Code != http.StatusBadRequest || ext["field"] != "file" || ext["params"].(map[string]any)["0"] != float64(32) {
		t.Errorf("invalid: %d %v", rec.Code, ext)
	}
}
