package spread_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/spread"
)

// The database itself refuses a forward whose nodes belong to another
// incident or whose sender is not a person, a node of no incident, and never
// loses a node or an incident.
func TestDatabaseKeepsTheChainConsistent(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	u, err := auth.NewService(db, time.Hour).AddUser(ctx, auth.NewUser{Username: "inv", Password: "a good password", Roles: []auth.Role{auth.Investigator}})
	if err != nil {
		t.Fatal(err)
	}
	ctx = auth.WithUser(ctx, u)
	incidents := incident.NewService(db)
	svc := spread.NewService(db, incidents)
	var ids [2]uuid.UUID
	for i := range ids {
		inc, err := incidents.Open(ctx, incident.OpenInput{Title: "x", LeakedItem: "x", Classification: "SECRET",
			DetectedAt: time.Now(), DetectionMethod: "SELF_REPORT", ReportedBy: "x"})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = inc.ID
		group := spread.NodeRef{Key: "g", Kind: "GROUP_CHAT"}
		if _, err := svc.RecordForwards(ctx, inc.ID, []*spread.ForwardInput{{Key: "f", At: time.Now().Add(-time.Hour),
			Method: "POST", From: spread.NodeRef{Key: "p", Kind: spread.Person}, To: group, By: spread.NodeRef{Key: "p", Kind: spread.Person}}}); err != nil {
			t.Fatal(err)
		}
	}
	node := func(incidentID uuid.UUID, key string) string {
		var id string
		if err := db.Get(&id, `SELECT id FROM spread_nodes WHERE incident_id = $1 AND key = $2`, incidentID, key); err != nil {
			t.Fatal(err)
		}
		return id
	}
	insert := `INSERT INTO forwards (id, incident_id, key, from_node, to_node, by_node, at, method, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, now(), 'FORWARD', $7)`
	for name, args := range map[string][]any{
		"a node of another incident": {uuid.New(), ids[0], "x1", node(ids[0], "p"), node(ids[1], "g"), node(ids[0], "p"), u.ID},
		"sent by a group":            {uuid.New(), ids[0], "x2", node(ids[0], "g"), node(ids[0], "p"), node(ids[0], "g"), u.ID},
		"no such recorder":           {uuid.New(), ids[0], "x3", node(ids[0], "g"), node(ids[0], "p"), node(ids[0], "p"), uuid.New()},
	} {
		if _, err := db.Exec(insert, args...); err == nil || !strings.Contains(err.Error(), "must name nodes") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := db.Exec(`DELETE FROM spread_nodes WHERE key = 'g'`); err == nil {
		t.Error("a node was deleted")
	}
	if _, err := db.Exec(`UPDATE spread_nodes SET kind = 'WEBSITE' WHERE key = 'p'`); err == nil {
		t.Error("a person became a website")
	}
	if _, err := db.Exec(`INSERT INTO spread_nodes (id, incident_id, key, kind, name, exposure)
		VALUES ($1, $2, 'lost', 'PERSON', 'lost', 'INTERNAL')`, uuid.New(), uuid.New()); err == nil || !strings.Contains(err.Error(), "must belong to an incident") {
		t.Errorf("a node of no incident: %v", err)
	}
	if _, err := db.Exec(`DELETE FROM incidents WHERE id = $1`, ids[1]); err == nil {
		t.Error("an incident was deleted")
	}
}
