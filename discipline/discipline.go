// Package discipline is how a case ends: findings of who is responsible for
// the leak, the disciplinary outcomes decided for them, the measures against
// a recurrence, and leadership's review of the closed case, which freezes it.
package discipline

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/text"
)

// Kind is a kind of responsibility; values match the GraphQL enum.
type Kind string

const (
	Direct      Kind = "DIRECT"
	Leadership  Kind = "LEADERSHIP"
	Supervisory Kind = "SUPERVISORY"
	Other       Kind = "OTHER"
)

// Kinds lists every kind of responsibility.
var Kinds = []Kind{Direct, Leadership, Supervisory, Other}

// NeedsOutcome reports whether the recovery gate wants an outcome (or a
// reason for none) for a finding of this kind.
func (k Kind) NeedsOutcome() bool { return k == Direct || k == Leadership }

// Category groups outcome types; values match the GraphQL enum.
type Category string

const (
	Administrative Category = "ADMINISTRATIVE" // 政务/行政处分
	Party          Category = "PARTY"          // 党纪处分
	Organisational Category = "ORGANISATIONAL" // 组织处理
	Employment     Category = "EMPLOYMENT"     // 人事
	Criminal       Category = "CRIMINAL"       // 刑事/法律
)

// Categories lists every category in the order reports show them.
var Categories = []Category{Administrative, Party, Organisational, Employment, Criminal}

// OutcomeType is one disciplinary outcome; values match the GraphQL enum.
type OutcomeType string

// OutcomeTypes maps every outcome type of DOMAIN.md to its category, in the order reports show them.
var OutcomeTypes = []struct {
	Type     OutcomeType
	Category Category
}{
	{"ADMIN_WARNING", Administrative}, {"ADMIN_DEMERIT", Administrative}, {"ADMIN_MAJOR_DEMERIT", Administrative},
	{"ADMIN_DEMOTION", Administrative}, {"ADMIN_REMOVAL_FROM_POST", Administrative}, {"ADMIN_DISMISSAL", Administrative},
	{"PARTY_WARNING", Party}, {"PARTY_SERIOUS_WARNING", Party}, {"PARTY_REMOVAL_FROM_POST", Party},
	{"PARTY_PROBATION", Party}, {"PARTY_EXPULSION", Party},
	{"ORG_ADMONISHMENT_TALK", Organisational}, {"ORG_REMINDER_TALK", Organisational},
	{"ORG_WRITTEN_SELF_CRITICISM", Organisational}, {"ORG_CIRCULATED_CRITICISM", Organisational},
	{"ORG_CRITICISM_AND_EDUCATION", Organisational}, {"ORG_SUSPENSION_FOR_INSPECTION", Organisational},
	{"ORG_TRANSFER_FROM_POST", Organisational}, {"ORG_DELAYED_CONFIRMATION", Organisational},
	{"EMPLOYMENT_DISMISSAL", Employment}, {"EMPLOYMENT_PAY_DEDUCTION", Employment},
	{"CRIMINAL_CASE_FILED", Criminal}, {"CRIMINAL_DEFERRED_PROSECUTION", Criminal}, {"CRIMINAL_LIABILITY", Criminal},
}

// CategoryOf returns the category of an outcome type, or "" for an unknown type.
func CategoryOf(t OutcomeType) Category {
	for _, o := range OutcomeTypes {
		if o.Type == t {
			return o.Category
		}
	}
	return ""
}

// LegalBasisPresets are common legal bases offered when recording an
// outcome, by the case's jurisdiction (incident.Jurisdiction), in Chinese and
// in English: the UI offers those of the reader's script.
var LegalBasisPresets = map[string][]string{
	"CN": {
		"中华人民共和国保守国家秘密法 第四十八条",
		"Law of the PRC on Guarding State Secrets, art. 48",
		"中华人民共和国刑法 第三百九十八条（故意泄露国家秘密罪、过失泄露国家秘密罪）",
		"Criminal Law of the PRC, art. 398 (disclosing state secrets, intentionally or by negligence)",
	},
	"TW": {
		"中華民國刑法 第一百三十二條（洩漏國防以外之秘密罪）",
		"Criminal Code of the Republic of China (Taiwan), art. 132 (disclosing secrets other than national defence secrets)",
		"國家機密保護法 第三十二條（洩漏或交付國家機密罪）",
		"Classified National Security Information Protection Act (Taiwan), art. 32 (disclosing or delivering classified information)",
	},
}

// Status is where an outcome stands; values match the GraphQL enum.
type Status string

const (
	Proposed Status = "PROPOSED"
	Decided  Status = "DECIDED"
	Appealed Status = "APPEALED"
	Final    Status = "FINAL"
	Revoked  Status = "REVOKED"
)

// next lists the statuses each status may move to: PROPOSED → DECIDED →
// (APPEALED → DECIDED) → FINAL, and REVOKED from any of them (a final
// decision can still be revoked on re-examination).
var next = map[Status][]Status{
	Proposed: {Decided, Revoked},
	Decided:  {Appealed, Final, Revoked},
	Appealed: {Decided, Revoked},
	Final:    {Revoked},
	Revoked:  {},
}

// Statuses lists every outcome status in the order of the machine above.
var Statuses = []Status{Proposed, Decided, Appealed, Final, Revoked}

// CanMove reports whether an outcome may go from one status to another.
func CanMove(from, to Status) bool { return slices.Contains(next[from], to) }

// NextStatuses are the statuses an outcome may move to from s.
func NextStatuses(s Status) []Status { return slices.Clone(next[s]) }

// NextStatuses are the statuses o may move to.
func (o *Outcome) NextStatuses() []Status { return NextStatuses(o.Status) }

// Holds reports whether an outcome in this status settles a finding for the recovery gate.
func (s Status) Holds() bool { return s == Decided || s == Final }

// Finding is the conclusion that one person bears responsibility.
type Finding struct {
	ID              uuid.UUID   `db:"id" json:"id"`
	IncidentID      uuid.UUID   `db:"incident_id" json:"-"`
	NodeID          *uuid.UUID  `db:"node_id" json:"nodeId,omitempty"`
	PersonName      string      `db:"person_name" json:"personName"`
	Unit            string      `db:"unit" json:"unit"`
	Position        string      `db:"position" json:"position"`
	Kind            Kind        `db:"kind" json:"kind"`
	Facts           string      `db:"facts" json:"facts"`
	ForwardIDs      []uuid.UUID `db:"-" json:"forwardIds"`
	EvidenceIDs     []uuid.UUID `db:"-" json:"evidenceIds"`
	NoOutcomeReason string      `db:"no_outcome_reason" json:"noOutcomeReason"`
	MadeBy          uuid.UUID   `db:"made_by" json:"madeBy"`
	MadeAt          time.Time   `db:"made_at" json:"madeAt"`
	UpdatedAt       time.Time   `db:"updated_at" json:"-"`
}

// FindingInput is a finding as recorded or changed.
type FindingInput struct {
	NodeID          *uuid.UUID
	PersonName      string // taken from the node when one is named and this is empty
	Unit, Position  string
	Kind            Kind
	Facts           string
	ForwardIDs      []uuid.UUID
	EvidenceIDs     []uuid.UUID
	NoOutcomeReason string
}

const maxText = 10000

// Validate checks a finding's input on its own.
func (in *FindingInput) Validate() error {
	in.PersonName, in.Facts = strings.TrimSpace(in.PersonName), text.Lines(strings.TrimSpace(in.Facts))
	in.NoOutcomeReason = text.Lines(strings.TrimSpace(in.NoOutcomeReason))
	switch {
	case !slices.Contains(Kinds, in.Kind):
		return apperr.Invalid("input.kind", "unknown responsibility kind %q", in.Kind)
	case in.NodeID == nil && in.PersonName == "":
		return apperr.Invalid("input.personName", "name the person, or pick them from the spread chain")
	case len(in.PersonName) > 200 || len(in.Unit) > 200 || len(in.Position) > 200:
		return apperr.Invalid("input.personName", "names, units and positions are at most 200 bytes")
	case in.Facts == "" || len(in.Facts) > maxText:
		return apperr.Invalid("input.facts", "state the facts relied on (at most %d bytes)", maxText)
	case len(in.NoOutcomeReason) > maxText:
		return apperr.Invalid("input.noOutcomeReason", "at most %d bytes", maxText)
	case len(in.ForwardIDs) > 100 || len(in.EvidenceIDs) > 100:
		return apperr.Invalid("input.forwardIds", "link at most 100 forwards and 100 evidence items")
	}
	return cmp.Or(text.Line("input.personName", in.PersonName), text.Line("input.unit", in.Unit),
		text.Line("input.position", in.Position), text.Block("input.facts", in.Facts),
		text.Block("input.noOutcomeReason", in.NoOutcomeReason))
}

// Outcome is one disciplinary outcome of a finding.
type Outcome struct {
	ID           uuid.UUID   `db:"id" json:"id"`
	FindingID    uuid.UUID   `db:"finding_id" json:"findingId"`
	IncidentID   uuid.UUID   `db:"incident_id" json:"-"`
	Category     Category    `db:"category" json:"category"`
	Type         OutcomeType `db:"type" json:"type"`
	DecidingBody string      `db:"deciding_body" json:"decidingBody"`
	DecidedOn    *time.Time  `db:"decided_on" json:"decidedOn"`
	LegalBasis   string      `db:"legal_basis" json:"legalBasis"`
	Status       Status      `db:"status" json:"status"`
	CreatedBy    uuid.UUID   `db:"created_by" json:"createdBy"`
	CreatedAt    time.Time   `db:"created_at" json:"createdAt"`
	UpdatedAt    time.Time   `db:"updated_at" json:"-"`
}

// OutcomeInput is an outcome as proposed.
type OutcomeInput struct {
	Type         OutcomeType
	DecidingBody string
	DecidedOn    *time.Time
	LegalBasis   string
}

// Validate checks an outcome's input on its own.
func (in *OutcomeInput) Validate() error {
	in.DecidingBody, in.LegalBasis = strings.TrimSpace(in.DecidingBody), text.Lines(strings.TrimSpace(in.LegalBasis))
	switch {
	case CategoryOf(in.Type) == "":
		return apperr.Invalid("input.type", "unknown outcome type %q", in.Type)
	case in.DecidingBody == "" || len(in.DecidingBody) > 200:
		return apperr.Invalid("input.decidingBody", "name the deciding body (纪委监委, the unit, a court), at most 200 bytes")
	case len(in.LegalBasis) > 1000:
		return apperr.Invalid("input.legalBasis", "at most 1000 bytes")
	case in.DecidedOn != nil && in.DecidedOn.After(time.Now().Add(24*time.Hour)):
		return apperr.Invalid("input.decidedOn", "the decision date is in the future")
	}
	return cmp.Or(text.Line("input.decidingBody", in.DecidingBody), text.Block("input.legalBasis", in.LegalBasis))
}

// StatusChange is one move of an outcome's status.
type StatusChange struct {
	OutcomeID uuid.UUID `db:"outcome_id" json:"-"`
	From      *Status   `db:"from_status" json:"from"`
	To        Status    `db:"to_status" json:"to"`
	Note      string    `db:"note" json:"note"`
	ChangedBy uuid.UUID `db:"changed_by" json:"changedBy"`
	ChangedAt time.Time `db:"changed_at" json:"changedAt"`
}

// MeasureStatus is where a recurrence-prevention measure stands.
type MeasureStatus string

// MeasureStatuses lists every measure status.
var MeasureStatuses = []MeasureStatus{"OPEN", "IN_PROGRESS", "DONE", "DROPPED"}

// Open reports whether the measure still has work to do.
func (s MeasureStatus) Open() bool { return s == "OPEN" || s == "IN_PROGRESS" }

// Measure is a step against a recurrence, with an owner and a due date.
type Measure struct {
	ID         uuid.UUID     `db:"id" json:"id"`
	IncidentID uuid.UUID     `db:"incident_id" json:"-"`
	Title      string        `db:"title" json:"title"`
	OwnerID    uuid.UUID     `db:"owner_id" json:"ownerId"`
	DueOn      time.Time     `db:"due_on" json:"dueOn"`
	Status     MeasureStatus `db:"status" json:"status"`
	CreatedBy  uuid.UUID     `db:"created_by" json:"-"`
	CreatedAt  time.Time     `db:"created_at" json:"-"`
	UpdatedAt  time.Time     `db:"updated_at" json:"-"`
}

// MeasureInput is a measure as recorded or changed.
type MeasureInput struct {
	Title   string
	OwnerID uuid.UUID
	DueOn   time.Time
	Status  MeasureStatus
}

// Validate checks a measure's input on its own.
func (in *MeasureInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	if in.Status == "" {
		in.Status = "OPEN"
	}
	switch {
	case in.Title == "" || len(in.Title) > 500:
		return apperr.Invalid("input.title", "a measure needs a title (at most 500 bytes)")
	case in.OwnerID == uuid.Nil:
		return apperr.Invalid("input.ownerId", "a measure needs an owner")
	case in.DueOn.IsZero():
		return apperr.Invalid("input.dueOn", "a measure needs a due date")
	case !slices.Contains(MeasureStatuses, in.Status):
		return apperr.Invalid("input.status", "unknown status %q", in.Status)
	}
	return text.Line("input.title", in.Title)
}

// Decision is leadership's verdict on a closed case.
type Decision string

const (
	Accepted Decision = "ACCEPTED"
	Returned Decision = "RETURNED"
)

// Review is leadership's review of a closed case.
type Review struct {
	ID             uuid.UUID `db:"id"`
	IncidentID     uuid.UUID `db:"incident_id"`
	Decision       Decision  `db:"decision"`
	Comments       string    `db:"comments"`
	ReturnTo       *string   `db:"return_to"`
	ReviewerID     uuid.UUID `db:"reviewer_id"`
	ReviewedAt     time.Time `db:"reviewed_at"`
	Snapshot       *string   `db:"snapshot"`
	SnapshotSHA256 *string   `db:"snapshot_sha256"`
}

// Overdue reports whether the measure is still open after its due date.
func (m *Measure) Overdue(now time.Time) bool { return m.Status.Open() && m.DueOn.Before(today(now)) }
