package bench

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/spread"
)

const millionForwards = 1000000

// viralRows is viralSpread's chain as table rows, for loading by COPY: nodes
// (people, groups of up to 500, a member of each group as its sender) and
// forwards between them.
type viralRows struct {
	nodes []viralNode
	edges []viralEdge
}

type viralNode struct {
	id       uuid.UUID
	key      string
	kind     spread.NodeKind
	exposure spread.Exposure
	members  *int
}

type viralEdge struct {
	id, from, to, by uuid.UUID
	at               time.Time
}

func viralChain(n int) *viralRows {
	r := rand.New(rand.NewPCG(2026, 11))
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	c := &viralRows{}
	add := func(key string, kind spread.NodeKind, exposure spread.Exposure, members *int) uuid.UUID {
		id := uuid.Must(uuid.NewV7())
		c.nodes = append(c.nodes, viralNode{id, key, kind, exposure, members})
		return id
	}
	type known struct{ node, person uuid.UUID }
	first := add("p:0", spread.Person, spread.Internal, nil)
	reached := []known{{first, first}}
	for i := range n {
		src := reached[r.IntN(len(reached))]
		var dst known
		if i%3 == 0 {
			members, exposure := 3+r.IntN(500), spread.Internal
			if i > n/10 {
				exposure = spread.External
			}
			dst.node = add(fmt.Sprint("g:", i+1), "GROUP_CHAT", exposure, &members)
			dst.person = add(fmt.Sprint("p:m", i+1), spread.Person, spread.Internal, nil)
		} else {
			dst.node = add(fmt.Sprint("p:", i+1), spread.Person, spread.Internal, nil)
			dst.person = dst.node
		}
		c.edges = append(c.edges, viralEdge{uuid.Must(uuid.NewV7()), src.node, dst.node, src.person,
			start.Add(time.Duration(i) * 2 * time.Second)})
		reached = append(reached, dst)
	}
	return c
}

// millionFixture is an incident with a million forwards loaded by COPY (as a
// restore or migration would bring them, not through recordForwards), its
// snapshot built as the migration backfills one.
func millionFixture(b *testing.B) *fixture {
	f := newFixture(b)
	f.incident = f.openIncident(b)
	chain := viralChain(millionForwards)
	actor, _ := auth.UserFrom(f.ctx)
	tx := f.main.DB.MustBegin()
	copyIn := func(table string, columns []string, n int, row func(int) []any) {
		stmt, err := tx.Prepare(pq.CopyIn(table, columns...))
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if _, err := stmt.Exec(row(i)...); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := stmt.Exec(); err != nil {
			b.Fatal(err)
		}
		stmt.Close()
	}
	copyIn("spread_nodes", []string{"id", "incident_id", "key", "kind", "name", "exposure", "member_count"}, len(chain.nodes),
		func(i int) []any {
			n := chain.nodes[i]
			return []any{n.id, f.incident.ID, n.key, n.kind, n.key, n.exposure, n.members}
		})
	copyIn("forwards", []string{"id", "incident_id", "key", "from_node", "to_node", "by_node", "at", "method", "created_by"},
		len(chain.edges), func(i int) []any {
			e := chain.edges[i]
			return []any{e.id, f.incident.ID, fmt.Sprint("f", i), e.from, e.to, e.by, e.at, "FORWARD", actor.ID}
		})
	start := time.Now()
	if _, err := tx.Exec(`SELECT spread_snapshot_rebuild($1)`, f.incident.ID); err != nil {
		b.Fatal(err)
	}
	b.Logf("snapshot of %d forwards rebuilt in %v", millionForwards, time.Since(start))
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	chain = nil
	runtime.GC()
	debug.FreeOSMemory()
	return f
}

// BenchmarkAnalyze1M is the cold analysis (every figure of Spread) of the
// million-forward incident, and the growth of the process's resident memory
// while it runs: VmHWM (reset before each round through /proc/self/clear_refs)
// over VmRSS before, from /proc/self/status. The previous round's analysis
// stays cached meanwhile, as it does in a server until the new one replaces it.
func BenchmarkAnalyze1M(b *testing.B) {
	f := millionFixture(b)
	var growth int64
	for b.Loop() {
		if err := f.main.Spread.Store.BumpVersion(f.ctx, f.main.DB, f.incident.ID); err != nil {
			b.Fatal(err)
		}
		before := rssKiB(b, "VmRSS")
		resetPeakRSS(b)
		figuresTo(b, f, fmt.Sprint("p:", millionForwards))
		growth = max(growth, rssKiB(b, "VmHWM")-before)
	}
	b.ReportMetric(float64(growth)/1024, "MiB-peak-RSS-growth")
	note("analyze1M.ms", secondsPerOp(b)*1000)
	note("analyze1M.rssGrowth.MiB", float64(growth)/1024)
}

// BenchmarkReadFloor1M is BenchmarkReadFloor at a million forwards.
func BenchmarkReadFloor1M(b *testing.B) {
	f := millionFixture(b)
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
		if n != millionForwards {
			b.Fatal(n)
		}
	}
	note("readFloor1M.ms", secondsPerOp(b)*1000)
}
