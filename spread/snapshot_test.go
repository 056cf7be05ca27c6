package spread_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/spread"
)

// analysed is what the analysis reads of a node or forward.
type analysedNode struct {
	ID                     uuid.UUID
	Key, Name              string
	Kind                   spread.NodeKind
	Exposure               spread.Exposure
	MemberCount            int
	Containment            spread.ContainmentStatus
	Partial, HasIncidentID bool
}

type analysedForward struct {
	ID, From, To, By uuid.UUID
	Key              string
	At               int64
	Method           spread.Method
}

func analysedNodes(incidentID uuid.UUID, nodes []*spread.Node) []analysedNode {
	out := make([]analysedNode, len(nodes))
	for i, n := range nodes {
		out[i] = analysedNode{ID: n.ID, Key: n.Key, Name: n.Name, Kind: n.Kind, Exposure: n.Exposure, MemberCount: -1,
			Containment: n.Containment.Status, HasIncidentID: n.IncidentID == incidentID}
		if n.MemberCount != nil {
			out[i].MemberCount = *n.MemberCount
		}
	}
	slices.SortFunc(out, func(x, y analysedNode) int { return cmp.Compare(x.Key, y.Key) })
	return out
}

func analysedForwards(incidentID uuid.UUID, forwards []*spread.Forward) []analysedForward {
	out := make([]analysedForward, len(forwards))
	for i, f := range forwards {
		out[i] = analysedForward{ID: f.ID, From: f.From, To: f.To, By: f.By, Key: f.Key, At: f.At.UnixMicro(), Method: f.Method}
		if f.IncidentID != incidentID || f.At.Location() != time.UTC {
			out[i].Key += " (wrong incident or zone)"
		}
	}
	slices.SortFunc(out, func(x, y analysedForward) int { return cmp.Compare(x.Key, y.Key) })
	return out
}

// The snapshot a cold analysis reads is, after every kind of write (a first
// batch, a batch naming recorded nodes again and retrying a recorded key, a
// forward's edit and deletion, a node's edit and takedown, a batch refused
// and rolled back, many small edits that make the writer rebuild it), what a
// fresh read of the tables gives; so is the rebuild the migration backfills
// existing incidents with.
func TestSnapshotIsWhatTheTablesSay(t *testing.T) {
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
	check := func(step string) {
		t.Helper()
		nodes, forwards, err := svc.Store.Snapshot(ctx, db, inc.ID)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		wantNodes, err := svc.Store.Nodes(ctx, db, inc.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantForwards, err := svc.Store.Forwards(ctx, db, inc.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := analysedNodes(inc.ID, nodes), analysedNodes(inc.ID, wantNodes); !slices.Equal(got, want) {
			t.Errorf("%s: snapshot nodes\n%+v\nwant\n%+v", step, got, want)
		}
		if got, want := analysedForwards(inc.ID, forwards), analysedForwards(inc.ID, wantForwards); !slices.Equal(got, want) {
			t.Errorf("%s: snapshot forwards\n%+v\nwant\n%+v", step, got, want)
		}
		for _, n := range nodes {
			if !n.Partial || n.IncidentID != inc.ID {
				t.Errorf("%s: node %s not a partial node of the incident", step, n.Key)
			}
		}
	}
	check("no chain")

	// Times with digits below a microsecond, which PostgreSQL rounds (half to even).
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	ats := []time.Duration{0, 500, 1500, 2500, 999_999_999, 123_456_789}
	p := func(k string) spread.NodeRef { return spread.NodeRef{Key: k, Kind: spread.Person} }
	name, members, external := "同名 群", 120, spread.External
	group := spread.NodeRef{Key: "g", Kind: "GROUP_CHAT", Name: &name, MemberCount: &members, Exposure: &external}
	var batch []*spread.ForwardInput
	for i, d := range ats {
		batch = append(batch, &spread.ForwardInput{Key: fmt.Sprint("f", i), At: base.Add(time.Duration(i)*time.Minute + d),
			Method: "FORWARD", From: p("p0"), To: p(fmt.Sprint("p", i+1)), By: p("p0")})
	}
	batch = append(batch, &spread.ForwardInput{Key: "post", At: base.Add(time.Hour), Method: "POST", From: p("p1"), To: group, By: p("p1")})
	recorded, err := svc.RecordForwards(ctx, inc.ID, batch)
	if err != nil {
		t.Fatal(err)
	}
	check("first batch")

	more, public := 480, spread.Public
	again := spread.NodeRef{Key: "g", Kind: "GROUP_CHAT", MemberCount: &more, Exposure: &public}
	if _, err := svc.RecordForwards(ctx, inc.ID, []*spread.ForwardInput{
		batch[0],
		{Key: "from-group", At: base.Add(2 * time.Hour), Method: "SCREENSHOT", From: again, To: p("outsider"), By: p("p1")},
	}); err != nil {
		t.Fatal(err)
	}
	check("a batch naming a recorded node again, with a retried key")

	at, method := base.Add(30*time.Minute+700), spread.Method("PHOTO")
	if _, err := svc.UpdateForward(ctx, recorded[1].ID, spread.ForwardPatch{At: &at, Method: &method}); err != nil {
		t.Fatal(err)
	}
	check("a forward edited")

	if err := svc.DeleteForward(ctx, recorded[2].ID); err != nil {
		t.Fatal(err)
	}
	check("a forward deleted")

	renamed, internal := "改名的群", spread.Internal
	if _, err := svc.UpdateNode(ctx, recorded[len(recorded)-1].To, spread.NodePatch{Name: &renamed, Exposure: &internal}); err != nil {
		t.Fatal(err)
	}
	check("a node edited")

	if _, err := svc.SetContainment(ctx, recorded[len(recorded)-1].To, spread.ContainmentInput{Status: "REQUESTED"}); err != nil {
		t.Fatal(err)
	}
	check("a takedown requested")

	// New nodes are written, then an unknown item refuses the batch: all of it rolls back.
	unknown := "no such item"
	if _, err := svc.RecordForwards(ctx, inc.ID, []*spread.ForwardInput{{Key: "refused", At: base.Add(3 * time.Hour),
		Method: "FORWARD", From: p("p1"), To: p("newcomer"), By: p("p1"), ItemKey: &unknown}}); err == nil {
		t.Fatal("a forward of an unknown item was recorded")
	}
	check("a batch rolled back")

	statuses := []spread.ContainmentStatus{"CONFIRMED_REMOVED", "REFUSED", "UNREACHABLE", "REQUESTED"}
	for i := range 40 {
		if _, err := svc.SetContainment(ctx, recorded[len(recorded)-1].To, spread.ContainmentInput{Status: statuses[i%len(statuses)]}); err != nil {
			t.Fatal(err)
		}
	}
	var parts int
	if err := db.Get(&parts, `SELECT count(*) FROM spread_snapshot_parts WHERE incident_id = $1`, inc.ID); err != nil {
		t.Fatal(err)
	}
	if parts > 33 {
		t.Errorf("%d parts after many small edits: never rebuilt", parts)
	}
	check("many small edits")

	if _, err := db.Exec(`SELECT spread_snapshot_rebuild($1)`, inc.ID); err != nil {
		t.Fatal(err)
	}
	check("rebuilt as the migration backfills")
}
