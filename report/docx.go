package report

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"

	"github.com/leaktrail/leaktrail/internal/text"
)

// DOCX writes the document as an editable Word file (gomutex/godocx): A4,
// the marking in the page header and footer, the page number as Word's own
// PAGE and NUMPAGES fields, headings in Word's heading styles so the
// navigation pane lists them, tables in the grid style.
func DOCX(d Document) ([]byte, error) {
	rd, err := godocx.NewDocument()
	if err != nil {
		return nil, err
	}
	setDefaults(rd, d.Language)
	if _, err := rd.AddHeading(d.Title, 0); err != nil {
		return nil, err
	}
	for _, b := range d.Blocks {
		switch x := b.(type) {
		case Heading:
			if _, err := rd.AddHeading(inlineSpace(x.Text), uint(min(max(x.Level, 1), 3))); err != nil {
				return nil, err
			}
		case Paragraph:
			for _, line := range strings.Split(text.Lines(x.Text), "\n") {
				rd.AddParagraph(line)
			}
		case Quote:
			for _, line := range strings.Split(text.Lines(strings.TrimSpace(x.Text)), "\n") {
				rd.AddParagraph(line).Style("Quote")
			}
		case List:
			for i, item := range x.Items {
				mark := "• "
				if x.Ordered {
					mark = strconv.Itoa(i+1) + ". "
				}
				rd.AddParagraph(mark + inlineSpace(item)).Style("ListParagraph")
			}
		case Fields:
			t := rd.AddTable()
			t.Style("TableGrid")
			for _, f := range x {
				row := t.AddRow()
				row.AddCell().AddEmptyPara().AddText(inlineSpace(f[0])).Bold(true)
				row.AddCell().AddParagraph(inlineSpace(f[1]))
			}
			rd.AddEmptyParagraph()
		case Table:
			t := rd.AddTable()
			t.Style("TableGrid")
			head := t.AddRow()
			for _, c := range x.Columns {
				head.AddCell().AddEmptyPara().AddText(c.Title).Bold(true)
			}
			for _, r := range x.Rows {
				row := t.AddRow()
				for i, c := range r {
					p := row.AddCell().AddEmptyPara()
					run := p.AddText(inlineSpace(c))
					if i < len(x.Columns) && x.Columns[i].Code {
						run.Size(14) // half-points: codes in 7 pt
					}
				}
			}
			rd.AddEmptyParagraph()
		}
	}
	if err := addHeaderFooter(rd, d); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := rd.Write(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// eastAsianFont is the font Word sets Chinese in for each language; Latin
// text keeps the template's theme font.
var eastAsianFont = map[string]string{"zh-CN": "SimSun", "zh-TW": "PMingLiU", "en": "SimSun"}

// setDefaults makes the page A4 and the document's default East Asian
// font and proofing language its own.
func setDefaults(rd *docx.RootDoc, lang string) {
	if rd.DocStyles.DocDefaults == nil {
		rd.DocStyles.DocDefaults = &ctypes.DocDefault{}
	}
	dd := rd.DocStyles.DocDefaults
	if dd.RunProp == nil {
		dd.RunProp = &ctypes.RunPropDefault{}
	}
	if dd.RunProp.RunProp == nil {
		dd.RunProp.RunProp = &ctypes.RunProperty{}
	}
	rp := dd.RunProp.RunProp
	if rp.Fonts == nil {
		rp.Fonts = &ctypes.RunFonts{}
	}
	rp.Fonts.EastAsia = eastAsianFont[lang]
	rp.Fonts.EastAsiaTheme = ""
	if rd.Document.Body.SectPr == nil {
		rd.Document.Body.SectPr = &ctypes.SectionProp{}
	}
	w, h := uint64(11906), uint64(16838) // A4 in twentieths of a point
	rd.Document.Body.SectPr.PageSize = &ctypes.PageSize{Width: &w, Height: &h}
}

// addHeaderFooter adds the header (the marking) and the footer (the
// marking and "page N of M") as parts of their own, which godocx does not
// write itself.
func addHeaderFooter(rd *docx.RootDoc, d Document) error {
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	para := func(inner string) string {
		return `<w:p><w:pPr><w:jc w:val="center"/></w:pPr>` + inner + `</w:p>`
	}
	textRun := func(s string, bold bool) string {
		var b strings.Builder
		b.WriteString("<w:r>")
		if bold {
			b.WriteString("<w:rPr><w:b/></w:rPr>")
		}
		b.WriteString(`<w:t xml:space="preserve">`)
		_ = xml.EscapeText(&b, []byte(s))
		b.WriteString("</w:t></w:r>")
		return b.String()
	}
	field := func(name string) string {
		return `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> ` + name +
			` </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`
	}
	var marking string
	if d.Marking != "" {
		marking = para(textRun(d.Marking, true))
	}
	var pages string
	if d.PageLabel != "" {
		var inner strings.Builder
		rest := d.PageLabel
		for rest != "" {
			i := strings.Index(rest, "{{")
			j := strings.Index(rest, "}}")
			if i < 0 || j < i {
				inner.WriteString(textRun(rest, false))
				break
			}
			if i > 0 {
				inner.WriteString(textRun(rest[:i], false))
			}
			switch rest[i+2 : j] {
			case "page":
				inner.WriteString(field("PAGE"))
			case "pages":
				inner.WriteString(field("NUMPAGES"))
			}
			rest = rest[j+2:]
		}
		pages = para(inner.String())
	}
	header := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<w:hdr " + ns + ">" + marking + para("") + "</w:hdr>"
	footer := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<w:ftr " + ns + ">" + marking + pages + para("") + "</w:ftr>"
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	for _, part := range []struct{ id, name, kind, body string }{
		{"rIdLeaktrailHeader", "header1.xml", "header", header},
		{"rIdLeaktrailFooter", "footer1.xml", "footer", footer},
	} {
		rd.FileMap.Store("word/"+part.name, []byte(part.body))
		rd.Document.DocRels.Relationships = append(rd.Document.DocRels.Relationships,
			&docx.Relationship{ID: part.id, Type: rel + part.kind, Target: part.name})
		if err := rd.ContentType.AddOverride("/word/"+part.name,
			"application/vnd.openxmlformats-officedocument.wordprocessingml."+part.kind+"+xml"); err != nil {
			return err
		}
	}
	sect := rd.Document.Body.SectPr
	sect.HeaderReference = &ctypes.HeaderReference{Type: stypes.HdrFtrDefault, ID: "rIdLeaktrailHeader"}
	sect.FooterReference = &ctypes.FooterReference{Type: stypes.HdrFtrDefault, ID: "rIdLeaktrailFooter"}
	return nil
}
