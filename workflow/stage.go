// Package workflow is the incident stage machine and its gates. It is pure Go:
// callers hand it the facts of an incident and it decides whether a stage
// change is allowed (Decide). Nothing else in Leaktrail decides a stage
// change. The gates are one registry of requirements over Facts
// (DefaultGates); the facts come from the incident service and the fact
// sources of spread, evidence and discipline, wired in server.Main.
package workflow

import (
	"fmt"
	"strings"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/text"
)

// Stage is a response stage; values match the GraphQL Stage enum.
type Stage string

const (
	Detect          Stage = "DETECT"
	InitialResponse Stage = "INITIAL_RESPONSE"
	Investigation   Stage = "INVESTIGATION"
	Disclosure      Stage = "DISCLOSURE"
	Recovery        Stage = "RECOVERY"
	Closed          Stage = "CLOSED"
)

// Stages lists every stage in order.
var Stages = []Stage{Detect, InitialResponse, Investigation, Disclosure, Recovery, Closed}

// Index is the stage's position in Stages, or -1 for an unknown stage.
func (s Stage) Index() int {
	for i, st := range Stages {
		if st == s {
			return i
		}
	}
	return -1
}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return s.Index() >= 0 }

// Kind says what sort of stage change a transition is; values match the
// GraphQL TransitionKind enum.
type Kind string

const (
	KindOpen    Kind = "OPEN"
	KindAdvance Kind = "ADVANCE"
	KindReturn  Kind = "RETURN"
	KindReopen  Kind = "REOPEN"
)

// MaxNoteLength bounds the reason recorded with a transition.
const MaxNoteLength = 4000

// Move is a stage change asked for.
type Move struct {
	From, To Stage
	// Note is the reason given; going back needs one.
	Note string
	// Frozen: the case was reviewed and frozen, and may only be reopened to an earlier stage.
	Frozen bool
	// Returned: leadership's review sends the case back, which must be to an earlier stage.
	Returned bool
}

// Decide returns the kind of the move, or the error that refuses it:
//   - INVALID_INPUT (field returnTo) for a returned review that does not go back;
//   - FROZEN for a frozen case that does not go back;
//   - CONFLICT when the incident is already in `to` (a concurrent change got there first);
//   - INVALID_INPUT for an unknown stage, a skip forward, or a step back without a reason;
//   - GATE_NOT_MET, listing the unmet requirements, for a step forward whose gate does not hold.
//
// It is the only place a stage change is decided: advancing, returning and
// reopening a case, and leadership's review returning it, all come here.
func Decide(g *Gates, m Move, f Facts) (Kind, error) {
	from, to, note := m.From, m.To, m.Note
	if m.Returned && (!to.Valid() || to.Index() >= from.Index()) {
		return "", apperr.Invalid("returnTo", "a returned case goes back to an earlier stage")
	}
	if !to.Valid() {
		return "", apperr.Invalid("to", "unknown stage %q", to)
	}
	if !from.Valid() {
		return "", fmt.Errorf("workflow: incident in unknown stage %q", from)
	}
	if m.Frozen && to.Index() >= from.Index() {
		return "", apperr.Errorf(apperr.Frozen, "the case was reviewed and frozen; only reopening it to an earlier stage is possible")
	}
	if len(note) > MaxNoteLength {
		return "", apperr.Invalid("note", "the note is longer than %d characters", MaxNoteLength)
	}
	if err := text.Block("note", note); err != nil {
		return "", err
	}
	fi, ti := from.Index(), to.Index()
	switch {
	case ti == fi:
		return "", apperr.Errorf(apperr.Conflict, "the incident is already in stage %s", to).
			With("currentStage", string(from))
	case ti < fi:
		if strings.TrimSpace(note) == "" {
			return "", apperr.Invalid("note", "going back from %s to %s needs a reason in the note", from, to)
		}
		if from == Closed {
			return KindReopen, nil
		}
		return KindReturn, nil
	case ti > fi+1:
		return "", apperr.Invalid("to", "an incident moves forward one stage at a time: from %s the next stage is %s", from, Stages[fi+1])
	}
	if unmet := g.Evaluate(from, f).Unmet(); len(unmet) > 0 {
		ids := make([]string, len(unmet))
		for i, r := range unmet {
			ids[i] = r.ID
		}
		return "", apperr.Errorf(apperr.GateNotMet, "the %s gate is not met: %s", from, strings.Join(ids, ", ")).
			With("unmet", unmetExtension(unmet))
	}
	return KindAdvance, nil
}

func unmetExtension(unmet []Result) []map[string]any {
	out := make([]map[string]any, len(unmet))
	for i, r := range unmet {
		out[i] = map[string]any{"id": r.ID, "stage": string(r.Stage), "description": r.Description}
	}
	return out
}

// ReportUpwardClock is the state of the report-upward deadline (向上报告时限).
type ReportUpwardClock struct {
	Required   bool
	Reasons    []string
	Deadline   time.Time // zero when not required
	NotifiedAt time.Time // zero when no authority was notified
	Met        bool
	Overdue    bool
}

// stateSecretLevels are the classifications whose leak must always be reported upward.
var stateSecretLevels = map[string]bool{"TOP_SECRET": true, "SECRET": true, "CONFIDENTIAL": true}

// ReportUpward computes the report-upward clock at time now: required when the
// item is a state secret or reached outside the organisation, due window after detection.
func ReportUpward(f Facts, window time.Duration, now time.Time) ReportUpwardClock {
	var c ReportUpwardClock
	if stateSecretLevels[f.Classification] {
		c.Reasons = append(c.Reasons, "classification")
	}
	if f.ReachedOutside {
		c.Reasons = append(c.Reasons, "reachedOutside")
	}
	c.Required = len(c.Reasons) > 0
	if c.Reasons == nil {
		c.Reasons = []string{}
	}
	for _, at := range f.NotifiedAt {
		if c.NotifiedAt.IsZero() || at.Before(c.NotifiedAt) {
			c.NotifiedAt = at
		}
	}
	if !c.Required {
		return c
	}
	c.Deadline = f.DetectedAt.Add(window)
	c.Met = !c.NotifiedAt.IsZero() && !c.NotifiedAt.After(c.Deadline)
	c.Overdue = c.NotifiedAt.IsZero() && now.After(c.Deadline)
	return c
}
