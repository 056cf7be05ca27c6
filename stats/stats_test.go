package stats_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/discipline"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/objstore"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/stats"
	"github.com/leaktrail/leaktrail/workflow"
)

// Three cases with hand-set times, and the figures worked out by hand:
//
//	A: SECRET, detected t0; INITIAL_RESPONSE at +2h, INVESTIGATION at +6h;
//	   contained at +1h; reported upward at +3h (in time); a WeChat group
//	   reached; a DIRECT finding about someone of 办公室 with a decided
//	   warning; a measure due yesterday, still open.
//	B: CONFIDENTIAL, detected t0+1d; INITIAL_RESPONSE at +4h; contained at
//	   +3h; never reported upward (due, so missed).
//	C: WORK_SECRET, detected t0+2d; still in DETECT; nothing else.
func TestStatisticsAgainstHandComputedFigures(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	users := auth.NewService(db, time.Hour)
	as := func(name string, role auth.Role) context.Context {
		u, err := users.AddUser(ctx, auth.NewUser{Username: name, Password: "a good password", Roles: []auth.Role{role}})
		if err != nil {
			t.Fatal(err)
		}
		return auth.WithUser(ctx, u)
	}
	lead, outsider := as("lead", auth.Investigator), as("outsider", auth.Investigator)
	leadUser, _ := auth.UserFrom(lead)
	incidents := incident.NewService(db)
	spreadSvc := spread.NewService(db, incidents)
	objects, err := objstore.Open(ctx, testdb.ObjectStore(t))
	if err != nil {
		t.Fatal(err)
	}
	vault := evidence.NewService(db, incidents, objects, evidence.DefaultConfig, slog.New(slog.NewTextHandler(io.Discard, nil)))
	disc := discipline.NewService(db, incidents, spreadSvc, vault)
	if err := incidents.Wire(map[workflow.Source]incident.FactSource{workflow.FromSpread: spreadSvc.GateFacts,
		workflow.FromEvidence: vault.GateFacts, workflow.FromDiscipline: disc.GateFacts}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	open := func(title, classification string, detected time.Time) incident.Incident {
		inc, err := incidents.Open(lead, incident.OpenInput{Title: title, LeakedItem: "x", Classification: incident.Classification(classification),
			DetectedAt: detected, DetectionMethod: "SELF_REPORT", ReportedBy: "x"})
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	a, b := open("A", "SECRET", t0), open("B", "CONFIDENTIAL", t0.Add(24*time.Hour))
	open("C", "WORK_SECRET", t0.Add(48*time.Hour))
	contain := func(inc incident.Incident, at time.Time) {
		if _, err := incidents.RecordContainment(lead, inc.ID, incident.NewContainmentAction{Kind: "RECALL", Description: "撤回",
			TakenAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	contain(a, t0.Add(time.Hour))
	contain(b, t0.Add(27*time.Hour))
	if _, err := incidents.RecordNotification(lead, a.ID, incident.NewNotification{Authority: "CONFIDENTIALITY_BUREAU",
		NotifiedAt: t0.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	members := 40
	if _, err := spreadSvc.RecordForwards(lead, a.ID, []*spread.ForwardInput{{Key: "f1", At: t0, Method: "PHOTO",
		From: spread.NodeRef{Key: "p:杨某", Kind: spread.Person},
		To:   spread.NodeRef{Key: "g:工作群", Kind: "GROUP_CHAT", Platform: ptr(spread.Platform("WECHAT")), MemberCount: &members},
		By:   spread.NodeRef{Key: "p:杨某", Kind: spread.Person}}}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		inc incident.Incident
		to  workflow.Stage
	}{{a, workflow.InitialResponse}, {a, workflow.Investigation}, {b, workflow.InitialResponse}} {
		if _, err := incidents.Advance(lead, step.inc.ID, step.to, "", nil); err != nil {
			t.Fatalf("advance to %s: %v", step.to, err)
		}
	}
	setTransition := func(inc incident.Incident, to workflow.Stage, at time.Time) {
		if _, err := db.Exec(`UPDATE incident_transitions SET at = $3 WHERE incident_id = $1 AND to_stage = $2`, inc.ID, to, at); err != nil {
			t.Fatal(err)
		}
	}
	setTransition(a, workflow.Detect, t0)
	setTransition(a, workflow.InitialResponse, t0.Add(2*time.Hour))
	setTransition(a, workflow.Investigation, t0.Add(6*time.Hour))
	setTransition(b, workflow.Detect, t0.Add(24*time.Hour))
	setTransition(b, workflow.InitialResponse, t0.Add(28*time.Hour))
	f, err := disc.AddFinding(lead, a.ID, discipline.FindingInput{PersonName: "杨某", Unit: "办公室", Kind: "DIRECT", Facts: "翻拍"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := disc.ProposeOutcome(lead, f.ID, discipline.OutcomeInput{Type: "ADMIN_WARNING", DecidingBody: "纪委"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := disc.MoveOutcome(lead, o.ID, "DECIDED", &t0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := disc.AddMeasure(lead, a.ID, discipline.MeasureInput{Title: "专项检查", OwnerID: leadUser.ID,
		DueOn: time.Now().AddDate(0, 0, -1)}); err != nil {
		t.Fatal(err)
	}

	svc := &stats.Service{DB: db, ReportWindow: 24 * time.Hour, Incidents: incidents}
	week := stats.Filter{From: t0.Add(-time.Hour), To: t0.Add(7 * 24 * time.Hour)}
	st, err := svc.Compute(lead, week)
	if err != nil {
		t.Fatal(err)
	}
	counts := func(cs []stats.Count) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Key+"="+itoa(c.Count))
		}
		return strings.Join(out, " ")
	}
	for name, c := range map[string]struct{ got, want string }{
		"incidents":      {itoa(st.Incidents), "3"},
		"stage":          {counts(st.ByStage), "DETECT=1 INITIAL_RESPONSE=1 INVESTIGATION=1"},
		"classification": {counts(st.ByClassification), "CONFIDENTIAL=1 SECRET=1 WORK_SECRET=1"},
		"detection":      {counts(st.ByDetectionMethod), "SELF_REPORT=3"},
		"platform":       {counts(st.ByPlatform), "WECHAT=1"},
		"venue kind":     {counts(st.ByVenueKind), "GROUP_CHAT=1"},
		"outcomes":       {counts(st.OutcomesByCategory) + " / " + counts(st.OutcomesByType), "ADMINISTRATIVE=1 / ADMIN_WARNING=1"},
		"report upward":  {itoa(st.ReportUpwardRequired) + "/" + itoa(st.ReportUpwardMet), "2/1"},
		"overdue":        {itoa(st.OverdueMeasures), "1"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", name, c.got, c.want)
		}
	}
	durations := func(d stats.Durations) string {
		return d.Key + ":" + itoa(d.Samples) + ":" + ftoa(d.MedianHours) + ":" + ftoa(d.P90Hours)
	}
	var stages []string
	for _, d := range st.TimeInStage {
		stages = append(stages, durations(d))
	}
	if got, want := strings.Join(stages, " "), "DETECT:2:3.00:3.80 INITIAL_RESPONSE:1:4.00:4.00"; got != want {
		t.Errorf("time in stage: %s, want %s", got, want)
	}
	if got, want := durations(st.DetectionToContainment), "containment:2:2.00:2.80"; got != want {
		t.Errorf("detection to containment: %s, want %s", got, want)
	}
	if rate := st.ReportUpwardMetRate(); rate == nil || *rate != 0.5 {
		t.Errorf("met rate %v", rate)
	}
	// The clocks: A (SECRET) reported upward in 3 hours, B (CONFIDENTIAL) never;
	// neither issued its written report; A entered INVESTIGATION in May, so its
	// three months ran out in August; C (WORK_SECRET) runs none.
	rates := map[string]string{}
	for _, c := range st.ClockRates {
		rates[c.Clock.ID] = fmt.Sprintf("%d/%d/%d/%d %s", c.Met, c.Late, c.Overdue, c.Running, ftoa(c.Rate()))
	}
	for id, want := range map[string]string{"report_upward": "1/0/1/0 0.50", "written_report": "0/0/2/0 0.00",
		"investigation": "0/0/1/0 0.00", "result_report": "0/0/2/0 0.00", "jurisdiction": "0/0/0/0 nil"} {
		if rates[id] != want {
			t.Errorf("clock %s: met/late/overdue/running %s, want %s", id, rates[id], want)
		}
	}

	for name, c := range map[string]struct {
		ctx    context.Context
		filter stats.Filter
		want   int
	}{
		"an outsider sees none":   {outsider, week, 0},
		"a unit narrows to A":     {lead, stats.Filter{From: week.From, To: week.To, Unit: "办公室"}, 1},
		"a range narrows to A, B": {lead, stats.Filter{From: week.From, To: t0.Add(36 * time.Hour)}, 2},
	} {
		st, err := svc.Compute(c.ctx, c.filter)
		if err != nil || st.Incidents != c.want {
			t.Errorf("%s: %d incidents, %v", name, st.Incidents, err)
		}
	}

	var csv bytes.Buffer
	if err := st.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"incidents,,3", "byPlatform,WECHAT,1", "timeInStageHours.p90,DETECT,3.80", "reportUpward.metRate,,0.50",
		"clock.metRate,report_upward,0.50", "clock.overdue,written_report,2"} {
		if !strings.Contains(csv.String(), line+"\n") {
			t.Errorf("CSV lacks %q:\n%s", line, csv.String())
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(v *float64) string {
	if v == nil {
		return "nil"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

func ptr[T any](v T) *T { return &v }
