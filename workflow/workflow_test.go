package workflow

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

var detected = time.Date(2026, 3, 4, 9, 15, 0, 0, time.UTC)

// complete returns facts that meet every default gate.
func complete() Facts {
	f := Facts{
		Title: "照片外泄", LeakedItem: "会议纪要照片", Classification: "SECRET", DetectionMethod: "EXTERNAL_TIP",
		ReportedBy: "张某", DetectedAt: detected, ContainmentActions: 1, NotifiedAt: []time.Time{detected.Add(time.Hour)},
		RootCause: "MIS_SEND", ScopeAndImportance: "全文", BusinessImpact: "重大", DisclosureDecision: "NOT_DISCLOSE",
		DisclosureRationale: "涉密，不公开", Findings: 1, SpreadMapped: true, EvidenceItems: 1, Measures: 1,
	}
	return f
}

func TestDecideEveryPair(t *testing.T) {
	t.Parallel()
	g := DefaultGates()
	for _, from := range Stages {
		for _, to := range Stages {
			for _, note := range []string{"", "证据不足，退回补充调查"} {
				t.Run(fmt.Sprintf("%s->%s/note=%v", from, to, note != ""), func(t *testing.T) {
					kind, err := Decide(g, Move{From: from, To: to, Note: note}, complete())
					fi, ti := from.Index(), to.Index()
					// The rule, written out independently of Decide.
					var wantKind Kind
					var wantCode apperr.Code
					switch {
					case ti == fi:
						wantCode = apperr.Conflict
					case ti == fi+1:
						wantKind = KindAdvance
					case ti > fi+1:
						wantCode = apperr.InvalidInput
					case note == "":
						wantCode = apperr.InvalidInput
					case from == Closed:
						wantKind = KindReopen
					default:
						wantKind = KindReturn
					}
					if kind != wantKind || apperr.CodeOf(err) != wantCode {
						t.Fatalf("got (%q, %v), want (%q, %s)", kind, err, wantKind, wantCode)
					}
				})
			}
		}
	}
}

func TestDecideRefusesUnknownStageAndLongNote(t *testing.T) {
	t.Parallel()
	g := DefaultGates()
	if _, err := Decide(g, Move{From: Detect, To: "NOWHERE"}, complete()); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Fatalf("unknown target: %v", err)
	}
	long := make([]byte, MaxNoteLength+1)
	for i := range long {
		long[i] = 'x'
	}
	if _, err := Decide(g, Move{From: Investigation, To: Detect, Note: string(long)}, complete()); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Fatalf("long note: %v", err)
	}
	if _, err := Decide(g, Move{From: Investigation, To: Detect, Note: "   "}, complete()); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Fatalf("blank note: %v", err)
	}
}

func TestGatesRefuseWithUnmetList(t *testing.T) {
	t.Parallel()
	g := DefaultGates()
	tests := []struct {
		name  string
		stage Stage
		edit  func(*Facts)
		unmet []string
	}{
		{"detect: nothing known", Detect, func(f *Facts) { *f = Facts{} },
			[]string{"detect.leaked_item", "detect.classification", "detect.detection_method", "detect.reported_by", "detect.detected_at"}},
		{"detect: blank reporter", Detect, func(f *Facts) { f.ReportedBy = "  " }, []string{"detect.reported_by"}},
		{"initial: no containment", InitialResponse, func(f *Facts) { f.ContainmentActions = 0 }, []string{"initial.containment"}},
		{"initial: secret not reported", InitialResponse, func(f *Facts) { f.NotifiedAt = nil }, []string{"initial.report_upward"}},
		{"initial: unclassified inside needs no report", InitialResponse, func(f *Facts) {
			f.NotifiedAt, f.Classification = nil, "WORK_SECRET"
		}, nil},
		{"initial: reached outside must be reported", InitialResponse, func(f *Facts) {
			f.NotifiedAt, f.Classification, f.ReachedOutside = nil, "UNCLASSIFIED", true
		}, []string{"initial.report_upward"}},
		{"investigation: no chain, no evidence", Investigation, func(f *Facts) { f.SpreadMapped, f.EvidenceItems = false, 0 },
			[]string{"investigation.spread_chain", "investigation.evidence"}},
		{"investigation: a task a gate once created is no item of its own", Investigation, func(f *Facts) {
			f.Tasks = append(f.Tasks, TaskFact{ID: "t0", Stage: Investigation, Requirement: "investigation.evidence", Required: true})
		}, nil},
		{"investigation: no root cause or impact", Investigation, func(f *Facts) { f.RootCause, f.BusinessImpact = "", "" },
			[]string{"investigation.root_cause", "investigation.business_impact"}},
		{"investigation: a required task blocks", Investigation, func(f *Facts) {
			f.Tasks = append(f.Tasks, TaskFact{ID: "t1", Stage: Investigation, Title: "调取传真记录", Required: true})
		}, []string{"task:t1"}},
		{"investigation: an optional task does not block", Investigation, func(f *Facts) {
			f.Tasks = append(f.Tasks, TaskFact{ID: "t1", Stage: Investigation, Title: "可选"})
		}, nil},
		{"investigation: another stage's required task does not block", Investigation, func(f *Facts) {
			f.Tasks = append(f.Tasks, TaskFact{ID: "t1", Stage: Recovery, Title: "later", Required: true})
		}, nil},
		{"disclosure: undecided", Disclosure, func(f *Facts) { f.DisclosureDecision = "" }, []string{"disclosure.decision"}},
		{"disclosure: disclosing without statement", Disclosure, func(f *Facts) { f.DisclosureDecision = "DISCLOSE" },
			[]string{"disclosure.statement"}},
		{"disclosure: personal data without notices", Disclosure, func(f *Facts) { f.Classification = "PERSONAL_DATA" },
			[]string{"disclosure.affected_notice"}},
		{"recovery: outcomes open", Recovery, func(f *Facts) { f.FindingsAwaitingOutcome = 1 }, []string{"recovery.outcomes"}},
		{"recovery: no finding and no reason", Recovery, func(f *Facts) { f.Findings = 0 }, []string{"recovery.responsibility"}},
		{"recovery: a blank reason is no reason", Recovery, func(f *Facts) { f.Findings, f.NoResponsibleReason = 0, "  " },
			[]string{"recovery.responsibility"}},
		{"recovery: no one responsible, with the reason", Recovery, func(f *Facts) {
			f.Findings, f.NoResponsibleReason = 0, "系统缺陷所致，非人为"
		}, nil},
		{"recovery: a public venue not taken down", Recovery, func(f *Facts) { f.UncontainedVenues = 1 }, []string{"recovery.takedowns"}},
		{"recovery: nothing settled", Recovery, func(f *Facts) { f.Findings, f.UncontainedVenues, f.Measures = 0, 2, 0 },
			[]string{"recovery.measures", "recovery.responsibility", "recovery.takedowns"}},
		{"recovery: all met", Recovery, func(*Facts) {}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := complete()
			f.Tasks = slices.Clone(f.Tasks)
			tt.edit(&f)
			var got []string
			for _, r := range g.Evaluate(tt.stage, f).Unmet() {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tt.unmet) {
				t.Fatalf("unmet = %v, want %v", got, tt.unmet)
			}
			next := Stages[tt.stage.Index()+1]
			_, err := Decide(g, Move{From: tt.stage, To: next}, f)
			if len(tt.unmet) == 0 {
				if err != nil {
					t.Fatalf("advance refused: %v", err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.GateNotMet {
				t.Fatalf("advance: %v, want GATE_NOT_MET", err)
			}
			unmet := e.Extensions["unmet"].([]map[string]any)
			if len(unmet) != len(tt.unmet) || unmet[0]["id"] != tt.unmet[0] || unmet[0]["stage"] != string(tt.stage) {
				t.Fatalf("extensions.unmet = %v", unmet)
			}
		})
	}
}

func TestClosedHasNoGate(t *testing.T) {
	t.Parallel()
	if ev := DefaultGates().Evaluate(Closed, Facts{}); !ev.Met() {
		t.Fatalf("CLOSED gate: %v", ev)
	}
}

// TestEveryRequirementIsACheck: the registry holds every requirement as a
// check over facts, with its id in its stage's namespace, and names the
// fact sources server.Main must wire.
func TestEveryRequirementIsACheck(t *testing.T) {
	t.Parallel()
	g := DefaultGates()
	prefix := map[Stage]string{Detect: "detect.", InitialResponse: "initial.", Investigation: "investigation.",
		Disclosure: "disclosure.", Recovery: "recovery."}
	seen := map[string]bool{}
	for _, s := range Stages {
		for _, r := range g.Requirements(s) {
			if r.Check == nil || r.Stage != s || !strings.HasPrefix(r.ID, prefix[s]) || seen[r.ID] || r.Description == "" {
				t.Errorf("requirement %+v", r)
			}
			seen[r.ID] = true
		}
	}
	if len(seen) != 19 {
		t.Errorf("%d requirements, want 19", len(seen))
	}
	if got := g.Sources(); !slices.Equal(got, []Source{FromSpread, FromEvidence, FromDiscipline}) {
		t.Errorf("sources %v", got)
	}
}

// TestDecideFrozenAndReturned: a frozen case only goes back, and a case
// leadership's review returns goes to an earlier stage, whatever the gates.
func TestDecideFrozenAndReturned(t *testing.T) {
	t.Parallel()
	g := DefaultGates()
	const why = "领导审阅退回：处分未落实"
	tests := []struct {
		name  string
		move  Move
		kind  Kind
		code  apperr.Code
		field string
	}{
		{"frozen, reopened with a reason", Move{From: Closed, To: Recovery, Note: why, Frozen: true}, KindReopen, "", ""},
		{"frozen, reopened far back", Move{From: Closed, To: Detect, Note: why, Frozen: true}, KindReopen, "", ""},
		{"frozen, reopened without a reason", Move{From: Closed, To: Recovery, Frozen: true}, "", apperr.InvalidInput, "note"},
		{"frozen, staying", Move{From: Closed, To: Closed, Note: why, Frozen: true}, "", apperr.Frozen, ""},
		{"frozen in recovery, forward", Move{From: Recovery, To: Closed, Frozen: true}, "", apperr.Frozen, ""},
		{"frozen, unknown stage", Move{From: Closed, To: "NOWHERE", Note: why, Frozen: true}, "", apperr.InvalidInput, "to"},
		{"returned to recovery", Move{From: Closed, To: Recovery, Note: why, Returned: true}, KindReopen, "", ""},
		{"returned to the same stage", Move{From: Closed, To: Closed, Note: why, Returned: true}, "", apperr.InvalidInput, "returnTo"},
		{"returned to an unknown stage", Move{From: Closed, To: "NOWHERE", Note: why, Returned: true}, "", apperr.InvalidInput, "returnTo"},
		{"returned forward", Move{From: Recovery, To: Closed, Note: why, Returned: true}, "", apperr.InvalidInput, "returnTo"},
		{"returned without a reason", Move{From: Closed, To: Recovery, Returned: true}, "", apperr.InvalidInput, "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kind, err := Decide(g, tt.move, Facts{})
			e, _ := apperr.As(err)
			var code apperr.Code
			var field string
			if e != nil {
				code, field = e.Code, e.Field
			}
			if kind != tt.kind || code != tt.code || field != tt.field {
				t.Fatalf("got (%q, %v), want (%q, %s %s)", kind, err, tt.kind, tt.code, tt.field)
			}
		})
	}
}

func TestReportUpwardClock(t *testing.T) {
	t.Parallel()
	window := 24 * time.Hour
	tests := []struct {
		name                   string
		class                  string
		outside                bool
		notified               []time.Time
		now                    time.Time
		required, met, overdue bool
	}{
		{"internal work secret: not required", "WORK_SECRET", false, nil, detected.Add(48 * time.Hour), false, false, false},
		{"secret, reported in time", "SECRET", false, []time.Time{detected.Add(30 * time.Hour), detected.Add(2 * time.Hour)}, detected.Add(48 * time.Hour), true, true, false},
		{"confidential, reported late", "CONFIDENTIAL", false, []time.Time{detected.Add(25 * time.Hour)}, detected.Add(48 * time.Hour), true, false, false},
		{"top secret, not yet, clock running", "TOP_SECRET", false, nil, detected.Add(time.Hour), true, false, false},
		{"top secret, not reported, overdue", "TOP_SECRET", false, nil, detected.Add(25 * time.Hour), true, false, true},
		{"personal data reached outside", "PERSONAL_DATA", true, nil, detected.Add(25 * time.Hour), true, false, true},
		{"reported exactly at the deadline", "SECRET", false, []time.Time{detected.Add(window)}, detected.Add(48 * time.Hour), true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := ReportUpward(Facts{Classification: tt.class, ReachedOutside: tt.outside, DetectedAt: detected, NotifiedAt: tt.notified}, window, tt.now)
			if c.Required != tt.required || c.Met != tt.met || c.Overdue != tt.overdue {
				t.Fatalf("got required=%v met=%v overdue=%v", c.Required, c.Met, c.Overdue)
			}
			if tt.required && !c.Deadline.Equal(detected.Add(window)) {
				t.Fatalf("deadline %v", c.Deadline)
			}
			if !tt.required && !c.Deadline.IsZero() {
				t.Fatalf("deadline set when not required: %v", c.Deadline)
			}
		})
	}
}
