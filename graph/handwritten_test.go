package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leaktrail/leaktrail/graph/generated"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// The list screen's page and a batch's forward ids are written by hand,
// whatever the screens ask next: a field added to their queries must be
// added to the writer (and to TestHandWrittenListIsGqlgens), or the answer
// falls back to gqlgen unseen.
func TestListScreenIsHandWritten(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}).Schema()
	for query, want := range map[string]bool{
		testgql.IncidentListScreen:                                                                                  true,
		`{ incidents { edges { node { id summary } } } }`:                                                           false,
		`{ incidents { edges { node { id ... @defer { title } } } } }`:                                              false,
		`{ incidents { edges { node { tasks { title } } } } }`:                                                      false,
		`{ incidents { edges { node { ... on Incident { lead { username } } } } } }`:                                false,
		`mutation { recordForwards(incidentId: "00000000-0000-0000-0000-000000000001", forwards: []) { id } }`:      true,
		`mutation { recordForwards(incidentId: "00000000-0000-0000-0000-000000000001", forwards: []) { id note } }`: false,
	} {
		doc, err := gqlparser.LoadQuery(schema, query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		op := doc.Operations[0]
		oc := &graphql.OperationContext{Doc: doc, Operation: op, Variables: map[string]any{}}
		root := op.SelectionSet[0].(*ast.Field)
		if _, got := plan(oc, root.Definition.Type.Name(), root.SelectionSet); got != want {
			t.Errorf("%s: written by hand %v, want %v", query, got, want)
		}
	}
}

// A panic while the answer is written by hand (here the nil id, which no
// ID may be) leaves the answer to gqlgen, which meets it at its own field.
func TestHandWrittenLeavesAPanicToGqlgen(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}).Schema()
	doc, err := gqlparser.LoadQuery(schema, `{ incidents { totalCount edges { node { id } } } }`)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Operations[0]
	ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{Doc: doc, Operation: op, Variables: map[string]any{}})
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: op.SelectionSet[0].(*ast.Field),
		Selections: op.SelectionSet[0].(*ast.Field).SelectionSet}})
	page := &incident.Page{Incidents: []incident.Incident{{Reference: "LT-2026-00001"}}, Total: 1}
	got, failed := (&Resolver{}).handWritten(ctx, nil, func(context.Context) (any, error) { return page, nil })
	if failed != nil || got != page {
		t.Fatalf("got %v, %v; want the page for gqlgen", got, failed)
	}
}
