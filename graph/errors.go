package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/internal/requestid"
)

// errPanicked marks an error the recover func has already logged with its stack.
var errPanicked = errors.New("panic in resolver")

// presentError exposes client-safe errors with their code and turns anything
// else into an opaque INTERNAL error, logging the original.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if _, ok := apperr.As(err); !ok && database.Unreachable(err) {
			log.WarnContext(ctx, "database unreachable", "error", err.Error(), "request_id", requestid.From(ctx))
			err = database.MapError(err)
		}
		if e, ok := apperr.As(err); ok {
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
			} else if e.Code == apperr.InvalidInput && len(gqlErr.Path) > 0 {
				ext["field"] = gqlErr.Path.String()
			}
			gqlErr.Message = e.Message
			gqlErr.Extensions = ext
			return gqlErr
		}
		// A bare gqlerror is gqlgen's verdict on the request itself: undecodable
		// JSON, a parse or validation failure, an operation over the complexity limit.
		var reqErr *gqlerror.Error
		if errors.As(err, &reqErr) && reqErr.Unwrap() == nil {
			ext := map[string]any{"code": string(apperr.InvalidInput)}
			if reason, ok := reqErr.Extensions["code"]; ok {
				ext["reason"] = reason
			}
			reqErr.Extensions = ext
			return reqErr
		}
		id := requestid.From(ctx)
		if !errors.Is(err, errPanicked) {
			log.ErrorContext(ctx, "internal error", "error", err.Error(), "path", gqlErr.Path.String(), "request_id", id)
		}
		return &gqlerror.Error{
			Message:    "internal error; quote request id " + id + " to your administrator",
			Path:       gqlErr.Path,
			Locations:  gqlErr.Locations,
			Extensions: map[string]any{"code": string(apperr.Internal), "requestId": id},
		}
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
