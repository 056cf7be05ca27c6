package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/internal/text"
)

// Evidence is shown in the browser only as a raster image or a PDF; HTML and
// SVG come down as application/octet-stream attachments, whatever was asked,
// so no script runs on the object store's origin. Names stored before they
// were checked leave the sealed package without their control characters.
func TestEvidenceServedForViewingOnlyAsImagesAndPDF(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, ref := openCase(t, c, "网页证据")
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...)
	files := []struct {
		name        string
		content     []byte
		inline      bool
		contentType string
	}{
		{"page.html", []byte("<!DOCTYPE html><html><script>alert(document.domain)</script></html>"), false, "application/octet-stream"},
		{"drawing.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), false, "application/octet-stream"},
		{"scan.pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), true, "application/pdf"},
		{"shot.png", png, true, "image/png"},
	}
	var ids []string
	for _, f := range files {
		url := beginUpload(t, c, id, f.name)
		status, body := send(t, c, http.MethodPut, url, bytes.NewReader(f.content), int64(len(f.content)))
		if status != http.StatusOK {
			t.Fatalf("upload %s: %d %v", f.name, status, body)
		}
		var got struct {
			Incident struct {
				Evidence []struct{ ID, FileName string }
			}
		}
		c.Must(t, `query($id: ID!) { incident(id: $id) { evidence { id fileName } } }`, map[string]any{"id": id}, &got)
		for _, e := range got.Incident.Evidence {
			if e.FileName == f.name {
				ids = append(ids, e.ID)
			}
		}
	}
	for i, f := range files {
		for _, view := range []bool{true, false} {
			var link struct{ EvidenceLink struct{ URL string } }
			c.Must(t, `mutation($id: ID!, $view: Boolean!) { evidenceLink(evidenceId: $id, purpose: "核对原件", view: $view) { url } }`,
				map[string]any{"id": ids[i], "view": view}, &link)
			resp, err := http.Get(link.EvidenceLink.URL)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			disposition, contentType := resp.Header.Get("Content-Disposition"), resp.Header.Get("Content-Type")
			wantDisposition := "attachment;"
			if view && f.inline {
				wantDisposition = "inline;"
			}
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, f.content) || !strings.HasPrefix(disposition, wantDisposition) ||
				contentType != f.contentType {
				t.Errorf("%s (view %v): %d, %s, %s; want %s and %s", f.name, view, resp.StatusCode, disposition, contentType,
					wantDisposition, f.contentType)
			}
		}
	}

	if _, err := m.DB.ExecContext(context.Background(), `UPDATE evidence SET file_name = $1 WHERE id = $2`,
		"invoice\u202Egpj.exe\x07", ids[0]); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/incidents/"+ref+"/evidence.zip", nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pkg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("the package may be sniffed")
	}
	z, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	cleaned := false
	for _, f := range z.File {
		if err := text.Line("name", f.Name); err != nil {
			t.Errorf("zip entry %q: %v", f.Name, err)
		}
		cleaned = cleaned || strings.HasSuffix(f.Name, "invoice_gpj.exe_")
		if f.Name == "manifest.txt" {
			r, _ := f.Open()
			manifest, _ := io.ReadAll(r)
			if err := text.Block("manifest.txt", string(manifest)); err != nil {
				t.Errorf("manifest.txt: %v", err)
			}
		}
	}
	if !cleaned {
		t.Errorf("no cleaned entry for the stored name among %d entries", len(z.File))
	}
}

// Names and titles with text-direction or control characters are refused
// with INVALID_INPUT naming the field, in every domain; multi-line text keeps
// its line breaks but not the rest.
func TestNamesWithBidiOrControlsAreRefused(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "名称校验")
	var me struct{ Me struct{ ID string } }
	c.Must(t, `{ me { id } }`, nil, &me)
	const rlo, bell = "发票\u202Egpj.exe", "响铃\x07"
	forward := func(byName string) map[string]any {
		return map[string]any{"key": "f1", "at": "2026-02-04T10:00:00+08:00", "method": "FORWARD",
			"from": map[string]any{"key": "a", "kind": "PERSON"}, "to": map[string]any{"key": "b", "kind": "PERSON"},
			"by": map[string]any{"key": "a", "kind": "PERSON", "name": byName}}
	}
	open := `mutation($t: String!, $s: String) { openIncident(input: {title: $t, summary: $s, leakedItem: "电报", classification: SECRET,
		detectedAt: "2026-02-04T10:00:00+08:00", detectionMethod: AUTHORITY_NOTICE, reportedBy: "市保密局"}) { id } }`
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"title with an override", open, map[string]any{"t": rlo}, "input.title"},
		{"title on two lines", open, map[string]any{"t": "第一行\n## 第二行"}, "input.title"},
		{"summary with an isolate", open, map[string]any{"t": "标题", "s": "第一行\n第二行\u2066隐藏\u2069"}, "input.summary"},
		{"summary with a bell", open, map[string]any{"t": "标题", "s": bell}, "input.summary"},
		{"task title", `mutation($id: ID!, $t: String!) { addTask(incidentId: $id, input: {title: $t}) { id } }`,
			map[string]any{"id": id, "t": rlo}, "input.title"},
		{"evidence file name", `mutation($id: ID!, $n: String!) { beginEvidenceUpload(incidentId: $id, input: {fileName: $n}) { uploadUrl } }`,
			map[string]any{"id": id, "n": rlo}, "input.fileName"},
		{"node name", `mutation($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }`,
			map[string]any{"id": id, "f": []any{forward(bell)}}, "forwards[0].by.name"},
		{"finding person", `mutation($id: ID!, $n: String!) { recordFinding(incidentId: $id, input: {personName: $n, kind: DIRECT,
			facts: "事实"}) { id } }`, map[string]any{"id": id, "n": rlo}, "input.personName"},
		{"measure title", `mutation($id: ID!, $o: ID!, $t: String!) { recordMeasure(incidentId: $id, input: {title: $t, ownerId: $o,
			dueOn: "2026-12-31"}) { id } }`, map[string]any{"id": id, "o": me.Me.ID, "t": rlo}, "input.title"},
	} {
		resp := c.Do(t, tc.query, tc.vars)
		if resp.Code() != "INVALID_INPUT" || resp.Errors[0].Extensions["field"] != tc.field {
			t.Errorf("%s: %s %+v, want INVALID_INPUT on %s", tc.name, resp.Code(), resp.Errors, tc.field)
		}
	}
	var ok struct{ OpenIncident struct{ Summary string } }
	c.Must(t, `mutation { openIncident(input: {title: "两行摘要", summary: "第一行\n\t第二行", leakedItem: "电报", classification: SECRET,
		detectedAt: "2026-02-04T10:00:00+08:00", detectionMethod: AUTHORITY_NOTICE, reportedBy: "市保密局"}) { summary } }`, nil, &ok)
	if ok.OpenIncident.Summary != "第一行\n\t第二行" {
		t.Errorf("multi-line summary became %q", ok.OpenIncident.Summary)
	}
	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "rlo", DisplayName: "管理员\u202E", Password: password,
		Roles: []auth.Role{auth.Investigator}}); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Errorf("display name with an override: %v", err)
	}
}

// Every id or reference the caller may not see, of whatever kind, and every
// id that does not exist, gets the same NOT_FOUND answer, byte for byte: an
// outsider learns neither that it exists nor what it is.
func TestHiddenIdsAllAnswerTheSame(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, ref := openCase(t, c, "隐藏对象")
	var me struct{ Me struct{ ID string } }
	c.Must(t, `{ me { id } }`, nil, &me)
	var fw struct {
		RecordForwards []struct {
			ID   string
			From struct{ ID string }
		}
	}
	c.Must(t, `mutation($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id from { id } } }`,
		map[string]any{"id": id, "f": []any{map[string]any{"key": "f1", "at": "2026-02-04T10:00:00+08:00", "method": "FORWARD",
			"from": map[string]any{"key": "a", "kind": "PERSON"}, "to": map[string]any{"key": "b", "kind": "PERSON"},
			"by": map[string]any{"key": "a", "kind": "PERSON"}}}}, &fw)
	var task struct{ AddTask struct{ ID string } }
	c.Must(t, `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "核查"}) { id } }`, map[string]any{"id": id}, &task)
	var finding struct{ RecordFinding struct{ ID string } }
	c.Must(t, `mutation($id: ID!) { recordFinding(incidentId: $id, input: {personName: "杨某", kind: DIRECT, facts: "转发"}) { id } }`,
		map[string]any{"id": id}, &finding)
	var measure struct{ RecordMeasure struct{ ID string } }
	c.Must(t, `mutation($id: ID!, $o: ID!) { recordMeasure(incidentId: $id, input: {title: "培训", ownerId: $o, dueOn: "2026-12-31"}) { id } }`,
		map[string]any{"id": id, "o": me.Me.ID}, &measure)
	content := []byte("截图")
	if status, body := send(t, c, http.MethodPut, beginUpload(t, c, id, "截图.txt"), bytes.NewReader(content), int64(len(content))); status != http.StatusOK {
		t.Fatalf("upload: %d %v", status, body)
	}
	var ev struct {
		Incident struct{ Evidence []struct{ ID string } }
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { evidence { id } } }`, map[string]any{"id": id}, &ev)

	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "outsider", Password: password,
		Roles: []auth.Role{auth.Investigator}}); err != nil {
		t.Fatal(err)
	}
	outsider := &testgql.Client{URL: m.URL()}
	outsider.Login(t, "outsider", password)
	var outsiderMe struct{ Me struct{ ID string } }
	outsider.Must(t, `{ me { id } }`, nil, &outsiderMe)

	asks := []struct{ name, query, hidden string }{
		{"incident", `mutation($id: ID!) { updateIncident(id: $id, expectedVersion: 1, input: {title: "改"}) { id } }`, id},
		{"task's incident", `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "改"}) { id } }`, id},
		{"task", `mutation($id: ID!) { completeTask(id: $id) { id } }`, task.AddTask.ID},
		{"forward", `mutation($id: ID!) { updateForward(id: $id, input: {misSent: true}) { id } }`, fw.RecordForwards[0].ID},
		{"node", `mutation($id: ID!) { updateNode(id: $id, input: {name: "改"}) { id } }`, fw.RecordForwards[0].From.ID},
		{"evidence", `mutation($id: ID!) { evidenceLink(evidenceId: $id, purpose: "看") { url } }`, ev.Incident.Evidence[0].ID},
		{"finding", `mutation($id: ID!) { updateFinding(id: $id, input: {personName: "某", kind: DIRECT, facts: "改"}) { id } }`,
			finding.RecordFinding.ID},
		{"measure", `mutation($id: ID!, $o: ID!) { updateMeasure(id: $id, input: {title: "改", ownerId: $o, dueOn: "2026-12-31"}) { id } }`,
			measure.RecordMeasure.ID},
	}
	answer := func(r testgql.Response) string {
		if len(r.Errors) != 1 {
			return fmt.Sprintf("%d errors: %s", len(r.Errors), r.Data)
		}
		b, _ := json.Marshal(map[string]any{"message": r.Errors[0].Message, "extensions": r.Errors[0].Extensions})
		return string(b)
	}
	first := ""
	for _, a := range asks {
		for _, target := range []string{a.hidden, "0190f5a4-0000-7000-8000-000000000000"} {
			got := answer(outsider.Do(t, a.query, map[string]any{"id": target, "o": outsiderMe.Me.ID}))
			if first == "" {
				first = got
			}
			if got != first || !strings.Contains(got, `"NOT_FOUND"`) {
				t.Errorf("%s %s: %s, want %s", a.name, target, got, first)
			}
		}
	}
	var want struct{ Message string }
	json.Unmarshal([]byte(first), &want) //nolint:errcheck // checked by the comparison below
	for _, r := range []string{ref, "LT-1999-9999"} {
		status, body := send(t, outsider, http.MethodGet, "/incidents/"+r+"/report.md", nil, 0)
		errs, _ := body["errors"].([]any)
		if status != http.StatusNotFound || len(errs) != 1 || errs[0].(map[string]any)["message"] != want.Message {
			t.Errorf("report of %s: %d %v, want %q", r, status, body, want.Message)
		}
	}
}
