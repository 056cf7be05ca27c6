package incident

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/workflow"
)

// Summary is what a list row shows of an incident beyond its own columns.
type Summary struct {
	Counts       Counts
	ReportUpward workflow.ReportUpwardClock
	// Clocks are the incident's clocks in registry order, as ClocksOf gives them.
	Clocks []Clock
}

// Summaries returns the summaries of the incidents among incs the caller
// may see. A page of incidents costs one statement, plus one per feature
// that keeps clock events (the written reports), however many incidents
// and fields the page shows.
func (s *Service) Summaries(ctx context.Context, incs []Incident) (map[uuid.UUID]Summary, error) {
	actor, v, err := viewer(ctx)
	if err != nil || len(incs) == 0 {
		return map[uuid.UUID]Summary{}, err
	}
	rows, err := s.Store.Summaries(ctx, s.DB, v, idsOf(incs))
	if err != nil {
		return nil, err
	}
	facts := make([]clockFactRow, len(rows))
	byID := make(map[uuid.UUID]Incident, len(incs))
	for _, inc := range incs {
		byID[inc.ID] = inc
	}
	visible := make([]Incident, 0, len(rows))
	for i := range rows {
		rows[i].Counts.IncidentID, rows[i].clockFactRow.IncidentID = rows[i].IncidentID, rows[i].IncidentID
		facts[i] = rows[i].clockFactRow
		visible = append(visible, byID[rows[i].IncidentID])
	}
	clockFacts, err := s.factsOf(ctx, s.DB, visible, facts)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make(map[uuid.UUID]Summary, len(rows))
	for _, r := range rows {
		inc := byID[r.IncidentID]
		var notified []time.Time
		if r.FirstNotified != nil {
			notified = []time.Time{*r.FirstNotified} // the clock reads only the first
		}
		out[r.IncidentID] = Summary{Counts: r.Counts, ReportUpward: s.reportUpward(inc, notified, now),
			Clocks: s.clocksOf(inc, clockFacts[r.IncidentID], r.Lead, actor, now)}
	}
	return out, nil
}
