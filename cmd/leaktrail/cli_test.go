package main

import (
	"bytes"
	"strings"
	"testing"
)

// The command line is parsed in cmd/leaktrail: a wrong or missing command
// prints the usage and exits 2, help prints it on standard output, and a
// command's wrong arguments print that command's usage line.
func TestCommandLineUsage(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := (&CLI{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr}).Run(args)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errOut := run(); code != 2 || out != "" || errOut != usage {
		t.Errorf("no command: %d %q %q", code, out, errOut)
	}
	if code, out, _ := run("help"); code != 0 || out != usage {
		t.Errorf("help: %d %q", code, out)
	}
	if code, _, errOut := run("frobnicate"); code != 2 || !strings.HasPrefix(errOut, `leaktrail: unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	for _, args := range [][]string{{"migrate", "sideways"}, {"user"}, {"audit"}, {"import"}, {"evidence", "polish"}} {
		if code, _, errOut := run(args...); code != 2 || !strings.HasPrefix(errOut, "usage: leaktrail "+args[0]) {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	for _, cmd := range []string{"serve", "dev", "migrate", "user add", "audit verify", "import forwards", "evidence verify", "evidence reconcile"} {
		if !strings.Contains(usage, "leaktrail "+cmd) {
			t.Errorf("the usage does not list %q", cmd)
		}
	}
}
