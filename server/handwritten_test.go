package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/graph"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
)

// The incident list page written by hand (graph/listpage.go) is, byte for
// byte, the answer gqlgen's executor gives: for the list screen's query and
// for every field written by hand asked in other orders, under aliases,
// twice, through fragments, skipped or included; on cases with and without
// a lead, frozen or not, notified or not, with text that needs escapes;
// on filtered and later pages; and for queries it leaves to gqlgen.
func TestHandWrittenListIsGqlgens(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	lead, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "lead", DisplayName: `王"五\ <组长>` + "\u2028",
		Password: password, Roles: []auth.Role{auth.Investigator}})
	if err != nil {
		t.Fatal(err)
	}
	levels := []string{"TOP_SECRET", "SECRET", "CONFIDENTIAL", "WORK_SECRET"}
	var ids []string
	for i := range 9 {
		input := map[string]any{"title": fmt.Sprintf("第%d起 \"引号\" \\ <tag> &  泄密 😀", i), "leakedItem": "文件照片",
			"classification": levels[i%len(levels)], "detectedAt": time.Now().Add(-time.Duration(i*7) * time.Hour).Format(time.RFC3339),
			"detectionMethod": "MONITORING", "reportedBy": "监测", "reachedOutside": i%3 == 0}
		if i%2 == 0 {
			input["leadId"] = lead.ID.String()
		}
		var out struct{ OpenIncident struct{ ID string } }
		c.Must(t, `mutation($in: OpenIncidentInput!) { openIncident(input: $in) { id } }`, map[string]any{"in": input}, &out)
		ids = append(ids, out.OpenIncident.ID)
	}
	c.Must(t, `mutation($id: ID!) { recordNotification(incidentId: $id, input: {authority: HEADQUARTERS, notifiedAt: "2026-11-27T09:00:00+08:00"}) { id } }`,
		map[string]any{"id": ids[1]}, nil)
	for _, stmt := range []string{
		`UPDATE incidents SET frozen_at = now() WHERE id = '` + ids[2] + `'`,
		`INSERT INTO tasks (id, incident_id, stage, title, created_by) SELECT gen_random_uuid(), id, 'INVESTIGATION', '核实', created_by FROM incidents WHERE id IN ('` + ids[0] + `','` + ids[3] + `')`,
	} {
		if _, err := m.DB.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	answer := bothAnswers(t, m, c)

	const every = `query($yes: Boolean!, $no: Boolean!, $after: String, $filter: IncidentFilter) {
		incidents(first: 4, after: $after, filter: $filter) { __typename totalCount pageInfo { endCursor hasNextPage __typename }
		also: totalCount
		edges { __typename cursor node { ...Row counts { forwards evidence openTasks tasks } t: title }
			node { title @skip(if: $yes) reference @include(if: $no) id @include(if: $yes) } } } }
	fragment Row on Incident { __typename id reference title stage classification jurisdiction detectedAt frozenAt
		lead { id displayName __typename } boss: lead { displayName }
		reportUpward { notifiedAt deadline required __typename } nextClock { dueAt startedAt status definition { __typename id } __typename }
		... on Incident { counts { __typename tasks } } }`
	page1 := map[string]any{"yes": true, "no": false}
	var first struct {
		Incidents struct{ PageInfo struct{ EndCursor string } }
	}
	c.Must(t, every, page1, &first)
	for _, q := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"the list screen", testgql.IncidentListScreen, nil},
		{"the list screen, filtered", testgql.IncidentListScreen, map[string]any{"filter": map[string]any{"text": "引号", "stages": []string{"DETECT"}}}},
		{"the list screen, nothing found", testgql.IncidentListScreen, map[string]any{"filter": map[string]any{"text": "没有这样的案件"}}},
		{"every field", every, page1},
		{"every field, next page", every, map[string]any{"yes": false, "no": true, "after": first.Incidents.PageInfo.EndCursor}},
		{"every field, by lead", every, map[string]any{"yes": true, "no": true, "filter": map[string]any{"leadId": lead.ID}}},
		{"a field left to gqlgen", `{ incidents { edges { node { id summary } } } }`, nil},
		{"a bad cursor", testgql.IncidentListScreen, map[string]any{"after": "not a cursor"}},
	} {
		if hand, gqlgen := answer(q.query, q.vars); !bytes.Equal(hand, gqlgen) {
			t.Errorf("%s:\nhand-written %s\n      gqlgen %s", q.name, hand, gqlgen)
		}
	}
}

// The forwards recordForwards answers, written by hand, are gqlgen's: a
// batch recorded once, then retried (a retry answers the forwards as
// recorded) through both, asking its fields in any order, by alias, twice,
// through a fragment.
func TestHandWrittenForwardsAreGqlgens(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "转发链")
	person := func(key string) map[string]any {
		return map[string]any{"key": key, "kind": "PERSON", "name": key + ` "甲" \`}
	}
	var batch []map[string]any
	for i := range 30 {
		batch = append(batch, map[string]any{"key": fmt.Sprintf("第%d次 \"转发\"", i), "at": time.Date(2026, 2, 4, 10, i, 7, 123456789, time.FixedZone("", 8*3600)).Format(time.RFC3339Nano),
			"method": []string{"PHOTO", "FORWARD", "SCREENSHOT"}[i%3], "from": person(fmt.Sprint("p", i)), "to": person(fmt.Sprint("p", i+1)), "by": person(fmt.Sprint("p", i))})
	}
	vars := map[string]any{"id": id, "f": batch}
	c.Must(t, `mutation($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }`, vars, nil)
	answer := bothAnswers(t, m, c)
	for _, rest := range []string{
		`{ id } }`,
		`{ __typename method at key id k: key id } }`,
		`{ ... on Forward { at } ...F } } fragment F on Forward { method __typename }`,
		`{ id from { key } } }`,
	} {
		query := `mutation($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) ` + rest
		if hand, gqlgen := answer(query, vars); !bytes.Equal(hand, gqlgen) {
			t.Errorf("%s:\nhand-written %s\n      gqlgen %s", rest, hand, gqlgen)
		}
	}
}

// bothAnswers returns a function giving a request's answer from m (fields
// written by hand where they can be) and from gqlgen's executor alone, on the
// same services, signed in as c.
func bothAnswers(t *testing.T, m *server.Main, c *testgql.Client) func(query string, vars map[string]any) (hand, gqlgen []byte) {
	generic := httptest.NewServer(m.Auth.Middleware(graph.NewHandler(&graph.Resolver{AuthService: m.Auth, IncidentService: m.Incidents,
		SpreadService: m.Spread, EvidenceService: m.Evidence, ChatService: m.Chats, DisciplineService: m.Discipline,
		StatsService: m.Stats, NotifyService: m.Notify, Live: m.Live}, graph.HandlerConfig{Generic: true})))
	t.Cleanup(generic.Close)
	answer := func(url, query string, vars map[string]any) []byte {
		body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	return func(query string, vars map[string]any) ([]byte, []byte) {
		return answer(m.URL(), query, vars), answer(generic.URL, query, vars)
	}
}
