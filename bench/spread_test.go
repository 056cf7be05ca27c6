// Package bench holds Leaktrail's speed measurements, run by `make bench`
// against the real PostgreSQL and MinIO that command starts. Each figure is
// reported next to its floor, measured in the same run.
package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/graph"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
	"github.com/leaktrail/leaktrail/spread"
)

const viralForwards = 100000

// viralSpread is a realistic large incident: a photo that goes viral, each
// forward taking it from a person or group that already had it to a new
// person or group (a third of them groups of up to 500), over three days.
func viralSpread(n int) []*spread.ForwardInput {
	r := rand.New(rand.NewPCG(2026, 11))
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	type known struct {
		ref    spread.NodeRef
		person string // for a group: someone in it
	}
	nodes := []known{{ref: spread.NodeRef{Key: "p:0", Kind: spread.Person}, person: "p:0"}}
	out := make([]*spread.ForwardInput, n)
	for i := range n {
		src := nodes[r.IntN(len(nodes))]
		var dst spread.NodeRef
		if i%3 == 0 {
			members, exposure := 3+r.IntN(500), spread.Exposure("INTERNAL")
			if i > n/10 {
				exposure = "EXTERNAL"
			}
			dst = spread.NodeRef{Key: fmt.Sprint("g:", i+1), Kind: "GROUP_CHAT", MemberCount: &members, Exposure: &exposure}
		} else {
			dst = spread.NodeRef{Key: fmt.Sprint("p:", i+1), Kind: spread.Person}
		}
		by := spread.NodeRef{Key: src.person, Kind: spread.Person}
		out[i] = &spread.ForwardInput{Key: fmt.Sprint("f", i), At: start.Add(time.Duration(i) * 2 * time.Second),
			Method: "FORWARD", From: src.ref, To: dst, By: by}
		member := dst.Key
		if dst.Kind != spread.Person {
			member = fmt.Sprint("p:m", i+1)
		}
		nodes = append(nodes, known{ref: dst, person: member})
	}
	return out
}

type fixture struct {
	main     *server.Main
	client   *testgql.Client
	ctx      context.Context
	incident incident.Incident
}

func newFixture(b *testing.B) *fixture {
	b.Helper()
	cfg := server.Config{DatabaseURL: testdb.NewURL(b), Listen: "127.0.0.1:0", S3: testdb.ObjectStore(b),
		SessionTTL: time.Hour, ReportWindow: 24 * time.Hour, ComplexityLimit: graph.DefaultComplexityLimit,
		// recordForwards of 100,000 forwards in one request is ~21 MB, above the default.
		GraphQLMaxBody: 64 << 20}
	m := server.NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := m.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	u, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "bench", Password: "benchmark password",
		Roles: []auth.Role{auth.Investigator}})
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{main: m, client: &testgql.Client{URL: m.URL()}, ctx: auth.WithUser(context.Background(), u)}
	f.client.Login(b, "bench", "benchmark password")
	return f
}

func (f *fixture) openIncident(b *testing.B) incident.Incident {
	b.Helper()
	inc, err := f.main.Incidents.Open(f.ctx, incident.OpenInput{Title: "病毒式扩散", LeakedItem: "文件照片",
		Classification: "SECRET", DetectedAt: time.Now().Add(-time.Hour), DetectionMethod: "MONITORING", ReportedBy: "监测"})
	if err != nil {
		b.Fatal(err)
	}
	return inc
}

func perSecond(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "forwards/s")
}

// BenchmarkRecordForwards records 100,000 forwards in one recordForwards call
// through the service (one transaction).
func BenchmarkRecordForwards(b *testing.B) {
	f := newFixture(b)
	batch := viralSpread(viralForwards)
	for b.Loop() {
		inc := f.openIncident(b)
		if _, err := f.main.Spread.RecordForwards(f.ctx, inc.ID, batch); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, viralForwards)
	note("record.s", secondsPerOp(b))
}

// BenchmarkRecordForwardsHTTP is the same batch as one GraphQL request.
func BenchmarkRecordForwardsHTTP(b *testing.B) {
	f := newFixture(b)
	body, err := json.Marshal(map[string]any{"query": `mutation($id: ID!, $f: [ForwardInput!]!) {
		recordForwards(incidentId: $id, forwards: $f) { id } }`, "variables": map[string]any{"f": viralSpread(viralForwards)}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		inc := f.openIncident(b)
		req := append([]byte(nil), body...)
		req = append(req[:len(req)-2], []byte(fmt.Sprintf(`,"id":%q}}`, inc.ID))...)
		if r := f.client.Raw(b, "application/json", req); len(r.Errors) > 0 {
			b.Fatal(r.Errors)
		}
	}
	perSecond(b, viralForwards)
	b.ReportMetric(float64(len(body))/1e6, "MB/request")
	note("recordGQL.s", secondsPerOp(b))
}

// BenchmarkImportUploadHTTP is the same batch as a JSONL file posted to the
// import endpoint, the way the UI uploads chat-derived records.
func BenchmarkImportUploadHTTP(b *testing.B) {
	f := newFixture(b)
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for _, fw := range viralSpread(viralForwards) {
		if err := enc.Encode(fw); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		inc := f.openIncident(b)
		req, err := http.NewRequest(http.MethodPost, f.main.URL()+"/incidents/"+inc.Reference+"/forwards", bytes.NewReader(body.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+f.client.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) //nolint:errcheck
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
	}
	perSecond(b, viralForwards)
}

// BenchmarkCopyFloor is one half of the floor for recording: a bare COPY of
// the same forward rows into the table (nodes already there). The other half
// is BenchmarkCopyFloorNodes; a batch that creates its nodes pays both.
func BenchmarkCopyFloor(b *testing.B) {
	f := newFixture(b)
	inc := f.openIncident(b)
	batch := viralSpread(viralForwards)
	if _, err := f.main.Spread.RecordForwards(f.ctx, inc.ID, batch); err != nil {
		b.Fatal(err)
	}
	rows, err := f.main.DB.Query(`SELECT from_node, to_node, by_node, at FROM forwards WHERE incident_id = $1`, inc.ID)
	if err != nil {
		b.Fatal(err)
	}
	type edge struct {
		from, to, by uuid.UUID
		at           time.Time
	}
	var edges []edge
	for rows.Next() {
		var e edge
		if err := rows.Scan(&e.from, &e.to, &e.by, &e.at); err != nil {
			b.Fatal(err)
		}
		edges = append(edges, e)
	}
	rows.Close()
	actor, _ := auth.UserFrom(f.ctx)
	for b.Loop() {
		tx := f.main.DB.MustBegin()
		stmt, err := tx.Prepare(pq.CopyIn("forwards", "id", "incident_id", "key", "from_node", "to_node", "by_node", "at",
			"method", "created_by"))
		if err != nil {
			b.Fatal(err)
		}
		for i, e := range edges {
			if _, err := stmt.Exec(uuid.New(), inc.ID, fmt.Sprint("copy-", i), e.from, e.to, e.by, e.at, "FORWARD", actor.ID); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := stmt.Exec(); err != nil {
			b.Fatal(err)
		}
		stmt.Close()
		tx.Rollback() //nolint:errcheck // the floor leaves nothing behind
	}
	perSecond(b, viralForwards)
	note("copyForwards.s", secondsPerOp(b))
}

// BenchmarkCopyFloorNodes is the other half of the recording floor: a bare
// COPY of the nodes the batch creates (nodes per batch reported).
func BenchmarkCopyFloorNodes(b *testing.B) {
	f := newFixture(b)
	inc := f.openIncident(b)
	if _, err := f.main.Spread.RecordForwards(f.ctx, inc.ID, viralSpread(viralForwards)); err != nil {
		b.Fatal(err)
	}
	var nodes []struct {
		Key, Kind, Name, Exposure string
		MemberCount               *int `db:"member_count"`
	}
	if err := f.main.DB.Select(&nodes, `SELECT key, kind, name, exposure, member_count FROM spread_nodes WHERE incident_id = $1`, inc.ID); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		other := f.openIncident(b)
		tx := f.main.DB.MustBegin()
		stmt, err := tx.Prepare(`COPY spread_nodes (id, incident_id, key, kind, name, exposure, member_count) FROM STDIN`)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range nodes {
			if _, err := stmt.Exec(uuid.Must(uuid.NewV7()), other.ID, n.Key, n.Kind, n.Name, n.Exposure, n.MemberCount); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := stmt.Exec(); err != nil {
			b.Fatal(err)
		}
		stmt.Close()
		tx.Rollback() //nolint:errcheck // the floor leaves nothing behind
	}
	b.ReportMetric(float64(len(nodes)), "nodes")
	note("copyNodes.s", secondsPerOp(b))
}

// analysed returns a fixture whose incident has the 100,000-forward spread.
func analysed(b *testing.B) *fixture {
	f := newFixture(b)
	f.incident = f.openIncident(b)
	if _, err := f.main.Spread.RecordForwards(f.ctx, f.incident.ID, viralSpread(viralForwards)); err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkAnalyze is the full analysis server-side, cold: the chain has just
// changed, so one bulk read of the incident's nodes and forwards, then every
// figure of Spread.
func BenchmarkAnalyze(b *testing.B) {
	f := analysed(b)
	for b.Loop() {
		if err := f.main.Spread.Store.BumpVersion(f.ctx, f.main.DB, f.incident.ID); err != nil {
			b.Fatal(err)
		}
		figures(b, f)
	}
	note("analyze.ms", secondsPerOp(b)*1000)
}

// BenchmarkAnalyzeWarm asks again with the chain unchanged, as a screen does.
func BenchmarkAnalyzeWarm(b *testing.B) {
	f := analysed(b)
	figures(b, f) // the one cold computation
	for b.Loop() {
		figures(b, f)
	}
	note("analyzeWarm.ms", secondsPerOp(b)*1000)
}

func figures(b *testing.B, f *fixture) { figuresTo(b, f, fmt.Sprint("p:", viralForwards)) }

// figuresTo asks every figure of Spread, the path to the node with key target.
func figuresTo(b *testing.B, f *fixture, target string) {
	b.Helper()
	a, err := f.main.Spread.Analyze(f.ctx, f.incident)
	if err != nil {
		b.Fatal(err)
	}
	a.Origins()
	a.PathTo(target)
	a.FirstExternal()
	a.FrontierCount()
	a.Frontier(20) // as the spread summary asks it
	a.People()
	a.Warnings()
}

// BenchmarkAnalyzeInMemory is the analysis alone, with the graph already read.
func BenchmarkAnalyzeInMemory(b *testing.B) {
	f := analysed(b)
	g, err := f.main.Spread.Analyze(f.ctx, f.incident)
	if err != nil {
		b.Fatal(err)
	}
	nodes, forwards := g.Nodes(), g.Forwards()
	for b.Loop() {
		a := spread.Analyze(nodes, forwards)
		a.FrontierCount()
		a.Frontier(20)
		a.People()
		a.Warnings()
	}
}

// BenchmarkReadFloor is the floor for the analysis: a bare read of the
// incident's edges into the server, bytes untouched, the least any analysis
// must do (lib/pq has no COPY TO STDOUT; a streamed SELECT is the same wire work).
func BenchmarkReadFloor(b *testing.B) {
	f := analysed(b)
	for b.Loop() {
		rows, err := f.main.DB.Query(`SELECT from_node, to_node, by_node, at FROM forwards WHERE incident_id = $1`, f.incident.ID)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		var from, to, by, at sql.RawBytes
		for rows.Next() {
			if err := rows.Scan(&from, &to, &by, &at); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		if n != viralForwards {
			b.Fatal(n)
		}
	}
	note("readFloor.ms", secondsPerOp(b)*1000)
}

// BenchmarkSpreadQueryHTTP is the whole spread query over HTTP, as the UI
// asks it, cold (the chain just changed).
func BenchmarkSpreadQueryHTTP(b *testing.B) { spreadQueryHTTP(b, true) }

// BenchmarkSpreadQueryHTTPWarm asks again with the chain unchanged.
func BenchmarkSpreadQueryHTTPWarm(b *testing.B) { spreadQueryHTTP(b, false) }

func spreadQueryHTTP(b *testing.B, cold bool) {
	f := analysed(b)
	q := `query($id: ID!, $target: String!) { incident(id: $id) { spread {
		origins { key name } pathTo(nodeKey: $target) { key at method from { key } to { key } by { key } }
		depth reachedNodes reachedVenues estimatedAudience firstExternal { key at } firstPublic { key }
		frontier(first: 100) { key name memberCount containment { status } } frontierCount
		warnings(first: 100) { kind forwardKeys } warningCount forwardCount } } }`
	vars := map[string]any{"id": f.incident.ID, "target": fmt.Sprint("p:", viralForwards)}
	if !cold {
		f.client.Do(b, q, vars) // the one cold computation
	}
	for b.Loop() {
		if cold {
			if err := f.main.Spread.Store.BumpVersion(f.ctx, f.main.DB, f.incident.ID); err != nil {
				b.Fatal(err)
			}
		}
		if r := f.client.Do(b, q, vars); len(r.Errors) > 0 {
			b.Fatal(r.Errors)
		}
	}
	b.ReportMetric(float64(runtime.NumCPU()), "cores")
}
