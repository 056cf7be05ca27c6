package incident

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/workflow"
)

// Filter narrows the incident list; zero fields match everything.
type Filter struct {
	Stages          []workflow.Stage
	Classifications []Classification
	RootCauses      []RootCause
	Text            *string
	DetectedFrom    *time.Time
	DetectedTo      *time.Time
	LeadID          *uuid.UUID
}

// Page sizes for lists.
const (
	DefaultPageSize = 25
	MaxPageSize     = 100
)

// Cursor is a position in the newest-first incident list.
type Cursor struct {
	CreatedAt time.Time `json:"t"`
	ID        uuid.UUID `json:"i"`
}

// Encode renders the cursor as an opaque string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a struct of a time and a UUID always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor made by Encode.
func DecodeCursor(s string) (Cursor, error) {
	var c Cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == uuid.Nil {
		return c, apperr.Invalid("after", "not a cursor returned by this list")
	}
	return c, nil
}

// PageRequest asks for one page of the list.
type PageRequest struct {
	First int
	After *Cursor
}

// NewPageRequest checks the page size and cursor of a list request.
func NewPageRequest(first *int, after *string) (PageRequest, error) {
	p := PageRequest{First: DefaultPageSize}
	if first != nil {
		if *first < 0 || *first > MaxPageSize {
			return p, apperr.Invalid("first", "first must be between 0 and %d", MaxPageSize)
		}
		p.First = *first
	}
	if after != nil && *after != "" {
		c, err := DecodeCursor(*after)
		if err != nil {
			return p, err
		}
		p.After = &c
	}
	return p, nil
}

func (f Filter) validate() error {
	for _, s := range f.Stages {
		if !s.Valid() {
			return apperr.Invalid("filter.stages", "unknown stage %q", s)
		}
	}
	for _, c := range f.Classifications {
		if err := checkEnum("filter.classifications", c, Classifications); err != nil {
			return err
		}
	}
	for _, c := range f.RootCauses {
		if err := checkEnum("filter.rootCauses", c, RootCauses); err != nil {
			return err
		}
	}
	if f.Text != nil {
		if _, err := checkText("filter.text", *f.Text, false, maxShort); err != nil {
			return err
		}
	}
	if f.DetectedFrom != nil && f.DetectedTo != nil && f.DetectedTo.Before(*f.DetectedFrom) {
		return apperr.Invalid("filter.detectedTo", "detectedTo is before detectedFrom")
	}
	return nil
}

// CursorOf returns the list position of inc.
func CursorOf(inc Incident) Cursor { return Cursor{CreatedAt: inc.CreatedAt, ID: inc.ID} }
