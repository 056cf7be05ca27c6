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
// forwards: a sort and a few linear passes over columns, cycle-safe by
// construction. Forwards are in time order, then key order: a place is a
// place in time.
type Analysis struct {
	Items []*Item
	*columns

	byKey []int32 // node places in key order, on first use
	venue []bool  // per node
	// Forwards grouped by sender node: outOf[outStart[u]:outStart[u+1]], in time order.
	outStart, outOf []int32

	origins  []int32
	isOrigin []bool
	hops     []int32 // fewest hops from an origin; -1 when not reached
	arrived  []bool
	pred     []int32 // forward that gave the earliest time-respecting arrival; -1 for origins

	Depth             int
	ReachedNodes      int
	ReachedVenues     int
	EstimatedAudience int
	firstExternal     int
	firstPublic       int

	// The longer answers are computed once, on first use: an Analysis is
	// shared by every request until the chain changes. They keep places;
	// the nodes are built for what a request returns.
	byKeyOnce, frontierOnce, takedownsOnce, peopleOnce, warningsOnce sync.Once
	frontier, takedowns                                              []int32
	people                                                           []*PersonSpread
	warnings                                                         []Warning
}

// Analyze computes the analysis of nodes and forwards (every forward's
// endpoints must be among nodes), pointing each forward at its nodes. It
// sorts forwards in place.
func Analyze(nodes []*Node, forwards []*Forward) *Analysis {
	return analyze(columnsOf(nodes, forwards))
}

// analyze computes the analysis of the columns.
func analyze(c *columns) *Analysis {
	c.sortForwards()
	a := &Analysis{columns: c, venue: make([]bool, c.nodeCount())}
	for i := range a.venue {
		a.venue[i] = c.isVenue(int32(i))
	}
	for i, f := range c.fullForwards {
		f.FromNode, f.ToNode, f.ByNode = c.fullNodes[c.from[i]], c.fullNodes[c.to[i]], c.fullNodes[c.by[i]]
	}
	a.groupBySender()
	a.findOrigins()
	a.countHops()
	a.earliestArrival()
	a.firstExternal, a.firstPublic = a.firstInto(External, Public), a.firstInto(Public)
	return a
}

// Nodes are the incident's nodes in key order, built on each call: for
// drawing the graph and for exports.
func (a *Analysis) Nodes() []*Node {
	a.byKeyOnce.Do(func() {
		a.byKey = span(0, a.nodeCount())
		slices.SortFunc(a.byKey, func(x, y int32) int { return strings.Compare(a.nodeKey[x], a.nodeKey[y]) })
	})
	return a.nodes(a.byKey)
}

// Forwards are the incident's forwards in time order, built on each call.
func (a *Analysis) Forwards() []*Forward { return a.forwards(span(0, len(a.at))) }

// groupBySender fills outStart and outOf (a counting sort by sender node).
func (a *Analysis) groupBySender() {
	n := a.nodeCount()
	a.outStart = make([]int32, n+1)
	for _, u := range a.from {
		a.outStart[u+1]++
	}
	for u := range n {
		a.outStart[u+1] += a.outStart[u]
	}
	a.outOf = make([]int32, len(a.from))
	next := slices.Clone(a.outStart[:n])
	for i, u := range a.from {
		a.outOf[next[u]] = int32(i)
		next[u]++
	}
}

// findOrigins: nodes that send and never receive, by their first send.
func (a *Analysis) findOrigins() {
	n := a.nodeCount()
	received := make([]bool, n)
	firstOut := make([]int32, n) // forward place of the earliest send, -1 if none
	for i := range firstOut {
		firstOut[i] = -1
	}
	for i := range a.at {
		received[a.to[i]] = true
		if firstOut[a.from[i]] < 0 {
			firstOut[a.from[i]] = int32(i)
		}
	}
	a.isOrigin = make([]bool, n)
	for i := range n {
		if firstOut[i] >= 0 && !received[i] {
			a.origins = append(a.origins, int32(i))
			a.isOrigin[i] = true
		}
	}
	slices.SortFunc(a.origins, func(x, y int32) int { return cmp.Compare(firstOut[x], firstOut[y]) })
}

// countHops is a breadth-first search from every origin at once, ignoring time.
func (a *Analysis) countHops() {
	n := a.nodeCount()
	a.hops = make([]int32, n)
	for i := range a.hops {
		a.hops[i] = -1
	}
	queue := make([]int32, 0, n)
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
		a.Depth = max(a.Depth, int(h))
		if a.venue[i] {
			a.ReachedVenues++
			if c := a.members[i]; c >= 0 {
				a.EstimatedAudience += int(c)
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
	n := a.nodeCount()
	a.arrived, a.pred = make([]bool, n), make([]int32, n)
	for i := range a.pred {
		a.pred[i] = -1
	}
	for _, o := range a.origins {
		a.arrived[o] = true // an origin holds the item from the start
	}
	bySender := map[int32][]int32{}
	var queue []int32
	for start := 0; start < len(a.at); {
		end := start + 1
		for end < len(a.at) && a.at[end] == a.at[start] {
			end++
		}
		if end == start+1 { // alone at its time, as most forwards are
			if u, v := a.from[start], a.to[start]; a.arrived[u] && !a.arrived[v] {
				a.arrived[v], a.pred[v] = true, int32(start)
			}
			start = end
			continue
		}
		clear(bySender)
		queue = queue[:0]
		for f := int32(start); f < int32(end); f++ {
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
	for i, v := range a.to {
		if slices.Contains(exposures, a.exposureOf(v)) {
			return i
		}
	}
	return -1
}

// Origins are the nodes that sent the item and never received it, by their first send.
func (a *Analysis) Origins() []*Node { return a.nodes(a.origins) }

// PathTo is the earliest-arriving time-respecting path from an origin to the
// node with that key, in order; empty when the node is an origin, unknown, or
// not reachable in time order.
func (a *Analysis) PathTo(nodeKey string) []*Forward {
	// One scan costs less than building an index of every key, and a path
	// is as long to walk as that in the worst case anyway.
	v := slices.Index(a.nodeKey, nodeKey)
	if v < 0 || !a.arrived[v] {
		return []*Forward{}
	}
	var path []int32
	for a.pred[v] >= 0 {
		f := a.pred[v]
		path = append(path, f)
		v = int(a.from[f])
	}
	slices.Reverse(path)
	return a.forwards(path)
}

// FirstExternal is the earliest forward into an EXTERNAL or PUBLIC node.
func (a *Analysis) FirstExternal() *Forward { return a.forward(a.firstExternal) }

// FirstPublic is the earliest forward into a PUBLIC node.
func (a *Analysis) FirstPublic() *Forward { return a.forward(a.firstPublic) }

func (a *Analysis) forward(i int) *Forward {
	if i < 0 {
		return nil
	}
	return a.forwards([]int32{int32(i)})[0]
}

// Frontier lists the first first (all when negative) of the reached venues
// whose removal is not confirmed, in the order to send takedown requests:
// PUBLIC venues first, then EXTERNAL, then the rest (a public website with
// an unknown audience outranks any internal group), largest audience first
// within an exposure (unknown last), then by key.
func (a *Analysis) Frontier(first int) []*Node {
	a.frontierOnce.Do(func() { a.frontier = a.computeFrontier() })
	return a.nodes(firstPlaces(a.frontier, first))
}

// FrontierCount is how many venues Frontier lists.
func (a *Analysis) FrontierCount() int {
	a.frontierOnce.Do(func() { a.frontier = a.computeFrontier() })
	return len(a.frontier)
}

func firstPlaces(places []int32, first int) []int32 {
	if first < 0 {
		return places
	}
	return places[:min(first, len(places))]
}

func (a *Analysis) computeFrontier() []int32 {
	// What the order compares, beside each venue: the sort then reads one
	// array instead of three columns at random places.
	type venue struct {
		exposure, audience int32 // audience -1 when unknown, after every known one
		key                string
		place              int32
	}
	removed := placeOf(ContainmentStatuses, ConfirmedRemoved)
	var venues []venue
	for i := range a.hops {
		if a.hops[i] >= 0 && a.venue[i] && a.containment[i] != removed {
			venues = append(venues, venue{int32(exposureRank(a.exposureOf(int32(i)))), a.members[i], a.nodeKey[i], int32(i)})
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
	out := make([]int32, len(venues))
	for k, v := range venues {
		out[k] = v.place
	}
	return out
}

// Takedowns lists the venues with a takedown step recorded (any state but
// NONE), widest exposure first, then by key: with the incident's own
// containment actions, what the initial-response gate counts as containment.
// The first first of them, all when negative.
func (a *Analysis) Takedowns(first int) []*Node {
	a.takedownsOnce.Do(func() {
		none := placeOf(ContainmentStatuses, NoContainment)
		for i := range a.venue {
			if a.venue[i] && a.containment[i] != none {
				a.takedowns = append(a.takedowns, int32(i))
			}
		}
		a.sortByExposure(a.takedowns)
	})
	return a.nodes(firstPlaces(a.takedowns, first))
}

// TakedownCount is how many venues Takedowns lists.
func (a *Analysis) TakedownCount() int {
	a.Takedowns(0)
	return len(a.takedowns)
}

func (a *Analysis) sortByExposure(places []int32) {
	slices.SortFunc(places, func(x, y int32) int {
		return cmp.Or(cmp.Compare(exposureRank(a.exposureOf(x)), exposureRank(a.exposureOf(y))),
			strings.Compare(a.nodeKey[x], a.nodeKey[y]))
	})
}

// ReachedVenuesList lists the venues the item reached, widest exposure first,
// then by key: where a takedown may be needed.
func (a *Analysis) ReachedVenuesList() []*Node {
	var out []int32
	for i := range a.venue {
		if a.venue[i] && a.hops[i] >= 0 {
			out = append(out, int32(i))
		}
	}
	a.sortByExposure(out)
	return a.nodes(out)
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
	Sent     int
	Received int
	// FirstHop is true for a person who moved the item out of an origin.
	FirstHop bool
	// ToNewVenue counts the forwards by which this person brought the item
	// into a venue it had not reached before.
	ToNewVenue int

	of   *columns
	node int32
}

// Node is the person, built on each call.
func (p *PersonSpread) Node() *Node { return p.of.node(p.node) }

// People lists every person who sent or received the item, in order of first involvement.
func (a *Analysis) People() []*PersonSpread {
	a.peopleOnce.Do(func() { a.people = a.computePeople() })
	return a.people
}

func (a *Analysis) computePeople() []*PersonSpread {
	// Forwards come in time order, so a person's first forward is their first
	// involvement: all keeps people in that order, slot finds them by node.
	slot := make([]int32, a.nodeCount())
	type involved struct {
		node    int32
		firstAt int64
	}
	// Every person is among the nodes that are not venues (makers are people).
	persons := 0
	for _, v := range a.venue {
		if !v {
			persons++
		}
	}
	all, first := make([]PersonSpread, 0, persons), make([]involved, 0, persons)
	get := func(i int32, f int) *PersonSpread {
		if slot[i] == 0 {
			all = append(all, PersonSpread{of: a.columns, node: i})
			first = append(first, involved{i, a.at[f]})
			slot[i] = int32(len(all))
		}
		return &all[slot[i]-1]
	}
	for i := range a.at {
		sender := get(a.by[i], i)
		sender.Sent++
		if a.isOrigin[a.from[i]] {
			sender.FirstHop = true
		}
		if v := a.to[i]; a.venue[v] && a.pred[v] == int32(i) {
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
		slices.SortFunc(first[start:end], func(x, y involved) int { return strings.Compare(a.nodeKey[x.node], a.nodeKey[y.node]) })
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
	firstIn := make([]int32, a.nodeCount())
	for i := range firstIn {
		firstIn[i] = -1
	}
	// Person and venue pairs known to go together, as a sorted set: far
	// cheaper than a map at a hundred thousand forwards.
	pair := func(person, venue int32) uint64 { return uint64(person)<<32 | uint64(venue) }
	known := make([]uint64, 0, len(a.at))
	for i := range a.at {
		u, v := a.from[i], a.to[i]
		if firstIn[v] < 0 {
			firstIn[v] = int32(i)
		}
		if a.venue[v] {
			known = append(known, pair(a.by[i], v)) // posted into it
		} else if a.venue[u] {
			known = append(known, pair(v, u)) // received from it
		}
	}
	slices.Sort(known)
	for i := range a.at {
		u := a.from[i]
		if in := firstIn[u]; in >= 0 && a.at[i] < a.at[in] {
			out = push(out, Warning{Kind: ForwardedBeforeReceived, ForwardKeys: keys.of(a.forwardKey[i]), NodeKeys: keys.of(a.nodeKey[u])})
		}
		if !a.venue[u] {
			continue
		}
		if _, ok := slices.BinarySearch(known, pair(a.by[i], u)); !ok {
			out = push(out, Warning{Kind: SenderNotInVenue, ForwardKeys: keys.of(a.forwardKey[i]),
				NodeKeys: keys.of(a.nodeKey[a.by[i]], a.nodeKey[u])})
		}
	}
	return fitted(append(out, a.duplicates()...))
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
	var group []int32
	for u := range a.nodeCount() {
		sent := a.outOf[a.outStart[u]:a.outStart[u+1]]
		if len(sent) < 2 {
			continue
		}
		// Within one sender's forwards, sort by (to, by, method, time) and compare neighbours.
		group = append(group[:0], sent...)
		slices.SortFunc(group, func(x, y int32) int {
			return cmp.Or(cmp.Compare(a.to[x], a.to[y]), cmp.Compare(a.by[x], a.by[y]),
				cmp.Compare(a.methodOf(x), a.methodOf(y)), cmp.Compare(x, y))
		})
		for k := 1; k < len(group); k++ {
			x, y := group[k-1], group[k]
			if a.to[x] == a.to[y] && a.by[x] == a.by[y] && a.methodOf(x) == a.methodOf(y) &&
				a.at[y]-a.at[x] <= int64(duplicateWindow) {
				dups = append(dups, Warning{Kind: DuplicateForward, ForwardKeys: []string{a.forwardKey[x], a.forwardKey[y]}})
			}
		}
	}
	slices.SortFunc(dups, func(x, y Warning) int { return cmp.Compare(x.ForwardKeys[0], y.ForwardKeys[0]) })
	return dups
}

func (a *Analysis) methodOf(i int32) Method {
	if a.fullForwards != nil {
		return a.fullForwards[i].Method
	}
	return valueAt(Methods, a.method[i])
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
		i := slices.Index(a.forwardKey, after)
		if i < 0 {
			return nil, apperr.Invalid("after", "no forward has that key")
		}
		start = i + 1
	}
	end := min(start+first, len(a.at))
	return a.forwards(span(start, end)), nil
}

// ForwardCount is how many forwards the incident has.
func (a *Analysis) ForwardCount() int { return len(a.at) }

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

// add records id at place i (the next place: ids are added in order),
// doubling the table when it is half full.
func (x *idIndex) add(id uuid.UUID, i int) {
	x.ids = push(x.ids, id)
	if 2*len(x.ids) <= len(x.slots) {
		x.put(id, i)
		return
	}
	size := max(2*len(x.slots), 16)
	x.slots, x.mask = make([]int32, size), uint64(size-1)
	for k, id := range x.ids {
		x.put(id, k)
	}
}

func (x *idIndex) put(id uuid.UUID, i int) {
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
