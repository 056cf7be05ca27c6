package graph

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// graph/ holds only hand-written code: gqlgen's executor is generated into
// graph/generated (the resolver files are gqlgen's stubs, filled by hand, and
// carry no DO NOT EDIT marker).
func TestGraphHoldsNoGeneratedCode(t *testing.T) {
	marker := regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if marker.Match(src) {
			t.Errorf("%s is generated code; gqlgen.yml's exec belongs in graph/generated", f)
		}
	}
	if _, err := os.Stat("generated/generated.go"); err != nil {
		t.Errorf("the executor is not in graph/generated: %v", err)
	}
}
