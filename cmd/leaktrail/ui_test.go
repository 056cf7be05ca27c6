package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/internal/testgql"
)

// The web UI end to end, in Debian's Chromium driven by playwright-core
// (ui/web/e2e/run.mjs), against the real binary with the UI embedded, on a
// desktop and a phone-sized screen: sign-in, reporting a leak, the gate and
// advancing, the language switch, creating a user on the administration page. Screenshots go to SCREENSHOTS when set
// (`make screenshots` puts them in docs/screenshots), else to a temp folder.
func TestUIEndToEnd(t *testing.T) {
	// Not parallel: the two browser runs (a Chromium each against a server
	// under -race) take turns, not the same two cores at once.
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
	e := testEnv(t)
	const pw = "correct horse battery staple"
	if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "duty", "--display-name", "值班员",
		"--role", "responder", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "chief", "--display-name", "分管领导",
		"--role", "leadership", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "root", "--display-name", "管理员",
		"--role", "admin", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	srv := serve(t, e)
	// A closed case waiting for leadership's review: the walk through the
	// gates is covered by TestBinaryEndToEnd, so this one is closed in SQL.
	duty := &testgql.Client{URL: srv.URL}
	duty.Login(t, "duty", pw)
	var opened struct{ OpenIncident struct{ ID string } }
	duty.Must(t, `mutation { openIncident(input: {title: "待审阅的结案", leakedItem: "会议纪要照片", classification: CONFIDENTIAL,
		detectedAt: "2026-03-01T09:00:00+08:00", detectionMethod: SELF_REPORT, reportedBy: "本人"}) { id } }`, nil, &opened)
	db, err := sqlx.Open("postgres", e["LEAKTRAIL_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE incidents SET stage = 'CLOSED' WHERE id = $1`, opened.OpenIncident.ID); err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	cmd := exec.Command("node", "e2e/run.mjs")
	cmd.Dir = filepath.Join(root, "ui/web")
	cmd.Env = append(os.Environ(), "LEAKTRAIL_URL="+srv.URL, "LEAKTRAIL_E2E_USER=duty", "LEAKTRAIL_E2E_PASSWORD="+pw,
		"LEAKTRAIL_E2E_LEADER=chief", "LEAKTRAIL_E2E_ADMIN=root",
		"SCREENSHOTS="+shots, "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("UI end to end:\n%s", out)
	if err != nil {
		t.Fatalf("the UI end-to-end run failed: %v", err)
	}
}
