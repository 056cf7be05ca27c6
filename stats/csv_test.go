package stats_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/leaktrail/leaktrail/stats"
)

// A unit or platform named like a formula reaches the spreadsheet as text.
func TestCSVCellsAreNotFormulas(t *testing.T) {
	st := stats.Statistics{Filter: stats.Filter{Unit: `=HYPERLINK("http://evil.example","x")`},
		ByPlatform: []stats.Count{{Key: "+1+1", Count: 1}, {Key: "@SUM(A1)", Count: 1}, {Key: "-2", Count: 1}}}
	var buf bytes.Buffer
	if err := st.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && bytes.ContainsRune([]byte("=+-@\t\r"), rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
			if cell == `'=HYPERLINK("http://evil.example","x")` || cell == "'+1+1" || cell == "'@SUM(A1)" || cell == "'-2" {
				seen++
			}
		}
	}
	if seen != 4 {
		t.Errorf("%d of 4 neutralised cells kept their text:\n%s", seen, buf.String())
	}
}
