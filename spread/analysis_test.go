package spread

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// builder makes graphs for tests by node key.
type builder struct {
	nodes    []*Node
	forwards []*Forward
	byKey    map[string]*Node
}

func newBuilder() *builder { return &builder{byKey: map[string]*Node{}} }

func (b *builder) node(key string, kind NodeKind, exposure Exposure, members int) *Node {
	if n, ok := b.byKey[key]; ok {
		return n
	}
	n := &Node{ID: uuid.New(), Key: key, Kind: kind, Name: key, Exposure: exposure}
	if kind != Person && members > 0 {
		n.MemberCount = &members
	}
	b.nodes = append(b.nodes, n)
	b.byKey[key] = n
	return n
}

func (b *builder) forward(from, to, by string, at time.Time) *Forward {
	f := &Forward{ID: uuid.New(), Key: fmt.Sprintf("f%05d", len(b.forwards)), From: b.byKey[from].ID,
		To: b.byKey[to].ID, By: b.byKey[by].ID, At: at, Method: "FORWARD"}
	b.forwards = append(b.forwards, f)
	return f
}

// brute is the reference: the definitions computed the slow, obvious way.
type brute struct {
	origins  map[int]bool
	hops     []int
	arrived  []bool
	arrival  []time.Time
	audience int
	venues   int
}

func bruteForce(nodes []*Node, forwards []*Forward) brute {
	idx := map[uuid.UUID]int{}
	for i, n := range nodes {
		idx[n.ID] = i
	}
	b := brute{origins: map[int]bool{}, hops: make([]int, len(nodes)), arrived: make([]bool, len(nodes)),
		arrival: make([]time.Time, len(nodes))}
	for i := range nodes {
		sends, receives := false, false
		for _, f := range forwards {
			sends = sends || idx[f.From] == i
			receives = receives || idx[f.To] == i
		}
		if sends && !receives {
			b.origins[i] = true
		}
		b.hops[i] = -1
	}
	for o := range b.origins {
		b.hops[o] = 0
		b.arrived[o] = true
	}
	for changed := true; changed; {
		changed = false
		for _, f := range forwards {
			u, v := idx[f.From], idx[f.To]
			if b.hops[u] >= 0 && (b.hops[v] < 0 || b.hops[u]+1 < b.hops[v]) {
				b.hops[v], changed = b.hops[u]+1, true
			}
			originOrEarlier := b.arrived[u] && (b.origins[u] || !b.arrival[u].After(f.At))
			if originOrEarlier && !b.origins[v] && (!b.arrived[v] || f.At.Before(b.arrival[v])) {
				b.arrived[v], b.arrival[v], changed = true, f.At, true
			}
		}
	}
	for i, n := range nodes {
		if b.hops[i] >= 0 && n.IsVenue() {
			b.venues++
			if n.MemberCount != nil {
				b.audience += *n.MemberCount
			}
		}
	}
	return b
}

func randomGraph(r *rand.Rand, nNodes, nForwards int) *builder {
	b := newBuilder()
	var people []string
	for i := range nNodes {
		key := fmt.Sprintf("n%03d", i)
		if i < 2 || r.IntN(2) == 0 {
			b.node(key, Person, Internal, 0)
			people = append(people, key)
		} else {
			kinds := []NodeKind{"GROUP_CHAT", "WEBSITE", "SMS_MMS", "FEED_POST"}
			b.node(key, kinds[r.IntN(len(kinds))], Exposures[r.IntN(3)], r.IntN(500))
		}
	}
	for range nForwards {
		from, to := r.IntN(nNodes), r.IntN(nNodes)
		if from == to {
			continue
		}
		// Few distinct times, so equal timestamps and chains within them happen.
		at := t0.Add(time.Duration(r.IntN(nForwards/2+1)) * time.Hour)
		b.forward(b.nodes[from].Key, b.nodes[to].Key, people[r.IntN(len(people))], at)
	}
	return b
}

func TestAnalysisMatchesBruteForceOnRandomGraphs(t *testing.T) {
	t.Parallel()
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 42))
		b := randomGraph(r, 2+r.IntN(25), r.IntN(60))
		a := Analyze(b.nodes, b.forwards)
		want := bruteForce(b.nodes, b.forwards)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("seed %d: "+format, append([]any{seed}, args...)...)
		}
		var gotOrigins []int
		for _, o := range a.Origins() {
			gotOrigins = append(gotOrigins, a.nodeIndex.of(o.ID))
		}
		if len(gotOrigins) != len(want.origins) {
			fail("origins %v, want %v", gotOrigins, want.origins)
		}
		for _, o := range gotOrigins {
			if !want.origins[o] {
				fail("%d is no origin", o)
			}
		}
		depth, reached := 0, 0
		for i, h := range want.hops {
			if h >= 0 {
				reached++
				depth = max(depth, h)
			}
			if int(a.hops[i]) != h {
				fail("hops of %d = %d, want %d", i, a.hops[i], h)
			}
		}
		if a.Depth != depth || a.ReachedNodes != reached || a.ReachedVenues != want.venues || a.EstimatedAudience != want.audience {
			fail("depth %d reach %d venues %d audience %d, want %d %d %d %d", a.Depth, a.ReachedNodes,
				a.ReachedVenues, a.EstimatedAudience, depth, reached, want.venues, want.audience)
		}
		for i, n := range b.nodes {
			path := a.PathTo(n.Key)
			if !want.arrived[i] || want.origins[i] {
				if len(path) != 0 {
					fail("path to %s (unreached or origin): %d hops", n.Key, len(path))
				}
				continue
			}
			if len(path) == 0 {
				fail("no path to %s, which the item reached at %v", n.Key, want.arrival[i])
			}
			if !want.origins[a.nodeIndex.of(path[0].From)] {
				fail("path to %s starts at %v, not an origin", n.Key, path[0].From)
			}
			for k := 1; k < len(path); k++ {
				if path[k].From != path[k-1].To || path[k].At.Before(path[k-1].At) {
					fail("path to %s breaks at hop %d", n.Key, k)
				}
			}
			if last := path[len(path)-1]; last.To != n.ID || !last.At.Equal(want.arrival[i]) {
				fail("path to %s arrives %v, want %v", n.Key, last.At, want.arrival[i])
			}
		}
		var firstExt *Forward
		for _, f := range b.forwards {
			if e := b.nodes[a.nodeIndex.of(f.To)].Exposure; e != Internal &&
				(firstExt == nil || f.At.Before(firstExt.At) || (f.At.Equal(firstExt.At) && f.Key < firstExt.Key)) {
				firstExt = f
			}
		}
		if a.FirstExternal() != firstExt {
			fail("first external %v, want %v", a.FirstExternal(), firstExt)
		}
		seen := map[string]bool{}
		for _, n := range a.Frontier(-1) {
			if seen[n.Key] || !n.IsVenue() || a.hops[a.nodeIndex.of(n.ID)] < 0 {
				fail("frontier holds %s wrongly", n.Key)
			}
			seen[n.Key] = true
		}
		if len(seen) != want.venues {
			fail("frontier %d venues, want %d (none contained)", len(seen), want.venues)
		}
	}
}

// A chain that loops back into a group it already reached.
func TestCycleIsSafe(t *testing.T) {
	t.Parallel()
	b := newBuilder()
	b.node("a", Person, Internal, 0)
	b.node("b", Person, Internal, 0)
	b.node("g", "GROUP_CHAT", Internal, 40)
	b.forward("a", "g", "a", t0)
	b.forward("g", "b", "b", t0.Add(time.Minute))
	b.forward("b", "g", "b", t0.Add(2*time.Minute)) // back into the group
	a := Analyze(b.nodes, b.forwards)
	if a.ReachedNodes != 3 || a.Depth != 2 || a.EstimatedAudience != 40 || len(a.PathTo("b")) != 2 {
		t.Fatalf("reach %d depth %d audience %d path %d", a.ReachedNodes, a.Depth, a.EstimatedAudience, len(a.PathTo("b")))
	}
	// A pure cycle has no origin, so nothing is reached from one.
	c := newBuilder()
	c.node("x", Person, Internal, 0)
	c.node("y", Person, Internal, 0)
	c.forward("x", "y", "x", t0)
	c.forward("y", "x", "y", t0.Add(time.Minute))
	if a := Analyze(c.nodes, c.forwards); len(a.Origins()) != 0 || a.ReachedNodes != 0 {
		t.Fatalf("pure cycle: %d origins, %d reached", len(a.Origins()), a.ReachedNodes)
	}
}

func TestLongChainAndLargeTree(t *testing.T) {
	t.Parallel()
	chain := newBuilder()
	const hops = 10000
	for i := 0; i <= hops; i++ {
		chain.node(fmt.Sprint("p", i), Person, Internal, 0)
	}
	for i := range hops {
		chain.forward(fmt.Sprint("p", i), fmt.Sprint("p", i+1), fmt.Sprint("p", i), t0.Add(time.Duration(i)*time.Second))
	}
	a := Analyze(chain.nodes, chain.forwards)
	if a.Depth != hops || len(a.PathTo(fmt.Sprint("p", hops))) != hops || len(a.Origins()) != 1 {
		t.Fatalf("chain: depth %d path %d", a.Depth, len(a.PathTo(fmt.Sprint("p", hops))))
	}

	// A random tree of 100,000 forwards, each node reached from an earlier one.
	r := rand.New(rand.NewPCG(7, 7))
	tree := newBuilder()
	const size = 100000
	tree.node("root", Person, Internal, 0)
	for i := 1; i <= size; i++ {
		parent := tree.nodes[r.IntN(len(tree.nodes))]
		kind, members := Person, 0
		if i%3 == 0 {
			kind, members = "GROUP_CHAT", 1+r.IntN(500)
		}
		child := tree.node(fmt.Sprint("t", i), kind, Internal, members)
		by := parent.Key
		if parent.IsVenue() {
			by = "root"
		}
		tree.forward(parent.Key, child.Key, by, t0.Add(time.Duration(i)*time.Second))
	}
	a = Analyze(tree.nodes, tree.forwards)
	if a.ReachedNodes != size+1 || len(a.Origins()) != 1 {
		t.Fatalf("tree: reached %d", a.ReachedNodes)
	}
	want := bruteHops(tree)
	if a.Depth != want {
		t.Fatalf("tree depth %d, want %d", a.Depth, want)
	}
}

// bruteHops walks each node's parent chain: fine for a tree.
func bruteHops(b *builder) int {
	parent := map[uuid.UUID]uuid.UUID{}
	for _, f := range b.forwards {
		parent[f.To] = f.From
	}
	deepest := 0
	depth := map[uuid.UUID]int{}
	for _, n := range b.nodes {
		d, cur := 0, n.ID
		var chain []uuid.UUID
		for {
			if known, ok := depth[cur]; ok {
				d += known
				break
			}
			p, ok := parent[cur]
			if !ok {
				break
			}
			chain = append(chain, cur)
			cur = p
			d++
		}
		for i, c := range chain {
			depth[c] = d - i
		}
		deepest = max(deepest, d)
	}
	return deepest
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	b := newBuilder()
	b.node("shi", Person, Internal, 0)
	b.node("he", Person, External, 0)
	b.node("group", "GROUP_CHAT", External, 50)
	b.node("xu", Person, External, 0)
	b.forward("shi", "he", "shi", t0.Add(time.Hour))
	b.forward("he", "xu", "he", t0) // he sends before receiving
	b.forward("group", "xu", "xu", t0.Add(2*time.Hour))
	b.forward("shi", "he", "shi", t0.Add(time.Hour+30*time.Second)) // recorded twice
	var kinds []string
	for _, w := range Analyze(b.nodes, b.forwards).Warnings() {
		kinds = append(kinds, string(w.Kind)+":"+w.ForwardKeys[0])
	}
	want := []string{"FORWARDED_BEFORE_RECEIVED:f00001", "DUPLICATE_FORWARD:f00000"}
	for _, w := range want {
		if !slices.Contains(kinds, w) {
			t.Fatalf("warnings %v lack %s", kinds, w)
		}
	}
	// xu received from the group directly, so forwarding out of it is known membership.
	for _, k := range kinds {
		if k == "SENDER_NOT_IN_VENUE:f00002" {
			t.Fatalf("warnings %v", kinds)
		}
	}
}

// The exports list nodes in key order while the analysis keeps them in the
// order read: with nodes read in any order, every node and edge must still
// carry its own hops, origin flag and endpoints.
func TestExportsMatchBruteForceWhateverTheReadOrder(t *testing.T) {
	t.Parallel()
	for seed := range uint64(100) {
		r := rand.New(rand.NewPCG(seed, 7))
		b := randomGraph(r, 2+r.IntN(25), r.IntN(60))
		r.Shuffle(len(b.nodes), func(i, j int) { b.nodes[i], b.nodes[j] = b.nodes[j], b.nodes[i] })
		want := bruteForce(b.nodes, b.forwards)
		keyOf := map[uuid.UUID]string{}
		for _, n := range b.nodes {
			keyOf[n.ID] = n.Key
		}
		endpoints := map[string][3]string{}
		for _, f := range b.forwards {
			endpoints[f.Key] = [3]string{keyOf[f.From], keyOf[f.To], keyOf[f.By]}
		}
		a := Analyze(b.nodes, b.forwards)

		var doc struct {
			Nodes []struct {
				Key    string
				Origin bool
				Hops   *int
			}
			Forwards []struct{ Key, From, To, By string }
		}
		var buf bytes.Buffer
		if err := a.WriteJSON(&buf, "R"); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		for _, n := range doc.Nodes {
			i := slices.IndexFunc(b.nodes, func(m *Node) bool { return m.Key == n.Key })
			hops := -1
			if n.Hops != nil {
				hops = *n.Hops
			}
			if n.Origin != want.origins[i] || hops != want.hops[i] {
				t.Fatalf("seed %d: node %s origin %v hops %d, want %v %d", seed, n.Key, n.Origin, hops, want.origins[i], want.hops[i])
			}
		}
		for _, f := range doc.Forwards {
			if got := [3]string{f.From, f.To, f.By}; got != endpoints[f.Key] {
				t.Fatalf("seed %d: forward %s goes %v, want %v", seed, f.Key, got, endpoints[f.Key])
			}
		}
		buf.Reset()
		if err := a.WriteGraphML(&buf); err != nil {
			t.Fatal(err)
		}
		for key, e := range endpoints {
			if edge := fmt.Sprintf(`<edge id="%s" source="%s" target="%s">`, key, e[0], e[1]); !strings.Contains(buf.String(), edge) {
				t.Fatalf("seed %d: GraphML lacks %s", seed, edge)
			}
		}
	}
}

// The frontier puts PUBLIC venues first whatever their audience, then
// EXTERNAL ones, then the rest; largest audience first within an exposure,
// unknown audiences last, then by key.
func TestFrontierOrdersByExposureThenAudience(t *testing.T) {
	t.Parallel()
	b := newBuilder()
	b.node("p", Person, Internal, 0)
	for _, v := range []struct {
		key      string
		exposure Exposure
		members  int
	}{{"internal-big", Internal, 5000}, {"internal-unknown", Internal, 0}, {"external-small", External, 12},
		{"external-unknown", External, 0}, {"external-big", External, 900}, {"public-unknown", Public, 0},
		{"public-b", Public, 30}, {"public-a", Public, 30}, {"removed", Public, 99999}} {
		b.node(v.key, "GROUP_CHAT", v.exposure, v.members)
		b.forward("p", v.key, "p", t0)
	}
	b.byKey["removed"].Containment.Status = ConfirmedRemoved
	a := Analyze(b.nodes, b.forwards)
	var got []string
	for _, n := range a.Frontier(-1) {
		got = append(got, n.Key)
	}
	want := []string{"public-a", "public-b", "public-unknown", "external-big", "external-small", "external-unknown",
		"internal-big", "internal-unknown"}
	if !slices.Equal(got, want) {
		t.Fatalf("frontier %v, want %v", got, want)
	}
}

// Takedowns are the venues with any takedown state but NONE, reached or not
// (the containment gate counts them all), widest exposure first.
func TestTakedownsAreTheVenuesWithAStepRecorded(t *testing.T) {
	t.Parallel()
	b := newBuilder()
	b.node("p", Person, Internal, 0)
	b.node("unreached", "WEBSITE", Public, 0)
	for _, key := range []string{"internal", "external", "public", "untouched"} {
		exposure := map[string]Exposure{"internal": Internal, "external": External, "public": Public, "untouched": Public}[key]
		b.node(key, "GROUP_CHAT", exposure, 10)
		b.forward("p", key, "p", t0)
	}
	b.byKey["untouched"].Containment.Status = NoContainment
	b.byKey["p"].Containment.Status = "REQUESTED" // a person is not a venue
	b.byKey["internal"].Containment.Status = ConfirmedRemoved
	b.byKey["external"].Containment.Status = "REFUSED"
	b.byKey["public"].Containment.Status = "REQUESTED"
	b.byKey["unreached"].Containment.Status = "UNREACHABLE"
	var got []string
	for _, n := range Analyze(b.nodes, b.forwards).Takedowns(-1) {
		got = append(got, n.Key)
	}
	if want := []string{"public", "unreached", "external", "internal"}; !slices.Equal(got, want) {
		t.Fatalf("takedowns %v, want %v", got, want)
	}
}
