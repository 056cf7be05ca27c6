package graph

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/chatlog"
	"github.com/leaktrail/leaktrail/discipline"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/workflow"
)

// Loaders batch the lookups of one request. Each batch function returns a map
// by key, so rows may come back in any order and missing keys are reported.
type Loaders struct {
	Users *dataloadgen.Loader[uuid.UUID, auth.User]
	Tasks *dataloadgen.Loader[uuid.UUID, []incident.Task]
	// Counts are per incident, for lists.
	Counts *dataloadgen.Loader[uuid.UUID, incident.Counts]
	// Notifications are an incident's reports upward (its report-upward clock reads them too).
	Notifications *dataloadgen.Loader[uuid.UUID, []incident.Notification]
	// Facts are what an incident's gate reads, once per incident object.
	Facts *dataloadgen.Loader[*incident.Incident, workflow.Facts]
	// Clocks are an incident's legal clocks, read in one batch for a list.
	Clocks *dataloadgen.Loader[*incident.Incident, []incident.Clock]
	// ReportUpward is an incident's report-upward clock, from its notifications.
	ReportUpward *dataloadgen.Loader[*incident.Incident, workflow.ReportUpwardClock]
	// NodeDetails and ForwardDetails complete the partial nodes and forwards an analysis holds.
	NodeDetails    *dataloadgen.Loader[uuid.UUID, *spread.Node]
	ForwardDetails *dataloadgen.Loader[uuid.UUID, *spread.Forward]
	// Evidence is read by id (only items the caller may see); Custody is each item's chain of custody.
	Evidence *dataloadgen.Loader[uuid.UUID, *evidence.Evidence]
	Custody  *dataloadgen.Loader[uuid.UUID, []*evidence.CustodyEvent]
	// Outcomes are an incident's (nil for callers outside the outcomes tier); History is each outcome's status changes.
	Outcomes *dataloadgen.Loader[uuid.UUID, []*discipline.Outcome]
	History  *dataloadgen.Loader[uuid.UUID, []*discipline.StatusChange]
	// Messages, their Sources, Chats and Senders are of the chat exports read into cases.
	Messages      *dataloadgen.Loader[uuid.UUID, *chatlog.Message]
	Sources       *dataloadgen.Loader[uuid.UUID, []chatlog.Source]
	Chats         *dataloadgen.Loader[uuid.UUID, *chatlog.Chat]
	Senders       *dataloadgen.Loader[uuid.UUID, *chatlog.Sender]
	ImportsOfItem *dataloadgen.Loader[uuid.UUID, *chatlog.Import]
	// IssuedReports are an incident's reports issued to the authorities.
	IssuedReports *dataloadgen.Loader[uuid.UUID, []*discipline.IssuedReport]
	// Citing are the forwards that cite a message.
	Citing *dataloadgen.Loader[uuid.UUID, []uuid.UUID]
}

// byID maps rows to their ids for a mapped loader.
func byID[T any](rows []T, err error, id func(T) uuid.UUID) (map[uuid.UUID]T, error) {
	out := make(map[uuid.UUID]T, len(rows))
	for _, r := range rows {
		out[id(r)] = r
	}
	return out, err
}

const loaderWait = time.Millisecond

func newLoaders(r *Resolver) *Loaders {
	l := &Loaders{
		Users: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]auth.User, error) {
			users, err := r.AuthService.UsersByIDs(ctx, ids)
			out := make(map[uuid.UUID]auth.User, len(users))
			for _, u := range users {
				out[u.ID] = u
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		Tasks: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]incident.Task, error) {
			tasks, err := r.IncidentService.TasksOf(ctx, ids)
			out := make(map[uuid.UUID][]incident.Task, len(ids))
			for _, id := range ids {
				out[id] = []incident.Task{} // an incident without tasks is not a missing key
			}
			for _, t := range tasks {
				out[t.IncidentID] = append(out[t.IncidentID], t)
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		Counts: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]incident.Counts, error) {
			counts, err := r.IncidentService.CountsOf(ctx, ids)
			return byID(counts, err, func(c incident.Counts) uuid.UUID { return c.IncidentID })
		}, dataloadgen.WithWait(loaderWait)),
		Notifications: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]incident.Notification, error) {
			ns, err := r.IncidentService.Notifications(ctx, ids...)
			out := make(map[uuid.UUID][]incident.Notification, len(ids))
			for _, id := range ids {
				out[id] = []incident.Notification{}
			}
			for _, n := range ns {
				out[n.IncidentID] = append(out[n.IncidentID], n)
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		IssuedReports: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]*discipline.IssuedReport, error) {
			rs, err := r.DisciplineService.IssuedReports(ctx, ids...)
			out := make(map[uuid.UUID][]*discipline.IssuedReport, len(ids))
			for _, id := range ids {
				out[id] = []*discipline.IssuedReport{}
			}
			for _, ir := range rs {
				out[ir.IncidentID] = append(out[ir.IncidentID], ir)
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		Facts: dataloadgen.NewLoader(func(ctx context.Context, incs []*incident.Incident) ([]workflow.Facts, []error) {
			facts, errs := make([]workflow.Facts, len(incs)), make([]error, len(incs))
			for i, inc := range incs {
				facts[i], errs[i] = r.IncidentService.Facts(ctx, *inc)
			}
			return facts, errs
		}, dataloadgen.WithWait(loaderWait)),
		Clocks: dataloadgen.NewLoader(func(ctx context.Context, incs []*incident.Incident) ([][]incident.Clock, []error) {
			list := make([]incident.Incident, len(incs))
			for i, inc := range incs {
				list[i] = *inc
			}
			clocks, err := r.IncidentService.ClocksOf(ctx, list)
			if err != nil {
				errs := make([]error, len(incs))
				for i := range errs {
					errs[i] = err
				}
				return make([][]incident.Clock, len(incs)), errs
			}
			return clocks, nil
		}, dataloadgen.WithWait(loaderWait)),
		NodeDetails: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*spread.Node, error) {
			nodes, err := r.SpreadService.NodeDetails(ctx, ids)
			return byID(nodes, err, func(n *spread.Node) uuid.UUID { return n.ID })
		}, dataloadgen.WithWait(loaderWait)),
		Messages: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*chatlog.Message, error) {
			msgs, err := r.ChatService.MessagesByID(ctx, ids)
			return byID(msgs, err, func(m *chatlog.Message) uuid.UUID { return m.ID })
		}, dataloadgen.WithWait(loaderWait)),
		Sources: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]chatlog.Source, error) {
			out, err := r.ChatService.Sources(ctx, ids)
			for _, id := range ids {
				if out[id] == nil {
					out[id] = []chatlog.Source{}
				}
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		Chats: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*chatlog.Chat, error) {
			chats, err := r.ChatService.ChatsByID(ctx, ids)
			return byID(chats, err, func(c *chatlog.Chat) uuid.UUID { return c.ID })
		}, dataloadgen.WithWait(loaderWait)),
		Senders: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*chatlog.Sender, error) {
			senders, err := r.ChatService.SendersByID(ctx, ids)
			return byID(senders, err, func(s *chatlog.Sender) uuid.UUID { return s.ID })
		}, dataloadgen.WithWait(loaderWait)),
		Citing: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]uuid.UUID, error) {
			out, err := r.ChatService.Citing(ctx, ids)
			for _, id := range ids {
				if out[id] == nil {
					out[id] = []uuid.UUID{}
				}
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		ImportsOfItem: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*chatlog.Import, error) {
			imports, err := r.ChatService.ImportsOfEvidence(ctx, ids)
			out, err := byID(imports, err, func(im *chatlog.Import) uuid.UUID { return im.EvidenceID })
			for _, id := range ids {
				if _, ok := out[id]; !ok {
					out[id] = nil // an item never read is not a missing key
				}
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		Evidence: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*evidence.Evidence, error) {
			items, err := r.EvidenceService.ByIDs(ctx, ids)
			return byID(items, err, func(e *evidence.Evidence) uuid.UUID { return e.ID })
		}, dataloadgen.WithWait(loaderWait)),
		Custody: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]*evidence.CustodyEvent, error) {
			events, err := r.EvidenceService.Custody(ctx, ids)
			out := make(map[uuid.UUID][]*evidence.CustodyEvent, len(ids))
			for _, id := range ids {
				out[id] = []*evidence.CustodyEvent{}
			}
			for _, e := range events {
				out[e.EvidenceID] = append(out[e.EvidenceID], e)
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		Outcomes: dataloadgen.NewMappedLoader(func(ctx context.Context, incidentIDs []uuid.UUID) (map[uuid.UUID][]*discipline.Outcome, error) {
			out := make(map[uuid.UUID][]*discipline.Outcome, len(incidentIDs))
			for _, id := range incidentIDs {
				outcomes, err := r.DisciplineService.Outcomes(ctx, id)
				if err != nil {
					return out, err
				}
				out[id] = outcomes
			}
			return out, nil
		}, dataloadgen.WithWait(loaderWait)),
		History: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]*discipline.StatusChange, error) {
			changes, err := r.DisciplineService.History(ctx, ids)
			out := make(map[uuid.UUID][]*discipline.StatusChange, len(ids))
			for _, id := range ids {
				out[id] = []*discipline.StatusChange{}
			}
			for _, c := range changes {
				out[c.OutcomeID] = append(out[c.OutcomeID], c)
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait)),
		ForwardDetails: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*spread.Forward, error) {
			forwards, err := r.SpreadService.ForwardDetails(ctx, ids)
			return byID(forwards, err, func(f *spread.Forward) uuid.UUID { return f.ID })
		}, dataloadgen.WithWait(loaderWait)),
	}
	l.ReportUpward = dataloadgen.NewLoader(func(ctx context.Context, incs []*incident.Incident) ([]workflow.ReportUpwardClock, []error) {
		out, errs := make([]workflow.ReportUpwardClock, len(incs)), make([]error, len(incs))
		for i, inc := range incs {
			var ns []incident.Notification
			// The notifications field of the same incidents shares this batch.
			if ns, errs[i] = l.Notifications.Load(ctx, inc.ID); errs[i] == nil {
				out[i] = r.IncidentService.ReportUpward(*inc, ns)
			}
		}
		return out, errs
	}, dataloadgen.WithWait(loaderWait))
	return l
}

// nodeDetail is n with every field, read when n came partial from an analysis.
func nodeDetail(ctx context.Context, n *spread.Node) (*spread.Node, error) {
	if !n.Partial {
		return n, nil
	}
	return loaders(ctx).NodeDetails.Load(ctx, n.ID)
}

// forwardDetail is f with every field, read when f came partial from an analysis.
func forwardDetail(ctx context.Context, f *spread.Forward) (*spread.Forward, error) {
	if !f.Partial {
		return f, nil
	}
	return loaders(ctx).ForwardDetails.Load(ctx, f.ID)
}

type loadersKey struct{}

// WithLoaders gives every request its own loaders, so nothing is cached across requests.
func (r *Resolver) WithLoaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := context.WithValue(req.Context(), loadersKey{}, newLoaders(r))
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

func loaders(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}

// user loads a user by id; nil id gives nil.
func user(ctx context.Context, id *uuid.UUID) (*auth.User, error) {
	if id == nil {
		return nil, nil
	}
	return ptr(loaders(ctx).Users.Load(ctx, *id))
}

// fieldOf reads one field of obj, completing obj first with detail when it is partial.
func fieldOf[T, V any](ctx context.Context, obj T, detail func(context.Context, T) (T, error), field func(T) V) (V, error) {
	full, err := detail(ctx, obj)
	if err != nil {
		var zero V
		return zero, err
	}
	return field(full), nil
}

// prefetchPage reads, for a page of incidents, what its rows' nested fields
// will ask for (when the operation selects them): the summaries (counts,
// report upward, clocks) in one call whose results prime the loaders, and
// batch loads started for the rest. Each is one statement for the whole page,
// however the field resolvers are scheduled.
func prefetchPage(ctx context.Context, r *Resolver, page []incident.Incident) error {
	if len(page) == 0 {
		return nil
	}
	l := loaders(ctx)
	ids := make([]uuid.UUID, len(page))
	var leads []uuid.UUID
	for i, inc := range page {
		ids[i] = inc.ID
		if inc.LeadID != nil {
			leads = append(leads, *inc.LeadID)
		}
	}
	node := func(field string) bool { return selects(ctx, "edges", "node", field) }
	if node("counts") || node("reportUpward") || node("nextClock") || node("clocks") {
		sums, err := r.IncidentService.Summaries(ctx, page)
		if err != nil {
			return err
		}
		for i := range page {
			if s, ok := sums[page[i].ID]; ok {
				l.Counts.Prime(page[i].ID, s.Counts)
				l.ReportUpward.Prime(&page[i], s.ReportUpward)
				l.Clocks.Prime(&page[i], s.Clocks)
			}
		}
	}
	if node("tasks") {
		l.Tasks.LoadAllThunk(ctx, ids)
	}
	if node("notifications") {
		l.Notifications.LoadAllThunk(ctx, ids)
	}
	if node("lead") && len(leads) > 0 {
		l.Users.LoadAllThunk(ctx, slices.Compact(slices.SortedFunc(slices.Values(leads), func(a, b uuid.UUID) int {
			return bytes.Compare(a[:], b[:])
		})))
	}
	return nil
}

// prefetchMessages starts, for a page of chat messages, the batch loads its
// rows' fields will ask for (when the operation selects them), each with the
// whole page's keys: loads started row by row may split into several batches.
func prefetchMessages(ctx context.Context, page []*chatlog.Message) {
	if len(page) == 0 {
		return
	}
	l := loaders(ctx)
	var ids, chats, senders []uuid.UUID
	for _, m := range page {
		ids = append(ids, m.ID)
		if !slices.Contains(chats, m.ChatID) {
			chats = append(chats, m.ChatID)
		}
		if m.SenderID != nil && !slices.Contains(senders, *m.SenderID) {
			senders = append(senders, *m.SenderID)
		}
	}
	message := func(field string) bool { return selects(ctx, "messages", field) }
	if message("chat") {
		l.Chats.LoadAllThunk(ctx, chats)
	}
	if message("sender") && len(senders) > 0 {
		l.Senders.LoadAllThunk(ctx, senders)
	}
	if message("sources") {
		l.Sources.LoadAllThunk(ctx, ids)
	}
	if message("forwards") {
		l.Citing.LoadAllThunk(ctx, ids)
	}
}

// prefetchForwards starts, for a page of forwards, the one batch of their
// details (what an analysis leaves out) that their fields will ask for, with
// the whole page's keys.
func prefetchForwards(ctx context.Context, page []*spread.Forward) {
	for _, field := range []string{"sources", "evidenced", "item", "alterations", "misSent", "recalledAt", "confidence", "note"} {
		if selects(ctx, field) {
			ids := make([]uuid.UUID, len(page))
			for i, f := range page {
				ids[i] = f.ID
			}
			loaders(ctx).ForwardDetails.LoadAllThunk(ctx, ids)
			return
		}
	}
}

// selects reports whether the operation selects the path of fields below
// the field being resolved (fragments included).
func selects(ctx context.Context, path ...string) bool {
	op := graphql.GetOperationContext(ctx)
	sel := graphql.GetFieldContext(ctx).Field.Selections
	for _, name := range path {
		var next ast.SelectionSet
		found := false
		for _, f := range graphql.CollectFields(op, sel, nil) {
			if f.Name == name {
				next, found = append(next, f.Selections...), true
			}
		}
		if !found {
			return false
		}
		sel = next
	}
	return true
}
