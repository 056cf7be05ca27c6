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

// A batch that names recorded nodes again gives them its non-empty
// attributes (a later row of the batch over an earlier one); what it leaves
// empty stays as recorded.
func TestRecordingUpdatesTheNodesItNames(t *testing.T) {
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
	inc, err := incidents.Open(ctx, incident.OpenInput{Title: "x", LeakedItem: "x", Classification: "SECRET",
		DetectedAt: time.Now(), DetectionMethod: "SELF_REPORT", ReportedBy: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ptr := func(s string) *string { return &s }
	members := func(n int) *int { return &n }
	external, public, wechat := spread.External, spread.Public, spread.Platform("WECHAT")
	p := spread.NodeRef{Key: "p", Kind: spread.Person}
	at := time.Now().Add(-time.Hour)
	if _, err := svc.RecordForwards(ctx, inc.ID, []*spread.ForwardInput{{Key: "f1", At: at, Method: "POST", From: p,
		To: spread.NodeRef{Key: "g", Kind: "GROUP_CHAT", Name: ptr("工作群"), Platform: &wechat}, By: p}}); err != nil {
		t.Fatal(err)
	}
	group := func() *spread.Node {
		a, err := svc.FullAnalysis(ctx, inc)
		if err != nil {
			t.Fatal(err)
		}
		ns, err := svc.NodeDetails(ctx, []uuid.UUID{a.Frontier(1)[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		return ns[0]
	}
	if g := group(); g.MemberCount != nil || g.Exposure != spread.Internal {
		t.Fatalf("recorded %+v", g)
	}
	q := spread.NodeRef{Key: "q", Kind: spread.Person}
	if _, err := svc.RecordForwards(ctx, inc.ID, []*spread.ForwardInput{
		{Key: "f2", At: at.Add(time.Minute), Method: "FORWARD", From: spread.NodeRef{Key: "g", Kind: "GROUP_CHAT",
			MemberCount: members(80), Exposure: &external, Name: ptr("  ")}, To: q, By: q},
		{Key: "f3", At: at.Add(2 * time.Minute), Method: "POST", From: q, By: q,
			To: spread.NodeRef{Key: "g", Kind: "GROUP_CHAT", MemberCount: members(120), Exposure: &public}},
	}); err != nil {
		t.Fatal(err)
	}
	g := group()
	if g.MemberCount == nil || *g.MemberCount != 120 || g.Exposure != spread.Public || g.Name != "工作群" ||
		g.Platform == nil || *g.Platform != wechat {
		t.Fatalf("updated %+v", g)
	}
	var changes string
	if err := db.Get(&changes, `SELECT changes FROM audit_log WHERE action = 'spread.record' ORDER BY seq DESC LIMIT 1`); err != nil ||
		!strings.Contains(changes, `"updatedNodes"`) || !strings.Contains(changes, `"memberCount":120`) {
		t.Fatalf("audit %s %v", changes, err)
	}
}

// A batch COPYs only the optional columns some row sets: the rows that set
// one keep their value, the others get the column's default, which is what
// they say; and a node it creates is flagged when another of the batch has
// its name.
func TestBatchKeepsWhatEachRowSets(t *testing.T) {
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
	inc, err := incidents.Open(ctx, incident.OpenInput{Title: "x", LeakedItem: "x", Classification: "SECRET",
		DetectedAt: time.Now(), DetectionMethod: "SELF_REPORT", ReportedBy: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ptr := func(s string) *string { return &s }
	at := time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)
	recalled, suspected, yes := at.Add(time.Minute), spread.Confidence("SUSPECTED"), true
	p := spread.NodeRef{Key: "p", Kind: spread.Person, Name: ptr("王某"), Unit: ptr("办公室"), Handles: []string{"wx_w"}, Cleared: &yes}
	q := spread.NodeRef{Key: "q", Kind: spread.Person, Name: ptr("王某")}
	rec, err := svc.Record(ctx, inc.ID, []*spread.ForwardInput{
		{Key: "plain", At: at, Method: "FORWARD", From: p, To: q, By: p},
		{Key: "full", At: at, Method: "PHOTO", From: q, To: spread.NodeRef{Key: "g", Kind: "GROUP_CHAT"}, By: q,
			Alterations: []spread.Alteration{"RETYPED"}, MisSent: &yes, RecalledAt: &recalled, Confidence: &suspected, Note: ptr("备注")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.SameName) != 2 || rec.SameName[0].Node.Key != "p" || len(rec.SameName[0].Others) != 1 || rec.SameName[0].Others[0].Key != "q" {
		t.Errorf("same names %+v", rec.SameName)
	}
	forwards, err := svc.Store.Forwards(ctx, db, inc.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]*spread.Forward{}
	for _, f := range forwards {
		byKey[f.Key] = f
	}
	if f := byKey["plain"]; f == nil || len(f.Alterations) != 0 || f.MisSent || f.RecalledAt != nil || f.Confidence != "CONFIRMED" || f.Note != "" {
		t.Errorf("plain %+v", f)
	}
	if f := byKey["full"]; f == nil || len(f.Alterations) != 1 || !f.MisSent || f.RecalledAt == nil || !f.RecalledAt.Equal(recalled) ||
		f.Confidence != suspected || f.Note != "备注" {
		t.Errorf("full %+v", f)
	}
	nodes, err := svc.Store.Nodes(ctx, db, inc.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		switch n.Key {
		case "p":
			if n.Unit != "办公室" || len(n.Handles) != 1 || n.Cleared == nil || !*n.Cleared {
				t.Errorf("p %+v", n)
			}
		case "q", "g":
			if n.Unit != "" || len(n.Handles) != 0 || n.Cleared != nil || n.MemberCount != nil {
				t.Errorf("%s %+v", n.Key, n)
			}
		}
	}
}
