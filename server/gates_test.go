package server_test

import (
	"slices"
	"testing"
)

// A case in RECOVERY closes only once responsibility is settled (here: the
// reason no one is responsible) and the public website it reached has its
// takedown recorded; after the freeze the takedown is still updated.
func TestCloseNeedsResponsibilityAndTakedowns(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	var opened struct{ OpenIncident struct{ ID string } }
	c.Must(t, `mutation { openIncident(input: {title: "通知照片上网", leakedItem: "通知照片", classification: SECRET,
		detectedAt: "2026-02-03T10:00:00+08:00", detectionMethod: SELF_REPORT, reportedBy: "本人"}) { id } }`, nil, &opened)
	id := opened.OpenIncident.ID
	vars := map[string]any{"id": id}
	var posted struct {
		RecordForwards []struct{ To struct{ ID string } }
	}
	c.Must(t, `mutation($id: ID!) { recordForwards(incidentId: $id, forwards: [
		{key: "f1", at: "2026-02-03T09:00:00+08:00", method: POST, from: {key: "p:王某", kind: PERSON},
			to: {key: "web:论坛", kind: WEBSITE, exposure: PUBLIC}, by: {key: "p:王某", kind: PERSON}}]) { to { id } } }`, vars, &posted)
	site := map[string]any{"n": posted.RecordForwards[0].To.ID}
	// The earlier gates are not what this test is about.
	if _, err := m.DB.Exec(`UPDATE incidents SET stage = 'RECOVERY' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	var me struct{ Me struct{ ID string } }
	c.Must(t, `{ me { id } }`, nil, &me)
	c.Must(t, `mutation($id: ID!, $owner: ID!) { recordMeasure(incidentId: $id, input: {title: "上网前保密审查",
		ownerId: $owner, dueOn: "2026-06-30"}) { id } }`, map[string]any{"id": id, "owner": me.Me.ID}, nil)
	closeIt := func() []string {
		t.Helper()
		r := c.Do(t, `mutation($id: ID!) { advanceIncident(id: $id, to: CLOSED) { stage } }`, vars)
		if len(r.Errors) == 0 {
			return nil
		}
		if r.Code() != "GATE_NOT_MET" {
			t.Fatalf("close: %+v", r.Errors)
		}
		var ids []string
		for _, u := range r.Errors[0].Extensions["unmet"].([]any) {
			ids = append(ids, u.(map[string]any)["id"].(string))
		}
		return ids
	}
	if got := closeIt(); !slices.Equal(got, []string{"recovery.responsibility", "recovery.takedowns"}) {
		t.Fatalf("unmet %v", got)
	}
	var cur struct{ Incident struct{ Version int } }
	c.Must(t, `query($id: ID!) { incident(id: $id) { version } }`, vars, &cur)
	c.Must(t, `mutation($id: ID!, $v: Int!) { updateIncident(id: $id, expectedVersion: $v,
		input: {noResponsibleReason: "论坛自动抓取，无人违规"}) { id } }`, map[string]any{"id": id, "v": cur.Incident.Version}, nil)
	if got := closeIt(); !slices.Equal(got, []string{"recovery.takedowns"}) {
		t.Fatalf("unmet after the reason %v", got)
	}
	c.Must(t, `mutation($n: ID!) { setNodeContainment(nodeId: $n, input: {status: REQUESTED, requestedTo: "论坛管理员"}) { id } }`, site, nil)
	if got := closeIt(); got != nil {
		t.Fatalf("unmet after the takedown request %v", got)
	}
	// The same takedown is what the case page lists as containment.
	var contained struct {
		Incident struct {
			Spread struct {
				TakedownCount int
				Takedowns     []struct {
					Key         string
					Containment struct{ Status, RequestedTo string }
				}
			}
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { spread { takedownCount takedowns(first: 10) { key containment { status requestedTo } } } } }`,
		vars, &contained)
	if sp := contained.Incident.Spread; sp.TakedownCount != 1 || len(sp.Takedowns) != 1 || sp.Takedowns[0].Key != "web:论坛" ||
		sp.Takedowns[0].Containment.Status != "REQUESTED" || sp.Takedowns[0].Containment.RequestedTo != "论坛管理员" {
		t.Fatalf("takedowns %+v", sp)
	}
	// Frozen by an accepted review: the takedown is followed up, other edits are refused.
	if _, err := m.DB.Exec(`UPDATE incidents SET frozen_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	c.Must(t, `mutation($n: ID!) { setNodeContainment(nodeId: $n, input: {status: CONFIRMED_REMOVED}) { id } }`, site, nil)
	if r := c.Do(t, `mutation($n: ID!) { updateNode(id: $n, input: {name: "改名"}) { id } }`, site); r.Code() != "FROZEN" {
		t.Fatalf("editing a node of a frozen case: %+v", r.Errors)
	}
	var n int
	if err := m.DB.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'spread.containment' AND changes LIKE '%CONFIRMED_REMOVED%'`); err != nil || n != 1 {
		t.Fatalf("audit of the takedown on the frozen case: %d %v", n, err)
	}
}
