package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/internal/testserve"
	"github.com/leaktrail/leaktrail/workflow"
)

// The list page exactly as the incident list screen asks for it: 50
// incidents with their lead, report upward, next legal clock and counts.
const listQuery = testgql.IncidentListScreen

// keepAlive holds a connection per client open between requests, as a load
// balancer does (http.DefaultClient keeps only two idle connections a host,
// so 16 clients would reconnect all the time).
var keepAlive = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

const (
	listIncidents = 2000
	listClients   = 16
	listRequests  = 2000 // per round, across the clients
)

// listFixture is a database with 2,000 incidents, each with tasks, stage
// transitions and an evidence row, and `leaktrail serve` (the real binary)
// serving it, so its memory is the server's alone.
type listFixture struct {
	*fixture
	served *servedBinary
	client *testgql.Client
	pprof  string // the binary's profiler address when LEAKTRAIL_BENCH_PROFILE is set
}

func newListFixture(b *testing.B) *listFixture {
	b.Helper()
	f := newFixture(b)
	started := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < listIncidents; i += 4 {
				if _, err := f.main.Incidents.Open(f.ctx, incident.OpenInput{Title: fmt.Sprintf("泄密事件 %04d", i),
					LeakedItem: "通知照片", Classification: "SECRET", DetectedAt: time.Now().Add(-time.Duration(i) * time.Hour),
					DetectionMethod: "MONITORING", ReportedBy: "监测"}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	actor, _ := auth.UserFrom(f.ctx)
	for _, stmt := range []string{
		`INSERT INTO tasks (id, incident_id, stage, title, created_by) SELECT gen_random_uuid(), i.id, 'INVESTIGATION',
			'核实第 ' || g || ' 个群', $1 FROM incidents i CROSS JOIN generate_series(1, 3) g`,
		`INSERT INTO incident_transitions (id, incident_id, from_stage, to_stage, kind, actor_id, note)
			SELECT gen_random_uuid(), i.id, 'INITIAL_RESPONSE', 'DETECT', 'RETURN', $1, '补充材料' FROM incidents i`,
		`INSERT INTO evidence_uploads (id, incident_id, object_key, state, hash_state, details, created_by)
			SELECT i.id, i.id, 'bench/' || i.id, 'COMMITTED', '\x00', '{"fileName":"群聊截图.jpg"}', $1 FROM incidents i`,
		`INSERT INTO evidence (id, incident_id, upload_id, object_key, sha256, size, content_type, file_name, uploaded_by)
			SELECT gen_random_uuid(), i.id, i.id, 'bench/' || i.id, repeat('0', 64), 1024, 'image/jpeg', '群聊截图.jpg', $1 FROM incidents i`,
	} {
		if _, err := f.main.DB.Exec(stmt, actor.ID); err != nil {
			b.Fatalf("%v: %s", err, stmt)
		}
	}
	if _, err := f.main.DB.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("dataset: %d incidents in %v", listIncidents, time.Since(started).Round(time.Millisecond))
	return serveList(b, f)
}

// serveList serves f's database with the binary, signed in as the bench user.
func serveList(b *testing.B, f *fixture) *listFixture {
	lf := &listFixture{fixture: f}
	var env []string
	if profileDir != "" {
		lf.pprof = freeAddr(b)
		env = append(env, "LEAKTRAIL_PPROF_LISTEN="+lf.pprof)
	}
	lf.served = &servedBinary{serveBinaryWith(b, f, env...)}
	lf.client = &testgql.Client{URL: lf.served.URL, HTTP: keepAlive}
	lf.client.Login(b, "bench", "benchmark password")
	return lf
}

// BenchmarkIncidentList is the incident list page over HTTP at 16 concurrent
// clients, against the real binary (sub-benchmark leaktrail) and against its
// floor: a minimal Go handler running the same SQL and writing the same JSON
// (sub-benchmark floor). It also counts the SQL statements one page takes
// and reads the server's resident memory at idle and under the load.
func BenchmarkIncidentList(b *testing.B) {
	lf := newListFixture(b)
	note("rss.idle.MiB", lf.served.rssMiB(b))
	benchList(b, lf, incident.Filter{}, "list")
}

// benchList measures the list screen's page filtered by filter against the
// binary and against its floor, noting the figures under key and key+"Floor".
func benchList(b *testing.B, lf *listFixture, filter incident.Filter, key string) {
	vars := map[string]any{}
	if filter.Text != nil || len(filter.Stages) > 0 {
		vars["filter"] = map[string]any{"text": filter.Text, "stages": filter.Stages}
	}
	b.Run("leaktrail", func(b *testing.B) {
		body, _ := json.Marshal(map[string]any{"query": listQuery, "variables": vars})
		send := func() error {
			req, _ := http.NewRequest(http.MethodPost, lf.served.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			return fetch(req, lf.client.Token)
		}
		if err := send(); err != nil {
			b.Fatal(err)
		}
		statements := countStatements(b, lf.main.DB, 50, send)
		note(key+".statements", statements)
		b.ReportMetric(statements, "SQL/request")
		var rss float64
		stop := profile(b, lf.pprof, key)
		rps, p50, p99 := load(b, send, func() { rss = max(rss, lf.served.rssMiB(b)) })
		stop()
		note(key+".rps", rps)
		note(key+".p50.ms", p50)
		note(key+".p99.ms", p99)
		if key == "list" {
			note("rss.load.MiB", rss)
		}
	})

	b.Run("floor", func(b *testing.B) {
		floor := httptest.NewServer(listFloor(lf.fixture, filter))
		defer floor.Close()
		send := func() error {
			req, _ := http.NewRequest(http.MethodGet, floor.URL, nil)
			return fetch(req, lf.client.Token)
		}
		if err := send(); err != nil {
			b.Fatal(err)
		}
		sameAnswer(b, lf, vars, floor.URL)
		note(key+"Floor.statements", countStatements(b, lf.main.DB, 50, send))
		rps, p50, p99 := load(b, send, func() {})
		note(key+"Floor.rps", rps)
		note(key+"Floor.p50.ms", p50)
		note(key+"Floor.p99.ms", p99)
	})
}

// fetch sends a page request and reads the whole answer, checking only its
// status and that it holds no errors: the same client work for Leaktrail
// and its floor, so the load generator weighs the same on both.
func fetch(req *http.Request, token string) error {
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := keepAlive.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
		return fmt.Errorf("%d %v %.300s", resp.StatusCode, err, body)
	}
	return nil
}

// sameAnswer fails the benchmark unless the floor answers what Leaktrail
// answers, field for field: a floor that does less would flatter nothing.
func sameAnswer(b *testing.B, lf *listFixture, vars map[string]any, floorURL string) {
	b.Helper()
	read := func(req *http.Request) any {
		req.Header.Set("Authorization", "Bearer "+lf.client.Token)
		resp, err := keepAlive.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var v any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			b.Fatal(err)
		}
		return v
	}
	body, _ := json.Marshal(map[string]any{"query": listQuery, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, lf.served.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	ours := read(req)
	req, _ = http.NewRequest(http.MethodGet, floorURL, nil)
	if floor := read(req); !reflect.DeepEqual(ours, floor) {
		a, _ := json.Marshal(ours)
		f, _ := json.Marshal(floor)
		b.Fatalf("the floor answers differently:\nLeaktrail %.2000s\nfloor     %.2000s", a, f)
	}
}

// load runs rounds of listRequests requests from listClients clients (one
// round per b.Loop iteration) and returns requests per second and the p50
// and p99 latency in ms; sample runs every 100 requests.
func load(b *testing.B, send func() error, sample func()) (rps, p50, p99 float64) {
	var latencies []time.Duration
	var busy time.Duration
	for b.Loop() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan int, listRequests)
		for i := range listRequests {
			next <- i
		}
		close(next)
		start := time.Now()
		for range listClients {
			wg.Go(func() {
				for i := range next {
					t := time.Now()
					if err := send(); err != nil {
						b.Error(err)
						return
					}
					took := time.Since(t)
					mu.Lock()
					latencies = append(latencies, took)
					mu.Unlock()
					if i%100 == 0 {
						sample()
					}
				}
			})
		}
		wg.Wait()
		busy += time.Since(start)
	}
	slices.Sort(latencies)
	ms := func(q float64) float64 {
		return float64(latencies[int(q*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	rps = float64(len(latencies)) / busy.Seconds()
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(runtime.NumCPU()), "cores")
	return rps, ms(0.5), ms(0.99)
}

// countStatements runs send n times and returns the SQL statements per call,
// as pg_stat_statements counts them in this database.
func countStatements(b *testing.B, db *sqlx.DB, n int, send func() error) float64 {
	b.Helper()
	if _, err := db.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		b.Fatalf("pg_stat_statements (withservices preloads it): %v", err)
	}
	const ours = `query NOT LIKE '%pg_stat_statements%'`
	total := func() float64 {
		var calls float64
		if err := db.Get(&calls, `SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
			WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND `+ours); err != nil {
			b.Fatal(err)
		}
		return calls
	}
	time.Sleep(100 * time.Millisecond) // statements of earlier requests are counted
	before := total()
	for range n {
		if err := send(); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	return (total() - before) / float64(n)
}

// listFloor is the least a server can do for the page the screen asks for,
// with Leaktrail's own domain calls and so the same statements: check the
// session, read the page with its total, the leads and the summaries (counts,
// report upward, clocks evaluated by the same rules), and write the same
// JSON with encoding/json. What it leaves out is GraphQL: parsing,
// validating and executing the query field by field.
func listFloor(f *fixture, filter incident.Filter) http.Handler {
	type typed struct {
		Typename string `json:"__typename"`
	}
	type lead struct {
		DisplayName string `json:"displayName"`
		typed
	}
	type reportUpward struct {
		Required   bool       `json:"required"`
		Deadline   *time.Time `json:"deadline"`
		NotifiedAt *time.Time `json:"notifiedAt"`
		typed
	}
	type definition struct {
		ID string `json:"id"`
		typed
	}
	type clock struct {
		Definition definition           `json:"definition"`
		Status     workflow.ClockStatus `json:"status"`
		StartedAt  *time.Time           `json:"startedAt"`
		DueAt      *time.Time           `json:"dueAt"`
		typed
	}
	type counts struct {
		Tasks     int `json:"tasks"`
		OpenTasks int `json:"openTasks"`
		Evidence  int `json:"evidence"`
		Forwards  int `json:"forwards"`
		typed
	}
	type node struct {
		ID             uuid.UUID               `json:"id"`
		Reference      string                  `json:"reference"`
		Title          string                  `json:"title"`
		Stage          workflow.Stage          `json:"stage"`
		Classification incident.Classification `json:"classification"`
		Jurisdiction   incident.Jurisdiction   `json:"jurisdiction"`
		DetectedAt     time.Time               `json:"detectedAt"`
		FrozenAt       *time.Time              `json:"frozenAt"`
		Lead           *lead                   `json:"lead"`
		ReportUpward   reportUpward            `json:"reportUpward"`
		NextClock      *clock                  `json:"nextClock"`
		Counts         counts                  `json:"counts"`
		typed
	}
	type edge struct {
		Node node `json:"node"`
		typed
	}
	set := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(err error) { http.Error(w, err.Error(), http.StatusInternalServerError) }
		u, err := f.main.Auth.Authenticate(r.Context(), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		ctx := auth.WithUser(r.Context(), u)
		fifty := 50
		page, err := f.main.Incidents.List(ctx, filter, &fifty, nil)
		if err != nil {
			fail(err)
			return
		}
		var leadIDs []uuid.UUID
		for _, inc := range page.Incidents {
			if inc.LeadID != nil && !slices.Contains(leadIDs, *inc.LeadID) {
				leadIDs = append(leadIDs, *inc.LeadID)
			}
		}
		leads, err := f.main.Auth.UsersByIDs(ctx, leadIDs)
		if err != nil {
			fail(err)
			return
		}
		sums, err := f.main.Incidents.Summaries(ctx, page.Incidents)
		if err != nil {
			fail(err)
			return
		}
		edges := make([]edge, len(page.Incidents))
		for i, inc := range page.Incidents {
			s := sums[inc.ID]
			n := node{ID: inc.ID, Reference: inc.Reference, Title: inc.Title, Stage: inc.Stage, Classification: inc.Classification,
				Jurisdiction: inc.Jurisdiction, DetectedAt: inc.DetectedAt, FrozenAt: inc.FrozenAt, typed: typed{"Incident"},
				ReportUpward: reportUpward{Required: s.ReportUpward.Required, Deadline: set(s.ReportUpward.Deadline),
					NotifiedAt: set(s.ReportUpward.NotifiedAt), typed: typed{"ReportUpward"}},
				Counts: counts{s.Counts.Tasks, s.Counts.OpenTasks, s.Counts.Evidence, s.Counts.Forwards, typed{"IncidentCounts"}}}
			for _, l := range leads {
				if inc.LeadID != nil && l.ID == *inc.LeadID {
					n.Lead = &lead{l.DisplayName, typed{"User"}}
				}
			}
			if next := incident.Next(s.Clocks); next != nil {
				n.NextClock = &clock{Definition: definition{next.Clock.ID, typed{"ClockDefinition"}}, Status: next.Status,
					StartedAt: set(next.StartedAt), DueAt: set(next.DueAt), typed: typed{"Clock"}}
			}
			edges[i] = edge{n, typed{"IncidentEdge"}}
		}
		var end *string
		if len(page.Incidents) > 0 {
			c := incident.CursorOf(page.Incidents[len(page.Incidents)-1]).Encode()
			end = &c
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"incidents": map[string]any{ //nolint:errcheck // the client went away
			"totalCount": page.Total, "pageInfo": map[string]any{"hasNextPage": page.HasNext, "endCursor": end, "__typename": "PageInfo"},
			"edges": edges, "__typename": "IncidentConnection"}}})
	})
}

// servedBinary is `leaktrail serve`, built from this tree, on the fixture's database.
type servedBinary struct{ *testserve.Server }

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

func serveBinary(b *testing.B, f *fixture) *servedBinary {
	b.Helper()
	return &servedBinary{serveBinaryWith(b, f)}
}

// serveBinaryWith runs the binary on f's database and bucket with env added.
func serveBinaryWith(b *testing.B, f *fixture, env ...string) *testserve.Server {
	b.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "leaktrail-bench-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath, binaryErr = testserve.Build(dir)
	})
	if binaryErr != nil {
		b.Fatal(binaryErr)
	}
	return testserve.Start(b, binaryPath, append(binaryEnv(f), env...))
}

// binaryEnv points the binary at f's database and bucket. The clock and
// gate watcher is off: its first run reads the gate of every case the
// fixture just wrote, which the figures of a request would count as theirs.
func binaryEnv(f *fixture) []string {
	cfg := f.main.Config
	return []string{"LEAKTRAIL_DATABASE_URL=" + cfg.DatabaseURL,
		"LEAKTRAIL_LISTEN=127.0.0.1:0", "LEAKTRAIL_S3_ENDPOINT=" + cfg.S3.Endpoint, "LEAKTRAIL_S3_ACCESS_KEY=" + cfg.S3.AccessKey,
		"LEAKTRAIL_S3_SECRET_KEY=" + cfg.S3.SecretKey, "LEAKTRAIL_S3_BUCKET=" + cfg.S3.Bucket, "LEAKTRAIL_WATCH_INTERVAL=0"}
}

// rssMiB is the served process's resident memory.
func (s *servedBinary) rssMiB(b *testing.B) float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range bytes.Lines(status) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			kib, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(rest)), "kB")), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kib / 1024
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

// profileDir, from LEAKTRAIL_BENCH_PROFILE, is where CPU profiles of the
// binary under load are written (off when empty): the figures say how far
// from the floor, the profiles say why.
var profileDir = os.Getenv("LEAKTRAIL_BENCH_PROFILE")

// freeAddr is a loopback address with a port free at the moment.
func freeAddr(b *testing.B) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// profile starts a CPU profile of the binary whose profiler is at addr and
// returns a function that ends it and writes profileDir/name.cpu.pprof.
func profile(b *testing.B, addr, name string) (stop func()) {
	if addr == "" {
		return func() {}
	}
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/debug/pprof/profile?seconds=20")
		if err != nil {
			done <- err
			return
		}
		defer resp.Body.Close()
		out, err := os.Create(filepath.Join(profileDir, name+".cpu.pprof"))
		if err == nil {
			_, err = io.Copy(out, resp.Body)
			err = errors.Join(err, out.Close())
		}
		done <- err
	}()
	return func() {
		if err := <-done; err != nil {
			b.Error(err)
		}
	}
}
