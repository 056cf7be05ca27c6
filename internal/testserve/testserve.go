// Package testserve runs the leaktrail binary for end-to-end tests and
// benchmarks: the real process, so they see what an operator would.
package testserve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Build compiles the leaktrail command into dir and returns its path.
func Build(dir string) (string, error) {
	path := dir + "/leaktrail"
	if out, err := exec.Command("go", "build", "-o", path, "github.com/leaktrail/leaktrail/cmd/leaktrail").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build leaktrail: %v\n%s", err, out)
	}
	return path, nil
}

// Server is a running `leaktrail serve`, killed when the test ends.
type Server struct {
	Cmd *exec.Cmd
	URL string
}

// Start runs `binary serve` with env added to this process's and waits for
// it to log that it is serving.
func Start(t testing.TB, binary string, env []string) *Server {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" {
				urls <- line.URL
			}
		}
	}()
	select {
	case u := <-urls:
		return &Server{Cmd: cmd, URL: u}
	case <-time.After(60 * time.Second):
		t.Fatal("leaktrail serve did not start")
		return nil
	}
}
