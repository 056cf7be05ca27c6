package incident

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/workflow"
)

// DefaultReportWindow is the time allowed from detection to the report upward.
const DefaultReportWindow = 24 * time.Hour

// Service changes and reads incidents. Every method needs a signed-in user in
// ctx; every change runs in one transaction.
type Service struct {
	DB           *sqlx.DB
	Store        Store
	Gates        *workflow.Gates
	ReportWindow time.Duration
}

// NewService returns a service with the default gates and report window.
func NewService(db *sqlx.DB) *Service {
	return &Service{DB: db, Gates: workflow.DefaultGates(), ReportWindow: DefaultReportWindow}
}

var (
	errNoIncident = apperr.Errorf(apperr.NotFound, "no incident has that id")
	errNoTask     = apperr.Errorf(apperr.NotFound, "no task has that id")
)

func notFound(err error, notFound *apperr.Error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound
	}
	return database.MapError(err)
}

// Open records a newly detected incident in DETECT.
func (s *Service) Open(ctx context.Context, in OpenInput) (Incident, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return Incident{}, err
	}
	now := time.Now()
	inc, err := in.incident(actor.ID, now)
	if err != nil {
		return Incident{}, apperr.Prefix("input", err)
	}
	err = database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if inc.Reference, err = s.Store.NextReference(ctx, tx, now.UTC().Year()); err != nil {
			return err
		}
		if inc, err = s.Store.Insert(ctx, tx, inc); err != nil {
			return apperr.Prefix("input", database.MapError(err))
		}
		if err := s.Store.InsertTransition(ctx, tx, Transition{ID: uuid.New(), IncidentID: inc.ID,
			To: workflow.Detect, Kind: workflow.KindOpen, ActorID: actor.ID, At: inc.CreatedAt}); err != nil {
			return err
		}
		return s.createGateTasks(ctx, tx, inc.ID, workflow.Detect, actor.ID)
	})
	return inc, err
}

// createGateTasks adds the tasks that meet the task-backed requirements of stage.
func (s *Service) createGateTasks(ctx context.Context, ex database.Executor, incidentID uuid.UUID, stage workflow.Stage, actor uuid.UUID) error {
	for _, r := range s.Gates.TaskBacked(stage) {
		req := r.ID
		if err := s.Store.InsertTask(ctx, ex, Task{ID: uuid.New(), IncidentID: incidentID, Stage: stage,
			Title: r.TaskTitle, Required: true, Requirement: &req, CreatedBy: actor}); err != nil {
			return err
		}
	}
	return nil
}

// lockAt locks the incident and refuses with CONFLICT when it is not at the
// expected version (when one is given).
func (s *Service) lockAt(ctx context.Context, tx *sqlx.Tx, id uuid.UUID, expectedVersion *int) (Incident, error) {
	inc, err := s.Store.Lock(ctx, tx, id)
	if err != nil {
		return inc, notFound(err, errNoIncident)
	}
	if expectedVersion != nil && *expectedVersion != inc.Version {
		return inc, apperr.Errorf(apperr.Conflict, "the incident changed since version %d; reload it (now version %d)", *expectedVersion, inc.Version).
			With("currentVersion", inc.Version).With("currentStage", string(inc.Stage))
	}
	return inc, nil
}

// Update changes the incident's fields if it is still at expectedVersion.
func (s *Service) Update(ctx context.Context, id uuid.UUID, expectedVersion int, p Patch) (Incident, error) {
	if _, err := auth.Require(ctx); err != nil {
		return Incident{}, err
	}
	var out Incident
	err := database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		inc, err := s.lockAt(ctx, tx, id, &expectedVersion)
		if err != nil {
			return err
		}
		if inc, err = p.apply(inc, time.Now()); err != nil {
			return apperr.Prefix("input", err)
		}
		out, err = s.Store.Update(ctx, tx, inc)
		return apperr.Prefix("input", database.MapError(err))
	})
	return out, err
}

// Advance moves the incident to stage `to` when the workflow allows it: the
// row is locked, the gate checked, the stage changed, the history appended and
// the new stage's gate tasks created, all in one transaction.
func (s *Service) Advance(ctx context.Context, id uuid.UUID, to workflow.Stage, note string, expectedVersion *int) (Incident, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return Incident{}, err
	}
	var out Incident
	err = database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		inc, err := s.lockAt(ctx, tx, id, expectedVersion)
		if err != nil {
			return err
		}
		facts, err := s.facts(ctx, tx, inc)
		if err != nil {
			return err
		}
		kind, err := workflow.Decide(s.Gates, inc.Stage, to, note, facts)
		if err != nil {
			return err
		}
		from := inc.Stage
		inc.Stage = to
		if out, err = s.Store.Update(ctx, tx, inc); err != nil {
			return err
		}
		if err := s.Store.InsertTransition(ctx, tx, Transition{ID: uuid.New(), IncidentID: id, From: &from,
			To: to, Kind: kind, ActorID: actor.ID, At: out.UpdatedAt, Note: note}); err != nil {
			return err
		}
		return s.createGateTasks(ctx, tx, id, to, actor.ID)
	})
	return out, err
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
	}
	for _, t := range d.Tasks {
		f.Tasks = append(f.Tasks, workflow.TaskFact{ID: t.ID.String(), Stage: t.Stage, Title: t.Title,
			Requirement: deref(t.Requirement), Required: t.Required, Done: t.Done()})
	}
	return f, nil
}

// Gate evaluates the gate of the incident's current stage.
func (s *Service) Gate(ctx context.Context, inc Incident) (workflow.Evaluation, error) {
	f, err := s.facts(ctx, s.DB, inc)
	if err != nil {
		return nil, err
	}
	return s.Gates.Evaluate(inc.Stage, f), nil
}

// ReportUpward returns the report-upward clock of the incident now.
func (s *Service) ReportUpward(ctx context.Context, inc Incident) (workflow.ReportUpwardClock, error) {
	f, err := s.facts(ctx, s.DB, inc)
	if err != nil {
		return workflow.ReportUpwardClock{}, err
	}
	return workflow.ReportUpward(f, s.ReportWindow, time.Now()), nil
}

// Get returns one incident, or nil when none has that id.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Incident, error) {
	return s.getBy(ctx, func() (Incident, error) { return s.Store.Get(ctx, s.DB, id) })
}

// GetByReference returns one incident by reference, or nil when none has it.
func (s *Service) GetByReference(ctx context.Context, ref string) (*Incident, error) {
	return s.getBy(ctx, func() (Incident, error) { return s.Store.GetByReference(ctx, s.DB, ref) })
}

func (s *Service) getBy(ctx context.Context, get func() (Incident, error)) (*Incident, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	inc, err := get()
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
}

// List returns a page of incidents matching f, newest first.
func (s *Service) List(ctx context.Context, f Filter, req PageRequest) (Page, error) {
	if _, err := auth.Require(ctx); err != nil {
		return Page{}, err
	}
	if err := f.validate(); err != nil {
		return Page{}, err
	}
	rows, err := s.Store.List(ctx, s.DB, f, req.After, req.First+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Filter: f, HasNext: len(rows) > req.First}
	if p.HasNext {
		rows = rows[:req.First]
	}
	p.Incidents = rows
	return p, nil
}

// Count returns how many incidents match f.
func (s *Service) Count(ctx context.Context, f Filter) (int, error) {
	if _, err := auth.Require(ctx); err != nil {
		return 0, err
	}
	return s.Store.Count(ctx, s.DB, f)
}

// AddTask adds a task to an incident, by default in its current stage.
func (s *Service) AddTask(ctx context.Context, incidentID uuid.UUID, in NewTask) (Task, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
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
	err = database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		inc, err := s.Store.Get(ctx, tx, incidentID)
		if err != nil {
			return notFound(err, errNoIncident)
		}
		t := Task{ID: uuid.New(), IncidentID: incidentID, Stage: inc.Stage, Title: title,
			AssigneeID: in.AssigneeID, DueAt: in.DueAt, Required: deref(in.Required), CreatedBy: actor.ID}
		if in.Stage != nil {
			t.Stage = *in.Stage
		}
		if err := s.Store.InsertTask(ctx, tx, t); err != nil {
			return apperr.Prefix("input", database.MapError(err))
		}
		out, err = s.Store.GetTask(ctx, tx, t.ID)
		return err
	})
	return out, err
}

// CompleteTask marks a task done or, with done false, not done.
func (s *Service) CompleteTask(ctx context.Context, id uuid.UUID, done bool) (Task, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return Task{}, err
	}
	var by *uuid.UUID
	if done {
		by = &actor.ID
	}
	t, err := s.Store.SetTaskDone(ctx, s.DB, id, by)
	return t, notFound(err, errNoTask)
}

// Task returns one task.
func (s *Service) Task(ctx context.Context, id uuid.UUID) (Task, error) {
	if _, err := auth.Require(ctx); err != nil {
		return Task{}, err
	}
	t, err := s.Store.GetTask(ctx, s.DB, id)
	return t, notFound(err, errNoTask)
}

// TasksOf returns the tasks of the given incidents (for dataloaders).
func (s *Service) TasksOf(ctx context.Context, incidentIDs []uuid.UUID) ([]Task, error) {
	return s.Store.TasksOf(ctx, s.DB, incidentIDs)
}

// Transitions returns the stage history of an incident.
func (s *Service) Transitions(ctx context.Context, incidentID uuid.UUID) ([]Transition, error) {
	return s.Store.Transitions(ctx, s.DB, incidentID)
}

// RecordContainment records a containment action.
func (s *Service) RecordContainment(ctx context.Context, incidentID uuid.UUID, in NewContainmentAction) (ContainmentAction, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return ContainmentAction{}, err
	}
	if err := in.validate(time.Now()); err != nil {
		return ContainmentAction{}, apperr.Prefix("input", err)
	}
	a, err := s.Store.InsertContainment(ctx, s.DB, ContainmentAction{ID: uuid.New(), IncidentID: incidentID,
		Kind: in.Kind, Description: in.Description, TakenAt: in.TakenAt, RecordedBy: actor.ID})
	return a, database.MapError(err)
}

// Containment returns an incident's containment actions.
func (s *Service) Containment(ctx context.Context, incidentID uuid.UUID) ([]ContainmentAction, error) {
	return s.Store.Containment(ctx, s.DB, incidentID)
}

// RecordNotification records a report upward to an authority.
func (s *Service) RecordNotification(ctx context.Context, incidentID uuid.UUID, in NewNotification) (Notification, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return Notification{}, err
	}
	ref, note, err := in.validate(time.Now())
	if err != nil {
		return Notification{}, apperr.Prefix("input", err)
	}
	n, err := s.Store.InsertNotification(ctx, s.DB, Notification{ID: uuid.New(), IncidentID: incidentID,
		Authority: in.Authority, NotifiedAt: in.NotifiedAt, Reference: ref, Note: note, RecordedBy: actor.ID})
	return n, database.MapError(err)
}

// Notifications returns an incident's reports upward.
func (s *Service) Notifications(ctx context.Context, incidentID uuid.UUID) ([]Notification, error) {
	return s.Store.Notifications(ctx, s.DB, incidentID)
}
