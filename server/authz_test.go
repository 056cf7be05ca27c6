package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// marker is in the hidden incident's title: it must never reach a caller who
// is not on the incident.
const marker = "MARKER-绝密-7f3a"

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob("../schema/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v", err)
	}
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	s, gqlErr := gqlparser.LoadSchema(sources...)
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	return s
}

// authzFixture is a server with an incident that only its lead is on.
type authzFixture struct {
	schema   *ast.Schema
	callers  map[string]*testgql.Client // anonymous, outsider, leadership, admin
	lead     *testgql.Client
	ids      map[string]string // user ids by username
	incident struct {
		id, ref, taskID string
		version         int
	}
	leadTokenID string
	strings     int
}

func newAuthzFixture(t *testing.T) *authzFixture {
	m, _ := start(t)
	f := &authzFixture{schema: loadSchema(t), callers: map[string]*testgql.Client{}, ids: map[string]string{}}
	for name, roles := range map[string][]auth.Role{
		"lead":       {auth.Investigator},
		"outsider":   {auth.Investigator, auth.Responder},
		"leadership": {auth.Leadership},
		"admin":      {auth.Admin},
		"bystander":  {auth.Responder},
	} {
		u, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: name, Password: password, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		f.ids[name] = u.ID.String()
		c := &testgql.Client{URL: m.URL()}
		c.Login(t, name, password)
		switch name {
		case "lead":
			f.lead = c
		case "bystander":
		default:
			f.callers[name] = c
		}
	}
	f.callers["anonymous"] = &testgql.Client{URL: m.URL()}

	var opened struct {
		OpenIncident struct {
			ID, Reference string
			Version       int
		}
	}
	f.lead.Must(t, `mutation($t: String!) { openIncident(input: {title: $t, leakedItem: "会议纪要", classification: TOP_SECRET,
		detectedAt: "2026-01-01T08:00:00+08:00", detectionMethod: MONITORING, reportedBy: "值班室"}) { id reference version } }`,
		map[string]any{"t": "Hidden case " + marker}, &opened)
	f.incident.id, f.incident.ref = opened.OpenIncident.ID, opened.OpenIncident.Reference
	var task struct{ AddTask struct{ ID string } }
	f.lead.Must(t, `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "调取传真记录"}) { id } }`,
		map[string]any{"id": f.incident.id}, &task)
	f.incident.taskID = task.AddTask.ID
	var tok struct {
		CreateApiToken struct{ APIToken struct{ ID string } }
	}
	f.lead.Must(t, `mutation { createApiToken(name: "nightly export") { apiToken { id } } }`, nil, &tok)
	f.leadTokenID = tok.CreateApiToken.APIToken.ID
	f.incident.version = f.currentVersion(t)
	return f
}

func (f *authzFixture) currentVersion(t *testing.T) int {
	var out struct{ Incident struct{ Version int } }
	f.lead.Must(t, `query($id: ID!) { incident(id: $id) { version } }`, map[string]any{"id": f.incident.id}, &out)
	return out.Incident.Version
}

// argValue makes a value for an argument, aimed at the hidden incident (or its
// task, or another user's token) wherever an id is asked for, and otherwise
// valid, so that only authorization can refuse the call.
func (f *authzFixture) argValue(field, arg string, typ *ast.Type) any {
	switch field + "." + arg {
	case "completeTask.id":
		return f.incident.taskID
	case "revokeApiToken.id":
		return f.leadTokenID
	case "setUserRoles.id", "setUserDisabled.id":
		return f.ids["lead"]
	case "setUserRoles.roles":
		return []any{"INVESTIGATOR"}
	case "setUserDisabled.disabled":
		return false
	case "resetUserPassword.id":
		// Not a caller: the admin's reset must not sign a caller out.
		return f.ids["bystander"]
	case "advanceIncident.to":
		return "INITIAL_RESPONSE"
	case "setIncidentMember.caseRole":
		return "OBSERVER"
	case "setIncidentMember.userId", "removeIncidentMember.userId":
		// Not a caller: the admin may add and remove them without changing who the callers are.
		return f.ids["bystander"]
	case "login.username":
		return "lead"
	}
	if typ.Elem != nil {
		return []any{f.argValue(field, arg, typ.Elem)}
	}
	switch typ.NamedType {
	case "ID":
		return f.incident.id
	case "String":
		if arg == "reference" {
			return f.incident.ref
		}
		f.strings++ // distinct, so keys that must differ do
		return fmt.Sprintf("a plausible value %d", f.strings)
	case "Int":
		if arg == "expectedVersion" {
			return f.incident.version
		}
		return 1
	case "Boolean":
		return true
	case "Float":
		return 0.5
	case "Time":
		return time.Now().Add(-time.Hour).Format(time.RFC3339)
	case "Date":
		return time.Now().Format(time.DateOnly)
	case "Int64":
		return 1
	}
	def := f.schema.Types[typ.NamedType]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		obj := map[string]any{}
		for _, fd := range def.Fields {
			if fd.Type.NonNull && fd.DefaultValue == nil {
				obj[fd.Name] = f.argValue(field, fd.Name, fd.Type)
			}
		}
		return obj
	}
	panic(fmt.Sprintf("no test value for %s.%s of type %s", field, arg, typ))
}

// operation calls one root field with every argument as a variable.
func (f *authzFixture) operation(kind string, fd *ast.FieldDefinition) (string, map[string]any) {
	var params, args []string
	vars := map[string]any{}
	for _, a := range fd.Arguments {
		params = append(params, fmt.Sprintf("$%s: %s", a.Name, a.Type.String()))
		args = append(args, fmt.Sprintf("%s: $%s", a.Name, a.Name))
		vars[a.Name] = f.argValue(fd.Name, a.Name, a.Type)
	}
	q := kind
	if len(params) > 0 {
		q += "(" + strings.Join(params, ", ") + ")"
	}
	q += " { " + fd.Name
	if len(args) > 0 {
		q += "(" + strings.Join(args, ", ") + ")"
	}
	if def := f.schema.Types[fd.Type.Name()]; def.Kind == ast.Object {
		q += " { __typename }"
	}
	return q + " }", vars
}

// Fields anyone may call: signing in is how one stops being anonymous,
// signing out without a session does nothing, and `me` answers null.
var publicFields = map[string]bool{"login": true, "logout": true, "me": true}

// Fields a signed-in user may call whatever their incidents, because they act
// only on the caller's own things or on nothing of anyone else's case:
var selfScoped = map[string]bool{
	"login": true, "logout": true, "me": true, // the caller's own session
	"setMyLocale":         true, // the caller's own language
	"changeMyPassword":    true, // the caller's own password, given the current one
	"users":               true, // the directory of names and roles; no case content
	"apiTokens":           true, // the caller's own tokens
	"createApiToken":      true, // a token for the caller, with the caller's rights
	"openIncident":        true, // a new case the caller is on
	"incidents":           true, // filtered to the caller's cases; checked to exclude the hidden one
	"legalBasisPresets":   true, // reference text, no case content
	"defaultJurisdiction": true, // a deployment setting, no case content
	"statistics":          true, // counts only the caller's cases; checked to exclude the hidden one
	"clockDefinitions":    true, // a deployment setting, no case content
	// The caller's own notices and settings; a notice is of a case they could read when it was sent.
	"notices": true, "noticeSettings": true, "markNoticesRead": true, "updateNoticeSettings": true,
}

// Fields an administrator may call on an incident they are not on: membership
// (without case content) and user administration, the admin's job.
var adminFields = map[string]bool{
	"incidentMembership": true, "setIncidentMember": true, "removeIncidentMember": true,
	"createUser": true, "setUserRoles": true, "setUserDisabled": true, "resetUserPassword": true,
	"auditLog": true, "auditVerify": true, // entries about others' cases are redacted
	// Notification plumbing: no case content, and an endpoint hears only of its user's cases.
	"roleSubscriptions": true, "setRoleSubscription": true, "webhookEndpoints": true, "createWebhookEndpoint": true,
	"updateWebhookEndpoint": true, "deleteWebhookEndpoint": true, "testWebhookEndpoint": true, "replayWebhookDelivery": true,
}

// Every query and mutation in the schema, called by someone with no business
// on the hidden incident, gives them nothing of it.
func TestEveryFieldEnforcesNeedToKnow(t *testing.T) {
	t.Parallel()
	f := newAuthzFixture(t)
	roots := []struct {
		kind string
		def  *ast.Definition
	}{{"query", f.schema.Query}, {"mutation", f.schema.Mutation}}
	secrets := []string{marker, f.incident.ref, f.incident.taskID}
	for _, root := range roots {
		for _, fd := range root.def.Fields {
			if strings.HasPrefix(fd.Name, "__") {
				continue
			}
			for _, who := range []string{"anonymous", "outsider", "leadership", "admin"} {
				t.Run(root.kind+"/"+fd.Name+"/"+who, func(t *testing.T) {
					q, vars := f.operation(root.kind, fd)
					c := f.callers[who]
					if fd.Name == "logout" && who != "anonymous" {
						// A session of its own, so the caller stays signed in for the other fields.
						c = &testgql.Client{URL: c.URL}
						c.Login(t, who, password)
					}
					r := c.Do(t, q, vars)
					raw, _ := json.Marshal(r)
					for _, s := range secrets {
						if strings.Contains(string(raw), s) {
							t.Fatalf("response reveals %q: %s", s, raw)
						}
					}
					if r.Status >= 500 {
						t.Fatalf("status %d", r.Status)
					}
					var data map[string]any
					json.Unmarshal(r.Data, &data) //nolint:errcheck // null data decodes to a nil map
					switch {
					case who == "anonymous" && !publicFields[fd.Name]:
						if r.Code() != "UNAUTHENTICATED" {
							t.Fatalf("anonymous: %s %+v", r.Data, r.Errors)
						}
					case selfScoped[fd.Name], who == "admin" && adminFields[fd.Name], who == "anonymous":
						// Allowed to succeed; the leak check above still applies.
					case r.Code() == "FORBIDDEN" || r.Code() == "NOT_FOUND":
					case len(r.Errors) == 0 && data[fd.Name] == nil:
						// A nullable lookup answered "no such incident".
					default:
						t.Fatalf("%s got %s %+v, want FORBIDDEN, NOT_FOUND or null", who, r.Data, r.Errors)
					}
				})
			}
		}
	}
	t.Run("the hidden incident is unchanged", func(t *testing.T) {
		if v := f.currentVersion(t); v != f.incident.version {
			t.Fatalf("version %d, was %d", v, f.incident.version)
		}
		var out struct {
			Incident struct {
				Members []struct {
					CaseRole string
					User     struct{ Username string }
				}
				Tasks []struct{ Done bool }
			}
		}
		f.lead.Must(t, `query($id: ID!) { incident(id: $id) { members { caseRole user { username } } tasks { done } } }`,
			map[string]any{"id": f.incident.id}, &out)
		for _, m := range out.Incident.Members {
			if (m.User.Username == "lead") != (m.CaseRole == "LEAD") || f.callers[m.User.Username] != nil {
				t.Fatalf("membership changed: %+v", out.Incident.Members)
			}
		}
		if out.Incident.Tasks[0].Done {
			t.Fatal("the task was completed")
		}
	})
}

// Lists, counts and search never include an incident the caller is not on;
// LEADERSHIP sees it once closed; the admin manages its membership blind.
func TestListsCountsAndSearchHideIncidents(t *testing.T) {
	t.Parallel()
	f := newAuthzFixture(t)
	const list = `query($text: String) { incidents(filter: {text: $text}) { totalCount edges { node { id } } } }`
	count := func(c *testgql.Client, text any) int {
		t.Helper()
		var out struct{ Incidents struct{ TotalCount int } }
		c.Must(t, list, map[string]any{"text": text}, &out)
		return out.Incidents.TotalCount
	}
	for _, who := range []string{"outsider", "leadership", "admin"} {
		for _, text := range []any{nil, marker, f.incident.ref} {
			if n := count(f.callers[who], text); n != 0 {
				t.Errorf("%s sees %d incidents searching %v", who, n, text)
			}
		}
	}
	if n := count(f.lead, marker); n != 1 {
		t.Fatalf("the lead finds %d", n)
	}
	// Statistics count only the caller's cases.
	for who, want := range map[string]int{"outsider": 0, "leadership": 0, "admin": 0} {
		var out struct{ Statistics struct{ Incidents int } }
		f.callers[who].Must(t, `{ statistics { incidents } }`, nil, &out)
		if out.Statistics.Incidents != want {
			t.Errorf("%s's statistics count %d incidents", who, out.Statistics.Incidents)
		}
	}
	var leads struct{ Statistics struct{ Incidents int } }
	f.lead.Must(t, `{ statistics { incidents } }`, nil, &leads)
	if leads.Statistics.Incidents == 0 {
		t.Error("the lead's statistics count nothing")
	}

	// Nobody lets themselves in.
	for _, who := range []string{"outsider", "leadership"} {
		r := f.callers[who].Do(t, `mutation($i: ID!, $u: ID!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: LEAD) { caseRole } }`,
			map[string]any{"i": f.incident.id, "u": f.ids[who]})
		if r.Code() != "NOT_FOUND" {
			t.Fatalf("%s adding themselves: %+v", who, r.Errors)
		}
	}

	// The admin lets the outsider in, without reading the case.
	admin := f.callers["admin"]
	var membership struct {
		IncidentMembership struct {
			IncidentID string
			Members    []struct{ CaseRole string }
		}
	}
	admin.Must(t, `query($ref: String!) { incidentMembership(reference: $ref) { incidentId members { caseRole } } }`,
		map[string]any{"ref": f.incident.ref}, &membership)
	if membership.IncidentMembership.IncidentID != f.incident.id || len(membership.IncidentMembership.Members) != 1 {
		t.Fatalf("membership %+v", membership)
	}
	admin.Must(t, `mutation($i: ID!, $u: ID!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: OBSERVER) { caseRole } }`,
		map[string]any{"i": f.incident.id, "u": f.ids["outsider"]}, nil)
	if n := count(f.callers["outsider"], marker); n != 1 {
		t.Fatalf("a new observer finds %d", n)
	}
	if n := count(admin, marker); n != 0 {
		t.Fatalf("the admin finds %d after managing membership", n)
	}
	// An observer reads but may not change anything.
	r := f.callers["outsider"].Do(t, `mutation($id: ID!) { recordContainmentAction(incidentId: $id, input: {kind: RECALL,
		description: "x", takenAt: "2026-01-01T09:00:00+08:00"}) { id } }`, map[string]any{"id": f.incident.id})
	if r.Code() != "FORBIDDEN" {
		t.Fatalf("observer edit: %+v", r.Errors)
	}
	var trail struct {
		AuditLog struct {
			Entries []struct{ Action, Changes string }
		}
	}
	admin.Must(t, `{ auditLog(first: 200) { entries { action changes } } }`, nil, &trail)
	for _, e := range trail.AuditLog.Entries {
		if strings.Contains(e.Changes, marker) {
			t.Fatalf("the admin's audit view shows case content: %+v", e)
		}
	}
}
