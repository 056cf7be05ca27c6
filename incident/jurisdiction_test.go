package incident_test

import (
	"testing"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/incident"
)

// A case's classification is on its jurisdiction's scale: a case opened
// without one takes the deployment's, and the jurisdiction is stored, read
// back and edited like any other detail.
func TestJurisdictionDefaultsAndRoundTrips(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if e.svc.DefaultJurisdiction != "CN" {
		t.Fatalf("a new service defaults to %q, want CN", e.svc.DefaultJurisdiction)
	}
	if inc := e.open(t); inc.Jurisdiction != "CN" {
		t.Fatalf("opened without a jurisdiction on a CN deployment: %q", inc.Jurisdiction)
	}

	e.svc.DefaultJurisdiction = "TW"
	tw := e.open(t)
	if tw.Jurisdiction != "TW" {
		t.Fatalf("opened without a jurisdiction on a TW deployment: %q", tw.Jurisdiction)
	}
	in := openInput()
	cn := incident.Jurisdiction("CN")
	in.Jurisdiction = &cn
	named, err := e.svc.Open(e.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if named.Jurisdiction != "CN" {
		t.Fatalf("a case naming CN on a TW deployment got %q", named.Jurisdiction)
	}

	got, err := e.svc.Get(e.ctx, tw.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Jurisdiction != "TW" {
		t.Fatalf("read back %q, want TW", got.Jurisdiction)
	}
	updated, err := e.svc.Update(e.ctx, tw.ID, tw.Version, incident.Patch{Jurisdiction: &cn})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Jurisdiction != "CN" || updated.Classification != tw.Classification {
		t.Fatalf("after the edit: %q %q", updated.Jurisdiction, updated.Classification)
	}
	if got, err = e.svc.Get(e.ctx, tw.ID); err != nil || got.Jurisdiction != "CN" {
		t.Fatalf("read back after the edit: %v %v", got, err)
	}
	// Leaving it out of a patch keeps it.
	if updated, err = e.svc.Update(e.ctx, tw.ID, updated.Version, incident.Patch{Summary: str("x")}); err != nil || updated.Jurisdiction != "CN" {
		t.Fatalf("after an unrelated edit: %q %v", updated.Jurisdiction, err)
	}
}

func TestUnknownJurisdictionIsInvalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hk := incident.Jurisdiction("HK")
	in := openInput()
	in.Jurisdiction = &hk
	_, err := e.svc.Open(e.ctx, in)
	if f := wantCode(t, err, apperr.InvalidInput).Field; f != "input.jurisdiction" {
		t.Fatalf("field %q", f)
	}
	inc := e.open(t)
	_, err = e.svc.Update(e.ctx, inc.ID, inc.Version, incident.Patch{Jurisdiction: &hk})
	wantCode(t, err, apperr.InvalidInput)
	// A service whose default is not a jurisdiction opens nothing rather than an unscaled case.
	e.svc.DefaultJurisdiction = ""
	_, err = e.svc.Open(e.ctx, openInput())
	wantCode(t, err, apperr.InvalidInput)
}
