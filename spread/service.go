package spread

import (
	"bufio"
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/singleflight"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/workflow"
)

// MaxBatch bounds one recordForwards call.
const MaxBatch = 200000

// Service records and analyses spread chains, honouring the incident's
// need-to-know through the incident service.
type Service struct {
	DB        *sqlx.DB
	Store     Store
	Incidents *incident.Service
	analyses  analysisCache
	// computing runs one analysis of an incident's version at a time: callers
	// asking together share it rather than each reading the whole chain.
	computing singleflight.Group
}

// NewService returns the spread service.
func NewService(db *sqlx.DB, incidents *incident.Service) *Service {
	return &Service{DB: db, Incidents: incidents}
}

// GateFacts is the incident gates' fact source for the spread chain
// (workflow.FromSpread): whether it is mapped to its origin, and its venues'
// containment.
func (s *Service) GateFacts(ctx context.Context, ex database.Executor, id uuid.UUID, f *workflow.Facts) error {
	sum, err := s.Store.Summary(ctx, ex, id)
	f.SpreadMapped = sum.Forwards > 0 && sum.HasOrigin
	f.VenuesContained, f.UncontainedVenues = sum.VenuesContained, sum.Uncontained
	return err
}

func (s *Service) change(ctx context.Context, incidentID uuid.UUID, fn func(tx *sqlx.Tx) (audit.Entry, error)) error {
	return s.changeAs(ctx, incidentID, incident.PermEdit, fn)
}

// changeAs is change under permission p: the incident's Change, bumping the
// incident's version with the chain's.
func (s *Service) changeAs(ctx context.Context, incidentID uuid.UUID, p incident.Permission, fn func(tx *sqlx.Tx) (audit.Entry, error)) error {
	return s.Incidents.Change(ctx, incidentID, p, func(tx *sqlx.Tx, _ incident.Incident, _ auth.User) (audit.Entry, error) {
		e, err := fn(tx)
		if err != nil {
			return e, err
		}
		return e, s.Store.BumpVersion(ctx, tx, incidentID)
	})
}

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
				Confidence: "CONFIRMED", Note: deref(f.Note), FromNode: from, ToNode: to, ByNode: by}
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
	var out []SameName
	for _, n := range created {
		var others []*Node
		for _, o := range named {
			if o.Name == n.Name && o.Key != n.Key && o.IsVenue() == n.IsVenue() {
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

// Analyze returns the analysis of the spread chain of an incident read
// through the incident service (so the caller may see it). An analysis is
// reused until the chain changes: investigators ask for it again and again
// while the chain stays the same.
func (s *Service) Analyze(ctx context.Context, inc incident.Incident) (*Analysis, error) {
	if _, err := s.Incidents.AccessTo(ctx, inc); err != nil {
		return nil, err
	}
	version, err := s.Store.Version(ctx, s.DB, inc.ID)
	if err != nil {
		return nil, err
	}
	if a := s.analyses.get(inc.ID, version); a != nil {
		return a, nil
	}
	a, err, _ := s.computing.Do(fmt.Sprint(inc.ID, "@", version), func() (any, error) {
		if a := s.analyses.get(inc.ID, version); a != nil {
			return a, nil
		}
		// The reads run side by side on their own connections and take only what
		// the analysis needs; the rest of a node or forward is read for the few a
		// query returns (NodeDetails, ForwardDetails). A change committed between
		// reading the version and these reads only makes the cached analysis newer
		// than its version says, and the next read replaces it.
		a, err := s.read(ctx, inc.ID, s.Store.AnalysisNodes, s.Store.AnalysisForwards)
		if err != nil {
			return nil, err
		}
		s.analyses.put(inc.ID, version, a)
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return a.(*Analysis), nil
}

// FullAnalysis reads every field of the chain and analyses it, uncached: for
// exports, which write every attribute of every node and forward.
func (s *Service) FullAnalysis(ctx context.Context, inc incident.Incident) (*Analysis, error) {
	if _, err := s.Incidents.AccessTo(ctx, inc); err != nil {
		return nil, err
	}
	return s.read(ctx, inc.ID,
		func(ctx context.Context, ex database.Executor, id uuid.UUID) ([]*Node, error) {
			return s.Store.Nodes(ctx, ex, id, nil)
		},
		func(ctx context.Context, ex database.Executor, id uuid.UUID) ([]*Forward, error) {
			return s.Store.Forwards(ctx, ex, id, nil)
		})
}

type (
	nodeReader    func(context.Context, database.Executor, uuid.UUID) ([]*Node, error)
	forwardReader func(context.Context, database.Executor, uuid.UUID) ([]*Forward, error)
)

// read loads an incident's items, nodes and forwards side by side and analyses them.
func (s *Service) read(ctx context.Context, incidentID uuid.UUID, readNodes nodeReader, readForwards forwardReader) (*Analysis, error) {
	var items []*Item
	var nodes []*Node
	var forwards []*Forward
	var itemsErr, nodesErr, forwardsErr error
	var wg sync.WaitGroup
	wg.Go(func() { items, itemsErr = s.Store.Items(ctx, s.DB, incidentID) })
	wg.Go(func() { nodes, nodesErr = readNodes(ctx, s.DB, incidentID) })
	wg.Go(func() { forwards, forwardsErr = readForwards(ctx, s.DB, incidentID) })
	wg.Wait()
	if err := errors.Join(itemsErr, nodesErr, forwardsErr); err != nil {
		return nil, err
	}
	linkItems(forwards, items)
	a := Analyze(nodes, forwards)
	a.Items = items
	return a, nil
}

// NodeDetails returns every field of the nodes with these ids, of incidents
// the caller may see (for nodes an analysis returned Partial).
func (s *Service) NodeDetails(ctx context.Context, ids []uuid.UUID) ([]*Node, error) {
	nodes, err := s.Store.NodesByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	return visibleOnly(ctx, s.Incidents, nodes, func(n *Node) uuid.UUID { return n.IncidentID })
}

// ForwardDetails returns every field of the forwards with these ids, of
// incidents the caller may see (for forwards an analysis returned Partial).
func (s *Service) ForwardDetails(ctx context.Context, ids []uuid.UUID) ([]*Forward, error) {
	forwards, err := s.Store.ForwardsByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	visible, err := visibleOnly(ctx, s.Incidents, forwards, func(f *Forward) uuid.UUID { return f.IncidentID })
	if err != nil || len(visible) == 0 {
		return visible, err
	}
	var incidentIDs []uuid.UUID
	for _, f := range visible {
		incidentIDs = append(incidentIDs, f.IncidentID)
	}
	slices.SortFunc(incidentIDs, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	for _, id := range slices.Compact(incidentIDs) {
		items, err := s.Store.Items(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		linkItems(visible, items)
	}
	return visible, nil
}

// visibleOnly keeps the rows whose incident the caller may see.
func visibleOnly[T any](ctx context.Context, incidents *incident.Service, rows []T, incidentOf func(T) uuid.UUID) ([]T, error) {
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = incidentOf(r)
	}
	visible, err := incidents.Visible(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rows, func(r T) bool { return !visible[incidentOf(r)] }), nil
}

// analysisCache keeps the latest analyses of a few incidents; an Analysis is
// never changed once computed, so readers share it.
type analysisCache struct {
	mu      sync.Mutex
	entries []cachedAnalysis // most recently used last
}

type cachedAnalysis struct {
	incident uuid.UUID
	version  int64
	analysis *Analysis
}

// cachedIncidents bounds the cache: a 100,000-forward analysis takes some 100 MB.
const cachedIncidents = 4

func (c *analysisCache) get(id uuid.UUID, version int64) *Analysis {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.incident == id && e.version == version {
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			return e.analysis
		}
	}
	return nil
}

func (c *analysisCache) put(id uuid.UUID, version int64, a *Analysis) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = slices.DeleteFunc(c.entries, func(e cachedAnalysis) bool { return e.incident == id })
	c.entries = append(c.entries, cachedAnalysis{incident: id, version: version, analysis: a})
	if len(c.entries) > cachedIncidents {
		c.entries = c.entries[1:]
	}
}

var (
	errNoForward = apperr.Hidden()
	errNoNode    = apperr.Hidden()
)

// editForward finds a forward and checks, inside tx, that the caller may edit its incident.
func (s *Service) editForward(ctx context.Context, id uuid.UUID, fn func(tx *sqlx.Tx, f *Forward) (audit.Entry, error)) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	f, err := s.Store.Forward(ctx, s.DB, id)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoForward
	} else if err != nil {
		return err
	}
	err = s.change(ctx, f.IncidentID, func(tx *sqlx.Tx) (audit.Entry, error) { return fn(tx, f) })
	if apperr.CodeOf(err) == apperr.NotFound {
		return errNoForward // the incident is hidden from the caller: so is the forward
	}
	return err
}

// ForwardPatch changes some fields of a forward; nil fields stay as they are.
type ForwardPatch struct {
	At          *time.Time
	Method      *Method
	Alterations []Alteration
	MisSent     *bool
	RecalledAt  *time.Time
	Confidence  *Confidence
	Note        *string
}

// UpdateForward edits one forward; the audit log keeps what it was.
func (s *Service) UpdateForward(ctx context.Context, id uuid.UUID, p ForwardPatch) (*Forward, error) {
	var out *Forward
	err := s.editForward(ctx, id, func(tx *sqlx.Tx, f *Forward) (audit.Entry, error) {
		before := *f
		patch(&f.At, p.At)
		patch(&f.Method, p.Method)
		if p.Alterations != nil {
			f.Alterations = p.Alterations
		}
		patch(&f.MisSent, p.MisSent)
		patchPointer(&f.RecalledAt, p.RecalledAt)
		patch(&f.Confidence, p.Confidence)
		patch(&f.Note, p.Note)
		in := ForwardInput{Key: f.Key, At: f.At, Method: f.Method, Alterations: f.Alterations, RecalledAt: f.RecalledAt,
			Confidence: &f.Confidence, Note: &f.Note, From: NodeRef{Key: "from", Kind: Person}, To: NodeRef{Key: "to", Kind: Person},
			By: NodeRef{Key: "by", Kind: Person}}
		if errs := in.validate(0, time.Now()); len(errs) > 0 {
			return audit.Entry{}, errs[0].refuse("input.")
		}
		if err := s.Store.UpdateForward(ctx, tx, f); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		out = f
		return audit.Entry{Action: "spread.forward_update", TargetType: "forward", TargetID: id.String(),
			Changes: map[string]any{"from": forwardRecord(&before), "to": forwardRecord(f)}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.hydrateOne(ctx, out)
}

// patch sets *field to *value when a patch gives a value.
func patch[T any](field *T, value *T) {
	if value != nil {
		*field = *value
	}
}

// patchPointer sets an optional field when a patch gives a value.
func patchPointer[T any](field **T, value *T) {
	if value != nil {
		*field = value
	}
}

// trimmed is a patch's text without surrounding space.
func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}

// nonEmpty is a text without surrounding space, nil when nothing is left.
func nonEmpty(s *string) *string {
	if t := trimmed(s); t != nil && *t != "" {
		return t
	}
	return nil
}

// forwardRecord is a forward as the audit log keeps it.
func forwardRecord(f *Forward) map[string]any {
	return map[string]any{"key": f.Key, "from": f.From, "to": f.To, "by": f.By, "at": f.At.UTC(), "method": f.Method,
		"itemId": f.ItemID, "alterations": f.Alterations, "misSent": f.MisSent, "recalledAt": f.RecalledAt,
		"confidence": f.Confidence, "note": f.Note}
}

func (s *Service) hydrateOne(ctx context.Context, f *Forward) error {
	found, err := s.Store.NodesByID(ctx, s.DB, []uuid.UUID{f.From, f.To, f.By})
	if err != nil {
		return err
	}
	nodes := make(map[uuid.UUID]*Node, len(found))
	for _, n := range found {
		nodes[n.ID] = n
	}
	items, err := s.Store.Items(ctx, s.DB, f.IncidentID)
	if err != nil {
		return err
	}
	s.hydrate([]*Forward{f}, nodes, items)
	return nil
}

// DeleteForward removes one forward; the audit log keeps what it was.
func (s *Service) DeleteForward(ctx context.Context, id uuid.UUID) error {
	return s.editForward(ctx, id, func(tx *sqlx.Tx, f *Forward) (audit.Entry, error) {
		if err := s.Store.DeleteForward(ctx, tx, id); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "spread.forward_delete", TargetType: "forward", TargetID: id.String(),
			Changes: map[string]any{"deleted": forwardRecord(f)}}, nil
	})
}

// NodePatch changes what is known of a person or venue; nil fields stay as
// they are. A node's key and kind are its identity and do not change.
type NodePatch struct {
	Name        *string
	Exposure    *Exposure
	MemberCount *int
	Unit        *string
	Position    *string
	Handles     []string
	Cleared     *bool
	Platform    *Platform
}

// UpdateNode edits a node's details under the same rules as recording it;
// the audit log keeps what it was.
func (s *Service) UpdateNode(ctx context.Context, nodeID uuid.UUID, p NodePatch) (*Node, error) {
	return s.editNode(ctx, nodeID, func(tx *sqlx.Tx, n *Node) (audit.Entry, error) {
		ref := NodeRef{Key: n.Key, Kind: n.Kind, Name: p.Name, Exposure: p.Exposure, MemberCount: p.MemberCount,
			Unit: p.Unit, Position: p.Position, Handles: p.Handles, Cleared: p.Cleared, Platform: p.Platform}
		c := checker{}
		c.nodeRef("input", ref)
		if p.Name != nil && strings.TrimSpace(*p.Name) == "" {
			c.fail("input.name", Required, nil, "must not be empty")
		}
		if len(c.errs) > 0 {
			return audit.Entry{}, c.errs[0].refuse("")
		}
		next := *n
		patch(&next.Name, trimmed(p.Name))
		patch(&next.Exposure, p.Exposure)
		patchPointer(&next.MemberCount, p.MemberCount)
		patch(&next.Unit, trimmed(p.Unit))
		patch(&next.Position, trimmed(p.Position))
		if p.Handles != nil {
			next.Handles = p.Handles
		}
		patchPointer(&next.Cleared, p.Cleared)
		patchPointer(&next.Platform, p.Platform)
		if err := s.Store.UpdateNode(ctx, tx, &next); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		return audit.Entry{Action: "spread.node_update", TargetType: "node", TargetID: nodeID.String(),
			Changes: map[string]any{"from": nodeRecord(n), "to": nodeRecord(&next)}}, nil
	})
}

// editNode finds a node and runs fn in a change of the node's incident (so
// fn's refusals of bad input come only once the caller may change it); it
// returns the node as it then is.
func (s *Service) editNode(ctx context.Context, nodeID uuid.UUID, fn func(tx *sqlx.Tx, n *Node) (audit.Entry, error)) (*Node, error) {
	return s.editNodeAs(ctx, nodeID, incident.PermEdit, fn)
}

// editNodeAs is editNode under permission p.
func (s *Service) editNodeAs(ctx context.Context, nodeID uuid.UUID, p incident.Permission, fn func(tx *sqlx.Tx, n *Node) (audit.Entry, error)) (*Node, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	n, err := s.Store.Node(ctx, s.DB, nodeID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoNode
	} else if err != nil {
		return nil, err
	}
	err = s.changeAs(ctx, n.IncidentID, p, func(tx *sqlx.Tx) (audit.Entry, error) { return fn(tx, n) })
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, errNoNode // the incident is hidden from the caller: so is the node
	}
	if err != nil {
		return nil, err
	}
	return s.Store.Node(ctx, s.DB, nodeID)
}

// nodeRecord is a node's details as the audit log keeps them.
func nodeRecord(n *Node) map[string]any {
	return map[string]any{"key": n.Key, "name": n.Name, "exposure": n.Exposure, "memberCount": n.MemberCount,
		"unit": n.Unit, "position": n.Position, "handles": n.Handles, "cleared": n.Cleared, "platform": n.Platform}
}

// ContainmentInput records a venue's takedown state.
type ContainmentInput struct {
	Status      ContainmentStatus
	RequestedTo *string
	RequestedAt *time.Time
	Note        *string
}

// SetContainment records the takedown state of a venue: requested (to whom,
// when), confirmed removed, refused, or unreachable. A takedown is followed up
// after the case is closed and frozen, so it needs only PermTrackTakedowns.
func (s *Service) SetContainment(ctx context.Context, nodeID uuid.UUID, in ContainmentInput) (*Node, error) {
	return s.editNodeAs(ctx, nodeID, incident.PermTrackTakedowns, func(tx *sqlx.Tx, n *Node) (audit.Entry, error) {
		c := checker{}
		c.text("requestedTo", deref(in.RequestedTo), false, maxName)
		c.text("note", deref(in.Note), false, maxNote)
		if !oneOf(in.Status, ContainmentStatuses) {
			c.unknown("status", "status", in.Status)
		}
		if !n.IsVenue() {
			c.fail("nodeId", NotVenue, nil, "containment is recorded on venues, not people")
		}
		if len(c.errs) > 0 {
			return audit.Entry{}, c.errs[0].refuse("input.")
		}
		next := Containment{Status: in.Status, RequestedTo: strings.TrimSpace(deref(in.RequestedTo)),
			RequestedAt: in.RequestedAt, Note: strings.TrimSpace(deref(in.Note))}
		if err := s.Store.SetContainment(ctx, tx, nodeID, next); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "spread.containment", TargetType: "node", TargetID: nodeID.String(),
			Changes: map[string]any{"node": n.Key, "from": n.Containment.Status, "to": next}}, nil
	})
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

// authUser is the signed-in user's id; callers run after LockFor checked there is one.
func authUser(ctx context.Context) (uuid.UUID, bool) {
	u, ok := auth.UserFrom(ctx)
	return u.ID, ok
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
