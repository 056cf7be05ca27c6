package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/leaktrail/leaktrail/internal/testgql"
)

// From chat exports to the spread chain in the browser (ui/web/e2e/chat.mjs),
// against the real binary with the UI embedded: an investigator uploads the
// five exports of seed chain 003 (internal/chainfixture/shi-he-xu-2021) with
// their media, reads each as a chat export, searches the messages, marks the
// leaked photo, reconstructs the chain and accepts it, and follows an
// accepted hop to the line it rests on and back; then the messages on a
// phone. Screenshots go to SCREENSHOTS when set, else to a temp folder.
func TestUIChat(t *testing.T) {
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
	chain := filepath.Join(root, "internal/chainfixture/shi-he-xu-2021")
	if _, err := os.Stat(filepath.Join(chain, "manifest.json")); err != nil {
		t.Fatal(err)
	}
	e := testEnv(t)
	const pw = "correct horse battery staple"
	if _, stderr, code := run(t, e, pw+"\n", "user", "add", "--username", "lin", "--display-name", "调查员林某",
		"--role", "investigator", "--password-stdin"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	srv := serve(t, e)
	// The case is opened over the API (reporting one is TestUIEndToEnd's);
	// the investigator who opens it leads it. Its zone words the proposals' times.
	lin := &testgql.Client{URL: srv.URL}
	lin.Login(t, "lin", pw)
	var opened struct{ OpenIncident struct{ Reference string } }
	lin.Must(t, `mutation { openIncident(input: {title: "通知翻拍照片外传", leakedItem: "某办发〔2021〕3号通知的翻拍照片",
		classification: CONFIDENTIAL, detectedAt: "2021-03-22T09:00:00+08:00", detectionMethod: EXTERNAL_TIP, reportedBy: "网信办",
		timeZone: "Asia/Shanghai"}) { reference } }`, nil, &opened)
	shots := os.Getenv("SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	cmd := exec.Command("node", "e2e/chat.mjs")
	cmd.Dir = filepath.Join(root, "ui/web")
	cmd.Env = append(os.Environ(), "LEAKTRAIL_URL="+srv.URL, "LEAKTRAIL_E2E_USER=lin", "LEAKTRAIL_E2E_PASSWORD="+pw,
		"LEAKTRAIL_E2E_CASE="+opened.OpenIncident.Reference, "LEAKTRAIL_E2E_CHAIN="+chain,
		"SCREENSHOTS="+shots, "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("UI chat exports end to end:\n%s", out)
	if err != nil {
		t.Fatalf("the chat-export browser run failed: %v", err)
	}
}
