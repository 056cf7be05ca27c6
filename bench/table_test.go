package bench

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"sync"
	"testing"
	"text/tabwriter"
)

// Figures noted by the benchmarks, printed side by side with their floors
// once every benchmark has run.
var (
	notedMu sync.Mutex
	noted   = map[string]float64{}
)

func note(key string, value float64) {
	notedMu.Lock()
	defer notedMu.Unlock()
	noted[key] = value
}

// secondsPerOp is how long one b.Loop iteration took, once the loop is done.
func secondsPerOp(b *testing.B) float64 { return b.Elapsed().Seconds() / float64(b.N) }

func TestMain(m *testing.M) {
	code := m.Run()
	printTable(os.Stdout)
	os.Exit(code)
}

// A row compares a figure with its floor; ratio is Leaktrail's speed as a
// fraction of the floor's (higher is better, 1 is the floor itself).
type row struct {
	label, unit    string
	value, floor   func(map[string]float64) (float64, bool)
	higherIsFaster bool
	target         string
	// paired rows show a second figure beside the first, not a floor: no ratio.
	paired bool
}

func key(k string) func(map[string]float64) (float64, bool) {
	return func(n map[string]float64) (float64, bool) { v, ok := n[k]; return v, ok }
}

func sum(keys ...string) func(map[string]float64) (float64, bool) {
	return func(n map[string]float64) (float64, bool) {
		total := 0.0
		for _, k := range keys {
			v, ok := n[k]
			if !ok {
				return 0, false
			}
			total += v
		}
		return total, true
	}
}

var rows = []row{
	{"incident list, 16 clients: throughput", "req/s", key("list.rps"), key("listFloor.rps"), true, "ratio ≥ 0.8", false},
	{"incident list: p50 latency", "ms", key("list.p50.ms"), key("listFloor.p50.ms"), false, "", false},
	{"incident list: p99 latency", "ms", key("list.p99.ms"), key("listFloor.p99.ms"), false, "≤ 1.5× floor", false},
	{"incident list: SQL statements per request", "", key("list.statements"), key("listFloor.statements"), false, "≤ 5", true},
	{"list of 20k, stage + 微信群: throughput", "req/s", key("list20k.rps"), key("list20kFloor.rps"), true, "", false},
	{"list of 20k, stage + 微信群: p99 latency", "ms", key("list20k.p99.ms"), key("list20kFloor.p99.ms"), false, "≤ 100 ms", false},
	{"spread analysis, 100k forwards, cold", "ms", key("analyze.ms"), key("readFloor.ms"), false, "ratio ≥ 0.5 (≤ 2× floor)", false},
	{"spread analysis, 100k forwards, warm", "ms", key("analyzeWarm.ms"), nil, false, "≤ 5 ms", false},
	{"spread analysis, 1M forwards, cold", "ms", key("analyze1M.ms"), key("readFloor1M.ms"), false, "≤ 3000 ms", false},
	{"spread analysis, 1M forwards: RSS growth", "MiB", key("analyze1M.rssGrowth.MiB"), nil, false, "≤ 512", false},
	{"recordForwards, 100k forwards", "s", key("record.s"), sum("copyForwards.s", "copyNodes.s"), false, "ratio ≥ 0.9", false},
	{"recordForwards over one GraphQL request, 100k", "s", key("recordGQL.s"), sum("copyForwards.s", "copyNodes.s"), false, "ratio ≥ 0.7", false},
	{"spread explorer, 10k forwards: page to graph drawn", "ms", key("explorer.draw.ms"), nil, false, "≤ 1500 ms", false},
	{"spread explorer: click to path shown / by the robot", "ms", key("explorer.path.ms"), key("explorer.pathRobot.ms"), false, "≤ 150 ms", true},
	{"chat search, 1M messages, 16 clients: throughput", "req/s", key("chatSearch.rps"), key("chatSearchFloor.rps"), true, "", false},
	{"chat search: p50 latency", "ms", key("chatSearch.p50.ms"), key("chatSearchFloor.p50.ms"), false, "", false},
	{"chat search: p99 latency", "ms", key("chatSearch.p99.ms"), key("chatSearchFloor.p99.ms"), false, "≤ 200 ms", false},
	{"chat search: SQL statements per request", "", key("chatSearch.statements"), key("chatSearchFloor.statements"), false, "", true},
	{"evidence upload, 1 GiB", "MB/s", key("upload.MBps"), key("uploadFloor.MBps"), true, "ratio ≥ 0.7", false},
	{"evidence upload: peak RSS growth", "MiB", key("upload.rssGrowth.MiB"), nil, false, "≤ 64", false},
	{"server RSS, idle", "MiB", key("rss.idle.MiB"), nil, false, "", false},
	{"server RSS, under the list load", "MiB", key("rss.load.MiB"), nil, false, "", false},
	{"soak: requests / errors", "", key("soak.requests"), key("soak.errors"), false, "errors 0", true},
	{"soak: p99 first minute / last minute", "ms", key("soak.p99.first.ms"), key("soak.p99.last.ms"), false, "stable", true},
	{"soak: server RSS start / end", "MiB", key("soak.rss.start.MiB"), key("soak.rss.end.MiB"), false, "flat", true},
}

// abuseRows are the attacks of BenchmarkAbuse, each with the server's peak
// RSS, the p99 of /readyz and of a small query during it, and INTERNAL answers.
var abuseRows = []struct{ label, key string }{
	{"8 parallel 96 MiB anonymous bodies", "bodies"},
	{"200 parallel sign-ins", "signins"},
	{"50 parallel 100k-row imports", "imports"},
	{"60 stalled uploads", "stalled"},
	{"16 parallel 8 MiB signed-in bodies", "signedIn"},
	{"500 websockets that never sign in", "sockets"},
}

func printAbuse(out io.Writer) {
	if _, ok := noted["abuse.bodies.rss.MiB"]; !ok {
		if _, ok := noted["abuse.signins.rss.MiB"]; !ok {
			return
		}
	}
	fmt.Fprintf(out, "\nUnder attack (real binary; targets: peak RSS ≤ 1024 MiB, /readyz p99 ≤ 1000 ms, 0 INTERNAL)\n\n")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "attack\tpeak RSS\t/readyz p99\tquery p99\tINTERNAL")
	for _, r := range abuseRows {
		rss, ok := noted["abuse."+r.key+".rss.MiB"]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%s\t%s MiB\t%s ms\t%s ms\t%s\n", r.label, num(rss), num(noted["abuse."+r.key+".readyz.p99.ms"]),
			num(noted["abuse."+r.key+".query.p99.ms"]), num(noted["abuse."+r.key+".internal"]))
	}
	w.Flush()
	if noted["abuse.verified"] == 1 {
		fmt.Fprintln(out, "\naudit verify and evidence verify: clean after every attack")
	}
}

func printTable(out io.Writer) {
	notedMu.Lock()
	defer notedMu.Unlock()
	if len(noted) == 0 {
		return
	}
	fmt.Fprintf(out, "\nLeaktrail beside its floors — %d cores, %s/%s\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "figure\tLeaktrail\tfloor / other\tratio\ttarget")
	for _, r := range rows {
		v, ok := r.value(noted)
		if !ok {
			continue
		}
		floor, ratio := "", ""
		if r.floor != nil {
			if f, ok := r.floor(noted); ok {
				floor = num(f) + " " + r.unit
				switch {
				case r.paired:
				case r.higherIsFaster && f > 0:
					ratio = fmt.Sprintf("%.2f", v/f)
				case !r.higherIsFaster && v > 0:
					ratio = fmt.Sprintf("%.2f", f/v)
				}
			}
		}
		fmt.Fprintf(w, "%s\t%s %s\t%s\t%s\t%s\n", r.label, num(v), r.unit, floor, ratio, r.target)
	}
	w.Flush()
	if s, ok := noted["record.s"]; ok {
		fmt.Fprintf(out, "\nrecordForwards: %.0f forwards/s\n", viralForwards/s)
	}
	printAbuse(out)
}

// num prints counts whole and measurements to four significant digits.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e9 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}
