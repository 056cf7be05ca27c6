package incident

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/internal/text"
	"github.com/leaktrail/leaktrail/internal/zone"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/workflow"
)

// ClockEvents gives the first time of events another feature keeps (the
// written reports issued), per incident, for the clocks that wait on them.
type ClockEvents func(ctx context.Context, ex database.Executor, incidentIDs []uuid.UUID) (map[uuid.UUID]map[string]time.Time, error)

// ClockExtension is one extension of a clock, as recorded.
type ClockExtension struct {
	ID         uuid.UUID `db:"id"`
	IncidentID uuid.UUID `db:"incident_id"`
	ClockID    string    `db:"clock_id"`
	Amount     int       `db:"amount"`
	Reason     string    `db:"reason"`
	ExtendedBy uuid.UUID `db:"extended_by"`
	At         time.Time `db:"at"`
}

// Clock is a clock's state on one incident, with what the reader may do with it.
type Clock struct {
	workflow.ClockState
	IncidentID uuid.UUID
	CanExtend  bool
}

// Definition is the definition the clock runs by. A pointer into the clock:
// an answer listing many clocks writes each definition without copying it.
func (c *Clock) Definition() *workflow.Clock { return &c.Clock }

// Next is the running clock of clocks that comes due first (workflow.Next),
// nil when none runs.
func Next(clocks []Clock) *Clock {
	states := make([]workflow.ClockState, len(clocks))
	for i, c := range clocks {
		states[i] = c.ClockState
	}
	next, ok := workflow.Next(states)
	if !ok {
		return nil
	}
	for i := range clocks {
		if clocks[i].Clock.ID == next.Clock.ID {
			return &clocks[i]
		}
	}
	return nil
}

// zoneOf is the incident's time zone, the default one when it has none or an unknown one.
func zoneOf(inc Incident) *time.Location {
	loc, err := zone.Load(cmp.Or(inc.TimeZone, DefaultTimeZone))
	if err != nil {
		return time.UTC
	}
	return loc
}

// clockFacts gathers what the clocks of these incidents read.
func (s *Service) clockFacts(ctx context.Context, ex database.Executor, incs []Incident) (map[uuid.UUID]workflow.ClockFacts, error) {
	if len(incs) == 0 {
		return map[uuid.UUID]workflow.ClockFacts{}, nil
	}
	rows, err := s.Store.ClockFacts(ctx, ex, idsOf(incs))
	if err != nil {
		return nil, err
	}
	return s.factsOf(ctx, ex, incs, rows)
}

// factsOf builds the clock facts of incs from their own columns, their rows
// of clockFactColumns and the events the other features keep.
func (s *Service) factsOf(ctx context.Context, ex database.Executor, incs []Incident, rows []clockFactRow) (map[uuid.UUID]workflow.ClockFacts, error) {
	out := make(map[uuid.UUID]workflow.ClockFacts, len(incs))
	for _, inc := range incs {
		out[inc.ID] = workflow.ClockFacts{Classification: string(inc.Classification), ReachedOutside: inc.ReachedOutside,
			Zone: zoneOf(inc), Events: map[string]time.Time{workflow.EventDetected: inc.DetectedAt},
			Manual: map[string]workflow.ManualMark{}, Extended: map[string]int{}}
	}
	for _, r := range rows {
		if f, ok := out[r.IncidentID]; ok {
			if err := r.apply(&f); err != nil {
				return nil, err
			}
		}
	}
	for _, source := range s.ClockSources {
		more, err := source(ctx, ex, idsOf(incs))
		if err != nil {
			return nil, err
		}
		for id, evs := range more {
			if f, ok := out[id]; ok {
				for name, at := range evs {
					f.Events[name] = at
				}
			}
		}
	}
	return out, nil
}

// idsOf lists the incidents' ids.
func idsOf(incs []Incident) []uuid.UUID {
	ids := make([]uuid.UUID, len(incs))
	for i, inc := range incs {
		ids[i] = inc.ID
	}
	return ids
}

// ClocksOf returns the clocks of incidents read through this service, each
// incident's in registry order, with whether the signed-in user may extend each.
func (s *Service) ClocksOf(ctx context.Context, incs []Incident) ([][]Clock, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	facts, err := s.clockFacts(ctx, s.DB, incs)
	if err != nil {
		return nil, err
	}
	leads, err := s.Store.LeadOf(ctx, s.DB, actor.ID, idsOf(incs))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([][]Clock, len(incs))
	for i, inc := range incs {
		out[i] = s.clocksOf(inc, facts[inc.ID], leads[inc.ID], actor, now)
	}
	return out, nil
}

// clocksOf evaluates one incident's clocks for actor, who leads it or not.
func (s *Service) clocksOf(inc Incident, facts workflow.ClockFacts, lead bool, actor auth.User, now time.Time) []Clock {
	states := s.Clocks.Evaluate(facts, now)
	out := make([]Clock, 0, len(states))
	for _, st := range states {
		may := st.Status != workflow.NotStarted && st.Status != workflow.ClockMet && st.Status != workflow.Late &&
			st.Clock.MayExtend(lead, actor.Has(auth.Leadership), actor.Has(auth.Admin))
		out = append(out, Clock{ClockState: st, IncidentID: inc.ID, CanExtend: may})
	}
	return out
}

// ExtensionsOf lists the extensions of an incident's clocks, oldest first.
func (s *Service) ExtensionsOf(ctx context.Context, incidentID uuid.UUID, clockID string) ([]ClockExtension, error) {
	if _, _, err := s.Allowed(ctx, incidentID, PermRead); err != nil {
		return nil, err
	}
	all, err := s.Store.ClockExtensions(ctx, s.DB, []uuid.UUID{incidentID})
	out := []ClockExtension{}
	for _, e := range all {
		if e.ClockID == clockID {
			out = append(out, e)
		}
	}
	return out, err
}

// clockAfter reads one clock of a locked incident, for the answer to a change.
func (s *Service) clockAfter(ctx context.Context, ex database.Executor, inc Incident, c workflow.Clock, actor auth.User, lead bool) (Clock, error) {
	facts, err := s.clockFacts(ctx, ex, []Incident{inc})
	if err != nil {
		return Clock{}, err
	}
	st := c.Evaluate(facts[inc.ID], s.Clocks.Calendar, time.Now())
	return Clock{ClockState: st, IncidentID: inc.ID,
		CanExtend: c.MayExtend(lead, actor.Has(auth.Leadership), actor.Has(auth.Admin))}, nil
}

// ExtendClock adds amount of the clock's unit to a running clock, for the
// reason given, when the clock's rule lets the signed-in user extend it.
func (s *Service) ExtendClock(ctx context.Context, incidentID uuid.UUID, clockID string, amount int, reason string) (Clock, error) {
	// Those who may not see the case learn nothing of it, not even that the input is wrong.
	if _, _, err := s.Allowed(ctx, incidentID, PermRead); err != nil {
		return Clock{}, err
	}
	c, err := s.Clocks.Get(clockID)
	if err != nil {
		return Clock{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case amount < 1 || amount > workflow.MaxClockAmount:
		return Clock{}, apperr.Invalid("amount", "an extension is 1 to %d of the clock's unit", workflow.MaxClockAmount)
	case reason == "":
		return Clock{}, apperr.Invalid("reason", "an extension needs its reason")
	case len(reason) > workflow.MaxNoteLength:
		return Clock{}, apperr.Invalid("reason", "the reason is longer than %d characters", workflow.MaxNoteLength)
	}
	if err := text.Block("reason", reason); err != nil {
		return Clock{}, err
	}
	var out Clock
	// Extending a clock changes no case data, so a frozen case's clocks may still be extended.
	err = s.Change(ctx, incidentID, PermRead, func(tx *sqlx.Tx, inc Incident, actor auth.User) (audit.Entry, error) {
		m, err := s.Store.Member(ctx, tx, inc.ID, actor.ID)
		if err != nil {
			return audit.Entry{}, err
		}
		lead := m != nil && m.CaseRole == RoleLead
		if !c.MayExtend(lead, actor.Has(auth.Leadership), actor.Has(auth.Admin)) {
			return audit.Entry{}, apperr.Errorf(apperr.Forbidden, "only %s may extend this clock", apperr.Detail(strings.Join(c.ExtendBy, ", ")))
		}
		if !c.Applies(workflow.ClockFacts{Classification: string(inc.Classification), ReachedOutside: inc.ReachedOutside}) {
			return audit.Entry{}, apperr.Invalid("clockId", "that clock does not run on this case")
		}
		before, err := s.clockAfter(ctx, tx, inc, c, actor, lead)
		if err != nil {
			return audit.Entry{}, err
		}
		if before.Status != workflow.Running && before.Status != workflow.Overdue {
			return audit.Entry{}, apperr.Errorf(apperr.Conflict, "only a running clock can be extended")
		}
		e := ClockExtension{ID: uuid.New(), IncidentID: inc.ID, ClockID: c.ID, Amount: amount, Reason: reason, ExtendedBy: actor.ID}
		if err := s.Store.InsertClockExtension(ctx, tx, e); err != nil {
			return audit.Entry{}, err
		}
		if out, err = s.clockAfter(ctx, tx, inc, c, actor, lead); err != nil {
			return audit.Entry{}, err
		}
		return incidentEntry("clock.extend", inc.ID, map[string]any{"clock": c.ID, "amount": amount, "unit": c.Unit,
			"reason": reason, "dueBefore": before.DueAt, "dueAfter": out.DueAt}), nil
	})
	return out, err
}

// MarkClock starts (stop false) or stops a manual clock at `at` (now when nil).
func (s *Service) MarkClock(ctx context.Context, incidentID uuid.UUID, clockID string, stop bool, at *time.Time, note string) (Clock, error) {
	if _, _, err := s.Allowed(ctx, incidentID, PermRead); err != nil {
		return Clock{}, err
	}
	c, err := s.Clocks.Get(clockID)
	if err != nil {
		return Clock{}, err
	}
	if c.Start != workflow.EventManual {
		return Clock{}, apperr.Invalid("clockId", "that clock starts and stops by itself")
	}
	note = strings.TrimSpace(note)
	if len(note) > workflow.MaxNoteLength {
		return Clock{}, apperr.Invalid("note", "the note is longer than %d characters", workflow.MaxNoteLength)
	}
	if err := text.Block("note", note); err != nil {
		return Clock{}, err
	}
	when := time.Now()
	if at != nil {
		if at.After(when.Add(time.Minute)) {
			return Clock{}, apperr.Invalid("at", "a clock cannot be marked in the future")
		}
		when = *at
	}
	var out Clock
	err = s.Change(ctx, incidentID, PermEdit, func(tx *sqlx.Tx, inc Incident, actor auth.User) (audit.Entry, error) {
		if !c.Applies(workflow.ClockFacts{Classification: string(inc.Classification), ReachedOutside: inc.ReachedOutside}) {
			return audit.Entry{}, apperr.Invalid("clockId", "that clock does not run on this case")
		}
		marks, err := s.Store.ClockMarks(ctx, tx, []uuid.UUID{inc.ID})
		if err != nil {
			return audit.Entry{}, err
		}
		var mark *clockMark
		for i := range marks {
			if marks[i].ClockID == c.ID {
				mark = &marks[i]
			}
		}
		action := "clock.start"
		switch {
		case !stop && mark != nil:
			return audit.Entry{}, apperr.Errorf(apperr.Conflict, "the clock was already started")
		case !stop:
			err = s.Store.StartClock(ctx, tx, clockMark{IncidentID: inc.ID, ClockID: c.ID, StartedAt: when, StartedBy: actor.ID, Note: note})
		case mark == nil:
			return audit.Entry{}, apperr.Errorf(apperr.Conflict, "the clock was not started")
		case mark.StoppedAt != nil:
			return audit.Entry{}, apperr.Errorf(apperr.Conflict, "the clock was already stopped")
		case when.Before(mark.StartedAt):
			return audit.Entry{}, apperr.Invalid("at", "a clock stops after it started")
		default:
			action = "clock.stop"
			err = s.Store.StopClock(ctx, tx, inc.ID, c.ID, when, actor.ID, note)
		}
		if err != nil {
			return audit.Entry{}, err
		}
		if out, err = s.clockAfter(ctx, tx, inc, c, actor, false); err != nil {
			return audit.Entry{}, err
		}
		out.CanExtend = false
		return incidentEntry(action, inc.ID, map[string]any{"clock": c.ID, "at": when, "note": note}), nil
	})
	return out, err
}

// WatchReport is what one run of the watcher found.
type WatchReport struct {
	Incidents   int `json:"incidents"`
	ClockAlerts int `json:"clockAlerts"`
	GatesMet    int `json:"gatesMet"`
}

// Watch looks at the cases whose clocks may run and emits each clock alert
// (25 % and 10 % of the time left, overdue) once per due time, then at the
// gates of the cases changed since its last run and emits "gate met" once per
// stage. It runs as a scheduled job, one instance at a time, so it reads as
// the system, not as a user.
func (s *Service) Watch(ctx context.Context) (WatchReport, error) {
	var r WatchReport
	incs, err := s.Store.Watched(ctx, s.DB)
	if err != nil {
		return r, err
	}
	r.Incidents = len(incs)
	facts, err := s.clockFacts(ctx, s.DB, incs)
	if err != nil {
		return r, err
	}
	now := time.Now()
	for _, inc := range incs {
		for _, st := range s.Clocks.Evaluate(facts[inc.ID], now) {
			alert := st.Alert()
			if alert == "" {
				continue
			}
			id := inc.ID
			local := st.DueAt.In(zoneOf(inc))
			_, offset := local.Zone()
			e := notify.Event{Kind: notify.ClockKind(alert), IncidentID: &id,
				Data: map[string]string{"clock": st.Clock.ID, "dueAt": st.DueAt.UTC().Format(time.RFC3339),
					"due": local.Format("2006-01-02 15:04") + " " + utcOffset(offset)},
				Dedupe: fmt.Sprintf("clock:%s:%s:%s:%d", inc.ID, st.Clock.ID, alert, st.DueAt.Unix())}
			if err := notify.Emit(ctx, s.DB, e); err != nil {
				return r, err
			}
			r.ClockAlerts++
		}
	}
	met, err := s.watchGates(ctx)
	r.GatesMet = met
	return r, err
}

func utcOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, seconds/3600, seconds%3600/60)
}

// watchGates evaluates the gates of the open cases changed since the last
// run, in one transaction with the cursor it moves.
func (s *Service) watchGates(ctx context.Context) (int, error) {
	met := 0
	err := database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		changed, cursor, err := s.Store.ChangedSince(ctx, tx)
		if err != nil {
			return err
		}
		for _, id := range changed {
			inc, err := s.Store.Read(ctx, tx, id)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			if inc.Stage == workflow.Closed {
				continue
			}
			f, err := s.facts(ctx, tx, inc)
			if err != nil {
				return err
			}
			seen, was, err := s.Store.WatchedGate(ctx, tx, id)
			if err != nil {
				return err
			}
			if !s.Gates.Evaluate(inc.Stage, f).Met() || was == inc.Stage {
				if !seen {
					err = s.Store.SetWatchedGate(ctx, tx, id, "")
				}
				if err != nil {
					return err
				}
				continue
			}
			if seen {
				if err := notify.Emit(ctx, tx, notify.Event{Kind: notify.GateMet, IncidentID: &id,
					Data: map[string]string{"stage": string(inc.Stage)}}); err != nil {
					return err
				}
				met++
			}
			if err := s.Store.SetWatchedGate(ctx, tx, id, inc.Stage); err != nil {
				return err
			}
		}
		return s.Store.SetWatchCursor(ctx, tx, cursor)
	})
	return met, err
}

// ClockStates evaluates the clocks of the incidents with these ids now, for
// a caller that already limited the ids to what its reader may see (statistics).
func (s *Service) ClockStates(ctx context.Context, ids []uuid.UUID) ([][]workflow.ClockState, error) {
	incs, err := s.Store.ReadMany(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	facts, err := s.clockFacts(ctx, s.DB, incs)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([][]workflow.ClockState, len(incs))
	for i, inc := range incs {
		out[i] = s.Clocks.Evaluate(facts[inc.ID], now)
	}
	return out, nil
}
