package text

import (
	"testing"

	"github.com/leaktrail/leaktrail/apperr"
)

func TestLineAndBlock(t *testing.T) {
	for _, tc := range []struct {
		in          string
		line, block bool // accepted
	}{
		{"Quarterly plan 2026", true, true},
		{"季度计划（机密）", true, true},
		{"", true, true},
		{"a\nb", false, true},
		{"a\tb", false, true},
		{"a\r\nb", false, true},
		{"invoice\u202Egpj.exe", false, false},
		{"a\u202Ab", false, false},
		{"a\u2066b\u2069", false, false},
		{"a\u200Fb", false, false},
		{"a\u061Cb", false, false},
		{"bell\x07", false, false},
		{"esc\x1b[31m", false, false},
		{"nul\x00", false, false},
		{"del\x7f", false, false},
		{"c1\u0085", false, false},
		{"sep\u2028", false, false},
		{"bad\xffutf8", false, false},
		{"zero\u200Bwidth", false, false},
		{"word\u2060joiner", false, false},
		{"\uFEFFbom", false, false},
		{"line\nwith\uFEFF", false, false},
		{"mongolian\u180Evowel", false, false},
		{"family 👩\u200D👩\u200D👧", true, true},
		{"می\u200Cخواهم", true, true},
	} {
		if err := Line("title", tc.in); (err == nil) != tc.line {
			t.Errorf("Line(%q) = %v, want accepted %v", tc.in, err, tc.line)
		} else if err != nil {
			if e, _ := apperr.As(err); e.Code != apperr.InvalidInput || e.Field != "title" {
				t.Errorf("Line(%q) = %#v, want INVALID_INPUT on title", tc.in, e)
			}
		}
		if err := Block("summary", tc.in); (err == nil) != tc.block {
			t.Errorf("Block(%q) = %v, want accepted %v", tc.in, err, tc.block)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":           "report.pdf",
		"invoice\u202Egpj.exe": "invoice_gpj.exe",
		"a\nb\tc\x00d":         "a_b_c_d",
		"截图\u2066x\u2069.png":  "截图_x_.png",
		"bad\xffutf8":          "bad_utf8",
		"a\u200Bb\uFEFF":       "a_b_",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
		if err := Line("f", Clean(in)); err != nil {
			t.Errorf("Line(Clean(%q)) = %v", in, err)
		}
	}
}

func TestLines(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"one line":         "one line",
		"a\nb":             "a\nb",
		"a\r\nb\r\n":       "a\nb\n",
		"a\rb":             "a\nb",
		"a\r\rb\r":         "a\n\nb\n",
		"mixed\r\n\r\nend": "mixed\n\nend",
	} {
		if got := Lines(in); got != want {
			t.Errorf("Lines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"SECRET":            "SECRET",
		"12":                "12",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+1":                "'+1",
		"-2+3":              "'-2+3",
		"@SUM(A1)":          "'@SUM(A1)",
		"\t=1":              "'\t=1",
		"\r=1":              "'\r=1",
		"a=b":               "a=b",
		" =1":               " =1",
		"'already quoted":   "'already quoted",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}
