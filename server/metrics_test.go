package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
)

func TestMetrics(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	c.Must(t, `query IncidentList { incidents { totalCount } }`, nil, nil)
	if r := c.Do(t, `query Missing { incident(id: "0190a3c4-0000-7000-8000-000000000000") { id } incidentByReference(reference: "LT-1900-0001") { stage } }`, nil); r.Errors != nil {
		t.Fatalf("a missing incident is null, not an error: %+v", r.Errors)
	}
	if r := c.Do(t, `mutation { advanceIncident(id: "0190a3c4-0000-7000-8000-000000000000", to: CLOSED) { id } }`, nil); r.Code() != "NOT_FOUND" {
		t.Fatalf("advance of no incident: %+v", r.Errors)
	}
	c.Send(t, http.MethodGet, "/incidents/LT-1900-0001/spread.json", "") // NOT_FOUND from a plain endpoint

	status, body := c.Send(t, http.MethodGet, "/metrics", "")
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d %s", status, body)
	}
	for _, want := range []string{
		`leaktrail_graphql_operation_duration_seconds_count{operation="IncidentList",type="query"} 1`,
		`leaktrail_graphql_operation_duration_seconds_count{operation="Missing",type="query"} 1`,
		`leaktrail_errors_total{code="NOT_FOUND"} 2`,
		`leaktrail_http_request_duration_seconds_count{route="/graphql",status="200"}`,
		`leaktrail_http_request_duration_seconds_count{route="GET /incidents/{reference}/spread.json",status="404"} 1`,
		`leaktrail_evidence_uploads_in_flight 0`,
		`go_sql_max_open_connections{db_name="leaktrail"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s\n%s", want, grepLines(body, "leaktrail_"))
		}
	}
}

func TestMetricsTokenGuardsTheEndpoint(t *testing.T) {
	t.Parallel()
	m, _ := startWith(t, func(c *server.Config) { c.MetricsToken = "scrape-secret" })
	anon := &testgql.Client{URL: m.URL()}
	if status, _ := anon.Send(t, http.MethodGet, "/metrics", ""); status != http.StatusUnauthorized {
		t.Fatalf("/metrics without the token: %d", status)
	}
	scraper := &testgql.Client{URL: m.URL(), Token: "scrape-secret"}
	if status, body := scraper.Send(t, http.MethodGet, "/metrics", ""); status != http.StatusOK || !strings.Contains(body, "leaktrail_errors_total") {
		t.Fatalf("/metrics with the token: %d %.200s", status, body)
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
