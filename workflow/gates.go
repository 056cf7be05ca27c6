package workflow

import (
	"slices"
	"strings"
	"time"
)

// Facts are what the gates look at: the incident's data, gathered by the
// incident service and the fact sources of the features it is wired to.
type Facts struct {
	Title              string
	LeakedItem         string
	Classification     string
	DetectionMethod    string
	ReportedBy         string
	DetectedAt         time.Time
	ReachedOutside     bool
	ContainmentActions int
	// VenuesContained counts venues of the spread chain with a takedown or recall step recorded.
	VenuesContained int
	// SpreadMapped is true once forwards are recorded and the chain has an origin.
	SpreadMapped bool
	// EvidenceItems counts the items in the incident's evidence vault.
	EvidenceItems int
	// Measures counts recurrence-prevention measures not dropped.
	Measures int
	// UncontainedVenues counts EXTERNAL or PUBLIC venues of the spread chain
	// whose takedown state is still NONE.
	UncontainedVenues int
	// Findings counts the responsibility findings recorded.
	Findings int
	// NoResponsibleReason is why the case holds no one responsible, if it so concludes.
	NoResponsibleReason string
	// FindingsAwaitingOutcome counts DIRECT or LEADERSHIP findings with
	// neither a decided or final outcome nor a reason why none applies.
	FindingsAwaitingOutcome int
	NotifiedAt              []time.Time
	RootCause               string
	ScopeAndImportance      string
	BusinessImpact          string
	DisclosureDecision      string
	DisclosureRationale     string
	AffectedNotice          string
	Statement               string
	Tasks                   []TaskFact
}

// TaskFact is what a gate needs to know of a task.
type TaskFact struct {
	ID    string
	Stage Stage
	Title string
	// Requirement is set on tasks a gate created for a requirement before every
	// requirement had a check over facts; such a task is not a gate item of its own.
	Requirement string
	Required    bool
	Done        bool
}

// Source names who gathers the facts a requirement reads: the incident
// service itself, or the fact source of another feature, which server.Main
// wires into the incident service.
type Source string

const (
	FromIncident   Source = ""
	FromSpread     Source = "spread"     // SpreadMapped, VenuesContained, UncontainedVenues
	FromEvidence   Source = "evidence"   // EvidenceItems
	FromDiscipline Source = "discipline" // Measures, Findings, FindingsAwaitingOutcome
)

// Requirement is one named condition of a stage's gate, decided from the
// facts. Its ID is stable: clients translate a requirement by it.
type Requirement struct {
	ID          string
	Stage       Stage
	Description string
	// From names the source of the facts Check reads beyond the incident's own.
	From  Source
	Check func(Facts) bool
}

// Result is a requirement evaluated against the facts. Required tasks a user
// added to the stage appear as results too, with ID "task:<id>".
type Result struct {
	ID          string
	Stage       Stage
	Description string
	Met         bool
	// TaskID is the task a "task:<id>" result stands for.
	TaskID string
}

// Evaluation is a whole gate evaluated.
type Evaluation []Result

// Met reports whether every requirement holds.
func (e Evaluation) Met() bool { return len(e.Unmet()) == 0 }

// Unmet returns the requirements that do not hold.
func (e Evaluation) Unmet() []Result {
	var out []Result
	for _, r := range e {
		if !r.Met {
			out = append(out, r)
		}
	}
	return out
}

// Gates is the registry of requirements per stage: data and functions over
// Facts, fixed when built, so no other package adds or replaces a requirement.
type Gates struct {
	byStage map[Stage][]Requirement
}

// NewGates returns a registry of the requirements given, each listed under
// its stage in the order given.
func NewGates(rs ...Requirement) *Gates {
	g := &Gates{byStage: map[Stage][]Requirement{}}
	for _, r := range rs {
		g.byStage[r.Stage] = append(g.byStage[r.Stage], r)
	}
	return g
}

// Requirements lists the requirements of a stage's gate in order.
func (g *Gates) Requirements(s Stage) []Requirement { return g.byStage[s] }

// Sources lists the fact sources other than the incident's own that the
// requirements read, each once, in stage order.
func (g *Gates) Sources() []Source {
	var out []Source
	for _, s := range Stages {
		for _, r := range g.byStage[s] {
			if r.From != FromIncident && !slices.Contains(out, r.From) {
				out = append(out, r.From)
			}
		}
	}
	return out
}

// Evaluate checks every requirement of stage s against f.
func (g *Gates) Evaluate(s Stage, f Facts) Evaluation {
	out := Evaluation{}
	for _, r := range g.byStage[s] {
		out = append(out, Result{ID: r.ID, Stage: s, Description: r.Description, Met: r.Check(f)})
	}
	for _, t := range f.Tasks {
		if t.Stage == s && t.Required && t.Requirement == "" {
			out = append(out, Result{ID: "task:" + t.ID, Stage: s, Description: "Required task: " + t.Title, Met: t.Done, TaskID: t.ID})
		}
	}
	return out
}

func present(s string) bool { return strings.TrimSpace(s) != "" }

// DefaultGates are the gates of DOMAIN.md's response table: every
// requirement of every stage, in the order a gate lists them.
func DefaultGates() *Gates {
	return NewGates([]Requirement{
		{ID: "detect.leaked_item", Stage: Detect, Description: "What leaked is described",
			Check: func(f Facts) bool { return present(f.LeakedItem) }},
		{ID: "detect.classification", Stage: Detect, Description: "The classification of the leaked item is recorded",
			Check: func(f Facts) bool { return f.Classification != "" }},
		{ID: "detect.detection_method", Stage: Detect, Description: "How the leak was detected is recorded",
			Check: func(f Facts) bool { return f.DetectionMethod != "" }},
		{ID: "detect.reported_by", Stage: Detect, Description: "Who reported the leak is recorded",
			Check: func(f Facts) bool { return present(f.ReportedBy) }},
		{ID: "detect.detected_at", Stage: Detect, Description: "When the leak was detected is recorded",
			Check: func(f Facts) bool { return !f.DetectedAt.IsZero() }},

		{ID: "initial.containment", Stage: InitialResponse, Description: "At least one containment action (recall, takedown request, device or account isolated) is recorded, on the incident or on a venue of the spread chain",
			From: FromSpread, Check: func(f Facts) bool { return f.ContainmentActions > 0 || f.VenuesContained > 0 }},
		{ID: "initial.report_upward", Stage: InitialResponse, Description: "The report-upward conditions are met, so the confidentiality bureau, headquarters or police have been notified",
			Check: func(f Facts) bool { return !ReportUpward(f, 0, time.Time{}).Required || len(f.NotifiedAt) > 0 }},

		{ID: "investigation.spread_chain", Stage: Investigation, Description: "The spread chain is mapped to its origin",
			From: FromSpread, Check: func(f Facts) bool { return f.SpreadMapped }},
		{ID: "investigation.root_cause", Stage: Investigation, Description: "The root cause is recorded",
			Check: func(f Facts) bool { return f.RootCause != "" }},
		{ID: "investigation.scope", Stage: Investigation, Description: "The scope and importance of the damaged information are assessed",
			Check: func(f Facts) bool { return present(f.ScopeAndImportance) }},
		{ID: "investigation.business_impact", Stage: Investigation, Description: "The business impact is assessed",
			Check: func(f Facts) bool { return present(f.BusinessImpact) }},
		{ID: "investigation.evidence", Stage: Investigation, Description: "Evidence is attached",
			From: FromEvidence, Check: func(f Facts) bool { return f.EvidenceItems > 0 }},

		{ID: "disclosure.decision", Stage: Disclosure, Description: "The decision whether to disclose externally is recorded with its rationale",
			Check: func(f Facts) bool { return f.DisclosureDecision != "" && present(f.DisclosureRationale) }},
		{ID: "disclosure.statement", Stage: Disclosure, Description: "When disclosing, the statement text is recorded",
			Check: func(f Facts) bool { return f.DisclosureDecision != "DISCLOSE" || present(f.Statement) }},
		{ID: "disclosure.affected_notice", Stage: Disclosure, Description: "When personal data leaked, the notices to the affected people are recorded",
			Check: func(f Facts) bool { return f.Classification != "PERSONAL_DATA" || present(f.AffectedNotice) }},

		{ID: "recovery.measures", Stage: Recovery, Description: "Remediation and recurrence-prevention measures are recorded, each with an owner",
			From: FromDiscipline, Check: func(f Facts) bool { return f.Measures > 0 }},
		{ID: "recovery.outcomes", Stage: Recovery, Description: "Every DIRECT or LEADERSHIP finding has a decided or final outcome, or a recorded reason why none applies",
			From: FromDiscipline, Check: func(f Facts) bool { return f.FindingsAwaitingOutcome == 0 }},
		// Closing without settling responsibility would leave leadership's review
		// with nothing to judge, so "no one" must be said, with its reason.
		{ID: "recovery.responsibility", Stage: Recovery, Description: "Responsibility is settled: a finding is recorded, or the reason no one is responsible",
			From: FromDiscipline, Check: func(f Facts) bool { return f.Findings > 0 || present(f.NoResponsibleReason) }},
		// A venue outside the organisation with no takedown step is still spreading the item.
		{ID: "recovery.takedowns", Stage: Recovery, Description: "Every external or public venue the item reached has its takedown recorded",
			From: FromSpread, Check: func(f Facts) bool { return f.UncontainedVenues == 0 }},
	}...)
}
