package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/mailpit"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/server"
)

// Case content that must never leave in a notification.
const (
	secretTitle   = "绝密会议纪要外泄"
	secretSummary = "王某某将会议纪要拍照转发至同学群"
	secretItem    = "第三季度联合演习方案"
	secretPerson  = "市保密局张处长"
)

// openSecretCase opens a case full of content that notifications must not carry.
func openSecretCase(t *testing.T, c *testgql.Client, classification string, detectedAt time.Time) (id, reference string) {
	t.Helper()
	var out struct {
		OpenIncident struct{ ID, Reference string }
	}
	c.Must(t, `mutation($t: String!, $s: String!, $i: String!, $p: String!, $c: Classification!, $at: Time!) {
		openIncident(input: {title: $t, summary: $s, leakedItem: $i, classification: $c, detectedAt: $at,
			detectionMethod: AUTHORITY_NOTICE, reportedBy: $p, whereSeen: "海外网站"}) { id reference } }`,
		map[string]any{"t": secretTitle, "s": secretSummary, "i": secretItem, "p": secretPerson, "c": classification,
			"at": detectedAt.Format(time.RFC3339)}, &out)
	return out.OpenIncident.ID, out.OpenIncident.Reference
}

func leaksContent(s string) bool {
	for _, secret := range []string{secretTitle, secretSummary, secretItem, secretPerson, "王某某", "海外网站"} {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

type clockView struct {
	Definition struct {
		ID   string
		Unit string
	}
	Status    string
	DueAt     *time.Time
	Extended  int
	CanExtend bool
}

func clocksOf(t *testing.T, c *testgql.Client, id string) map[string]clockView {
	t.Helper()
	var out struct {
		Incident struct{ Clocks []clockView }
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { clocks { definition { id unit } status dueAt extended canExtend } } }`,
		map[string]any{"id": id}, &out)
	m := map[string]clockView{}
	for _, cl := range out.Incident.Clocks {
		m[cl.Definition.ID] = cl
	}
	return m
}

// The clocks of a state-secret case: running from detection, overdue once
// due, extended only by whom the clock's rule names, with a reason, and a
// manual clock started and stopped by the case team.
func TestClocksOverAPI(t *testing.T) {
	t.Parallel()
	m, resp := start(t)
	id, _ := openSecretCase(t, resp, "SECRET", time.Now().Add(-25*time.Hour))
	clocks := clocksOf(t, resp, id)
	if len(clocks) != 6 || clocks["report_upward"].Status != "OVERDUE" || clocks["written_report"].Status != "OVERDUE" ||
		clocks["jurisdiction"].Status != "NOT_STARTED" || clocks["result_report"].Status != "RUNNING" {
		t.Fatalf("clocks of a SECRET case detected 25 h ago: %+v", clocks)
	}
	if clocks["report_upward"].CanExtend {
		t.Error("the lead may extend the report upward, which only leadership may")
	}
	extend := `mutation($id: ID!, $c: String!, $n: Int!, $r: String!) { extendClock(incidentId: $id, clockId: $c, amount: $n, reason: $r) { status extended dueAt } }`
	if code := resp.Do(t, extend, map[string]any{"id": id, "c": "report_upward", "n": 24, "r": "上级同意"}).Code(); code != "FORBIDDEN" {
		t.Errorf("the lead extending the report upward: %s", code)
	}
	lu, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "leader", Password: password, Roles: []auth.Role{auth.Leadership}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Must(t, `mutation($i: ID!, $u: ID!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: OBSERVER) { caseRole } }`,
		map[string]any{"i": id, "u": lu.ID.String()}, nil)
	leader := &testgql.Client{URL: m.URL()}
	leader.Login(t, "leader", password)
	if code := leader.Do(t, extend, map[string]any{"id": id, "c": "report_upward", "n": 24, "r": "  "}).Code(); code != "INVALID_INPUT" {
		t.Errorf("an extension without a reason: %s", code)
	}
	var ext struct{ ExtendClock clockView }
	leader.Must(t, extend, map[string]any{"id": id, "c": "report_upward", "n": 24, "r": "保密局同意延长"}, &ext)
	if ext.ExtendClock.Status != "RUNNING" || ext.ExtendClock.Extended != 24 {
		t.Errorf("extended by a day: %+v", ext.ExtendClock)
	}
	var trail struct {
		Incident struct {
			AuditLog struct {
				Entries []struct{ Action, Changes string }
			}
		}
	}
	resp.Must(t, `query($id: ID!) { incident(id: $id) { auditLog(first: 200) { entries { action changes } } } }`, map[string]any{"id": id}, &trail)
	if !slices.ContainsFunc(trail.Incident.AuditLog.Entries, func(e struct{ Action, Changes string }) bool {
		return e.Action == "clock.extend" && strings.Contains(e.Changes, "保密局同意延长")
	}) {
		t.Errorf("the extension is not in the audit log: %+v", trail.Incident.AuditLog.Entries)
	}
	// A manual clock.
	mark := `mutation($id: ID!, $c: String!) { %s(incidentId: $id, clockId: $c) { status } }`
	if code := resp.Do(t, strings.Replace(mark, "%s", "stopClock", 1), map[string]any{"id": id, "c": "jurisdiction"}).Code(); code != "CONFLICT" {
		t.Errorf("stopping a clock never started: %s", code)
	}
	if code := resp.Do(t, strings.Replace(mark, "%s", "startClock", 1), map[string]any{"id": id, "c": "report_upward"}).Code(); code != "INVALID_INPUT" {
		t.Errorf("starting a clock that starts by itself: %s", code)
	}
	resp.Must(t, strings.Replace(mark, "%s", "startClock", 1), map[string]any{"id": id, "c": "jurisdiction"}, nil)
	var stopped struct{ StopClock clockView }
	resp.Must(t, strings.Replace(mark, "%s", "stopClock", 1), map[string]any{"id": id, "c": "jurisdiction"}, &stopped)
	if stopped.StopClock.Status != "MET" {
		t.Errorf("a manual clock stopped at once: %+v", stopped.StopClock)
	}
	// The report upward stops its clock; the list's next clock is then the written report.
	var note struct{ RecordNotification struct{ ID string } }
	resp.Must(t, `mutation($id: ID!) { recordNotification(incidentId: $id, input: {authority: CONFIDENTIALITY_BUREAU, notifiedAt: "`+
		time.Now().Format(time.RFC3339)+`"}) { id } }`, map[string]any{"id": id}, &note)
	if c := clocksOf(t, resp, id)["report_upward"]; c.Status != "MET" {
		t.Errorf("reported upward within the extended time: %+v", c)
	}
	// The written report, issued a day late, stops its clock as LATE.
	resp.Must(t, `mutation($id: ID!, $n: ID!) { issueReport(incidentId: $id, input: {kind: UPWARD, language: "zh-CN", format: PDF, notificationId: $n}) { id } }`,
		map[string]any{"id": id, "n": note.RecordNotification.ID}, nil)
	if c := clocksOf(t, resp, id)["written_report"]; c.Status != "LATE" {
		t.Errorf("the written report issued after its due time: %+v", c)
	}
	var list struct {
		Incidents struct {
			Edges []struct {
				Node struct{ NextClock *clockView }
			}
		}
	}
	resp.Must(t, `{ incidents { edges { node { nextClock { definition { id } status } } } } }`, nil, &list)
	if n := list.Incidents.Edges[0].Node.NextClock; n == nil || n.Definition.ID != "result_report" || n.Status != "RUNNING" {
		t.Errorf("next clock in the list: %+v", n)
	}
	// An internal work secret runs no clock.
	other, _ := openSecretCase(t, resp, "WORK_SECRET", time.Now())
	if len(clocksOf(t, resp, other)) != 0 {
		t.Error("a work secret that stayed inside runs clocks")
	}
	resp.Must(t, `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "核实群成员"}) { id } }`, map[string]any{"id": other}, nil)
	listedAsOnTheirPage(t, resp)
	listedAsOnTheirPage(t, leader)
}

// listedAsOnTheirPage checks that the list, which reads its rows' clocks,
// report upward and counts for the whole page in one batch, shows each case
// as the case's own page (read field by field) does.
func listedAsOnTheirPage(t *testing.T, c *testgql.Client) {
	t.Helper()
	const fields = `id counts { tasks openTasks evidence forwards } reportUpward { required reasons deadline notifiedAt met overdue }
		nextClock { definition { id } status startedAt dueAt stoppedAt extended calendarGap canExtend }
		clocks { definition { id } status startedAt dueAt stoppedAt extended calendarGap canExtend }`
	var list struct {
		Incidents struct {
			Edges []struct{ Node json.RawMessage }
		}
	}
	c.Must(t, `{ incidents(first: 50) { edges { node { `+fields+` } } } }`, nil, &list)
	if len(list.Incidents.Edges) == 0 {
		t.Fatal("an empty list")
	}
	for _, e := range list.Incidents.Edges {
		var row struct{ ID string }
		if err := json.Unmarshal(e.Node, &row); err != nil {
			t.Fatal(err)
		}
		var page struct{ Incident json.RawMessage }
		c.Must(t, `query($id: ID!) { incident(id: $id) { `+fields+` } }`, map[string]any{"id": row.ID}, &page)
		if string(page.Incident) != string(e.Node) {
			t.Errorf("listed:\n%s\non its page:\n%s", e.Node, page.Incident)
		}
	}
}

func mustUser(t *testing.T, m *server.Main, username string) uuid.UUID {
	t.Helper()
	u, err := m.Auth.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// receiver is a webhook receiver that verifies signatures, drops repeats by
// delivery id, and can be told to fail or hang.
type receiver struct {
	*httptest.Server
	secret string

	mu       sync.Mutex
	fail     int // answer this many requests with 500
	hang     int // then let this many time out
	seen     map[string]bool
	events   map[string][]string // per reference, the event ids in arrival order (repeats dropped)
	bodies   []string
	requests int
	bad      []string
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{secret: secret, seen: map[string]bool{}, events: map[string][]string{}}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests++
	if r.fail > 0 {
		r.fail--
		r.mu.Unlock()
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	if r.hang > 0 {
		r.hang--
		r.mu.Unlock()
		time.Sleep(800 * time.Millisecond)
		return
	}
	defer r.mu.Unlock()
	if err := notify.VerifyWebhook(r.secret, req.Header.Get(notify.HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		r.bad = append(r.bad, err.Error())
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	id := req.Header.Get(notify.HeaderDelivery)
	if r.seen[id] {
		return // a repeat: acknowledged, not counted
	}
	r.seen[id] = true
	var msg struct {
		Event    string
		Type     string
		Incident struct{ Reference string }
	}
	json.Unmarshal(body, &msg) //nolint:errcheck // checked by the fields compared
	r.events[msg.Incident.Reference] = append(r.events[msg.Incident.Reference], msg.Event)
	r.bodies = append(r.bodies, string(body))
}

func (r *receiver) state() (events map[string][]string, requests int, bodies, bad []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	events = map[string][]string{}
	for k, v := range r.events {
		events[k] = slices.Clone(v)
	}
	return events, r.requests, slices.Clone(r.bodies), slices.Clone(r.bad)
}

func notifyConfig(c *server.Config) {
	c.NotifyPoll, c.NotifyBackoff, c.WebhookTimeout = 50*time.Millisecond, 20*time.Millisecond, 300*time.Millisecond
	c.WebhookAllowPrivate = true
}

// admin adds an admin and signs them in.
func admin(t *testing.T, m *server.Main) *testgql.Client {
	t.Helper()
	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "admin", Password: password, Roles: []auth.Role{auth.Admin}}); err != nil {
		t.Fatal(err)
	}
	c := &testgql.Client{URL: m.URL()}
	c.Login(t, "admin", password)
	return c
}

func createEndpoint(t *testing.T, a *testgql.Client, url, secret, actingAs string, kinds ...string) string {
	t.Helper()
	var out struct{ CreateWebhookEndpoint struct{ ID string } }
	a.Must(t, `mutation($in: WebhookEndpointInput!) { createWebhookEndpoint(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"name": "值班群 " + secret[:4], "url": url, "format": "GENERIC", "secret": secret, "kinds": kinds, "actingAsId": actingAs}}, &out)
	return out.CreateWebhookEndpoint.ID
}

func eventually(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A receiver that fails, then times out, then recovers gets every event,
// none twice once repeats are dropped by delivery id, in order per case.
func TestWebhookDeliveryThroughFailures(t *testing.T) {
	t.Parallel()
	m, resp := startWith(t, notifyConfig)
	a := admin(t, m)
	rcv := newReceiver(t, "s3cret-for-hmac")
	rcv.fail, rcv.hang = 4, 3
	respID := mustUser(t, m, "resp")
	createEndpoint(t, a, rcv.URL, "s3cret-for-hmac", respID.String(), "STAGE_CHANGED")

	var refs []string
	for range 2 {
		id, ref := openSecretCase(t, resp, "SECRET", time.Now())
		refs = append(refs, ref)
		for i := range 3 {
			resp.Must(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INITIAL_RESPONSE) { stage } }`, map[string]any{"id": id}, nil)
			resp.Must(t, `mutation($id: ID!, $n: String!) { advanceIncident(id: $id, to: DETECT, note: $n) { stage } }`,
				map[string]any{"id": id, "n": "补充材料 " + string(rune('1'+i))}, nil)
		}
	}
	want := map[string][]string{}
	for _, ref := range refs {
		var ids []string
		if err := m.DB.Select(&ids, `SELECT id::text FROM notice_events WHERE reference = $1 AND kind = 'STAGE_CHANGED' ORDER BY seq`, ref); err != nil {
			t.Fatal(err)
		}
		want[ref] = ids
	}
	eventually(t, "every event delivered", 60*time.Second, func() bool {
		got, _, _, _ := rcv.state()
		return len(got[refs[0]]) == 6 && len(got[refs[1]]) == 6
	})
	got, requests, bodies, bad := rcv.state()
	for _, ref := range refs {
		if !slices.Equal(got[ref], want[ref]) {
			t.Errorf("%s: events arrived as %v, emitted as %v", ref, got[ref], want[ref])
		}
	}
	if requests < 12+4+3 || len(bad) > 0 {
		t.Errorf("%d requests (the failures and timeouts must have been retried); bad signatures: %v", requests, bad)
	}
	for _, b := range bodies {
		if leaksContent(b) {
			t.Errorf("a webhook carries case content: %s", b)
		}
	}
	var log struct {
		WebhookEndpoints []struct {
			Deliveries struct {
				Edges []struct {
					State     string
					Attempts  int
					LastError string
				}
			}
		}
	}
	a.Must(t, `{ webhookEndpoints { deliveries(first: 50) { edges { state attempts lastError } } } }`, nil, &log)
	retried := 0
	for _, d := range log.WebhookEndpoints[0].Deliveries.Edges {
		if d.State != "DELIVERED" {
			t.Errorf("a delivery is %s", d.State)
		}
		if d.Attempts > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("the delivery log shows no retried delivery")
	}
}

// A clock going overdue reaches the app, the inbox of the user's e-mail and a
// signed webhook, and none of them carries the case's title, summary,
// leaked item or names; the watcher tells it once however often it runs.
func TestOverdueClockReachesEveryChannelWithoutContent(t *testing.T) {
	t.Parallel()
	mp, smtpAddr := mailpit.FromEnv(t)
	rcv := newReceiver(t, "another-secret")
	m, resp := startWith(t, func(c *server.Config) {
		notifyConfig(c)
		c.SMTPURL = "smtp://" + smtpAddr + "?from=leaktrail@example.org&tls=none"
	})
	a := admin(t, m)
	createEndpoint(t, a, rcv.URL, "another-secret", mustUser(t, m, "resp").String(), "CLOCK_OVERDUE", "CLOCK_10")
	mailbox := "resp-" + strings.ToLower(t.Name()) + "@example.org"
	resp.Must(t, `mutation($e: String!) { updateNoticeSettings(input: {email: $e}) { email } }`, map[string]any{"e": mailbox}, nil)
	_, ref := openSecretCase(t, resp, "SECRET", time.Now().Add(-25*time.Hour))
	for range 2 {
		if !m.RunJob(context.Background(), "watch") {
			t.Fatal("the watcher did not run")
		}
	}
	var notices struct {
		Notices struct {
			Unread int
			Edges  []struct {
				Kind      string
				Reference string
				Data      []struct{ Key, Value string }
			}
		}
	}
	// The notices are written by the notifier after the watcher's run; the count
	// and the list are read by two statements, so both are waited for.
	overdue := 0
	eventually(t, "the overdue notice in the app", 10*time.Second, func() bool {
		notices.Notices.Edges = nil
		resp.Must(t, `{ notices { unread edges { kind reference data { key value } } } }`, nil, &notices)
		overdue = 0
		for _, n := range notices.Notices.Edges {
			if n.Kind == "CLOCK_OVERDUE" {
				overdue++
			}
		}
		return notices.Notices.Unread >= 2 && overdue >= 2
	})
	for _, n := range notices.Notices.Edges {
		if n.Reference != ref {
			t.Errorf("a notice about %q", n.Reference)
		}
		raw, _ := json.Marshal(n)
		if leaksContent(string(raw)) {
			t.Errorf("a notice carries case content: %s", raw)
		}
	}
	if overdue != 2 { // report upward and written report, each once
		t.Errorf("%d overdue notices, want 2 (one per clock): %+v", overdue, notices.Notices.Edges)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs, err := mp.WaitTo(ctx, mailbox, 2, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range msgs {
		msg, err := mp.Get(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(msg.Subject, ref) || !strings.Contains(msg.Text, "/incidents/"+ref) {
			t.Errorf("the e-mail does not name the case and link to it: %q\n%s", msg.Subject, msg.Text)
		}
		if leaksContent(msg.Subject + msg.Text + msg.HTML) {
			t.Errorf("the e-mail carries case content: %q\n%s", msg.Subject, msg.Text)
		}
	}
	eventually(t, "the signed webhooks", 10*time.Second, func() bool {
		got, _, _, _ := rcv.state()
		return len(got[ref]) == 2
	})
	_, _, bodies, bad := rcv.state()
	if len(bad) > 0 {
		t.Errorf("bad signatures: %v", bad)
	}
	for _, b := range bodies {
		if !strings.Contains(b, `"type":"CLOCK_OVERDUE"`) || !strings.Contains(b, ref) || leaksContent(b) {
			t.Errorf("webhook body: %s", b)
		}
	}
	if n := mailCount(t, mp, mailbox); n != 2 {
		t.Errorf("%d e-mails after the watcher ran twice, want 2", n)
	}
	// Marking read.
	var left struct{ MarkNoticesRead int }
	resp.Must(t, `mutation { markNoticesRead }`, nil, &left)
	if left.MarkNoticesRead != 0 {
		t.Errorf("%d unread after marking all read", left.MarkNoticesRead)
	}
}

// A user taken off a case hears nothing more of it, in the app or by e-mail,
// and an endpoint acting as them is told nothing more either.
func TestRemovedMemberHearsNothingMore(t *testing.T) {
	t.Parallel()
	mp, smtpAddr := mailpit.FromEnv(t)
	rcv := newReceiver(t, "third-secret")
	m, resp := startWith(t, func(c *server.Config) {
		notifyConfig(c)
		c.SMTPURL = "smtp://" + smtpAddr + "?from=leaktrail@example.org&tls=none"
	})
	id, ref := openSecretCase(t, resp, "SECRET", time.Now())
	inv := member(t, m, resp, id, "inv", "INVESTIGATOR")
	mailbox := "inv-" + strings.ToLower(t.Name()) + "@example.org"
	inv.Must(t, `mutation($e: String!) { updateNoticeSettings(input: {email: $e, subscriptions: [{kind: STAGE_CHANGED, channels: [IN_APP, EMAIL]}]}) { email } }`,
		map[string]any{"e": mailbox}, nil)
	a := admin(t, m)
	createEndpoint(t, a, rcv.URL, "third-secret", mustUser(t, m, "inv").String(), "STAGE_CHANGED")

	advance := func(to, note string) {
		resp.Must(t, `mutation($id: ID!, $to: Stage!, $n: String) { advanceIncident(id: $id, to: $to, note: $n) { stage } }`,
			map[string]any{"id": id, "to": to, "n": note}, nil)
	}
	advance("INITIAL_RESPONSE", "")
	unread := func() int {
		var out struct{ Notices struct{ Unread int } }
		inv.Must(t, `{ notices { unread } }`, nil, &out)
		return out.Notices.Unread
	}
	eventually(t, "the member told in the app", 10*time.Second, func() bool { return unread() == 1 })
	eventually(t, "the member's webhook", 10*time.Second, func() bool { got, _, _, _ := rcv.state(); return len(got[ref]) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := mp.WaitTo(ctx, mailbox, 1, 30*time.Second); err != nil {
		t.Fatal(err)
	}

	resp.Must(t, `mutation($i: ID!, $u: ID!) { removeIncidentMember(incidentId: $i, userId: $u) }`,
		map[string]any{"i": id, "u": mustUser(t, m, "inv").String()}, nil)
	advance("DETECT", "退回补充")
	// A second member still hears of it, so the events did go out.
	other := member(t, m, resp, id, "obs", "OBSERVER")
	advance("INITIAL_RESPONSE", "")
	eventually(t, "the remaining member told", 10*time.Second, func() bool {
		var out struct{ Notices struct{ Unread int } }
		other.Must(t, `{ notices { unread } }`, nil, &out)
		return out.Notices.Unread == 1
	})
	time.Sleep(500 * time.Millisecond) // let every delivery due be tried
	var pending int
	if err := m.DB.Get(&pending, `SELECT count(*) FROM deliveries WHERE state = 'PENDING'`); err != nil {
		t.Fatal(err)
	}
	eventually(t, "no delivery left pending", 10*time.Second, func() bool {
		m.DB.Get(&pending, `SELECT count(*) FROM deliveries WHERE state = 'PENDING'`) //nolint:errcheck // a failure keeps waiting
		return pending == 0
	})
	if n := unread(); n != 1 {
		t.Errorf("the removed member has %d notices, want the 1 from before", n)
	}
	if got, _, _, _ := rcv.state(); len(got[ref]) != 1 {
		t.Errorf("the removed member's endpoint got %d events, want the 1 from before", len(got[ref]))
	}
	if n := mailCount(t, mp, mailbox); n != 1 {
		t.Errorf("the removed member got %d e-mails, want the 1 from before", n)
	}
	var notices struct {
		Notices struct {
			Edges []struct{ Incident *struct{ ID string } }
		}
	}
	inv.Must(t, `{ notices { edges { incident { id } } } }`, nil, &notices)
	if len(notices.Notices.Edges) != 1 || notices.Notices.Edges[0].Incident != nil {
		t.Errorf("the old notice still opens the case: %+v", notices.Notices.Edges)
	}
}

func mailCount(t *testing.T, mp *mailpit.Client, address string) int {
	t.Helper()
	msgs, err := mp.To(context.Background(), address)
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

// The watcher tells the case team once that a gate is met, and the bell's
// count moves live over the websocket as notices arrive and are read.
func TestGateMetToldOnceAndTheCountMovesLive(t *testing.T) {
	t.Parallel()
	m, resp := startWith(t, notifyConfig)
	id, ref := openSecretCase(t, resp, "SECRET", time.Now())
	watch := func() {
		t.Helper()
		if !m.RunJob(context.Background(), "watch") {
			t.Fatal("the watcher did not run")
		}
	}
	watch() // first look: DETECT's gate was met from the start, which is no news
	inv := member(t, m, resp, id, "inv", "INVESTIGATOR")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := subscribeQuery(t, ctx, m.URL(), inv.Token, `subscription { noticesChanged }`)
	if got := nextData(t, ctx, conn); got != `{"noticesChanged":0}` {
		t.Fatalf("first count: %s", got)
	}
	resp.Must(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INITIAL_RESPONSE) { stage } }`, map[string]any{"id": id}, nil)
	if got := nextData(t, ctx, conn); got != `{"noticesChanged":1}` {
		t.Fatalf("after the stage changed: %s", got)
	}
	watch()
	resp.Must(t, `mutation($id: ID!) { recordContainmentAction(incidentId: $id, input: {kind: RECALL, description: "撤回", takenAt: "`+
		time.Now().Format(time.RFC3339)+`"}) { id } }`, map[string]any{"id": id}, nil)
	resp.Must(t, `mutation($id: ID!) { recordNotification(incidentId: $id, input: {authority: CONFIDENTIALITY_BUREAU, notifiedAt: "`+
		time.Now().Format(time.RFC3339)+`"}) { id } }`, map[string]any{"id": id}, nil)
	watch()
	watch()
	if got := nextData(t, ctx, conn); got != `{"noticesChanged":2}` {
		t.Fatalf("after the gate was met: %s", got)
	}
	var out struct {
		Notices struct {
			Edges []struct {
				Kind string
				Data []struct{ Key, Value string }
			}
		}
	}
	inv.Must(t, `{ notices { edges { kind data { key value } } } }`, nil, &out)
	var gates []string
	for _, n := range out.Notices.Edges {
		if n.Kind == "GATE_MET" {
			gates = append(gates, n.Data[0].Value)
		}
	}
	if len(gates) != 1 || gates[0] != "INITIAL_RESPONSE" {
		t.Errorf("gate-met notices: %v (about %s)", gates, ref)
	}
	inv.Must(t, `mutation { markNoticesRead }`, nil, nil)
	if got := nextData(t, ctx, conn); got != `{"noticesChanged":0}` {
		t.Fatalf("after reading them all: %s", got)
	}
}

// An upload that finished and an item whose object no longer matches its
// hash are told to the case team, the mismatch once however often the check
// runs; an admin's test button and replay reach the endpoint with one id.
func TestEvidenceEventsTestButtonAndReplay(t *testing.T) {
	t.Parallel()
	m, resp := startWith(t, notifyConfig)
	id, ref := openCase(t, resp, "证据通知")
	inv := member(t, m, resp, id, "inv", "INVESTIGATOR")
	content := []byte("群聊截图（模拟）")
	if status, body := send(t, resp, http.MethodPut, beginUpload(t, resp, id, "截图.txt"), strings.NewReader(string(content)), int64(len(content))); status != http.StatusOK {
		t.Fatalf("upload: %d %v", status, body)
	}
	kinds := func() map[string]int {
		var out struct {
			Notices struct {
				Edges []struct{ Kind, Reference string }
			}
		}
		inv.Must(t, `{ notices(first: 100) { edges { kind reference } } }`, nil, &out)
		n := map[string]int{}
		for _, e := range out.Notices.Edges {
			if e.Reference == ref {
				n[e.Kind]++
			}
		}
		return n
	}
	eventually(t, "the upload told", 10*time.Second, func() bool { return kinds()["UPLOAD_FINISHED"] == 1 })
	var key string
	if err := m.DB.Get(&key, `SELECT object_key FROM evidence WHERE incident_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if err := m.Objects.Put(context.Background(), key, strings.NewReader("改过的截图"), -1); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		m.RunJob(context.Background(), "fixity")
	}
	eventually(t, "the mismatch told", 10*time.Second, func() bool { return kinds()["FIXITY_MISMATCH"] == 1 })
	time.Sleep(300 * time.Millisecond)
	if n := kinds()["FIXITY_MISMATCH"]; n != 1 {
		t.Errorf("%d mismatch notices after two checks, want 1", n)
	}

	a := admin(t, m)
	rcv := newReceiver(t, "button-secret")
	ep := createEndpoint(t, a, rcv.URL, "button-secret", mustUser(t, m, "resp").String(), "STAGE_CHANGED")
	var tested struct {
		TestWebhookEndpoint struct {
			ID, State  string
			LastStatus *int
		}
	}
	a.Must(t, `mutation($id: ID!) { testWebhookEndpoint(id: $id) { id state lastStatus } }`, map[string]any{"id": ep}, &tested)
	if tested.TestWebhookEndpoint.State != "DELIVERED" || tested.TestWebhookEndpoint.LastStatus == nil || *tested.TestWebhookEndpoint.LastStatus != 200 {
		t.Fatalf("test button: %+v", tested.TestWebhookEndpoint)
	}
	var replayed struct{ ReplayWebhookDelivery struct{ ID, State string } }
	a.Must(t, `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id state } }`, map[string]any{"id": tested.TestWebhookEndpoint.ID}, &replayed)
	if replayed.ReplayWebhookDelivery.ID != tested.TestWebhookEndpoint.ID {
		t.Fatalf("replay changed the delivery's id: %+v", replayed)
	}
	eventually(t, "the replay sent", 10*time.Second, func() bool { _, n, _, _ := rcv.state(); return n == 2 })
	if got, _, bodies, bad := rcv.state(); len(got[""]) != 1 || len(bad) > 0 || !strings.Contains(bodies[0], `"type":"TEST"`) {
		t.Errorf("the receiver kept %v from the test and its replay (bad: %v)", got, bad)
	}
	// A robot's key rides in its URL's query, which the API hides; saving the
	// hidden form back keeps the stored address.
	keyed := createEndpoint(t, a, rcv.URL+"/robot?key=k-123", "keyed-secret", mustUser(t, m, "resp").String(), "GATE_MET")
	var shown struct{ WebhookEndpoints []struct{ ID, URL string } }
	a.Must(t, `{ webhookEndpoints { id url } }`, nil, &shown)
	for _, e := range shown.WebhookEndpoints {
		if e.ID != keyed {
			continue
		}
		if strings.Contains(e.URL, "k-123") {
			t.Fatalf("the API shows a robot's key: %s", e.URL)
		}
		a.Must(t, `mutation($id: ID!, $in: WebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $in) { id } }`, map[string]any{"id": keyed,
			"in": map[string]any{"name": "改名", "url": e.URL, "format": "GENERIC", "kinds": []string{"GATE_MET"}}}, nil)
	}
	var stored string
	if err := m.DB.Get(&stored, `SELECT url FROM webhook_endpoints WHERE id = $1`, keyed); err != nil || stored != rcv.URL+"/robot?key=k-123" {
		t.Errorf("after saving the hidden address back: %q %v", stored, err)
	}
	if code := inv.Do(t, `mutation($id: ID!) { testWebhookEndpoint(id: $id) { id } }`, map[string]any{"id": ep}).Code(); code != "FORBIDDEN" {
		t.Errorf("a non-admin's test: %s", code)
	}
	if code := a.Do(t, `mutation($in: WebhookEndpointInput!) { createWebhookEndpoint(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"name": "内网", "url": "http://user:pw@example.org/hook", "format": "GENERIC", "secret": "x", "kinds": []string{"GATE_MET"}}}).Code(); code != "INVALID_INPUT" {
		t.Errorf("an address with a password: %s", code)
	}
}

// Quiet hours hold e-mail back, except an overdue clock's, which is not kept
// waiting behind the held one either.
func TestQuietHoursHoldEmailButNotOverdue(t *testing.T) {
	t.Parallel()
	mp, smtpAddr := mailpit.FromEnv(t)
	m, resp := startWith(t, func(c *server.Config) {
		notifyConfig(c)
		c.SMTPURL = "smtp://" + smtpAddr + "?from=leaktrail@example.org&tls=none"
	})
	id, ref := openSecretCase(t, resp, "SECRET", time.Now().Add(-25*time.Hour))
	inv := member(t, m, resp, id, "inv", "INVESTIGATOR")
	mailbox := "quiet-" + strings.ToLower(t.Name()) + "@example.org"
	now := time.Now().UTC()
	from, to := (now.Hour()*60+now.Minute()+23*60)%(24*60), (now.Hour()*60+now.Minute()+60)%(24*60)
	inv.Must(t, `mutation($e: String!, $f: Int!, $t: Int!) { updateNoticeSettings(input: {email: $e, quietFrom: $f, quietTo: $t, timeZone: "UTC",
		subscriptions: [{kind: STAGE_CHANGED, channels: [IN_APP, EMAIL]}]}) { email } }`, map[string]any{"e": mailbox, "f": from, "t": to}, nil)
	resp.Must(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INITIAL_RESPONSE) { stage } }`, map[string]any{"id": id}, nil)
	if !m.RunJob(context.Background(), "watch") {
		t.Fatal("the watcher did not run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs, err := mp.WaitTo(ctx, mailbox, 2, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	for _, s := range msgs {
		if !strings.Contains(s.Subject, ref) || !strings.Contains(s.Subject, "逾期") {
			t.Errorf("an e-mail in quiet hours that is not an overdue clock's: %q", s.Subject)
		}
	}
	if n := mailCount(t, mp, mailbox); n != 2 {
		t.Errorf("%d e-mails in quiet hours, want the 2 overdue clocks'", n)
	}
	var held int
	if err := m.DB.Get(&held, `SELECT count(*) FROM deliveries WHERE channel = 'EMAIL' AND state = 'PENDING' AND next_at > now()`); err != nil || held != 1 {
		t.Errorf("%d e-mails held for the end of the quiet hours, want the stage change's (%v)", held, err)
	}
}

// A page of notices and its unread count are read in one snapshot: while
// notices keep arriving, every answer's count is what its list shows.
func TestNoticesAndTheirUnreadCountAgree(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	user := mustUser(t, m, "resp")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 95 {
			if _, err := m.DB.Exec(`WITH e AS (INSERT INTO notice_events (id, kind) VALUES (gen_random_uuid(), 'STAGE_CHANGED') RETURNING id)
				INSERT INTO notices (id, user_id, event_id) SELECT gen_random_uuid(), $1, id FROM e`, user); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for reads := 0; ; reads++ {
		select {
		case <-done:
			t.Logf("%d reads while 95 notices arrived", reads)
			return
		default:
		}
		var out struct {
			Notices struct {
				Unread int
				Edges  []struct{ ID string }
			}
		}
		c.Must(t, `{ notices(first: 100, unreadOnly: true) { unread edges { id } } }`, nil, &out)
		if out.Notices.Unread != len(out.Notices.Edges) {
			t.Fatalf("read %d: %d unread, %d listed", reads, out.Notices.Unread, len(out.Notices.Edges))
		}
	}
}
