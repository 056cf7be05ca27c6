// Command withservices runs a command with a throwaway PostgreSQL, MinIO and
// Mailpit started for it, for the test command:
//
//	go run ./internal/cmd/withservices -- go test ./...
//
// The command sees LEAKTRAIL_TEST_DATABASE_URL (the superuser's DSN) and
// LEAKTRAIL_TEST_S3_ENDPOINT, _ACCESS_KEY and _SECRET_KEY,
// LEAKTRAIL_TEST_SMTP_ADDR (Mailpit's SMTP host:port, no authentication or TLS)
// and LEAKTRAIL_TEST_MAILPIT_URL (its API, read with internal/mailpit). The
// servers and their data are removed when it exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/leaktrail/leaktrail/internal/services"
)

func main() {
	os.Exit(run())
}

func run() int {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: withservices -- COMMAND [ARG...]")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dir, err := os.MkdirTemp("", "leaktrail-test-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		return fail(err)
	}
	// The case report's PDF test reads the text back with poppler's pdftotext;
	// the UI's end-to-end test runs in Debian's Chromium, with CJK fonts so
	// Chinese renders in its screenshots.
	for _, need := range [][2]string{{"pdftotext", "poppler-utils"}, {"chromium", "chromium"}} {
		if err := services.EnsureCommand(os.Stderr, need[0], need[1]); err != nil {
			return fail(err)
		}
	}
	if _, err := os.Stat("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"); err != nil {
		if err := services.AptInstall(os.Stderr, "fonts-noto-cjk"); err != nil {
			return fail(err)
		}
	}
	pg, err := services.StartPostgres(ctx, services.PostgresOptions{Dir: filepath.Join(dir, "pg"), Throwaway: true, Log: os.Stderr})
	if err != nil {
		return fail(err)
	}
	defer pg.Stop()
	secret, err := services.Secret(filepath.Join(dir, "minio-secret"))
	if err != nil {
		return fail(err)
	}
	mn, err := services.StartMinIO(ctx, services.MinIOOptions{Dir: filepath.Join(dir, "minio"),
		AccessKey: "leaktrail-test", SecretKey: secret, Log: os.Stderr})
	if err != nil {
		return fail(err)
	}
	defer mn.Stop()
	mp, err := services.StartMailpit(ctx, services.MailpitOptions{Dir: filepath.Join(dir, "mailpit"), Log: os.Stderr})
	if err != nil {
		return fail(err)
	}
	defer mp.Stop()
	fmt.Fprintf(os.Stderr, "withservices: PostgreSQL on 127.0.0.1:%d, MinIO on %s, Mailpit on %s (API %s)\n",
		pg.Port, mn.Endpoint, mp.SMTPAddr, mp.HTTPURL)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"LEAKTRAIL_TEST_DATABASE_URL="+pg.AdminURL("postgres"),
		"LEAKTRAIL_TEST_S3_ENDPOINT="+mn.Endpoint,
		"LEAKTRAIL_TEST_S3_ACCESS_KEY="+mn.AccessKey,
		"LEAKTRAIL_TEST_S3_SECRET_KEY="+mn.SecretKey,
		"LEAKTRAIL_TEST_SMTP_ADDR="+mp.SMTPAddr,
		"LEAKTRAIL_TEST_MAILPIT_URL="+mp.HTTPURL,
	)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		return fail(err)
	}
	return 0
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "withservices:", err)
	return 1
}
