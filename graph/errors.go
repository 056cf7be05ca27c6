package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/internal/requestid"
)

// errPanicked marks an error the recover func has already logged with its stack.
var errPanicked = errors.New("panic in resolver")

// Public is an error as a client sees it, whichever way it is answered:
// Status for the HTTP endpoints beside /graphql, Message and Extensions for
// both (GraphQL's error shape, which those endpoints speak too).
type Public struct {
	Code       apperr.Code
	Status     int
	Message    string
	Extensions map[string]any
}

// httpStatus is each code's answer on the HTTP endpoints; INTERNAL and any
// unknown code are 500.
var httpStatus = map[apperr.Code]int{
	apperr.Unauthenticated: http.StatusUnauthorized, apperr.Forbidden: http.StatusForbidden,
	apperr.NotFound: http.StatusNotFound, apperr.InvalidInput: http.StatusBadRequest,
	apperr.Conflict: http.StatusConflict, apperr.GateNotMet: http.StatusConflict, apperr.Frozen: http.StatusConflict,
	apperr.RateLimited: http.StatusTooManyRequests, apperr.Unavailable: http.StatusServiceUnavailable,
}

// PublicError is the one mapping from an error to what a client may see, used
// by the GraphQL presenter and the HTTP endpoints alike. An apperr.Error keeps
// its message, code, reason, params, field and extensions; a database that
// went away is UNAVAILABLE; anything else becomes an opaque INTERNAL error
// quoting the request id, and the original is logged with where (the GraphQL
// path or the URL path) so an operator can find it by that id.
func PublicError(ctx context.Context, log *slog.Logger, err error, where string) Public {
	id := requestid.From(ctx)
	if _, ok := apperr.As(err); !ok && database.Unreachable(err) {
		log.WarnContext(ctx, "database unreachable", "error", err.Error(), "path", where, "request_id", id)
		err = database.MapError(err)
	}
	e, ok := apperr.As(err)
	if !ok {
		if !errors.Is(err, errPanicked) {
			log.ErrorContext(ctx, "internal error", "error", err.Error(), "path", where, "request_id", id)
		}
		return Public{Code: apperr.Internal, Status: http.StatusInternalServerError,
			Message:    "internal error; quote request id " + id + " to your administrator",
			Extensions: map[string]any{"code": string(apperr.Internal), "requestId": id}}
	}
	ext := map[string]any{"code": string(e.Code)}
	for k, v := range e.Extensions {
		ext[k] = v
	}
	ext["reason"] = e.Reason
	if e.Params != nil {
		ext["params"] = e.Params
	}
	if e.Field != "" {
		ext["field"] = e.Field
	}
	status := httpStatus[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return Public{Code: e.Code, Status: status, Message: e.Message, Extensions: ext}
}

// presentError answers every GraphQL error through PublicError, except
// gqlgen's own verdicts on the request, which are INVALID_INPUT.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		// A bare gqlerror is gqlgen's verdict on the request itself: undecodable
		// JSON, a parse or validation failure, an operation over the complexity limit.
		var reqErr *gqlerror.Error
		if _, ok := apperr.As(err); !ok && errors.As(err, &reqErr) && reqErr.Unwrap() == nil {
			ext := map[string]any{"code": string(apperr.InvalidInput)}
			if reason, ok := reqErr.Extensions["code"]; ok {
				ext["reason"] = reason
			}
			reqErr.Extensions = ext
			return reqErr
		}
		p := PublicError(ctx, log, err, gqlErr.Path.String())
		if p.Code == apperr.Internal {
			// A fresh error, so nothing downstream reaches the original.
			return &gqlerror.Error{Message: p.Message, Path: gqlErr.Path, Locations: gqlErr.Locations, Extensions: p.Extensions}
		}
		if _, ok := p.Extensions["field"]; !ok && p.Code == apperr.InvalidInput && len(gqlErr.Path) > 0 {
			p.Extensions["field"] = gqlErr.Path.String()
		}
		gqlErr.Message = p.Message
		gqlErr.Extensions = p.Extensions
		return gqlErr
	}
}

// recoverPanic logs a resolver panic with its stack; the presenter then hides it.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()),
			"request_id", requestid.From(ctx))
		return errPanicked
	}
}
