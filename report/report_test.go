package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// long is a document of several pages: a long table, a quote, every block.
func long() Document {
	d := Document{Title: "案件报告：测试 Report", Marking: "机密★10年", PageLabel: "第 {{page}} 页 共 {{pages}} 页", Language: "zh-CN"}
	d.Blocks = append(d.Blocks, Heading{Level: 1, Text: "概况"}, Fields{{"密级", "机密"}, {"Reference", "LT-2026-0001"}},
		Quote{Text: "第一行\n\n## 第二行 not a heading"}, List{Ordered: true, Items: []string{"一", "two"}})
	t := Table{Columns: []Column{{Title: "文件", Width: 1}, {Title: "SHA-256", Width: 2, Code: true}}}
	for i := range 120 {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("照片%03d.png", i), strings.Repeat("ab", 32)})
	}
	return Document{Title: d.Title, Marking: d.Marking, PageLabel: d.PageLabel, Language: d.Language, Blocks: append(d.Blocks, Heading{Level: 1, Text: "证据清单"}, t)}
}

// Every page of the PDF carries the marking at its top and its foot and
// "page N of M"; a table's header repeats on each page it runs over.
func TestPDFMarksAndNumbersEveryPage(t *testing.T) {
	t.Parallel()
	pdf, err := PDF(long())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	if len(pages) < 3 {
		t.Fatalf("%d pages; the table should run over several", len(pages))
	}
	for i, p := range pages {
		lines := strings.Fields(p)
		if lines[0] != "机密★10年" || strings.Count(p, "机密★10年") != 2 {
			t.Errorf("page %d is not marked at its top and foot:\n%s", i+1, p)
		}
		if !strings.Contains(strings.Join(strings.Fields(p), ""), fmt.Sprintf("第%d页共%d页", i+1, len(pages))) {
			t.Errorf("page %d lacks its number:\n%s", i+1, p)
		}
		if i > 0 && !strings.Contains(p, "SHA-256") {
			t.Errorf("page %d does not repeat the table's header", i+1)
		}
	}
}

// The DOCX is a well-formed package: the marking in its header and footer,
// the page number as Word's fields, the text in the body.
func TestDOCX(t *testing.T) {
	t.Parallel()
	body, err := DOCX(long())
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		parts[f.Name] = string(b)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			d := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed: %v", f.Name, err)
				}
			}
		}
	}
	for part, want := range map[string][]string{
		"word/header1.xml":             {"机密★10年"},
		"word/footer1.xml":             {"机密★10年", " PAGE ", " NUMPAGES ", "第 "},
		"word/document.xml":            {"案件报告：测试 Report", "照片119.png", "## 第二行 not a heading", "rIdLeaktrailHeader", `w:w="11906"`},
		"word/_rels/document.xml.rels": {`Target="header1.xml"`, `Target="footer1.xml"`},
		"[Content_Types].xml":          {"/word/header1.xml", "/word/footer1.xml"},
	} {
		for _, w := range want {
			if !strings.Contains(parts[part], w) {
				t.Errorf("%s lacks %q", part, w)
			}
		}
	}
}

// The Markdown is marked on its first and last line.
func TestMarkdownMarking(t *testing.T) {
	t.Parallel()
	md := Markdown(long())
	lines := strings.Split(strings.TrimSpace(md), "\n")
	if lines[0] != "**机密★10年**" || lines[len(lines)-1] != "**机密★10年**" {
		t.Errorf("the Markdown is not marked at both ends: %q … %q", lines[0], lines[len(lines)-1])
	}
}
