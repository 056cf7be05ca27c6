package spread

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
)

// Analysis answers the investigators' questions about one incident's spread.
// It is computed in memory from one bulk read of the incident's nodes and
// forwards: a sort and a few linear passes, cycle-safe by construction.
type Analysis struct {
	Items    []*Item
	Nodes    []*Node
	Forwards []*Forward // in time order when read by the service

	nodeIndex map[uuid.UUID]int
	keyOnce   sync.Once
	keyIndex  map[string]int // built on the first PathTo
	from, to  []int          // per forward: node indexes
	by        []int

	origins  []int
	isOrigin []bool
	hops     []int // fewest hops from an origin; -1 when not reached
	arrived  []bool
	arrival  []time.Time // earliest time-respecting arrival
	pred     []int       // forward that gave the earliest arrival; -1 for origins

	Depth             int
	ReachedNodes      int
	ReachedVenues     int
	EstimatedAudience int
	firstExternal     int
	firstPublic       int

	// The longer answers are computed once, on first use: an Analysis is
	// shared by every request until the chain changes.
	frontierOnce, peopleOnce, warningsOnce sync.Once
	frontier                               []*Node
	people                                 []*PersonSpread
	warnings                               []Warning
}

// Analyze computes the analysis of nodes and forwards (every forward's
// endpoints must be among nodes), pointing each forward at its nodes.
func Analyze(nodes []*Node, forwards []*Forward) *Analysis {
	a := &Analysis{Nodes: nodes, Forwards: forwards, nodeIndex: make(map[uuid.UUID]int, len(nodes))}
	for i, n := range nodes {
		a.nodeIndex[n.ID] = i
	}
	a.from, a.to, a.by = make([]int, len(forwards)), make([]int, len(forwards)), make([]int, len(forwards))
	for i, f := range forwards {
		a.from[i], a.to[i], a.by[i] = a.nodeIndex[f.From], a.nodeIndex[f.To], a.nodeIndex[f.By]
		f.FromNode, f.ToNode, f.ByNode = nodes[a.from[i]], nodes[a.to[i]], nodes[a.by[i]]
	}
	a.findOrigins()
	a.countHops()
	a.earliestArrival()
	a.firstExternal, a.firstPublic = a.firstInto(External, Public), a.firstInto(Public)
	return a
}

// findOrigins: nodes that send and never receive, by their first send.
func (a *Analysis) findOrigins() {
	n := len(a.Nodes)
	received := make([]bool, n)
	firstOut := make([]int, n) // forward index of the earliest send, -1 if none
	for i := range firstOut {
		firstOut[i] = -1
	}
	for i := range a.Forwards {
		received[a.to[i]] = true
		if f := firstOut[a.from[i]]; f < 0 || a.before(i, f) {
			firstOut[a.from[i]] = i
		}
	}
	a.isOrigin = make([]bool, n)
	for i := range n {
		if firstOut[i] >= 0 && !received[i] {
			a.origins = append(a.origins, i)
			a.isOrigin[i] = true
		}
	}
	slices.SortFunc(a.origins, func(x, y int) int {
		if a.before(firstOut[x], firstOut[y]) {
			return -1
		}
		return 1
	})
}

// before orders forwards by time, then key, so results are deterministic.
func (a *Analysis) before(i, j int) bool {
	fi, fj := a.Forwards[i], a.Forwards[j]
	if !fi.At.Equal(fj.At) {
		return fi.At.Before(fj.At)
	}
	return fi.Key < fj.Key
}

// countHops is a breadth-first search from every origin at once, ignoring time.
func (a *Analysis) countHops() {
	n := len(a.Nodes)
	out := make([][]int, n)
	for i := range a.Forwards {
		out[a.from[i]] = append(out[a.from[i]], a.to[i])
	}
	a.hops = make([]int, n)
	for i := range a.hops {
		a.hops[i] = -1
	}
	queue := make([]int, 0, n)
	for _, o := range a.origins {
		a.hops[o] = 0
		queue = append(queue, o)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range out[u] {
			if a.hops[v] < 0 {
				a.hops[v] = a.hops[u] + 1
				queue = append(queue, v)
			}
		}
	}
	for i, h := range a.hops {
		if h < 0 {
			continue
		}
		a.ReachedNodes++
		a.Depth = max(a.Depth, h)
		if a.Nodes[i].IsVenue() {
			a.ReachedVenues++
			if c := a.Nodes[i].MemberCount; c != nil {
				a.EstimatedAudience += *c
			}
		}
	}
}

// earliestArrival finds, for every node, the earliest time the item can have
// arrived by a time-respecting path from an origin (each hop at or after the
// one before). Forwards are taken in time order; forwards sharing a timestamp
// are chained within their group by a small breadth-first pass.
func (a *Analysis) earliestArrival() {
	n := len(a.Nodes)
	a.arrived, a.arrival, a.pred = make([]bool, n), make([]time.Time, n), make([]int, n)
	for i := range a.pred {
		a.pred[i] = -1
	}
	for _, o := range a.origins {
		a.arrived[o] = true // an origin holds the item from the start
	}
	order := make([]int, len(a.Forwards))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		if a.before(x, y) {
			return -1
		}
		return 1
	})
	bySender := map[int][]int{}
	for start := 0; start < len(order); {
		t := a.Forwards[order[start]].At
		end := start
		for end < len(order) && a.Forwards[order[end]].At.Equal(t) {
			end++
		}
		group := order[start:end]
		clear(bySender)
		var queue []int
		for _, f := range group {
			bySender[a.from[f]] = append(bySender[a.from[f]], f)
			if a.arrived[a.from[f]] {
				queue = append(queue, f)
			}
		}
		for len(queue) > 0 {
			f := queue[0]
			queue = queue[1:]
			v := a.to[f]
			if a.arrived[v] {
				continue
			}
			a.arrived[v], a.arrival[v], a.pred[v] = true, t, f
			queue = append(queue, bySender[v]...)
		}
		start = end
	}
}

// firstInto is the earliest forward into a node of one of the exposures, or -1.
func (a *Analysis) firstInto(exposures ...Exposure) int {
	first := -1
	for i := range a.Forwards {
		if slices.Contains(exposures, a.Nodes[a.to[i]].Exposure) && (first < 0 || a.before(i, first)) {
			first = i
		}
	}
	return first
}

// Origins are the nodes that sent the item and never received it, by their first send.
func (a *Analysis) Origins() []*Node {
	out := make([]*Node, len(a.origins))
	for i, o := range a.origins {
		out[i] = a.Nodes[o]
	}
	return out
}

// PathTo is the earliest-arriving time-respecting path from an origin to the
// node with that key, in order; empty when the node is an origin, unknown, or
// not reachable in time order.
func (a *Analysis) PathTo(nodeKey string) []*Forward {
	a.keyOnce.Do(func() {
		a.keyIndex = make(map[string]int, len(a.Nodes))
		for i, n := range a.Nodes {
			a.keyIndex[n.Key] = i
		}
	})
	v, ok := a.keyIndex[nodeKey]
	if !ok || !a.arrived[v] {
		return []*Forward{}
	}
	var path []*Forward
	for a.pred[v] >= 0 {
		f := a.pred[v]
		path = append(path, a.Forwards[f])
		v = a.from[f]
	}
	slices.Reverse(path)
	if path == nil {
		return []*Forward{}
	}
	return path
}

// FirstExternal is the earliest forward into an EXTERNAL or PUBLIC node.
func (a *Analysis) FirstExternal() *Forward { return a.forward(a.firstExternal) }

// FirstPublic is the earliest forward into a PUBLIC node.
func (a *Analysis) FirstPublic() *Forward { return a.forward(a.firstPublic) }

func (a *Analysis) forward(i int) *Forward {
	if i < 0 {
		return nil
	}
	return a.Forwards[i]
}

// Frontier lists the reached venues whose removal is not confirmed, largest
// audience first: where to send the next takedown request.
func (a *Analysis) Frontier() []*Node {
	a.frontierOnce.Do(func() { a.frontier = a.computeFrontier() })
	return a.frontier
}

func (a *Analysis) computeFrontier() []*Node {
	var out []*Node
	for i, n := range a.Nodes {
		if a.hops[i] >= 0 && n.IsVenue() && n.Containment.Status != ConfirmedRemoved {
			out = append(out, n)
		}
	}
	audience := func(n *Node) int {
		if n.MemberCount == nil {
			return -1
		}
		return *n.MemberCount
	}
	slices.SortStableFunc(out, func(x, y *Node) int {
		if c := cmp.Compare(audience(y), audience(x)); c != 0 {
			return c
		}
		return cmp.Compare(x.Key, y.Key)
	})
	if out == nil {
		return []*Node{}
	}
	return out
}

// PersonSpread is what one person did with the item.
type PersonSpread struct {
	Node     *Node
	Sent     int
	Received int
	// FirstHop is true for a person who moved the item out of an origin.
	FirstHop bool
	// ToNewVenue counts the forwards by which this person brought the item
	// into a venue it had not reached before.
	ToNewVenue int
	firstSeen  time.Time
}

// People lists every person who sent or received the item, in order of first involvement.
func (a *Analysis) People() []*PersonSpread {
	a.peopleOnce.Do(func() { a.people = a.computePeople() })
	return a.people
}

func (a *Analysis) computePeople() []*PersonSpread {
	byNode := make([]*PersonSpread, len(a.Nodes))
	var out []*PersonSpread
	get := func(i int, at time.Time) *PersonSpread {
		p := byNode[i]
		if p == nil {
			p = &PersonSpread{Node: a.Nodes[i], firstSeen: at}
			byNode[i] = p
			out = append(out, p)
		} else if at.Before(p.firstSeen) {
			p.firstSeen = at
		}
		return p
	}
	for i, f := range a.Forwards {
		sender := get(a.by[i], f.At)
		sender.Sent++
		if a.isOrigin[a.from[i]] {
			sender.FirstHop = true
		}
		if v := a.to[i]; a.Nodes[v].IsVenue() && a.pred[v] == i {
			sender.ToNewVenue++
		}
		if a.Nodes[a.to[i]].Kind == Person {
			get(a.to[i], f.At).Received++
		}
	}
	slices.SortFunc(out, func(x, y *PersonSpread) int {
		if c := x.firstSeen.Compare(y.firstSeen); c != 0 {
			return c
		}
		return cmp.Compare(x.Node.Key, y.Node.Key)
	})
	if out == nil {
		return []*PersonSpread{}
	}
	return out
}

// WarningKind names a data-quality finding; values match the GraphQL enum.
type WarningKind string

const (
	ForwardedBeforeReceived WarningKind = "FORWARDED_BEFORE_RECEIVED"
	SenderNotInVenue        WarningKind = "SENDER_NOT_IN_VENUE"
	DuplicateForward        WarningKind = "DUPLICATE_FORWARD"
)

// duplicateWindow is how close in time two otherwise equal forwards must be to look duplicated.
const duplicateWindow = time.Minute

// Warning is a data-quality finding about some forwards.
type Warning struct {
	Kind        WarningKind
	ForwardKeys []string
	NodeKeys    []string
}

// Warnings lists data-quality findings: a node forwarding before it received
// the item, a forward out of a venue the sender is not known to be in, and
// forwards that look recorded twice.
func (a *Analysis) Warnings() []Warning {
	a.warningsOnce.Do(func() { a.warnings = a.computeWarnings() })
	return a.warnings
}

func (a *Analysis) computeWarnings() []Warning {
	out := []Warning{}
	firstIn := make([]time.Time, len(a.Nodes))
	hasIn := make([]bool, len(a.Nodes))
	pair := func(person, venue int) uint64 { return uint64(person)<<32 | uint64(venue) }
	known := map[uint64]struct{}{} // person and venue known to go together
	for i, f := range a.Forwards {
		v := a.to[i]
		if !hasIn[v] || f.At.Before(firstIn[v]) {
			firstIn[v], hasIn[v] = f.At, true
		}
		if a.Nodes[v].IsVenue() {
			known[pair(a.by[i], v)] = struct{}{} // posted into it
		} else if a.Nodes[a.from[i]].IsVenue() {
			known[pair(v, a.from[i])] = struct{}{} // received from it
		}
	}
	for i, f := range a.Forwards {
		u := a.from[i]
		if hasIn[u] && f.At.Before(firstIn[u]) {
			out = append(out, Warning{Kind: ForwardedBeforeReceived, ForwardKeys: []string{f.Key}, NodeKeys: []string{a.Nodes[u].Key}})
		}
		if _, ok := known[pair(a.by[i], u)]; a.Nodes[u].IsVenue() && !ok {
			out = append(out, Warning{Kind: SenderNotInVenue, ForwardKeys: []string{f.Key},
				NodeKeys: []string{a.Nodes[a.by[i]].Key, a.Nodes[u].Key}})
		}
	}
	// Duplicates: only forwards sharing their two ends can be; sort those by
	// (from, to, by, method, time) and compare neighbours.
	ends := func(i int) uint64 { return uint64(a.from[i])<<32 | uint64(a.to[i]) }
	sharing := make(map[uint64]int32, len(a.Forwards))
	for i := range a.Forwards {
		sharing[ends(i)]++
	}
	var order []int
	for i := range a.Forwards {
		if sharing[ends(i)] > 1 {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(cmp.Compare(a.from[x], a.from[y]), cmp.Compare(a.to[x], a.to[y]), cmp.Compare(a.by[x], a.by[y]),
			cmp.Compare(a.Forwards[x].Method, a.Forwards[y].Method), a.Forwards[x].At.Compare(a.Forwards[y].At),
			cmp.Compare(a.Forwards[x].Key, a.Forwards[y].Key))
	})
	var dups []Warning
	for k := 1; k < len(order); k++ {
		x, y := order[k-1], order[k]
		f, g := a.Forwards[x], a.Forwards[y]
		if a.from[x] == a.from[y] && a.to[x] == a.to[y] && a.by[x] == a.by[y] && f.Method == g.Method &&
			g.At.Sub(f.At) <= duplicateWindow {
			dups = append(dups, Warning{Kind: DuplicateForward, ForwardKeys: []string{f.Key, g.Key}})
		}
	}
	slices.SortFunc(dups, func(x, y Warning) int { return cmp.Compare(x.ForwardKeys[0], y.ForwardKeys[0]) })
	return append(out, dups...)
}

// MaxForwardPage bounds one page of Spread.forwards.
const MaxForwardPage = 1000

// ForwardPage returns up to first forwards in the analysis' order after the
// forward with key after ("" for the start).
func (a *Analysis) ForwardPage(first int, after string) ([]*Forward, error) {
	if first < 0 || first > MaxForwardPage {
		return nil, apperr.Invalid("first", "first must be between 0 and %d", MaxForwardPage)
	}
	start := 0
	if after != "" {
		i := slices.IndexFunc(a.Forwards, func(f *Forward) bool { return f.Key == after })
		if i < 0 {
			return nil, apperr.Invalid("after", "no forward has that key")
		}
		start = i + 1
	}
	end := min(start+first, len(a.Forwards))
	return a.Forwards[start:end], nil
}

// ForwardCount is how many forwards the incident has.
func (a *Analysis) ForwardCount() int { return len(a.Forwards) }
