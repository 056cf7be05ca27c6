package spread

import (
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
)

// MaxBatch bounds one recordForwards call.
const MaxBatch = 200000

// nodeOf is the node a reference creates when its key is new.
func nodeOf(id, incidentID uuid.UUID, r NodeRef) Node {
	n := Node{ID: id, IncidentID: incidentID, Key: r.Key, Kind: r.Kind, Name: deref(r.Name),
		Exposure: Internal, Unit: deref(r.Unit), Position: deref(r.Position), Handles: r.Handles, Cleared: r.Cleared,
		Platform: r.Platform, MemberCount: r.MemberCount, Containment: Containment{Status: NoContainment}}
	if strings.TrimSpace(n.Name) == "" {
		n.Name = r.Key
	}
	if r.Exposure != nil {
		n.Exposure = *r.Exposure
	}
	return n
}

// Validate checks every row of a batch on its own and against the others
// (keys must not repeat), reporting every bad row at once.
func (s *Service) Validate(in []*ForwardInput) error {
	if errs := checkBatch(in, time.Now()); len(errs) > 0 {
		return batchError(errs)
	}
	return nil
}

// checkBatch is Validate's list of errors; a nil row (one an import could
// not read) is skipped.
func checkBatch(in []*ForwardInput, now time.Time) []FieldError {
	var errs []FieldError
	firstIndex := make(map[string]int, len(in))
	for i, f := range in {
		if f == nil {
			continue
		}
		errs = append(errs, f.validate(i, now)...)
		if j, dup := firstIndex[f.Key]; dup {
			errs = append(errs, FieldError{Index: i, Field: "key", Problem: RepeatedKey, Params: map[string]any{"row": j},
				Message: fmt.Sprintf("repeats the key of forwards[%d]", j)})
		} else {
			firstIndex[f.Key] = i
		}
	}
	return errs
}

// MayRecord checks that the caller may record forwards on the incident, so an
// import is refused before its file is read.
func (s *Service) MayRecord(ctx context.Context, incidentID uuid.UUID) error {
	_, _, err := s.Incidents.Allowed(ctx, incidentID, incident.PermEdit)
	return err
}

// RecordForwards records a batch of forwards atomically: every bad row is
// reported at once, by index and field; nodes are created the first time
// their key is seen, and a node seen before takes the batch's non-empty
// attributes (audited with the batch); a forward whose key is already
// recorded is left as it was and returned, so a retried batch never
// duplicates.
func (s *Service) RecordForwards(ctx context.Context, incidentID uuid.UUID, in []*ForwardInput) ([]*Forward, error) {
	r, err := s.Record(ctx, incidentID, in)
	if err != nil {
		return nil, err
	}
	return r.Forwards, nil
}

// Recorded is what recording a batch did: its forwards, and the people and
// venues it named, matched by key to nodes recorded before or created.
type Recorded struct {
	Forwards         []*Forward
	Matched, Created []*Node
	// SameName are the created nodes named as another node of the incident
	// under a different key: perhaps two people called 王某, perhaps one
	// recorded twice. The investigator is told, and decides.
	SameName []SameName
}

// SameName is a created node and the other nodes with its name.
type SameName struct {
	Node   *Node
	Others []*Node
}

// Record is RecordForwards telling what it matched and created. The work
// in memory runs beside other work where it can, as a batch of 100,000
// forwards spends most of its time waiting for PostgreSQL: the batch is
// checked while what it says of each node is gathered, and its forwards are
// made while the nodes are stored.
func (s *Service) Record(ctx context.Context, incidentID uuid.UUID, in []*ForwardInput) (*Recorded, error) {
	if len(in) > MaxBatch {
		return nil, apperr.Invalid("forwards", "at most %d forwards in one batch", MaxBatch)
	}
	checked := make(chan error, 1)
	go func() { checked <- s.Validate(in) }()
	said := mentionsOf(in)
	if err := <-checked; err != nil {
		return nil, err
	}
	var out []*Forward
	rec := &Recorded{}
	err := s.change(ctx, incidentID, func(tx *sqlx.Tx) (audit.Entry, error) {
		hasNodes, hasForwards, err := s.Store.Recorded(ctx, tx, incidentID)
		if err != nil {
			return audit.Entry{}, err
		}
		named, err := s.ensureNodes(ctx, tx, incidentID, said, hasNodes)
		if err != nil {
			return audit.Entry{}, err
		}
		rec.Matched, rec.Created = named.existing, named.fresh
		// Asked before the created nodes are stored, so only nodes recorded before answer.
		before, err := s.namedBefore(ctx, tx, incidentID, named, hasNodes)
		if err != nil {
			return audit.Entry{}, err
		}
		items, err := s.Store.Items(ctx, tx, incidentID)
		if err != nil {
			return audit.Entry{}, err
		}
		var errs []FieldError
		var wg sync.WaitGroup
		wg.Go(func() {
			out, errs = forwardsOf(incidentID, in, named, items)
			rec.SameName = sameName(named, before)
		})
		err = s.Store.InsertNodes(ctx, tx, named.fresh)
		wg.Wait()
		if err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		if len(errs) > 0 {
			return audit.Entry{}, batchError(errs)
		}
		recorded := map[string]bool{}
		if hasForwards {
			if recorded, err = s.Store.RecordedForwardKeys(ctx, tx, incidentID, forwardKeys(in)); err != nil {
				return audit.Entry{}, err
			}
		}
		fresh := slices.DeleteFunc(slices.Clone(out), func(f *Forward) bool { return recorded[f.Key] })
		actor, _ := authUser(ctx)
		if err := s.Store.InsertForwards(ctx, tx, fresh, actor); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		if len(recorded) > 0 {
			if err := s.useRecorded(ctx, tx, incidentID, out, named.nodes, items, recorded); err != nil {
				return audit.Entry{}, err
			}
		}
		created := len(fresh)
		changes := map[string]any{"forwards": len(in), "created": created}
		if len(named.updated) > 0 {
			changes["updatedNodes"] = named.updated
		}
		if len(in) > 0 {
			changes["firstKey"], changes["lastKey"] = in[0].Key, in[len(in)-1].Key
		}
		return audit.Entry{Action: "spread.record", TargetType: "incident", TargetID: incidentID.String(), Changes: changes}, nil
	})
	if err != nil {
		return nil, err
	}
	rec.Forwards = out
	return rec, nil
}

// forwardsOf makes the batch's forwards, between the nodes it names; a row
// naming an item the incident does not have is an error.
func forwardsOf(incidentID uuid.UUID, in []*ForwardInput, named *namedNodes, items []*Item) ([]*Forward, []FieldError) {
	itemByKey := map[string]*Item{}
	for _, it := range items {
		itemByKey[it.Key] = it
	}
	var errs []FieldError
	out := make([]*Forward, len(in))
	block := make([]Forward, len(in))
	newID := newIDs(len(in))
	for i, f := range in {
		from, to, by := named.ends(i)
		fw := &block[i]
		*fw = Forward{ID: newID(), IncidentID: incidentID, Key: f.Key, From: from.ID, To: to.ID, By: by.ID,
			At: f.At, Method: f.Method, Alterations: f.Alterations, MisSent: deref(f.MisSent), RecalledAt: f.RecalledAt,
			Confidence: "CONFIRMED", Note: deref(f.Note), Sources: f.Sources, FromNode: from, ToNode: to, ByNode: by}
		if f.Confidence != nil {
			fw.Confidence = *f.Confidence
		}
		if f.ItemKey != nil {
			it, ok := itemByKey[*f.ItemKey]
			if !ok {
				errs = append(errs, FieldError{Index: i, Field: "itemKey", Problem: UnknownItem, Params: map[string]any{"value": *f.ItemKey},
					Message: "no leaked item has that key in this incident"})
				continue
			}
			fw.ItemID, fw.Item = &it.ID, it
		}
		out[i] = fw
	}
	return out, errs
}

// namedBefore returns the nodes recorded before the batch (none when the
// incident had none) named as a node it creates, but not named by it.
func (s *Service) namedBefore(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, named *namedNodes, hadNodes bool) ([]*Node, error) {
	if !hadNodes || len(named.fresh) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(named.fresh))
	for _, n := range named.fresh {
		names = append(names, n.Name)
	}
	found, err := s.Store.NodesNamed(ctx, tx, incidentID, names)
	return slices.DeleteFunc(found, func(n *Node) bool {
		_, inBatch := named.said.index[n.Key]
		return inBatch
	}), err
}

// sameName finds, for each created node, the other nodes of the incident
// with its name, people among people, venues among venues: those the batch
// names, as it leaves them, and those recorded before with one of its names.
func sameName(named *namedNodes, before []*Node) []SameName {
	if len(named.fresh) == 0 {
		return nil
	}
	// By name and side (person or venue): a large import names many nodes,
	// and comparing each with every other would be quadratic. Most names are
	// held by one node, so only shared ones get a list.
	type nameKind struct {
		name  string
		venue bool
	}
	first := make(map[nameKind]*Node, len(named.nodes)+len(before))
	shared := map[nameKind][]*Node{}
	for _, n := range slices.Concat(before, named.nodes) {
		k := nameKind{n.Name, n.IsVenue()}
		o, ok := first[k]
		switch {
		case !ok:
			first[k] = n
		case shared[k] == nil:
			shared[k] = []*Node{o, n}
		default:
			shared[k] = append(shared[k], n)
		}
	}
	var out []SameName
	for _, n := range named.fresh {
		group := shared[nameKind{n.Name, n.IsVenue()}]
		if len(group) == 0 {
			continue
		}
		others := make([]*Node, 0, len(group)-1)
		for _, o := range group {
			if o != n {
				others = append(others, o)
			}
		}
		out = append(out, SameName{Node: n, Others: others})
	}
	return out
}

// useRecorded puts the forwards recorded before (a retry) in out as they were
// stored, with their nodes and items: a retry may name other nodes than the
// forward first recorded with its key.
func (s *Service) useRecorded(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, out []*Forward, nodes []*Node, items []*Item, recorded map[string]bool) error {
	prior, err := s.Store.Forwards(ctx, tx, incidentID, slices.Collect(maps.Keys(recorded)))
	if err != nil {
		return err
	}
	stored := make(map[string]*Forward, len(prior))
	for _, f := range prior {
		stored[f.Key] = f
	}
	for i, f := range out {
		if p, ok := stored[f.Key]; ok {
			out[i] = p
		}
	}
	var missing []uuid.UUID
	byID := nodesByID(nodes)
	for _, f := range prior {
		for _, id := range []uuid.UUID{f.From, f.To, f.By} {
			if byID[id] == nil {
				missing = append(missing, id)
			}
		}
	}
	if len(missing) > 0 {
		more, err := s.Store.NodesByID(ctx, tx, missing)
		if err != nil {
			return err
		}
		for _, n := range more {
			byID[n.ID] = n
		}
	}
	s.hydrate(prior, byID, items)
	return nil
}

// mentions are what a batch says of the nodes it names, gathered before its
// transaction: for each key, the first row naming it (for errors) and what
// every row says of it, merged (see mergeRef).
type mentions struct {
	refs  []mention
	index map[string]int // a key's place in refs
	rows  [][3]int32     // each row's from, to and by in refs
	// errs are the keys named with two kinds.
	errs []FieldError
}

type mention struct {
	ref   NodeRef
	index int
	field string
}

// endFields name a forward's ends in errors.
var endFields = [3]string{"from", "to", "by"}

func mentionsOf(in []*ForwardInput) *mentions {
	m := &mentions{index: make(map[string]int, len(in)+1), refs: make([]mention, 0, len(in)+1), rows: make([][3]int32, len(in))}
	for i, f := range in {
		for e, r := range [3]*NodeRef{&f.From, &f.To, &f.By} {
			j, seen := m.index[r.Key]
			if !seen {
				j = len(m.refs)
				m.index[r.Key] = j
				m.refs = append(m.refs, mention{ref: *r, index: i, field: endFields[e]})
			} else if was := &m.refs[j]; was.ref.Kind != r.Kind {
				m.errs = append(m.errs, FieldError{Index: i, Field: endFields[e] + ".kind", Problem: KindConflict,
					Params: map[string]any{"key": r.Key, "kind": was.ref.Kind}, Message: fmt.Sprintf("%q is a %s in forwards[%d].%s", r.Key, was.ref.Kind, was.index, was.field)})
			} else {
				was.ref = mergeRef(was.ref, *r)
			}
			m.rows[i][e] = int32(j)
		}
	}
	return m
}

// namedNodes are the nodes a batch names: those recorded before and those it
// creates (not yet stored), and the changes it made to the former for the audit.
type namedNodes struct {
	said            *mentions
	nodes           []*Node // as said.refs
	existing, fresh []*Node
	updated         []map[string]any
}

// ends are row i's from, to and by nodes.
func (n *namedNodes) ends(i int) (from, to, by *Node) {
	r := n.said.rows[i]
	return n.nodes[r[0]], n.nodes[r[1]], n.nodes[r[2]]
}

// ensureNodes finds the nodes the batch names, gives the nodes it names
// again the attributes it sets (see mergeRef), and makes the nodes it names
// for the first time, for the caller to store (existing nodes are looked up
// only when the incident has nodes). A key already known with another kind
// is an error. It runs under the incident's row lock, so no other batch adds
// nodes meanwhile.
func (s *Service) ensureNodes(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, said *mentions, hasNodes bool) (*namedNodes, error) {
	errs := said.errs
	nodes := make([]*Node, len(said.refs))
	var existing []*Node
	if hasNodes {
		keys := make([]string, len(said.refs))
		for j, m := range said.refs {
			keys[j] = m.ref.Key
		}
		var err error
		if existing, err = s.Store.Nodes(ctx, tx, incidentID, keys); err != nil {
			return nil, err
		}
	}
	for _, n := range existing {
		j := said.index[n.Key]
		nodes[j] = n
		if m := said.refs[j]; m.ref.Kind != n.Kind {
			errs = append(errs, FieldError{Index: m.index, Field: m.field + ".kind", Problem: KindConflict,
				Params: map[string]any{"key": n.Key, "kind": n.Kind}, Message: fmt.Sprintf("%q is already recorded as a %s", n.Key, n.Kind)})
		}
	}
	if len(errs) > 0 {
		return nil, batchError(errs)
	}
	var updated []map[string]any
	for _, n := range existing {
		next := withRef(*n, said.refs[said.index[n.Key]].ref)
		if reflect.DeepEqual(nodeRecord(n), nodeRecord(&next)) {
			continue
		}
		if err := s.Store.UpdateNode(ctx, tx, &next); err != nil {
			return nil, database.MapError(err)
		}
		updated = append(updated, map[string]any{"from": nodeRecord(n), "to": nodeRecord(&next)})
		*n = next
	}
	block := make([]Node, len(said.refs)-len(existing))
	fresh := make([]*Node, 0, len(block))
	newID := newIDs(len(block))
	for j, m := range said.refs {
		if nodes[j] == nil {
			n := &block[len(fresh)]
			*n = nodeOf(newID(), incidentID, m.ref)
			fresh = append(fresh, n)
			nodes[j] = n
		}
	}
	return &namedNodes{said: said, nodes: nodes, existing: existing, fresh: fresh, updated: updated}, nil
}

// mergeRef folds a later mention of a node into what the batch said of it
// before: the later row's non-empty values win, as they are the newer word.
func mergeRef(was, r NodeRef) NodeRef {
	if was.Key == "" {
		return r
	}
	was.Name = cmp.Or(nonEmpty(r.Name), was.Name)
	was.Unit = cmp.Or(nonEmpty(r.Unit), was.Unit)
	was.Position = cmp.Or(nonEmpty(r.Position), was.Position)
	if len(r.Handles) > 0 {
		was.Handles = r.Handles
	}
	was.Exposure = cmp.Or(r.Exposure, was.Exposure)
	was.MemberCount = cmp.Or(r.MemberCount, was.MemberCount)
	was.Cleared = cmp.Or(r.Cleared, was.Cleared)
	was.Platform = cmp.Or(r.Platform, was.Platform)
	return was
}

// withRef is a recorded node with the attributes a batch gives it: every
// non-empty value of the batch replaces the stored one, so an import
// completes and corrects what was recorded (member counts, exposure, names);
// an empty one leaves it.
func withRef(n Node, r NodeRef) Node {
	patch(&n.Name, nonEmpty(r.Name))
	patch(&n.Exposure, r.Exposure)
	patchPointer(&n.MemberCount, r.MemberCount)
	patch(&n.Unit, nonEmpty(r.Unit))
	patch(&n.Position, nonEmpty(r.Position))
	if len(r.Handles) > 0 {
		n.Handles = r.Handles
	}
	patchPointer(&n.Cleared, r.Cleared)
	patchPointer(&n.Platform, r.Platform)
	return n
}

func nodesByID(nodes []*Node) map[uuid.UUID]*Node {
	out := make(map[uuid.UUID]*Node, len(nodes))
	for _, n := range nodes {
		out[n.ID] = n
	}
	return out
}

// hydrate points each forward at its nodes and item.
func (s *Service) hydrate(forwards []*Forward, nodes map[uuid.UUID]*Node, items []*Item) {
	for _, f := range forwards {
		f.FromNode, f.ToNode, f.ByNode = nodes[f.From], nodes[f.To], nodes[f.By]
	}
	linkItems(forwards, items)
}

// linkItems points each forward at its leaked item.
func linkItems(forwards []*Forward, items []*Item) {
	itemByID := make(map[uuid.UUID]*Item, len(items))
	for _, it := range items {
		itemByID[it.ID] = it
	}
	for _, f := range forwards {
		if f.ItemID != nil {
			f.Item = itemByID[*f.ItemID]
		}
	}
}

// RecordItem records a leaked item of an incident (idempotent by key).
func (s *Service) RecordItem(ctx context.Context, incidentID uuid.UUID, in ItemInput) (*Item, error) {
	c := checker{}
	c.text("key", in.Key, true, maxKey)
	c.text("title", in.Title, true, maxName)
	c.text("documentNumber", deref(in.DocumentNumber), false, maxName)
	if !oneOf(in.Kind, ItemKinds) {
		c.unknown("kind", "item kind", in.Kind)
	}
	if !oneOf(in.Classification, incident.Classifications) {
		c.unknown("classification", "classification", in.Classification)
	}
	c.alterations("alterations", in.Alterations)
	var out *Item
	err := s.change(ctx, incidentID, func(tx *sqlx.Tx) (audit.Entry, error) {
		if len(c.errs) > 0 {
			return audit.Entry{}, c.errs[0].refuse("input.")
		}
		actor, _ := authUser(ctx)
		var err error
		out, err = s.Store.PutItem(ctx, tx, Item{ID: uuid.New(), IncidentID: incidentID, Key: strings.TrimSpace(in.Key),
			Title: strings.TrimSpace(in.Title), Kind: in.Kind, Classification: in.Classification,
			DocumentNumber: strings.TrimSpace(deref(in.DocumentNumber)), Alterations: in.Alterations}, actor)
		if err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "spread.item", TargetType: "leaked_item", TargetID: out.ID.String(), Changes: out}, nil
	})
	return out, err
}

func forwardKeys(in []*ForwardInput) []string {
	out := make([]string, len(in))
	for i, f := range in {
		out[i] = f.Key
	}
	return out
}

// newIDs returns a source of n time-ordered (version 7) UUIDs: rows of one
// batch then land side by side in the primary-key index instead of all over
// it. Their randomness is read from the system in one go, not once per id.
func newIDs(n int) func() uuid.UUID {
	random := bufio.NewReaderSize(rand.Reader, min(16*n, 1<<16))
	return func() uuid.UUID { return uuid.Must(uuid.NewV7FromReader(random)) }
}
