package services

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// MailpitModule is the Mailpit release built from the Go module proxy: an SMTP
// server that keeps what it receives and shows it over a REST API and a web UI.
const MailpitModule = "github.com/axllent/mailpit@v1.33.1"

// EnsureMailpit returns the path of a Mailpit binary, building it once into the
// tools folder when neither it nor one on PATH exists.
func EnsureMailpit(ctx context.Context, log io.Writer) (string, error) {
	tools, err := ToolsDir()
	if err != nil {
		return "", err
	}
	built := filepath.Join(tools, "mailpit")
	if _, err := os.Stat(built); err == nil {
		return built, nil
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("Mailpit is not installed and there is no Go toolchain to build it: install Go 1.26 or put a `mailpit` binary on PATH")
	}
	fmt.Fprintf(log, "building Mailpit into %s (once; about 1.5 minutes on 2 cores) ...\n", tools)
	cmd := exec.CommandContext(ctx, goBin, "install", MailpitModule)
	cmd.Env = append(os.Environ(), "GOBIN="+tools, "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0")
	cmd.Dir = os.TempDir() // outside any module, so the install resolves Mailpit's own dependencies
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build Mailpit (%s): %w", MailpitModule, err)
	}
	return built, nil
}

// Mailpit is a running private Mailpit: it accepts any mail on SMTP without
// authentication or TLS and keeps it for its API.
type Mailpit struct {
	SMTPAddr string // host:port
	HTTPURL  string // the web UI and the API under /api/v1/
	proc     *process
}

// MailpitOptions configure a private mail catcher.
type MailpitOptions struct {
	Dir      string // log and, when Keep, database folder
	Keep     bool   // keep the messages in Dir across runs; otherwise a throwaway database
	SMTPPort int    // 0 picks a free one
	HTTPPort int    // 0 picks a free one
	// TLSCert and TLSKey (PEM files) make it offer STARTTLS, or with
	// ImplicitTLS speak TLS from the first byte (as on port 465).
	TLSCert, TLSKey string
	ImplicitTLS     bool
	Log             io.Writer
}

// StartMailpit starts Mailpit on 127.0.0.1 and waits until it is ready.
func StartMailpit(ctx context.Context, opts MailpitOptions) (*Mailpit, error) {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	bin, err := EnsureMailpit(ctx, opts.Log)
	if err != nil {
		return nil, err
	}
	for _, p := range []*int{&opts.SMTPPort, &opts.HTTPPort} {
		if *p == 0 {
			if *p, err = FreePort(); err != nil {
				return nil, err
			}
		}
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, err
	}
	m := &Mailpit{
		SMTPAddr: fmt.Sprintf("127.0.0.1:%d", opts.SMTPPort),
		HTTPURL:  fmt.Sprintf("http://127.0.0.1:%d", opts.HTTPPort),
	}
	args := []string{"--smtp", m.SMTPAddr, "--listen", fmt.Sprintf("127.0.0.1:%d", opts.HTTPPort),
		// Accept whatever credentials a sender offers, so a client configured
		// with a user and password reaches it too.
		"--smtp-auth-accept-any",
		// No lookups outside this machine.
		"--disable-version-check", "--smtp-disable-rdns"}
	if opts.Keep {
		args = append(args, "--database", filepath.Join(opts.Dir, "mailpit.db"))
	}
	if opts.TLSCert != "" {
		args = append(args, "--smtp-tls-cert", opts.TLSCert, "--smtp-tls-key", opts.TLSKey)
	}
	if opts.ImplicitTLS {
		args = append(args, "--smtp-require-tls")
	} else {
		// Credentials over plain SMTP too (Mailpit refuses the flag with TLS
		// required, where there is no plain SMTP).
		args = append(args, "--smtp-auth-allow-insecure")
	}
	// Without --database Mailpit keeps its messages in a temporary file it
	// removes on exit.
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logPath := filepath.Join(opts.Dir, "mailpit.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if m.proc, err = start(cmd, logFile); err != nil {
		return nil, fmt.Errorf("start Mailpit: %w", err)
	}
	if err := m.waitReady(ctx, logPath); err != nil {
		m.Stop()
		return nil, err
	}
	return m, nil
}

// SMTPURL is the LEAKTRAIL_SMTP_URL that sends to this Mailpit.
func (m *Mailpit) SMTPURL() string {
	return "smtp://" + m.SMTPAddr + "?tls=none&from=leaktrail@localhost"
}

func (m *Mailpit) waitReady(ctx context.Context, logPath string) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-m.proc.done:
			return fmt.Errorf("Mailpit exited: %v; see %s", m.proc.err, logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		// readyz answers once the web server is up; the SMTP listener starts
		// beside it, so it is dialled too.
		resp, err := client.Get(m.HTTPURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if c, err := net.DialTimeout("tcp", m.SMTPAddr, time.Second); err == nil {
					c.Close()
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("Mailpit did not become ready; see %s", logPath)
		}
	}
}

// Stop shuts Mailpit down and waits for it.
func (m *Mailpit) Stop() { m.proc.stop(syscall.SIGTERM) }
