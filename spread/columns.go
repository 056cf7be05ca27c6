package spread

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// columns are an incident's nodes and forwards as an analysis keeps them: a
// slice per field the analysis reads, small enums as places in their lists.
// A million forwards take some 60 bytes each this way, where a Node and a
// Forward struct apiece took over 500; the structs are built for the few an
// answer returns.
type columns struct {
	incidentID uuid.UUID

	// Per node, in the order read; nodeIndex holds their ids.
	nodeIndex                   idIndex
	nodeKey                     []string
	nodeName                    []string // nil while every name is its key; "" where it is
	kind, exposure, containment []uint8  // places in NodeKinds, Exposures, ContainmentStatuses
	members                     []int32  // -1 when unknown

	// Per forward.
	forwardID    []uuid.UUID
	forwardKey   []string
	from, to, by []int32 // node places
	at           []int64 // Unix nanoseconds
	method       []uint8 // place in Methods

	// The structs as read, when every field was (exports, tests): answers
	// return them rather than building partial ones.
	fullNodes    []*Node
	fullForwards []*Forward
}

// unknownPlace stands for a value outside its list (only in structs built by hand).
const unknownPlace = 255

func placeOf[T comparable](values []T, v T) uint8 {
	if i := slices.Index(values, v); i >= 0 {
		return uint8(i)
	}
	return unknownPlace
}

func valueAt[T ~string](values []T, place uint8) T {
	if int(place) < len(values) {
		return values[place]
	}
	return ""
}

// columnsOf are the columns of nodes and forwards read whole; every
// forward's ends must be among nodes.
func columnsOf(nodes []*Node, forwards []*Forward) *columns {
	c := &columns{nodeIndex: newIDIndex(len(nodes)), fullNodes: nodes, fullForwards: forwards}
	for _, n := range nodes {
		c.addNode(n.ID, n.Key, n.Name, placeOf(NodeKinds, n.Kind), placeOf(Exposures, n.Exposure),
			placeOf(ContainmentStatuses, n.Containment.Status), n.MemberCount)
	}
	n := len(forwards)
	c.forwardID, c.forwardKey, c.at, c.method = make([]uuid.UUID, n), make([]string, n), make([]int64, n), make([]uint8, n)
	c.from, c.to, c.by = make([]int32, n), make([]int32, n), make([]int32, n)
	for i, f := range forwards {
		c.forwardID[i], c.forwardKey[i], c.at[i], c.method[i] = f.ID, f.Key, f.At.UnixNano(), placeOf(Methods, f.Method)
		c.from[i], c.to[i], c.by[i] = int32(c.nodeIndex.of(f.From)), int32(c.nodeIndex.of(f.To)), int32(c.nodeIndex.of(f.By))
	}
	return c
}

func (c *columns) addNode(id uuid.UUID, key, name string, kind, exposure, containment uint8, members *int) {
	c.nodeIndex.add(id, len(c.nodeKey))
	i := len(c.nodeKey)
	c.nodeKey = push(c.nodeKey, key)
	if c.nodeName != nil {
		c.nodeName = push(c.nodeName, "")
	}
	if name != key {
		c.setName(i, name)
	}
	c.kind, c.exposure, c.containment = push(c.kind, kind), push(c.exposure, exposure), push(c.containment, containment)
	m := int32(-1)
	if members != nil {
		m = int32(*members)
	}
	c.members = push(c.members, m)
}

// setName names node i otherwise than its key. Names are most often their
// node's key, and a column of them would take 16 bytes a node for nothing.
func (c *columns) setName(i int, name string) {
	if c.nodeName == nil {
		c.nodeName = make([]string, len(c.nodeKey), cap(c.nodeKey))
	}
	c.nodeName[i] = name
}

func (c *columns) name(i int32) string {
	if c.nodeName != nil && c.nodeName[i] != "" {
		return c.nodeName[i]
	}
	return c.nodeKey[i]
}

// addForward adds a forward with only its id; the decoder fills in the rest.
func (c *columns) addForward(id uuid.UUID) {
	c.forwardID, c.forwardKey = push(c.forwardID, id), push(c.forwardKey, "")
	c.from, c.to, c.by = push(c.from, 0), push(c.to, 0), push(c.by, 0)
	c.at, c.method = push(c.at, 0), push(c.method, 0)
}

// fit copies the columns that push left with much room to spare to slices
// of their length, once every row is in: the analysis is cached for as long
// as the chain stays the same.
func (c *columns) fit() {
	c.nodeIndex.ids, c.nodeKey, c.nodeName = fitted(c.nodeIndex.ids), fitted(c.nodeKey), fitted(c.nodeName)
	c.kind, c.exposure, c.containment, c.members = fitted(c.kind), fitted(c.exposure), fitted(c.containment), fitted(c.members)
	c.forwardID, c.forwardKey, c.at, c.method = fitted(c.forwardID), fitted(c.forwardKey), fitted(c.at), fitted(c.method)
	c.from, c.to, c.by = fitted(c.from), fitted(c.to), fitted(c.by)
}

// fitted is s in a slice of its length when a quarter or more of it is spare.
func fitted[T any](s []T) []T {
	if cap(s)-len(s) < cap(s)/4 {
		return s
	}
	return slices.Clone(s)
}

// push appends v, doubling a full slice: append grows a large slice by a
// quarter, which copies a million-row column a dozen times over and leaves
// the garbage of every copy.
func push[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 256))
	}
	return append(s, v)
}

func (c *columns) nodeCount() int { return len(c.nodeKey) }

func (c *columns) isVenue(i int32) bool { return c.kind[i] != placeOf(NodeKinds, Person) }

func (c *columns) exposureOf(i int32) Exposure { return valueAt(Exposures, c.exposure[i]) }

func (c *columns) memberCount(i int32) *int {
	if c.members[i] < 0 {
		return nil
	}
	m := int(c.members[i])
	return &m
}

// sortForwards puts the forward columns in time order, then key order (keys
// are unique).
func (c *columns) sortForwards() {
	order := make([]int32, len(c.at))
	for i := range order {
		order[i] = int32(i)
	}
	compare := func(x, y int32) int {
		if c.at[x] != c.at[y] { // keys are compared only at equal times, which are rare
			return cmp.Compare(c.at[x], c.at[y])
		}
		return strings.Compare(c.forwardKey[x], c.forwardKey[y])
	}
	if slices.IsSortedFunc(order, compare) {
		return
	}
	slices.SortFunc(order, compare)
	c.forwardID, c.forwardKey = permuted(c.forwardID, order), permuted(c.forwardKey, order)
	c.from, c.to, c.by = permuted(c.from, order), permuted(c.to, order), permuted(c.by, order)
	c.at, c.method = permuted(c.at, order), permuted(c.method, order)
	if c.fullForwards != nil { // sorted in place, as the caller may expect
		copy(c.fullForwards, permuted(c.fullForwards, order))
	}
}

func permuted[T any](xs []T, order []int32) []T {
	out := make([]T, len(xs))
	for i, o := range order {
		out[i] = xs[o]
	}
	return out
}

// nodes builds the nodes at these places (the structs read, when they were).
func (c *columns) nodes(places []int32) []*Node {
	if c.fullNodes != nil {
		return atPlaces(c.fullNodes, places)
	}
	out := make([]*Node, len(places))
	block := make([]Node, len(places))
	for k, i := range places {
		c.fillNode(i, &block[k])
		out[k] = &block[k]
	}
	return out
}

// atPlaces is the elements of all at these places.
func atPlaces[T any](all []*T, places []int32) []*T {
	out := make([]*T, len(places))
	for k, i := range places {
		out[k] = all[i]
	}
	return out
}

// fillNode sets what the columns hold of node i (Partial).
func (c *columns) fillNode(i int32, n *Node) {
	n.ID, n.IncidentID, n.Partial = c.nodeIndex.ids[i], c.incidentID, true
	n.Key, n.Name, n.Kind, n.Exposure = c.nodeKey[i], c.name(i), valueAt(NodeKinds, c.kind[i]), c.exposureOf(i)
	n.Containment.Status = valueAt(ContainmentStatuses, c.containment[i])
	n.MemberCount = c.memberCount(i)
}

func (c *columns) node(i int32) *Node { return c.nodes([]int32{i})[0] }

// forwards builds the forwards at these places with their ends and maker.
func (c *columns) forwards(places []int32) []*Forward {
	if c.fullForwards != nil {
		return atPlaces(c.fullForwards, places)
	}
	out := make([]*Forward, len(places))
	ends := make([]int32, 0, 3*len(places))
	for _, i := range places {
		ends = append(ends, c.from[i], c.to[i], c.by[i])
	}
	nodes := c.nodes(ends)
	block := make([]Forward, len(places))
	for k, i := range places {
		f := &block[k]
		c.fillForward(i, f)
		f.FromNode, f.ToNode, f.ByNode = nodes[3*k], nodes[3*k+1], nodes[3*k+2]
		out[k] = f
	}
	return out
}

// fillForward sets what the columns hold of forward i (Partial), but its nodes.
func (c *columns) fillForward(i int32, f *Forward) {
	f.ID, f.IncidentID, f.Key, f.Partial = c.forwardID[i], c.incidentID, c.forwardKey[i], true
	f.From, f.To, f.By = c.nodeIndex.ids[c.from[i]], c.nodeIndex.ids[c.to[i]], c.nodeIndex.ids[c.by[i]]
	f.At, f.Method = time.Unix(0, c.at[i]).UTC(), valueAt(Methods, c.method[i])
}

// span is the places from start up to end.
func span(start, end int) []int32 {
	out := make([]int32, 0, max(end-start, 0))
	for i := start; i < end; i++ {
		out = append(out, int32(i))
	}
	return out
}
