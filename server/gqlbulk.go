package server

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
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
// read straight into []*spread.ForwardInput (forwardReader) and handed to
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
// and those lists decoded; nil when it has none or one does not decode. The
// body is valid JSON (boundGraphQL checked it), so the lists are found by a
// scan of its bytes, and only the rest, a few hundred bytes, is decoded
// whole: decoding 20 MB into raw values just to find them cost more than
// recording the forwards they hold.
func splitForwards(body []byte) ([]byte, map[string][]*spread.ForwardInput) {
	arrays, ok := variableArrays(body)
	if !ok || len(arrays) == 0 {
		return nil, nil
	}
	var req graphQLRequest
	if json.Unmarshal(withoutRanges(body, slices.Collect(maps.Values(arrays))), &req) != nil {
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
	var emptied [][2]int
	for _, v := range op.VariableDefinitions {
		at, ok := arrays[v.Variable]
		if v.Type.Elem == nil || v.Type.Elem.NamedType != "ForwardInput" || !ok {
			continue
		}
		forwards, ok := decodeForwards(body[at[0]:at[1]])
		if !ok {
			return nil, nil
		}
		byVariable[v.Variable] = forwards
		emptied = append(emptied, at)
	}
	if len(byVariable) == 0 {
		return nil, nil
	}
	return withoutRanges(body, emptied), byVariable
}

// withoutRanges is body with each of the array values at these ranges written as [].
func withoutRanges(body []byte, ranges [][2]int) []byte {
	slices.SortFunc(ranges, func(a, b [2]int) int { return a[0] - b[0] })
	out := make([]byte, 0, 1024)
	last := 0
	for _, r := range ranges {
		out = append(append(out, body[last:r[0]]...), "[]"...)
		last = r[1]
	}
	return append(out, body[last:]...)
}

// variableArrays finds where, in a body of valid JSON, the members of its
// top-level "variables" object that are arrays lie, by name. ok is false
// for a body this leaves to gqlgen: not an object, "variables" or a name
// given twice, a key written with escapes, or a top-level key other than
// the four of a request (gqlgen reads those in any case: "Variables" would
// be its variables too).
func variableArrays(body []byte) (arrays map[string][2]int, ok bool) {
	arrays = map[string][2]int{}
	seen := false
	_, ok = members(body, 0, func(key string, at int) (int, bool) {
		if !slices.Contains(requestKeys, key) {
			return 0, false
		}
		if key != "variables" || body[at] != '{' {
			return valueEnd(body, at), true
		}
		if seen {
			return 0, false
		}
		seen = true
		return members(body, at, func(name string, at int) (int, bool) {
			end := valueEnd(body, at)
			if _, twice := arrays[name]; twice {
				return 0, false
			}
			if body[at] == '[' {
				arrays[name] = [2]int{at, end}
			}
			return end, true
		})
	})
	return arrays, ok
}

var requestKeys = []string{"query", "operationName", "variables", "extensions"}

// members calls member with each key of the object that starts at body[at]
// and where its value starts; member returns where that value ends. It
// returns where the object ends, and false when the object is not there, a
// key has escapes, or member says so.
func members(body []byte, at int, member func(key string, at int) (int, bool)) (int, bool) {
	i := skipSpace(body, at)
	if i >= len(body) || body[i] != '{' {
		return 0, false
	}
	for i = skipSpace(body, i+1); i < len(body) && body[i] != '}'; i = skipSpace(body, i) {
		if body[i] == ',' {
			i = skipSpace(body, i+1)
		}
		end := valueEnd(body, i)
		key := body[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return 0, false
		}
		i = skipSpace(body, skipSpace(body, end)+1) // past the colon
		next, ok := member(string(key), i)
		if !ok {
			return 0, false
		}
		i = next
	}
	return i + 1, i < len(body)
}

func skipSpace(body []byte, i int) int {
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	return i
}

// valueEnd is where the JSON value starting at body[i] ends.
func valueEnd(body []byte, i int) int {
	depth := 0
	for ; i < len(body); i++ {
		switch c := body[i]; c {
		case '"':
			for i++; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// decodeForwards reads a JSON list of forwards, a part of it on each core:
// the decode, not the recording, is most of the cost of a large batch over
// GraphQL, and the cores are otherwise idle meanwhile.
func decodeForwards(raw []byte) ([]*spread.ForwardInput, bool) {
	parts := splitArray(raw, runtime.GOMAXPROCS(0))
	decoded := make([][]*spread.ForwardInput, len(parts))
	ok := make([]bool, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() { decoded[i], ok[i] = readForwards(part) })
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
