package spread

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
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
	nodes    []*Node    // in the order read
	byKey    []*Node    // the same, in key order, on first use
	Forwards []*Forward // in time order, then key order: an index is a place in time

	nodeIndex idIndex
	// Dense copies of what every pass reads, so the passes walk arrays
	// instead of following a pointer per node or forward.
	from, to []int   // per forward: node indexes
	by       []int   //
	at       []int64 // per forward: Unix nanoseconds
	venue    []bool  // per node
	// Forwards grouped by sender node: outOf[outStart[u]:outStart[u+1]], in time order.
	outStart, outOf []int

	origins  []int
	isOrigin []bool
	hops     []int // fewest hops from an origin; -1 when not reached
	arrived  []bool
	pred     []int // forward that gave the earliest time-respecting arrival; -1 for origins

	Depth             int
	ReachedNodes      int
	ReachedVenues     int
	EstimatedAudience int
	firstExternal     int
	firstPublic       int

	// The longer answers are computed once, on first use: an Analysis is
	// shared by every request until the chain changes.
	byKeyOnce, frontierOnce, takedownsOnce, peopleOnce, warningsOnce sync.Once
	frontier, takedowns                                              []*Node
	people                                                           []*PersonSpread
	warnings                                                         []Warning
}

// Analyze computes the analysis of nodes and forwards (every forward's
// endpoints must be among nodes), pointing each forward at its nodes. It
// sorts forwards in place.
func Analyze(nodes []*Node, forwards []*Forward) *Analysis {
	a := &Analysis{nodes: nodes, Forwards: forwards, at: sortForwards(forwards),
		nodeIndex: newIDIndex(len(nodes)), venue: make([]bool, len(nodes))}
	for i, n := range nodes {
		a.nodeIndex.add(n.ID, i)
		a.venue[i] = n.IsVenue()
	}
	a.from, a.to, a.by = make([]int, len(forwards)), make([]int, len(forwards)), make([]int, len(forwards))
	for i, f := range forwards {
		a.from[i], a.to[i], a.by[i] = a.nodeIndex.of(f.From), a.nodeIndex.of(f.To), a.nodeIndex.of(f.By)
		f.FromNode, f.ToNode, f.ByNode = nodes[a.from[i]], nodes[a.to[i]], nodes[a.by[i]]
	}
	a.groupBySender()
	a.findOrigins()
	a.countHops()
	a.earliestArrival()
	a.firstExternal, a.firstPublic = a.firstInto(External, Public), a.firstInto(Public)
	return a
}

// Nodes are the incident's nodes in key order.
func (a *Analysis) Nodes() []*Node {
	a.byKeyOnce.Do(func() {
		a.byKey = slices.Clone(a.nodes)
		slices.SortFunc(a.byKey, func(x, y *Node) int { return strings.Compare(x.Key, y.Key) })
	})
	return a.byKey
}

// sortForwards puts forwards in time order, then key order (keys are unique),
// comparing plain integers where it can rather than following pointers, and
// returns their times in that order.
func sortForwards(forwards []*Forward) []int64 {
	type entry struct {
		at int64
		f  *Forward
	}
	entries := make([]entry, len(forwards))
	for i, f := range forwards {
		entries[i] = entry{f.At.UnixNano(), f}
	}
	order := func(x, y entry) int {
		if x.at != y.at { // keys are compared only at equal times, which are rare
			return cmp.Compare(x.at, y.at)
		}
		return strings.Compare(x.f.Key, y.f.Key)
	}
	if !slices.IsSortedFunc(entries, order) {
		slices.SortFunc(entries, order)
	}
	at := make([]int64, len(forwards))
	for i, e := range entries {
		forwards[i], at[i] = e.f, e.at
	}
	return at
}

// groupBySender fills outStart and outOf (a counting sort by sender node).
func (a *Analysis) groupBySender() {
	n := len(a.nodes)
	a.outStart = make([]int, n+1)
	for _, u := range a.from {
		a.outStart[u+1]++
	}
	for u := range n {
		a.outStart[u+1] += a.outStart[u]
	}
	a.outOf = make([]int, len(a.from))
	next := slices.Clone(a.outStart[:n])
	for i, u := range a.from {
		a.outOf[next[u]] = i
		next[u]++
	}
}

// findOrigins: nodes that send and never receive, by their first send.
func (a *Analysis) findOrigins() {
	n := len(a.nodes)
	received := make([]bool, n)
	firstOut := make([]int, n) // forward index of the earliest send, -1 if none
	for i := range firstOut {
		firstOut[i] = -1
	}
	for i := range a.Forwards {
		received[a.to[i]] = true
		if firstOut[a.from[i]] < 0 {
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
	slices.SortFunc(a.origins, func(x, y int) int { return cmp.Compare(firstOut[x], firstOut[y]) })
}

// countHops is a breadth-first search from every origin at once, ignoring time.
func (a *Analysis) countHops() {
	n := len(a.nodes)
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
		for _, f := range a.outOf[a.outStart[u]:a.outStart[u+1]] {
			if v := a.to[f]; a.hops[v] < 0 {
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
		if a.venue[i] {
			a.ReachedVenues++
			if c := a.nodes[i].MemberCount; c != nil {
				a.EstimatedAudience += *c
			}
		}
	}
}

// earliestArrival finds, for every node, the forward by which the item can
// have arrived earliest by a time-respecting path from an origin (each hop at
// or after the one before). Forwards are taken in time order; forwards
// sharing a timestamp are chained within their group by a small
// breadth-first pass.
func (a *Analysis) earliestArrival() {
	n := len(a.nodes)
	a.arrived, a.pred = make([]bool, n), make([]int, n)
	for i := range a.pred {
		a.pred[i] = -1
	}
	for _, o := range a.origins {
		a.arrived[o] = true // an origin holds the item from the start
	}
	bySender := map[int][]int{}
	var queue []int
	for start := 0; start < len(a.Forwards); {
		end := start + 1
		for end < len(a.at) && a.at[end] == a.at[start] {
			end++
		}
		if end == start+1 { // alone at its time, as most forwards are
			if u, v := a.from[start], a.to[start]; a.arrived[u] && !a.arrived[v] {
				a.arrived[v], a.pred[v] = true, start
			}
			start = end
			continue
		}
		clear(bySender)
		queue = queue[:0]
		for f := start; f < end; f++ {
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
			a.arrived[v], a.pred[v] = true, f
			queue = append(queue, bySender[v]...)
		}
		start = end
	}
}

// firstInto is the earliest forward into a node of one of the exposures, or -1.
func (a *Analysis) firstInto(exposures ...Exposure) int {
	for i := range a.Forwards {
		if slices.Contains(exposures, a.nodes[a.to[i]].Exposure) {
			return i
		}
	}
	return -1
}

// Origins are the nodes that sent the item and never received it, by their first send.
func (a *Analysis) Origins() []*Node {
	out := make([]*Node, len(a.origins))
	for i, o := range a.origins {
		out[i] = a.nodes[o]
	}
	return out
}

// PathTo is the earliest-arriving time-respecting path from an origin to the
// node with that key, in order; empty when the node is an origin, unknown, or
// not reachable in time order.
func (a *Analysis) PathTo(nodeKey string) []*Forward {
	// One scan costs less than building an index of every key, and a path
	// is as long to walk as that in the worst case anyway.
	v := slices.IndexFunc(a.nodes, func(n *Node) bool { return n.Key == nodeKey })
	ok := v >= 0
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

// Frontier lists the reached venues whose removal is not confirmed, in the
// order to send takedown requests: PUBLIC venues first, then EXTERNAL, then
// the rest (a public website with an unknown audience outranks any internal
// group), largest audience first within an exposure (unknown last), then by key.
func (a *Analysis) Frontier() []*Node {
	a.frontierOnce.Do(func() { a.frontier = a.computeFrontier() })
	return a.frontier
}

func (a *Analysis) computeFrontier() []*Node {
	type venue struct {
		exposure, audience int
		key                string
		node               *Node
	}
	var venues []venue
	for i, n := range a.nodes {
		if a.hops[i] >= 0 && a.venue[i] && n.Containment.Status != ConfirmedRemoved {
			audience := -1 // unknown sorts after every known audience
			if n.MemberCount != nil {
				audience = *n.MemberCount
			}
			venues = append(venues, venue{exposureRank(n.Exposure), audience, n.Key, n})
		}
	}
	slices.SortFunc(venues, func(x, y venue) int {
		switch {
		case x.exposure != y.exposure:
			return cmp.Compare(x.exposure, y.exposure)
		case x.audience != y.audience:
			return cmp.Compare(y.audience, x.audience)
		}
		return strings.Compare(x.key, y.key)
	})
	out := make([]*Node, len(venues))
	for i, v := range venues {
		out[i] = v.node
	}
	return out
}

// Takedowns lists the venues with a takedown step recorded (any state but
// NONE), widest exposure first, then by key: with the incident's own
// containment actions, what the initial-response gate counts as containment.
func (a *Analysis) Takedowns() []*Node {
	a.takedownsOnce.Do(func() {
		for _, n := range a.nodes {
			if n.IsVenue() && n.Containment.Status != NoContainment {
				a.takedowns = append(a.takedowns, n)
			}
		}
		slices.SortFunc(a.takedowns, func(x, y *Node) int {
			return cmp.Or(cmp.Compare(exposureRank(x.Exposure), exposureRank(y.Exposure)), strings.Compare(x.Key, y.Key))
		})
	})
	return a.takedowns
}

// ReachedVenuesList lists the venues the item reached, widest exposure first,
// then by key: where a takedown may be needed.
func (a *Analysis) ReachedVenuesList() []*Node {
	var out []*Node
	for i, n := range a.nodes {
		if a.venue[i] && a.hops[i] >= 0 {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(x, y *Node) int {
		return cmp.Or(cmp.Compare(exposureRank(x.Exposure), exposureRank(y.Exposure)), strings.Compare(x.Key, y.Key))
	})
	return out
}

// exposureRank orders exposures for takedown: the widest first.
func exposureRank(e Exposure) int {
	switch e {
	case Public:
		return 0
	case External:
		return 1
	}
	return 2
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
}

// People lists every person who sent or received the item, in order of first involvement.
func (a *Analysis) People() []*PersonSpread {
	a.peopleOnce.Do(func() { a.people = a.computePeople() })
	return a.people
}

func (a *Analysis) computePeople() []*PersonSpread {
	// Forwards come in time order, so a person's first forward is their first
	// involvement: all keeps people in that order, slot finds them by node.
	slot := make([]int32, len(a.nodes))
	type involved struct {
		node    int
		firstAt int64
	}
	var all []PersonSpread
	var first []involved
	get := func(i, f int) *PersonSpread {
		if slot[i] == 0 {
			all = append(all, PersonSpread{Node: a.nodes[i]})
			first = append(first, involved{i, a.at[f]})
			slot[i] = int32(len(all))
		}
		return &all[slot[i]-1]
	}
	for i := range a.Forwards {
		sender := get(a.by[i], i)
		sender.Sent++
		if a.isOrigin[a.from[i]] {
			sender.FirstHop = true
		}
		if v := a.to[i]; a.venue[v] && a.pred[v] == i {
			sender.ToNewVenue++
		}
		if !a.venue[a.to[i]] {
			get(a.to[i], i).Received++
		}
	}
	// People first seen at the same time go in key order.
	for start := 0; start < len(first); {
		end := start + 1
		for end < len(first) && first[end].firstAt == first[start].firstAt {
			end++
		}
		slices.SortFunc(first[start:end], func(x, y involved) int { return strings.Compare(a.nodes[x.node].Key, a.nodes[y.node].Key) })
		start = end
	}
	out := make([]*PersonSpread, len(first))
	for k, p := range first {
		out[k] = &all[slot[p.node]-1]
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
	var keys stringBlocks
	// Forwards come in time order, so a node's first forward in is its earliest.
	firstIn := make([]int, len(a.nodes))
	for i := range firstIn {
		firstIn[i] = -1
	}
	// Person and venue pairs known to go together, as a sorted set: far
	// cheaper than a map at a hundred thousand forwards.
	pair := func(person, venue int) uint64 { return uint64(person)<<32 | uint64(venue) }
	var known []uint64
	for i := range a.Forwards {
		u, v := a.from[i], a.to[i]
		if firstIn[v] < 0 {
			firstIn[v] = i
		}
		if a.venue[v] {
			known = append(known, pair(a.by[i], v)) // posted into it
		} else if a.venue[u] {
			known = append(known, pair(v, u)) // received from it
		}
	}
	slices.Sort(known)
	for i, f := range a.Forwards {
		u := a.from[i]
		if in := firstIn[u]; in >= 0 && a.at[i] < a.at[in] {
			out = append(out, Warning{Kind: ForwardedBeforeReceived, ForwardKeys: keys.of(f.Key), NodeKeys: keys.of(a.nodes[u].Key)})
		}
		if !a.venue[u] {
			continue
		}
		if _, ok := slices.BinarySearch(known, pair(a.by[i], u)); !ok {
			out = append(out, Warning{Kind: SenderNotInVenue, ForwardKeys: keys.of(f.Key),
				NodeKeys: keys.of(a.nodes[a.by[i]].Key, a.nodes[u].Key)})
		}
	}
	return append(out, a.duplicates()...)
}

// stringBlocks hands out short string slices carved from larger blocks: a
// large incident can have tens of thousands of warnings.
type stringBlocks struct{ block []string }

func (b *stringBlocks) of(values ...string) []string {
	if len(b.block) < len(values) {
		b.block = make([]string, 1024)
	}
	out := b.block[:len(values):len(values)]
	copy(out, values)
	b.block = b.block[len(values):]
	return out
}

// duplicates finds forwards that look recorded twice: the same two ends,
// sender and method within duplicateWindow of each other.
func (a *Analysis) duplicates() []Warning {
	dups := []Warning{}
	var group []int
	for u := range a.nodes {
		sent := a.outOf[a.outStart[u]:a.outStart[u+1]]
		if len(sent) < 2 {
			continue
		}
		// Within one sender's forwards, sort by (to, by, method, time) and compare neighbours.
		group = append(group[:0], sent...)
		slices.SortFunc(group, func(x, y int) int {
			switch {
			case a.to[x] != a.to[y]:
				return cmp.Compare(a.to[x], a.to[y])
			case a.by[x] != a.by[y]:
				return cmp.Compare(a.by[x], a.by[y])
			case a.Forwards[x].Method != a.Forwards[y].Method:
				return cmp.Compare(a.Forwards[x].Method, a.Forwards[y].Method)
			}
			return cmp.Compare(x, y)
		})
		for k := 1; k < len(group); k++ {
			x, y := group[k-1], group[k]
			if a.to[x] == a.to[y] && a.by[x] == a.by[y] && a.Forwards[x].Method == a.Forwards[y].Method &&
				a.at[y]-a.at[x] <= int64(duplicateWindow) {
				dups = append(dups, Warning{Kind: DuplicateForward, ForwardKeys: []string{a.Forwards[x].Key, a.Forwards[y].Key}})
			}
		}
	}
	slices.SortFunc(dups, func(x, y Warning) int { return cmp.Compare(x.ForwardKeys[0], y.ForwardKeys[0]) })
	return dups
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

// idIndex finds a node's place by its id: an open-addressing table of
// places, far cheaper than a map for the hundreds of thousands of lookups of
// a large chain.
type idIndex struct {
	ids   []uuid.UUID
	slots []int32 // place+1; 0 is empty
	mask  uint64
}

func newIDIndex(n int) idIndex {
	size := 1
	for size < 2*n {
		size *= 2
	}
	return idIndex{ids: make([]uuid.UUID, 0, n), slots: make([]int32, size), mask: uint64(size - 1)}
}

// slot is where id's search starts: its random bits, mixed.
func (x *idIndex) slot(id uuid.UUID) uint64 {
	h := (binary.LittleEndian.Uint64(id[:8]) ^ binary.LittleEndian.Uint64(id[8:])) * 0x9e3779b97f4a7c15
	return (h >> 32) & x.mask
}

// add records id at place i (the next place: ids are added in order).
func (x *idIndex) add(id uuid.UUID, i int) {
	x.ids = append(x.ids, id)
	for s := x.slot(id); ; s = (s + 1) & x.mask {
		if x.slots[s] == 0 {
			x.slots[s] = int32(i + 1)
			return
		}
	}
}

// of is the place of id, or -1.
func (x *idIndex) of(id uuid.UUID) int {
	for s := x.slot(id); x.slots[s] != 0; s = (s + 1) & x.mask {
		if i := int(x.slots[s]) - 1; x.ids[i] == id {
			return i
		}
	}
	return -1
}
