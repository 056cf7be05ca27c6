package spread_test

import (
	"context"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/workflow"
)

// An external or public venue with no takedown keeps the case from closing;
// its takedown is still recorded (and audited) after the case is frozen,
// while every other change of the chain is refused with FROZEN.
func TestTakedownsOnAFrozenCase(t *testing.T) {
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
	incidents.FactSources = map[workflow.Source]incident.FactSource{workflow.FromSpread: svc.GateFacts}
	inc, err := incidents.Open(ctx, incident.OpenInput{Title: "x", LeakedItem: "x", Classification: "SECRET",
		DetectedAt: time.Now(), DetectionMethod: "SELF_REPORT", ReportedBy: "x"})
	if err != nil {
		t.Fatal(err)
	}
	public, internal := spread.Public, spread.Internal
	p := spread.NodeRef{Key: "p", Kind: spread.Person}
	fw, err := svc.RecordForwards(ctx, inc.ID, []*spread.ForwardInput{
		{Key: "f1", At: time.Now().Add(-2 * time.Hour), Method: "POST", From: p, By: p,
			To: spread.NodeRef{Key: "site", Kind: "WEBSITE", Exposure: &public}},
		{Key: "f2", At: time.Now().Add(-time.Hour), Method: "POST", From: p, By: p,
			To: spread.NodeRef{Key: "team", Kind: "GROUP_CHAT", Exposure: &internal}}})
	if err != nil {
		t.Fatal(err)
	}
	uncontained := func() int {
		t.Helper()
		f, err := incidents.Facts(ctx, inc)
		if err != nil {
			t.Fatal(err)
		}
		return f.UncontainedVenues
	}
	if n := uncontained(); n != 1 {
		t.Fatalf("uncontained venues %d, want the public site only", n)
	}
	if _, err := db.Exec(`UPDATE incidents SET stage = 'CLOSED', frozen_at = now() WHERE id = $1`, inc.ID); err != nil {
		t.Fatal(err)
	}
	site := fw[0].To
	if _, err := svc.UpdateNode(ctx, site, spread.NodePatch{Name: ptr("改名")}); apperr.CodeOf(err) != apperr.Frozen {
		t.Errorf("editing a node of a frozen case: %v", err)
	}
	if err := svc.DeleteForward(ctx, fw[1].ID); apperr.CodeOf(err) != apperr.Frozen {
		t.Errorf("deleting a forward of a frozen case: %v", err)
	}
	n, err := svc.SetContainment(ctx, site, spread.ContainmentInput{Status: spread.ConfirmedRemoved, Note: ptr("网站已删除")})
	if err != nil || n.Containment.Status != spread.ConfirmedRemoved {
		t.Fatalf("takedown on a frozen case: %+v %v", n, err)
	}
	if n := uncontained(); n != 0 {
		t.Fatalf("uncontained venues %d after the takedown", n)
	}
	rows, err := audit.List(context.Background(), db, &inc.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if last := rows[len(rows)-1]; last.Action != "spread.containment" {
		t.Fatalf("last audit entry %s", last.Action)
	}
}

func ptr[T any](v T) *T { return &v }
