package server_test

import (
	"strings"
	"testing"

	"github.com/leaktrail/leaktrail/server"
)

// LEAKTRAIL_JURISDICTION sets the scale of cases opened without one and is
// what screens without a case word levels from.
func TestDeploymentJurisdiction(t *testing.T) {
	t.Parallel()
	_, c := startWith(t, func(cfg *server.Config) { cfg.Jurisdiction = "TW" })
	var q struct{ DefaultJurisdiction string }
	c.Must(t, `{ defaultJurisdiction }`, nil, &q)
	if q.DefaultJurisdiction != "TW" {
		t.Fatalf("defaultJurisdiction %q", q.DefaultJurisdiction)
	}
	var opened struct {
		OpenIncident struct{ ID, Jurisdiction string }
	}
	c.Must(t, `mutation { openIncident(input: {title: "x", leakedItem: "x", classification: SECRET,
		detectedAt: "2026-01-01T00:00:00Z", detectionMethod: SELF_REPORT, reportedBy: "x"}) { id jurisdiction } }`, nil, &opened)
	if opened.OpenIncident.Jurisdiction != "TW" {
		t.Fatalf("opened as %q", opened.OpenIncident.Jurisdiction)
	}
	// The legal bases offered are the case's jurisdiction's.
	presets := func() string {
		var q struct {
			Incident struct{ LegalBasisPresets []string }
		}
		c.Must(t, `query($id: ID!) { incident(id: $id) { legalBasisPresets } }`, map[string]any{"id": opened.OpenIncident.ID}, &q)
		return strings.Join(q.Incident.LegalBasisPresets, "\n")
	}
	if got := presets(); !strings.Contains(got, "中華民國刑法 第一百三十二條") || strings.Contains(got, "中华人民共和国") {
		t.Fatalf("a TW case is offered %s", got)
	}
	var updated struct{ UpdateIncident struct{ Jurisdiction string } }
	c.Must(t, `mutation($id: ID!) { updateIncident(id: $id, expectedVersion: 1, input: {jurisdiction: CN}) { jurisdiction } }`,
		map[string]any{"id": opened.OpenIncident.ID}, &updated)
	if updated.UpdateIncident.Jurisdiction != "CN" {
		t.Fatalf("updated to %q", updated.UpdateIncident.Jurisdiction)
	}
	if got := presets(); !strings.Contains(got, "中华人民共和国保守国家秘密法") || strings.Contains(got, "中華民國") {
		t.Fatalf("a CN case is offered %s", got)
	}
	// Unset, the deployment is on the mainland scale.
	_, plain := start(t)
	plain.Must(t, `{ defaultJurisdiction }`, nil, &q)
	if q.DefaultJurisdiction != "CN" {
		t.Fatalf("default defaultJurisdiction %q", q.DefaultJurisdiction)
	}
}

func TestJurisdictionSettingIsValidated(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"", "CN", "TW"} {
		cfg := server.Config{DatabaseURL: "postgres://x", SessionTTL: 1, ReportWindow: 1, Jurisdiction: ok}
		cfg.S3.Endpoint = "x"
		if err := cfg.Validate(); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"HK", "cn", "Taiwan"} {
		cfg := server.Config{DatabaseURL: "postgres://x", SessionTTL: 1, ReportWindow: 1, Jurisdiction: bad}
		cfg.S3.Endpoint = "x"
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "LEAKTRAIL_JURISDICTION") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
