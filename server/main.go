// Package server is Leaktrail's HTTP server: its configuration, Main (which
// wires the services together, serves /graphql and the endpoints beside it,
// and runs the scheduled jobs) and those endpoints. It only serves: the
// binary's commands are in cmd/leaktrail, errors are answered through
// graph.PublicError as on /graphql.
package server

import (
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/budget"
	"github.com/leaktrail/leaktrail/chatlog"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/discipline"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/graph"
	"github.com/leaktrail/leaktrail/idempotency"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/requestid"
	"github.com/leaktrail/leaktrail/live"
	"github.com/leaktrail/leaktrail/metrics"
	"github.com/leaktrail/leaktrail/migrations"
	"github.com/leaktrail/leaktrail/notify"
	"github.com/leaktrail/leaktrail/objstore"
	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/stats"
	"github.com/leaktrail/leaktrail/ui"
	"github.com/leaktrail/leaktrail/workflow"
)

// Main is a running Leaktrail server: Open starts it, Close stops it.
type Main struct {
	Config Config
	Log    *slog.Logger

	DB         *sqlx.DB
	Objects    *objstore.Store
	Auth       *auth.Service
	Incidents  *incident.Service
	Spread     *spread.Service
	Evidence   *evidence.Service
	Discipline *discipline.Service
	Chats      *chatlog.Service
	Notify     *notify.Service
	Stats      *stats.Service
	Live       *live.Hub
	Metrics    *metrics.Metrics
	// Limits bound the expensive work done at once (hashing, imports, reports, fixity).
	Limits *budget.Limits

	jobs     context.CancelFunc
	jobsDone sync.WaitGroup
	listener net.Listener
	http     *http.Server
	served   chan error
	pprof    *http.Server
	pprofURL string
}

// NewMain returns a server for cfg, logging to log.
func NewMain(cfg Config, log *slog.Logger) *Main {
	return &Main{Config: cfg, Log: log}
}

// Open connects to the database and object store, migrates, and starts
// serving on Config.Listen (port 0 picks a free port; see Addr).
func (m *Main) Open(ctx context.Context) (err error) {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if m.DB, err = database.Open(ctx, m.Config.DatabaseURL); err != nil {
		return err
	}
	m.Metrics = metrics.New(m.DB.DB)
	applied, err := migrations.Up(ctx, m.DB)
	if err != nil {
		return fmt.Errorf("migrate the database: %w", err)
	}
	if len(applied) > 0 {
		m.Log.Info("applied migrations", "migrations", applied)
	}
	if m.Objects, err = objstore.Open(ctx, m.Config.S3); err != nil {
		return err
	}
	limits := m.Config.Limits
	if m.Config.LimitsText != "" {
		limits, _ = budget.ParseConfig(m.Config.LimitsText) // checked by Validate
	}
	m.Limits = budget.New(limits)
	m.Auth = auth.NewService(m.DB, m.Config.SessionTTL)
	m.Auth.Hashing, m.Auth.Log = m.Limits.Hashing, m.Log
	m.Auth.SecureCookies = m.Config.SecureCookies()
	m.Incidents = incident.NewService(m.DB)
	m.Incidents.ReportWindow = m.Config.ReportWindow
	if m.Incidents.Clocks, err = m.Config.Clocks(); err != nil {
		return err
	}
	if m.Config.Jurisdiction != "" {
		m.Incidents.DefaultJurisdiction = incident.Jurisdiction(m.Config.Jurisdiction)
	}
	m.Spread = spread.NewService(m.DB, m.Incidents)
	vault, err := m.Config.Evidence()
	if err != nil {
		return err
	}
	if vault.Retention.On() && !m.Objects.Locking() {
		return fmt.Errorf("LEAKTRAIL_EVIDENCE_RETENTION needs object locking, but bucket %q was made without it; "+
			"use a new bucket (Leaktrail makes it with locking) or turn retention off", m.Config.S3.Bucket)
	}
	m.Evidence = evidence.NewService(m.DB, m.Incidents, m.Objects, vault, m.Log)
	m.Discipline = discipline.NewService(m.DB, m.Incidents, m.Spread, m.Evidence)
	m.Incidents.ClockSources = []incident.ClockEvents{m.Discipline.ClockEvents}
	m.Chats = chatlog.NewService(m.DB, m.Incidents, m.Evidence, m.Spread, m.Auth.UsersByIDs, m.Log)
	// The gates are workflow's; the facts they read beyond the incident's own
	// come from the features that hold them.
	if err := m.Incidents.Wire(map[workflow.Source]incident.FactSource{workflow.FromSpread: m.Spread.GateFacts,
		workflow.FromEvidence: m.Evidence.GateFacts, workflow.FromDiscipline: m.Discipline.GateFacts}); err != nil {
		return err
	}
	m.Stats = &stats.Service{DB: m.DB, ReportWindow: m.Config.ReportWindow, Incidents: m.Incidents}
	m.Notify = notify.NewService(m.DB, notify.ReadRule{Readers: m.Incidents.Store.Readers, MayRead: m.Incidents.Store.MayRead}, m.Log)
	m.Notify.PublicURL = cmp.Or(m.Config.PublicURL, "http://"+m.Config.Listen)
	m.Notify.AllowPrivateTargets = m.Config.WebhookAllowPrivate
	m.Notify.HTTP = notify.NewWebhookClient(m.Config.WebhookAllowPrivate, cmp.Or(m.Config.WebhookTimeout, 10*time.Second))
	if m.Config.NotifyBackoff > 0 {
		m.Notify.Backoff = m.Config.NotifyBackoff
	}
	if m.Config.SMTPURL != "" {
		mc, _ := notify.ParseSMTPURL(m.Config.SMTPURL) // checked by Validate
		m.Notify.Mailer = notify.NewMailer(mc)
	}
	if m.Live, err = live.Open(m.Config.DatabaseURL, m.Log); err != nil {
		return fmt.Errorf("listen for incident changes: %w", err)
	}
	m.startJobs()

	if m.listener, err = net.Listen("tcp", m.Config.Listen); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Listen, err)
	}
	m.http = &http.Server{
		Handler:           m.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    maxHeaderBytes,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.http.Serve(m.listener) }()
	if m.Config.PprofListen != "" {
		if err := m.servePprof(); err != nil {
			return err
		}
	}
	m.Log.Info("serving", "url", m.URL())
	return nil
}

// servePprof serves Go's profiler on its own loopback listener, closed with the server.
func (m *Main) servePprof() error {
	l, err := net.Listen("tcp", m.Config.PprofListen)
	if err != nil {
		return fmt.Errorf("listen on %s (LEAKTRAIL_PPROF_LISTEN): %w", m.Config.PprofListen, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	m.pprof = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	m.pprofURL = "http://" + l.Addr().String() + "/debug/pprof/"
	go m.pprof.Serve(l) //nolint:errcheck // ends with Close
	m.Log.Info("profiler", "url", m.pprofURL)
	return nil
}

// PprofURL is where the profiler answers, empty when it is off.
func (m *Main) PprofURL() string { return m.pprofURL }

// Addr is the address the server listens on.
func (m *Main) Addr() string { return m.listener.Addr().String() }

// URL is the server's base URL.
func (m *Main) URL() string { return "http://" + m.Addr() }

// Wait blocks until the server stops serving on its own or ctx ends.
func (m *Main) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-m.served:
		return err
	}
}

// Close stops serving, letting requests in flight finish, and disconnects.
func (m *Main) Close() error {
	var errs []error
	if m.jobs != nil {
		m.jobs()
		m.jobsDone.Wait()
		m.Auth.FlushLimited(context.Background(), true)
	}
	if m.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		errs = append(errs, m.http.Shutdown(ctx))
	}
	if m.pprof != nil {
		errs = append(errs, m.pprof.Close())
	}
	if m.Live != nil {
		errs = append(errs, m.Live.Close())
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

func (m *Main) routes() http.Handler {
	resolver := &graph.Resolver{AuthService: m.Auth, IncidentService: m.Incidents, SpreadService: m.Spread, EvidenceService: m.Evidence, ChatService: m.Chats,
		DisciplineService: m.Discipline, StatsService: m.Stats, NotifyService: m.Notify, Live: m.Live}
	gql := graph.NewHandler(resolver, graph.HandlerConfig{
		Introspection:    m.Config.Introspection,
		ComplexityLimit:  m.Config.ComplexityLimit,
		ParserTokenLimit: 15000,
		Log:              m.Log,
		Extensions:       []graphql.HandlerExtension{m.Metrics.GraphQL()},
		Limits:           m.Limits,
	})
	mux := http.NewServeMux()
	// A retried mutation carrying an Idempotency-Key is never applied twice.
	once := idempotency.Middleware(m.DB, m.Log, m.writeError)
	mux.Handle("/graphql", m.Auth.Middleware(m.boundGraphQL(once(bulkForwards(gql)))))
	mux.Handle("GET /incidents/{reference}/spread.json", m.Auth.Middleware(m.heavy(m.Limits.Reports, http.HandlerFunc(m.spreadJSON))))
	mux.Handle("GET /incidents/{reference}/spread.graphml", m.Auth.Middleware(m.heavy(m.Limits.Reports, http.HandlerFunc(m.spreadGraphML))))
	mux.HandleFunc("GET /forwards-template.csv", forwardsTemplate)
	mux.Handle("POST /incidents/{reference}/forwards", m.Auth.Middleware(once(http.HandlerFunc(m.importForwards))))
	mux.Handle("GET /incidents/{reference}/evidence.zip", m.Auth.Middleware(m.heavy(m.Limits.Reports, http.HandlerFunc(m.exportEvidence))))
	mux.Handle("GET /statistics.csv", m.Auth.Middleware(m.heavy(m.Limits.Reports, http.HandlerFunc(m.statisticsCSV))))
	for ext := range reportTypes {
		mux.Handle("GET /incidents/{reference}/report."+ext, m.Auth.Middleware(m.heavy(m.Limits.Reports, m.report(ext))))
	}
	mux.Handle("GET /evidence/uploads/{id}", m.Auth.Middleware(http.HandlerFunc(m.uploadStatus)))
	mux.Handle("PUT /evidence/uploads/{id}", m.Auth.Middleware(http.HandlerFunc(m.uploadWhole)))
	mux.Handle("PUT /evidence/uploads/{id}/parts/{part}", m.Auth.Middleware(http.HandlerFunc(m.uploadParts)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", m.ready)
	mux.Handle("GET /metrics", m.metricsGuard(m.Metrics.Handler()))
	mux.Handle("/", getOnly(ui.Handler()))
	trusted, _ := requestid.ParsePrefixes(m.Config.TrustedProxies) // checked by Validate
	return requestid.Middleware(trusted)(m.accessLog(noSniff(mux)))
}

// heavy runs a signed-in caller's request inside pool, one at a time per
// user, so that reports and exports asked all at once queue briefly and are
// then refused with RATE_LIMITED; a request without a user goes straight on
// to be refused. An answer the client stops reading for writeIdle is cut
// off, so a slow reader cannot hold a slot for long.
func (m *Main) heavy(pool *budget.Pool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := auth.UserFrom(r.Context())
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		releaseMine, err := m.Limits.Reporting.Acquire(u.ID.String())
		if err != nil {
			m.writeError(w, r, err)
			return
		}
		defer releaseMine()
		release, err := pool.Acquire(r.Context())
		if err != nil {
			m.writeError(w, r, err)
			return
		}
		defer release()
		rc := http.NewResponseController(w)
		// The connection may serve another request after this one.
		defer rc.SetWriteDeadline(time.Time{}) //nolint:errcheck // not every writer supports deadlines
		next.ServeHTTP(&pacedWriter{ResponseWriter: w, rc: rc}, r)
	})
}

// writeIdle is how long a client may leave an answer unread.
const writeIdle = 30 * time.Second

// pacedWriter moves the connection's write deadline along as an answer is
// written, at most every quarter of writeIdle.
type pacedWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	moved time.Time
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	if now := time.Now(); now.Sub(p.moved) > writeIdle/4 {
		if p.rc.SetWriteDeadline(now.Add(writeIdle)) == nil {
			p.moved = now
		}
	}
	return p.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (p *pacedWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// ready reports whether the database and the object store answer.
func (m *Main) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	body := map[string]string{"status": "ready", "database": "ok", "objectStore": "ok"}
	code := http.StatusOK
	if err := m.DB.PingContext(ctx); err != nil {
		body["database"], body["status"], code = "unreachable", "not ready", http.StatusServiceUnavailable
		m.Log.Warn("readiness: database unreachable", "error", err)
	}
	if err := m.Objects.Ping(ctx); err != nil {
		body["objectStore"], body["status"], code = "unreachable", "not ready", http.StatusServiceUnavailable
		m.Log.Warn("readiness: object store unreachable", "error", err)
	}
	writeJSON(w, code, body)
}

// metricsGuard lets a scraper with the configured token through, or, when
// none is configured, clients on this host only: the figures say how busy
// the case work is, which is not for everyone.
func (m *Main) metricsGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token := m.Config.MetricsToken; token != "" {
			if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
				m.writeError(w, r, apperr.Errorf(apperr.Unauthenticated, "/metrics needs the metrics token"))
				return
			}
		} else if host, _, _ := net.SplitHostPort(r.RemoteAddr); !net.ParseIP(host).IsLoopback() {
			m.writeError(w, r, apperr.Errorf(apperr.Forbidden, "/metrics answers this host only unless a metrics token is set"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// noSniff keeps browsers to the declared type of everything served (reports,
// exports, JSON), so that no answer is ever run as a page or a script.
func noSniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

func getOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client went away
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController and the websocket upgrade reach the connection.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (m *Main) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		// The mux has set the pattern it matched on this same request.
		m.Metrics.ObserveRequest(r.Pattern, sw.status, time.Since(start))
		m.Log.LogAttrs(r.Context(), slog.LevelDebug, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
			slog.Duration("duration", time.Since(start)), slog.String("request_id", requestid.From(r.Context())))
	})
}
