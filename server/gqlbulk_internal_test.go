package server

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// A JSON list cut for decoding on several cores holds the same elements,
// whatever commas, brackets and escaped quotes its strings hold.
func TestSplitArrayKeepsEveryElement(t *testing.T) {
	raw := []byte(` [{"a":"x,y]"},{"b":["}",{"c":"\"],["}]},"\\",1,[2,[3]],{"d":"\\\""}, {"e":"é,"} ] `)
	var whole []any
	if err := json.Unmarshal(raw, &whole); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 8; n++ {
		var joined []any
		parts := splitArray(raw, n)
		for _, p := range parts {
			var part []any
			if err := json.Unmarshal(p, &part); err != nil {
				t.Fatalf("%d parts: %s: %v", n, p, err)
			}
			joined = append(joined, part...)
		}
		if !reflect.DeepEqual(joined, whole) || len(parts) > n {
			t.Fatalf("%d parts: %d, %v", n, len(parts), joined)
		}
	}
	if parts := splitArray([]byte("[]"), 4); len(parts) != 1 || string(parts[0]) != "[]" {
		t.Fatalf("empty: %q", parts)
	}
}

// The scan that finds a body's array variables finds exactly the values
// encoding/json reads there, for bodies of every shape of whitespace,
// nesting and string (brackets, quotes and escapes inside strings included),
// and leaves to gqlgen the bodies it cannot read plainly.
func TestVariableArraysAreWhatJSONReads(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 27))
	texts := []string{`x`, `a,b]`, `}{`, `\"],[`, `\\`, `é"[`, `\u005b`, ` `, ``}
	space := func() string { return []string{"", " ", "\n\t", "\r\n  "}[r.IntN(4)] }
	var value func(depth int) string
	value = func(depth int) string {
		switch k := r.IntN(7); {
		case k == 0 || depth > 3:
			return []string{`1`, `-2.5e3`, `true`, `null`, strconv.Quote(texts[r.IntN(len(texts))])}[r.IntN(5)]
		case k < 4:
			var items []string
			for range r.IntN(4) {
				items = append(items, space()+value(depth+1)+space())
			}
			return "[" + strings.Join(items, ",") + "]"
		default:
			var fields []string
			for i := range r.IntN(4) {
				fields = append(fields, space()+strconv.Quote(fmt.Sprint("k", i, texts[r.IntN(len(texts))]))+space()+":"+space()+value(depth+1))
			}
			return "{" + strings.Join(fields, ",") + "}"
		}
	}
	for range 2000 {
		var vars []string
		for i := range r.IntN(5) {
			vars = append(vars, space()+fmt.Sprintf(`"v%d"`, i)+space()+":"+space()+value(0)+space())
		}
		members := []string{`"query":"query($f: [ForwardInput!]!) { x }"`, `"variables":{` + strings.Join(vars, ",") + `}`,
			`"extensions":` + value(0), `"operationName":null`}
		r.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		body := []byte(space() + "{" + space() + strings.Join(members, space()+","+space()) + space() + "}" + space())
		var want struct{ Variables map[string]json.RawMessage }
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		got, ok := variableArrays(body)
		if !ok {
			t.Fatalf("refused: %s", body)
		}
		for name, raw := range want.Variables {
			at, found := got[name]
			if isArray := raw[0] == '['; isArray != found || found && string(body[at[0]:at[1]]) != string(raw) {
				t.Fatalf("%s: variable %s is %s, found %v", body, name, raw, found)
			}
		}
		if len(got) > len(want.Variables) {
			t.Fatalf("%s: found %v", body, got)
		}
	}
	for _, body := range []string{
		`[1]`,
		`{"variables":{"f":[1]},"variables":{"f":[2]}}`,
		`{"variables":{"f":[1],"f":[2]}}`,
		`{"variables":{"\u0066":[1]}}`,
		`{"variabl\u0065s":{"f":[1]},"variables":{"f":[2]}}`,
	} {
		if _, ok := variableArrays([]byte(body)); ok {
			t.Errorf("%s: not left to gqlgen", body)
		}
	}
}
