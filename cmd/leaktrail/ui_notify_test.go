package main_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/mailpit"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/ui/web/src/locales"
)

// The legal clocks and notifications in the browser (ui/web/e2e/notify.mjs),
// against the real binary with the UI embedded, mail going to the test
// Mailpit and webhooks to a receiver here that checks each signature: an
// administrator adds a GENERIC endpoint and sends it a test; a responder
// gives their e-mail address, opens a SECRET case whose 24-hour report-upward
// clock runs out twenty seconds later, watches the countdown turn overdue and
// the bell's count rise; then the same on a phone. Afterwards the e-mail and
// the webhook must name the case's reference and carry none of its content.
func TestUINotify(t *testing.T) {
	// Not parallel: the browser runs (a Chromium each against a server under
	// -race) take turns, not the same two cores at once.
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "ui/dist/app/index.html")); err != nil {
		t.Fatal("the UI is not built into ui/dist/app: run `make ui` (make test does)")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("Debian's chromium is not installed: `make test` installs it")
	}
	mail, smtpAddr := mailpit.FromEnv(t)

	const secret = "the receiver's signing secret"
	hooks := &receiver{}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := notify.VerifyWebhook(secret, r.Header.Get(notify.HeaderSignature), body, time.Now(), 5*time.Minute)
		hooks.add(body, err)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()

	e := testEnv(t)
	e["LEAKTRAIL_SMTP_URL"] = "smtp://" + smtpAddr + "?from=leaktrail@example.org&tls=none"
	e["LEAKTRAIL_WATCH_INTERVAL"] = "2s"
	e["LEAKTRAIL_NOTIFY_POLL"] = "500ms"
	e["LEAKTRAIL_WEBHOOK_ALLOW_PRIVATE"] = "true"
	const pw = "correct horse battery staple"
	for _, u := range [][3]string{{"duty", "值班员", "responder"}, {"root", "管理员", "admin"}, {"chief", "分管领导", "leadership"}} {
		if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", u[0], "--display-name", u[1],
			"--role", u[2], "--password-stdin"); code != 0 {
			t.Fatalf("user add %s: %s", u[0], stderr)
		}
	}
	srv := serve(t, e)

	// The Mailpit is shared by every test: an address of this run's own.
	email := fmt.Sprintf("duty-%d@example.org", time.Now().UnixNano())
	// What the case says: none of it may leave in a notification.
	content := map[string]string{
		"LEAKTRAIL_E2E_TITLE":   "机要室会议纪要翻拍外传",
		"LEAKTRAIL_E2E_ITEM":    "第七次党组会议纪要的翻拍照片",
		"LEAKTRAIL_E2E_SUMMARY": "照片出现在某同学群，发送人为办公室借调人员",
	}
	shots := os.Getenv("SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	cmd := exec.Command("node", "e2e/notify.mjs")
	cmd.Dir = filepath.Join(root, "ui/web")
	cmd.Env = append(os.Environ(), "LEAKTRAIL_URL="+srv.URL, "LEAKTRAIL_E2E_USER=duty", "LEAKTRAIL_E2E_PASSWORD="+pw,
		"LEAKTRAIL_E2E_ADMIN=root", "LEAKTRAIL_E2E_LEADER=chief", "LEAKTRAIL_E2E_EMAIL="+email,
		"LEAKTRAIL_E2E_HOOK_URL="+recv.URL+"/hook", "LEAKTRAIL_E2E_HOOK_SECRET="+secret,
		"SCREENSHOTS="+shots, "CHROMIUM="+chromium)
	for k, v := range content {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	t.Logf("UI clocks and notifications:\n%s", out)
	if err != nil {
		t.Fatalf("the notifications browser run failed: %v", err)
	}
	reference := ""
	for sc := bufio.NewScanner(strings.NewReader(string(out))); sc.Scan(); {
		if r, ok := strings.CutPrefix(sc.Text(), "reference: "); ok {
			reference = strings.TrimSpace(r)
		}
	}
	if reference == "" {
		t.Fatal("the browser run named no case reference")
	}
	leaks := func(what, text string) {
		t.Helper()
		for _, c := range content {
			if strings.Contains(text, c) {
				t.Errorf("%s carries case content %q:\n%s", what, c, text)
			}
		}
	}

	// The overdue clock's e-mail: the reference and a link, nothing of the case.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var overdue bool
	read := map[string]bool{}
	for deadline := time.Now().Add(90 * time.Second); !overdue && time.Now().Before(deadline); time.Sleep(time.Second) {
		list, err := mail.To(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if read[s.ID] {
				continue
			}
			read[s.ID] = true
			m, err := mail.Get(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			leaks("the e-mail "+m.Subject, m.Subject+"\n"+m.Text+"\n"+m.HTML)
			if strings.Contains(m.Subject, reference) && strings.Contains(m.Subject, "已逾期") {
				overdue = true
			}
		}
	}
	if !overdue {
		t.Errorf("no e-mail to %s says %s is overdue", email, reference)
	}

	// The webhook: signed, the reference, nothing of the case.
	var got bool
	seen := 0
	for deadline := time.Now().Add(90 * time.Second); !got && time.Now().Before(deadline); time.Sleep(time.Second) {
		all := hooks.all()
		for _, h := range all[seen:] {
			var b struct {
				Type     string
				Incident struct{ Reference string }
			}
			if h.err != nil {
				t.Fatalf("a webhook's signature does not verify: %v", h.err)
			}
			if err := json.Unmarshal(h.body, &b); err != nil {
				t.Fatalf("webhook body %s: %v", h.body, err)
			}
			leaks("the webhook "+b.Type, string(h.body))
			if b.Type == "CLOCK_OVERDUE" && b.Incident.Reference == reference {
				got = true
			}
		}
		seen = len(all)
	}
	if !got {
		t.Errorf("the receiver got no CLOCK_OVERDUE webhook about %s", reference)
	}

	// The report upward issued in the browser: in the vault, its seven items read back from the PDF.
	c := &testgql.Client{URL: srv.URL}
	c.Login(t, "duty", pw)
	var issued struct {
		IncidentByReference struct {
			IssuedReports []struct {
				Kind, Format, Sha256 string
				Evidence             struct{ ID string }
			}
		}
	}
	c.Must(t, `query($r: String!) { incidentByReference(reference: $r) { issuedReports { kind format sha256 evidence { id } } } }`,
		map[string]any{"r": reference}, &issued)
	reports := issued.IncidentByReference.IssuedReports
	if len(reports) != 1 || reports[0].Kind != "UPWARD" || reports[0].Format != "PDF" {
		t.Fatalf("issued reports: %+v", reports)
	}
	var link struct{ EvidenceLink struct{ URL string } }
	c.Must(t, `mutation($id: ID!) { evidenceLink(evidenceId: $id, purpose: "核对书面报告", view: false) { url } }`,
		map[string]any{"id": reports[0].Evidence.ID}, &link)
	resp, err := http.Get(link.EvidenceLink.URL)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if sum := sha256.Sum256(pdf); hex.EncodeToString(sum[:]) != reports[0].Sha256 {
		t.Fatal("the vault's copy does not hash to the recorded SHA-256")
	}
	path := filepath.Join(t.TempDir(), "upward.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	for i := 1; i <= 7; i++ {
		if heading := strings.Join(strings.Fields(locales.Label("zh-CN", fmt.Sprintf("leakReport.item%d", i))), ""); !strings.Contains(flat, heading) {
			t.Errorf("the report upward lacks item %d %q", i, heading)
		}
	}
	for _, fact := range []string{content["LEAKTRAIL_E2E_ITEM"], reference, "办公室"} {
		if !strings.Contains(flat, strings.Join(strings.Fields(fact), "")) {
			t.Errorf("the report upward does not say %q", fact)
		}
	}
}

// receiver keeps what the webhook receiver was sent.
type receiver struct {
	mu   sync.Mutex
	hits []hook
}

type hook struct {
	body []byte
	err  error
}

func (r *receiver) add(body []byte, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hits = append(r.hits, hook{body, err})
}

func (r *receiver) all() []hook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hook(nil), r.hits...)
}
