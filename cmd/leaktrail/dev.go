package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/demo"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/services"
	"github.com/leaktrail/leaktrail/objstore"
	"github.com/leaktrail/leaktrail/server"
)

// devAdmin is the user `leaktrail dev` creates on first start.
const devAdmin = "admin"

// dev runs Leaktrail with a private PostgreSQL, MinIO and Mailpit (which
// catches the notification mail) in a data folder,
// creating an admin and a demo case on first start. Ctrl-C stops everything;
// the data stays for the next run.
func (c *CLI) dev(ctx context.Context, args []string) error {
	var (
		dataDir  string
		pgPort   int
		s3Port   int
		smtpPort int
		mailPort int
		listen   string
		logLevel string
	)
	fs := c.flags("dev")
	fs.StringVar(&dataDir, "data", cmp.Or(os.Getenv("LEAKTRAIL_DEV_DATA"), ".leaktrail-dev"), "folder for the private database and object store (LEAKTRAIL_DEV_DATA)")
	fs.IntVar(&pgPort, "pg-port", 54329, "PostgreSQL port on 127.0.0.1")
	fs.IntVar(&s3Port, "s3-port", 9009, "MinIO port on 127.0.0.1")
	fs.IntVar(&smtpPort, "smtp-port", 1025, "Mailpit's SMTP port on 127.0.0.1")
	fs.IntVar(&mailPort, "mailpit-port", 8025, "Mailpit's HTTP port on 127.0.0.1, to read the mail caught")
	fs.StringVar(&listen, "listen", cmp.Or(os.Getenv("LEAKTRAIL_LISTEN"), server.DefaultListen), "HTTP listen address (LEAKTRAIL_LISTEN)")
	fs.StringVar(&logLevel, "log-level", cmp.Or(os.Getenv("LEAKTRAIL_LOG_LEVEL"), "info"), "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := newLogger(c.Stderr, logLevel)
	if err != nil {
		return err
	}
	if dataDir, err = filepath.Abs(dataDir); err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "leaktrail dev: data in %s\n", dataDir)

	pgDir := services.PostgresDir(filepath.Join(dataDir, "postgres"))
	if pgDir != filepath.Join(dataDir, "postgres") {
		fmt.Fprintf(c.Stderr, "leaktrail dev: the postgres user cannot reach %s, so the database lives in %s\n", dataDir, pgDir)
	}
	pg, err := services.StartPostgres(ctx, services.PostgresOptions{Dir: pgDir, Port: pgPort, Log: c.Stderr})
	if err != nil {
		return err
	}
	defer pg.Stop()
	if err := pg.CreateDatabase(ctx, "leaktrail"); err != nil {
		return fmt.Errorf("create the leaktrail database: %w", err)
	}
	s3Secret, err := services.Secret(filepath.Join(dataDir, "minio-secret"))
	if err != nil {
		return err
	}
	mn, err := services.StartMinIO(ctx, services.MinIOOptions{Dir: filepath.Join(dataDir, "minio"), Port: s3Port,
		AccessKey: "leaktrail", SecretKey: s3Secret, Log: c.Stderr})
	if err != nil {
		return err
	}
	defer mn.Stop()
	mp, err := services.StartMailpit(ctx, services.MailpitOptions{Dir: filepath.Join(dataDir, "mailpit"), Keep: true,
		SMTPPort: smtpPort, HTTPPort: mailPort, Log: c.Stderr})
	if err != nil {
		return err
	}
	defer mp.Stop()

	cfg := server.Config{
		DatabaseURL:   pg.AdminURL("leaktrail"),
		Listen:        listen,
		S3:            objstore.Config{Endpoint: mn.Endpoint, AccessKey: mn.AccessKey, SecretKey: mn.SecretKey, Bucket: "leaktrail-evidence"},
		SessionTTL:    12 * time.Hour,
		ReportWindow:  incident.DefaultReportWindow,
		Introspection: true,
		LogLevel:      logLevel,
		// The vault's jobs run as in production.
		ReconcileInterval: 15 * time.Minute,
		FixityInterval:    24 * time.Hour,
		WatchInterval:     time.Minute,
		SMTPURL:           mp.SMTPURL(),
		NotifyPoll:        5 * time.Second,
		NotifyBackoff:     10 * time.Second,
	}
	envFile := filepath.Join(dataDir, "env")
	if err := writeEnvFile(envFile, cfg, cfg.SMTPURL); err != nil {
		return err
	}
	tuneMemory()
	m := server.NewMain(cfg, log)
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	password, err := c.seed(ctx, m, dataDir)
	if err != nil {
		return err
	}
	// Mailpit's own web UI is not in its Go module (it is built with npm), so
	// the mail is read through its API and its plain-text views.
	fmt.Fprintf(c.Stdout, "\nLeaktrail is running at %s\n  sign in as %q with password %q\n  GraphQL: POST %s/graphql\n"+
		"  mail is caught by Mailpit: the newest at %s/view/latest.txt, all at %s/api/v1/messages\n"+
		"  other commands reach it after: set -a; . %s; set +a\n  Ctrl-C stops it; data stays in %s\n\n",
		m.URL(), devAdmin, password, m.URL(), mp.HTTPURL, mp.HTTPURL, envFile, dataDir)
	err = m.Wait(ctx)
	fmt.Fprintln(c.Stderr, "leaktrail dev: stopping")
	return err
}

// seed creates the admin when there are no users and the demo case when there
// are no incidents, and returns the admin's password (kept in the data folder
// so later runs can show it).
func (c *CLI) seed(ctx context.Context, m *server.Main, dataDir string) (string, error) {
	password, err := services.Secret(filepath.Join(dataDir, "admin-password"))
	if err != nil {
		return "", err
	}
	users, err := m.Auth.CountUsers(ctx)
	if err != nil {
		return "", err
	}
	if users == 0 {
		if _, err := m.Auth.AddUser(ctx, auth.NewUser{Username: devAdmin, DisplayName: "管理员", Password: password,
			Roles: auth.AllRoles, Locale: "zh-CN"}); err != nil {
			return "", err
		}
	}
	admin, err := m.Auth.UserByUsername(ctx, devAdmin)
	if err != nil {
		return password, nil // the admin was renamed or disabled: leave the data alone
	}
	ctx = auth.WithUser(ctx, admin)
	if n, err := m.Incidents.Count(ctx, incident.Filter{}); err != nil || n > 0 {
		return password, err
	}
	inc, err := demo.Load(ctx, m.Incidents, m.Spread, time.Now())
	if err != nil {
		return "", fmt.Errorf("load the demo case: %w", err)
	}
	m.Log.Info("loaded the demo case", "reference", inc.Reference)
	return password, nil
}

// writeEnvFile writes the settings other leaktrail commands need to reach the
// dev instance's database, object store and mail catcher, readable by the
// owner only.
func writeEnvFile(path string, cfg server.Config, smtpURL string) error {
	body := fmt.Sprintf("LEAKTRAIL_DATABASE_URL=%s\nLEAKTRAIL_S3_ENDPOINT=%s\nLEAKTRAIL_S3_ACCESS_KEY=%s\nLEAKTRAIL_S3_SECRET_KEY=%s\nLEAKTRAIL_S3_BUCKET=%s\nLEAKTRAIL_SMTP_URL=%s\n",
		cfg.DatabaseURL, cfg.S3.Endpoint, cfg.S3.AccessKey, cfg.S3.SecretKey, cfg.S3.Bucket, smtpURL)
	return os.WriteFile(path, []byte(body), 0o600)
}
