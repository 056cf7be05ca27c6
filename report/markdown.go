package report

import (
	"fmt"
	"strings"

	"github.com/leaktrail/leaktrail/internal/text"
)

// Markdown writes the document as Markdown, its marking on the first and
// the last line. Every piece of text is escaped: it reads as itself, never
// as markup.
func Markdown(d Document) string {
	var b strings.Builder
	if d.Marking != "" {
		fmt.Fprintf(&b, "**%s**\n\n", inline(d.Marking))
	}
	fmt.Fprintf(&b, "# %s\n", inline(d.Title))
	for _, block := range d.Blocks {
		b.WriteString("\n")
		switch x := block.(type) {
		case Heading:
			fmt.Fprintf(&b, "%s %s\n", strings.Repeat("#", min(max(x.Level, 1), 3)+1), inline(x.Text))
		case Paragraph:
			fmt.Fprintf(&b, "%s\n", escapeMarkdown(x.Text))
		case Quote:
			fmt.Fprintf(&b, "%s\n", quote(x.Text))
		case Fields:
			b.WriteString("| | |\n|---|---|\n")
			for _, f := range x {
				fmt.Fprintf(&b, "| %s | %s |\n", inline(f[0]), inline(f[1]))
			}
		case List:
			for i, item := range x.Items {
				mark := "-"
				if x.Ordered {
					mark = fmt.Sprintf("%d.", i+1)
				}
				fmt.Fprintf(&b, "%s %s\n", mark, inline(item))
			}
		case Table:
			row := func(cells []string, code func(int) bool) {
				b.WriteString("|")
				for i, c := range cells {
					if code(i) && c != "" {
						fmt.Fprintf(&b, " `%s` |", strings.ReplaceAll(inlineSpace(c), "`", ""))
					} else {
						fmt.Fprintf(&b, " %s |", inline(c))
					}
				}
				b.WriteString("\n")
			}
			titles := make([]string, len(x.Columns))
			for i, c := range x.Columns {
				titles[i] = c.Title
			}
			row(titles, func(int) bool { return false })
			b.WriteString("|" + strings.Repeat("---|", len(x.Columns)) + "\n")
			for _, r := range x.Rows {
				row(r, func(i int) bool { return i < len(x.Columns) && x.Columns[i].Code })
			}
		}
	}
	if d.Marking != "" {
		fmt.Fprintf(&b, "\n**%s**\n", inline(d.Marking))
	}
	return b.String()
}

// escapeMarkdown makes text plain text in Markdown: every character that
// marks up inline (emphasis, code, links, raw HTML, entities, table cells,
// headings) is escaped with a backslash, and on each line whatever could
// start a block (a list, a quote, a heading, a setext underline, an indented
// code block) is escaped or trimmed. Line breaks are kept.
func escapeMarkdown(s string) string {
	lines := strings.Split(text.Lines(s), "\n")
	for i, line := range lines {
		line = strings.TrimLeft(line, " \t\r")
		var b strings.Builder
		for j, r := range line {
			if strings.ContainsRune("\\`*_[]<>|#~&", r) || (j == 0 && strings.ContainsRune("-+=", r)) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		line = b.String()
		if digits := len(line) - len(strings.TrimLeft(line, "0123456789")); digits > 0 && digits < len(line) &&
			(line[digits] == '.' || line[digits] == ')') {
			line = line[:digits] + "\\" + line[digits:]
		}
		lines[i] = strings.TrimRight(line, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// inlineSpace folds text onto one line.
func inlineSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// inline is text within one line: a table cell, a list item, a heading.
func inline(s string) string { return escapeMarkdown(inlineSpace(s)) }

// quote is text of any length as a block quote, so that it reads as quoted,
// never as part of the report's own structure.
func quote(s string) string {
	lines := strings.Split(escapeMarkdown(strings.TrimSpace(s)), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}
