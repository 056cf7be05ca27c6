package incident_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/workflow"
)

// env is a service on a fresh database with a signed-in investigator.
type env struct {
	svc      *incident.Service
	features *features
	auth     *auth.Service
	ctx      context.Context
	user     auth.User
}

// as signs in another user with the given roles.
func (e env) as(t *testing.T, username string, roles ...auth.Role) context.Context {
	t.Helper()
	u, err := e.auth.AddUser(context.Background(), auth.NewUser{Username: username, Password: "correct horse battery", Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithUser(context.Background(), u)
}

func newEnv(t *testing.T) env {
	t.Helper()
	db := testdb.New(t)
	a := auth.NewService(db, time.Hour)
	u, err := a.AddUser(context.Background(), auth.NewUser{Username: "inv", Password: "correct horse battery",
		Roles: []auth.Role{auth.Investigator, auth.Responder}})
	if err != nil {
		t.Fatal(err)
	}
	svc, f := incident.NewService(db), &features{met: map[uuid.UUID][]workflow.Stage{}}
	if err := svc.Wire(map[workflow.Source]incident.FactSource{workflow.FromSpread: f.source,
		workflow.FromEvidence: f.source, workflow.FromDiscipline: f.source}); err != nil {
		t.Fatal(err)
	}
	return env{svc: svc, features: f, auth: a, ctx: auth.WithUser(context.Background(), u), user: u}
}

// features stands in for the fact sources of the spread chain, the evidence
// vault and discipline: until a test meets a stage's requirements on them,
// the chain is unmapped, the vault empty, no measure recorded and a finding
// awaits its outcome.
type features struct {
	mu  sync.Mutex
	met map[uuid.UUID][]workflow.Stage
}

func (f *features) source(_ context.Context, _ database.Executor, id uuid.UUID, out *workflow.Facts) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if slices.Contains(f.met[id], workflow.Investigation) {
		out.SpreadMapped, out.EvidenceItems = true, 1
	}
	if slices.Contains(f.met[id], workflow.Recovery) {
		out.Measures = 1
	} else {
		out.FindingsAwaitingOutcome = 1
	}
	return nil
}

func str(s string) *string { return &s }

func openInput() incident.OpenInput {
	return incident.OpenInput{
		Title:           "会议纪要照片被发到同学群",
		LeakedItem:      "机密级会议纪要第 3 页的手机照片",
		Classification:  "SECRET",
		DetectedAt:      time.Now().Add(-2 * time.Hour),
		DetectionMethod: "EXTERNAL_TIP",
		ReportedBy:      "办公室 李某",
	}
}

func (e env) open(t *testing.T) incident.Incident {
	t.Helper()
	inc, err := e.svc.Open(e.ctx, openInput())
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func (e env) advance(t *testing.T, id uuid.UUID, to workflow.Stage, note string) incident.Incident {
	t.Helper()
	inc, err := e.svc.Advance(e.ctx, id, to, note, nil)
	if err != nil {
		t.Fatalf("advance to %s: %v", to, err)
	}
	if inc.Stage != to {
		t.Fatalf("stage %s after advancing to %s", inc.Stage, to)
	}
	return inc
}

func wantCode(t *testing.T, err error, code apperr.Code) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	return e
}

func unmetIDs(t *testing.T, err error) []string {
	t.Helper()
	e := wantCode(t, err, apperr.GateNotMet)
	var ids []string
	for _, u := range e.Extensions["unmet"].([]map[string]any) {
		ids = append(ids, u["id"].(string))
	}
	return ids
}

// meetFeatureGates meets the requirements of stage that the other features' facts decide.
func (e env) meetFeatureGates(id uuid.UUID, stage workflow.Stage) {
	e.features.mu.Lock()
	defer e.features.mu.Unlock()
	e.features.met[id] = append(e.features.met[id], stage)
}

func TestWalkThroughEveryStageBackAndReopen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inc := e.open(t)
	if !strings.HasPrefix(inc.Reference, fmt.Sprintf("LT-%d-", time.Now().UTC().Year())) || inc.Stage != workflow.Detect || inc.Version != 1 {
		t.Fatalf("opened %+v", inc)
	}
	inc = e.advance(t, inc.ID, workflow.InitialResponse, "")

	_, err := e.svc.Advance(e.ctx, inc.ID, workflow.Investigation, "", nil)
	if got := unmetIDs(t, err); !slices.Equal(got, []string{"initial.containment", "initial.report_upward"}) {
		t.Fatalf("unmet %v", got)
	}
	if _, err := e.svc.RecordContainment(e.ctx, inc.ID, incident.NewContainmentAction{Kind: "RECALL",
		Description: "两分钟内撤回", TakenAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordNotification(e.ctx, inc.ID, incident.NewNotification{Authority: "CONFIDENTIALITY_BUREAU",
		NotifiedAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	inc = e.advance(t, inc.ID, workflow.Investigation, "")

	_, err = e.svc.Advance(e.ctx, inc.ID, workflow.Disclosure, "", nil)
	if got := unmetIDs(t, err); !slices.Equal(got, []string{"investigation.spread_chain", "investigation.root_cause",
		"investigation.scope", "investigation.business_impact", "investigation.evidence"}) {
		t.Fatalf("unmet %v", got)
	}
	e.meetFeatureGates(inc.ID, workflow.Investigation)
	cause := incident.RootCause("MIS_SEND")
	inc, err = e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{RootCause: &cause,
		ScopeAndImportance: str("第 3 页全文"), BusinessImpact: str("需重新部署")})
	if err != nil {
		t.Fatal(err)
	}
	inc = e.advance(t, inc.ID, workflow.Disclosure, "")

	// Back a stage needs a reason.
	_, err = e.svc.Advance(e.ctx, inc.ID, workflow.Investigation, "", nil)
	if wantCode(t, err, apperr.InvalidInput).Field != "note" {
		t.Fatalf("field: %v", err)
	}
	inc = e.advance(t, inc.ID, workflow.Investigation, "传播链起点需复核")
	inc = e.advance(t, inc.ID, workflow.Disclosure, "")

	decision := incident.DisclosureDecision("NOT_DISCLOSE")
	if inc, err = e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{DisclosureDecision: &decision,
		DisclosureRationale: str("涉及国家秘密，不对外披露")}); err != nil {
		t.Fatal(err)
	}
	inc = e.advance(t, inc.ID, workflow.Recovery, "")
	_, err = e.svc.Advance(e.ctx, inc.ID, workflow.Closed, "", nil)
	if got := unmetIDs(t, err); !slices.Equal(got, []string{"recovery.measures", "recovery.outcomes", "recovery.responsibility"}) {
		t.Fatalf("unmet %v", got)
	}
	e.meetFeatureGates(inc.ID, workflow.Recovery)
	// With no finding recorded, closing needs the reason no one is responsible.
	if inc, err = e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{NoResponsibleReason: str("系统自动转发所致，无人违规")}); err != nil {
		t.Fatal(err)
	}
	inc = e.advance(t, inc.ID, workflow.Closed, "")

	// Reopen with a reason.
	_, err = e.svc.Advance(e.ctx, inc.ID, workflow.Recovery, " ", nil)
	wantCode(t, err, apperr.InvalidInput)
	inc = e.advance(t, inc.ID, workflow.Recovery, "领导审阅退回：处分未落实")

	history, err := e.svc.Transitions(e.ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range history {
		got = append(got, fmt.Sprintf("%s:%s", h.Kind, h.To))
		if h.ActorID != e.user.ID {
			t.Fatalf("transition by %v", h.ActorID)
		}
	}
	want := []string{"OPEN:DETECT", "ADVANCE:INITIAL_RESPONSE", "ADVANCE:INVESTIGATION", "ADVANCE:DISCLOSURE",
		"RETURN:INVESTIGATION", "ADVANCE:DISCLOSURE", "ADVANCE:RECOVERY", "ADVANCE:CLOSED", "REOPEN:RECOVERY"}
	if !slices.Equal(got, want) {
		t.Fatalf("history\n got %v\nwant %v", got, want)
	}
	if history[4].Note != "传播链起点需复核" || *history[4].From != workflow.Disclosure {
		t.Fatalf("return entry %+v", history[4])
	}

	// Every requirement is a check over facts: entering stages created no tasks.
	tasks, err := e.svc.TasksOf(e.ctx, []uuid.UUID{inc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 0 {
		t.Fatalf("%d gate tasks, want none", len(tasks))
	}
}

func TestOnlyOneOfConcurrentAdvancesWins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inc := e.open(t)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = e.svc.Advance(e.ctx, inc.ID, workflow.InitialResponse, "", nil) })
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		if e := wantCode(t, err, apperr.Conflict); e.Extensions["currentStage"] != "INITIAL_RESPONSE" {
			t.Fatalf("conflict extensions %v", e.Extensions)
		}
	}
	if wins != 1 {
		t.Fatalf("%d advances won, want 1", wins)
	}
	history, _ := e.svc.Transitions(e.ctx, inc.ID)
	if len(history) != 2 {
		t.Fatalf("%d transitions, want 2", len(history))
	}
}

func TestStaleVersionIsConflict(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inc := e.open(t)
	if _, err := e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{Summary: str("first")}); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{Summary: str("second")})
	if ce := wantCode(t, err, apperr.Conflict); ce.Extensions["currentVersion"] != 2 {
		t.Fatalf("extensions %v", ce.Extensions)
	}
	stale := inc.Version
	_, err = e.svc.Advance(e.ctx, inc.ID, workflow.InitialResponse, "", &stale)
	wantCode(t, err, apperr.Conflict)
}

func TestReferencesAreUniqueUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const n = 24
	refs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			inc, err := e.svc.Open(e.ctx, openInput())
			refs[i], errs[i] = inc.Reference, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(refs)
	year := time.Now().UTC().Year()
	for i, ref := range refs {
		if want := incident.FormatReference(year, i+1); ref != want {
			t.Fatalf("reference %d is %s, want %s (all: %v)", i, ref, want, refs)
		}
	}
}

func TestBadInputIsInvalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	missing := uuid.New()
	tests := []struct {
		name  string
		edit  func(*incident.OpenInput)
		field string
	}{
		{"empty title", func(in *incident.OpenInput) { in.Title = "  " }, "input.title"},
		{"huge title", func(in *incident.OpenInput) { in.Title = strings.Repeat("密", 301) }, "input.title"},
		{"huge summary", func(in *incident.OpenInput) { in.Summary = str(strings.Repeat("x", 20001)) }, "input.summary"},
		{"NUL in reporter", func(in *incident.OpenInput) { in.ReportedBy = "a\x00b" }, "input.reportedBy"},
		{"unknown classification", func(in *incident.OpenInput) { in.Classification = "VERY_SECRET" }, "input.classification"},
		{"unknown jurisdiction", func(in *incident.OpenInput) { in.Jurisdiction = ptr(incident.Jurisdiction("HK")) }, "input.jurisdiction"},
		{"unknown detection method", func(in *incident.OpenInput) { in.DetectionMethod = "PSYCHIC" }, "input.detectionMethod"},
		{"detected in the future", func(in *incident.OpenInput) { in.DetectedAt = time.Now().Add(24 * time.Hour) }, "input.detectedAt"},
		{"detected in antiquity", func(in *incident.OpenInput) { in.DetectedAt = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC) }, "input.detectedAt"},
		{"no such lead", func(in *incident.OpenInput) { in.LeadID = &missing }, "input.leadId"},
		{"nothing leaked", func(in *incident.OpenInput) { in.LeakedItem = "" }, "input.leakedItem"},
		{"unknown zone", func(in *incident.OpenInput) { in.TimeZone = str("Mars/Olympus") }, "input.timeZone"},
		{"the server's own zone", func(in *incident.OpenInput) { in.TimeZone = str("Local") }, "input.timeZone"},
		{"huge secrecy period", func(in *incident.OpenInput) { in.SecrecyPeriod = str(strings.Repeat("年", 41)) }, "input.secrecyPeriod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := openInput()
			tt.edit(&in)
			_, err := e.svc.Open(e.ctx, in)
			if got := wantCode(t, err, apperr.InvalidInput).Field; got != tt.field {
				t.Fatalf("field %q, want %q", got, tt.field)
			}
		})
	}
	// Nothing half-written: the failed opens took no reference numbers.
	inc := e.open(t)
	if inc.Reference != incident.FormatReference(time.Now().UTC().Year(), 1) {
		t.Fatalf("first successful reference %s", inc.Reference)
	}
	_, err := e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{Title: str("")})
	wantCode(t, err, apperr.InvalidInput)
	_, err = e.svc.AddTask(e.ctx, inc.ID, incident.NewTask{Title: "x", AssigneeID: &missing})
	wantCode(t, err, apperr.InvalidInput)
	_, err = e.svc.AddTask(e.ctx, missing, incident.NewTask{Title: "x"})
	wantCode(t, err, apperr.NotFound)
	_, err = e.svc.RecordContainment(e.ctx, missing, incident.NewContainmentAction{Kind: "RECALL", Description: "x", TakenAt: time.Now()})
	wantCode(t, err, apperr.NotFound)
	_, err = e.svc.Advance(e.ctx, missing, workflow.InitialResponse, "", nil)
	wantCode(t, err, apperr.NotFound)
	_, err = e.svc.CompleteTask(e.ctx, missing, true)
	wantCode(t, err, apperr.NotFound)
}

// A case is handled in a zone (its report's local times) and may carry a
// secrecy period; without a zone it takes the default.
func TestZoneAndSecrecyPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inc := e.open(t)
	if inc.TimeZone != incident.DefaultTimeZone || inc.SecrecyPeriod != "" {
		t.Fatalf("a new case's zone is %q and its period %q", inc.TimeZone, inc.SecrecyPeriod)
	}
	got, err := e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{TimeZone: str("Asia/Taipei"), SecrecyPeriod: str(" 10年 ")})
	if err != nil || got.TimeZone != "Asia/Taipei" || got.SecrecyPeriod != "10年" {
		t.Fatalf("updated: %+v, %v", got, err)
	}
}

func TestAnonymousIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	anon := context.Background()
	_, err := e.svc.Open(anon, openInput())
	wantCode(t, err, apperr.Unauthenticated)
	_, err = e.svc.List(anon, incident.Filter{}, nil, str("not a cursor"))
	wantCode(t, err, apperr.Unauthenticated)
}

func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	classes := []incident.Classification{"SECRET", "PERSONAL_DATA", "SECRET", "WORK_SECRET", "SECRET"}
	var ids []uuid.UUID
	for i, c := range classes {
		in := openInput()
		in.Classification = c
		in.Title = fmt.Sprintf("案件 %d 100%%_", i)
		inc, err := e.svc.Open(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inc.ID)
	}
	e.advance(t, ids[0], workflow.InitialResponse, "")

	var seen []uuid.UUID
	var after *string
	for {
		page, err := e.svc.List(e.ctx, incident.Filter{}, ptr(2), after)
		if err != nil {
			t.Fatal(err)
		}
		for _, inc := range page.Incidents {
			seen = append(seen, inc.ID)
		}
		if !page.HasNext {
			break
		}
		after = str(incident.CursorOf(page.Incidents[len(page.Incidents)-1]).Encode())
	}
	slices.Reverse(ids) // newest first
	if !slices.Equal(seen, ids) {
		t.Fatalf("pages gave %v, want %v", seen, ids)
	}

	count := func(f incident.Filter) int {
		n, err := e.svc.Count(e.ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(incident.Filter{Classifications: []incident.Classification{"SECRET"}}); n != 3 {
		t.Fatalf("SECRET: %d", n)
	}
	if n := count(incident.Filter{Stages: []workflow.Stage{workflow.InitialResponse}}); n != 1 {
		t.Fatalf("INITIAL_RESPONSE: %d", n)
	}
	// The statistics' root-cause bar opens the list of its cases.
	one, err := e.svc.Get(e.ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	cause := incident.RootCause("CONVENIENCE")
	if _, err := e.svc.Update(e.ctx, one.ID, one.Version, incident.Patch{RootCause: &cause}); err != nil {
		t.Fatal(err)
	}
	if n := count(incident.Filter{RootCauses: []incident.RootCause{cause}}); n != 1 {
		t.Fatalf("CONVENIENCE: %d", n)
	}
	if _, err := e.svc.Count(e.ctx, incident.Filter{RootCauses: []incident.RootCause{"BAD_LUCK"}}); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Fatalf("an unknown root cause: %v", err)
	}
	if n := count(incident.Filter{Text: str("案件 3")}); n != 1 {
		t.Fatalf("text: %d", n)
	}
	// LIKE wildcards in the search text are literal.
	if n := count(incident.Filter{Text: str("0%_")}); n != 5 {
		t.Fatalf("literal wildcard: %d", n)
	}
	if n := count(incident.Filter{Text: str("_%")}); n != 0 {
		t.Fatalf("wildcards matched as wildcards: %d", n)
	}
	if n := count(incident.Filter{LeadID: &e.user.ID}); n != 5 {
		t.Fatalf("lead: %d", n)
	}
	from := time.Now().Add(-time.Hour)
	if n := count(incident.Filter{DetectedFrom: &from}); n != 0 {
		t.Fatalf("detected from: %d", n)
	}
	to := time.Now().Add(-3 * time.Hour)
	_, err = e.svc.List(e.ctx, incident.Filter{DetectedFrom: &from, DetectedTo: &to}, ptr(1), nil)
	wantCode(t, err, apperr.InvalidInput)
}

func TestPageRequestValidation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		first *int
		after *string
		ok    bool
	}{
		{nil, nil, true},
		{ptr(100), nil, true},
		{ptr(101), nil, false},
		{ptr(-1), nil, false},
		{nil, str("garbage"), false},
		{nil, str(incident.Cursor{CreatedAt: time.Now(), ID: uuid.New()}.Encode()), true},
	} {
		_, err := incident.NewPageRequest(tt.first, tt.after)
		if (err == nil) != tt.ok {
			t.Errorf("first=%v after=%v: err %v", tt.first, tt.after, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// close meets every gate of the incident and walks it to CLOSED.
func (e env) close(t *testing.T, id uuid.UUID) incident.Incident {
	t.Helper()
	e.advance(t, id, workflow.InitialResponse, "")
	if _, err := e.svc.RecordContainment(e.ctx, id, incident.NewContainmentAction{Kind: "RECALL", Description: "撤回",
		TakenAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordNotification(e.ctx, id, incident.NewNotification{Authority: "POLICE", NotifiedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	inc := e.advance(t, id, workflow.Investigation, "")
	e.meetFeatureGates(id, workflow.Investigation)
	cause, decision := incident.RootCause("CONVENIENCE"), incident.DisclosureDecision("NOT_DISCLOSE")
	inc, err := e.svc.Update(e.ctx, id, inc.Version, incident.Patch{RootCause: &cause, ScopeAndImportance: str("x"),
		BusinessImpact: str("x"), DisclosureDecision: &decision, DisclosureRationale: str("x"), NoResponsibleReason: str("x")})
	if err != nil {
		t.Fatal(err)
	}
	e.advance(t, id, workflow.Disclosure, "")
	e.advance(t, id, workflow.Recovery, "")
	e.meetFeatureGates(id, workflow.Recovery)
	return e.advance(t, id, workflow.Closed, "")
}

// LEADERSHIP reads closed cases it is not on, read-only, and loses them when reopened.
func TestLeadershipReadsClosedCases(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	leader := e.as(t, "leader", auth.Leadership)
	inc := e.open(t)
	visible := func() bool {
		t.Helper()
		got, err := e.svc.Get(leader, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.svc.Count(leader, incident.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if (got != nil) != (n == 1) {
			t.Fatalf("lookup and count disagree: %v, %d", got != nil, n)
		}
		return got != nil
	}
	if visible() {
		t.Fatal("leadership sees an open case it is not on")
	}
	e.close(t, inc.ID)
	if !visible() {
		t.Fatal("leadership does not see a closed case")
	}
	if ts, err := e.svc.Transitions(leader, inc.ID); err != nil || len(ts) != 6 {
		t.Fatalf("history: %d %v", len(ts), err)
	}
	_, err := e.svc.Advance(leader, inc.ID, workflow.Recovery, "返工", nil)
	wantCode(t, err, apperr.Forbidden)
	_, err = e.svc.AddTask(leader, inc.ID, incident.NewTask{Title: "x"})
	wantCode(t, err, apperr.Forbidden)
	e.advance(t, inc.ID, workflow.Recovery, "领导审阅退回")
	if visible() {
		t.Fatal("leadership still sees the reopened case")
	}
}

// Naming another lead moves the LEAD role; the old lead stays as investigator.
func TestChangingTheLeadMovesMembership(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := e.as(t, "other", auth.Investigator)
	otherUser, _ := auth.UserFrom(other)
	inc := e.open(t)
	if got, err := e.svc.Get(other, inc.ID); got != nil || err != nil {
		t.Fatalf("not yet on the case, but reads it: %v %v", got, err)
	}
	inc, err := e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{LeadID: &otherUser.ID})
	if err != nil {
		t.Fatal(err)
	}
	members, err := e.svc.Members(e.ctx, inc)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[uuid.UUID]incident.CaseRole{}
	for _, m := range members {
		roles[m.UserID] = m.CaseRole
	}
	if roles[otherUser.ID] != incident.RoleLead || roles[e.user.ID] != incident.RoleInvestigator || *inc.LeadID != otherUser.ID {
		t.Fatalf("members %v, lead %v", roles, inc.LeadID)
	}
	// The old lead may no longer manage members or change the lead.
	_, err = e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{LeadID: &e.user.ID})
	wantCode(t, err, apperr.Forbidden)
	err = e.svc.RemoveMember(other, inc.ID, otherUser.ID)
	wantCode(t, err, apperr.InvalidInput)
}

// Multi-line text is stored with LF line breaks: a lone CR would reach the
// report raw.
func TestLineBreaksAreStoredAsLF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	in := openInput()
	in.Summary = str("one\rtwo\r\nthree")
	inc, err := e.svc.Open(e.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.Get(e.ctx, inc.ID)
	if err != nil || got.Summary != "one\ntwo\nthree" {
		t.Fatalf("summary stored as %q: %v", got.Summary, err)
	}
}

// The gates read the spread, evidence and discipline facts: wiring the
// incident service without one of their sources is refused, not left to
// judge facts nobody gathered.
func TestWireNeedsEveryFactSource(t *testing.T) {
	t.Parallel()
	none := func(context.Context, database.Executor, uuid.UUID, *workflow.Facts) error { return nil }
	svc := incident.NewService(nil)
	err := svc.Wire(map[workflow.Source]incident.FactSource{workflow.FromSpread: none, workflow.FromEvidence: none})
	if err == nil || !strings.Contains(err.Error(), "discipline") || svc.FactSources != nil {
		t.Fatalf("wired without discipline: %v", err)
	}
	if err := svc.Wire(map[workflow.Source]incident.FactSource{workflow.FromSpread: none, workflow.FromEvidence: none,
		workflow.FromDiscipline: none}); err != nil {
		t.Fatal(err)
	}
}

// Change locks the incident, checks the caller may do the permission with it,
// runs the change and audits it as the caller on the incident; an outsider's
// change never runs.
func TestChangeChecksAccessAndAudits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inc := e.open(t)
	outsider := e.as(t, "outsider", auth.Investigator)
	ran := false
	change := func(tx *sqlx.Tx, locked incident.Incident, actor auth.User) (audit.Entry, error) {
		ran = true
		if locked.ID != inc.ID {
			t.Errorf("locked %v", locked.ID)
		}
		return audit.Entry{Action: "test.change", TargetType: "incident", TargetID: inc.ID.String()}, nil
	}
	wantCode(t, e.svc.Change(outsider, inc.ID, incident.PermEdit, change), apperr.NotFound)
	if ran {
		t.Fatal("an outsider's change ran")
	}
	if err := e.svc.Change(e.ctx, inc.ID, incident.PermEdit, change); err != nil || !ran {
		t.Fatalf("change: %v (ran %v)", err, ran)
	}
	rows, err := audit.List(context.Background(), e.svc.DB, &inc.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1]
	if last.Action != "test.change" || last.ActorID == nil || *last.ActorID != e.user.ID || last.ActorName != e.user.Username ||
		last.IncidentID == nil || *last.IncidentID != inc.ID {
		t.Fatalf("entry %+v", last)
	}
}
