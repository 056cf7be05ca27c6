package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/leaktrail/leaktrail/graph"
	"github.com/leaktrail/leaktrail/spread"
)

// bulkForwards decodes the batches of forwards of a large /graphql request
// itself: each variable the operation declares as a list of ForwardInput is
// read straight into []*spread.ForwardInput by encoding/json and handed to
// the resolver aside (graph.WithBulkForwards), gqlgen getting the request with
// an empty list in its place. gqlgen would decode it into maps, check them and
// convert them field by field, several times the work (the cost of
// recordForwards over GraphQL). A request this cannot take as it is (a value
// that is not a plain list of objects of the input's fields and types) goes
// to gqlgen untouched, which answers it as ever. It runs after boundGraphQL's
// bounds and the idempotency guard, which thus see and hash the request as
// sent.
func bulkForwards(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body) // in memory already: boundGraphQL read it
		if err == nil && len(body) > bulkBody {
			if small, byVariable := splitForwards(body); byVariable != nil {
				body = small
				r = r.WithContext(graph.WithBulkForwards(r.Context(), byVariable))
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// graphQLRequest is a POST body of /graphql, its variables left undecoded.
type graphQLRequest struct {
	Query         string                     `json:"query"`
	OperationName string                     `json:"operationName,omitempty"`
	Variables     map[string]json.RawMessage `json:"variables,omitempty"`
	Extensions    json.RawMessage            `json:"extensions,omitempty"`
}

// splitForwards returns the request with its lists of ForwardInput emptied,
// and those lists decoded; nil when it has none or one does not decode.
func splitForwards(body []byte) ([]byte, map[string][]*spread.ForwardInput) {
	var req graphQLRequest
	if json.Unmarshal(body, &req) != nil {
		return nil, nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		return nil, nil
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil {
		return nil, nil
	}
	byVariable := map[string][]*spread.ForwardInput{}
	for _, v := range op.VariableDefinitions {
		raw, ok := req.Variables[v.Variable]
		if v.Type.Elem == nil || v.Type.Elem.NamedType != "ForwardInput" || !ok || !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			continue
		}
		forwards, ok := decodeForwards(raw)
		if !ok {
			return nil, nil
		}
		byVariable[v.Variable] = forwards
		req.Variables[v.Variable] = json.RawMessage("[]")
	}
	if len(byVariable) == 0 {
		return nil, nil
	}
	small, err := json.Marshal(req)
	if err != nil {
		return nil, nil
	}
	return small, byVariable
}

// decodeForwards decodes a JSON list of forwards, a part of it on each
// core: the decode, not the recording, is most of the cost of a large batch
// over GraphQL, and the cores are otherwise idle meanwhile.
func decodeForwards(raw []byte) ([]*spread.ForwardInput, bool) {
	parts := splitArray(raw, runtime.GOMAXPROCS(0))
	decoded := make([][]*spread.ForwardInput, len(parts))
	ok := make([]bool, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() {
			dec := json.NewDecoder(bytes.NewReader(part))
			dec.DisallowUnknownFields()
			ok[i] = dec.Decode(&decoded[i]) == nil && !dec.More() && plainForwards(decoded[i])
		})
	}
	wg.Wait()
	if slices.Contains(ok, false) {
		return nil, false
	}
	return slices.Concat(decoded...), true
}

// splitArray cuts a JSON array into at most n arrays of its elements, of
// about the same size, by a scan that only follows strings and nesting.
func splitArray(raw []byte, n int) [][]byte {
	raw = bytes.TrimSpace(raw)
	if n < 2 || len(raw) < 2 {
		return [][]byte{raw}
	}
	inner := raw[1 : len(raw)-1]
	size := len(inner) / n
	var parts [][]byte
	cut := func(element []byte) { parts = append(parts, slices.Concat([]byte("["), element, []byte("]"))) }
	start, depth, inString, escaped := 0, 0, false, false
	for i, c := range inner {
		switch {
		case escaped:
			escaped = false
		case inString:
			escaped, inString = c == '\\', c != '"'
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0 && i-start >= size && len(parts) < n-1:
			cut(inner[start:i])
			start = i + 1
		}
	}
	cut(inner[start:])
	return parts
}

// plainForwards tells whether a batch decoded by encoding/json holds what
// GraphQL would have given: no null element, and the enumerations' values
// among the schema's (spread checks the rest of each row as it records it).
func plainForwards(forwards []*spread.ForwardInput) bool {
	for _, f := range forwards {
		if f == nil || !among(f.Method, spread.Methods) || f.Confidence != nil && !among(*f.Confidence, spread.Confidences) {
			return false
		}
		for _, a := range f.Alterations {
			if !among(a, spread.Alterations) {
				return false
			}
		}
		for _, r := range [3]*spread.NodeRef{&f.From, &f.To, &f.By} {
			if !among(r.Kind, spread.NodeKinds) || r.Exposure != nil && !among(*r.Exposure, spread.Exposures) ||
				r.Platform != nil && !among(*r.Platform, spread.Platforms) {
				return false
			}
		}
	}
	return true
}

func among[T comparable](v T, valid []T) bool { return slices.Contains(valid, v) }
