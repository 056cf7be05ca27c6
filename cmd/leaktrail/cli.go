package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/migrations"
	"github.com/leaktrail/leaktrail/server"
)

const usage = `leaktrail — incident response case tracker for leaks through chat software

Usage:
  leaktrail serve [flags]            serve the API and UI against your PostgreSQL and S3
  leaktrail dev [flags]              start a private PostgreSQL and MinIO, a demo case, and serve
  leaktrail migrate status|up        show or apply database migrations
  leaktrail user add --username U --role R [--role R2] --password-stdin
  leaktrail audit verify             check the audit log's hash chain
  leaktrail import forwards --incident LT-2026-0001 --as USERNAME FILE.csv|FILE.jsonl
  leaktrail evidence verify [--incident LT-2026-0001]   re-hash stored evidence; alert on mismatch
  leaktrail evidence reconcile       repair the object store and database after crashes

Run 'leaktrail COMMAND -h' for a command's flags.
`

// CLI runs the leaktrail binary's commands.
type CLI struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// errUsage means the command line was wrong; the usage was already printed.
var errUsage = errors.New("usage")

// Run executes args (without the program name) and returns the exit code.
// Failures print one line, never a stack trace.
func (c *CLI) Run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := c.dispatch(ctx, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		return 2
	}
	if e, ok := apperr.As(err); ok {
		fmt.Fprintf(c.Stderr, "leaktrail: %s\n", e.Message)
	} else {
		fmt.Fprintf(c.Stderr, "leaktrail: %v\n", err)
	}
	return 1
}

func (c *CLI) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.Stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return c.serve(ctx, args[1:])
	case "dev":
		return c.dev(ctx, args[1:])
	case "migrate":
		return c.migrate(ctx, args[1:])
	case "user":
		return c.user(ctx, args[1:])
	case "audit":
		return c.audit(ctx, args[1:])
	case "import":
		return c.importForwards(ctx, args[1:])
	case "evidence":
		return c.evidence(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(c.Stdout, usage)
		return nil
	}
	fmt.Fprintf(c.Stderr, "leaktrail: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}

func (c *CLI) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("leaktrail "+name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	return fs
}

// newLogger returns the JSON logger at the configured level.
func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func (c *CLI) serve(ctx context.Context, args []string) error {
	var cfg server.Config
	fs := c.flags("serve")
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := newLogger(c.Stderr, cfg.LogLevel)
	if err != nil {
		return err
	}
	log.Info("memory", "GOMEMLIMIT_bytes", tuneMemory())
	return runUntilSignal(ctx, server.NewMain(cfg, log))
}

// runUntilSignal opens m, serves until ctx ends (SIGINT/SIGTERM), and closes it.
func runUntilSignal(ctx context.Context, m *server.Main) error {
	if err := m.Open(ctx); err != nil {
		return err
	}
	err := m.Wait(ctx)
	m.Log.Info("shutting down")
	return errors.Join(err, m.Close())
}

func (c *CLI) migrate(ctx context.Context, args []string) error {
	var cfg server.Config
	fs := c.flags("migrate")
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "status" && fs.Arg(0) != "up") {
		fmt.Fprintln(c.Stderr, "usage: leaktrail migrate status|up")
		return errUsage
	}
	db, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if fs.Arg(0) == "up" {
		applied, err := migrations.Up(ctx, db)
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(c.Stdout, "the database is up to date")
		}
		for _, name := range applied {
			fmt.Fprintln(c.Stdout, "applied", name)
		}
		return nil
	}
	status, err := migrations.StatusOf(ctx, db)
	if err != nil {
		return err
	}
	for _, s := range status {
		if s.AppliedAt.IsZero() {
			fmt.Fprintf(c.Stdout, "%-40s pending\n", s.Name)
		} else {
			fmt.Fprintf(c.Stdout, "%-40s applied %s\n", s.Name, s.AppliedAt.Format("2006-01-02 15:04:05Z07:00"))
		}
	}
	return nil
}

// openDatabase connects to the configured database for a one-off command.
func openDatabase(ctx context.Context, cfg server.Config) (*sqlx.DB, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("no database configured: set LEAKTRAIL_DATABASE_URL")
	}
	return database.Open(ctx, cfg.DatabaseURL)
}

type roleList []auth.Role

func (r *roleList) String() string { return fmt.Sprint(*r) }

func (r *roleList) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		role, err := auth.ParseRole(part)
		if err != nil {
			return err
		}
		*r = append(*r, role)
	}
	return nil
}

func (c *CLI) user(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(c.Stderr, "usage: leaktrail user add --username U --role R [--role R2] [--display-name N] [--locale zh-CN|zh-TW|en] --password-stdin")
		return errUsage
	}
	var cfg server.Config
	var n auth.NewUser
	var roles roleList
	var passwordStdin bool
	fs := c.flags("user add")
	cfg.RegisterFlags(fs)
	fs.StringVar(&n.Username, "username", "", "sign-in name")
	fs.StringVar(&n.DisplayName, "display-name", "", "name shown to others (default: the username)")
	fs.StringVar(&n.Locale, "locale", "zh-CN", "language: zh-CN, zh-TW or en")
	fs.Var(&roles, "role", "RESPONDER, INVESTIGATOR, LEADERSHIP or ADMIN (repeat or comma-separate)")
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if !passwordStdin {
		return errors.New("pass the password on standard input with --password-stdin")
	}
	line, err := bufio.NewReader(c.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password: %w", err)
	}
	n.Password = strings.TrimRight(line, "\r\n")
	n.Roles = roles
	db, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := migrations.Up(ctx, db); err != nil {
		return err
	}
	svc := auth.NewService(db, 0)
	u, err := svc.AddUser(ctx, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "added user %s (%s) with roles %v\n", u.Username, u.ID, u.Roles)
	return nil
}

// errAuditBroken makes `audit verify` exit non-zero; the report was printed.
var errAuditBroken = errors.New("the audit chain is broken")

func (c *CLI) audit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(c.Stderr, "usage: leaktrail audit verify")
		return errUsage
	}
	var cfg server.Config
	fs := c.flags("audit verify")
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	if v.OK {
		fmt.Fprintf(c.Stdout, "OK: %d audit entries verified; head hash %x (record it elsewhere to detect a cut tail)\n", v.Checked, v.HeadHash)
		return nil
	}
	fmt.Fprintf(c.Stdout, "BROKEN at seq %d: %s (%d entries checked)\n", v.FirstBrokenSeq, v.Reason, v.Checked)
	return errAuditBroken
}
