// Package graph is Leaktrail's GraphQL layer, all of it hand-written:
// resolvers that delegate to the domain services, the handler and its
// limits, dataloaders and the error presenter. gqlgen generates the executor
// for schema/*.graphqls into graph/generated, whose interfaces these
// resolvers implement (`go generate ./graph/...`).
package graph

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/vikstrous/dataloadgen"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/chatlog"
	"github.com/leaktrail/leaktrail/discipline"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/graph/model"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/live"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/stats"
)

// Resolver holds the services the resolvers delegate to.
type Resolver struct {
	AuthService       *auth.Service
	IncidentService   *incident.Service
	SpreadService     *spread.Service
	EvidenceService   *evidence.Service
	DisciplineService *discipline.Service
	StatsService      *stats.Service
	ChatService       *chatlog.Service
	NotifyService     *notify.Service
	Live              *live.Hub
}

// ptrs returns pointers to the elements of xs, the shape gqlgen wants for lists.
func ptrs[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// ptr returns a pointer to v, or nil for nil-like results the schema makes optional.
func ptr[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// maxAuditPage bounds one page of the audit log.
const maxAuditPage = 200

// auditPage reads one page of audit rows through list, which returns up to
// limit rows after a sequence number.
func auditPage(first, after *int, list func(after int64, limit int) ([]audit.Row, error)) (*model.AuditPage, error) {
	n := 50
	if first != nil {
		if *first < 1 || *first > maxAuditPage {
			return nil, apperr.Invalid("first", "first must be between 1 and %d", maxAuditPage)
		}
		n = *first
	}
	var from int64
	if after != nil {
		from = int64(*after)
	}
	rows, err := list(from, n+1)
	if err != nil {
		return nil, err
	}
	page := &model.AuditPage{Entries: ptrs(rows)}
	if len(rows) > n {
		page.Entries = page.Entries[:n]
		next := int(rows[n-1].Seq)
		page.NextAfter = &next
	}
	return page, nil
}

// firstOf returns the first n of xs, all of them when n is nil.
func firstOf[T any](xs []T, n *int) ([]T, error) {
	if n == nil {
		return xs, nil
	}
	if *n < 0 {
		return nil, apperr.Invalid("first", "first must not be negative")
	}
	return xs[:min(*n, len(xs))], nil
}

// firstCount is a first argument as the domain takes it: -1 (all) when omitted.
func firstCount(n *int) (int, error) {
	if n == nil {
		return -1, nil
	}
	if *n < 0 {
		return 0, apperr.Invalid("first", "first must not be negative")
	}
	return *n, nil
}

// deref is the value p points to, or the zero value for nil (an omitted optional argument).
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// evidenceDetails is what an uploader says of a file, from the GraphQL input.
func evidenceDetails(in model.EvidenceInput) evidence.Details {
	d := evidence.Details{FileName: in.FileName, Description: deref(in.Description), TimeZone: deref(in.TimeZone),
		ForwardID: in.ForwardID, NodeID: in.NodeID, TaskID: in.TaskID}
	if a := in.Acquisition; a != nil {
		d.Acquisition = evidence.Acquisition{From: deref(a.From), Where: deref(a.Where), How: deref(a.How), At: a.At,
			Zone: deref(a.TimeZone), By: deref(a.By)}
	}
	return d
}

// loadAll loads the values of ids, in their order, skipping those the caller may not see.
func loadAll[T any](ctx context.Context, l *dataloadgen.Loader[uuid.UUID, *T], ids []uuid.UUID) ([]*T, error) {
	thunks := make([]func() (*T, error), len(ids))
	for i, id := range ids {
		thunks[i] = l.LoadThunk(ctx, id) // all queued first, so they load in one batch
	}
	out := []*T{}
	for _, load := range thunks {
		v, err := load()
		if errors.Is(err, dataloadgen.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// findingInput is a finding from the GraphQL input.
func findingInput(in model.FindingInput) discipline.FindingInput {
	return discipline.FindingInput{NodeID: in.NodeID, PersonName: deref(in.PersonName), Unit: deref(in.Unit),
		Position: deref(in.Position), Kind: in.Kind, Facts: in.Facts, ForwardIDs: in.ForwardIds,
		EvidenceIDs: in.EvidenceIds, NoOutcomeReason: deref(in.NoOutcomeReason)}
}

// measureInput is a measure from the GraphQL input.
func measureInput(in model.MeasureInput) discipline.MeasureInput {
	return discipline.MeasureInput{Title: in.Title, OwnerID: in.OwnerID, DueOn: in.DueOn, Status: deref(in.Status)}
}

// incidentChanges streams the changes of an incident the caller may see
// until the subscription ends.
// recheckChange re-checks, before a change goes out, that the subscriber is
// still signed in and may still see the incident (a removed member may not):
// end when they lost the right; a failure to check only withholds the change.
func (r *Resolver) recheckChange(ctx context.Context, id uuid.UUID) (deliver, end bool) {
	ctx, err := r.recheckSocket(ctx)
	if err == nil {
		var inc *incident.Incident
		if inc, err = r.IncidentService.Get(ctx, id); err == nil && inc != nil {
			return true, false
		}
	}
	switch apperr.CodeOf(err) {
	case "", apperr.Unauthenticated, apperr.Forbidden, apperr.NotFound: // "": the incident is out of sight
		return false, true
	}
	return false, false
}

func (r *Resolver) incidentChanges(ctx context.Context, id uuid.UUID) (<-chan *live.Change, error) {
	inc, err := r.IncidentService.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if inc == nil {
		return nil, apperr.Hidden()
	}
	changes, cancel := r.Live.Subscribe(id)
	out := make(chan *live.Change)
	go func() {
		defer close(out)
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case c := <-changes:
				if deliver, end := r.recheckChange(ctx, id); end {
					return
				} else if !deliver {
					continue
				}
				select {
				case out <- &c:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// noticesChanged sends the caller's unread count now and each time it may
// have changed, until the subscription ends.
func (r *Resolver) noticesChanged(ctx context.Context) (<-chan int, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	changed, cancel := r.Live.Notices(u.ID)
	out := make(chan int)
	go func() {
		defer close(out)
		defer cancel()
		for {
			n, err := r.NotifyService.Unread(ctx)
			if err != nil {
				return
			}
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// endpointInput is a webhook endpoint's input as the notify service takes it.
func endpointInput(in model.WebhookEndpointInput) notify.EndpointInput {
	return notify.EndpointInput{Name: in.Name, URL: in.URL, Format: in.Format, Secret: in.Secret, Kinds: in.Kinds,
		Locale: in.Locale, ActingAsID: in.ActingAsID, Enabled: in.Enabled}
}
