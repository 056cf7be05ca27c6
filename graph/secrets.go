package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/leaktrail/leaktrail/idempotency"
)

// secretAnswers keeps the answer of a mutation that returns a secret (a
// sign-in's token, a new API token) out of the idempotency store. Such
// mutations are found in the schema, not listed: any whose result has a
// `token` field, so a new one is covered without being named here.
type secretAnswers struct {
	fields map[string]bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*secretAnswers)(nil)

func (*secretAnswers) ExtensionName() string { return "SecretAnswers" }

func (s *secretAnswers) Validate(schema graphql.ExecutableSchema) error {
	s.fields = map[string]bool{}
	sch := schema.Schema()
	if sch.Mutation == nil {
		return nil
	}
	for _, f := range sch.Mutation.Fields {
		if carriesToken(sch, f.Type, map[string]bool{}) {
			s.fields[f.Name] = true
		}
	}
	return nil
}

// carriesToken tells whether a value of type t can hold a `token` field.
func carriesToken(sch *ast.Schema, t *ast.Type, seen map[string]bool) bool {
	name := t.Name()
	def := sch.Types[name]
	if def == nil || seen[name] || (def.Kind != ast.Object && def.Kind != ast.Interface) {
		return false
	}
	seen[name] = true
	for _, f := range def.Fields {
		if f.Name == "token" || carriesToken(sch, f.Type, seen) {
			return true
		}
	}
	return false
}

func (s *secretAnswers) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return nil
	}
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
		if s.fields[f.Name] {
			idempotency.KeepNoAnswer(ctx)
			return nil
		}
	}
	return nil
}
