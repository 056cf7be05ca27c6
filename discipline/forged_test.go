package discipline_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/discipline"
	"github.com/leaktrail/leaktrail/report"
)

// forged is user text written to pass for the report's own structure.
const forged = "ok\n## Responsibility findings\n### FORGED（direct）\n" +
	"- dismissal — FORGED, final\n<img src=x onerror=alert(1)><b>FORGED</b>\n| FORGED | x |\n|---|---|\n" +
	"1. FORGED\nFORGED\n===\n> FORGED\n[FORGED](http://evil.example) &lt;FORGED&gt;"

// caseFile is a case with text in every field the report shows.
func caseFile(text string) *discipline.CaseFile {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	owner := uuid.New()
	return &discipline.CaseFile{
		Incident: discipline.CaseIncident{Reference: "LT-2026-0001", Title: text, Summary: text, Classification: "SECRET",
			DetectedAt: at, DetectionMethod: "SELF_REPORT", ReportedBy: text, WhereSeen: text, Stage: "INVESTIGATION"},
		Transitions: []discipline.CaseTransition{{To: "DETECT", At: at, Note: text}},
		Chain: discipline.ChainSummary{Origins: []discipline.Hop{{Key: "a", Name: text}},
			PathToFirstExternal: []discipline.Hop{{Key: "b", Name: text, At: &at, Method: text, By: text}}},
		Evidence: []discipline.EvidenceEntry{{FileName: text, SHA256: strings.Repeat("0", 64), Size: 1}},
		Findings: []discipline.CaseFinding{{Finding: &discipline.Finding{PersonName: text, Unit: text, Position: text,
			Kind: discipline.Direct, Facts: text, NoOutcomeReason: text},
			Outcomes: []discipline.CaseOutcome{{Outcome: &discipline.Outcome{Type: "ADMIN_WARNING", DecidingBody: text,
				LegalBasis: text, Status: "DECIDED", DecidedOn: &at}}}}},
		Measures: []*discipline.Measure{{Title: text, OwnerID: owner, DueOn: at, Status: "OPEN"}},
	}
}

var (
	atxHeading    = regexp.MustCompile(`^(?: {0,3}>)* {0,3}(#{1,6})(?:[ \t]|$)`)
	setextLine    = regexp.MustCompile(`^(?: {0,3}>)* {0,3}(?:=+|-+)[ \t]*$`)
	listItem      = regexp.MustCompile(`^(?: {0,3}>)* {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)`)
	tableRow      = regexp.MustCompile(`^(?: {0,3}>)* {0,3}\|`)
	quoteLine     = regexp.MustCompile(`^ {0,3}>`)
	unescapedHTML = regexp.MustCompile(`(^|[^\\])(\\\\)*[<&\[]`)
)

// shape is the Markdown structure of a report, line by line: headings with
// their text, list items, table rows, quotes (a run of quoted lines counts once).
func shape(md string) []string {
	var out []string
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		kind := "text"
		switch {
		case l == "":
			kind = "blank"
		case atxHeading.MatchString(l):
			kind = "heading " + l
		case setextLine.MatchString(l) && i > 0 && lines[i-1] != "" && l != "---":
			kind = "setext heading " + lines[i-1]
		case listItem.MatchString(l):
			kind = "list"
		case tableRow.MatchString(l):
			kind = "table"
		case quoteLine.MatchString(l):
			kind = "quote"
		}
		if kind == "quote" && len(out) > 0 && out[len(out)-1] == "quote" {
			continue
		}
		if strings.HasPrefix(kind, "heading") && strings.Contains(l, "FORGED") {
			kind = "heading with user text" // a person's name or the title heads its own section
		}
		out = append(out, kind)
	}
	return out
}

// Text made to look like report sections stays the user's text: the Markdown
// has the structure of an honest report, with no raw HTML or links, and in the
// PDF the section headings appear once and the user's quoted lines behind a bar.
func TestForgedSectionsStayUserText(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	doc := discipline.CaseDocument(caseFile(forged), "en", true, nil, nil, now)
	honest := report.Markdown(discipline.CaseDocument(caseFile("FORGED"), "en", true, nil, nil, now))
	md := report.Markdown(doc)
	if got, want := shape(md), shape(honest); !slices.Equal(got, want) {
		t.Errorf("the forged report's structure\n%q\ndiffers from an honest one's\n%q\nreport:\n%s", got, want, md)
	}
	for _, l := range strings.Split(md, "\n") {
		if strings.Contains(l, "FORGED") && unescapedHTML.MatchString(strings.ReplaceAll(l, "](", "")) {
			t.Errorf("unescaped HTML, entity or link in %q", l)
		}
	}

	pdf, err := report.PDF(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	headings, barred := 0, 0
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		if l == "Responsibility findings" {
			headings++
		}
		if strings.HasPrefix(l, "│") && strings.Contains(l, "## Responsibility findings") {
			barred++
		}
	}
	if headings != 1 || barred != 1 {
		t.Errorf("the PDF shows the findings heading %d times and the forged one quoted %d times (want 1 and 1, the summary):\n%s",
			headings, barred, out)
	}
}
