package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/server"
)

// Outcome data of the case below: none of it may reach a reader outside the outcomes tier.
var outcomeSecrets = []string{"DECIDER-MARK-9c1", "BASIS-MARK-9c1", "NOTE-MARK-9c1", "PARTY_PROBATION", "APPEALED"}

// selection selects every field of the named type, nested to depth, taking
// no type twice on one path; fields whose required arguments it cannot fill
// are left out.
func selection(s *ast.Schema, name string, depth int, path []string) string {
	def := s.Types[name]
	if def.Kind != ast.Object {
		return ""
	}
	if depth == 0 || slices.Contains(path, name) {
		return "{ __typename }"
	}
	var fields []string
	for _, fd := range def.Fields {
		if strings.HasPrefix(fd.Name, "__") {
			continue
		}
		var args []string
		fillable := true
		for _, a := range fd.Arguments {
			if !a.Type.NonNull || a.DefaultValue != nil {
				continue
			}
			switch a.Type.NamedType {
			case "String", "ID":
				args = append(args, fmt.Sprintf("%s: %q", a.Name, "x"))
			case "Int":
				args = append(args, a.Name+": 1")
			default:
				fillable = false
			}
		}
		if !fillable {
			continue
		}
		f := fd.Name
		if len(args) > 0 {
			f += "(" + strings.Join(args, ", ") + ")"
		}
		if fd.Name == "auditLog" {
			f += "(first: 200)"
		}
		fields = append(fields, f+" "+selection(s, fd.Type.Name(), depth-1, append(path, name)))
	}
	return "{ " + strings.Join(fields, " ") + " }"
}

// Every field that can carry a disciplinary outcome, read by members of the
// case outside the outcomes tier, shows none of it: the Incident and all it
// reaches (findings, audit log, reviews), the whole audit log, statistics,
// the report, the exports and the live events. The lead, reading the same
// fields, sees it all, which shows the walk reaches them.
func TestEveryFieldKeepsOutcomesToTheirTier(t *testing.T) {
	t.Parallel()
	m, _ := startWith(t, func(c *server.Config) { c.ComplexityLimit = 1 << 30 })
	schema := loadSchema(t)
	ctx := context.Background()
	clients := map[string]*testgql.Client{}
	ids := map[string]string{}
	for name, roles := range map[string][]auth.Role{
		"lead":         {auth.Investigator},
		"investigator": {auth.Investigator},             // an INVESTIGATOR member without outcomesAccess
		"auditor":      {auth.Admin, auth.Investigator}, // reads the whole audit log; an OBSERVER member
		"boss":         {auth.Leadership},               // reviews the closed case (and sees outcomes)
	} {
		u, err := m.Auth.AddUser(ctx, auth.NewUser{Username: name, Password: password, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = u.ID.String()
		clients[name] = &testgql.Client{URL: m.URL()}
		clients[name].Login(t, name, password)
	}
	lead := clients["lead"]
	incID, ref := openCase(t, lead, "处理结果分级")
	for who, role := range map[string]string{"investigator": "INVESTIGATOR", "auditor": "OBSERVER"} {
		lead.Must(t, `mutation($i: ID!, $u: ID!, $r: CaseRole!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: $r,
			outcomesAccess: false) { caseRole } }`, map[string]any{"i": incID, "u": ids[who], "r": role}, nil)
	}
	var finding struct{ RecordFinding struct{ ID string } }
	lead.Must(t, `mutation($i: ID!) { recordFinding(incidentId: $i, input: {personName: "杨某", kind: DIRECT,
		facts: "翻拍明电发至微信群"}) { id } }`, map[string]any{"i": incID}, &finding)
	// A live subscriber outside the tier hears that an outcome changed, and nothing of it.
	subCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	conn := subscribe(t, subCtx, m.URL(), clients["investigator"].Token, incID)
	time.Sleep(200 * time.Millisecond) // let the subscription register
	var outcome struct{ ProposeOutcome struct{ ID string } }
	lead.Must(t, `mutation($f: ID!) { proposeOutcome(findingId: $f, input: {type: PARTY_PROBATION,
		decidingBody: "DECIDER-MARK-9c1", legalBasis: "BASIS-MARK-9c1"}) { id } }`,
		map[string]any{"f": finding.RecordFinding.ID}, &outcome)
	// The event is the action's name alone (IncidentChange has no other
	// content): that an outcome moved, which the audit trail shows too.
	// Notifications of the changes above (the members) may still arrive first.
	for event := next(t, subCtx, conn); event != "outcome.propose"; event = next(t, subCtx, conn) {
		if strings.HasPrefix(event, "outcome.") {
			t.Fatalf("event %q before outcome.propose", event)
		}
	}
	for _, move := range []string{`status: DECIDED, decidedOn: "2026-01-05"`, `status: APPEALED, note: "NOTE-MARK-9c1"`} {
		lead.Must(t, `mutation($id: ID!) { setOutcomeStatus(id: $id, `+move+`) { status } }`,
			map[string]any{"id": outcome.ProposeOutcome.ID}, nil)
	}
	// The closed case is reviewed: its snapshot holds the outcomes as leadership sees them.
	if _, err := m.DB.Exec(`UPDATE incidents SET stage = 'CLOSED' WHERE id = $1`, incID); err != nil {
		t.Fatal(err)
	}
	clients["boss"].Must(t, `mutation($i: ID!) { reviewIncident(incidentId: $i, decision: ACCEPTED, comments: "处置得当") { id } }`,
		map[string]any{"i": incID}, nil)

	read := func(c *testgql.Client) string {
		t.Helper()
		var b strings.Builder
		for _, fd := range schema.Query.Fields {
			if strings.HasPrefix(fd.Name, "__") {
				continue
			}
			var params, args []string
			vars := map[string]any{}
			for _, a := range fd.Arguments {
				switch a.Type.Name() {
				case "ID":
					vars[a.Name] = incID
				case "String":
					vars[a.Name] = ref
				case "Int":
					vars[a.Name] = 200
				default:
					continue
				}
				params = append(params, fmt.Sprintf("$%s: %s", a.Name, a.Type.String()))
				args = append(args, fmt.Sprintf("%s: $%s", a.Name, a.Name))
			}
			q := "query"
			if len(params) > 0 {
				q += "(" + strings.Join(params, ", ") + ")"
			}
			q += " { " + fd.Name
			if len(args) > 0 {
				q += "(" + strings.Join(args, ", ") + ")"
			}
			q += " " + selection(schema, fd.Type.Name(), 6, nil) + " }"
			r := c.Do(t, q, vars)
			if r.Status >= 500 || r.Code() == "GRAPHQL_VALIDATION_FAILED" || r.Code() == "COMPLEXITY_LIMIT_EXCEEDED" {
				t.Fatalf("%s: %d %+v", fd.Name, r.Status, r.Errors)
			}
			raw, _ := json.Marshal(r)
			b.Write(raw)
		}
		for _, path := range []string{"/incidents/" + ref + "/report.md?lang=en", "/incidents/" + ref + "/evidence.zip",
			"/incidents/" + ref + "/spread.json", "/statistics.csv"} {
			req, _ := http.NewRequest(http.MethodGet, m.URL()+path, nil)
			req.Header.Set("Authorization", "Bearer "+c.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
			b.Write(body)
		}
		return b.String()
	}
	seen := read(lead)
	for _, s := range outcomeSecrets {
		if !strings.Contains(seen, s) {
			t.Errorf("the lead's walk never shows %q: the walk misses outcome fields", s)
		}
	}
	for _, who := range []string{"investigator", "auditor"} {
		seen := read(clients[who])
		for _, s := range outcomeSecrets {
			if i := strings.Index(seen, s); i >= 0 {
				t.Errorf("%s, outside the outcomes tier, reads %q: …%s…", who, s, seen[max(0, i-300):min(len(seen), i+100)])
			}
		}
		if !strings.Contains(seen, `outcome.propose`) || !strings.Contains(seen, `{\"withheld\":\"outcomes-tier\"}`) {
			t.Errorf("%s's audit trail lost the outcome entries rather than withholding their changes", who)
		}
	}

	// The stored snapshot of the review is the outcomes tier's alone.
	investigator, err := m.Auth.UserByUsername(ctx, "investigator")
	if err != nil {
		t.Fatal(err)
	}
	reviews, err := m.Discipline.Reviews(auth.WithUser(ctx, investigator), mustUUID(t, incID))
	if err != nil || len(reviews) != 1 || reviews[0].Snapshot != nil || reviews[0].SnapshotSHA256 == nil {
		t.Fatalf("the investigator's reviews: %+v %v", reviews, err)
	}
}
