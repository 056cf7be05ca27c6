package report

import (
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/signintech/gopdf"
	"github.com/signintech/gopdf/fontmaker/core"

	"github.com/leaktrail/leaktrail/internal/text"
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

// ascents are each font's typographic ascender as a share of its size.
// gopdf hangs a run from the top of its cell by its own font's ascender, so
// each run is drawn that much above one shared baseline: Latin and Chinese
// then sit on the same line.
var ascents = sync.OnceValue(func() map[string]float64 {
	of := func(font []byte) float64 {
		var p core.TTFParser
		if err := p.ParseFontData(font); err != nil {
			panic(err) // embedded above
		}
		return float64(p.TypoAscender()) / float64(p.UnitsPerEm())
	}
	return map[string]float64{"latin": of(latinFont), "cjk": of(cjkFont)}
})

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
	margin     = 56.0 // about 2 cm
	bodyTop    = 76.0
	bodyBottom = pageHeight - 76.0
	textWidth  = pageWidth - 2*margin
	// quoteIndent sets quoted user text in from the margin, behind a bar.
	quoteIndent = 16.0
	cellPad     = 4.0
	bodySize    = 10.0
	tableSize   = 9.0
	codeSize    = 7.5
)

// quoteBar marks each line of quoted text, visibly and in the PDF's text.
const quoteBar = "│"

// PDF lays the document out on A4 pages with its fonts embedded: the
// marking at the top and the foot of every page, page numbers, tables with
// ruled cells whose header repeats on each page, quoted text behind a bar.
func PDF(d Document) ([]byte, error) {
	// The first pass counts the pages that the second numbers "N of M".
	w, err := layout(d, 0)
	if err != nil {
		return nil, err
	}
	if w, err = layout(d, w.page); err != nil {
		return nil, err
	}
	return w.pdf.GetBytesPdfReturnErr()
}

type pdfWriter struct {
	pdf   *gopdf.GoPdf
	doc   Document
	y     float64
	page  int
	pages int
	err   error
	// onBreak redraws a table's header at the top of a new page.
	onBreak func()
}

// run is a stretch of text in one font.
type run struct {
	font  string
	text  string
	width float64
}

func layout(d Document, pages int) (*pdfWriter, error) {
	w := &pdfWriter{pdf: &gopdf.GoPdf{}, doc: d, pages: pages}
	w.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	w.pdf.SetInfo(gopdf.PdfInfo{Title: d.Title, Subject: d.Marking, Creator: "Leaktrail"})
	if err := w.pdf.AddTTFFontData("latin", latinFont); err != nil {
		return nil, err
	}
	if err := w.pdf.AddTTFFontData("cjk", cjkFont); err != nil {
		return nil, err
	}
	w.newPage()
	w.text(d.Title, 16, margin, textWidth, false)
	w.y += 6
	for _, b := range d.Blocks {
		w.block(b)
	}
	return w, w.err
}

func (w *pdfWriter) block(b Block) {
	switch x := b.(type) {
	case Heading:
		size := map[int]float64{1: 13.5, 2: 11.5}[x.Level]
		if size == 0 {
			size = 10.5
		}
		w.y += size
		w.need(size*1.5*2 + 20) // a heading is not left alone at the foot of a page
		w.text(x.Text, size, margin, textWidth, false)
		w.y += 2
	case Paragraph:
		w.text(x.Text, bodySize, margin, textWidth, false)
		w.y += 4
	case Quote:
		w.text(x.Text, bodySize, margin, textWidth, true)
		w.y += 4
	case List:
		for i, item := range x.Items {
			mark := "•"
			if x.Ordered {
				mark = strconv.Itoa(i+1) + "."
			}
			lines := w.wrap(item, bodySize, textWidth-18)
			for j, line := range lines {
				w.need(bodySize * 1.5)
				if j == 0 {
					w.drawRuns(w.measure(mark, bodySize), margin, w.y, bodySize)
				}
				w.drawRuns(line, margin+18, w.y, bodySize)
				w.y += bodySize * 1.5
			}
		}
		w.y += 4
	case Fields:
		rows := make([][]string, len(x))
		for i, f := range x {
			rows[i] = []string{f[0], f[1]}
		}
		w.table([]Column{{Width: 0.3}, {Width: 0.7}}, rows, false)
	case Table:
		w.table(x.Columns, x.Rows, true)
	}
}

// newPage starts a page with its marking at the top and the foot and its number.
func (w *pdfWriter) newPage() {
	w.pdf.AddPage()
	w.page++
	if m := w.doc.Marking; m != "" {
		w.centred(m, 11, 34)
		w.centred(m, 11, pageHeight-58)
	}
	if w.doc.PageLabel != "" {
		label := strings.NewReplacer("{{page}}", strconv.Itoa(w.page), "{{pages}}", strconv.Itoa(max(w.pages, w.page))).Replace(w.doc.PageLabel)
		w.centred(label, 9, pageHeight-40)
	}
	w.y = bodyTop
	if w.onBreak != nil {
		w.onBreak()
	}
}

// need starts a new page unless h points still fit on this one.
func (w *pdfWriter) need(h float64) {
	if w.y+h > bodyBottom {
		w.newPage()
	}
}

func (w *pdfWriter) centred(s string, size, y float64) {
	runs := w.measure(s, size)
	width := 0.0
	for _, r := range runs {
		width += r.width
	}
	w.drawRuns(runs, (pageWidth-width)/2, y, size)
}

// text writes text at size from x, wrapped to width; quoted text is
// indented behind a bar on every line, and keeps its own line breaks.
func (w *pdfWriter) text(s string, size, x, width float64, quoted bool) {
	lh := size * 1.5
	for _, para := range strings.Split(text.Lines(s), "\n") {
		lines := [][]run{nil}
		if strings.TrimSpace(para) != "" {
			lines = w.wrap(para, size, width-map[bool]float64{true: quoteIndent}[quoted])
		} else if !quoted {
			w.y += lh / 2
			continue
		}
		for _, line := range lines {
			w.need(lh)
			at := x
			if quoted {
				w.drawRuns(w.measure(quoteBar, size), x, w.y, size)
				at += quoteIndent
			}
			w.drawRuns(line, at, w.y, size)
			w.y += lh
		}
	}
}

// table draws ruled rows, the header shaded and repeated on each new page;
// a row taller than what is left of a page continues on the next.
func (w *pdfWriter) table(cols []Column, rows [][]string, header bool) {
	total := 0.0
	for _, c := range cols {
		total += c.Width
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = textWidth * c.Width / total
	}
	drawRow := func(cells []string, shaded bool) {
		lines := make([][][]run, len(cols))
		size := make([]float64, len(cols))
		for i := range cols {
			size[i] = tableSize
			if cols[i].Code && !shaded {
				size[i] = codeSize
			}
			if i < len(cells) {
				lines[i] = w.wrap(cells[i], size[i], widths[i]-2*cellPad)
			}
		}
		lh := tableSize * 1.45
		height := 1
		for i := range lines {
			height = max(height, len(lines[i]))
		}
		for from := 0; from < height; {
			n := height - from
			// A row that does not fit moves to the next page whole, unless
			// it is long: then it fills this page and goes on over the next.
			if fit := int((bodyBottom - w.y - 2*cellPad) / lh); fit < n {
				if fit < 3 || n <= 3 {
					w.newPage()
					continue
				}
				n = fit
			}
			h := float64(n)*lh + 2*cellPad
			x := margin
			for i := range cols {
				style := "D"
				if shaded || (!header && i == 0) {
					w.pdf.SetFillColor(238, 238, 238)
					style = "FD"
				}
				w.pdf.SetLineWidth(0.5)
				w.pdf.SetStrokeColor(120, 120, 120)
				w.pdf.RectFromUpperLeftWithStyle(x, w.y, widths[i], h, style)
				w.pdf.SetFillColor(0, 0, 0) // PDF text is drawn in the fill colour
				for j := from; j < from+n && j < len(lines[i]); j++ {
					w.drawRuns(lines[i][j], x+cellPad, w.y+cellPad+float64(j-from)*lh+(tableSize-size[i])/2, size[i])
				}
				x += widths[i]
			}
			w.y += h
			from += n
		}
	}
	if header {
		titles := make([]string, len(cols))
		for i, c := range cols {
			titles[i] = c.Title
		}
		w.need(tableSize*1.45*2 + 4*cellPad)
		drawRow(titles, true)
		w.onBreak = func() {
			saved := w.onBreak
			w.onBreak = nil
			drawRow(titles, true)
			w.onBreak = saved
		}
	}
	for _, r := range rows {
		drawRow(r, false)
	}
	w.onBreak = nil
	w.y += 8
}

// wrap cuts text into lines of runs no wider than width: lines break
// before a CJK character or at a space, and a word too long for a line
// (a hash, an address) breaks anywhere.
func (w *pdfWriter) wrap(s string, size, width float64) [][]run {
	var lines [][]run
	var line []run
	lineWidth := 0.0
	flush := func() {
		lines = append(lines, line)
		line, lineWidth = nil, 0
	}
	for _, word := range splitBreakable(inlineSpace(s)) {
		runs := w.measure(word, size)
		wordWidth := widthOf(runs)
		if wordWidth > width {
			for _, r := range word {
				piece := w.measure(string(r), size)
				if lineWidth+widthOf(piece) > width && len(line) > 0 {
					flush()
				}
				line, lineWidth = append(line, piece...), lineWidth+widthOf(piece)
			}
			continue
		}
		if lineWidth+wordWidth > width && len(line) > 0 {
			flush()
			if strings.TrimSpace(word) == "" {
				continue // no space at the start of a line
			}
			word = strings.TrimLeft(word, " ")
			runs = w.measure(word, size)
			wordWidth = widthOf(runs)
		}
		line, lineWidth = append(line, runs...), lineWidth+wordWidth
	}
	if len(line) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

func widthOf(runs []run) float64 {
	total := 0.0
	for _, r := range runs {
		total += r.width
	}
	return total
}

// splitBreakable cuts text where a line may break: before every CJK
// character, and before spaces in Latin text.
func splitBreakable(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if i > start && (fontFor(r) == "cjk" || unicode.IsSpace(r)) {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

// measure cuts a piece of text into runs by font and measures them.
func (w *pdfWriter) measure(s string, size float64) []run {
	var runs []run
	for _, r := range s {
		font := fontFor(r)
		if len(runs) == 0 || runs[len(runs)-1].font != font {
			runs = append(runs, run{font: font})
		}
		runs[len(runs)-1].text += string(r)
	}
	for i := range runs {
		w.setFont(runs[i].font, size)
		width, err := w.pdf.MeasureTextWidth(runs[i].text)
		w.fail(err)
		runs[i].width = width
	}
	return runs
}

// drawRuns draws one line of runs from x, its top at y, every run on one baseline.
func (w *pdfWriter) drawRuns(runs []run, x, y, size float64) {
	asc := ascents()
	baseline := y + math.Max(asc["latin"], asc["cjk"])*size
	for _, r := range runs {
		w.setFont(r.font, size)
		w.pdf.SetXY(x, baseline-asc[r.font]*size)
		w.fail(w.pdf.Cell(nil, r.text))
		x += r.width
	}
}

func (w *pdfWriter) setFont(font string, size float64) {
	w.fail(w.pdf.SetFont(font, "", size))
}

// fail keeps the first error; the layout goes on and PDF reports it.
func (w *pdfWriter) fail(err error) {
	if err != nil && w.err == nil {
		w.err = err
	}
}
