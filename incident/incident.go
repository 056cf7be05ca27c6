// Package incident owns incidents, their tasks, containment actions and
// notifications upward: the types, their validation and the service that
// changes them. Stage changes are decided by package workflow: the service
// gathers the facts its gates read, its own and those of the fact sources of
// other features (spread, evidence, discipline) that server.Main wires in.
// Service.Change is the one way an incident's data changes, here and in
// those features: lock, check access, change, audit, in one transaction.
package incident

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/text"
	"github.com/leaktrail/leaktrail/internal/zone"
	"github.com/leaktrail/leaktrail/workflow"
)

// Enumerations; values match the GraphQL enums of the same names.
type (
	Classification     string
	Jurisdiction       string
	DetectionMethod    string
	RootCause          string
	ContainmentKind    string
	Authority          string
	DisclosureDecision string
)

var (
	Classifications = []Classification{"TOP_SECRET", "SECRET", "CONFIDENTIAL", "WORK_SECRET",
		"COMMERCIAL_SECRET", "PERSONAL_DATA", "UNCLASSIFIED"}
	// Jurisdictions are the classification scales a case can be on: the
	// mainland's 绝密/机密/秘密 and Taiwan's 絕對機密/極機密/機密 name the same
	// enum values differently, so a case says which one its level is on.
	Jurisdictions    = []Jurisdiction{"CN", "TW"}
	DetectionMethods = []DetectionMethod{"SELF_REPORT", "COLLEAGUE_REPORT", "AUDIT_INSPECTION",
		"EXTERNAL_TIP", "MONITORING", "AUTHORITY_NOTICE"}
	RootCauses = []RootCause{"URGENT_RELAY", "REPORTING_TO_SUPERIOR", "LEADER_INSTRUCTION", "MIS_SEND",
		"MULTIPLE", "CONVENIENCE", "THIRD_PARTY_APP", "ACCOUNT_COMPROMISE", "INSIDER_INTENT", "OTHER"}
	ContainmentKinds    = []ContainmentKind{"RECALL", "TAKEDOWN_REQUEST", "DEVICE_ISOLATED", "ACCOUNT_ISOLATED", "OTHER"}
	Authorities         = []Authority{"CONFIDENTIALITY_BUREAU", "HEADQUARTERS", "POLICE", "DISCIPLINE_COMMISSION", "OTHER"}
	DisclosureDecisions = []DisclosureDecision{"DISCLOSE", "NOT_DISCLOSE"}
)

// Incident is one leak case.
type Incident struct {
	ID                  uuid.UUID           `db:"id"`
	Reference           string              `db:"reference"`
	Title               string              `db:"title"`
	Summary             string              `db:"summary"`
	LeakedItem          string              `db:"leaked_item"`
	Classification      Classification      `db:"classification"`
	Jurisdiction        Jurisdiction        `db:"jurisdiction"`
	DetectedAt          time.Time           `db:"detected_at"`
	DetectionMethod     DetectionMethod     `db:"detection_method"`
	ReportedBy          string              `db:"reported_by"`
	WhereSeen           string              `db:"where_seen"`
	RootCause           *RootCause          `db:"root_cause"`
	ScopeAndImportance  string              `db:"scope_and_importance"`
	BusinessImpact      string              `db:"business_impact"`
	ReachedOutside      bool                `db:"reached_outside"`
	DisclosureDecision  *DisclosureDecision `db:"disclosure_decision"`
	DisclosureRationale string              `db:"disclosure_rationale"`
	AffectedNotice      string              `db:"affected_notice"`
	Statement           string              `db:"statement"`
	LeadID              *uuid.UUID          `db:"lead_id"`
	Stage               workflow.Stage      `db:"stage"`
	Version             int                 `db:"version"`
	CreatedBy           uuid.UUID           `db:"created_by"`
	CreatedAt           time.Time           `db:"created_at"`
	UpdatedAt           time.Time           `db:"updated_at"`
	// FrozenAt is set while leadership's accepted review freezes the case.
	FrozenAt *time.Time `db:"frozen_at"`
	// NoResponsibleReason is why no one is held responsible, when the case so concludes.
	NoResponsibleReason string `db:"no_responsible_reason"`
	// TimeZone is the IANA zone the case is handled in: its report gives local times in it.
	TimeZone string `db:"time_zone"`
	// SecrecyPeriod is the 保密期限 marked beside the classification ("10年", "长期"), or empty.
	SecrecyPeriod string `db:"secrecy_period"`
}

// Task is a piece of work on an incident, in one stage.
type Task struct {
	ID         uuid.UUID      `db:"id"`
	IncidentID uuid.UUID      `db:"incident_id"`
	Stage      workflow.Stage `db:"stage"`
	Title      string         `db:"title"`
	AssigneeID *uuid.UUID     `db:"assignee_id"`
	DueAt      *time.Time     `db:"due_at"`
	Required   bool           `db:"required"`
	// Requirement is set on the tasks gates created for a requirement before
	// every requirement was a check over facts; new tasks have none.
	Requirement *string    `db:"requirement"`
	DoneAt      *time.Time `db:"done_at"`
	DoneBy      *uuid.UUID `db:"done_by"`
	CreatedBy   uuid.UUID  `db:"created_by"`
	CreatedAt   time.Time  `db:"created_at"`
}

// Done reports whether the task is done.
func (t Task) Done() bool { return t.DoneAt != nil }

// Overdue reports whether the task is not done and past its due time.
func (t Task) Overdue(now time.Time) bool { return !t.Done() && t.DueAt != nil && now.After(*t.DueAt) }

// Transition is one stage change, kept forever.
type Transition struct {
	ID         uuid.UUID       `db:"id"`
	IncidentID uuid.UUID       `db:"incident_id"`
	From       *workflow.Stage `db:"from_stage"`
	To         workflow.Stage  `db:"to_stage"`
	Kind       workflow.Kind   `db:"kind"`
	ActorID    uuid.UUID       `db:"actor_id"`
	At         time.Time       `db:"at"`
	Note       string          `db:"note"`
}

// ContainmentAction is something done to stop the spread.
type ContainmentAction struct {
	ID          uuid.UUID       `db:"id"`
	IncidentID  uuid.UUID       `db:"incident_id"`
	Kind        ContainmentKind `db:"kind"`
	Description string          `db:"description"`
	TakenAt     time.Time       `db:"taken_at"`
	RecordedBy  uuid.UUID       `db:"recorded_by"`
	CreatedAt   time.Time       `db:"created_at"`
}

// Notification is a report upward to an authority.
type Notification struct {
	ID         uuid.UUID `db:"id"`
	IncidentID uuid.UUID `db:"incident_id"`
	Authority  Authority `db:"authority"`
	NotifiedAt time.Time `db:"notified_at"`
	Reference  string    `db:"reference"`
	Note       string    `db:"note"`
	RecordedBy uuid.UUID `db:"recorded_by"`
	CreatedAt  time.Time `db:"created_at"`
}

// Text limits, in characters. Fields limited to maxShort (titles, names,
// references) are one line; longer ones may hold line breaks.
const (
	maxShort = 300
	maxLine  = 2000
	// maxPeriod bounds a secrecy period: it is printed in every page's marking.
	maxPeriod = 40
	maxLong   = 20000
)

// earliestDetection bounds detection times from below: earlier dates are typos.
var earliestDetection = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// clockSkew is how far in the future a reported time may lie.
const clockSkew = 10 * time.Minute

func checkText(field, s string, required bool, max int) (string, error) {
	s = strings.TrimSpace(s)
	if max > maxShort {
		s = text.Lines(s)
	}
	switch {
	case required && s == "":
		return s, apperr.Invalid(field, "%s must not be empty", field)
	case utf8.RuneCountInString(s) > max:
		return s, apperr.Invalid(field, "%s is longer than %d characters", field, max)
	case max <= maxShort:
		return s, text.Line(field, s)
	}
	return s, text.Block(field, s)
}

func checkEnum[T ~string](field string, v T, valid []T) error {
	if !slices.Contains(valid, v) {
		return apperr.Invalid(field, "unknown value %q", string(v))
	}
	return nil
}

func checkTime(field string, t time.Time, now time.Time) error {
	if t.Before(earliestDetection) {
		return apperr.Invalid(field, "%s is before %d", field, earliestDetection.Year())
	}
	if t.After(now.Add(clockSkew)) {
		return apperr.Invalid(field, "%s is in the future", field)
	}
	return nil
}

// validate checks every field of an incident as it would be stored.
func (inc *Incident) validate(now time.Time) error {
	var err error
	for _, f := range []struct {
		name     string
		v        *string
		required bool
		max      int
	}{
		{"title", &inc.Title, true, maxShort},
		{"summary", &inc.Summary, false, maxLong},
		{"leakedItem", &inc.LeakedItem, true, maxLine},
		{"reportedBy", &inc.ReportedBy, true, maxShort},
		{"whereSeen", &inc.WhereSeen, false, maxLine},
		{"scopeAndImportance", &inc.ScopeAndImportance, false, maxLong},
		{"businessImpact", &inc.BusinessImpact, false, maxLong},
		{"disclosureRationale", &inc.DisclosureRationale, false, maxLong},
		{"affectedNotice", &inc.AffectedNotice, false, maxLong},
		{"statement", &inc.Statement, false, maxLong},
		{"noResponsibleReason", &inc.NoResponsibleReason, false, maxLong},
		{"secrecyPeriod", &inc.SecrecyPeriod, false, maxPeriod},
	} {
		if *f.v, err = checkText(f.name, *f.v, f.required, f.max); err != nil {
			return err
		}
	}
	if err := checkEnum("classification", inc.Classification, Classifications); err != nil {
		return err
	}
	if err := checkEnum("jurisdiction", inc.Jurisdiction, Jurisdictions); err != nil {
		return err
	}
	if err := checkEnum("detectionMethod", inc.DetectionMethod, DetectionMethods); err != nil {
		return err
	}
	if inc.RootCause != nil {
		if err := checkEnum("rootCause", *inc.RootCause, RootCauses); err != nil {
			return err
		}
	}
	if inc.DisclosureDecision != nil {
		if err := checkEnum("disclosureDecision", *inc.DisclosureDecision, DisclosureDecisions); err != nil {
			return err
		}
	}
	if inc.TimeZone = cmp.Or(inc.TimeZone, DefaultTimeZone); !validZone(inc.TimeZone) {
		return apperr.Invalid("timeZone", "%q is not an IANA time zone such as Asia/Shanghai", inc.TimeZone)
	}
	return checkTime("detectedAt", inc.DetectedAt, now)
}

// DefaultTimeZone is a case's zone when none is given.
const DefaultTimeZone = "Asia/Shanghai"

func validZone(name string) bool {
	_, err := zone.Load(name)
	return err == nil && len(name) <= 64 && name != "Local"
}

// OpenInput is what a responder records when a leak is detected.
type OpenInput struct {
	Title          string
	LeakedItem     string
	Classification Classification
	// Jurisdiction nil takes the service's default.
	Jurisdiction    *Jurisdiction
	DetectedAt      time.Time
	DetectionMethod DetectionMethod
	ReportedBy      string
	WhereSeen       *string
	Summary         *string
	LeadID          *uuid.UUID
	ReachedOutside  *bool
	TimeZone        *string
	SecrecyPeriod   *string
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// incident returns the new incident the input describes, validated.
func (in OpenInput) incident(creator uuid.UUID, now time.Time) (Incident, error) {
	inc := Incident{
		ID:              uuid.New(),
		Title:           in.Title,
		Summary:         deref(in.Summary),
		LeakedItem:      in.LeakedItem,
		Classification:  in.Classification,
		Jurisdiction:    deref(in.Jurisdiction),
		DetectedAt:      in.DetectedAt,
		DetectionMethod: in.DetectionMethod,
		ReportedBy:      in.ReportedBy,
		WhereSeen:       deref(in.WhereSeen),
		ReachedOutside:  deref(in.ReachedOutside),
		TimeZone:        deref(in.TimeZone),
		SecrecyPeriod:   deref(in.SecrecyPeriod),
		LeadID:          in.LeadID,
		Stage:           workflow.Detect,
		Version:         1,
		CreatedBy:       creator,
	}
	if inc.LeadID == nil {
		inc.LeadID = &creator
	}
	return inc, inc.validate(now)
}

// Patch changes some fields of an incident: a nil field stays as it is, and an
// empty string clears an optional text.
type Patch struct {
	Title               *string
	Summary             *string
	LeakedItem          *string
	Classification      *Classification
	Jurisdiction        *Jurisdiction
	DetectedAt          *time.Time
	DetectionMethod     *DetectionMethod
	ReportedBy          *string
	WhereSeen           *string
	RootCause           *RootCause
	ScopeAndImportance  *string
	BusinessImpact      *string
	ReachedOutside      *bool
	DisclosureDecision  *DisclosureDecision
	DisclosureRationale *string
	AffectedNotice      *string
	Statement           *string
	NoResponsibleReason *string
	LeadID              *uuid.UUID
	TimeZone            *string
	SecrecyPeriod       *string
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// apply returns inc with the patch applied, validated.
func (p Patch) apply(inc Incident, now time.Time) (Incident, error) {
	set(&inc.Title, p.Title)
	set(&inc.Summary, p.Summary)
	set(&inc.LeakedItem, p.LeakedItem)
	set(&inc.Classification, p.Classification)
	set(&inc.Jurisdiction, p.Jurisdiction)
	set(&inc.DetectedAt, p.DetectedAt)
	set(&inc.DetectionMethod, p.DetectionMethod)
	set(&inc.ReportedBy, p.ReportedBy)
	set(&inc.WhereSeen, p.WhereSeen)
	set(&inc.ScopeAndImportance, p.ScopeAndImportance)
	set(&inc.BusinessImpact, p.BusinessImpact)
	set(&inc.ReachedOutside, p.ReachedOutside)
	set(&inc.DisclosureRationale, p.DisclosureRationale)
	set(&inc.AffectedNotice, p.AffectedNotice)
	set(&inc.Statement, p.Statement)
	set(&inc.NoResponsibleReason, p.NoResponsibleReason)
	set(&inc.TimeZone, p.TimeZone)
	set(&inc.SecrecyPeriod, p.SecrecyPeriod)
	if p.RootCause != nil {
		inc.RootCause = p.RootCause
	}
	if p.DisclosureDecision != nil {
		inc.DisclosureDecision = p.DisclosureDecision
	}
	if p.LeadID != nil {
		inc.LeadID = p.LeadID
	}
	return inc, inc.validate(now)
}

// NewTask is the input for a task.
type NewTask struct {
	Stage      *workflow.Stage
	Title      string
	AssigneeID *uuid.UUID
	DueAt      *time.Time
	Required   *bool
}

// NewContainmentAction is the input for a containment action.
type NewContainmentAction struct {
	Kind        ContainmentKind
	Description string
	TakenAt     time.Time
}

func (n *NewContainmentAction) validate(now time.Time) error {
	var err error
	if n.Description, err = checkText("description", n.Description, true, maxLine); err != nil {
		return err
	}
	if err := checkEnum("kind", n.Kind, ContainmentKinds); err != nil {
		return err
	}
	return checkTime("takenAt", n.TakenAt, now)
}

// NewNotification is the input for a report upward.
type NewNotification struct {
	Authority  Authority
	NotifiedAt time.Time
	Reference  *string
	Note       *string
}

func (n *NewNotification) validate(now time.Time) (reference, note string, err error) {
	if reference, err = checkText("reference", deref(n.Reference), false, maxShort); err != nil {
		return
	}
	if note, err = checkText("note", deref(n.Note), false, maxLine); err != nil {
		return
	}
	if err = checkEnum("authority", n.Authority, Authorities); err != nil {
		return
	}
	err = checkTime("notifiedAt", n.NotifiedAt, now)
	return
}

// FormatReference renders the n-th reference of a year.
func FormatReference(year, n int) string { return fmt.Sprintf("LT-%d-%04d", year, n) }
