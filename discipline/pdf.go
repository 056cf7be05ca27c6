package discipline

import (
	_ "embed"
	"strings"
	"unicode"

	"github.com/signintech/gopdf"
)

// The report's two fonts, both subset into each PDF: DejaVu Sans for Latin
// text and punctuation (see fonts/DejaVuSans.LICENSE) and Droid Sans Fallback
// for Chinese, simplified and traditional (Apache License 2.0, see
// fonts/DroidSansFallbackFull.LICENSE), which has no Latin letters of its own.
var (
	//go:embed fonts/DejaVuSans.ttf
	latinFont []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	cjkFont []byte
)

// fontFor names the font that draws r: CJK from the CJK radicals block on
// (which takes in fullwidth punctuation), Latin below it.
func fontFor(r rune) string {
	if r >= 0x2E80 {
		return "cjk"
	}
	return "latin"
}

// A4 page geometry, in points.
const (
	pageWidth  = 595.28
	pageHeight = 841.89
	pageMargin = 50.0
	textWidth  = pageWidth - 2*pageMargin
	// quoteIndent sets quoted user text in from the margin, behind a bar.
	quoteIndent = 16.0
)

// pdfWriter lays out lines of mixed Latin and Chinese text on A4 pages.
type pdfWriter struct {
	pdf *gopdf.GoPdf
	y   float64
}

// RenderPDF lays out a Markdown report as an A4 PDF with its fonts embedded:
// headings by size, table rows as lines of cells, block quotes (the user's
// own text) indented behind a bar on every line, long lines wrapped.
func RenderPDF(markdown, title string) ([]byte, error) {
	w := &pdfWriter{pdf: &gopdf.GoPdf{}, y: pageMargin}
	w.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	w.pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "Leaktrail"})
	if err := w.pdf.AddTTFFontData("latin", latinFont); err != nil {
		return nil, err
	}
	if err := w.pdf.AddTTFFontData("cjk", cjkFont); err != nil {
		return nil, err
	}
	w.pdf.AddPage()
	for _, line := range strings.Split(markdown, "\n") {
		size, text, gap, quoted := lineStyle(line)
		if w.y += gap; text == "" {
			continue
		}
		if err := w.paragraph(unescape(text), size, quoted); err != nil {
			return nil, err
		}
	}
	return w.pdf.GetBytesPdfReturnErr()
}

// run is a stretch of text in one font.
type run struct {
	font  string
	text  string
	width float64
}

// paragraph writes text at size, wrapped to the text width; quoted text
// is indented and marked on each line.
func (w *pdfWriter) paragraph(text string, size float64, quoted bool) error {
	var line []run
	var lineWidth float64
	width := textWidth
	if quoted {
		width -= quoteIndent
	}
	for _, word := range splitBreakable(text) {
		runs, wordWidth, err := w.measure(word, size)
		if err != nil {
			return err
		}
		if lineWidth+wordWidth > width && len(line) > 0 {
			if err := w.writeLine(line, size, quoted); err != nil {
				return err
			}
			line, lineWidth = nil, 0
			if strings.TrimSpace(word) == "" {
				continue // no space at the start of a line
			}
		}
		line, lineWidth = append(line, runs...), lineWidth+wordWidth
	}
	return w.writeLine(line, size, quoted)
}

// splitBreakable cuts text where a line may break: before every CJK
// character, and around spaces in Latin text.
func splitBreakable(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if i > start && (fontFor(r) == "cjk" || unicode.IsSpace(r)) {
			out = append(out, text[start:i])
			start = i
		}
	}
	return append(out, text[start:])
}

// measure cuts a piece of text into runs by font and measures them.
func (w *pdfWriter) measure(text string, size float64) ([]run, float64, error) {
	var runs []run
	var total float64
	for _, r := range text {
		font := fontFor(r)
		if len(runs) == 0 || runs[len(runs)-1].font != font {
			runs = append(runs, run{font: font})
		}
		runs[len(runs)-1].text += string(r)
	}
	for i := range runs {
		if err := w.pdf.SetFont(runs[i].font, "", size); err != nil {
			return nil, 0, err
		}
		width, err := w.pdf.MeasureTextWidth(runs[i].text)
		if err != nil {
			return nil, 0, err
		}
		runs[i].width = width
		total += width
	}
	return runs, total, nil
}

// writeLine draws one line of runs, starting a page when this one is full;
// a quoted line starts with a bar and is indented.
func (w *pdfWriter) writeLine(line []run, size float64, quoted bool) error {
	height := size * 1.45
	if w.y+height > pageHeight-pageMargin {
		w.pdf.AddPage()
		w.y = pageMargin
	}
	x := pageMargin
	if quoted {
		if err := w.pdf.SetFont("latin", "", size); err != nil {
			return err
		}
		w.pdf.SetXY(x, w.y)
		if err := w.pdf.Cell(nil, quoteBar); err != nil {
			return err
		}
		x += quoteIndent
	}
	for _, r := range line {
		if err := w.pdf.SetFont(r.font, "", size); err != nil {
			return err
		}
		w.pdf.SetXY(x, w.y)
		if err := w.pdf.Cell(nil, r.text); err != nil {
			return err
		}
		x += r.width
	}
	w.y += height
	return nil
}

// quoteBar marks each line of quoted text, visibly and in the PDF's text.
const quoteBar = "│"

// lineStyle is the font size, text, space before and quoting of one Markdown
// line. Its text is still escaped Markdown.
func lineStyle(line string) (size float64, text string, gap float64, quoted bool) {
	switch {
	case strings.HasPrefix(line, "# "):
		return 18, strings.TrimPrefix(line, "# "), 0, false
	case strings.HasPrefix(line, "## "):
		return 14, strings.TrimPrefix(line, "## "), 10, false
	case strings.HasPrefix(line, "### "):
		return 12, strings.TrimPrefix(line, "### "), 6, false
	case strings.HasPrefix(line, "|---") || line == "---":
		return 10, "", 0, false
	case strings.HasPrefix(line, "| "):
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		for i, c := range cells {
			cells[i] = strings.Trim(c, "`")
		}
		return 9, strings.Join(cells, "    "), 0, false
	case strings.HasPrefix(line, "- "):
		return 10, "• " + strings.TrimPrefix(line, "- "), 0, false
	case line == ">":
		return 10, " ", 0, true // a blank line within a quote keeps its bar
	case strings.HasPrefix(line, "> "):
		return 10, strings.TrimPrefix(line, "> "), 0, true
	case line == "":
		return 10, "", 4, false
	}
	return 10, line, 0, false
}

// unescape undoes escapeMarkdown's backslashes for the PDF, which shows
// the text itself.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	escaped := false
	for _, r := range s {
		if !escaped && r == '\\' {
			escaped = true
			continue
		}
		if escaped && (r > 0x7F || !unicode.IsPunct(r) && !unicode.IsSymbol(r)) {
			b.WriteByte('\\')
		}
		escaped = false
		b.WriteRune(r)
	}
	if escaped {
		b.WriteByte('\\')
	}
	return b.String()
}
