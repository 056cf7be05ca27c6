package bench

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// explorerForwards is the size of incident the explorer must stay responsive on.
const explorerForwards = 10000

// BenchmarkSpreadExplorer10k opens the incident page of a 10,000-forward
// incident in Debian's Chromium (ui/web/e2e/large.mjs) and reports how long
// the graph takes to draw, to highlight the path to a node picked from the
// frontier (in the page, from the click to the painted frame; and as the robot
// that clicks sees it), and to answer five zoom steps. The UI must be built
// (`make bench` builds it).
func BenchmarkSpreadExplorer10k(b *testing.B) {
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "ui/dist/app/index.html")); err != nil {
		b.Fatal("the UI is not built: run `make ui`")
	}
	f := newFixture(b)
	inc := f.openIncident(b)
	if _, err := f.main.Spread.RecordForwards(f.ctx, inc.ID, viralSpread(explorerForwards)); err != nil {
		b.Fatal(err)
	}
	var figures struct {
		Nodes                                int
		DrawnMs, PathMs, PathRobotMs, ZoomMs float64
	}
	for b.Loop() {
		cmd := exec.Command("node", "e2e/large.mjs")
		cmd.Dir = filepath.Join(root, "ui/web")
		cmd.Env = append(os.Environ(), "LEAKTRAIL_URL="+f.main.URL(), "LEAKTRAIL_E2E_USER=bench",
			"LEAKTRAIL_E2E_PASSWORD=benchmark password", "REFERENCE="+inc.Reference)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%v: %s%s", err, out, stderr.String())
		}
		if err := json.Unmarshal(out, &figures); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
	b.ReportMetric(float64(figures.Nodes), "nodes")
	b.ReportMetric(figures.DrawnMs, "ms-to-draw")
	b.ReportMetric(figures.PathMs, "ms-to-path")
	b.ReportMetric(figures.PathRobotMs, "ms-to-path-by-robot")
	b.ReportMetric(figures.ZoomMs, "ms-5-zooms")
	note("explorer.draw.ms", figures.DrawnMs)
	note("explorer.path.ms", figures.PathMs)
	note("explorer.pathRobot.ms", figures.PathRobotMs)
}
