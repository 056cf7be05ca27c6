package services

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// MinIOModule is the MinIO server release built from the Go module proxy.
const MinIOModule = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// ToolsDir is where built tools are kept between runs: $LEAKTRAIL_TOOLS, else
// the user's cache folder.
func ToolsDir() (string, error) {
	if d := os.Getenv("LEAKTRAIL_TOOLS"); d != "" {
		return d, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "leaktrail", "bin"), nil
}

// EnsureMinIO returns the path of a MinIO server binary, building it once into
// the tools folder when neither it nor one on PATH exists.
func EnsureMinIO(ctx context.Context, log io.Writer) (string, error) {
	tools, err := ToolsDir()
	if err != nil {
		return "", err
	}
	built := filepath.Join(tools, "minio")
	if _, err := os.Stat(built); err == nil {
		return built, nil
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("MinIO is not installed and there is no Go toolchain to build it: install Go 1.26 or put a `minio` server binary on PATH")
	}
	fmt.Fprintf(log, "building the MinIO server into %s (once; about 5 minutes on 2 cores) ...\n", tools)
	cmd := exec.CommandContext(ctx, goBin, "install", MinIOModule)
	cmd.Env = append(os.Environ(), "GOBIN="+tools, "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0")
	cmd.Dir = os.TempDir() // outside any module, so the install resolves MinIO's own dependencies
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build MinIO (%s): %w", MinIOModule, err)
	}
	return built, nil
}

// MinIO is a running private MinIO server.
type MinIO struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	proc      *process
}

// MinIOOptions configure a private object store.
type MinIOOptions struct {
	Dir       string // data folder
	Port      int    // 0 picks a free one
	AccessKey string
	SecretKey string
	Log       io.Writer
}

// StartMinIO starts a MinIO server on 127.0.0.1 storing in opts.Dir.
func StartMinIO(ctx context.Context, opts MinIOOptions) (*MinIO, error) {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	bin, err := EnsureMinIO(ctx, opts.Log)
	if err != nil {
		return nil, err
	}
	if opts.Port == 0 {
		if opts.Port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	console, err := FreePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, err
	}
	m := &MinIO{Endpoint: fmt.Sprintf("127.0.0.1:%d", opts.Port), AccessKey: opts.AccessKey, SecretKey: opts.SecretKey}
	cmd := exec.Command(bin, "server", filepath.Join(opts.Dir, "data"), "--quiet",
		"--address", m.Endpoint, "--console-address", fmt.Sprintf("127.0.0.1:%d", console))
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+opts.AccessKey, "MINIO_ROOT_PASSWORD="+opts.SecretKey,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logFile, err := os.OpenFile(filepath.Join(opts.Dir, "minio.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if m.proc, err = start(cmd, logFile); err != nil {
		return nil, fmt.Errorf("start MinIO: %w", err)
	}
	if err := m.waitReady(ctx, filepath.Join(opts.Dir, "minio.log")); err != nil {
		m.Stop()
		return nil, err
	}
	return m, nil
}

func (m *MinIO) waitReady(ctx context.Context, logPath string) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-m.proc.done:
			return fmt.Errorf("MinIO exited: %v; see %s", m.proc.err, logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := client.Get("http://" + m.Endpoint + "/minio/health/live")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("MinIO did not become ready; see %s", logPath)
		}
	}
}

// Stop shuts MinIO down and waits for it.
func (m *MinIO) Stop() { m.proc.stop(syscall.SIGTERM) }

// randomSecret returns a random 32-character hex string.
func randomSecret() string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	return hex.EncodeToString(b)
}

// Secret returns the secret stored in path, creating it on first use, so a
// persistent data folder keeps its credentials across runs.
func Secret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	s := randomSecret()
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return "", err
	}
	return s, nil
}
