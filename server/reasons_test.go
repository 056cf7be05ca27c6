package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// TestErrorsCarryReasonAndParams: every error names its reason and params
// for a client to word in its reader's language (issue 15): a kind conflict in
// the forward form, an import's bad file and rows, a plain refusal over HTTP
// and over GraphQL with a stage's code among its params.
func TestErrorsCarryReasonAndParams(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	id, ref := openCase(t, c, "错误原因")
	c.Must(t, record, map[string]any{"id": id, "f": []map[string]any{
		fwd("r-01", 0, "PHOTO", person("p:甲"), person("p:乙"), person("p:甲"))}}, nil)

	type row struct {
		Index          int
		Field, Problem string
		Params         map[string]any
	}
	type answer struct {
		Errors []struct {
			Message    string
			Extensions struct {
				Code, Reason, Field string
				Params              map[string]any
				Errors              []row
			}
		}
	}

	// The forward form: 乙 recorded as a person, now named as a group.
	r := c.Do(t, record, map[string]any{"id": id, "f": []map[string]any{
		fwd("r-02", time.Hour, "FORWARD", person("p:甲"), venue("p:乙", "GROUP_CHAT", "EXTERNAL", 5), person("p:甲"))}})
	var gql answer
	raw, _ := json.Marshal(r)
	if err := json.Unmarshal(raw, &gql); err != nil || len(gql.Errors) != 1 {
		t.Fatalf("kind conflict: %s", raw)
	}
	ext := gql.Errors[0].Extensions
	if ext.Code != "INVALID_INPUT" || ext.Reason != "forwards_are_invalid_see_errors_index_field" || ext.Params["0"] != 1.0 ||
		len(ext.Errors) != 1 || ext.Errors[0].Problem != "KIND_CONFLICT" || ext.Errors[0].Params["key"] != "p:乙" ||
		ext.Errors[0].Params["kind"] != "PERSON" {
		t.Fatalf("kind conflict: %s", raw)
	}

	upload := func(query, body string) answer {
		t.Helper()
		_, text := c.Send(t, http.MethodPost, "/incidents/"+ref+"/forwards"+query, body)
		var a answer
		if err := json.Unmarshal([]byte(text), &a); err != nil || len(a.Errors) != 1 {
			t.Fatalf("import: %s", text)
		}
		return a
	}
	// A whole file refused, by its problem.
	a := upload("", "key,at,colour\n")
	if e := a.Errors[0].Extensions; e.Reason != "UNKNOWN_COLUMN" || e.Params["column"] != "colour" {
		t.Fatalf("unknown column: %+v", a)
	}
	// A plain refusal: its reason from its format, the values by position.
	a = upload("?timeZone=Mars/Olympus", "key,at\n")
	if e := a.Errors[0].Extensions; e.Reason != "is_not_an_iana_time_zone_such_as" || e.Params["0"] != "Mars/Olympus" || e.Field != "timeZone" {
		t.Fatalf("time zone: %+v", a)
	}
	// A GraphQL refusal with a stage's code among its params.
	r = c.Do(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INVESTIGATION) { stage } }`, map[string]any{"id": id})
	raw, _ = json.Marshal(r)
	gql = answer{}
	if err := json.Unmarshal(raw, &gql); err != nil || len(gql.Errors) != 1 {
		t.Fatalf("advance: %s", raw)
	}
	if e := gql.Errors[0].Extensions; e.Reason != "an_incident_moves_forward_one_stage_at_a" || e.Params["0"] != "DETECT" || e.Params["1"] != "INITIAL_RESPONSE" {
		t.Fatalf("advance: %s", raw)
	}
}
