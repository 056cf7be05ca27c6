package server

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/leaktrail/leaktrail/budget"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/graph"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/requestid"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/objstore"
	"github.com/leaktrail/leaktrail/workflow"
)

// Config is everything `serve` needs; each field has a flag and an
// environment variable, the flag winning.
type Config struct {
	DatabaseURL  string
	Listen       string
	S3           objstore.Config
	SessionTTL   time.Duration
	ReportWindow time.Duration
	// Jurisdiction is the classification scale (CN or TW) of cases opened
	// without naming one, and of screens that show a level without a case;
	// empty means CN.
	Jurisdiction    string
	Introspection   bool
	ComplexityLimit int
	LogLevel        string
	// PublicURL is the address browsers reach the server at; when it is
	// https the session cookie is Secure even if TLS ends at a proxy.
	PublicURL string
	// MetricsToken, when set, is the bearer token /metrics requires; without
	// it /metrics answers loopback clients only.
	MetricsToken string

	// The evidence vault; zero values take evidence.DefaultConfig's.
	EvidenceMaxBytes  int64
	EvidenceRetention string // "off", "compliance:7y", "governance:1y", ...
	EvidenceLinkTTL   time.Duration
	// How often serve re-verifies every object and reconciles the store with
	// the database; zero or negative turns the job off.
	FixityInterval    time.Duration
	ReconcileInterval time.Duration

	// TrustedProxies are the load balancers whose X-Forwarded-For names the
	// client (comma-separated addresses and CIDR ranges).
	TrustedProxies string
	// GraphQLMaxBody bounds a signed-in caller's /graphql request body, in bytes.
	GraphQLMaxBody int64
	// Limits sizes the pools of expensive work; zero values take budget.DefaultConfig's.
	Limits budget.Config
	// LimitsText is Limits as LEAKTRAIL_LIMITS writes it; when set it replaces Limits.
	LimitsText string

	// Forward imports: the largest file and the most rows one may hold;
	// zero values take the defaults below.
	ImportMaxBytes int64
	ImportMaxRows  int
	// BodyIdleTimeout ends an upload or import whose body sends nothing for
	// this long, freeing what it holds; zero takes DefaultBodyIdleTimeout.
	BodyIdleTimeout time.Duration

	// ClocksFile overrides the default clocks (workflow.ParseClocks); HolidaysFile
	// replaces the shipped holiday calendar (workflow.ParseCalendar).
	ClocksFile, HolidaysFile string
	// WatchInterval is how often the clocks and gates are looked at for notifications.
	WatchInterval time.Duration
	// SMTPURL is the SMTP server e-mail goes through (notify.ParseSMTPURL); empty for no e-mail.
	SMTPURL string
	// WebhookAllowPrivate lets webhooks reach loopback and private addresses.
	WebhookAllowPrivate bool
	// NotifyPoll is how often each instance looks for deliveries due (events wake it at once);
	// NotifyBackoff the wait after a first failed delivery, doubling after each.
	NotifyPoll, NotifyBackoff time.Duration
	// WebhookTimeout bounds each webhook attempt; zero takes 10 s.
	WebhookTimeout time.Duration
	// PprofListen, when set, serves Go's profiler (/debug/pprof/) on this
	// loopback address, apart from the API, so a slow path is measured on the
	// server itself rather than guessed at.
	PprofListen string
}

// Defaults of the import and body settings.
const (
	DefaultImportMaxBytes  = 32 << 20
	DefaultImportMaxRows   = 100000
	DefaultBodyIdleTimeout = 30 * time.Second
)

// DefaultListen is the address served when none is configured.
const DefaultListen = "127.0.0.1:8080"

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	if v, err := strconv.ParseBool(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func envInt64(name string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// RegisterFlags defines the configuration flags on fs, defaulting from the environment.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", envOr("LEAKTRAIL_DATABASE_URL", ""), "PostgreSQL URL (LEAKTRAIL_DATABASE_URL)")
	fs.StringVar(&c.Listen, "listen", envOr("LEAKTRAIL_LISTEN", DefaultListen), "HTTP listen address (LEAKTRAIL_LISTEN)")
	fs.StringVar(&c.S3.Endpoint, "s3-endpoint", envOr("LEAKTRAIL_S3_ENDPOINT", ""), "S3 endpoint host:port (LEAKTRAIL_S3_ENDPOINT)")
	fs.StringVar(&c.S3.AccessKey, "s3-access-key", envOr("LEAKTRAIL_S3_ACCESS_KEY", ""), "S3 access key (LEAKTRAIL_S3_ACCESS_KEY)")
	fs.StringVar(&c.S3.SecretKey, "s3-secret-key", envOr("LEAKTRAIL_S3_SECRET_KEY", ""), "S3 secret key (LEAKTRAIL_S3_SECRET_KEY)")
	fs.StringVar(&c.S3.Bucket, "s3-bucket", envOr("LEAKTRAIL_S3_BUCKET", "leaktrail-evidence"), "S3 bucket (LEAKTRAIL_S3_BUCKET)")
	fs.BoolVar(&c.S3.TLS, "s3-tls", envBool("LEAKTRAIL_S3_TLS", false), "use TLS to reach S3 (LEAKTRAIL_S3_TLS)")
	fs.StringVar(&c.S3.Region, "s3-region", envOr("LEAKTRAIL_S3_REGION", ""), "S3 region (LEAKTRAIL_S3_REGION)")
	fs.DurationVar(&c.SessionTTL, "session-ttl", envDuration("LEAKTRAIL_SESSION_TTL", 12*time.Hour), "how long a sign-in lasts (LEAKTRAIL_SESSION_TTL)")
	fs.DurationVar(&c.ReportWindow, "report-upward-window", envDuration("LEAKTRAIL_REPORT_UPWARD_WINDOW", incident.DefaultReportWindow),
		"time from detection to the report-upward deadline (LEAKTRAIL_REPORT_UPWARD_WINDOW)")
	fs.StringVar(&c.Jurisdiction, "jurisdiction", envOr("LEAKTRAIL_JURISDICTION", string(incident.DefaultJurisdiction)),
		"classification scale of new cases unless they name one: CN (mainland China) or TW (Taiwan) (LEAKTRAIL_JURISDICTION)")
	fs.BoolVar(&c.Introspection, "graphql-introspection", envBool("LEAKTRAIL_GRAPHQL_INTROSPECTION", false), "allow GraphQL introspection (LEAKTRAIL_GRAPHQL_INTROSPECTION)")
	fs.IntVar(&c.ComplexityLimit, "graphql-complexity-limit", graph.DefaultComplexityLimit, "largest GraphQL operation cost")
	fs.StringVar(&c.LimitsText, "limits", envOr("LEAKTRAIL_LIMITS", ""),
		"work done at once: hashing=4,imports=1,reports=2,fixity=1,uploads-per-user=4,imports-per-user=1,requests-per-user=16,sockets-per-address=32,sockets=4096,wait=2s (LEAKTRAIL_LIMITS)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", envOr("LEAKTRAIL_TRUSTED_PROXIES", ""),
		"addresses and CIDR ranges of the proxies whose X-Forwarded-For names the client, comma-separated (LEAKTRAIL_TRUSTED_PROXIES)")
	fs.Int64Var(&c.GraphQLMaxBody, "graphql-max-body", envInt64("LEAKTRAIL_GRAPHQL_MAX_BODY", DefaultGraphQLMaxBody),
		"largest /graphql request body of a signed-in caller, in bytes; its JSON may hold one object per 160 bytes (LEAKTRAIL_GRAPHQL_MAX_BODY)")
	fs.Int64Var(&c.EvidenceMaxBytes, "evidence-max-bytes", envInt64("LEAKTRAIL_EVIDENCE_MAX_BYTES", evidence.DefaultConfig.MaxSize),
		"largest evidence file accepted, in bytes (LEAKTRAIL_EVIDENCE_MAX_BYTES)")
	fs.StringVar(&c.EvidenceRetention, "evidence-retention", envOr("LEAKTRAIL_EVIDENCE_RETENTION", "off"),
		"write-once retention of evidence objects: off, compliance:7y, governance:1y, ... (LEAKTRAIL_EVIDENCE_RETENTION)")
	fs.DurationVar(&c.EvidenceLinkTTL, "evidence-link-ttl", envDuration("LEAKTRAIL_EVIDENCE_LINK_TTL", evidence.DefaultConfig.LinkTTL),
		"how long an evidence download link works (LEAKTRAIL_EVIDENCE_LINK_TTL)")
	fs.DurationVar(&c.FixityInterval, "fixity-interval", envDuration("LEAKTRAIL_FIXITY_INTERVAL", 24*time.Hour),
		"how often every evidence object is re-read and its hash checked; 0 turns it off (LEAKTRAIL_FIXITY_INTERVAL)")
	fs.DurationVar(&c.ReconcileInterval, "reconcile-interval", envDuration("LEAKTRAIL_RECONCILE_INTERVAL", 15*time.Minute),
		"how often the object store is reconciled with the database; 0 turns it off (LEAKTRAIL_RECONCILE_INTERVAL)")
	fs.StringVar(&c.PublicURL, "public-url", envOr("LEAKTRAIL_PUBLIC_URL", ""),
		"the URL browsers reach the server at, e.g. https://leaktrail.example.org; https makes the session cookie Secure (LEAKTRAIL_PUBLIC_URL)")
	fs.StringVar(&c.MetricsToken, "metrics-token", envOr("LEAKTRAIL_METRICS_TOKEN", ""),
		"bearer token for /metrics; without one only loopback clients may read it (LEAKTRAIL_METRICS_TOKEN)")
	fs.Int64Var(&c.ImportMaxBytes, "import-max-bytes", envInt64("LEAKTRAIL_IMPORT_MAX_BYTES", DefaultImportMaxBytes),
		"largest forwards import file accepted, in bytes (LEAKTRAIL_IMPORT_MAX_BYTES)")
	fs.IntVar(&c.ImportMaxRows, "import-max-rows", int(envInt64("LEAKTRAIL_IMPORT_MAX_ROWS", DefaultImportMaxRows)),
		"most forwards one import file may hold (LEAKTRAIL_IMPORT_MAX_ROWS)")
	fs.DurationVar(&c.BodyIdleTimeout, "body-idle-timeout", envDuration("LEAKTRAIL_BODY_IDLE_TIMEOUT", DefaultBodyIdleTimeout),
		"how long an upload or import may send nothing before it is ended (LEAKTRAIL_BODY_IDLE_TIMEOUT)")
	fs.StringVar(&c.ClocksFile, "clocks", envOr("LEAKTRAIL_CLOCKS", ""),
		"JSON file of clocks that override or add to the default legal clocks (LEAKTRAIL_CLOCKS)")
	fs.StringVar(&c.HolidaysFile, "holidays", envOr("LEAKTRAIL_HOLIDAYS", ""),
		"holiday calendar file for working days, replacing the shipped one (LEAKTRAIL_HOLIDAYS)")
	fs.DurationVar(&c.WatchInterval, "watch-interval", envDuration("LEAKTRAIL_WATCH_INTERVAL", time.Minute),
		"how often clocks and gates are checked for notifications; 0 turns it off (LEAKTRAIL_WATCH_INTERVAL)")
	fs.StringVar(&c.SMTPURL, "smtp-url", envOr("LEAKTRAIL_SMTP_URL", ""),
		"SMTP server for e-mail notifications, smtp://user:pass@host:587?from=leaktrail@example.org (LEAKTRAIL_SMTP_URL)")
	fs.BoolVar(&c.WebhookAllowPrivate, "webhook-allow-private", envBool("LEAKTRAIL_WEBHOOK_ALLOW_PRIVATE", false),
		"let webhooks reach loopback and private network addresses (LEAKTRAIL_WEBHOOK_ALLOW_PRIVATE)")
	fs.DurationVar(&c.NotifyPoll, "notify-poll", envDuration("LEAKTRAIL_NOTIFY_POLL", 5*time.Second),
		"how often due notification deliveries are looked for (LEAKTRAIL_NOTIFY_POLL)")
	fs.DurationVar(&c.NotifyBackoff, "notify-backoff", envDuration("LEAKTRAIL_NOTIFY_BACKOFF", 10*time.Second),
		"wait after a first failed delivery, doubled after each up to an hour (LEAKTRAIL_NOTIFY_BACKOFF)")
	fs.DurationVar(&c.WebhookTimeout, "webhook-timeout", envDuration("LEAKTRAIL_WEBHOOK_TIMEOUT", 10*time.Second),
		"how long one webhook attempt may take (LEAKTRAIL_WEBHOOK_TIMEOUT)")
	fs.StringVar(&c.PprofListen, "pprof-listen", envOr("LEAKTRAIL_PPROF_LISTEN", ""),
		"loopback address serving Go's profiler at /debug/pprof/, e.g. 127.0.0.1:6060; off when empty (LEAKTRAIL_PPROF_LISTEN)")
	fs.StringVar(&c.LogLevel, "log-level", envOr("LEAKTRAIL_LOG_LEVEL", "info"), "debug, info, warn or error (LEAKTRAIL_LOG_LEVEL)")
}

// Validate reports the first missing or malformed setting, naming its variable.
func (c Config) Validate() error {
	switch {
	case c.DatabaseURL == "":
		return fmt.Errorf("no database configured: set LEAKTRAIL_DATABASE_URL (or use `leaktrail dev`)")
	case c.S3.Endpoint == "":
		return fmt.Errorf("no object store configured: set LEAKTRAIL_S3_ENDPOINT, LEAKTRAIL_S3_ACCESS_KEY and LEAKTRAIL_S3_SECRET_KEY (or use `leaktrail dev`)")
	case c.SessionTTL <= 0:
		return fmt.Errorf("LEAKTRAIL_SESSION_TTL must be positive")
	case c.ReportWindow <= 0:
		return fmt.Errorf("LEAKTRAIL_REPORT_UPWARD_WINDOW must be positive")
	case c.Jurisdiction != "" && !slices.Contains(incident.Jurisdictions, incident.Jurisdiction(c.Jurisdiction)):
		return fmt.Errorf("LEAKTRAIL_JURISDICTION must be CN (mainland China) or TW (Taiwan)")
	case c.EvidenceMaxBytes < 0:
		return fmt.Errorf("LEAKTRAIL_EVIDENCE_MAX_BYTES must be positive")
	case c.ImportMaxBytes < 0:
		return fmt.Errorf("LEAKTRAIL_IMPORT_MAX_BYTES must be positive")
	case c.ImportMaxRows < 0:
		return fmt.Errorf("LEAKTRAIL_IMPORT_MAX_ROWS must be positive")
	case c.BodyIdleTimeout < 0:
		return fmt.Errorf("LEAKTRAIL_BODY_IDLE_TIMEOUT must be positive")
	}
	if _, err := budget.ParseConfig(c.LimitsText); err != nil {
		return fmt.Errorf("LEAKTRAIL_LIMITS: %w", err)
	}
	if _, err := requestid.ParsePrefixes(c.TrustedProxies); err != nil {
		return fmt.Errorf("LEAKTRAIL_TRUSTED_PROXIES: %w", err)
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("LEAKTRAIL_PUBLIC_URL must be an absolute http or https URL, e.g. https://leaktrail.example.org")
		}
	}
	if _, err := c.Clocks(); err != nil {
		return err
	}
	if c.PprofListen != "" && !loopback(c.PprofListen) {
		return fmt.Errorf("LEAKTRAIL_PPROF_LISTEN must be a loopback address such as 127.0.0.1:6060: the profiler shows the server's memory")
	}
	if c.SMTPURL != "" {
		if _, err := notify.ParseSMTPURL(c.SMTPURL); err != nil {
			return fmt.Errorf("LEAKTRAIL_SMTP_URL: %w", err)
		}
	}
	_, err := c.Evidence()
	return err
}

// Clocks is the deployment's clock registry: the default clocks, the
// report upward due after ReportWindow, then the clock file's changes, over
// the shipped holiday calendar or the deployment's.
func (c Config) Clocks() (*workflow.Clocks, error) {
	cal := workflow.DefaultCalendar()
	if c.HolidaysFile != "" {
		f, err := os.Open(c.HolidaysFile)
		if err != nil {
			return nil, fmt.Errorf("LEAKTRAIL_HOLIDAYS: %w", err)
		}
		defer f.Close()
		if cal, err = workflow.ParseCalendar(f); err != nil {
			return nil, fmt.Errorf("LEAKTRAIL_HOLIDAYS: %w", err)
		}
	}
	clocks := workflow.DefaultClocks()
	if c.ReportWindow > 0 {
		for i := range clocks {
			if clocks[i].ID == "report_upward" || clocks[i].ID == "written_report" {
				clocks[i].Amount = max(1, int(c.ReportWindow.Round(time.Hour).Hours()))
			}
		}
	}
	if c.ClocksFile != "" {
		data, err := os.ReadFile(c.ClocksFile)
		if err != nil {
			return nil, fmt.Errorf("LEAKTRAIL_CLOCKS: %w", err)
		}
		if clocks, err = workflow.ParseClocks(clocks, data); err != nil {
			return nil, fmt.Errorf("LEAKTRAIL_CLOCKS: %w", err)
		}
	}
	return workflow.NewClocks(cal, clocks...), nil
}

// SecureCookies tells whether browsers reach the server over https.
func (c Config) SecureCookies() bool {
	u, err := url.Parse(c.PublicURL)
	return err == nil && u.Scheme == "https"
}

// Evidence is the evidence vault's configuration, defaults filled in.
func (c Config) Evidence() (evidence.Config, error) {
	out := evidence.DefaultConfig
	if c.EvidenceMaxBytes > 0 {
		out.MaxSize = c.EvidenceMaxBytes
	}
	if c.EvidenceLinkTTL > 0 {
		out.LinkTTL = c.EvidenceLinkTTL
	}
	var err error
	out.Retention, err = evidence.ParseRetention(c.EvidenceRetention)
	return out, err
}

// loopback reports whether addr (host:port) names a loopback interface.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
