package incident

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/workflow"
)

// DefaultReportWindow is the time allowed from detection to the report upward.
const DefaultReportWindow = 24 * time.Hour

// DefaultJurisdiction is the classification scale of a deployment that names none: mainland China.
const DefaultJurisdiction Jurisdiction = "CN"

// Service changes and reads incidents. Every method needs a signed-in user in
// ctx and enforces need-to-know: reads go through the store's visibility
// filter, changes through Access. Every change runs in one transaction that
// also appends its audit entry.
type Service struct {
	DB           *sqlx.DB
	Store        Store
	Gates        *workflow.Gates
	ReportWindow time.Duration
	// DefaultJurisdiction is the scale of a case opened without naming one.
	DefaultJurisdiction Jurisdiction
	// FactSources add what other features know to the facts the gates see,
	// by the name the gates' requirements give them (see Wire).
	FactSources map[workflow.Source]FactSource
	// Clocks is the deployment's clock registry.
	Clocks *workflow.Clocks
	// ClockSources give the times of events other features keep.
	ClockSources []ClockEvents
}

// FactSource fills in facts about one incident from another feature's data.
type FactSource func(ctx context.Context, ex database.Executor, incidentID uuid.UUID, f *workflow.Facts) error

// Wire sets the fact sources, refusing a set that lacks one the gates read:
// without it a requirement would judge facts nobody gathered.
func (s *Service) Wire(sources map[workflow.Source]FactSource) error {
	for _, name := range s.Gates.Sources() {
		if sources[name] == nil {
			return fmt.Errorf("incident: the gates read the %s facts, but no fact source gives them", name)
		}
	}
	s.FactSources = sources
	return nil
}

// NewService returns a service with the default gates and report window.
func NewService(db *sqlx.DB) *Service {
	return &Service{DB: db, Gates: workflow.DefaultGates(), ReportWindow: DefaultReportWindow,
		DefaultJurisdiction: DefaultJurisdiction, Clocks: workflow.NewClocks(workflow.DefaultCalendar(), workflow.DefaultClocks()...)}
}

var (
	errNoIncident = apperr.Hidden()
	errNoTask     = apperr.Hidden()
)

func notFound(err error, notFound *apperr.Error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound
	}
	return database.MapError(err)
}

// change runs fn in a transaction for the signed-in user and appends the
// audit entry fn returns, so a change and its trace commit together: under
// Change, and for Open, which has no incident to lock yet.
func (s *Service) change(ctx context.Context, fn func(tx *sqlx.Tx, actor auth.User) (audit.Entry, error)) error {
	actor, err := auth.Require(ctx)
	if err != nil {
		return err
	}
	return audit.Change(ctx, s.DB, func(tx *sqlx.Tx) (audit.Entry, error) {
		e, err := fn(tx, actor)
		e.ActorID, e.ActorName = &actor.ID, actor.Username
		return e, err
	})
}

// Change is how an incident's data changes, here and in the features that
// keep data of an incident (spread, discipline): in one transaction it locks
// the incident for the signed-in user, checks they may do p with it, runs fn
// and appends the audit entry fn returns, made by that user on that incident.
// It lives here rather than in database or audit because the lock and the
// access check are the incident's.
func (s *Service) Change(ctx context.Context, id uuid.UUID, p Permission,
	fn func(tx *sqlx.Tx, inc Incident, actor auth.User) (audit.Entry, error)) error {
	return s.changeLocked(ctx, id, p, nil, func(tx *sqlx.Tx, inc Incident, a Access) (audit.Entry, error) {
		return fn(tx, inc, a.User)
	})
}

// Locked is Change for a change that keeps its own trail rather than the
// audit log (evidence's chain of custody, an upload's intent): fn runs in one
// transaction on the incident locked for the signed-in user, once they may do
// p with it.
func (s *Service) Locked(ctx context.Context, id uuid.UUID, p Permission, fn func(tx *sqlx.Tx, inc Incident, actor auth.User) error) error {
	return database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		inc, actor, err := s.LockFor(ctx, tx, id, p)
		if err != nil {
			return err
		}
		return fn(tx, inc, actor)
	})
}

// changeLocked is Change for an incident also expected at a version (when
// one is given), handing fn what the user may do with it.
func (s *Service) changeLocked(ctx context.Context, id uuid.UUID, p Permission, expectedVersion *int,
	fn func(tx *sqlx.Tx, inc Incident, a Access) (audit.Entry, error)) error {
	return s.change(ctx, func(tx *sqlx.Tx, actor auth.User) (audit.Entry, error) {
		inc, a, err := s.lockFor(ctx, tx, actor, id, p, expectedVersion)
		if err != nil {
			return audit.Entry{}, err
		}
		e, err := fn(tx, inc, a)
		e.IncidentID = &id
		return e, err
	})
}

// access returns what actor may do with the incident.
func (s *Service) access(ctx context.Context, ex database.Executor, actor auth.User, inc Incident) (Access, error) {
	m, err := s.Store.Member(ctx, ex, inc.ID, actor.ID)
	return Access{User: actor, Stage: inc.Stage, Frozen: inc.FrozenAt != nil, Member: m}, err
}

// LockFor locks the incident inside tx for the signed-in user and checks they
// may do p with it: the step Change and Locked take first, for a transaction
// that locks the incident only for some callers (evidence's commit of an
// upload, which its reconciler also runs).
func (s *Service) LockFor(ctx context.Context, tx *sqlx.Tx, id uuid.UUID, p Permission) (Incident, auth.User, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return Incident{}, actor, err
	}
	inc, _, err := s.lockFor(ctx, tx, actor, id, p, nil)
	return inc, actor, err
}

// lockFor locks the incident and checks that actor may do p with it and that
// it is at the expected version (when one is given).
func (s *Service) lockFor(ctx context.Context, tx *sqlx.Tx, actor auth.User, id uuid.UUID, p Permission, expectedVersion *int) (Incident, Access, error) {
	inc, err := s.Store.Lock(ctx, tx, id)
	if err != nil {
		return inc, Access{}, notFound(err, errNoIncident)
	}
	a, err := s.access(ctx, tx, actor, inc)
	if err != nil {
		return inc, a, err
	}
	if err := a.check(p); err != nil {
		return inc, a, err
	}
	if expectedVersion != nil && *expectedVersion != inc.Version {
		return inc, a, apperr.Errorf(apperr.Conflict, "the incident changed since version %d; reload it (now version %d)", *expectedVersion, inc.Version).
			With("currentVersion", inc.Version).With("currentStage", string(inc.Stage))
	}
	return inc, a, nil
}

func incidentEntry(action string, id uuid.UUID, changes any) audit.Entry {
	return audit.Entry{Action: action, TargetType: "incident", TargetID: id.String(), IncidentID: &id, Changes: changes}
}

// Open records a newly detected incident in DETECT. The lead (the caller
// unless another user is named) and the caller become its first members.
func (s *Service) Open(ctx context.Context, in OpenInput) (Incident, error) {
	var inc Incident
	err := s.change(ctx, func(tx *sqlx.Tx, actor auth.User) (audit.Entry, error) {
		if !canOpen(actor) {
			return audit.Entry{}, apperr.Errorf(apperr.Forbidden, "only responders, investigators and leadership open incidents")
		}
		now := time.Now()
		if in.Jurisdiction == nil {
			in.Jurisdiction = &s.DefaultJurisdiction
		}
		var err error
		if inc, err = in.incident(actor.ID, now); err != nil {
			return audit.Entry{}, apperr.Prefix("input", err)
		}
		if inc.Reference, err = s.Store.NextReference(ctx, tx, now.UTC().Year()); err != nil {
			return audit.Entry{}, err
		}
		if inc, err = s.Store.Insert(ctx, tx, inc); err != nil {
			return audit.Entry{}, apperr.Prefix("input", database.MapError(err))
		}
		if _, err := s.Store.PutMember(ctx, tx, Member{IncidentID: inc.ID, UserID: *inc.LeadID, CaseRole: RoleLead,
			OutcomesAccess: true, AddedBy: actor.ID}); err != nil {
			return audit.Entry{}, err
		}
		if *inc.LeadID != actor.ID {
			if _, err := s.Store.PutMember(ctx, tx, Member{IncidentID: inc.ID, UserID: actor.ID, CaseRole: RoleResponder,
				AddedBy: actor.ID}); err != nil {
				return audit.Entry{}, err
			}
		}
		if err := s.Store.InsertTransition(ctx, tx, Transition{ID: uuid.New(), IncidentID: inc.ID,
			To: workflow.Detect, Kind: workflow.KindOpen, ActorID: actor.ID, At: inc.CreatedAt}); err != nil {
			return audit.Entry{}, err
		}
		return incidentEntry("incident.open", inc.ID, map[string]any{"reference": inc.Reference, "new": inc}), nil
	})
	return inc, err
}

// Update changes the incident's fields if it is still at expectedVersion.
// Naming another lead is a membership change and needs that permission too.
func (s *Service) Update(ctx context.Context, id uuid.UUID, expectedVersion int, p Patch) (Incident, error) {
	var out Incident
	err := s.changeLocked(ctx, id, PermEdit, &expectedVersion, func(tx *sqlx.Tx, before Incident, a Access) (audit.Entry, error) {
		after, err := p.apply(before, time.Now())
		if err != nil {
			return audit.Entry{}, apperr.Prefix("input", err)
		}
		leadChanged := after.LeadID != nil && (before.LeadID == nil || *after.LeadID != *before.LeadID)
		if leadChanged {
			if err := a.check(PermManageMembers); err != nil {
				return audit.Entry{}, err
			}
		}
		if out, err = s.Store.Update(ctx, tx, after); err != nil {
			return audit.Entry{}, apperr.Prefix("input", database.MapError(err))
		}
		if leadChanged {
			if err := s.setLead(ctx, tx, id, *after.LeadID, a.User.ID); err != nil {
				return audit.Entry{}, err
			}
		}
		return incidentEntry("incident.update", id, diff(before, out)), nil
	})
	return out, err
}

// setLead makes userID the incident's lead, the previous lead staying on as an investigator.
func (s *Service) setLead(ctx context.Context, tx *sqlx.Tx, incidentID, userID, actor uuid.UUID) error {
	if err := s.Store.DemoteLead(ctx, tx, incidentID); err != nil {
		return err
	}
	if _, err := s.Store.PutMember(ctx, tx, Member{IncidentID: incidentID, UserID: userID, CaseRole: RoleLead,
		OutcomesAccess: true, AddedBy: actor}); err != nil {
		return apperr.Prefix("input", database.MapError(err))
	}
	return s.Store.SetLeadID(ctx, tx, incidentID, userID)
}

// Advance moves the incident to stage `to` when the workflow allows it: the
// row is locked, the gate checked, the stage changed and the history
// appended, all in one transaction.
func (s *Service) Advance(ctx context.Context, id uuid.UUID, to workflow.Stage, note string, expectedVersion *int) (Incident, error) {
	var out Incident
	err := s.changeLocked(ctx, id, PermRead, expectedVersion, func(tx *sqlx.Tx, inc Incident, a Access) (audit.Entry, error) {
		// The one change a frozen case takes is formally reopening it, which
		// needs its own permission; workflow.Decide holds it to going back.
		p := PermAdvance
		if inc.FrozenAt != nil {
			p = PermReopenFrozen
		}
		if err := a.check(p); err != nil {
			return audit.Entry{}, err
		}
		e, err := s.Transition(ctx, tx, inc, workflow.Move{To: to, Note: note}, a.User)
		out = e
		return incidentEntry("incident.advance", id, map[string]any{"from": inc.Stage, "to": to, "note": note,
			"unfrozen": inc.FrozenAt != nil}), err
	})
	return out, err
}

// Transition makes the move m on a locked incident if workflow.Decide allows
// it, recording the transition: for Advance, and for leadership returning a
// reviewed case (m.Returned). m.From and m.Frozen are the incident's own.
// Reopening a frozen case unfreezes it.
func (s *Service) Transition(ctx context.Context, tx *sqlx.Tx, inc Incident, m workflow.Move, actor auth.User) (Incident, error) {
	facts, err := s.facts(ctx, tx, inc)
	if err != nil {
		return inc, err
	}
	m.From, m.Frozen = inc.Stage, inc.FrozenAt != nil
	kind, err := workflow.Decide(s.Gates, m, facts)
	if err != nil {
		return inc, err
	}
	from, to, note := inc.Stage, m.To, m.Note
	inc.Stage, inc.FrozenAt = to, nil
	out, err := s.Store.Update(ctx, tx, inc)
	if err != nil {
		return out, err
	}
	if err := s.Store.InsertTransition(ctx, tx, Transition{ID: uuid.New(), IncidentID: inc.ID, From: &from,
		To: to, Kind: kind, ActorID: actor.ID, At: out.UpdatedAt, Note: note}); err != nil {
		return out, err
	}
	id := inc.ID
	changed := notify.Event{Kind: notify.StageChanged, IncidentID: &id, ActorID: &actor.ID,
		Data: map[string]string{"from": string(from), "to": string(to)}}
	if err := notify.Emit(ctx, tx, changed); err != nil {
		return out, err
	}
	if to == workflow.Closed {
		err = notify.Emit(ctx, tx, notify.Event{Kind: notify.ReviewRequested, IncidentID: &id, ActorID: &actor.ID})
	}
	return out, err
}

// Freeze marks a locked, closed incident as reviewed and frozen.
func (s *Service) Freeze(ctx context.Context, tx *sqlx.Tx, inc Incident, at time.Time) (Incident, error) {
	inc.FrozenAt = &at
	return s.Store.Update(ctx, tx, inc)
}

func (s *Service) facts(ctx context.Context, ex database.Executor, inc Incident) (workflow.Facts, error) {
	d, err := s.Store.GateData(ctx, ex, inc.ID)
	if err != nil {
		return workflow.Facts{}, err
	}
	f := workflow.Facts{
		Title:               inc.Title,
		LeakedItem:          inc.LeakedItem,
		Classification:      string(inc.Classification),
		DetectionMethod:     string(inc.DetectionMethod),
		ReportedBy:          inc.ReportedBy,
		DetectedAt:          inc.DetectedAt,
		ReachedOutside:      inc.ReachedOutside,
		ContainmentActions:  d.ContainmentActions,
		NotifiedAt:          d.NotifiedAt,
		RootCause:           string(deref(inc.RootCause)),
		ScopeAndImportance:  inc.ScopeAndImportance,
		BusinessImpact:      inc.BusinessImpact,
		DisclosureDecision:  string(deref(inc.DisclosureDecision)),
		DisclosureRationale: inc.DisclosureRationale,
		AffectedNotice:      inc.AffectedNotice,
		Statement:           inc.Statement,
		NoResponsibleReason: inc.NoResponsibleReason,
	}
	for _, t := range d.Tasks {
		f.Tasks = append(f.Tasks, workflow.TaskFact{ID: t.ID.String(), Stage: t.Stage, Title: t.Title,
			Requirement: deref(t.Requirement), Required: t.Required, Done: t.Done()})
	}
	for _, source := range s.FactSources {
		if err := source(ctx, ex, inc.ID, &f); err != nil {
			return f, err
		}
	}
	return f, nil
}

// Facts gathers what the gates and the report-upward clock look at, for an
// incident read through this service (so the caller may see it). Read them
// once and pass them to Gate and ReportUpward.
func (s *Service) Facts(ctx context.Context, inc Incident) (workflow.Facts, error) {
	return s.facts(ctx, s.DB, inc)
}

// Gate evaluates the gate of the incident's current stage.
func (s *Service) Gate(inc Incident, f workflow.Facts) workflow.Evaluation {
	return s.Gates.Evaluate(inc.Stage, f)
}

// ReportUpward returns the report-upward clock of an incident now, from the
// incident and its reports upward: the few facts the clock needs, so a list
// need not gather every gate fact of each incident.
func (s *Service) ReportUpward(inc Incident, notifications []Notification) workflow.ReportUpwardClock {
	times := make([]time.Time, len(notifications))
	for i, n := range notifications {
		times[i] = n.NotifiedAt
	}
	return s.reportUpward(inc, times, time.Now())
}

// reportUpward is the report-upward clock of inc reported at these times.
func (s *Service) reportUpward(inc Incident, notified []time.Time, now time.Time) workflow.ReportUpwardClock {
	f := workflow.Facts{Classification: string(inc.Classification), ReachedOutside: inc.ReachedOutside, DetectedAt: inc.DetectedAt,
		NotifiedAt: notified}
	return workflow.ReportUpward(f, s.ReportWindow, now)
}

// viewer returns the signed-in user as the store's viewer.
func viewer(ctx context.Context) (auth.User, Viewer, error) {
	u, err := auth.Require(ctx)
	return u, ViewerOf(u), err
}

// Get returns one incident, or nil when none has that id or the caller may not see it.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Incident, error) {
	return s.getBy(ctx, func(v Viewer) (Incident, error) { return s.Store.Get(ctx, s.DB, v, id) })
}

// GetByReference returns one incident by reference, or nil when none has it
// or the caller may not see it.
func (s *Service) GetByReference(ctx context.Context, ref string) (*Incident, error) {
	return s.getBy(ctx, func(v Viewer) (Incident, error) { return s.Store.GetByReference(ctx, s.DB, v, ref) })
}

func (s *Service) getBy(ctx context.Context, get func(Viewer) (Incident, error)) (*Incident, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := get(v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &inc, nil
}

// Page is one page of the incident list.
type Page struct {
	Incidents []Incident
	HasNext   bool
	Filter    Filter
	// Total is how many match in all, when the page's read could tell (-1 otherwise).
	Total int
}

// List returns a page of the incidents the caller may see matching f, newest
// first: `first` of them (default 25) after the cursor `after`.
func (s *Service) List(ctx context.Context, f Filter, first *int, after *string) (Page, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return Page{}, err
	}
	req, err := NewPageRequest(first, after)
	if err != nil {
		return Page{}, err
	}
	if err := f.validate(); err != nil {
		return Page{}, err
	}
	rows, total, err := s.Store.List(ctx, s.DB, v, f, req.After, req.First+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Filter: f, HasNext: len(rows) > req.First, Total: total}
	if p.HasNext {
		rows = rows[:req.First]
	}
	p.Incidents = rows
	return p, nil
}

// Count returns how many incidents the caller may see match f.
func (s *Service) Count(ctx context.Context, f Filter) (int, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return 0, err
	}
	if err := f.validate(); err != nil {
		return 0, err
	}
	return s.Store.Count(ctx, s.DB, v, f)
}

// AddTask adds a task to an incident, by default in its current stage.
func (s *Service) AddTask(ctx context.Context, incidentID uuid.UUID, in NewTask) (Task, error) {
	if _, err := auth.Require(ctx); err != nil {
		return Task{}, err
	}
	title, err := checkText("title", in.Title, true, maxShort)
	if err != nil {
		return Task{}, apperr.Prefix("input", err)
	}
	if in.Stage != nil && !in.Stage.Valid() {
		return Task{}, apperr.Invalid("input.stage", "unknown stage %q", *in.Stage)
	}
	var out Task
	err = s.Change(ctx, incidentID, PermEdit, func(tx *sqlx.Tx, inc Incident, actor auth.User) (audit.Entry, error) {
		t := Task{ID: uuid.New(), IncidentID: incidentID, Stage: inc.Stage, Title: title,
			AssigneeID: in.AssigneeID, DueAt: in.DueAt, Required: deref(in.Required), CreatedBy: actor.ID}
		if in.Stage != nil {
			t.Stage = *in.Stage
		}
		if err := s.Store.InsertTask(ctx, tx, t); err != nil {
			return audit.Entry{}, apperr.Prefix("input", database.MapError(err))
		}
		var err error
		if out, err = s.Store.GetTask(ctx, tx, t.ID); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "task.add", TargetType: "task", TargetID: t.ID.String(), IncidentID: &incidentID, Changes: out}, nil
	})
	return out, err
}

// CompleteTask marks a task done or, with done false, not done.
func (s *Service) CompleteTask(ctx context.Context, id uuid.UUID, done bool) (Task, error) {
	if _, err := auth.Require(ctx); err != nil {
		return Task{}, err
	}
	// A task stays on its incident, so its incident is found before the lock.
	t, err := s.Store.GetTask(ctx, s.DB, id)
	if err != nil {
		return Task{}, notFound(err, errNoTask)
	}
	var out Task
	err = s.Change(ctx, t.IncidentID, PermEdit, func(tx *sqlx.Tx, _ Incident, actor auth.User) (audit.Entry, error) {
		var by *uuid.UUID
		if done {
			by = &actor.ID
		}
		var err error
		if out, err = s.Store.SetTaskDone(ctx, tx, id, by); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "task.complete", TargetType: "task", TargetID: id.String(), IncidentID: &t.IncidentID,
			Changes: map[string]any{"done": done, "title": t.Title}}, nil
	})
	if apperr.CodeOf(err) == apperr.NotFound {
		return out, errNoTask // the incident is hidden from the caller: so is the task
	}
	return out, err
}

// Task returns one task of an incident the caller may see.
func (s *Service) Task(ctx context.Context, id uuid.UUID) (Task, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return Task{}, err
	}
	t, err := s.Store.GetTask(ctx, s.DB, id)
	if err != nil {
		return Task{}, notFound(err, errNoTask)
	}
	if _, err := s.Store.Get(ctx, s.DB, v, t.IncidentID); err != nil {
		return Task{}, notFound(err, errNoTask)
	}
	return t, nil
}

// TasksOf returns the tasks of the given incidents that the caller may see (for dataloaders).
func (s *Service) TasksOf(ctx context.Context, incidentIDs []uuid.UUID) ([]Task, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.TasksOf(ctx, s.DB, v, incidentIDs)
}

// Counts is how much an incident holds, for lists.
type Counts struct {
	IncidentID uuid.UUID `db:"incident_id"`
	Tasks      int       `db:"tasks"`
	OpenTasks  int       `db:"open_tasks"`
	Evidence   int       `db:"evidence"`
	Forwards   int       `db:"forwards"`
}

// CountsOf returns the counts of the incidents the caller may see among ids.
func (s *Service) CountsOf(ctx context.Context, incidentIDs []uuid.UUID) ([]Counts, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Counts(ctx, s.DB, v, incidentIDs)
}

// Transitions returns the stage history of an incident the caller may see.
func (s *Service) Transitions(ctx context.Context, incidentID uuid.UUID) ([]Transition, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Transitions(ctx, s.DB, v, incidentID)
}

// RecordContainment records a containment action.
func (s *Service) RecordContainment(ctx context.Context, incidentID uuid.UUID, in NewContainmentAction) (ContainmentAction, error) {
	if _, err := auth.Require(ctx); err != nil {
		return ContainmentAction{}, err
	}
	if err := in.validate(time.Now()); err != nil {
		return ContainmentAction{}, apperr.Prefix("input", err)
	}
	var out ContainmentAction
	err := s.Change(ctx, incidentID, PermEdit, func(tx *sqlx.Tx, _ Incident, actor auth.User) (audit.Entry, error) {
		var err error
		out, err = s.Store.InsertContainment(ctx, tx, ContainmentAction{ID: uuid.New(), IncidentID: incidentID,
			Kind: in.Kind, Description: in.Description, TakenAt: in.TakenAt, RecordedBy: actor.ID})
		if err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		return audit.Entry{Action: "containment.record", TargetType: "containment_action", TargetID: out.ID.String(),
			IncidentID: &incidentID, Changes: out}, nil
	})
	return out, err
}

// Containment returns the containment actions of an incident the caller may see.
func (s *Service) Containment(ctx context.Context, incidentID uuid.UUID) ([]ContainmentAction, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Containment(ctx, s.DB, v, incidentID)
}

// RecordNotification records a report upward to an authority.
func (s *Service) RecordNotification(ctx context.Context, incidentID uuid.UUID, in NewNotification) (Notification, error) {
	if _, err := auth.Require(ctx); err != nil {
		return Notification{}, err
	}
	ref, note, err := in.validate(time.Now())
	if err != nil {
		return Notification{}, apperr.Prefix("input", err)
	}
	var out Notification
	err = s.Change(ctx, incidentID, PermEdit, func(tx *sqlx.Tx, _ Incident, actor auth.User) (audit.Entry, error) {
		var err error
		out, err = s.Store.InsertNotification(ctx, tx, Notification{ID: uuid.New(), IncidentID: incidentID,
			Authority: in.Authority, NotifiedAt: in.NotifiedAt, Reference: ref, Note: note, RecordedBy: actor.ID})
		if err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		return audit.Entry{Action: "notification.record", TargetType: "notification", TargetID: out.ID.String(),
			IncidentID: &incidentID, Changes: out}, nil
	})
	return out, err
}

// Notifications returns the reports upward of an incident the caller may see.
func (s *Service) Notifications(ctx context.Context, incidentIDs ...uuid.UUID) ([]Notification, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Notifications(ctx, s.DB, v, incidentIDs)
}
