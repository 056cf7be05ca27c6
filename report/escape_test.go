package report

import "testing"

func TestEscapeMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, 2026-01-02":           "plain text, 2026-01-02",
		"杨某（直接责任）":                         "杨某（直接责任）",
		"## Forged heading":                `\#\# Forged heading`,
		"   # indented heading":            `\# indented heading`,
		"<script>alert(1)</script>":        `\<script\>alert(1)\</script\>`,
		"&lt;b&gt;":                        `\&lt;b\&gt;`,
		"> quoted":                         `\> quoted`,
		"- item":                           `\- item`,
		"+ item":                           `\+ item`,
		"* item":                           `\* item`,
		"1. item":                          `1\. item`,
		"12) item":                         `12\) item`,
		"2026 was":                         "2026 was",
		"| a | b |":                        `\| a \| b \|`,
		"[click](http://x)":                `\[click\](http://x)`,
		"![img](x)":                        `!\[img\](x)`,
		"**bold** _em_ `code` ~~del~~":     `\*\*bold\*\* \_em\_ \` + "`" + `code\` + "`" + ` \~\~del\~\~`,
		`back\slash`:                       `back\\slash`,
		"title\n===":                       "title\n\\===",
		"title\n---":                       "title\n\\---",
		"        code block":               "code block",
		"line one\r\n## two\n\n3. three  ": "line one\n\\#\\# two\n\n3\\. three",
		"lone\r# CR":                       "lone\n\\# CR",
	} {
		if got := escapeMarkdown(in); got != want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"a\nb":       "a b",
		"## x\n## y": `\#\# x \#\# y`,
	} {
		if got := inline(in); got != want {
			t.Errorf("inline(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := quote("first\n\n## second\n"), "> first\n>\n> \\#\\# second"; got != want {
		t.Errorf("quote = %q, want %q", got, want)
	}
	if got, want := quote("first\r## second\r\nthird"), "> first\n> \\#\\# second\n> third"; got != want {
		t.Errorf("quote with CRs = %q, want %q", got, want)
	}
}
