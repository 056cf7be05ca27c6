// Package stats is what leadership reads across cases: counts by stage,
// classification, root cause, platform, venue kind and detection source; how
// long stages and containment take; whether reports upward met their
// deadline; outcomes; and measures gone past due. Every figure counts only
// the incidents the reader may see.
package stats

import (
	"context"
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
	"github.com/leaktrail/leaktrail/workflow"
)

// Filter picks the incidents counted: detected in [From, To), and, when Unit
// is set, with a responsibility finding about someone of that unit.
type Filter struct {
	From, To time.Time
	Unit     string
}

// Count is how many incidents (or outcomes) have one value of a dimension.
type Count struct {
	Key   string `db:"key"`
	Count int    `db:"count"`
}

// Durations are percentiles of a duration, in hours, over Samples cases.
type Durations struct {
	Key         string   `db:"key"`
	Samples     int      `db:"samples"`
	MedianHours *float64 `db:"median"`
	P90Hours    *float64 `db:"p90"`
}

// Statistics are the figures for one filter.
type Statistics struct {
	Filter            Filter
	Incidents         int
	ByStage           []Count
	ByClassification  []Count
	ByRootCause       []Count
	ByDetectionMethod []Count
	ByPlatform        []Count // incidents that reached a venue on the platform
	ByVenueKind       []Count // incidents that reached a venue of the kind
	// TimeInStage is per stay in a stage (a case sent back stays twice), for stays that ended.
	TimeInStage []Durations
	// DetectionToContainment runs from detection to the first containment step.
	DetectionToContainment Durations
	// ReportUpwardRequired counts incidents whose report upward was due; Met those notified in time.
	ReportUpwardRequired, ReportUpwardMet int
	OutcomesByCategory, OutcomesByType    []Count // outcomes not revoked, of incidents whose outcomes the reader may see
	OverdueMeasures                       int     // open measures past their due date
	// ClockRates are per clock of the registry, over the incidents counted.
	ClockRates []ClockRate
}

// ClockRate is how one clock fared over the incidents counted: stopped in
// time (Met) or late, and, of those still running, past due or not.
type ClockRate struct {
	Clock                       workflow.Clock
	Met, Late, Overdue, Running int
}

// Rate is the share of clocks come due that were met in time, or nil when none has.
func (c ClockRate) Rate() *float64 {
	due := c.Met + c.Late + c.Overdue
	if due == 0 {
		return nil
	}
	r := float64(c.Met) / float64(due)
	return &r
}

// ReportUpwardMetRate is the share of due reports upward made in time, or nil when none was due.
func (s Statistics) ReportUpwardMetRate() *float64 {
	if s.ReportUpwardRequired == 0 {
		return nil
	}
	r := float64(s.ReportUpwardMet) / float64(s.ReportUpwardRequired)
	return &r
}

// Service computes statistics.
type Service struct {
	DB *sqlx.DB
	// ReportWindow is the time from detection to the report-upward deadline.
	ReportWindow time.Duration
	// Incidents evaluates the clocks.
	Incidents *incident.Service
}

// maxRange bounds one query's date range.
const maxRange = 20 * 366 * 24 * time.Hour

// Compute returns the statistics of the incidents the caller may see that match f.
func (s *Service) Compute(ctx context.Context, f Filter) (*Statistics, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case f.To.IsZero():
		f.To = time.Now()
	case !f.From.Before(f.To):
		return nil, apperr.Invalid("from", "from must be before to")
	}
	if f.From.IsZero() {
		f.From = f.To.AddDate(-1, 0, 0)
	}
	if f.To.Sub(f.From) > maxRange {
		return nil, apperr.Invalid("from", "a range is at most 20 years")
	}
	if len(f.Unit) > 200 {
		return nil, apperr.Invalid("unit", "a unit is at most 200 bytes")
	}
	st := &Statistics{Filter: f}
	q := query{v: incident.ViewerOf(u), f: f}
	if err := s.counts(ctx, q, st); err != nil {
		return nil, err
	}
	if err := q.selectInto(ctx, s.DB, &st.TimeInStage, `, t AS (
		SELECT tr.to_stage, tr.at, lead(tr.at) OVER (PARTITION BY tr.incident_id ORDER BY tr.seq) AS left_at
		FROM incident_transitions tr JOIN v ON v.id = tr.incident_id)
		SELECT to_stage AS key, count(*) AS samples, `+percentiles("left_at - at")+`
		FROM t WHERE left_at IS NOT NULL GROUP BY to_stage`); err != nil {
		return nil, err
	}
	sort.Slice(st.TimeInStage, func(i, j int) bool {
		return workflow.Stage(st.TimeInStage[i].Key).Index() < workflow.Stage(st.TimeInStage[j].Key).Index()
	})
	var containment []Durations
	if err := q.selectInto(ctx, s.DB, &containment, `, c AS (
		SELECT v.detected_at, least(
			(SELECT min(taken_at) FROM containment_actions a WHERE a.incident_id = v.id),
			(SELECT min(containment_requested_at) FROM spread_nodes n WHERE n.incident_id = v.id)) AS contained_at
		FROM v)
		SELECT 'containment' AS key, count(*) AS samples, `+percentiles("contained_at - detected_at")+`
		FROM c WHERE contained_at IS NOT NULL`); err != nil {
		return nil, err
	}
	st.DetectionToContainment = containment[0]
	if err := s.reportUpward(ctx, q, st); err != nil {
		return nil, err
	}
	return st, s.clockRates(ctx, q, st)
}

// clockRates counts each clock's states over the incidents counted.
func (s *Service) clockRates(ctx context.Context, q query, st *Statistics) error {
	var ids []uuid.UUID
	if err := q.selectInto(ctx, s.DB, &ids, ` SELECT id FROM v`); err != nil {
		return err
	}
	states, err := s.Incidents.ClockStates(ctx, ids)
	if err != nil {
		return err
	}
	for _, c := range s.Incidents.Clocks.All() {
		r := ClockRate{Clock: c}
		for _, list := range states {
			for _, cs := range list {
				if cs.Clock.ID != c.ID {
					continue
				}
				switch cs.Status {
				case workflow.ClockMet:
					r.Met++
				case workflow.Late:
					r.Late++
				case workflow.Overdue:
					r.Overdue++
				case workflow.Running:
					r.Running++
				}
			}
		}
		st.ClockRates = append(st.ClockRates, r)
	}
	return nil
}

// percentiles is the median and 90th percentile of an interval expression, in hours.
func percentiles(interval string) string {
	hours := "extract(epoch FROM " + interval + ") / 3600"
	return `(percentile_cont(0.5) WITHIN GROUP (ORDER BY ` + hours + `))::float8 AS median,
		(percentile_cont(0.9) WITHIN GROUP (ORDER BY ` + hours + `))::float8 AS p90`
}

// query renders statements over v, the incidents counted.
type query struct {
	v incident.Viewer
	f Filter
}

// with is the common table v and its arguments: $1 from, $2 to, $3 unit,
// then the viewer's id ($4) and leadership ($5) for the visibility clause.
func (q query) with() (string, []any) {
	visible, args := incident.VisibleSQL("i", q.v, []any{q.f.From, q.f.To, q.f.Unit})
	return `WITH v AS (SELECT i.* FROM incidents i WHERE i.detected_at >= $1 AND i.detected_at < $2
		AND ($3 = '' OR EXISTS (SELECT 1 FROM findings f WHERE f.incident_id = i.id AND f.unit = $3))
		AND ` + visible + `)`, args
}

func (q query) selectInto(ctx context.Context, ex database.Executor, dest any, rest string) error {
	with, args := q.with()
	return ex.SelectContext(ctx, dest, with+rest, args...)
}

func (s *Service) counts(ctx context.Context, q query, st *Statistics) error {
	var rows []struct {
		Dim string `db:"dim"`
		Count
	}
	// Outcomes count where the reader may see them: LEADERSHIP on the cases
	// it reads, the lead, and members granted outcomes access ($4 and $5 are
	// the viewer's id and leadership, as with() numbers them).
	const seesOutcomes = `($5 OR EXISTS (SELECT 1 FROM incident_members m WHERE m.incident_id = v.id
		AND m.user_id = $4 AND (m.case_role = 'LEAD' OR m.outcomes_access)))`
	err := q.selectInto(ctx, s.DB, &rows, `
		SELECT 'all' AS dim, '' AS key, count(*) AS count FROM v
		UNION ALL SELECT 'stage', stage, count(*) FROM v GROUP BY stage
		UNION ALL SELECT 'classification', classification, count(*) FROM v GROUP BY classification
		UNION ALL SELECT 'rootCause', coalesce(root_cause, 'UNKNOWN'), count(*) FROM v GROUP BY 2
		UNION ALL SELECT 'detectionMethod', detection_method, count(*) FROM v GROUP BY detection_method
		UNION ALL SELECT 'platform', coalesce(n.platform, 'UNKNOWN'), count(DISTINCT n.incident_id)
			FROM spread_nodes n JOIN v ON v.id = n.incident_id WHERE n.kind <> 'PERSON' GROUP BY 2
		UNION ALL SELECT 'venueKind', n.kind, count(DISTINCT n.incident_id)
			FROM spread_nodes n JOIN v ON v.id = n.incident_id WHERE n.kind <> 'PERSON' GROUP BY 2
		UNION ALL SELECT 'outcomeCategory', o.category, count(*) FROM outcomes o JOIN v ON v.id = o.incident_id
			WHERE o.status <> 'REVOKED' AND `+seesOutcomes+` GROUP BY 2
		UNION ALL SELECT 'outcomeType', o.type, count(*) FROM outcomes o JOIN v ON v.id = o.incident_id
			WHERE o.status <> 'REVOKED' AND `+seesOutcomes+` GROUP BY 2
		UNION ALL SELECT 'overdueMeasures', '', count(*) FROM measures m JOIN v ON v.id = m.incident_id
			WHERE m.status IN ('OPEN', 'IN_PROGRESS') AND m.due_on < current_date
		ORDER BY 1, 3 DESC, 2`)
	if err != nil {
		return err
	}
	lists := map[string]*[]Count{"stage": &st.ByStage, "classification": &st.ByClassification, "rootCause": &st.ByRootCause,
		"detectionMethod": &st.ByDetectionMethod, "platform": &st.ByPlatform, "venueKind": &st.ByVenueKind,
		"outcomeCategory": &st.OutcomesByCategory, "outcomeType": &st.OutcomesByType}
	for _, l := range lists {
		*l = []Count{}
	}
	for _, r := range rows {
		switch r.Dim {
		case "all":
			st.Incidents = r.Count.Count
		case "overdueMeasures":
			st.OverdueMeasures = r.Count.Count
		default:
			*lists[r.Dim] = append(*lists[r.Dim], r.Count)
		}
	}
	return nil
}

// reportUpward applies the workflow's report-upward rule to every incident counted.
func (s *Service) reportUpward(ctx context.Context, q query, st *Statistics) error {
	var rows []struct {
		Classification string     `db:"classification"`
		ReachedOutside bool       `db:"reached_outside"`
		DetectedAt     time.Time  `db:"detected_at"`
		NotifiedAt     *time.Time `db:"notified_at"`
	}
	if err := q.selectInto(ctx, s.DB, &rows, `
		SELECT classification, reached_outside, detected_at,
			(SELECT min(notified_at) FROM authority_notifications a WHERE a.incident_id = v.id) AS notified_at
		FROM v`); err != nil {
		return err
	}
	now := time.Now()
	for _, r := range rows {
		f := workflow.Facts{Classification: r.Classification, ReachedOutside: r.ReachedOutside, DetectedAt: r.DetectedAt}
		if r.NotifiedAt != nil {
			f.NotifiedAt = []time.Time{*r.NotifiedAt}
		}
		c := workflow.ReportUpward(f, s.ReportWindow, now)
		if c.Required {
			st.ReportUpwardRequired++
			if c.Met {
				st.ReportUpwardMet++
			}
		}
	}
	return nil
}

// WriteCSV writes the statistics as rows of metric, key, value.
func (st *Statistics) WriteCSV(w io.Writer) error {
	out := csv.NewWriter(w)
	write := func(metric, key, value string) {
		out.Write([]string{text.CSVCell(metric), text.CSVCell(key), text.CSVCell(value)}) //nolint:errcheck // Flush reports it
	}
	write("metric", "key", "value")
	write("from", "", st.Filter.From.Format(time.RFC3339))
	write("to", "", st.Filter.To.Format(time.RFC3339))
	write("unit", "", st.Filter.Unit)
	write("incidents", "", strconv.Itoa(st.Incidents))
	for _, l := range []struct {
		metric string
		counts []Count
	}{{"byStage", st.ByStage}, {"byClassification", st.ByClassification}, {"byRootCause", st.ByRootCause},
		{"byDetectionMethod", st.ByDetectionMethod}, {"byPlatform", st.ByPlatform}, {"byVenueKind", st.ByVenueKind},
		{"outcomesByCategory", st.OutcomesByCategory}, {"outcomesByType", st.OutcomesByType}} {
		for _, c := range l.counts {
			write(l.metric, c.Key, strconv.Itoa(c.Count))
		}
	}
	hours := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', 2, 64)
	}
	for _, d := range append(st.TimeInStage, st.DetectionToContainment) {
		metric := "timeInStageHours"
		if d.Key == "containment" {
			metric = "detectionToContainmentHours"
		}
		write(metric+".median", d.Key, hours(d.MedianHours))
		write(metric+".p90", d.Key, hours(d.P90Hours))
		write(metric+".samples", d.Key, strconv.Itoa(d.Samples))
	}
	write("reportUpward.required", "", strconv.Itoa(st.ReportUpwardRequired))
	write("reportUpward.met", "", strconv.Itoa(st.ReportUpwardMet))
	write("reportUpward.metRate", "", hours(st.ReportUpwardMetRate()))
	write("overdueMeasures", "", strconv.Itoa(st.OverdueMeasures))
	for _, c := range st.ClockRates {
		for _, v := range []struct {
			metric string
			n      int
		}{{"met", c.Met}, {"late", c.Late}, {"overdue", c.Overdue}, {"running", c.Running}} {
			write("clock."+v.metric, c.Clock.ID, strconv.Itoa(v.n))
		}
		write("clock.metRate", c.Clock.ID, hours(c.Rate()))
	}
	out.Flush()
	return out.Error()
}
