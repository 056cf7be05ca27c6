package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
)

// tokenFor adds an investigator and returns their session token.
func tokenFor(t *testing.T, m *server.Main, username string) string {
	t.Helper()
	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: username, Password: password,
		Roles: []auth.Role{auth.Investigator}}); err != nil {
		t.Fatal(err)
	}
	c := &testgql.Client{URL: m.URL()}
	c.Login(t, username, password)
	return c.Token
}

// subscribe opens a graphql-transport-ws subscription to an incident's changes.
func subscribe(t *testing.T, ctx context.Context, baseURL, token, incidentID string) *websocket.Conn {
	t.Helper()
	return subscribeWith(t, ctx, baseURL, token, `subscription($id: ID!) { incidentChanged(id: $id) { incidentId action } }`,
		map[string]any{"id": incidentID})
}

// subscribeQuery opens a graphql-transport-ws subscription without variables.
func subscribeQuery(t *testing.T, ctx context.Context, baseURL, token, query string) *websocket.Conn {
	t.Helper()
	return subscribeWith(t, ctx, baseURL, token, query, nil)
}

func subscribeWith(t *testing.T, ctx context.Context, baseURL, token, query string, vars map[string]any) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(baseURL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + token}}))
	var ack struct{ Type string }
	must(wsjson.Read(ctx, conn, &ack))
	if ack.Type != "connection_ack" {
		t.Fatalf("init answered %q", ack.Type)
	}
	must(wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": query, "variables": vars}}))
	return conn
}

// next reads the subscription's next change, skipping keep-alive pings.
func next(t *testing.T, ctx context.Context, conn *websocket.Conn) string {
	t.Helper()
	var p struct{ IncidentChanged struct{ Action string } }
	json.Unmarshal([]byte(nextData(t, ctx, conn)), &p) //nolint:errcheck // checked by the caller's comparison
	return p.IncidentChanged.Action
}

// nextData reads the subscription's next result's data as JSON, skipping keep-alive pings.
func nextData(t *testing.T, ctx context.Context, conn *websocket.Conn) string {
	t.Helper()
	for {
		var msg struct {
			Type    string
			Payload json.RawMessage
		}
		if err := wsjson.Read(ctx, conn, &msg); err != nil {
			t.Fatal(err)
		}
		switch msg.Type {
		case "ping", "pong":
			continue
		case "next":
			var p struct{ Data json.RawMessage }
			json.Unmarshal(msg.Payload, &p) //nolint:errcheck // checked by the caller's comparison
			return string(p.Data)
		default:
			t.Fatalf("unexpected %s %s", msg.Type, msg.Payload)
		}
	}
}

// A change made through one server instance reaches a browser subscribed on
// another instance over the same database (PostgreSQL LISTEN/NOTIFY).
func TestChangesReachSubscribersOnEveryInstance(t *testing.T) {
	t.Parallel()
	first, c := start(t)
	second := server.NewMain(first.Config, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := second.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	id, _ := openCase(t, c, "实时更新")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	onFirst := subscribe(t, ctx, first.URL(), c.Token, id)
	onSecond := subscribe(t, ctx, second.URL(), c.Token, id)
	time.Sleep(200 * time.Millisecond) // the subscriptions are registered
	c.Must(t, `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "核实转发范围"}) { id } }`, map[string]any{"id": id}, nil)
	for name, conn := range map[string]*websocket.Conn{"first": onFirst, "second": onSecond} {
		// The notice of the incident's opening may still be on its way: skip to the task.
		got := next(t, ctx, conn)
		if got == "incident.open" {
			got = next(t, ctx, conn)
		}
		if got != "task.add" {
			t.Errorf("%s instance got %q", name, got)
		}
	}

	// A session made on one instance works on the other.
	onOther := &testgql.Client{URL: second.URL(), Token: c.Token}
	var seen struct {
		Incident struct{ Tasks []struct{ Title string } }
	}
	onOther.Must(t, `query($id: ID!) { incident(id: $id) { tasks { title } } }`, map[string]any{"id": id}, &seen)
	if len(seen.Incident.Tasks) == 0 {
		t.Fatalf("the second instance does not see the task added through the first: %+v", seen)
	}

	// A scheduled job runs on one instance at a time: while one holds its
	// lock (held here as a running instance would), every instance skips it.
	lock := server.JobLock("reconcile")
	held, err := first.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := held.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lock); err != nil {
		t.Fatal(err)
	}
	if first.RunJob(ctx, "reconcile") || second.RunJob(ctx, "reconcile") {
		t.Fatal("a job ran while another instance held its lock")
	}
	if _, err := held.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, lock); err != nil {
		t.Fatal(err)
	}
	ran := make(chan bool, 2)
	for _, m := range []*server.Main{first, second} {
		go func() { ran <- m.RunJob(ctx, "reconcile") }()
	}
	if a, b := <-ran, <-ran; !a && !b {
		t.Fatal("the job ran on neither instance once the lock was free")
	}

	// Someone not on the case cannot listen to it.
	outsider := tokenFor(t, first, "listener")
	conn := subscribe(t, ctx, first.URL(), outsider, id)
	var msg struct {
		Type    string
		Payload json.RawMessage
	}
	if err := wsjson.Read(ctx, conn, &msg); err != nil || !strings.Contains(string(msg.Payload), `"code":"NOT_FOUND"`) ||
		!strings.Contains(string(msg.Payload), `"data":null`) {
		t.Fatalf("an outsider's subscription: %v %s %s", err, msg.Type, msg.Payload)
	}
}
