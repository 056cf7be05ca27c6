// Package generated is gqlgen's executor for schema/*.graphqls, generated
// from graph/gqlgen.yml by `go generate ./graph/...` and never edited by
// hand; the resolvers it calls are in package graph.
package generated
