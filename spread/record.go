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
func nodeOf(id, incidentID uuid.UUID, r NodeRef) *Node {
	n := &Node{ID: id, IncidentID: incidentID, Key: r.Key, Kind: r.Kind, Name: deref(r.Name),
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

// Record is RecordForwards telling what it matched and created.
func (s *Service) Record(ctx context.Context, incidentID uuid.UUID, in []*ForwardInput) (*Recorded, error) {
	if len(in) > MaxBatch {
		return nil, apperr.Invalid("forwards", "at most %d forwards in one batch", MaxBatch)
	}
	if err := s.Validate(in); err != nil {
		return nil, err
	}
	var errs []FieldError
	var out []*Forward
	rec := &Recorded{}
	err := s.change(ctx, incidentID, func(tx *sqlx.Tx) (audit.Entry, error) {
		hasNodes, hasForwards, err := s.Store.Recorded(ctx, tx, incidentID)
		if err != nil {
			return audit.Entry{}, err
		}
		named, err := s.ensureNodes(ctx, tx, incidentID, in, hasNodes)
		if err != nil {
			return audit.Entry{}, err
		}
		nodes, updated := named.byKey, named.updated
		rec.Matched, rec.Created = named.existing, named.fresh
		if rec.SameName, err = s.sameName(ctx, tx, incidentID, named.fresh); err != nil {
			return audit.Entry{}, err
		}
		items, err := s.Store.Items(ctx, tx, incidentID)
		if err != nil {
			return audit.Entry{}, err
		}
		itemByKey := map[string]*Item{}
		for _, it := range items {
			itemByKey[it.Key] = it
		}
		out = make([]*Forward, len(in))
		newID := newIDs(len(in))
		for i, f := range in {
			from, to, by := nodes[f.From.Key], nodes[f.To.Key], nodes[f.By.Key]
			fw := &Forward{ID: newID(), IncidentID: incidentID, Key: f.Key, From: from.ID, To: to.ID, By: by.ID,
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
			if err := s.useRecorded(ctx, tx, incidentID, out, nodes, items, recorded); err != nil {
				return audit.Entry{}, err
			}
		}
		created := len(fresh)
		changes := map[string]any{"forwards": len(in), "created": created}
		if len(updated) > 0 {
			changes["updatedNodes"] = updated
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

// sameName finds, for each created node, the other nodes of the incident
// with its name: people among people, venues among venues.
func (s *Service) sameName(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, created []*Node) ([]SameName, error) {
	if len(created) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(created))
	for _, n := range created {
		names = append(names, n.Name)
	}
	named, err := s.Store.NodesNamed(ctx, tx, incidentID, names)
	if err != nil {
		return nil, err
	}
	// By name and side (person or venue): a large import names many nodes,
	// and comparing each with every other would be quadratic.
	type nameKind struct {
		name  string
		venue bool
	}
	byName := make(map[nameKind][]*Node, len(named))
	for _, o := range named {
		k := nameKind{o.Name, o.IsVenue()}
		byName[k] = append(byName[k], o)
	}
	var out []SameName
	for _, n := range created {
		var others []*Node
		for _, o := range byName[nameKind{n.Name, n.IsVenue()}] {
			if o.Key != n.Key {
				others = append(others, o)
			}
		}
		if len(others) > 0 {
			out = append(out, SameName{Node: n, Others: others})
		}
	}
	return out, nil
}

// useRecorded puts the forwards recorded before (a retry) in out as they were
// stored, with their nodes and items: a retry may name other nodes than the
// forward first recorded with its key.
func (s *Service) useRecorded(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, out []*Forward, nodes map[string]*Node, items []*Item, recorded map[string]bool) error {
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

// namedNodes are the nodes a batch names: by key, those recorded before and
// those it created, and the changes it made to the former for the audit.
type namedNodes struct {
	byKey           map[string]*Node
	existing, fresh []*Node
	updated         []map[string]any
}

// ensureNodes creates the nodes the batch names for the first time, gives
// the nodes it names again the attributes it sets (see mergeRef), and returns
// every node it names (looked up only when the incident has nodes). A key
// already known with another kind is an error. It runs under the incident's
// row lock, so no other batch adds nodes meanwhile.
func (s *Service) ensureNodes(ctx context.Context, tx *sqlx.Tx, incidentID uuid.UUID, in []*ForwardInput, hasNodes bool) (*namedNodes, error) {
	type ref struct {
		r     NodeRef
		index int
		field string
	}
	first := map[string]ref{}
	merged := map[string]NodeRef{}
	var errs []FieldError
	var keys []string
	for i, f := range in {
		for _, r := range []ref{{f.From, i, "from"}, {f.To, i, "to"}, {f.By, i, "by"}} {
			seen, ok := first[r.r.Key]
			switch {
			case !ok:
				first[r.r.Key] = r
				keys = append(keys, r.r.Key)
			case seen.r.Kind != r.r.Kind:
				errs = append(errs, FieldError{Index: i, Field: r.field + ".kind", Problem: KindConflict,
					Params: map[string]any{"key": r.r.Key, "kind": seen.r.Kind}, Message: fmt.Sprintf("%q is a %s in forwards[%d].%s", r.r.Key, seen.r.Kind, seen.index, seen.field)})
			}
			merged[r.r.Key] = mergeRef(merged[r.r.Key], r.r)
		}
	}
	var existing []*Node
	if hasNodes {
		var err error
		if existing, err = s.Store.Nodes(ctx, tx, incidentID, keys); err != nil {
			return nil, err
		}
	}
	nodes := make(map[string]*Node, len(keys))
	for _, n := range existing {
		nodes[n.Key] = n
		if r := first[n.Key]; r.r.Kind != n.Kind {
			errs = append(errs, FieldError{Index: r.index, Field: r.field + ".kind", Problem: KindConflict,
				Params: map[string]any{"key": n.Key, "kind": n.Kind}, Message: fmt.Sprintf("%q is already recorded as a %s", n.Key, n.Kind)})
		}
	}
	if len(errs) > 0 {
		return nil, batchError(errs)
	}
	var updated []map[string]any
	for _, n := range existing {
		next := withRef(*n, merged[n.Key])
		if reflect.DeepEqual(nodeRecord(n), nodeRecord(&next)) {
			continue
		}
		if err := s.Store.UpdateNode(ctx, tx, &next); err != nil {
			return nil, database.MapError(err)
		}
		updated = append(updated, map[string]any{"from": nodeRecord(n), "to": nodeRecord(&next)})
		*n = next
	}
	var fresh []*Node
	newID := newIDs(len(keys) - len(existing))
	for _, k := range keys {
		if _, ok := nodes[k]; !ok {
			n := nodeOf(newID(), incidentID, merged[k])
			fresh = append(fresh, n)
			nodes[k] = n
		}
	}
	if err := s.Store.InsertNodes(ctx, tx, fresh); err != nil {
		return nil, database.MapError(err)
	}
	return &namedNodes{byKey: nodes, existing: existing, fresh: fresh, updated: updated}, nil
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

func nodesByID(byKey map[string]*Node) map[uuid.UUID]*Node {
	out := make(map[uuid.UUID]*Node, len(byKey))
	for _, n := range byKey {
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
