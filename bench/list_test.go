package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/internal/testserve"
)

// The list page exactly as the incident list screen asks for it
// (ui/web/src/features/incidents/Incidents.tsx), with the __typename fields
// urql's cache adds to every selection: 50 incidents with their lead, report
// upward, next legal clock and counts.
const listQuery = `query Incidents($after: String, $filter: IncidentFilter) {
  incidents(first: 50, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor __typename }
    edges { node { id reference title stage classification jurisdiction detectedAt frozenAt lead { displayName __typename }
      reportUpward { required deadline notifiedAt __typename } nextClock { definition { id __typename } status startedAt dueAt __typename }
      counts { tasks openTasks evidence forwards __typename } __typename } __typename } __typename } }`

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

	b.Run("leaktrail", func(b *testing.B) {
		body, _ := json.Marshal(map[string]string{"query": listQuery})
		send := func() error {
			req, _ := http.NewRequest(http.MethodPost, lf.served.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			return fetch(req, lf.client.Token)
		}
		if err := send(); err != nil {
			b.Fatal(err)
		}
		statements := countStatements(b, lf.main.DB, 50, send)
		note("list.statements", statements)
		b.ReportMetric(statements, "SQL/request")
		var rss float64
		stop := profile(b, lf.pprof, "list")
		rps, p50, p99 := load(b, send, func() { rss = max(rss, lf.served.rssMiB(b)) })
		stop()
		note("list.rps", rps)
		note("list.p50.ms", p50)
		note("list.p99.ms", p99)
		note("rss.load.MiB", rss)
	})

	b.Run("floor", func(b *testing.B) {
		floor := httptest.NewServer(listFloor(lf.main.DB))
		defer floor.Close()
		send := func() error {
			req, _ := http.NewRequest(http.MethodGet, floor.URL, nil)
			return fetch(req, lf.client.Token)
		}
		if err := send(); err != nil {
			b.Fatal(err)
		}
		note("listFloor.statements", countStatements(b, lf.main.DB, 50, send))
		rps, p50, p99 := load(b, send, func() {})
		note("listFloor.rps", rps)
		note("listFloor.p50.ms", p50)
		note("listFloor.p99.ms", p99)
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

// listFloor is the least a server can do for the page: check the session,
// read the page with its total, the leads, the tasks and the counts with the
// same statements Leaktrail's stores run, and write the same JSON.
func listFloor(db *sqlx.DB) http.Handler {
	type user struct {
		ID          string `json:"id" db:"id"`
		DisplayName string `json:"displayName" db:"display_name"`
	}
	type task struct {
		ID         string     `json:"id" db:"id"`
		IncidentID string     `json:"-" db:"incident_id"`
		Title      string     `json:"title" db:"title"`
		Stage      string     `json:"stage" db:"stage"`
		DoneAt     *time.Time `json:"-" db:"done_at"`
		Done       bool       `json:"done" db:"-"`
	}
	type counts struct {
		IncidentID string `json:"-" db:"incident_id"`
		Tasks      int    `json:"tasks" db:"tasks"`
		OpenTasks  int    `json:"openTasks" db:"open_tasks"`
		Evidence   int    `json:"evidence" db:"evidence"`
		Forwards   int    `json:"forwards" db:"forwards"`
	}
	type node struct {
		ID             string    `json:"id" db:"id"`
		Reference      string    `json:"reference" db:"reference"`
		Title          string    `json:"title" db:"title"`
		Stage          string    `json:"stage" db:"stage"`
		Classification string    `json:"classification" db:"classification"`
		DetectedAt     time.Time `json:"detectedAt" db:"detected_at"`
		CreatedAt      time.Time `json:"-" db:"created_at"`
		LeadID         *string   `json:"-" db:"lead_id"`
		Lead           *user     `json:"lead" db:"-"`
		Tasks          []task    `json:"tasks" db:"-"`
		Counts         *counts   `json:"counts" db:"-"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		hash := sha256.Sum256([]byte(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))
		var viewer struct {
			ID    string         `db:"id"`
			Roles pq.StringArray `db:"roles"`
		}
		if err := db.GetContext(ctx, &viewer, `SELECT u.id, u.roles FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled`, hash[:]); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		leadership := slices.Contains(viewer.Roles, "LEADERSHIP")
		visible := `(EXISTS (SELECT 1 FROM incident_members vm WHERE vm.incident_id = i.id AND vm.user_id = $1) OR ($2 AND i.stage = 'CLOSED'))`
		var rows []struct {
			node
			Total int `db:"total"`
		}
		if err := db.SelectContext(ctx, &rows, `SELECT id, reference, title, stage, classification, detected_at, created_at, lead_id,
			(SELECT count(*) FROM incidents i WHERE `+visible+`) AS total
			FROM incidents i WHERE `+visible+` ORDER BY created_at DESC, id DESC LIMIT 51`, viewer.ID, leadership); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		hasNext := len(rows) > 50
		rows = rows[:min(len(rows), 50)]
		page := make([]node, len(rows))
		total := 0
		for i, r := range rows {
			page[i], total = r.node, r.Total
		}
		ids := make([]string, len(page))
		var leadIDs []string
		for i, n := range page {
			ids[i] = n.ID
			if n.LeadID != nil {
				leadIDs = append(leadIDs, *n.LeadID)
			}
		}
		var leads []user
		var tasks []task
		var cs []counts
		err := db.SelectContext(ctx, &leads, `SELECT id, display_name FROM users WHERE id = ANY($1)`, pq.Array(leadIDs))
		if err == nil {
			err = db.SelectContext(ctx, &tasks, `SELECT c.id, c.incident_id, c.title, c.stage, c.done_at FROM tasks c
				JOIN incidents i ON i.id = c.incident_id WHERE c.incident_id = ANY($3) AND `+visible+` ORDER BY c.created_at, c.id`,
				viewer.ID, leadership, pq.Array(ids))
		}
		if err == nil {
			err = db.SelectContext(ctx, &cs, `SELECT i.id AS incident_id,
				(SELECT count(*) FROM tasks t WHERE t.incident_id = i.id) AS tasks,
				(SELECT count(*) FROM tasks t WHERE t.incident_id = i.id AND t.done_at IS NULL) AS open_tasks,
				(SELECT count(*) FROM evidence e WHERE e.incident_id = i.id) AS evidence,
				(SELECT count(*) FROM forwards f WHERE f.incident_id = i.id) AS forwards
				FROM incidents i WHERE i.id = ANY($3) AND `+visible, viewer.ID, leadership, pq.Array(ids))
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		byIncident := map[string]*node{}
		for i := range page {
			page[i].Tasks = []task{}
			byIncident[page[i].ID] = &page[i]
		}
		for _, l := range leads {
			for i := range page {
				if page[i].LeadID != nil && *page[i].LeadID == l.ID {
					page[i].Lead = &l
				}
			}
		}
		for _, t := range tasks {
			t.Done = t.DoneAt != nil
			byIncident[t.IncidentID].Tasks = append(byIncident[t.IncidentID].Tasks, t)
		}
		for _, c := range cs {
			byIncident[c.IncidentID].Counts = &c
		}
		type edge struct {
			Node node `json:"node"`
		}
		edges := make([]edge, len(page))
		for i, n := range page {
			edges[i] = edge{n}
		}
		var end *string
		if len(page) > 0 {
			c := page[len(page)-1].ID
			end = &c
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"incidents": map[string]any{ //nolint:errcheck // the client went away
			"totalCount": total, "pageInfo": map[string]any{"hasNextPage": hasNext, "endCursor": end}, "edges": edges}}})
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
