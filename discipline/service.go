package discipline

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/workflow"
)

// Service records findings, outcomes, measures and reviews.
type Service struct {
	DB        *sqlx.DB
	Incidents *incident.Service
	Spread    *spread.Service
	Evidence  *evidence.Service
	Store     Store
}

// NewService returns the service.
func NewService(db *sqlx.DB, incidents *incident.Service, spreadSvc *spread.Service, evidenceSvc *evidence.Service) *Service {
	return &Service{DB: db, Incidents: incidents, Spread: spreadSvc, Evidence: evidenceSvc}
}

// GateFacts is the incident gates' fact source for responsibility
// (workflow.FromDiscipline): measures, findings, and findings awaiting an outcome.
func (s *Service) GateFacts(ctx context.Context, ex database.Executor, id uuid.UUID, f *workflow.Facts) error {
	c, err := s.Store.GateCounts(ctx, ex, id)
	f.Measures, f.FindingsAwaitingOutcome, f.Findings = c.Measures, c.AwaitingOutcome, c.Findings
	return err
}

// allowed returns the incident if the caller may do p with it.
func (s *Service) allowed(ctx context.Context, incidentID uuid.UUID, p incident.Permission) (*incident.Incident, error) {
	inc, _, err := s.Incidents.Allowed(ctx, incidentID, p)
	return inc, err
}

// incidentOf returns the incident a finding, outcome or measure belongs to,
// for a signed-in caller; the access check follows when the incident is locked.
func (s *Service) incidentOf(ctx context.Context, lookup func(context.Context, database.Executor, uuid.UUID) (uuid.UUID, error),
	id uuid.UUID) (uuid.UUID, error) {
	if _, err := auth.Require(ctx); err != nil {
		return uuid.Nil, err
	}
	incidentID, err := lookup(ctx, s.DB, id)
	if errors.Is(err, sql.ErrNoRows) {
		return incidentID, apperr.Hidden()
	}
	return incidentID, err
}

// CanSeeOutcomes reports whether the caller may see an incident's outcomes.
func (s *Service) CanSeeOutcomes(ctx context.Context, inc incident.Incident) (bool, error) {
	a, err := s.Incidents.AccessTo(ctx, inc)
	return a.Can(incident.PermSeeOutcomes), err
}

// AddFinding records a finding on an incident.
func (s *Service) AddFinding(ctx context.Context, incidentID uuid.UUID, in FindingInput) (*Finding, error) {
	return s.PutFinding(ctx, incidentID, nil, in)
}

// UpdateFinding changes a finding.
func (s *Service) UpdateFinding(ctx context.Context, id uuid.UUID, in FindingInput) (*Finding, error) {
	incidentID, err := s.incidentOf(ctx, s.Store.FindingIncident, id)
	if err != nil {
		return nil, err
	}
	return s.PutFinding(ctx, incidentID, &id, in)
}

// PutFinding records a finding (id nil) or changes one, checking that the
// person's node, the forwards and the evidence it relies on are of the incident.
func (s *Service) PutFinding(ctx context.Context, incidentID uuid.UUID, id *uuid.UUID, in FindingInput) (*Finding, error) {
	var out *Finding
	err := s.Incidents.Change(ctx, incidentID, incident.PermEdit, func(tx *sqlx.Tx, inc incident.Incident, actor auth.User) (audit.Entry, error) {
		if err := in.Validate(); err != nil {
			return audit.Entry{}, err
		}
		node, forwards, items, err := s.Store.LinksBelong(ctx, tx, incidentID, in)
		switch {
		case err != nil:
			return audit.Entry{}, err
		case !node:
			return audit.Entry{}, apperr.Invalid("input.nodeId", "no person of this incident's spread chain has that id")
		case !forwards:
			return audit.Entry{}, apperr.Invalid("input.forwardIds", "every forward must be of this incident")
		case !items:
			return audit.Entry{}, apperr.Invalid("input.evidenceIds", "every evidence item must be of this incident")
		}
		f := &Finding{ID: uuid.Must(uuid.NewV7()), IncidentID: incidentID, MadeBy: actor.ID}
		action := "finding.add"
		if id != nil {
			if f, err = s.Store.Finding(ctx, tx, *id); err != nil {
				return audit.Entry{}, err
			}
			if f == nil || f.IncidentID != incidentID {
				return audit.Entry{}, apperr.Hidden()
			}
			action = "finding.update"
		}
		f.NodeID, f.PersonName, f.Unit, f.Position, f.Kind, f.Facts = in.NodeID, in.PersonName, in.Unit, in.Position, in.Kind, in.Facts
		f.ForwardIDs, f.EvidenceIDs, f.NoOutcomeReason = dedupe(in.ForwardIDs), dedupe(in.EvidenceIDs), in.NoOutcomeReason
		if in.NodeID != nil {
			name, unit, position, err := s.Store.NodeName(ctx, tx, *in.NodeID)
			if err != nil {
				return audit.Entry{}, err
			}
			f.PersonName = cmpOr(in.PersonName, name)
			f.Unit, f.Position = cmpOr(in.Unit, unit), cmpOr(in.Position, position)
		}
		if err := s.Store.PutFinding(ctx, tx, f); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		out = f
		return audit.Entry{Action: action, TargetType: "finding", TargetID: f.ID.String(),
			Changes: map[string]any{"person": f.PersonName, "kind": f.Kind, "noOutcomeReason": f.NoOutcomeReason}}, nil
	})
	return out, err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Findings returns an incident's findings, if the caller may read it.
func (s *Service) Findings(ctx context.Context, incidentID uuid.UUID) ([]*Finding, error) {
	if _, err := s.allowed(ctx, incidentID, incident.PermRead); err != nil {
		return nil, err
	}
	return s.Store.Findings(ctx, s.DB, []uuid.UUID{incidentID})
}

// CandidateReason says why the spread chain suggests a person.
type CandidateReason string

const (
	// Origin: the person put the item into circulation (or instructed it).
	Origin CandidateReason = "ORIGIN"
	// FirstHop: the person moved the item out of where it started.
	FirstHop CandidateReason = "FIRST_HOP"
	// NewVenue: the person brought the item into a venue it had not reached.
	NewVenue CandidateReason = "NEW_VENUE"
)

// Candidate is a person the spread analysis suggests for a finding; nothing
// is assigned until an investigator records the finding.
type Candidate struct {
	Node    *spread.Node
	Reasons []CandidateReason
}

// Candidates suggests the people an investigator should consider for
// findings: origins that are people, first hops, and those who brought the
// item into a new venue, in order of first involvement.
func (s *Service) Candidates(ctx context.Context, inc incident.Incident) ([]Candidate, error) {
	a, err := s.Spread.Analyze(ctx, inc)
	if err != nil {
		return nil, err
	}
	origins := map[uuid.UUID]bool{}
	for _, n := range a.Origins() {
		origins[n.ID] = true
	}
	out := []Candidate{}
	for _, p := range a.People() {
		var reasons []CandidateReason
		node := p.Node()
		if origins[node.ID] {
			reasons = append(reasons, Origin)
		}
		if p.FirstHop {
			reasons = append(reasons, FirstHop)
		}
		if p.ToNewVenue > 0 {
			reasons = append(reasons, NewVenue)
		}
		if len(reasons) > 0 {
			out = append(out, Candidate{Node: node, Reasons: reasons})
		}
	}
	return out, nil
}

// ProposeOutcome records an outcome for a finding, PROPOSED, by someone who may decide outcomes.
func (s *Service) ProposeOutcome(ctx context.Context, findingID uuid.UUID, in OutcomeInput) (*Outcome, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	f, err := s.Store.Finding(ctx, s.DB, findingID)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, apperr.Hidden()
	}
	var out *Outcome
	err = s.Incidents.Change(ctx, f.IncidentID, incident.PermDecide, func(tx *sqlx.Tx, _ incident.Incident, actor auth.User) (audit.Entry, error) {
		if err := in.Validate(); err != nil {
			return audit.Entry{}, err
		}
		o := &Outcome{ID: uuid.Must(uuid.NewV7()), FindingID: f.ID, IncidentID: f.IncidentID, Category: CategoryOf(in.Type),
			Type: in.Type, DecidingBody: in.DecidingBody, DecidedOn: in.DecidedOn, LegalBasis: in.LegalBasis,
			Status: Proposed, CreatedBy: actor.ID}
		if err := s.Store.InsertOutcome(ctx, tx, o); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		if err := s.Store.AppendStatusChange(ctx, tx, StatusChange{OutcomeID: o.ID, To: Proposed, ChangedBy: actor.ID}); err != nil {
			return audit.Entry{}, err
		}
		out = o
		return audit.Entry{Action: "outcome.propose", TargetType: "outcome", TargetID: o.ID.String(),
			Changes: map[string]any{"finding": f.ID, "type": o.Type, "decidingBody": o.DecidingBody}}, nil
	})
	return out, err
}

// MoveOutcome changes an outcome's status along PROPOSED → DECIDED →
// (APPEALED → DECIDED) → FINAL, or to REVOKED, keeping each change with who
// and when. A decided outcome needs its decision date.
func (s *Service) MoveOutcome(ctx context.Context, id uuid.UUID, to Status, decidedOn *time.Time, note string) (*Outcome, error) {
	incidentID, err := s.incidentOf(ctx, s.Store.OutcomeIncident, id)
	if err != nil {
		return nil, err
	}
	var o *Outcome
	note = text.Lines(strings.TrimSpace(note))
	if err := text.Block("note", note); err != nil {
		return nil, err
	}
	err = s.Incidents.Change(ctx, incidentID, incident.PermDecide, func(tx *sqlx.Tx, _ incident.Incident, actor auth.User) (audit.Entry, error) {
		var err error
		if o, err = s.Store.Outcome(ctx, tx, id); err != nil {
			return audit.Entry{}, err
		}
		if !CanMove(o.Status, to) {
			return audit.Entry{}, apperr.Invalid("to", "an outcome %s cannot become %s", o.Status, to)
		}
		if decidedOn != nil {
			o.DecidedOn = decidedOn
		}
		if to == Decided && o.DecidedOn == nil {
			return audit.Entry{}, apperr.Invalid("decidedOn", "a decided outcome needs its decision date")
		}
		if (to == Revoked || to == Appealed) && note == "" {
			return audit.Entry{}, apperr.Invalid("note", "say why the outcome is %s", to)
		}
		from := o.Status
		o.Status = to
		if err := s.Store.UpdateOutcomeStatus(ctx, tx, o); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		if err := s.Store.AppendStatusChange(ctx, tx, StatusChange{OutcomeID: o.ID, From: &from, To: to, Note: note,
			ChangedBy: actor.ID}); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "outcome.status", TargetType: "outcome", TargetID: o.ID.String(),
			Changes: map[string]any{"from": from, "to": to, "note": note}}, nil
	})
	return o, err
}

// Outcomes returns an incident's outcomes, or nil when the caller is not of
// the tier that may see them.
func (s *Service) Outcomes(ctx context.Context, incidentID uuid.UUID) ([]*Outcome, error) {
	inc, err := s.allowed(ctx, incidentID, incident.PermRead)
	if err != nil {
		return nil, err
	}
	if ok, err := s.CanSeeOutcomes(ctx, *inc); err != nil || !ok {
		return nil, err
	}
	out, err := s.Store.Outcomes(ctx, s.DB, []uuid.UUID{incidentID})
	if out == nil && err == nil {
		out = []*Outcome{}
	}
	return out, err
}

// History returns the status changes of outcomes the caller was allowed to see.
func (s *Service) History(ctx context.Context, outcomeIDs []uuid.UUID) ([]*StatusChange, error) {
	return s.Store.StatusChanges(ctx, s.DB, outcomeIDs)
}

// AddMeasure records a recurrence-prevention measure on an incident.
func (s *Service) AddMeasure(ctx context.Context, incidentID uuid.UUID, in MeasureInput) (*Measure, error) {
	return s.PutMeasure(ctx, incidentID, nil, in)
}

// UpdateMeasure changes a measure (its status, typically, as it is carried out).
func (s *Service) UpdateMeasure(ctx context.Context, id uuid.UUID, in MeasureInput) (*Measure, error) {
	incidentID, err := s.incidentOf(ctx, s.Store.MeasureIncident, id)
	if err != nil {
		return nil, err
	}
	return s.PutMeasure(ctx, incidentID, &id, in)
}

// PutMeasure records a recurrence-prevention measure (id nil) or changes one.
// Measures stay trackable after a case is closed and frozen: changing an
// existing measure needs only PermTrackMeasures.
func (s *Service) PutMeasure(ctx context.Context, incidentID uuid.UUID, id *uuid.UUID, in MeasureInput) (*Measure, error) {
	perm := incident.PermEdit
	if id != nil {
		perm = incident.PermTrackMeasures
	}
	var out *Measure
	err := s.Incidents.Change(ctx, incidentID, perm, func(tx *sqlx.Tx, _ incident.Incident, actor auth.User) (audit.Entry, error) {
		if err := in.Validate(); err != nil {
			return audit.Entry{}, err
		}
		m := &Measure{ID: uuid.Must(uuid.NewV7()), IncidentID: incidentID, CreatedBy: actor.ID}
		action := "measure.add"
		if id != nil {
			var err error
			if m, err = s.Store.Measure(ctx, tx, *id); err != nil {
				return audit.Entry{}, err
			}
			if m == nil || m.IncidentID != incidentID {
				return audit.Entry{}, apperr.Hidden()
			}
			action = "measure.update"
		}
		m.Title, m.OwnerID, m.DueOn, m.Status = in.Title, in.OwnerID, today(in.DueOn), in.Status
		if err := s.Store.PutMeasure(ctx, tx, m); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		out = m
		return audit.Entry{Action: action, TargetType: "measure", TargetID: m.ID.String(),
			Changes: map[string]any{"title": m.Title, "owner": m.OwnerID, "dueOn": m.DueOn.Format(time.DateOnly), "status": m.Status}}, nil
	})
	return out, err
}

// Measures returns an incident's measures, if the caller may read it.
func (s *Service) Measures(ctx context.Context, incidentID uuid.UUID) ([]*Measure, error) {
	if _, err := s.allowed(ctx, incidentID, incident.PermRead); err != nil {
		return nil, err
	}
	return s.Store.Measures(ctx, s.DB, []uuid.UUID{incidentID})
}

// Reviews returns an incident's reviews, if the caller may read it. A
// snapshot holds the outcomes as the reviewer saw them, so only the outcomes
// tier gets it; everyone keeps its SHA-256.
func (s *Service) Reviews(ctx context.Context, incidentID uuid.UUID) ([]*Review, error) {
	inc, err := s.allowed(ctx, incidentID, incident.PermRead)
	if err != nil {
		return nil, err
	}
	reviews, err := s.Store.Reviews(ctx, s.DB, incidentID)
	if err != nil {
		return nil, err
	}
	ok, err := s.CanSeeOutcomes(ctx, *inc)
	if err != nil {
		return nil, err
	}
	if !ok {
		for _, r := range reviews {
			r.Snapshot = nil
		}
	}
	return reviews, nil
}

// Review records leadership's review of a closed case. ACCEPTED freezes the
// case and stores a snapshot of all of it with its SHA-256 as the reviewer's
// sign-off; RETURNED, with comments, reopens it into the stage named.
func (s *Service) Review(ctx context.Context, incidentID uuid.UUID, decision Decision, comments string, returnTo *workflow.Stage) (*Review, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.allowed(ctx, incidentID, incident.PermReview)
	if err != nil {
		return nil, err
	}
	comments = text.Lines(strings.TrimSpace(comments))
	switch {
	case decision != Accepted && decision != Returned:
		return nil, apperr.Invalid("decision", "ACCEPTED or RETURNED")
	case decision == Returned && (returnTo == nil || comments == ""):
		return nil, apperr.Invalid("returnTo", "a returned case names the stage it goes back to and says why in the comments")
	case decision == Accepted && returnTo != nil:
		return nil, apperr.Invalid("returnTo", "an accepted case stays closed")
	case len(comments) > maxText:
		return nil, apperr.Invalid("comments", "at most %d bytes", maxText)
	}
	if err := text.Block("comments", comments); err != nil {
		return nil, err
	}
	// The snapshot is read before the review's transaction (it reads through
	// the services, as the reviewer may); the transaction then checks that
	// nothing changed in between, by the incident's version.
	var snapshot []byte
	var sum string
	var version int
	if decision == Accepted {
		if snapshot, sum, err = s.Snapshot(ctx, *inc); err != nil {
			return nil, err
		}
		version = inc.Version
	}
	r := &Review{ID: uuid.Must(uuid.NewV7()), IncidentID: incidentID, Decision: decision, Comments: comments, ReviewerID: actor.ID}
	err = s.Incidents.Change(ctx, incidentID, incident.PermReview, func(tx *sqlx.Tx, inc incident.Incident, actor auth.User) (audit.Entry, error) {
		if inc.FrozenAt != nil {
			return audit.Entry{}, apperr.Errorf(apperr.Frozen, "the case was already reviewed and frozen")
		}
		changes := map[string]any{"decision": decision, "comments": comments}
		if decision == Accepted {
			if inc.Version != version {
				return audit.Entry{}, apperr.Errorf(apperr.Conflict, "the case changed while it was being reviewed; review it again")
			}
			text := string(snapshot)
			r.Snapshot, r.SnapshotSHA256 = &text, &sum
			changes["snapshotSha256"] = sum
			if err := s.Store.InsertReview(ctx, tx, r); err != nil {
				return audit.Entry{}, err
			}
			if _, err := s.Incidents.Freeze(ctx, tx, inc, r.ReviewedAt); err != nil {
				return audit.Entry{}, err
			}
		} else {
			// workflow.Decide holds the return to an earlier stage.
			stage := string(*returnTo)
			r.ReturnTo, changes["returnTo"] = &stage, stage
			if err := s.Store.InsertReview(ctx, tx, r); err != nil {
				return audit.Entry{}, err
			}
			if _, err := s.Incidents.Transition(ctx, tx, inc, workflow.Move{To: *returnTo,
				Note: "returned by leadership review: " + comments, Returned: true}, actor); err != nil {
				return audit.Entry{}, err
			}
		}
		if err := notify.Emit(ctx, tx, notify.Event{Kind: notify.ReviewDecided, IncidentID: &incidentID, ActorID: &actor.ID,
			Data: map[string]string{"decision": string(decision)}}); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "incident.review", TargetType: "incident", TargetID: incidentID.String(), Changes: changes}, nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
