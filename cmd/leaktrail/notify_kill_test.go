package main_test

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/notify"
)

// `leaktrail serve` is killed (SIGKILL) while the events of a case wait in
// the outbox for a webhook receiver that is down. Started again, it delivers
// every one of them, each once by delivery id, in order, signed.
func TestKilledServerDeliversItsOutboxAfterRestart(t *testing.T) {
	t.Parallel()
	const secret = "kill-test-secret"
	var up atomic.Bool
	var mu sync.Mutex
	seen := map[string]bool{}
	var got []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !up.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		if err := notify.VerifyWebhook(secret, r.Header.Get(notify.HeaderSignature), body, time.Now(), time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var msg struct{ Event string }
		json.Unmarshal(body, &msg) //nolint:errcheck // compared below
		mu.Lock()
		defer mu.Unlock()
		if id := r.Header.Get(notify.HeaderDelivery); !seen[id] {
			seen[id] = true
			got = append(got, msg.Event)
		}
	}))
	defer rcv.Close()

	e := testEnv(t)
	e["LEAKTRAIL_WEBHOOK_ALLOW_PRIVATE"] = "true"
	e["LEAKTRAIL_NOTIFY_POLL"] = "100ms"
	e["LEAKTRAIL_NOTIFY_BACKOFF"] = "500ms"
	const pw = "correct horse battery staple"
	for _, u := range [][2]string{{"ops", "responder"}, {"adm", "admin"}} {
		if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", u[0], "--role", u[1], "--password-stdin"); code != 0 {
			t.Fatalf("user add: %s", stderr)
		}
	}
	srv := serve(t, e)
	ops := &testgql.Client{URL: srv.URL}
	ops.Login(t, "ops", pw)
	adm := &testgql.Client{URL: srv.URL}
	adm.Login(t, "adm", pw)
	var me struct{ Me struct{ ID string } }
	ops.Must(t, `{ me { id } }`, nil, &me)
	adm.Must(t, `mutation($in: WebhookEndpointInput!) { createWebhookEndpoint(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"name": "值班", "url": rcv.URL, "format": "GENERIC", "secret": secret, "kinds": []string{"STAGE_CHANGED"}, "actingAsId": me.Me.ID}}, nil)
	var opened struct{ OpenIncident struct{ ID string } }
	ops.Must(t, `mutation { openIncident(input: {title: "发件箱", leakedItem: "截图", classification: SECRET,
		detectedAt: "2026-02-01T08:00:00+08:00", detectionMethod: SELF_REPORT, reportedBy: "值班室"}) { id } }`, nil, &opened)
	id := opened.OpenIncident.ID
	for i := range 3 {
		ops.Must(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INITIAL_RESPONSE) { stage } }`, map[string]any{"id": id}, nil)
		if i < 2 {
			ops.Must(t, `mutation($id: ID!) { advanceIncident(id: $id, to: DETECT, note: "退回") { stage } }`, map[string]any{"id": id}, nil)
		}
	}
	db, err := sql.Open("postgres", e["LEAKTRAIL_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var waiting int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM notice_events WHERE fanned_at IS NULL)
		+ (SELECT count(*) FROM deliveries WHERE state = 'PENDING')`).Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	if waiting == 0 {
		t.Fatal("nothing waits in the outbox before the kill")
	}
	srv.Cmd.Process.Kill()
	srv.Cmd.Wait()

	up.Store(true)
	serve(t, e)
	var want []string
	rows, err := db.Query(`SELECT id::text FROM notice_events WHERE kind = 'STAGE_CHANGED' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s) //nolint:errcheck // compared below
		want = append(want, s)
	}
	rows.Close()
	if len(want) != 5 {
		t.Fatalf("%d stage changes recorded, want 5", len(want))
	}
	// A delivery the kill caught mid-attempt waits out its lease (a minute).
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == len(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events delivered after the restart", n, len(want))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delivered in the order %v, emitted %v", got, want)
		}
	}
}
