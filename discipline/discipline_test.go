package discipline_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/discipline"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/objstore"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/workflow"
)

func TestOutcomeStatusMachine(t *testing.T) {
	t.Parallel()
	allowed := map[[2]discipline.Status]bool{
		{"PROPOSED", "DECIDED"}: true, {"PROPOSED", "REVOKED"}: true,
		{"DECIDED", "APPEALED"}: true, {"DECIDED", "FINAL"}: true, {"DECIDED", "REVOKED"}: true,
		{"APPEALED", "DECIDED"}: true, {"APPEALED", "REVOKED"}: true,
		{"FINAL", "REVOKED"}: true,
	}
	all := []discipline.Status{"PROPOSED", "DECIDED", "APPEALED", "FINAL", "REVOKED"}
	if !slices.Equal(discipline.Statuses, all) {
		t.Errorf("Statuses lists %v", discipline.Statuses)
	}
	for _, from := range all {
		for _, to := range all {
			if got := discipline.CanMove(from, to); got != allowed[[2]discipline.Status{from, to}] {
				t.Errorf("%s → %s: %v", from, to, got)
			}
			// What the UI offers (Outcome.nextStatuses) is exactly what the machine accepts.
			if offered := slices.Contains(discipline.NextStatuses(from), to); offered != allowed[[2]discipline.Status{from, to}] {
				t.Errorf("%s offers %s: %v", from, to, offered)
			}
		}
	}
}

// Every type of the five categories of DOMAIN.md is there, each in its category.
func TestOutcomeVocabulary(t *testing.T) {
	t.Parallel()
	count := map[discipline.Category]int{}
	for _, o := range discipline.OutcomeTypes {
		count[o.Category]++
		prefix := map[discipline.Category]string{"ADMINISTRATIVE": "ADMIN_", "PARTY": "PARTY_", "ORGANISATIONAL": "ORG_",
			"EMPLOYMENT": "EMPLOYMENT_", "CRIMINAL": "CRIMINAL_"}[o.Category]
		if !strings.HasPrefix(string(o.Type), prefix) || discipline.CategoryOf(o.Type) != o.Category {
			t.Errorf("%s in %s", o.Type, o.Category)
		}
	}
	want := map[discipline.Category]int{"ADMINISTRATIVE": 6, "PARTY": 5, "ORGANISATIONAL": 8, "EMPLOYMENT": 2, "CRIMINAL": 3}
	for c, n := range want {
		if count[c] != n {
			t.Errorf("%s has %d types, want %d", c, count[c], n)
		}
	}
}

// fixture is an incident with its lead, an observer member without access
// to outcomes, and a leadership user, over every service a case needs.
type fixture struct {
	db         *sqlx.DB
	svc        *discipline.Service
	incidents  *incident.Service
	spread     *spread.Service
	lead       context.Context
	observer   context.Context
	leadership context.Context
	leadID     uuid.UUID
	incident   incident.Incident
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	ctx := context.Background()
	users := auth.NewService(db, time.Hour)
	add := func(name string, role auth.Role) (context.Context, auth.User) {
		u, err := users.AddUser(ctx, auth.NewUser{Username: name, Password: "a good password", Roles: []auth.Role{role}})
		if err != nil {
			t.Fatal(err)
		}
		return auth.WithUser(ctx, u), u
	}
	f := &fixture{db: db}
	var lead auth.User
	f.lead, lead = add("lead", auth.Investigator)
	var observer auth.User
	f.observer, observer = add("observer", auth.Investigator)
	f.leadership, _ = add("boss", auth.Leadership)
	f.leadID = lead.ID
	f.incidents = incident.NewService(db)
	f.spread = spread.NewService(db, f.incidents)
	objects, err := objstore.Open(ctx, testdb.ObjectStore(t))
	if err != nil {
		t.Fatal(err)
	}
	vault := evidence.NewService(db, f.incidents, objects, evidence.DefaultConfig, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.svc = discipline.NewService(db, f.incidents, f.spread, vault)
	if err := f.incidents.Wire(map[workflow.Source]incident.FactSource{workflow.FromSpread: f.spread.GateFacts,
		workflow.FromEvidence: vault.GateFacts, workflow.FromDiscipline: f.svc.GateFacts}); err != nil {
		t.Fatal(err)
	}
	if f.incident, err = f.incidents.Open(f.lead, incident.OpenInput{Title: "明电翻拍外泄", LeakedItem: "机密级明电",
		Classification: "SECRET", DetectedAt: time.Now().Add(-48 * time.Hour), DetectionMethod: "AUTHORITY_NOTICE",
		ReportedBy: "市保密局"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.incidents.PutMember(f.lead, incident.MemberInput{IncidentID: f.incident.ID, UserID: observer.ID,
		CaseRole: incident.RoleObserver}); err != nil {
		t.Fatal(err)
	}
	return f
}

// stage puts the incident in a stage directly: the walk through the gates is
// tested end to end elsewhere; these tests are about what follows.
func (f *fixture) stage(t *testing.T, s workflow.Stage) {
	t.Helper()
	if _, err := f.db.Exec(`UPDATE incidents SET stage = $2 WHERE id = $1`, f.incident.ID, s); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) finding(t *testing.T, kind discipline.Kind, reason string) *discipline.Finding {
	t.Helper()
	fd, err := f.svc.AddFinding(f.lead, f.incident.ID, discipline.FindingInput{PersonName: "杨某", Kind: kind,
		Facts: "翻拍明电发至微信群", NoOutcomeReason: reason})
	if err != nil {
		t.Fatal(err)
	}
	return fd
}

func (f *fixture) outcome(t *testing.T, fd *discipline.Finding, to ...discipline.Status) *discipline.Outcome {
	t.Helper()
	o, err := f.svc.ProposeOutcome(f.lead, fd.ID, discipline.OutcomeInput{Type: "ADMIN_DEMERIT", DecidingBody: "市纪委监委"})
	if err != nil {
		t.Fatal(err)
	}
	decided := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range to {
		if o, err = f.svc.MoveOutcome(f.lead, o.ID, s, &decided, "复核"); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

func (f *fixture) measure(t *testing.T, status discipline.MeasureStatus) *discipline.Measure {
	t.Helper()
	m, err := f.svc.AddMeasure(f.lead, f.incident.ID, discipline.MeasureInput{Title: "涉密载体管理专项检查",
		OwnerID: f.leadID, DueOn: time.Now().AddDate(0, 1, 0), Status: status})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// unmet lists the recovery gate's unmet requirements.
func (f *fixture) unmet(t *testing.T) []string {
	t.Helper()
	inc, err := f.incidents.Get(f.lead, f.incident.ID)
	if err != nil {
		t.Fatal(err)
	}
	facts, err := f.incidents.Facts(f.lead, *inc)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range f.incidents.Gates.Evaluate(workflow.Recovery, facts).Unmet() {
		if r.ID == "recovery.measures" || r.ID == "recovery.outcomes" {
			out = append(out, r.ID)
		}
	}
	return out
}

// The recovery gate wants measures, and for every DIRECT or LEADERSHIP
// finding a decided or final outcome or a reason why none applies.
func TestRecoveryGate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		want  string
	}{
		{"nothing recorded", func(*testing.T, *fixture) {}, "recovery.measures"},
		{"a measure, no findings", func(t *testing.T, f *fixture) { f.measure(t, "OPEN") }, ""},
		{"only a dropped measure", func(t *testing.T, f *fixture) { f.measure(t, "DROPPED") }, "recovery.measures"},
		{"a direct finding without outcome", func(t *testing.T, f *fixture) {
			f.measure(t, "OPEN")
			f.finding(t, discipline.Direct, "")
		}, "recovery.outcomes"},
		{"a leadership finding with a proposed outcome", func(t *testing.T, f *fixture) {
			f.measure(t, "DONE")
			f.outcome(t, f.finding(t, discipline.Leadership, ""))
		}, "recovery.outcomes"},
		{"a direct finding with a decided outcome", func(t *testing.T, f *fixture) {
			f.measure(t, "OPEN")
			f.outcome(t, f.finding(t, discipline.Direct, ""), "DECIDED")
		}, ""},
		{"a final outcome after an appeal", func(t *testing.T, f *fixture) {
			f.measure(t, "OPEN")
			f.outcome(t, f.finding(t, discipline.Direct, ""), "DECIDED", "APPEALED", "DECIDED", "FINAL")
		}, ""},
		{"a revoked outcome", func(t *testing.T, f *fixture) {
			f.measure(t, "OPEN")
			f.outcome(t, f.finding(t, discipline.Direct, ""), "DECIDED", "REVOKED")
		}, "recovery.outcomes"},
		{"a reason why none applies", func(t *testing.T, f *fixture) {
			f.measure(t, "OPEN")
			f.finding(t, discipline.Direct, "当事人已退休并移交原单位处理")
		}, ""},
		{"a supervisory finding needs no outcome", func(t *testing.T, f *fixture) {
			f.measure(t, "OPEN")
			f.finding(t, discipline.Supervisory, "")
		}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tt.setup(t, f)
			if got := strings.Join(f.unmet(t), ","); got != tt.want {
				t.Fatalf("unmet %q, want %q", got, tt.want)
			}
		})
	}
}

// Bad outcome moves are refused with the rule they break.
func TestOutcomeRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o := f.outcome(t, f.finding(t, discipline.Direct, ""))
	if _, err := f.svc.MoveOutcome(f.lead, o.ID, "FINAL", nil, ""); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Errorf("PROPOSED → FINAL: %v", err)
	}
	if _, err := f.svc.MoveOutcome(f.lead, o.ID, "DECIDED", nil, ""); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Errorf("decided without a date: %v", err)
	}
	if _, err := f.svc.MoveOutcome(f.lead, o.ID, "REVOKED", nil, ""); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Errorf("revoked without a reason: %v", err)
	}
	if _, err := f.svc.ProposeOutcome(f.lead, o.FindingID, discipline.OutcomeInput{Type: "ADMIN_FLOGGING", DecidingBody: "x"}); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := f.svc.ProposeOutcome(f.observer, o.FindingID, discipline.OutcomeInput{Type: "ADMIN_WARNING", DecidingBody: "x"}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("an observer proposing: %v", err)
	}
	history, err := f.svc.History(f.lead, []uuid.UUID{o.ID})
	if err != nil || len(history) != 1 || history[0].To != "PROPOSED" || history[0].ChangedBy != f.leadID {
		t.Fatalf("history: %+v %v", history, err)
	}
}

// Outcomes are visible only to the narrower tier.
func TestOutcomesTier(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.outcome(t, f.finding(t, discipline.Direct, ""))
	if got, err := f.svc.Outcomes(f.lead, f.incident.ID); err != nil || len(got) != 1 {
		t.Fatalf("lead: %v %v", got, err)
	}
	if got, err := f.svc.Outcomes(f.observer, f.incident.ID); err != nil || got != nil {
		t.Fatalf("observer: %v %v", got, err)
	}
	if findings, err := f.svc.Findings(f.observer, f.incident.ID); err != nil || len(findings) != 1 {
		t.Fatalf("observer's findings: %v %v", findings, err)
	}
}

// Leadership accepts a closed case: it is frozen with a snapshot whose hash
// is recorded; every change is then refused with FROZEN but measures stay
// trackable; the lead reopens it formally, which unfreezes it and is audited.
func TestReviewFreezesTheCase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.measure(t, "OPEN")
	fd := f.finding(t, discipline.Direct, "")
	f.outcome(t, fd, "DECIDED")
	if _, err := f.svc.Review(f.leadership, f.incident.ID, discipline.Accepted, "", nil); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("review of an open case: %v", err)
	}
	f.stage(t, workflow.Closed)
	if _, err := f.svc.Review(f.lead, f.incident.ID, discipline.Accepted, "", nil); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("the lead reviewing: %v", err)
	}
	r, err := f.svc.Review(f.leadership, f.incident.ID, discipline.Accepted, "处置得当", nil)
	if err != nil || r.SnapshotSHA256 == nil || len(*r.SnapshotSHA256) != 64 {
		t.Fatalf("accept: %+v %v", r, err)
	}
	inc, _ := f.incidents.Get(f.lead, f.incident.ID)
	if inc.FrozenAt == nil {
		t.Fatal("not frozen")
	}
	refused := map[string]error{}
	_, refused["update"] = f.incidents.Update(f.lead, f.incident.ID, inc.Version, incident.Patch{Summary: ptr("改")})
	_, refused["task"] = f.incidents.AddTask(f.lead, f.incident.ID, incident.NewTask{Title: "补充调查"})
	_, refused["finding"] = f.svc.AddFinding(f.lead, f.incident.ID, discipline.FindingInput{PersonName: "何某", Kind: "OTHER", Facts: "x"})
	_, refused["outcome"] = f.svc.ProposeOutcome(f.lead, fd.ID, discipline.OutcomeInput{Type: "ADMIN_WARNING", DecidingBody: "x"})
	_, refused["forwards"] = f.spread.RecordForwards(f.lead, f.incident.ID, []*spread.ForwardInput{{Key: "f1",
		At: time.Now().Add(-time.Hour), Method: "FORWARD", From: spread.NodeRef{Key: "a", Kind: spread.Person},
		To: spread.NodeRef{Key: "b", Kind: spread.Person}, By: spread.NodeRef{Key: "a", Kind: spread.Person}}})
	_, refused["advance"] = f.incidents.Advance(f.lead, f.incident.ID, workflow.Closed, "", nil)
	for what, err := range refused {
		if apperr.CodeOf(err) != apperr.Frozen {
			t.Errorf("%s on a frozen case: %v", what, err)
		}
	}
	if _, err := f.svc.UpdateMeasure(f.lead, m.ID, discipline.MeasureInput{Title: m.Title, OwnerID: m.OwnerID,
		DueOn: m.DueOn, Status: "DONE"}); err != nil {
		t.Fatalf("tracking a measure after the freeze: %v", err)
	}
	if _, err := f.svc.Review(f.leadership, f.incident.ID, discipline.Accepted, "", nil); apperr.CodeOf(err) != apperr.Frozen {
		t.Errorf("a second review: %v", err)
	}
	if _, err := f.incidents.Advance(f.lead, f.incident.ID, workflow.Recovery, "纪委要求补充处理", nil); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if inc, _ = f.incidents.Get(f.lead, f.incident.ID); inc.FrozenAt != nil || inc.Stage != workflow.Recovery {
		t.Fatalf("after reopening: frozen %v in %s", inc.FrozenAt, inc.Stage)
	}
	rows, err := audit.List(context.Background(), f.db, &f.incident.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, row := range rows {
		actions = append(actions, row.Action)
	}
	if !slices.Contains(actions, "incident.review") || actions[len(actions)-1] != "incident.advance" {
		t.Fatalf("audit: %v", actions)
	}
}

// A returned case goes back to the stage named, with the comments as the reason.
func TestReviewReturnsTheCase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.stage(t, workflow.Closed)
	back := workflow.Investigation
	if _, err := f.svc.Review(f.leadership, f.incident.ID, discipline.Returned, "", &back); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Fatalf("returned without comments: %v", err)
	}
	// workflow.Decide sends a returned case only back, refusing it whole.
	closed := workflow.Closed
	_, err := f.svc.Review(f.leadership, f.incident.ID, discipline.Returned, "源头认定证据不足", &closed)
	if e, ok := apperr.As(err); !ok || e.Code != apperr.InvalidInput || e.Field != "returnTo" {
		t.Fatalf("returned to CLOSED: %v", err)
	}
	if reviews, err := f.svc.Reviews(f.lead, f.incident.ID); err != nil || len(reviews) != 0 {
		t.Fatalf("a refused review was kept: %v %v", reviews, err)
	}
	if _, err := f.svc.Review(f.leadership, f.incident.ID, discipline.Returned, "源头认定证据不足", &back); err != nil {
		t.Fatal(err)
	}
	transitions, _ := f.incidents.Transitions(f.lead, f.incident.ID)
	last := transitions[len(transitions)-1]
	if last.To != workflow.Investigation || !strings.Contains(last.Note, "源头认定证据不足") {
		t.Fatalf("last transition %+v", last)
	}
	if reviews, err := f.svc.Reviews(f.lead, f.incident.ID); err != nil || len(reviews) != 1 || *reviews[0].ReturnTo != "INVESTIGATION" {
		t.Fatalf("reviews: %v %v", reviews, err)
	}
}

// The snapshot is the same bytes for the same case and changes when any part does.
func TestSnapshotHash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.measure(t, "OPEN")
	f.outcome(t, f.finding(t, discipline.Direct, ""), "DECIDED")
	f.stage(t, workflow.Closed)
	hash := func() string {
		t.Helper()
		inc, _ := f.incidents.Get(f.leadership, f.incident.ID)
		_, sum, err := f.svc.Snapshot(f.leadership, *inc)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	first := hash()
	if again := hash(); again != first {
		t.Fatalf("the same case hashed to %s then %s", first, again)
	}
	if _, err := f.svc.UpdateMeasure(f.lead, m.ID, discipline.MeasureInput{Title: m.Title + "（扩大范围）", OwnerID: m.OwnerID,
		DueOn: m.DueOn}); err != nil {
		t.Fatal(err)
	}
	if changed := hash(); changed == first {
		t.Fatal("a changed measure left the hash as it was")
	}
}

// The report comes in each language, with the case's facts and outcomes
// for those who may see them, and its hash goes to the audit log.
func TestCaseReport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.measure(t, "OPEN")
	f.outcome(t, f.finding(t, discipline.Direct, ""), "DECIDED")
	for lang, want := range map[string][]string{
		"zh-CN": {"# 案件报告：明电翻拍外泄", "**机密**", "| 密级 | 机密（中国大陆密级） |", "| 发现方式 | 主管部门通报 |", "## 责任认定", "| 杨某 |", "| 直接责任 |", "| 杨某 | 记过 | 市纪委监委 | 已决定 |", "涉密载体管理专项检查"},
		"zh-TW": {"# 案件報告", "## 責任認定", "記過"},
		"en":    {"# Case report", "## Responsibility findings", "demerit"},
	} {
		body, sum, got, err := f.svc.Report(f.lead, f.incident.ID, "markdown", lang)
		md := string(body)
		if err != nil || got != lang || len(sum) != 64 {
			t.Fatalf("%s: %v", lang, err)
		}
		for _, w := range want {
			if !strings.Contains(md, w) {
				t.Errorf("%s report lacks %q:\n%s", lang, w, md)
			}
		}
	}
	body, _, _, err := f.svc.Report(f.observer, f.incident.ID, "markdown", "zh-CN")
	md := string(body)
	if err != nil || strings.Contains(md, "记过") || !strings.Contains(md, "处理结果仅对有权限人员显示") {
		t.Fatalf("observer's report shows outcomes: %v\n%s", err, md)
	}
	if _, _, _, err := f.svc.Report(f.lead, f.incident.ID, "markdown", "fr"); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Errorf("French: %v", err)
	}
	rows, _ := audit.List(context.Background(), f.db, &f.incident.ID, 0, 100)
	reports := 0
	for _, row := range rows {
		if row.Action == "report.generate" && strings.Contains(string(row.Changes), `"sha256"`) {
			reports++
		}
	}
	if reports != 4 {
		t.Fatalf("%d reports logged", reports)
	}
}

// A case that holds no one responsible says why in its report, in place of findings.
func TestCaseReportStatesWhyNoOneIsResponsible(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inc, err := f.incidents.Get(f.lead, f.incident.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.incidents.Update(f.lead, f.incident.ID, inc.Version, incident.Patch{NoResponsibleReason: ptr("系统自动同步所致，无人违规")}); err != nil {
		t.Fatal(err)
	}
	body, _, _, err := f.svc.Report(f.lead, f.incident.ID, "markdown", "zh-CN")
	if md := string(body); err != nil || !strings.Contains(md, "无人担责：系统自动同步所致，无人违规") {
		t.Fatalf("report: %v\n%s", err, md)
	}
}

// The PDF report embeds its font: the Chinese text reads back out of it
// with poppler's pdftotext, and the PDF's hash is logged.
func TestCaseReportPDF(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.measure(t, "OPEN")
	f.outcome(t, f.finding(t, discipline.Direct, ""), "DECIDED")
	for lang, want := range map[string][]string{
		"zh-CN": {"案件报告", "明电翻拍外泄", "杨某", "直接责任", "记过", "涉密载体管理专项检查"},
		"zh-TW": {"案件報告", "責任認定", "記過"},
		"en":    {"Case report", "demerit"},
	} {
		pdf, sum, _, err := f.svc.Report(f.lead, f.incident.ID, "pdf", lang)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(sum) != 64 {
			t.Fatalf("%s: %v", lang, err)
		}
		path := filepath.Join(t.TempDir(), "report.pdf")
		if err := os.WriteFile(path, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := strings.Join(strings.Fields(string(out)), "")
		for _, w := range want {
			if !strings.Contains(text, strings.Join(strings.Fields(w), "")) {
				t.Errorf("%s PDF lacks %q; it reads:\n%s", lang, w, out)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }
