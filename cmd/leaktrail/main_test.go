package main_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/leaktrail/leaktrail/internal/testdb"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/internal/testserve"
	"github.com/leaktrail/leaktrail/notify"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "leaktrail-bin-")
	if err != nil {
		panic(err)
	}
	if binary, err = testserve.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type env map[string]string

func (e env) list() []string {
	out := os.Environ()
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

// run executes the binary to completion.
func run(t *testing.T, e env, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = e.list()
	cmd.Stdin = strings.NewReader(stdin)
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return o.String(), er.String(), exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), er.String(), 0
}

// testEnv configures the binary for a fresh, unmigrated database and a bucket of its own.
func testEnv(t *testing.T) env {
	s3 := testdb.ObjectStore(t)
	return env{
		"LEAKTRAIL_DATABASE_URL":  testdb.EmptyURL(t),
		"LEAKTRAIL_LISTEN":        "127.0.0.1:0",
		"LEAKTRAIL_S3_ENDPOINT":   s3.Endpoint,
		"LEAKTRAIL_S3_ACCESS_KEY": s3.AccessKey,
		"LEAKTRAIL_S3_SECRET_KEY": s3.SecretKey,
		"LEAKTRAIL_S3_BUCKET":     s3.Bucket,
	}
}

func TestCommandsFailWithOneLine(t *testing.T) {
	t.Parallel()
	e := testEnv(t)
	cases := []struct {
		name  string
		env   env
		stdin string
		args  []string
		want  string
	}{
		{"no database", env{"LEAKTRAIL_DATABASE_URL": ""}, "", []string{"serve"}, "no database configured"},
		{"database down", env{"LEAKTRAIL_DATABASE_URL": "postgres://x:y@127.0.0.1:1/db?sslmode=disable", "LEAKTRAIL_S3_ENDPOINT": "127.0.0.1:1"}, "", []string{"serve"}, "cannot reach PostgreSQL"},
		{"object store down", env{"LEAKTRAIL_DATABASE_URL": e["LEAKTRAIL_DATABASE_URL"], "LEAKTRAIL_S3_ENDPOINT": "127.0.0.1:1"}, "", []string{"serve"}, "cannot reach S3"},
		{"unknown role", e, "long enough password\n", []string{"user", "add", "--username", "x1", "--role", "boss", "--password-stdin"}, "unknown role"},
		{"short password", e, "short\n", []string{"user", "add", "--username", "x2", "--role", "responder", "--password-stdin"}, "a password has"},
		{"unknown command", e, "", []string{"frobnicate"}, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, c.env, c.stdin, c.args...)
			if code == 0 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "goroutine") {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
		})
	}
}

// serve starts `leaktrail serve` with the environment e.
func serve(t *testing.T, e env) *testserve.Server {
	t.Helper()
	var list []string
	for k, v := range e {
		list = append(list, k+"="+v)
	}
	return testserve.Start(t, binary, list)
}

func TestBinaryEndToEnd(t *testing.T) {
	t.Parallel()
	e := testEnv(t)

	out, _, code := run(t, e, "", "migrate", "status")
	if code != 0 || !strings.Contains(out, "0001_init") || !strings.Contains(out, "pending") {
		t.Fatalf("migrate status: %d %s", code, out)
	}
	if out, _, code = run(t, e, "", "migrate", "up"); code != 0 || !strings.Contains(out, "applied 0001_init") {
		t.Fatalf("migrate up: %d %s", code, out)
	}
	if out, _, code = run(t, e, "", "migrate", "up"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate up: %d %s", code, out)
	}
	const pw = "correct horse battery staple"
	if out, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "lin", "--role", "investigator,responder",
		"--display-name", "林某", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "lin", "--role", "responder", "--password-stdin"); code != 1 || !strings.Contains(stderr, "username is taken") {
		t.Fatalf("duplicate user: %d %s", code, stderr)
	}

	srv := serve(t, e)
	c := &testgql.Client{URL: srv.URL}
	c.Login(t, "lin", pw)
	id, ref := walkEveryStage(t, c)

	// Every change of the walk is in the incident's audit trail, in order.
	var trail struct {
		Incident struct {
			AuditLog struct {
				Entries []struct {
					Seq    int
					Action string
				}
			}
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { auditLog(first: 200) { entries { seq action } } } }`, map[string]any{"id": id}, &trail)
	var actions []string
	for _, en := range trail.Incident.AuditLog.Entries {
		actions = append(actions, en.Action)
	}
	got := strings.Join(actions, " ")
	for _, want := range []string{"incident.open incident.advance containment.record notification.record incident.advance spread.record",
		"incident.update evidence.add incident.advance incident.advance incident.advance"} {
		if !strings.Contains(got, want) {
			t.Fatalf("audit trail %q lacks %q", got, want)
		}
	}

	// Import chat-derived forwards from a file, with a progress bar; bad rows are named by row.
	file := filepath.Join(t.TempDir(), "chain.csv")
	var csv strings.Builder
	csv.WriteString("key,at,method,from_key,from_kind,to_key,to_kind,to_exposure,to_member_count,by_key\n")
	for i := range 25000 {
		fmt.Fprintf(&csv, "imp-%d,2026-02-01T%02d:%02d:00+08:00,FORWARD,p:%d,PERSON,g:%d,GROUP_CHAT,INTERNAL,%d,p:%d\n",
			i, 9+i/3600%10, i/60%60, i, i+1, 10+i%90, i)
	}
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, e, "", "import", "forwards", "--incident", ref, "--as", "lin", file)
	if code != 0 || !strings.Contains(stderr, "25000/25000 (100%)") || !strings.Contains(stderr, "recorded 25000 forwards") {
		t.Fatalf("import: %d %s", code, stderr)
	}
	if _, _, code := run(t, e, "", "import", "forwards", "--incident", ref, "--as", "lin", file); code != 0 {
		t.Fatal("re-running an import is not idempotent")
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("key,at,method,from_key,from_kind,to_key,to_kind,by_key\n"+
		"b1,2026-02-01T09:00:00+08:00,FORWARD,p:a,PERSON,p:a,PERSON,p:a\n"+
		"b2,2026-02-01T09:00:00+08:00,WHISPER,p:a,PERSON,p:b,PERSON,p:a\n"), 0o600)
	if _, stderr, code := run(t, e, "", "import", "forwards", "--incident", ref, "--as", "lin", bad); code != 1 ||
		!strings.Contains(stderr, "row 1 (line 2), to.key") || !strings.Contains(stderr, "row 2 (line 3), method") {
		t.Fatalf("bad import: %d %s", code, stderr)
	}

	// Closed again, leadership reviews and accepts the case, which freezes it;
	// the report is handed out and the statistics count the case.
	vars := map[string]any{"id": id}
	if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "boss", "--role", "leadership", "--password-stdin"); code != 0 {
		t.Fatalf("user add boss: %s", stderr)
	}
	c.Must(t, `mutation($id: ID!) { advanceIncident(id: $id, to: CLOSED) { stage } }`, vars, nil)
	boss := &testgql.Client{URL: srv.URL}
	boss.Login(t, "boss", pw)
	waitNotice(t, boss, ref, "REVIEW_REQUESTED")
	var review struct {
		ReviewIncident struct{ SnapshotSha256 string }
	}
	boss.Must(t, `mutation($id: ID!) { reviewIncident(incidentId: $id, decision: ACCEPTED, comments: "同意结案") { snapshotSha256 } }`,
		vars, &review)
	if len(review.ReviewIncident.SnapshotSha256) != 64 {
		t.Fatalf("review: %+v", review)
	}
	waitNotice(t, c, ref, "REVIEW_DECIDED")
	if r := c.Do(t, `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "补充"}) { id } }`, vars); r.Code() != "FROZEN" {
		t.Fatalf("a change to the frozen case: %+v", r.Errors)
	}
	var report struct {
		GenerateCaseReport struct{ Markdown, Sha256 string }
	}
	boss.Must(t, `mutation($id: ID!) { generateCaseReport(incidentId: $id, language: "zh-CN") { markdown sha256 } }`, vars, &report)
	if !strings.Contains(report.GenerateCaseReport.Markdown, "党内严重警告") {
		t.Fatalf("report: %s", report.GenerateCaseReport.Markdown)
	}
	var st struct {
		Statistics struct {
			Incidents      int
			ByStage        []struct{ Key string }
			OutcomesByType []struct{ Key string }
		}
	}
	boss.Must(t, `{ statistics(from: "2026-01-01T00:00:00Z") { incidents byStage { key } outcomesByType { key } } }`, nil, &st)
	if st.Statistics.Incidents != 1 || st.Statistics.ByStage[0].Key != "CLOSED" || st.Statistics.OutcomesByType[0].Key != "PARTY_SERIOUS_WARNING" {
		t.Fatalf("statistics: %+v", st)
	}

	// The vault's maintenance from the command line: all well, then an
	// object changed behind Leaktrail's back is caught.
	if out, _, code := run(t, e, "", "evidence", "verify", "--incident", ref); code != 0 || !strings.HasPrefix(out, "checked 1 objects: 1 OK") {
		t.Fatalf("evidence verify: %d %s", code, out)
	}
	if out, _, code := run(t, e, "", "evidence", "reconcile"); code != 0 || !strings.HasPrefix(out, "finished 0 uploads, abandoned 0") {
		t.Fatalf("evidence reconcile: %d %s", code, out)
	}
	objects, err := minio.New(e["LEAKTRAIL_S3_ENDPOINT"], &minio.Options{Creds: credentials.NewStaticV4(e["LEAKTRAIL_S3_ACCESS_KEY"],
		e["LEAKTRAIL_S3_SECRET_KEY"], "")})
	if err != nil {
		t.Fatal(err)
	}
	for obj := range objects.ListObjects(context.Background(), e["LEAKTRAIL_S3_BUCKET"], minio.ListObjectsOptions{Recursive: true}) {
		if _, err := objects.PutObject(context.Background(), e["LEAKTRAIL_S3_BUCKET"], obj.Key, strings.NewReader("篡改"), -1,
			minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Each bad item is named, so that the operator can act on it.
	var vault struct {
		Incident struct{ Evidence []struct{ ID, Sha256 string } }
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { evidence { id sha256 } } }`, vars, &vault)
	item := vault.Incident.Evidence[0]
	var key string
	for obj := range objects.ListObjects(context.Background(), e["LEAKTRAIL_S3_BUCKET"], minio.ListObjectsOptions{Recursive: true}) {
		if strings.Contains(obj.Key, "/evidence/") {
			key = obj.Key
		}
	}
	named := func(fixity, found string) string {
		return fmt.Sprintf("%s %s evidence %s \"电报照片.txt\" object %s: expected sha256 %s, found %s\n", fixity, ref, item.ID, key, item.Sha256, found)
	}
	if out, _, code := run(t, e, "", "evidence", "verify"); code != 1 ||
		out != named("MISMATCH", fmt.Sprintf("%x", sha256.Sum256([]byte("篡改"))))+"checked 1 objects: 0 OK, 1 MISMATCH, 0 MISSING\n" {
		t.Fatalf("evidence verify after tampering: %d %s", code, out)
	}
	if err := objects.RemoveObject(context.Background(), e["LEAKTRAIL_S3_BUCKET"], key, minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, e, "", "evidence", "verify", "--incident", ref); code != 1 ||
		out != named("MISSING", "none")+"checked 1 objects: 0 OK, 0 MISMATCH, 1 MISSING\n" {
		t.Fatalf("evidence verify after removal: %d %s", code, out)
	}

	if out, _, code := run(t, e, "", "audit", "verify"); code != 0 || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("audit verify after the walk: %d %s", code, out)
	}
	// Edit one row in SQL behind the trigger's back: verify names that row.
	tampered := trail.Incident.AuditLog.Entries[3].Seq
	db, err := sqlx.Open("postgres", e["LEAKTRAIL_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx := db.MustBegin()
	tx.MustExec(`ALTER TABLE audit_log DISABLE TRIGGER USER`)
	tx.MustExec(`UPDATE audit_log SET changes = '{"note":"nothing happened"}' WHERE seq = $1`, tampered)
	tx.MustExec(`ALTER TABLE audit_log ENABLE TRIGGER USER`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, e, "", "audit", "verify")
	if want := fmt.Sprintf("BROKEN at seq %d:", tampered); code != 1 || !strings.HasPrefix(out, want) {
		t.Fatalf("audit verify after tampering: %d %q, want %q", code, out, want)
	}

	if err := srv.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
}

type incidentView struct {
	ID      string
	Stage   string
	Version int
	Gate    struct {
		Met          bool
		Requirements []struct {
			ID   string
			Met  bool
			Task *struct{ ID string }
		}
	}
	Transitions []struct {
		From *string
		To   string
		Kind string
		Note string
		By   struct{ Username string }
	}
}

const incidentFields = `id stage version gate { met requirements { id met task { id } } }
	transitions { from to kind note by { username } }`

// walkEveryStage opens an incident and drives it over the API through every
// stage to CLOSED, meeting each gate, with a step back and a reopen.
func walkEveryStage(t *testing.T, c *testgql.Client) (incidentID, reference string) {
	var opened struct {
		OpenIncident struct {
			incidentView
			Reference string
		}
	}
	c.Must(t, `mutation { openIncident(input: {title: "密码电报照片经彩信和微信群扩散", leakedItem: "机密级电报的翻拍照片",
		classification: SECRET, detectedAt: "2026-02-01T10:00:00+08:00", detectionMethod: AUTHORITY_NOTICE,
		reportedBy: "市保密局", whereSeen: "境外网站", reachedOutside: true}) { reference `+incidentFields+` } }`, nil, &opened)
	inc := opened.OpenIncident.incidentView
	id := inc.ID
	vars := map[string]any{"id": id}

	advance := func(to, note string) incidentView {
		t.Helper()
		var out struct{ AdvanceIncident incidentView }
		c.Must(t, `mutation($id: ID!, $to: Stage!, $note: String) { advanceIncident(id: $id, to: $to, note: $note) { `+incidentFields+` } }`,
			map[string]any{"id": id, "to": to, "note": note}, &out)
		if out.AdvanceIncident.Stage != to {
			t.Fatalf("stage %s, want %s", out.AdvanceIncident.Stage, to)
		}
		return out.AdvanceIncident
	}
	refused := func(to string) []string {
		t.Helper()
		r := c.Do(t, `mutation($id: ID!, $to: Stage!) { advanceIncident(id: $id, to: $to) { id } }`, map[string]any{"id": id, "to": to})
		if r.Code() != "GATE_NOT_MET" {
			t.Fatalf("advance to %s: %+v", to, r.Errors)
		}
		var ids []string
		for _, u := range r.Errors[0].Extensions["unmet"].([]any) {
			ids = append(ids, u.(map[string]any)["id"].(string))
		}
		return ids
	}
	completeGateTasks := func(v incidentView) {
		t.Helper()
		for _, r := range v.Gate.Requirements {
			if r.Task != nil && !r.Met {
				c.Must(t, `mutation($id: ID!) { completeTask(id: $id) { done } }`, map[string]any{"id": r.Task.ID}, nil)
			}
		}
	}
	update := func(input map[string]any) {
		t.Helper()
		var cur struct{ Incident incidentView }
		c.Must(t, `query($id: ID!) { incident(id: $id) { version } }`, vars, &cur)
		c.Must(t, `mutation($id: ID!, $v: Int!, $in: UpdateIncidentInput!) { updateIncident(id: $id, expectedVersion: $v, input: $in) { version } }`,
			map[string]any{"id": id, "v": cur.Incident.Version, "in": input}, nil)
	}

	advance("INITIAL_RESPONSE", "")
	if got := refused("INVESTIGATION"); strings.Join(got, ",") != "initial.containment,initial.report_upward" {
		t.Fatalf("initial response gate: %v", got)
	}
	c.Must(t, `mutation($id: ID!) { recordContainmentAction(incidentId: $id, input: {kind: TAKEDOWN_REQUEST,
		description: "请群主删除并解散民政工作群", takenAt: "2026-02-01T11:00:00+08:00"}) { id } }`, vars, nil)
	c.Must(t, `mutation($id: ID!) { recordNotification(incidentId: $id, input: {authority: CONFIDENTIALITY_BUREAU,
		notifiedAt: "2026-02-01T12:00:00+08:00", reference: "值班室"}) { id } }`, vars, nil)
	v := advance("INVESTIGATION", "")

	if got := refused("DISCLOSURE"); len(got) != 5 {
		t.Fatalf("investigation gate: %v", got)
	}
	completeGateTasks(v)
	// The spread chain, mapped to its origin, meets investigation.spread_chain.
	c.Must(t, `mutation($id: ID!) { recordForwards(incidentId: $id, forwards: [
		{key: "w1", at: "2026-02-01T08:00:00+08:00", method: FAX, from: {key: "p:宗某", kind: PERSON},
			to: {key: "fax:普通传真", kind: FAX}, by: {key: "p:宗某", kind: PERSON}},
		{key: "w2", at: "2026-02-01T08:30:00+08:00", method: PHOTO, from: {key: "fax:普通传真", kind: FAX},
			to: {key: "p:杨某", kind: PERSON}, by: {key: "p:杨某", kind: PERSON}}]) { id } }`, vars, nil)
	update(map[string]any{"rootCause": "URGENT_RELAY", "scopeAndImportance": "电报全文", "businessImpact": "部署被迫调整"})
	refused("DISCLOSURE") // investigation.evidence: the vault is still empty
	// A photo of the telegram, streamed into the vault, meets investigation.evidence.
	var begun struct{ BeginEvidenceUpload struct{ UploadURL string } }
	c.Must(t, `mutation($id: ID!) { beginEvidenceUpload(incidentId: $id, input: {fileName: "电报照片.txt",
		acquisition: {from: "杨某", how: "手机截图", at: "2026-02-01T10:00:00+08:00"}, timeZone: "Asia/Shanghai"}) { uploadUrl } }`, vars, &begun)
	if status, body := c.Send(t, http.MethodPut, begun.BeginEvidenceUpload.UploadURL, "明电全文照片"); status != http.StatusOK ||
		!strings.Contains(body, `"sha256"`) {
		t.Fatalf("evidence upload: %d %s", status, body)
	}
	advance("DISCLOSURE", "")
	advance("INVESTIGATION", "起点复核：传真记录与照片时间不符")
	advance("DISCLOSURE", "")
	refused("RECOVERY")
	update(map[string]any{"disclosureDecision": "NOT_DISCLOSE", "disclosureRationale": "涉及国家秘密"})
	v = advance("RECOVERY", "")
	completeGateTasks(v)
	// The photo found on the overseas website: a public venue, not yet taken down.
	var posted struct {
		RecordForwards []struct{ To struct{ ID string } }
	}
	c.Must(t, `mutation($id: ID!) { recordForwards(incidentId: $id, forwards: [
		{key: "w3", at: "2026-02-01T09:00:00+08:00", method: POST, from: {key: "p:杨某", kind: PERSON},
			to: {key: "web:境外网站", kind: WEBSITE, exposure: PUBLIC}, by: {key: "p:杨某", kind: PERSON}}]) { to { id } } }`, vars, &posted)
	if got := refused("CLOSED"); strings.Join(got, ",") != "recovery.measures,recovery.responsibility,recovery.takedowns" {
		t.Fatalf("recovery gate: %v", got)
	}
	// Closing needs the measures against a recurrence, responsibility settled
	// (a finding, and for the person held directly responsible a decided
	// outcome), and the website's takedown recorded.
	var finding struct{ RecordFinding struct{ ID string } }
	c.Must(t, `mutation($id: ID!) { recordFinding(incidentId: $id, input: {personName: "杨某", kind: DIRECT,
		facts: "用手机翻拍明电并发至微信群"}) { id } }`, vars, &finding)
	if got := refused("CLOSED"); strings.Join(got, ",") != "recovery.measures,recovery.outcomes,recovery.takedowns" {
		t.Fatalf("recovery gate: %v", got)
	}
	c.Must(t, `mutation($n: ID!) { setNodeContainment(nodeId: $n, input: {status: REQUESTED, requestedTo: "网站运营方"}) { id } }`,
		map[string]any{"n": posted.RecordForwards[0].To.ID}, nil)
	var outcome struct{ ProposeOutcome struct{ ID string } }
	c.Must(t, `mutation($f: ID!) { proposeOutcome(findingId: $f, input: {type: PARTY_SERIOUS_WARNING, decidingBody: "市纪委监委",
		legalBasis: "中华人民共和国保守国家秘密法 第四十八条"}) { id } }`, map[string]any{"f": finding.RecordFinding.ID}, &outcome)
	c.Must(t, `mutation($o: ID!) { setOutcomeStatus(id: $o, status: DECIDED, decidedOn: "2026-03-01") { status } }`,
		map[string]any{"o": outcome.ProposeOutcome.ID}, nil)
	var me struct{ Me struct{ ID string } }
	c.Must(t, `{ me { id } }`, nil, &me)
	c.Must(t, `mutation($id: ID!, $owner: ID!) { recordMeasure(incidentId: $id, input: {title: "涉密文件禁止拍照上传的专项教育",
		ownerId: $owner, dueOn: "2026-06-30"}) { id } }`, map[string]any{"id": id, "owner": me.Me.ID}, nil)
	v = advance("CLOSED", "")
	if !v.Gate.Met {
		t.Fatal("CLOSED has an unmet gate")
	}
	if r := c.Do(t, `mutation($id: ID!) { advanceIncident(id: $id, to: RECOVERY) { id } }`, vars); r.Code() != "INVALID_INPUT" {
		t.Fatalf("reopen without reason: %+v", r.Errors)
	}
	v = advance("RECOVERY", "领导审阅：整改措施缺少责任人")

	var kinds []string
	for _, tr := range v.Transitions {
		kinds = append(kinds, tr.Kind+":"+tr.To)
		if tr.By.Username != "lin" {
			t.Fatalf("transition by %q", tr.By.Username)
		}
	}
	want := "OPEN:DETECT ADVANCE:INITIAL_RESPONSE ADVANCE:INVESTIGATION ADVANCE:DISCLOSURE RETURN:INVESTIGATION " +
		"ADVANCE:DISCLOSURE ADVANCE:RECOVERY ADVANCE:CLOSED REOPEN:RECOVERY"
	if strings.Join(kinds, " ") != want {
		t.Fatalf("history %v", kinds)
	}
	if last := v.Transitions[len(v.Transitions)-1]; last.Note != "领导审阅：整改措施缺少责任人" || *last.From != "CLOSED" {
		t.Fatalf("reopen entry %+v", last)
	}
	return id, opened.OpenIncident.Reference
}

// `leaktrail dev` brings up its own PostgreSQL, MinIO and Mailpit, seeds an admin and
// the demo case, serves, and stops everything on Ctrl-C; a second start
// reuses the data.
func TestDevStartsEverythingAndKeepsData(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	// Reachable by the postgres user that root runs the cluster as, so the
	// cluster stays inside data and is removed with it.
	for _, d := range []string{data, filepath.Dir(data)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	start := func() (*exec.Cmd, string, string) {
		cmd := exec.Command(binary, "dev", "--data", data, "--pg-port", "0", "--s3-port", "0",
			"--smtp-port", "0", "--mailpit-port", "0", "--listen", "127.0.0.1:0")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		found := make(chan [2]string, 1)
		go func() {
			defer close(found) // the process ended without announcing itself
			var url string
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				if rest, ok := strings.CutPrefix(line, "Leaktrail is running at "); ok {
					url = rest
				}
				if _, rest, ok := strings.Cut(line, `with password "`); ok && url != "" {
					found <- [2]string{url, strings.TrimSuffix(rest, `"`)}
					io.Copy(io.Discard, stdout) //nolint:errcheck // keep the pipe drained
					return
				}
			}
		}()
		select {
		case f, ok := <-found:
			if !ok {
				cmd.Wait()
				t.Fatalf("leaktrail dev exited; stderr:\n%s", stderr.String())
			}
			return cmd, f[0], f[1]
		case <-time.After(2 * time.Minute):
			t.Fatalf("leaktrail dev did not start; stderr:\n%s", stderr.String())
			return nil, "", ""
		}
	}
	stop := func(cmd *exec.Cmd) {
		t.Helper()
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("dev exited with %v after Ctrl-C", err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("dev did not stop on Ctrl-C")
		}
	}

	cmd, url, password := start()
	c := &testgql.Client{URL: url}
	c.Login(t, "admin", password)
	var list struct {
		Incidents struct {
			TotalCount int
			Edges      []struct {
				Node struct{ Reference, Stage string }
			}
		}
	}
	c.Must(t, `{ incidents { totalCount edges { node { reference stage } } } }`, nil, &list)
	if list.Incidents.TotalCount != 1 || list.Incidents.Edges[0].Node.Stage != "INVESTIGATION" {
		t.Fatalf("demo case: %+v", list)
	}
	// Other commands reach the dev instance through the settings it writes.
	settings, err := os.ReadFile(filepath.Join(data, "env"))
	if err != nil {
		t.Fatal(err)
	}
	devEnv := env{}
	for _, line := range strings.Split(strings.TrimSpace(string(settings)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		devEnv[k] = v
	}
	for _, args := range [][]string{{"evidence", "verify"}, {"evidence", "reconcile"}} {
		if out, stderr, code := run(t, devEnv, "", args...); code != 0 {
			t.Fatalf("%v on the dev instance: %d %s %s", args, code, out, stderr)
		}
	}
	// Its mail goes to the Mailpit it started.
	smtpCfg, err := notify.ParseSMTPURL(devEnv["LEAKTRAIL_SMTP_URL"])
	if err != nil {
		t.Fatal(err)
	}
	if err := notify.NewMailer(smtpCfg).Send(context.Background(), "admin@example.org", "测试", "dev"); err != nil {
		t.Fatalf("mail to the dev instance's Mailpit: %v", err)
	}
	stop(cmd)

	cmd, url, password2 := start()
	if password2 != password {
		t.Fatalf("admin password changed between runs")
	}
	c = &testgql.Client{URL: url}
	c.Login(t, "admin", password)
	c.Must(t, `{ incidents { totalCount edges { node { reference stage } } } }`, nil, &list)
	if list.Incidents.TotalCount != 1 {
		t.Fatalf("after restart: %d incidents", list.Incidents.TotalCount)
	}
	stop(cmd)
}

// waitNotice waits for the user's notice of kind about the case.
func waitNotice(t *testing.T, c *testgql.Client, reference, kind string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var out struct {
			Notices struct {
				Edges []struct{ Kind, Reference string }
			}
		}
		c.Must(t, `{ notices(first: 100) { edges { kind reference } } }`, nil, &out)
		for _, n := range out.Notices.Edges {
			if n.Kind == kind && n.Reference == reference {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s notice about %s: %+v", kind, reference, out.Notices.Edges)
		}
	}
}
