package server

import (
	"encoding/json"
	"reflect"
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
