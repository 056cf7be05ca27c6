package locales

import (
	"regexp"
	"slices"
	"testing"
)

var placeholder = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// TestParity holds the three catalogs to the same keys, each label non-empty
// and naming the same placeholders in every language.
func TestParity(t *testing.T) {
	want := Keys("en")
	slices.Sort(want)
	for _, lang := range Languages {
		got := Keys(lang)
		slices.Sort(got)
		for _, k := range want {
			if !Has(lang, k) {
				t.Errorf("%s lacks %s", lang, k)
			}
		}
		for _, k := range got {
			if !Has("en", k) {
				t.Errorf("%s has %s, which en lacks", lang, k)
			}
			if Label(lang, k) == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
			if a, b := names(Label(lang, k)), names(Label("en", k)); !slices.Equal(a, b) {
				t.Errorf("%s: %s names %v, en names %v", lang, k, a, b)
			}
		}
	}
}

func names(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestLabel(t *testing.T) {
	if got := Label("zh-CN", "stage.CLOSED"); got != "结案" {
		t.Errorf("stage.CLOSED in zh-CN is %q", got)
	}
	if got := Label("zh-CN", "no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key reads %q", got)
	}
}
