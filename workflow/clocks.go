package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

// Unit is how a clock's time is counted; values match the GraphQL ClockUnit enum.
type Unit string

const (
	Hours Unit = "HOURS"
	// Days are calendar days after the start day; a period whose last day is
	// a rest day ends on the next working day (the rule of Chinese procedural law).
	Days        Unit = "DAYS"
	WorkingDays Unit = "WORKING_DAYS"
	// Months are calendar months, counted like Days.
	Months Unit = "MONTHS"
)

// Events that start or stop a clock. StageEvent(s) is the first entry into s.
const (
	EventDetected = "detected"
	// EventNotified is the first report upward to an authority.
	EventNotified = "notified"
	// EventUpwardReport and EventResultReport are the first written report of
	// each kind issued (泄密事件报告, 查处结果报告).
	EventUpwardReport = "report:UPWARD"
	EventResultReport = "report:RESULT"
	// EventManual is a start or stop someone records by hand.
	EventManual = "manual"
)

// StageEvent is the event of first entering stage s.
func StageEvent(s Stage) string { return "stage:" + string(s) }

// Which cases a clock runs on.
const (
	AppliesAlways = "always"
	// AppliesReportable: the report upward is required (ReportUpward).
	AppliesReportable = "reportable"
	// AppliesStateSecret: the leaked item is a state secret.
	AppliesStateSecret = "stateSecret"
)

// Who may extend a clock.
const (
	ExtendLead       = "LEAD"
	ExtendLeadership = "LEADERSHIP"
	ExtendAdmin      = "ADMIN"
)

// MaxClockAmount bounds a clock's length and an extension, in any unit.
const MaxClockAmount = 1000

// Clock is one legal time limit: it starts at one event, stops at another,
// and comes due Amount Units after it started (plus extensions).
type Clock struct {
	ID        string   `json:"id"`
	Stage     Stage    `json:"stage"`
	Start     string   `json:"start"`
	Stop      string   `json:"stop"`
	Amount    int      `json:"amount"`
	Unit      Unit     `json:"unit"`
	AppliesTo string   `json:"appliesTo"`
	ExtendBy  []string `json:"extendBy"`
	// Basis names the rule the clock comes from (docs/regulations.md).
	Basis string `json:"basis"`
	// Disabled, in a deployment's clock file, removes a default clock.
	Disabled bool `json:"disabled,omitempty"`
}

// DefaultClocks are the time limits of a leak case in mainland China
// (docs/regulations.md gives each one's source).
func DefaultClocks() []Clock {
	leadOrLeadership := []string{ExtendLead, ExtendLeadership}
	return []Clock{
		{ID: "report_upward", Stage: InitialResponse, Start: EventDetected, Stop: EventNotified, Amount: 24, Unit: Hours,
			AppliesTo: AppliesReportable, ExtendBy: []string{ExtendLeadership},
			Basis: "保守国家秘密法实施条例（2024）第六十一条；报告泄露国家秘密事件的规定（1999）"},
		{ID: "written_report", Stage: InitialResponse, Start: EventDetected, Stop: EventUpwardReport, Amount: 24, Unit: Hours,
			AppliesTo: AppliesReportable, ExtendBy: []string{ExtendLeadership},
			Basis: "报告泄露国家秘密事件的规定（1999）：书面报告七项内容"},
		{ID: "investigation", Stage: Investigation, Start: StageEvent(Investigation), Stop: StageEvent(Closed), Amount: 3, Unit: Months,
			AppliesTo: AppliesStateSecret, ExtendBy: leadOrLeadership,
			Basis: "泄密案件查处办法（2018）：立案之日起三个月内结案"},
		{ID: "result_report", Stage: Recovery, Start: EventDetected, Stop: EventResultReport, Amount: 3, Unit: Months,
			AppliesTo: AppliesReportable, ExtendBy: leadOrLeadership,
			Basis: "报告泄露国家秘密事件的规定（1999）：三个月内报告查处结果"},
		{ID: "jurisdiction", Stage: Investigation, Start: EventManual, Stop: EventManual, Amount: 7, Unit: WorkingDays,
			AppliesTo: AppliesStateSecret, ExtendBy: []string{ExtendLeadership},
			Basis: "泄密案件查处办法（2018）：移送管辖自发现之日起七个工作日内"},
		{ID: "procuratorate_transfer", Stage: Investigation, Start: EventManual, Stop: EventManual, Amount: 10, Unit: Days,
			AppliesTo: AppliesStateSecret, ExtendBy: []string{ExtendLeadership},
			Basis: "人民检察院、保密行政管理部门查办泄密案件若干问题的规定（2016，已失效）：十日期限待核实"},
	}
}

// ParseClocks applies a deployment's clock file to the defaults: a JSON list
// of clocks, each replacing the default of its id field by field (fields
// left out keep the default's), adding a new clock, or with "disabled": true
// removing one.
func ParseClocks(defaults []Clock, data []byte) ([]Clock, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("clock file: %w", err)
	}
	out := slices.Clone(defaults)
	for i, r := range raw {
		var id struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(r, &id); err != nil || id.ID == "" {
			return nil, fmt.Errorf("clock file: entry %d has no id", i+1)
		}
		at := slices.IndexFunc(out, func(c Clock) bool { return c.ID == id.ID })
		var c Clock
		if at >= 0 {
			c = out[at]
		}
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("clock file: clock %q: %w", id.ID, err)
		}
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("clock file: clock %q: %w", id.ID, err)
		}
		if at >= 0 {
			out[at] = c
		} else {
			out = append(out, c)
		}
	}
	return slices.DeleteFunc(out, func(c Clock) bool { return c.Disabled }), nil
}

func (c Clock) validate() error {
	if !c.Stage.Valid() {
		return fmt.Errorf("unknown stage %q", c.Stage)
	}
	for _, e := range []string{c.Start, c.Stop} {
		if !validEvent(e) {
			return fmt.Errorf("unknown event %q", e)
		}
	}
	if (c.Start == EventManual) != (c.Stop == EventManual) {
		return fmt.Errorf("a manual clock is started and stopped by hand")
	}
	if c.Amount < 1 || c.Amount > MaxClockAmount {
		return fmt.Errorf("amount %d is not between 1 and %d", c.Amount, MaxClockAmount)
	}
	if !slices.Contains([]Unit{Hours, Days, WorkingDays, Months}, c.Unit) {
		return fmt.Errorf("unknown unit %q", c.Unit)
	}
	if !slices.Contains([]string{AppliesAlways, AppliesReportable, AppliesStateSecret}, c.AppliesTo) {
		return fmt.Errorf("unknown appliesTo %q", c.AppliesTo)
	}
	for _, who := range c.ExtendBy {
		if !slices.Contains([]string{ExtendLead, ExtendLeadership, ExtendAdmin}, who) {
			return fmt.Errorf("unknown extendBy %q", who)
		}
	}
	return nil
}

func validEvent(e string) bool {
	switch e {
	case EventDetected, EventNotified, EventUpwardReport, EventResultReport, EventManual:
		return true
	}
	s, ok := strings.CutPrefix(e, "stage:")
	return ok && Stage(s).Valid()
}

// ClockFacts are the times a case's clocks read, all but the manual ones
// first occurrences.
type ClockFacts struct {
	Classification string
	ReachedOutside bool
	Zone           *time.Location
	// Events maps an event (EventDetected, StageEvent(s), ...) to when it first happened.
	Events map[string]time.Time
	// Manual maps a manual clock's id to when it was started and stopped by hand.
	Manual map[string]ManualMark
	// Extended maps a clock's id to the amounts added to it.
	Extended map[string]int
}

// ManualMark is a manual clock's start and stop; zero when not (yet) done.
type ManualMark struct{ Started, Stopped time.Time }

// ClockStatus values match the GraphQL ClockStatus enum.
type ClockStatus string

const (
	NotStarted ClockStatus = "NOT_STARTED"
	Running    ClockStatus = "RUNNING"
	ClockMet   ClockStatus = "MET"
	Overdue    ClockStatus = "OVERDUE"
	Late       ClockStatus = "LATE"
)

// ClockState is a clock as it stands for one case at one moment.
type ClockState struct {
	Clock     Clock
	Status    ClockStatus
	StartedAt time.Time
	DueAt     time.Time
	StoppedAt time.Time
	// Left is the fraction of the time still left, from 1 at the start to 0 at the due time.
	Left     float64
	Extended int
	// CalendarGap: the count ran through a year the holiday calendar does not cover.
	CalendarGap bool
}

// Applies reports whether the clock runs on a case with these facts.
func (c Clock) Applies(f ClockFacts) bool {
	switch c.AppliesTo {
	case AppliesStateSecret:
		return stateSecretLevels[f.Classification]
	case AppliesReportable:
		return ReportUpward(Facts{Classification: f.Classification, ReachedOutside: f.ReachedOutside}, 0, time.Time{}).Required
	}
	return true
}

// Evaluate computes the clock's state for a case at now, with cal's working days.
func (c Clock) Evaluate(f ClockFacts, cal *Calendar, now time.Time) ClockState {
	st := ClockState{Clock: c, Status: NotStarted, Extended: f.Extended[c.ID]}
	if c.Start == EventManual {
		st.StartedAt, st.StoppedAt = f.Manual[c.ID].Started, f.Manual[c.ID].Stopped
	} else {
		st.StartedAt, st.StoppedAt = f.Events[c.Start], f.Events[c.Stop]
	}
	if st.StartedAt.IsZero() {
		st.StoppedAt = time.Time{}
		return st
	}
	zone := f.Zone
	if zone == nil {
		zone = time.UTC
	}
	st.DueAt, st.CalendarGap = Due(st.StartedAt, c.Amount+st.Extended, c.Unit, cal, zone)
	stopped := !st.StoppedAt.IsZero() && !st.StoppedAt.Before(st.StartedAt)
	if !stopped {
		st.StoppedAt = time.Time{}
	}
	switch {
	case stopped && !st.StoppedAt.After(st.DueAt):
		st.Status = ClockMet
	case stopped:
		st.Status = Late
	case now.After(st.DueAt):
		st.Status = Overdue
	default:
		st.Status = Running
		if total := st.DueAt.Sub(st.StartedAt); total > 0 {
			st.Left = float64(st.DueAt.Sub(now)) / float64(total)
		}
		st.Left = min(st.Left, 1)
	}
	return st
}

// Due is when a period of n units from start ends, in zone: exactly n hours
// later, or at the end (23:59:59) of the period's last day, counted after the
// start day. gap reports a day counted in a year cal does not cover.
func Due(start time.Time, n int, u Unit, cal *Calendar, zone *time.Location) (due time.Time, gap bool) {
	if u == Hours {
		return start.Add(time.Duration(n) * time.Hour), false
	}
	day := dateOf(start.In(zone))
	switch u {
	case Days:
		day = day.AddDate(0, 0, n)
	case Months:
		day = addMonths(day, n)
	case WorkingDays:
		for left := n; left > 0; {
			day = day.AddDate(0, 0, 1)
			gap = gap || !cal.Covers(day.Year())
			if cal.Working(day) {
				left--
			}
		}
	}
	if u != WorkingDays {
		// A period ending on a rest day ends on the next working day.
		for i := 0; i < 60 && !cal.Working(day); i++ {
			gap = gap || !cal.Covers(day.Year())
			day = day.AddDate(0, 0, 1)
		}
		gap = gap || !cal.Covers(day.Year())
	}
	end := time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, 0, zone)
	return end, gap
}

// dateOf is t's calendar day, as midnight UTC: days are counted without
// zone transitions in the way.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// addMonths is the same day n months on, or that month's last day when it is
// shorter (31 January + 1 month is 28 or 29 February, not 3 March).
func addMonths(day time.Time, n int) time.Time {
	first := time.Date(day.Year(), day.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day.Day(), last), 0, 0, 0, 0, time.UTC)
}

// Clocks is a deployment's clock registry with its holiday calendar.
type Clocks struct {
	list     []Clock
	Calendar *Calendar
}

// NewClocks returns a registry of the clocks given, in order, counting working days on cal.
func NewClocks(cal *Calendar, cs ...Clock) *Clocks { return &Clocks{list: cs, Calendar: cal} }

// All lists the registry's clocks in order.
func (r *Clocks) All() []Clock { return r.list }

// Get returns the clock with that id.
func (r *Clocks) Get(id string) (Clock, error) {
	for _, c := range r.list {
		if c.ID == id {
			return c, nil
		}
	}
	return Clock{}, apperr.Invalid("clockId", "there is no clock %q", id)
}

// Evaluate lists the states of the clocks that apply to a case, in registry order.
func (r *Clocks) Evaluate(f ClockFacts, now time.Time) []ClockState {
	out := make([]ClockState, 0, len(r.list))
	for _, c := range r.list {
		if c.Applies(f) {
			out = append(out, c.Evaluate(f, r.Calendar, now))
		}
	}
	return out
}

// Next is the running or overdue clock due first, if any.
func Next(states []ClockState) (ClockState, bool) {
	var best ClockState
	found := false
	for _, s := range states {
		if (s.Status == Running || s.Status == Overdue) && (!found || s.DueAt.Before(best.DueAt)) {
			best, found = s, true
		}
	}
	return best, found
}

// Alert is a threshold a running clock has crossed: "25", "10" (percent of
// its time left) or "overdue"; empty when none.
func (s ClockState) Alert() string {
	switch {
	case s.Status == Overdue:
		return "overdue"
	case s.Status != Running:
		return ""
	case s.Left <= 0.10:
		return "10"
	case s.Left <= 0.25:
		return "25"
	}
	return ""
}

// MayExtend reports whether someone with these standings may extend c.
func (c Clock) MayExtend(lead, leadership, admin bool) bool {
	return (lead && slices.Contains(c.ExtendBy, ExtendLead)) ||
		(leadership && slices.Contains(c.ExtendBy, ExtendLeadership)) ||
		(admin && slices.Contains(c.ExtendBy, ExtendAdmin))
}
