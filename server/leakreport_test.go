package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/ui/web/src/locales"
)

const issue = `mutation($id: ID!, $in: IssueReportInput!) { issueReport(incidentId: $id, input: $in) {
	id kind language format sha256 issuedBy { username } notification { id }
	evidence { id sha256 fileName custody { action sha256 } } } }`

type issuedView struct {
	ID, Kind, Language, Format, Sha256 string
	IssuedBy                           struct{ Username string }
	Notification                       *struct{ ID string }
	Evidence                           struct {
		ID, Sha256, FileName string
		Custody              []struct {
			Action string
			Sha256 *string
		}
	}
}

// reportText is the text of an issued PDF (pdftotext) or DOCX (its
// word/document.xml without the markup), without white space, so that a
// phrase a table cell wraps is still found whole.
func reportText(t *testing.T, format string, body []byte) string {
	t.Helper()
	var text string
	switch format {
	case "PDF":
		path := filepath.Join(t.TempDir(), "r.pdf")
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text = string(out)
	case "DOCX":
		z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		f, err := z.Open("word/document.xml")
		if err != nil {
			t.Fatal(err)
		}
		xml, _ := io.ReadAll(f)
		f.Close()
		text = html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(xml), ""))
	}
	return strings.Join(strings.Fields(text), "")
}

// download fetches an evidence item's bytes through a download link.
func download(t *testing.T, c *testgql.Client, evidenceID string) []byte {
	t.Helper()
	var link struct{ EvidenceLink struct{ URL string } }
	c.Must(t, `mutation($id: ID!) { evidenceLink(evidenceId: $id, purpose: "核对报告") { url } }`, map[string]any{"id": evidenceID}, &link)
	resp, err := http.Get(link.EvidenceLink.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return body
}

// The report upward of a real case, issued in each language as PDF and
// DOCX, holds its seven items and their facts, read back from the files the
// vault keeps (whose SHA-256 is the one recorded, with custody), linked to
// the notification it satisfies; the case lists it; an observer, an
// outsider and another case's notification are refused; a frozen case
// still gets its result report, not a report upward.
func TestIssueReportUpwardAndResult(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "密码电报照片外泄")
	vars := map[string]any{"id": id}
	var cur struct{ Incident struct{ Version int } }
	c.Must(t, `query($id: ID!) { incident(id: $id) { version } }`, vars, &cur)
	c.Must(t, `mutation($id: ID!, $v: Int!) { updateIncident(id: $id, expectedVersion: $v, input: {secrecyPeriod: "10年",
		whereSeen: "境外网站论坛版块", summary: "县政府办用普通传真机传输密码电报，经翻拍后层层转发，最终出现在境外网站。",
		scopeAndImportance: "涉及防汛调度部署", businessImpact: "需调整部署方案"}) { id } }`, map[string]any{"id": id, "v": cur.Incident.Version}, nil)
	c.Must(t, `mutation($id: ID!) { recordLeakedItem(incidentId: $id, input: {key: "item:电报", title: "防汛密码电报",
		kind: PHOTO_OF_DOCUMENT, classification: SECRET, documentNumber: "〔2026〕7号"}) { id } }`, vars, nil)
	c.Must(t, record, map[string]any{"id": id, "f": faxChain()}, nil)
	c.Must(t, `mutation($id: ID!) { recordContainmentAction(incidentId: $id, input: {kind: TAKEDOWN_REQUEST,
		description: "请境外网站管理员删除帖子", takenAt: "2026-02-04T11:00:00+08:00"}) { id } }`, vars, nil)
	var notified struct{ RecordNotification struct{ ID string } }
	c.Must(t, `mutation($id: ID!) { recordNotification(incidentId: $id, input: {authority: CONFIDENTIALITY_BUREAU,
		notifiedAt: "2026-02-04T12:00:00+08:00", reference: "市保密局值班室"}) { id } }`, vars, &notified)
	nid := notified.RecordNotification.ID
	c.Must(t, `mutation($id: ID!) { recordFinding(incidentId: $id, input: {personName: "杨某", kind: DIRECT,
		facts: "翻拍密码电报并以彩信转发"}) { id } }`, vars, nil)
	var me struct{ Me struct{ ID string } }
	c.Must(t, `{ me { id } }`, nil, &me)
	c.Must(t, `mutation($id: ID!, $o: ID!) { recordMeasure(incidentId: $id, input: {title: "普通传真机禁止传输涉密文件",
		ownerId: $o, dueOn: "2026-06-30"}) { id } }`, map[string]any{"id": id, "o": me.Me.ID}, nil)

	for _, lang := range locales.Languages {
		for _, format := range []string{"PDF", "DOCX"} {
			var got struct{ IssueReport issuedView }
			c.Must(t, issue, map[string]any{"id": id, "in": map[string]any{"kind": "UPWARD", "language": lang, "format": format,
				"notificationId": nid}}, &got)
			r := got.IssueReport
			if r.Kind != "UPWARD" || r.Language != lang || r.Format != format || r.IssuedBy.Username != "resp" ||
				r.Notification == nil || r.Notification.ID != nid || r.Sha256 != r.Evidence.Sha256 {
				t.Fatalf("%s %s: issued %+v", lang, format, r)
			}
			body := download(t, c, r.Evidence.ID)
			if hexSHA256(body) != r.Sha256 {
				t.Fatalf("%s %s: the vault holds %s, the report records %s", lang, format, hexSHA256(body), r.Sha256)
			}
			var uploaded bool
			for _, e := range r.Evidence.Custody {
				uploaded = uploaded || e.Action == "UPLOADED" && e.Sha256 != nil && *e.Sha256 == r.Sha256
			}
			if !uploaded || !strings.HasSuffix(r.Evidence.FileName, "report-upward-"+lang+"."+strings.ToLower(format)) {
				t.Errorf("%s %s: custody %+v, file %s", lang, format, r.Evidence.Custody, r.Evidence.FileName)
			}
			text := reportText(t, format, body)
			l := func(key string) string { return locales.Label(lang, key) }
			want := []string{l("leakReport.title"), l("authority.CONFIDENTIALITY_BUREAU"), "市保密局值班室",
				l("leakReport.unitSeal"), l("leakReport.head")}
			for i := 1; i <= 7; i++ {
				want = append(want, l("leakReport.item"+string(rune('0'+i))))
			}
			want = append(want,
				"密码电报照片", l("classification.CN.SECRET"), "防汛密码电报", "〔2026〕7号", // (一) what leaked, its level and carrier
				l("detection.AUTHORITY_NOTICE"), "市保密局", "境外网站论坛版块", // (二) how it was discovered
				"杨某", "翻拍密码电报并以彩信转发", // (三) who is responsible
				"宗某", "县政府办普通传真", "民政工作群", // (四) the course, hop by hop
				"涉及防汛调度部署", "需调整部署方案", // (五) harm
				l("stage.DETECT"), l("leakReport.evidenceCount"), // (六) the investigation's state
				"请境外网站管理员删除帖子", "普通传真机禁止传输涉密文件", // (七) remedial measures
			)
			for _, w := range want {
				if w = strings.Join(strings.Fields(w), ""); !strings.Contains(text, w) {
					t.Errorf("%s %s lacks %q", lang, format, w)
				}
			}
		}
	}

	var listed struct {
		Incident struct {
			IssuedReports []struct {
				Kind, Language, Format string
				Notification           *struct{ ID string }
			}
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { issuedReports { kind language format notification { id } } } }`, vars, &listed)
	if rs := listed.Incident.IssuedReports; len(rs) != 6 || rs[0].Language != "zh-CN" || rs[5].Format != "DOCX" || rs[5].Notification == nil {
		t.Fatalf("issued %+v", rs)
	}
	var audited int
	if err := m.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'report.issue' AND incident_id = $1`, id); err != nil || audited != 6 {
		t.Fatalf("%d report.issue entries (%v)", audited, err)
	}

	upward := map[string]any{"id": id, "in": map[string]any{"kind": "UPWARD", "format": "PDF"}}
	observer := member(t, m, c, id, "obs", "OBSERVER")
	if code := observer.Do(t, issue, upward).Code(); code != "FORBIDDEN" {
		t.Errorf("an observer issued a report: %s", code)
	}
	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "outsider", Password: password,
		Roles: []auth.Role{auth.Investigator}}); err != nil {
		t.Fatal(err)
	}
	outsider := &testgql.Client{URL: m.URL()}
	outsider.Login(t, "outsider", password)
	if code := outsider.Do(t, issue, upward).Code(); code != "NOT_FOUND" {
		t.Errorf("an outsider issued a report: %s", code)
	}
	other, _ := openCase(t, c, "另一案件")
	var elsewhere struct{ RecordNotification struct{ ID string } }
	c.Must(t, `mutation($id: ID!) { recordNotification(incidentId: $id, input: {authority: POLICE,
		notifiedAt: "2026-02-04T12:00:00+08:00"}) { id } }`, map[string]any{"id": other}, &elsewhere)
	r := c.Do(t, issue, map[string]any{"id": id, "in": map[string]any{"kind": "UPWARD", "format": "PDF",
		"notificationId": elsewhere.RecordNotification.ID}})
	if r.Code() != "INVALID_INPUT" {
		t.Errorf("another incident's notification: %+v", r.Errors)
	}

	// Leadership's acceptance freezes a concluded case; the result report is due then.
	if _, err := m.DB.Exec(`UPDATE incidents SET stage = 'CLOSED', frozen_at = $2 WHERE id = $1`, id, time.Now()); err != nil {
		t.Fatal(err)
	}
	if code := c.Do(t, issue, upward).Code(); code != "FROZEN" {
		t.Errorf("a report upward on a frozen case: %s", code)
	}
	var result struct{ IssueReport issuedView }
	c.Must(t, issue, map[string]any{"id": id, "in": map[string]any{"kind": "RESULT", "language": "zh-TW", "format": "DOCX",
		"notificationId": nid}}, &result)
	body := download(t, c, result.IssueReport.Evidence.ID)
	if hexSHA256(body) != result.IssueReport.Sha256 {
		t.Fatal("the result report in the vault is not the one recorded")
	}
	text := reportText(t, "DOCX", body)
	for _, key := range []string{"resultReport.title", "resultReport.summary", "resultReport.findings", "resultReport.cause",
		"resultReport.responsibility", "resultReport.measures", "resultReport.takedowns", "resultReport.closing", "stage.CLOSED"} {
		if w := strings.Join(strings.Fields(locales.Label("zh-TW", key)), ""); !strings.Contains(text, w) {
			t.Errorf("the result report lacks %q", w)
		}
	}
	for _, w := range []string{"杨某", "普通传真机禁止传输涉密文件", "web:境外网站"} {
		if !strings.Contains(text, w) {
			t.Errorf("the result report lacks %q", w)
		}
	}
}
