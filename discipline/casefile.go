package discipline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/spread"
)

// CaseFile is the whole of a case as leadership signs it off and as the case
// report shows it. Its JSON, with fields in this fixed order and times in
// UTC, is the snapshot whose SHA-256 an accepted review records: the same
// case always gives the same bytes.
type CaseFile struct {
	Incident      CaseIncident                 `json:"incident"`
	Transitions   []CaseTransition             `json:"transitions"`
	Containment   []incident.ContainmentAction `json:"containment"`
	Notifications []incident.Notification      `json:"notifications"`
	Chain         ChainSummary                 `json:"chain"`
	Evidence      []EvidenceEntry              `json:"evidence"`
	Findings      []CaseFinding                `json:"findings"`
	Measures      []*Measure                   `json:"measures"`
}

// CaseIncident is the incident's own facts.
type CaseIncident struct {
	Reference           string    `json:"reference"`
	Title               string    `json:"title"`
	Summary             string    `json:"summary"`
	LeakedItem          string    `json:"leakedItem"`
	Classification      string    `json:"classification"`
	DetectedAt          time.Time `json:"detectedAt"`
	DetectionMethod     string    `json:"detectionMethod"`
	ReportedBy          string    `json:"reportedBy"`
	WhereSeen           string    `json:"whereSeen"`
	RootCause           string    `json:"rootCause"`
	ScopeAndImportance  string    `json:"scopeAndImportance"`
	BusinessImpact      string    `json:"businessImpact"`
	ReachedOutside      bool      `json:"reachedOutside"`
	DisclosureDecision  string    `json:"disclosureDecision"`
	DisclosureRationale string    `json:"disclosureRationale"`
	AffectedNotice      string    `json:"affectedNotice"`
	Statement           string    `json:"statement"`
	Stage               string    `json:"stage"`
	// NoResponsibleReason is omitted when empty, so snapshots taken before it existed hash the same.
	NoResponsibleReason string `json:"noResponsibleReason,omitempty"`
	// TimeZone and SecrecyPeriod came later; omitted when empty, likewise.
	TimeZone      string `json:"timeZone,omitempty"`
	SecrecyPeriod string `json:"secrecyPeriod,omitempty"`
	// Jurisdiction names the scale Classification is on (CN when empty).
	Jurisdiction string `json:"jurisdiction,omitempty"`
}

// CaseTransition is one stage change.
type CaseTransition struct {
	From  string    `json:"from"`
	To    string    `json:"to"`
	Kind  string    `json:"kind"`
	Actor uuid.UUID `json:"actor"`
	At    time.Time `json:"at"`
	Note  string    `json:"note"`
}

// ChainSummary is what the spread analysis says of the case.
type ChainSummary struct {
	Forwards          int   `json:"forwards"`
	Depth             int   `json:"depth"`
	ReachedNodes      int   `json:"reachedNodes"`
	ReachedVenues     int   `json:"reachedVenues"`
	EstimatedAudience int   `json:"estimatedAudience"`
	Origins           []Hop `json:"origins"`
	// PathToFirstExternal is the earliest time-respecting path from an
	// origin to the first node outside the organisation, hop by hop.
	PathToFirstExternal []Hop `json:"pathToFirstExternal"`
	// PathToFirstPublic goes on to the first node open to the public (a
	// website, a public account), which may lie beyond the first external one.
	PathToFirstPublic []Hop `json:"pathToFirstPublic,omitempty"`
	// Venues are the venues reached, with their takedown state.
	Venues []Venue `json:"venues,omitempty"`
	// Carriers are the leaked items (泄密载体) the chain follows; omitted
	// when none, so snapshots taken before they were kept hash the same.
	Carriers []Carrier `json:"carriers,omitempty"`
}

// Carrier is a leaked item: what the report upward counts and describes.
type Carrier struct {
	Title          string `json:"title"`
	Kind           string `json:"kind"`
	Classification string `json:"classification"`
	DocumentNumber string `json:"documentNumber,omitempty"`
}

// Venue is a venue the item reached and where its takedown stands.
type Venue struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Exposure string `json:"exposure"`
	Takedown string `json:"takedown"`
}

// Hop is a node, or a forward from one node to another.
type Hop struct {
	Key    string     `json:"key"`
	Name   string     `json:"name"`
	At     *time.Time `json:"at,omitempty"`
	Method string     `json:"method,omitempty"`
	By     string     `json:"by,omitempty"`
	// Cites are the lines of evidence an evidenced forward rests on (a hop
	// typed by hand, asserted, has none).
	Cites []Cite `json:"cites,omitempty"`
}

// Cite is a line of an evidence item.
type Cite struct {
	FileName string `json:"fileName"`
	Line     int    `json:"line"`
}

// EvidenceEntry is one line of the evidence manifest.
type EvidenceEntry struct {
	ID          uuid.UUID  `json:"id"`
	FileName    string     `json:"fileName"`
	SHA256      string     `json:"sha256"`
	Size        int64      `json:"size"`
	ContentType string     `json:"contentType"`
	UploadedAt  time.Time  `json:"uploadedAt"`
	DuplicateOf *uuid.UUID `json:"duplicateOf,omitempty"`
}

// CaseFinding is a finding with its outcomes and their histories.
type CaseFinding struct {
	*Finding
	Outcomes []CaseOutcome `json:"outcomes"`
}

// CaseOutcome is an outcome with its status history.
type CaseOutcome struct {
	*Outcome
	History []*StatusChange `json:"history"`
}

// CaseFile gathers the whole of a case, as the caller may see it (outcomes
// only for those of the tier that sees them).
func (s *Service) CaseFile(ctx context.Context, inc incident.Incident) (*CaseFile, error) {
	cf := &CaseFile{Incident: CaseIncident{Reference: inc.Reference, Title: inc.Title, Summary: inc.Summary,
		LeakedItem: inc.LeakedItem, Classification: string(inc.Classification), DetectedAt: inc.DetectedAt.UTC(),
		DetectionMethod: string(inc.DetectionMethod), ReportedBy: inc.ReportedBy, WhereSeen: inc.WhereSeen,
		ScopeAndImportance: inc.ScopeAndImportance, BusinessImpact: inc.BusinessImpact, ReachedOutside: inc.ReachedOutside,
		DisclosureRationale: inc.DisclosureRationale, AffectedNotice: inc.AffectedNotice, Statement: inc.Statement,
		Stage: string(inc.Stage), NoResponsibleReason: inc.NoResponsibleReason, TimeZone: inc.TimeZone,
		SecrecyPeriod: inc.SecrecyPeriod, Jurisdiction: string(inc.Jurisdiction)}}
	if inc.RootCause != nil {
		cf.Incident.RootCause = string(*inc.RootCause)
	}
	if inc.DisclosureDecision != nil {
		cf.Incident.DisclosureDecision = string(*inc.DisclosureDecision)
	}
	transitions, err := s.Incidents.Transitions(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range transitions {
		ct := CaseTransition{To: string(t.To), Kind: string(t.Kind), Actor: t.ActorID, At: t.At.UTC(), Note: t.Note}
		if t.From != nil {
			ct.From = string(*t.From)
		}
		cf.Transitions = append(cf.Transitions, ct)
	}
	if cf.Containment, err = s.Incidents.Containment(ctx, inc.ID); err != nil {
		return nil, err
	}
	if cf.Notifications, err = s.Incidents.Notifications(ctx, inc.ID); err != nil {
		return nil, err
	}
	if cf.Chain, err = s.chainSummary(ctx, inc); err != nil {
		return nil, err
	}
	items, err := s.Evidence.List(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range items {
		cf.Evidence = append(cf.Evidence, EvidenceEntry{ID: e.ID, FileName: e.FileName, SHA256: e.SHA256, Size: e.Size,
			ContentType: e.ContentType, UploadedAt: e.UploadedAt.UTC(), DuplicateOf: e.DuplicateOf})
	}
	findings, err := s.Findings(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	outcomes, err := s.Outcomes(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, len(outcomes))
	for i, o := range outcomes {
		ids[i] = o.ID
	}
	history, err := s.History(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, f := range findings {
		cfd := CaseFinding{Finding: f, Outcomes: []CaseOutcome{}}
		for _, o := range outcomes {
			if o.FindingID != f.ID {
				continue
			}
			co := CaseOutcome{Outcome: o, History: []*StatusChange{}}
			for _, h := range history {
				if h.OutcomeID == o.ID {
					co.History = append(co.History, h)
				}
			}
			cfd.Outcomes = append(cfd.Outcomes, co)
		}
		cf.Findings = append(cf.Findings, cfd)
	}
	if cf.Measures, err = s.Measures(ctx, inc.ID); err != nil {
		return nil, err
	}
	return cf, nil
}

// cites returns the lines the forwards rest on, by forward.
func (s *Service) cites(ctx context.Context, forwards []*spread.Forward) (map[uuid.UUID][]Cite, error) {
	ids := make([]uuid.UUID, len(forwards))
	for i, f := range forwards {
		ids[i] = f.ID
	}
	details, err := s.Spread.ForwardDetails(ctx, ids)
	if err != nil {
		return nil, err
	}
	var itemIDs []uuid.UUID
	for _, f := range details {
		for _, c := range f.Sources {
			itemIDs = append(itemIDs, c.EvidenceID)
		}
	}
	out := map[uuid.UUID][]Cite{}
	if len(itemIDs) == 0 {
		return out, nil
	}
	items, err := s.Evidence.ByIDs(ctx, itemIDs)
	if err != nil {
		return nil, err
	}
	names := map[uuid.UUID]string{}
	for _, e := range items {
		names[e.ID] = e.FileName
	}
	for _, f := range details {
		for _, c := range f.Sources {
			out[f.ID] = append(out[f.ID], Cite{FileName: names[c.EvidenceID], Line: c.Line})
		}
	}
	return out, nil
}

func (s *Service) chainSummary(ctx context.Context, inc incident.Incident) (ChainSummary, error) {
	a, err := s.Spread.Analyze(ctx, inc)
	if err != nil {
		return ChainSummary{}, err
	}
	c := ChainSummary{Forwards: a.ForwardCount(), Depth: a.Depth, ReachedNodes: a.ReachedNodes,
		ReachedVenues: a.ReachedVenues, EstimatedAudience: a.EstimatedAudience, Origins: []Hop{}, PathToFirstExternal: []Hop{}}
	for _, n := range a.Origins() {
		c.Origins = append(c.Origins, Hop{Key: n.Key, Name: n.Name})
	}
	path := func(to *spread.Forward) ([]Hop, error) {
		hops := []Hop{}
		forwards := a.PathTo(to.ToNode.Key)
		cites, err := s.cites(ctx, forwards)
		for _, f := range forwards {
			at := f.At.UTC()
			hops = append(hops, Hop{Key: f.ToNode.Key, Name: f.ToNode.Name, At: &at, Method: string(f.Method), By: f.ByNode.Name,
				Cites: cites[f.ID]})
		}
		return hops, err
	}
	if first := a.FirstExternal(); first != nil {
		if c.PathToFirstExternal, err = path(first); err != nil {
			return c, err
		}
	}
	if first := a.FirstPublic(); first != nil {
		if c.PathToFirstPublic, err = path(first); err != nil {
			return c, err
		}
	}
	for _, it := range a.Items {
		c.Carriers = append(c.Carriers, Carrier{Title: it.Title, Kind: string(it.Kind), Classification: string(it.Classification),
			DocumentNumber: it.DocumentNumber})
	}
	for _, n := range a.ReachedVenuesList() {
		c.Venues = append(c.Venues, Venue{Key: n.Key, Name: n.Name, Kind: string(n.Kind), Exposure: string(n.Exposure),
			Takedown: string(n.Containment.Status)})
	}
	return c, nil
}

// Snapshot is the case file's JSON and its SHA-256 (lower-case hex).
func (s *Service) Snapshot(ctx context.Context, inc incident.Incident) ([]byte, string, error) {
	cf, err := s.CaseFile(ctx, inc)
	if err != nil {
		return nil, "", err
	}
	return Seal(cf)
}

// Seal is a case file's JSON and its SHA-256.
func Seal(cf *CaseFile) ([]byte, string, error) {
	body, err := json.Marshal(cf)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(body)
	return body, hex.EncodeToString(sum[:]), nil
}
