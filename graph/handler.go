package graph

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/budget"
	"github.com/leaktrail/leaktrail/discipline"
	"github.com/leaktrail/leaktrail/graph/generated"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/workflow"
)

// HandlerConfig tunes the GraphQL endpoint.
type HandlerConfig struct {
	// Introspection exposes the schema to clients (on in development).
	Introspection bool
	// ComplexityLimit bounds the cost of one operation; lists count once per requested item.
	ComplexityLimit int
	// ParserTokenLimit bounds the size of a query document.
	ParserTokenLimit int
	Log              *slog.Logger
	// Extensions are used as well, e.g. metrics.
	Extensions []graphql.HandlerExtension
	// Limits are the server's pools of expensive work; nil pools admit everything.
	Limits *budget.Limits
	// Generic answers every field through gqlgen's executor, the
	// @handWritten ones too: the answer a hand-written one must equal.
	Generic bool
}

// DefaultComplexityLimit admits a full page of incidents with their nested fields.
const DefaultComplexityLimit = 20000

// complexity multiplies a list's cost by its page size, so asking for more
// items costs more, and weighs the fields whose work is large whatever is
// asked of them (see weigh).
func complexity(limit int) generated.ComplexityRoot {
	var c generated.ComplexityRoot
	weigh(&c, limit)
	c.Query.Incidents = func(child int, first *int, _ *string, _ *incident.Filter) int {
		n := incident.DefaultPageSize
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	// Lists inside an incident are unpaged; cost them as a typical ten items.
	perItem := func(child int) int { return 1 + nestedListSize*child }
	c.Incident.Tasks = func(child int, _ *workflow.Stage) int { return perItem(child) }
	c.Incident.Transitions = perItem
	c.Incident.ContainmentActions = perItem
	c.Incident.Notifications = perItem
	return c
}

const nestedListSize = 10

// socketMessageLimit bounds one websocket message, in bytes: a subscription
// and its variables, or a small operation. Decoding 16 KiB costs at most a
// few hundred KiB, whatever its shape.
var socketMessageLimit int64 = 16 << 10

// weigh prices fields by the work behind them, against the operation's
// limit: a heavy field (a password hash, re-reading every evidence file, a
// report, the whole audit chain) fits once in an operation, a moderate one
// (a logged download link, the statistics) about two dozen times, so a
// request cannot repeat them by the hundred through aliases.
func weigh(c *generated.ComplexityRoot, limit int) {
	heavy, moderate := limit/2+1, limit/25
	c.Mutation.Login = func(child int, _, _ string) int { return heavy + child }
	c.Mutation.CreateUser = func(child int, _ auth.NewUser) int { return heavy + child }
	c.Mutation.CreateAPIToken = func(child int, _ string, _ *time.Time) int { return heavy + child }
	c.Mutation.VerifyEvidence = func(child int, _ uuid.UUID) int { return heavy + child }
	c.Mutation.GenerateCaseReport = func(child int, _ uuid.UUID, _ *string) int { return heavy + child }
	c.Mutation.IssueReport = func(child int, _ uuid.UUID, _ discipline.IssueInput) int { return heavy + child }
	c.Query.AuditVerify = func(child int) int { return heavy + child }
	c.Mutation.EvidenceLink = func(child int, _ uuid.UUID, _ string, _ *bool, _ *string) int { return moderate + child }
	c.Query.Statistics = func(child int, _, _ *time.Time, _ *string) int { return moderate + child }
	// The spread's unpaged lists hold every node of the chain (100,000 and
	// more): three in an operation; the analysis itself a moderate cost.
	whole := limit / 4
	c.Incident.Spread = func(child int) int { return moderate + child }
	c.Spread.Nodes = func(child int) int { return whole + child }
	c.Spread.People = func(child int) int { return whole + child }
	c.Spread.Origins = func(child int) int { return whole + child }
}

// pooled runs the heaviest root fields inside the server's pool for their
// kind of work, so that many requests at once queue briefly and are then
// refused with RATE_LIMITED rather than run together. It wraps root fields
// only: a field middleware would be called for every field of every answer.
func pooled(l *budget.Limits) graphql.RootFieldMiddleware {
	if l == nil {
		return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler { return next(ctx) }
	}
	pools := map[string]*budget.Pool{
		"verifyEvidence": l.Fixity, "generateCaseReport": l.Reports, "issueReport": l.Reports, "statistics": l.Reports, "auditVerify": l.Reports,
	}
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		field := graphql.GetRootFieldContext(ctx).Field
		pool := pools[field.Name]
		if pool == nil {
			return next(ctx)
		}
		release, err := pool.Acquire(ctx)
		if err != nil {
			// A root field's context has no path yet: the error names its field.
			graphql.AddError(ctx, &gqlerror.Error{Err: err, Message: err.Error(), Path: ast.Path{ast.PathName(field.Alias)}})
			return graphql.Null
		}
		defer release()
		return next(ctx)
	}
}

// NewHandler returns the GraphQL endpoint, built with explicit transports.
func NewHandler(r *Resolver, cfg HandlerConfig) http.Handler {
	limit := cfg.ComplexityLimit
	if limit <= 0 {
		limit = DefaultComplexityLimit
	}
	directives := generated.DirectiveRoot{HandWritten: r.handWritten}
	if cfg.Generic {
		directives.HandWritten = func(ctx context.Context, _ any, next graphql.Resolver) (any, error) { return next(ctx) }
	}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r, Directives: directives, Complexity: complexity(limit)}))
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		InitFunc:              r.initSocket,
		// A socket carries subscriptions and small operations; bulk goes over POST.
		PayloadReadLimit: &socketMessageLimit,
		InitTimeout:      5 * time.Second,
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(post{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.FixedComplexityLimit(limit))
	srv.AroundRootFields(pooled(cfg.Limits))
	srv.Use(depthLimit{Max: DefaultMaxDepth})
	for _, e := range cfg.Extensions {
		srv.Use(e)
	}
	if cfg.ParserTokenLimit > 0 {
		srv.SetParserTokenLimit(cfg.ParserTokenLimit)
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	srv.Use(socketGuard{r: r, present: presentError(log)})
	srv.Use(&secretAnswers{})
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(recoverPanic(log))
	return r.WithLoaders(srv)
}
