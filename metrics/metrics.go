// Package metrics is what a Leaktrail server tells Prometheus: request
// latency by route and by GraphQL operation, errors by code, the database
// pool, uploads in flight and scheduled job runs. Each server has its own
// registry, so several servers in one process (tests) do not collide.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"
)

// Metrics holds a server's collectors.
type Metrics struct {
	Registry   *prometheus.Registry
	requests   *prometheus.HistogramVec
	operations *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	uploads    prometheus.Gauge
	jobs       *prometheus.CounterVec

	mu    sync.Mutex
	names map[string]bool // operation names seen, bounded (see operationLabel)
}

// maxOperationNames bounds the operation label: names are chosen by
// clients, and each distinct one is a time series.
const maxOperationNames = 200

// New makes the collectors, with the database pool's statistics.
func New(db *sql.DB) *Metrics {
	buckets := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "leaktrail_http_request_duration_seconds",
			Help: "HTTP requests by route pattern and status code.", Buckets: buckets}, []string{"route", "status"}),
		operations: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "leaktrail_graphql_operation_duration_seconds",
			Help: "GraphQL queries and mutations by operation name.", Buckets: buckets}, []string{"operation", "type"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leaktrail_errors_total",
			Help: "Errors answered to clients, by application error code."}, []string{"code"}),
		uploads: prometheus.NewGauge(prometheus.GaugeOpts{Name: "leaktrail_evidence_uploads_in_flight",
			Help: "Evidence uploads being received now."}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leaktrail_job_runs_total",
			Help: "Scheduled job runs on this instance, by job and result (ok, failed, skipped: another instance held the lock)."},
			[]string{"job", "result"}),
		names: map[string]bool{},
	}
	m.Registry.MustRegister(m.requests, m.operations, m.errors, m.uploads, m.jobs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "leaktrail"))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// ObserveRequest records one HTTP request; route is the pattern it matched.
func (m *Metrics) ObserveRequest(route string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Observe(took.Seconds())
}

// Error counts an error answered to a client.
func (m *Metrics) Error(code string) { m.errors.WithLabelValues(code).Inc() }

// UploadStarted counts an upload in flight until the returned func is called.
func (m *Metrics) UploadStarted() (done func()) {
	m.uploads.Inc()
	return m.uploads.Dec
}

// JobRun counts a scheduled job's run: "ok", "failed" or "skipped".
func (m *Metrics) JobRun(job, result string) { m.jobs.WithLabelValues(job, result).Inc() }

var operationName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// operationLabel is the operation's name when it is a plain name and one of
// the first maxOperationNames seen, else "other" ("anonymous" when unnamed).
func (m *Metrics) operationLabel(name string) string {
	if name == "" {
		return "anonymous"
	}
	if !operationName.MatchString(name) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}

// GraphQL is the gqlgen extension that times operations and counts the
// error codes in their responses.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return graphQL{m} }

type graphQL struct{ m *Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = graphQL{}

func (graphQL) ExtensionName() string                   { return "Metrics" }
func (graphQL) Validate(graphql.ExecutableSchema) error { return nil }

func (g graphQL) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		g.m.Error(code)
	}
	if !graphql.HasOperationContext(ctx) {
		return resp
	}
	op := graphql.GetOperationContext(ctx)
	// A subscription's responses are events over minutes: not a latency.
	if op.Operation == nil || op.Operation.Operation == ast.Subscription {
		return resp
	}
	name := op.OperationName // as the client chose among the document's operations
	if name == "" {
		name = op.Operation.Name
	}
	g.m.operations.WithLabelValues(g.m.operationLabel(name), string(op.Operation.Operation)).
		Observe(time.Since(start).Seconds())
	return resp
}
