package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzGraphQL sends any operation with any variables through the resolvers
// of a real server: the answer is always JSON, never a 5xx, and never an
// INTERNAL error (which would mean a bug got as far as the error presenter).
// `$ID` in a seed stands for a real incident of the signed-in user.
func FuzzGraphQL(f *testing.F) {
	for _, seed := range [][2]string{
		{`query { incidents(first: 5, filter: {text: "群"}) { totalCount edges { node { reference lead { displayName } tasks { title } } } } }`, `{}`},
		{`query($id: ID!) { incident(id: $id) { spread { depth frontier(first: 3) { key } pathTo(nodeKey: "p:甲") { key } } } }`, `{"id":"$ID"}`},
		{`mutation($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }`,
			`{"id":"$ID","f":[{"key":"k1","at":"2026-02-03T09:00:00+08:00","method":"PHOTO","from":{"key":"p:甲","kind":"PERSON"},"to":{"key":"g:群","kind":"GROUP_CHAT","memberCount":-1},"by":{"key":"p:甲","kind":"PERSON"}}]}`},
		{`mutation($id: ID!) { advanceIncident(id: $id, to: CLOSED, note: "") { stage } }`, `{"id":"$ID"}`},
		{`mutation($id: ID!) { updateIncident(id: $id, input: {title: "", detectedAt: "1800-01-01T00:00:00Z"}) { id } }`, `{"id":"$ID"}`},
		{`mutation($id: ID!) { beginEvidenceUpload(incidentId: $id, input: {fileName: "../x", timeZone: "Mars/Base"}) { id } }`, `{"id":"$ID"}`},
		{`mutation($id: ID!) { addTask(incidentId: $id, input: {title: "核实", stage: DETECT}) { id } }`, `{"id":"$ID"}`},
		{`query { statistics(from: "2026-13-01", to: "2026-01-01", unit: MONTH) { incidents } }`, `{}`},
		{`{ __typename incident(id: "not-a-uuid") { id } }`, `{}`},
		{`mutation { openIncident(input: {title: "x", leakedItem: "y", classification: SECRET, detectedAt: "2026-02-01T00:00:00Z", detectionMethod: SELF_REPORT, reportedBy: "z", whereSeen: "w"}) { id } }`, `{}`},
	} {
		f.Add(seed[0], seed[1])
	}
	_, c := start(f)
	id, _ := openCase(f, c, "模糊测试")
	f.Fuzz(func(t *testing.T, query, variables string) {
		var vars map[string]any
		if json.Unmarshal([]byte(strings.ReplaceAll(variables, "$ID", id)), &vars) != nil {
			vars = nil
		}
		r := c.Do(t, query, vars)
		if r.Status >= 500 {
			t.Fatalf("status %d for %q %s: %+v", r.Status, query, variables, r.Errors)
		}
		for _, e := range r.Errors {
			if e.Extensions["code"] == "INTERNAL" {
				t.Fatalf("INTERNAL for %q %s: %+v", query, variables, e)
			}
		}
	})
}
