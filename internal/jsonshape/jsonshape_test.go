package jsonshape

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	l := Limits{Depth: 3, Containers: 4, Values: 10}
	for _, tc := range []struct {
		doc  string
		fail string
	}{
		{`{"query":"{me{id}}"}`, ""},
		{`{"a":{"b":{"c":1}}}`, ""},
		{`{"a":{"b":{"c":[1]}}}`, "deeper than 3"},
		{`[[],[],[],[]]`, "more than 4 objects"},
		{`[1,2,3,4,5,6,7,8,9,10,11]`, "more than 10 values"},
		// Brackets, braces and commas inside strings are text, escaped quotes too.
		{`{"q":"[[[[[[{{{{,,,,,,,,\"[[[["}`, ""},
		{`{"q":"\\","x":[[[[1]]]]}`, "deeper than 3"},
	} {
		err := Check([]byte(tc.doc), l)
		if (err == nil) != (tc.fail == "") || err != nil && !strings.Contains(err.Error(), tc.fail) {
			t.Errorf("%s: %v, want %q", tc.doc, err, tc.fail)
		}
	}
}

// What passes the check decodes within a bounded number of values, whatever its form.
func FuzzCheckBoundsDecoding(f *testing.F) {
	f.Add(`{"variables":{"x":[{"a":[1,2,3,4]}]}}`)
	f.Add(`[[[["\"]"]]]]`)
	l := Limits{Depth: 8, Containers: 20, Values: 50}
	f.Fuzz(func(t *testing.T, doc string) {
		var v any
		if Check([]byte(doc), l) != nil || json.Unmarshal([]byte(doc), &v) != nil {
			return
		}
		containers, values, depth := count(v, 1)
		if depth > l.Depth || containers > l.Containers || values > l.Values+1 {
			t.Fatalf("%q passed but decodes to depth %d, %d containers, %d values", doc, depth, containers, values)
		}
	})
}

func count(v any, d int) (containers, values, depth int) {
	depth = d - 1
	var kids []any
	switch v := v.(type) {
	case []any:
		kids = v
	case map[string]any:
		for _, k := range v {
			kids = append(kids, k)
		}
	default:
		return 0, 1, depth
	}
	containers, values, depth = 1, 1, d
	for _, k := range kids {
		c, n, kd := count(k, d+1)
		containers, values, depth = containers+c, values+n, max(depth, kd)
	}
	return containers, values, depth
}
