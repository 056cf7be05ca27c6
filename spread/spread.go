// Package spread is the spread chain (传播链) of a leaked item: the people and
// venues it passed through, each forward between them, and the analysis that
// answers the investigators' questions (origin, path, depth, audience, first
// exposure, what is still not taken down). The service records the chain
// (record.go), reads it and keeps the analyses it computed (read.go), and
// edits it (edit.go); every change runs in the incident's Change.
package spread

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
)

// Enumerations; values match the GraphQL enums of the same names.
type (
	NodeKind          string
	Exposure          string
	Method            string
	Confidence        string
	ItemKind          string
	Alteration        string
	Platform          string
	ContainmentStatus string
)

const Person NodeKind = "PERSON"

var (
	NodeKinds = []NodeKind{Person, "GROUP_CHAT", "DIRECT_CHAT", "FEED_POST", "SMS_MMS", "FAX", "EMAIL",
		"PUBLIC_SOCIAL", "WEBSITE", "MINI_PROGRAM", "CLOUD_DRIVE", "OTHER"}
	Exposures   = []Exposure{"INTERNAL", "EXTERNAL", "PUBLIC"}
	Methods     = []Method{"PHOTO", "FORWARD", "SCREENSHOT", "SCAN", "RETYPE", "OCR", "FAX", "MMS", "EMAIL", "POST", "OTHER"}
	Confidences = []Confidence{"CONFIRMED", "SUSPECTED"}
	ItemKinds   = []ItemKind{"DOCUMENT", "PHOTO_OF_DOCUMENT", "SCAN", "SCREENSHOT", "TEXT_EXCERPT", "AUDIO"}
	Alterations = []Alteration{"CLASSIFICATION_MARK_COVERED", "DOCUMENT_NUMBER_CROPPED", "RETYPED", "OCR_CONVERTED",
		"PHOTOGRAPHED_FROM_SCREEN", "WATERMARK_REMOVED", "OTHER"}
	Platforms = []Platform{"WECHAT", "WECOM", "QQ", "DINGTALK", "LARK", "LINE", "MESSENGER", "TELEGRAM", "WHATSAPP", "WEIBO",
		"DOUYIN", "SMS", "EMAIL", "FAX", "WEB", "OTHER"}
	ContainmentStatuses = []ContainmentStatus{"NONE", "REQUESTED", "CONFIRMED_REMOVED", "REFUSED", "UNREACHABLE"}
	// PublicByNature are the venue kinds open to anyone: a new venue of one
	// of them is offered as PUBLIC.
	PublicByNature = []NodeKind{"PUBLIC_SOCIAL", "WEBSITE"}
)

// Exposure levels, as used by the analysis.
const (
	Internal Exposure = "INTERNAL"
	External Exposure = "EXTERNAL"
	Public   Exposure = "PUBLIC"
)

// ConfirmedRemoved is the containment status that takes a venue off the frontier.
const (
	NoContainment    ContainmentStatus = "NONE"
	ConfirmedRemoved ContainmentStatus = "CONFIRMED_REMOVED"
)

// Node is a person or a venue the item passed through.
type Node struct {
	ID          uuid.UUID   `db:"id"`
	IncidentID  uuid.UUID   `db:"incident_id"`
	Key         string      `db:"key"`
	Kind        NodeKind    `db:"kind"`
	Name        string      `db:"name"`
	Exposure    Exposure    `db:"exposure"`
	Unit        string      `db:"unit"`
	Position    string      `db:"position"`
	Handles     []string    `db:"-"`
	Cleared     *bool       `db:"cleared"`
	Platform    *Platform   `db:"platform"`
	MemberCount *int        `db:"member_count"`
	Containment Containment `db:"-"`

	// Partial is set on nodes read for an analysis: only the fields the
	// analysis needs are there (key, kind, name, exposure, memberCount,
	// containment status); Details reads the rest.
	Partial bool `db:"-"`
}

// IsVenue reports whether the node is a venue (anything but a person).
func (n Node) IsVenue() bool { return n.Kind != Person }

// Containment is the takedown state of a venue.
type Containment struct {
	Status      ContainmentStatus
	RequestedTo string
	RequestedAt *time.Time
	Note        string
	UpdatedAt   *time.Time
}

// Item is a leaked item: the document or photo that spread.
type Item struct {
	ID             uuid.UUID               `db:"id"`
	IncidentID     uuid.UUID               `db:"incident_id"`
	Key            string                  `db:"key"`
	Title          string                  `db:"title"`
	Kind           ItemKind                `db:"kind"`
	Classification incident.Classification `db:"classification"`
	DocumentNumber string                  `db:"document_number"`
	Alterations    []Alteration            `db:"-"`
	CreatedAt      time.Time               `db:"created_at"`
}

// Forward is one hop of the item from a node to a node, made by a person.
type Forward struct {
	ID          uuid.UUID
	IncidentID  uuid.UUID
	Key         string
	From, To    uuid.UUID
	By          uuid.UUID
	At          time.Time
	Method      Method
	ItemID      *uuid.UUID
	Alterations []Alteration
	MisSent     bool
	RecalledAt  *time.Time
	Confidence  Confidence
	Note        string
	// Sources are the lines of evidence the forward rests on: a forward
	// accepted from a proposal is evidenced by them; one without is asserted.
	Sources []Citation

	// The nodes and item the ids name, filled in when read.
	FromNode, ToNode, ByNode *Node
	Item                     *Item

	// Partial is set on forwards read for an analysis: only key, ends, time
	// and method are there; Details reads the rest.
	Partial bool
}

// NodeRef names a node in a forward: created the first time its key is seen
// in the incident, matched by key after.
type NodeRef struct {
	Key         string    `json:"key"`
	Kind        NodeKind  `json:"kind"`
	Name        *string   `json:"name,omitempty"`
	Exposure    *Exposure `json:"exposure,omitempty"`
	MemberCount *int      `json:"memberCount,omitempty"`
	Unit        *string   `json:"unit,omitempty"`
	Position    *string   `json:"position,omitempty"`
	Handles     []string  `json:"handles,omitempty"`
	Cleared     *bool     `json:"cleared,omitempty"`
	Platform    *Platform `json:"platform,omitempty"`
}

// ForwardInput is one forward to record; its JSON form is the GraphQL
// ForwardInput and a line of a JSONL import.
type ForwardInput struct {
	Key         string       `json:"key"`
	At          time.Time    `json:"at"`
	Method      Method       `json:"method"`
	From        NodeRef      `json:"from"`
	To          NodeRef      `json:"to"`
	By          NodeRef      `json:"by"`
	ItemKey     *string      `json:"itemKey,omitempty"`
	Alterations []Alteration `json:"alterations,omitempty"`
	MisSent     *bool        `json:"misSent,omitempty"`
	RecalledAt  *time.Time   `json:"recalledAt,omitempty"`
	Confidence  *Confidence  `json:"confidence,omitempty"`
	Note        *string      `json:"note,omitempty"`
	// Sources are set only by the review of proposals (package chatlog),
	// never by a client: a citation must name the case's own evidence.
	Sources []Citation `json:"-"`
}

// Citation is a line of an evidence item (a chat export) a forward rests on,
// and the message read from it.
type Citation struct {
	EvidenceID uuid.UUID
	Line       int
	MessageID  *uuid.UUID
}

// ItemInput records a leaked item.
type ItemInput struct {
	Key            string
	Title          string
	Kind           ItemKind
	Classification incident.Classification
	DocumentNumber *string
	Alterations    []Alteration
}

// FieldError is one bad field of one row of a batch. Problem and Params say
// what is wrong for a client to word in its reader's language (see README
// "Importing forwards"); Message says it in English.
type FieldError struct {
	Index int `json:"index"`
	// Line is the row's line in an import file (0 elsewhere).
	Line    int            `json:"line,omitempty"`
	Field   string         `json:"field"`
	Problem Problem        `json:"problem"`
	Params  map[string]any `json:"params,omitempty"`
	Message string         `json:"message"`
}

// refuse is the error for a single row (a forward or node edited alone): its
// field under prefix, its problem as the reason.
func (e FieldError) refuse(prefix string) *apperr.Error {
	return apperr.Invalid(prefix+e.Field, "%s", e.Message).Because(string(e.Problem), e.Params)
}

// Problem is what is wrong with a field of a row; it is the reason of a
// row's error (see apperr.Error.Reason).
type Problem string

// Problems of a row's field.
const (
	Required             Problem = "REQUIRED"
	TooLong              Problem = "TOO_LONG"      // params: max
	BadText              Problem = "BAD_TEXT"      // a control, invisible or text-direction character
	UnknownValue         Problem = "UNKNOWN_VALUE" // params: value
	Negative             Problem = "NEGATIVE"
	PersonHasVenueFields Problem = "PERSON_HAS_VENUE_FIELDS"
	VenueHasPersonFields Problem = "VENUE_HAS_PERSON_FIELDS"
	TooMany              Problem = "TOO_MANY" // params: max
	ImplausibleTime      Problem = "IMPLAUSIBLE_TIME"
	ByNotPerson          Problem = "BY_NOT_PERSON"
	NotVenue             Problem = "NOT_VENUE"
	SameEnds             Problem = "SAME_ENDS"
	RecalledBeforeSent   Problem = "RECALLED_BEFORE_SENT"
	RepeatedKey          Problem = "REPEATED_KEY"  // params: row (and line, in an import) of the first
	UnknownItem          Problem = "UNKNOWN_ITEM"  // params: value
	KindConflict         Problem = "KIND_CONFLICT" // params: key, kind
	BadTime              Problem = "BAD_TIME"      // params: value
	NotBoolean           Problem = "NOT_BOOLEAN"   // params: value
	NotNumber            Problem = "NOT_NUMBER"    // params: value
	Unreadable           Problem = "UNREADABLE"    // the row is not CSV or JSON of a forward; the message says why
)

// batchError reports every bad row of a batch at once: the first hundred
// errors, plenty to fix a file, and how many rows are bad in all.
func batchError(errs []FieldError) error {
	const shown = 100
	rows := map[int]bool{}
	for _, e := range errs {
		rows[e.Index] = true
	}
	if len(errs) > shown {
		errs = errs[:shown]
	}
	e := apperr.Errorf(apperr.InvalidInput, "%d forwards are invalid; see errors (index, field)", len(rows))
	e.Field = fmt.Sprintf("forwards[%d].%s", errs[0].Index, errs[0].Field)
	return e.With("errors", errs)
}

// Text limits, in characters.
const (
	maxKey  = 200
	maxName = 300
	maxNote = 4000
)

func oneOf[T ~string](v T, valid []T) bool { return slices.Contains(valid, v) }

// checker collects the field errors of one row.
type checker struct {
	index int
	errs  []FieldError
	// in is the reference being checked (see nodeRef), or none.
	in string
}

// named is field's full name, within the reference being checked.
func (c *checker) named(field string) string {
	switch {
	case c.in == "":
		return field
	case field == "":
		return c.in
	}
	return c.in + "." + field
}

func (c *checker) fail(field string, p Problem, params map[string]any, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Index: c.index, Field: c.named(field), Problem: p, Params: params, Message: fmt.Sprintf(format, args...)})
}

// unknown refuses a value outside its enumeration.
func (c *checker) unknown(field, what string, v any) {
	c.fail(field, UnknownValue, map[string]any{"value": v}, "unknown %s %q", what, v)
}

// text checks one text field; those limited to maxName or less (keys,
// names, units) are one line, longer ones (notes) may hold line breaks.
func (c *checker) text(field, s string, required bool, max int) {
	check := text.Block
	if max <= maxName {
		check = text.Line
	}
	switch {
	case required && strings.TrimSpace(s) == "":
		c.fail(field, Required, nil, "must not be empty")
	case utf8.RuneCountInString(s) > max:
		c.fail(field, TooLong, map[string]any{"max": max}, "longer than %d characters", max)
	case check(field, s) != nil:
		// Asked again with the full name, which the message quotes.
		if e, ok := apperr.As(check(c.named(field), s)); ok {
			c.fail(field, BadText, nil, "%s", e.Message)
		}
	}
}

// nodeRef checks the reference in field (from, to or by). Its own fields are
// named field.key and so on, made only when one fails: most rows pass.
func (c *checker) nodeRef(field string, r NodeRef) {
	c.in = field
	c.text("key", r.Key, true, maxKey)
	if !oneOf(r.Kind, NodeKinds) {
		c.unknown("kind", "node kind", r.Kind)
	}
	if r.Name != nil {
		c.text("name", *r.Name, false, maxName)
	}
	if r.Exposure != nil && !oneOf(*r.Exposure, Exposures) {
		c.unknown("exposure", "exposure", *r.Exposure)
	}
	if r.Platform != nil && !oneOf(*r.Platform, Platforms) {
		c.unknown("platform", "platform", *r.Platform)
	}
	if r.MemberCount != nil && *r.MemberCount < 0 {
		c.fail("memberCount", Negative, nil, "must not be negative")
	}
	if r.Kind == Person && (r.MemberCount != nil || r.Platform != nil) {
		c.fail("", PersonHasVenueFields, nil, "a person has no memberCount or platform")
	}
	if r.Kind != Person && (deref(r.Unit) != "" || deref(r.Position) != "" || r.Cleared != nil) {
		c.fail("", VenueHasPersonFields, nil, "a venue has no unit, position or clearance")
	}
	for _, s := range []*string{r.Unit, r.Position} {
		if s != nil {
			c.text("", *s, false, maxName)
		}
	}
	if len(r.Handles) > 20 {
		c.fail("handles", TooMany, map[string]any{"max": 20}, "at most 20 handles")
	}
	for _, h := range r.Handles {
		c.text("handles", h, false, maxName)
	}
	c.in = ""
}

func (c *checker) alterations(field string, as []Alteration) {
	for _, a := range as {
		if !oneOf(a, Alterations) {
			c.unknown(field, "alteration", a)
		}
	}
}

// validate checks one forward; index is its place in the batch.
func (f ForwardInput) validate(index int, now time.Time) []FieldError {
	c := checker{index: index}
	c.text("key", f.Key, true, maxKey)
	if !oneOf(f.Method, Methods) {
		c.unknown("method", "method", f.Method)
	}
	if f.At.IsZero() || f.At.Before(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)) || f.At.After(now.Add(10*time.Minute)) {
		c.fail("at", ImplausibleTime, nil, "not a plausible time (1990 until now)")
	}
	c.nodeRef("from", f.From)
	c.nodeRef("to", f.To)
	c.nodeRef("by", f.By)
	if f.By.Kind != Person {
		c.fail("by.kind", ByNotPerson, nil, "a forward is made by a PERSON")
	}
	if f.From.Key == f.To.Key && f.From.Key != "" {
		c.fail("to.key", SameEnds, nil, "a forward goes to another node")
	}
	if f.RecalledAt != nil && f.RecalledAt.Before(f.At) {
		c.fail("recalledAt", RecalledBeforeSent, nil, "recalled before it was sent")
	}
	if f.Confidence != nil && !oneOf(*f.Confidence, Confidences) {
		c.unknown("confidence", "confidence", *f.Confidence)
	}
	if f.Note != nil {
		c.text("note", *f.Note, false, maxNote)
	}
	if f.ItemKey != nil {
		c.text("itemKey", *f.ItemKey, true, maxKey)
	}
	c.alterations("alterations", f.Alterations)
	return c.errs
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
