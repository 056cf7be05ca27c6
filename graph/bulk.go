package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leaktrail/leaktrail/spread"
)

type bulkKey struct{}

// WithBulkForwards carries batches of forwards the server decoded from a
// request's variables itself (by variable name), the request's variables
// holding an empty list in their place: a large batch is then decoded once,
// straight into its Go form, rather than into maps that gqlgen checks and
// converts field by field.
func WithBulkForwards(ctx context.Context, byVariable map[string][]*spread.ForwardInput) context.Context {
	return context.WithValue(ctx, bulkKey{}, byVariable)
}

// bulkForwards is the batch the field's argument names when it is a variable
// decoded aside (see WithBulkForwards), else the argument as gqlgen decoded it.
func bulkForwards(ctx context.Context, argument string, decoded []*spread.ForwardInput) []*spread.ForwardInput {
	byVariable, _ := ctx.Value(bulkKey{}).(map[string][]*spread.ForwardInput)
	if byVariable == nil {
		return decoded
	}
	arg := graphql.GetFieldContext(ctx).Field.Arguments.ForName(argument)
	if arg == nil || arg.Value == nil || arg.Value.Kind != ast.Variable {
		return decoded
	}
	if f, ok := byVariable[arg.Value.Raw]; ok {
		return f
	}
	return decoded
}
