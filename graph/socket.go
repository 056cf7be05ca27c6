package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
)

// A websocket lives for hours, so its sign-in is not taken on trust: it is
// re-checked before every operation and every event it delivers, and the
// socket is closed the moment its session or token ends, expires or its user
// is disabled, on whichever instance that happened (auth.CredentialsChannel).

// socket is a signed-in websocket connection; end closes it.
type socket struct {
	end context.CancelFunc
}

type socketKey struct{}

// initSocket signs a websocket in with the token of its init payload, else
// with the session or token of the upgrade request (the browser's cookie),
// and watches that credential for as long as the socket is open.
func (r *Resolver) initSocket(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	if tok := p.Authorization(); tok != "" {
		var err error
		if ctx, _, err = r.AuthService.SignIn(ctx, auth.BearerToken(tok)); err != nil {
			return ctx, nil, err
		}
	}
	expiresAt, signedIn := auth.ExpiresAt(ctx)
	u, _ := auth.UserFrom(ctx)
	if !signedIn {
		// Everything a socket carries needs a user: an anonymous one only costs.
		return ctx, nil, apperr.Errorf(apperr.Unauthenticated, "sign in before opening a live connection")
	}
	// The transport closes the socket when this context ends.
	ctx, end := context.WithCancel(ctx)
	ctx = context.WithValue(ctx, socketKey{}, &socket{end: end})
	go r.watchSocket(ctx, end, u.ID, expiresAt)
	return ctx, nil, nil
}

// watchSocket closes the socket when its credential expires, or when the
// credential no longer checks out after a session or token of its user ended.
func (r *Resolver) watchSocket(ctx context.Context, end context.CancelFunc, userID uuid.UUID, expiresAt time.Time) {
	var changed <-chan struct{}
	if r.Live != nil {
		var stop func()
		changed, stop = r.Live.Credentials(userID)
		defer stop()
	}
	expiry := time.NewTimer(time.Until(expiresAt))
	defer expiry.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-expiry.C:
			end()
			return
		case <-changed:
			if _, err := r.AuthService.Recheck(ctx); err != nil {
				end()
				return
			}
		}
	}
}

// recheckSocket signs a websocket's ctx in again with its current user; when
// the credential no longer holds it closes the socket and says why.
func (r *Resolver) recheckSocket(ctx context.Context) (context.Context, error) {
	s, ok := ctx.Value(socketKey{}).(*socket)
	if !ok {
		return ctx, nil
	}
	fresh, err := r.AuthService.Recheck(ctx)
	if err != nil && apperr.CodeOf(err) == apperr.Unauthenticated {
		s.end()
	}
	return fresh, err
}

// socketGuard re-checks a websocket's credential before each operation on it.
type socketGuard struct {
	r       *Resolver
	present graphql.ErrorPresenterFunc
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = socketGuard{}

func (socketGuard) ExtensionName() string                          { return "SocketGuard" }
func (socketGuard) Validate(schema graphql.ExecutableSchema) error { return nil }

func (g socketGuard) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	s, ok := ctx.Value(socketKey{}).(*socket)
	if !ok {
		return next(ctx)
	}
	fresh, err := g.r.AuthService.Recheck(ctx)
	if err == nil {
		return next(fresh)
	}
	// Answer the operation with the error, then close the socket once the
	// answer is out (the transport asks for the next response after sending).
	resp := &graphql.Response{Errors: gqlerror.List{g.present(ctx, err)}}
	sent := false
	return func(context.Context) *graphql.Response {
		if sent {
			if apperr.CodeOf(err) == apperr.Unauthenticated {
				s.end()
			}
			return nil
		}
		sent = true
		return resp
	}
}
