// Package report lays out a case document — headings, fields, tables, lists
// and the user's own text set apart — as Markdown, PDF and DOCX from one
// model, so the three say the same thing. User text is only ever data in
// the model: no renderer parses it, so it cannot pass for the document's
// own structure.
package report

// Document is one report.
type Document struct {
	// Title is the first heading and the files' metadata title.
	Title string
	// Marking is the classification marking printed at the top and the foot
	// of every page (e.g. "机密★10年"); empty for none.
	Marking string
	// PageLabel words a page number with {{page}} and {{pages}}, e.g.
	// "第 {{page}} 页 共 {{pages}} 页"; empty for no numbers.
	PageLabel string
	// Language is the document's BCP 47 language (zh-CN, zh-TW, en).
	Language string
	Blocks   []Block
}

// Block is a piece of a document.
type Block interface{ block() }

// Heading is a section heading, Level 1 to 3.
type Heading struct {
	Level int
	Text  string
}

// Paragraph is the report's own sentence.
type Paragraph struct{ Text string }

// Quote is text someone typed into the case, set apart from the report's
// own words.
type Quote struct{ Text string }

// Fields are label and value pairs.
type Fields [][2]string

// List is a bulleted or numbered list.
type List struct {
	Ordered bool
	Items   []string
}

// Table is a table with a header row.
type Table struct {
	Columns []Column
	Rows    [][]string
}

// Column is a table column: its title, its share of the width, and whether
// its cells are codes (hashes, ids) set in a fixed-width style that may break
// anywhere.
type Column struct {
	Title string
	Width float64
	Code  bool
}

func (Heading) block()   {}
func (Paragraph) block() {}
func (Quote) block()     {}
func (Fields) block()    {}
func (List) block()      {}
func (Table) block()     {}
