package graph

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/leaktrail/leaktrail/graph/generated"
)

// post answers every request as gqlgen's transport.POST does — the same
// status, media type and JSON — only without encoding the data twice, and
// without quoting back a body that is not JSON (it can be megabytes).
func TestPostAnswersAsGqlgensPOST(t *testing.T) {
	t.Parallel()
	serve := func(tr graphql.Transport) http.Handler {
		srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}))
		srv.AddTransport(tr)
		return srv
	}
	ours, theirs := serve(post{}), serve(transport.POST{})
	for _, c := range []struct{ name, accept, body string }{
		{"data", "", `{"query":"{ __typename a: __typename }"}`},
		{"data, graphql-response", "application/graphql-response+json", `{"query":"{ __typename }"}`},
		{"data, anything", "*/*", `{"query":"query Q { __typename }","operationName":"Q"}`},
		{"data, unknown media", "text/html", `{"query":"{ __typename }"}`},
		{"null data and an error", "application/json", `{"query":"{ me { id } incidents(first: 1) { totalCount } }"}`},
		{"no such field", "", `{"query":"{ nothing }"}`},
		{"no such field, graphql-response", "application/graphql-response+json", `{"query":"{ nothing }"}`},
		{"does not parse, with markup", "", `{"query":"{ <script> }"}`},
		{"not JSON", "", `{"query":`},
		{"variables of the wrong type", "", `{"query":"query($n: Int) { __typename }","variables":{"n":"x"}}`},
		{"no operation", "", `{"query":""}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			answer := func(h http.Handler) (int, string, any) {
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(c.body))
				r.Header.Set("Content-Type", "application/json")
				if c.accept != "" {
					r.Header.Set("Accept", c.accept)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				var body any
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
					t.Fatalf("not JSON: %v: %s", err, w.Body)
				}
				return w.Code, w.Header().Get("Content-Type"), body
			}
			status, media, body := answer(ours)
			wantStatus, wantMedia, wantBody := answer(theirs)
			if errs, ok := wantBody.(map[string]any)["errors"].([]any); ok {
				for _, e := range errs {
					e := e.(map[string]any)
					e["message"], _, _ = strings.Cut(e["message"].(string), " body:")
				}
			}
			if status != wantStatus || media != wantMedia || !reflect.DeepEqual(body, wantBody) {
				t.Errorf("post: %d %s %v\ngqlgen: %d %s %v", status, media, body, wantStatus, wantMedia, wantBody)
			}
		})
	}
}
