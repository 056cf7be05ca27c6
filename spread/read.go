package spread

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/incident"
)

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
		// The snapshot holds only what the analysis needs, in a few rows; the
		// rest of a node or forward is read for the few a query returns
		// (NodeDetails, ForwardDetails). A change committed between reading
		// the version and the snapshot only makes the cached analysis newer
		// than its version says, and the next read replaces it.
		a, err := s.read(ctx, inc.ID, func(ctx context.Context, id uuid.UUID) (*columns, error) {
			return s.Store.snapshotColumns(ctx, s.DB, id)
		})
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
	return s.read(ctx, inc.ID, func(ctx context.Context, id uuid.UUID) (*columns, error) {
		var nodes []*Node
		var forwards []*Forward
		var nodesErr, forwardsErr error
		var wg sync.WaitGroup
		wg.Go(func() { nodes, nodesErr = s.Store.Nodes(ctx, s.DB, id, nil) })
		wg.Go(func() { forwards, forwardsErr = s.Store.Forwards(ctx, s.DB, id, nil) })
		wg.Wait()
		if err := errors.Join(nodesErr, forwardsErr); err != nil {
			return nil, err
		}
		return columnsOf(nodes, forwards), nil
	})
}

// chainReader reads an incident's nodes and forwards.
type chainReader func(context.Context, uuid.UUID) (*columns, error)

// read loads an incident's items beside its chain and analyses them.
func (s *Service) read(ctx context.Context, incidentID uuid.UUID, readChain chainReader) (*Analysis, error) {
	var items []*Item
	var itemsErr error
	var wg sync.WaitGroup
	wg.Go(func() { items, itemsErr = s.Store.Items(ctx, s.DB, incidentID) })
	c, err := readChain(ctx, incidentID)
	wg.Wait()
	if err := errors.Join(itemsErr, err); err != nil {
		return nil, err
	}
	linkItems(c.fullForwards, items) // a snapshot's forwards name no item
	a := analyze(c)
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
	found := make([]uuid.UUID, len(visible))
	var nodeIDs []uuid.UUID
	for i, f := range visible {
		found[i] = f.ID
		nodeIDs = append(nodeIDs, f.From, f.To, f.By)
	}
	// Ends and maker, for a forward read on its own (an evidence item's, a
	// proposal's, a message's), whose nodes no analysis filled in.
	nodes, err := s.Store.NodesByID(ctx, s.DB, nodeIDs)
	if err != nil {
		return nil, err
	}
	byID := map[uuid.UUID]*Node{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	for _, f := range visible {
		f.FromNode, f.ToNode, f.ByNode = byID[f.From], byID[f.To], byID[f.By]
	}
	sources, err := s.Store.Sources(ctx, s.DB, found)
	if err != nil {
		return nil, err
	}
	for _, f := range visible {
		f.Sources = sources[f.ID]
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

// cachedIncidents bounds the cache: an analysis of 100,000 forwards keeps
// some 30 MB, of a million some 250 MB.
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
