package server

import (
	"bytes"
	"slices"

	"encoding/json"
	"fmt"
	"github.com/leaktrail/leaktrail/spread"
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
		`{"variables":{"f":[1]},"Variables":{"f":[2]}}`,
		`{"VARIABLES":{"f":[1]}}`,
		`{"variables":{"f":[1]},"other":1}`,
	} {
		if _, ok := variableArrays([]byte(body)); ok {
			t.Errorf("%s: not left to gqlgen", body)
		}
	}
}

// randomForwardsJSON writes n random forwards in the GraphQL form, in the
// many ways a client may: fields in any order, optional ones left out or
// null, any white space, strings with escapes, Chinese and bytes that are
// not UTF-8.
func randomForwardsJSON(r *rand.Rand, n int) []byte {
	space := func() string { return []string{"", "", " ", "\n\t", "\r\n  "}[r.IntN(5)] }
	texts := []string{"张三", "工作群", `a"b`, `\`, "x\ny", "<&>", "\u2028", "\xff\xfe", "", "😀", "key-1"}
	str := func() string {
		b, _ := json.Marshal(texts[r.IntN(len(texts))] + strconv.Itoa(r.IntN(3)))
		s := string(b)
		if r.IntN(4) == 0 && len(s) > 2 && s[1] < 0x80 && s[1] != '\\' {
			s = fmt.Sprintf(`"\u%04x%s`, s[1], s[2:]) // the first character escaped
		}
		return s
	}
	pick := func(values ...string) string { return strconv.Quote(values[r.IntN(len(values))]) }
	object := func(required, optional map[string]func() string) string {
		var fields []string
		for k, v := range required {
			fields = append(fields, space()+strconv.Quote(k)+space()+":"+space()+v()+space())
		}
		for k, v := range optional {
			switch r.IntN(3) {
			case 0:
				fields = append(fields, space()+strconv.Quote(k)+":"+space()+v())
			case 1:
				fields = append(fields, strconv.Quote(k)+":null")
			}
		}
		r.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
		return "{" + strings.Join(fields, ",") + "}"
	}
	list := func(element func() string) func() string {
		return func() string {
			var items []string
			for range r.IntN(3) {
				items = append(items, space()+element())
			}
			return "[" + strings.Join(items, ",") + space() + "]"
		}
	}
	at := func() string {
		return pick("2026-11-27T08:30:00Z", "2026-11-27T16:30:00.123456789+08:00", "2026-02-29T00:00:00Z", "2026-11-27 08:30:00")
	}
	node := func() string {
		return object(map[string]func() string{"key": str, "kind": func() string { return pick("PERSON", "GROUP_CHAT", "WEBSITE", "person") }},
			map[string]func() string{
				"name": str, "unit": str, "position": str, "handles": list(str),
				"exposure":    func() string { return pick("INTERNAL", "PUBLIC") },
				"memberCount": func() string { return []string{"0", "500", "-3", "1.5", "1e3", "99999999999999999999"}[r.IntN(6)] },
				"cleared":     func() string { return []string{"true", "false"}[r.IntN(2)] },
				"platform":    func() string { return pick("WECHAT", "QQ", "MYSPACE") },
			})
	}
	var items []string
	for range n {
		items = append(items, space()+object(
			map[string]func() string{"key": str, "at": at, "from": node, "to": node, "by": node,
				"method": func() string { return pick("FORWARD", "PHOTO", "FAXED") }},
			map[string]func() string{"itemKey": str, "note": str, "recalledAt": at,
				"alterations": list(func() string { return pick("RETYPED", "OCR_CONVERTED") }),
				"misSent":     func() string { return "true" },
				"confidence":  func() string { return pick("SUSPECTED", "CONFIRMED") },
			}))
	}
	return []byte(space() + "[" + strings.Join(items, ",") + space() + "]" + space())
}

// What the forward reader accepts it reads exactly as encoding/json does,
// and it accepts every list in the GraphQL form whose values encoding/json
// reads and the schema allows; so does a list broken in random places.
func TestForwardReaderReadsAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 27))
	jsonReads := func(raw []byte) ([]*spread.ForwardInput, bool) {
		var want []*spread.ForwardInput
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		return want, dec.Decode(&want) == nil && !dec.More() && plainForwards(want)
	}
	accepted, refused := 0, 0
	for range 3000 {
		raw := randomForwardsJSON(r, r.IntN(4))
		if r.IntN(2) == 0 { // broken: a byte cut, doubled or changed
			i := r.IntN(len(raw))
			switch r.IntN(3) {
			case 0:
				raw = slices.Delete(raw, i, i+1)
			case 1:
				raw = slices.Insert(raw, i, raw[i])
			default:
				raw[i] = `{}[]",:0n\ x`[r.IntN(12)]
			}
		}
		want, wantOK := jsonReads(raw)
		got, ok := readForwards(raw)
		switch {
		case ok && (!wantOK || !reflect.DeepEqual(got, want)):
			t.Fatalf("%s\nread as %s, encoding/json: %v %s", raw, show(got), wantOK, show(want))
		case wantOK && !ok && strictlyGraphQL(raw):
			t.Fatalf("%s: refused", raw)
		case ok:
			accepted++
		default:
			refused++
		}
	}
	if accepted < 500 || refused < 500 {
		t.Fatalf("accepted %d, refused %d: the cases do not cover both", accepted, refused)
	}
	for _, raw := range []string{
		`[null]`,
		`[{"key":null,"at":"2026-11-27T08:30:00Z","method":"FORWARD","from":{"key":"a","kind":"PERSON"},"to":{"key":"b","kind":"PERSON"},"by":{"key":"a","kind":"PERSON"}}]`,
		`[{"key":"k","at":"2026-11-27T08:30:00Z","method":"FORWARD","from":{"key":"a","kind":"PERSON"},"to":{"key":"b","kind":"PERSON"}}]`,
		`[{"key":"k","key":"l","at":"2026-11-27T08:30:00Z","method":"FORWARD","from":{"key":"a","kind":"PERSON"},"to":{"key":"b","kind":"PERSON"},"by":{"key":"a","kind":"PERSON"}}]`,
		`[{"KEY":"k","at":"2026-11-27T08:30:00Z","method":"FORWARD","from":{"key":"a","kind":"PERSON"},"to":{"key":"b","kind":"PERSON"},"by":{"key":"a","kind":"PERSON"}}]`,
		`[{"key":"k","at":"2026-11-27T08:30:00Z","method":"FORWARD","from":{"key":"a","kind":"PERSON","extra":1},"to":{"key":"b","kind":"PERSON"},"by":{"key":"a","kind":"PERSON"}}]`,
		`[{"key":"k","at":"2026-11-27T08:30:00Z","method":"FORWARD","from":{"key":"a","kind":"PERSON","memberCount":01},"to":{"key":"b","kind":"PERSON"},"by":{"key":"a","kind":"PERSON"}}]`,
	} {
		if got, ok := readForwards([]byte(raw)); ok {
			t.Errorf("%s: read as %s", raw, show(got))
		}
	}
}

// strictlyGraphQL tells whether raw, which encoding/json reads, keeps to
// what the reader requires beyond it: no key given twice, none written
// in another case, no null for a required field. The generator only breaks
// these by a changed byte, so raw is checked by reading it as maps.
func strictlyGraphQL(raw []byte) bool {
	var list []map[string]any
	if json.Unmarshal(raw, &list) != nil {
		return false
	}
	required := map[string]bool{"key": true, "at": true, "method": true, "from": true, "to": true, "by": true, "kind": true}
	var plain func(m map[string]any, want int) bool
	plain = func(m map[string]any, want int) bool {
		n := 0
		for k, v := range m {
			if required[k] {
				n++
				if v == nil {
					return false
				}
			}
			if sub, ok := v.(map[string]any); ok && !plain(sub, 2) {
				return false
			}
		}
		return n == want
	}
	for _, m := range list {
		if !plain(m, 6) || bytes.Count(raw, []byte(`"key"`)) != 4*len(list) {
			return false
		}
	}
	return true
}

func show(forwards []*spread.ForwardInput) string {
	b, _ := json.Marshal(forwards)
	return string(b)
}

// plainForwards tells whether a batch decoded by encoding/json holds what
// GraphQL would have given, as the forward reader requires: no null element, and the enumerations' values
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
