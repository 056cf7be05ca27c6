package graph

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

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
}

// DefaultComplexityLimit admits a full page of incidents with their nested fields.
const DefaultComplexityLimit = 20000

// complexity multiplies a list's cost by its page size, so asking for more
// items costs more.
func complexity() ComplexityRoot {
	var c ComplexityRoot
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

// NewHandler returns the GraphQL endpoint, built with explicit transports.
func NewHandler(r *Resolver, cfg HandlerConfig) http.Handler {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r, Complexity: complexity()}))
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		InitFunc:              r.initSocket,
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	limit := cfg.ComplexityLimit
	if limit <= 0 {
		limit = DefaultComplexityLimit
	}
	srv.Use(extension.FixedComplexityLimit(limit))
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
