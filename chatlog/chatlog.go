// Package chatlog keeps the chat exports read into a case (issue 17): each
// export is an evidence item read by a job (import.go) into chats, senders
// and messages, each message citing the lines it was read from; the same
// message in two exports is kept once with both sources. The investigator
// marks what leaked (marks.go); the messages that match it are its
// sightings, from which forwards are proposed (proposals.go) and, once a
// person accepts them, recorded as evidenced forwards of the spread chain.
package chatlog

import (
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/chatexport"
	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/leaktrail/leaktrail/reconstruct"
	"github.com/leaktrail/leaktrail/spread"
)

// State is where a read of an export is.
type State string

const (
	Queued  State = "QUEUED"
	Running State = "RUNNING"
	Done    State = "DONE"
	Failed  State = "FAILED"
)

// Import is one read of one export (an evidence item).
type Import struct {
	ID             uuid.UUID
	IncidentID     uuid.UUID
	EvidenceID     uuid.UUID
	Format         chatexport.Format // read; "" until known
	ChosenFormat   chatexport.Format // asked for; "" to detect
	TimeZone       string
	Platform       spread.Platform
	Mapping        *chatexport.Mapping
	DayFirst       *bool
	State          State
	BytesTotal     int64
	BytesRead      int64
	Messages       int
	Duplicates     int
	Problems       []chatexport.Problem
	MoreProblems   int
	Media          []uuid.UUID
	Failure        string // a reason code
	FailureMessage string
	FailureParams  map[string]any
	Attempts       int
	RequestedBy    uuid.UUID
	CreatedAt      time.Time
	StartedAt      *time.Time
	FinishedAt     *time.Time
}

// ImportInput says how to read an export.
type ImportInput struct {
	Format   chatexport.Format
	TimeZone string
	Platform spread.Platform
	Mapping  *chatexport.Mapping
	DayFirst *bool
}

// Chat is a chat seen in the case's exports.
type Chat struct {
	ID         uuid.UUID
	IncidentID uuid.UUID
	Platform   spread.Platform
	Key        string
	Name       string
	Direct     bool
	// Owner and Partner are the two people of a private chat: whose export
	// it is (a name) and the other's handle.
	Owner, Partner string
	MessageCount   int
	MemberCount    int
}

// Sender is a person seen in the case's exports.
type Sender struct {
	ID         uuid.UUID
	IncidentID uuid.UUID
	Platform   spread.Platform
	Key        string
	Name       string
	Handles    []string
}

// Message is one message (its sources, where it was read, are apart).
type Message struct {
	ID         uuid.UUID
	IncidentID uuid.UUID
	ChatID     uuid.UUID
	SenderID   *uuid.UUID
	At         time.Time
	Kind       chatexport.Kind
	Text       string
	Details    Details
}

// Details are what a message says beyond its text, as its export gives it.
type Details struct {
	Media         []Media            `json:"media,omitempty"`
	ForwardedFrom *chatexport.Party  `json:"forwardedFrom,omitempty"`
	Quote         *Quote             `json:"quote,omitempty"`
	Items         []Item             `json:"items,omitempty"`
	Members       []chatexport.Party `json:"members,omitempty"`
	ExportID      string             `json:"exportId,omitempty"`
}

// Media is a file a message carries; EvidenceID is the vault's item holding
// it, when it is there.
type Media struct {
	Name       string     `json:"name,omitempty"`
	MD5        string     `json:"md5,omitempty"`
	Size       int64      `json:"size,omitempty"`
	Omitted    bool       `json:"omitted,omitempty"`
	EvidenceID *uuid.UUID `json:"evidenceId,omitempty"`
}

// Quote is the message a message quotes.
type Quote struct {
	Sender chatexport.Party `json:"sender"`
	At     *time.Time       `json:"at,omitempty"`
	Text   string           `json:"text"`
}

// Item is a message inside a merged forward.
type Item struct {
	Sender chatexport.Party `json:"sender"`
	Chat   *chatexport.Chat `json:"chat,omitempty"`
	At     *time.Time       `json:"at,omitempty"`
	Kind   chatexport.Kind  `json:"kind"`
	Text   string           `json:"text,omitempty"`
	Media  []Media          `json:"media,omitempty"`
}

// Source is where a message was read.
type Source struct {
	MessageID  uuid.UUID
	ImportID   uuid.UUID
	EvidenceID uuid.UUID
	Line       int
	Offset     int64
	Raw        string
}

// Filter selects messages.
type Filter struct {
	Text       string
	Fuzzy      bool
	ChatIDs    []uuid.UUID
	SenderIDs  []uuid.UUID
	From, To   *time.Time
	EvidenceID *uuid.UUID
	Line       *int
}

// Page is a page of messages.
type Page struct {
	Messages []*Message
	Total    int
	Next     *string
}

// MarkKind is what a leak mark names.
type MarkKind string

const (
	MarkFile    MarkKind = "FILE"
	MarkMessage MarkKind = "MESSAGE"
	MarkText    MarkKind = "TEXT"
)

// Mark is what leaked, as marked, with its fingerprints.
type Mark struct {
	ID           uuid.UUID
	IncidentID   uuid.UUID
	EvidenceID   *uuid.UUID
	MessageID    *uuid.UUID
	Text         string
	Fingerprints Fingerprints
	CreatedBy    uuid.UUID
	CreatedAt    time.Time
}

// Kind says what the mark names.
func (m *Mark) Kind() MarkKind {
	switch {
	case m.EvidenceID != nil:
		return MarkFile
	case m.MessageID != nil:
		return MarkMessage
	}
	return MarkText
}

// Fingerprints are what a mark is matched by.
type Fingerprints struct {
	Files  []fingerprint.FileSums    `json:"files,omitempty"`
	Images []fingerprint.ImageHashes `json:"images,omitempty"`
	Text   string                    `json:"text,omitempty"`
	Docs   []string                  `json:"docs,omitempty"`
}

// MarkInput names what leaked: exactly one of the three.
type MarkInput struct {
	EvidenceID *uuid.UUID
	MessageID  *uuid.UUID
	Text       string
}

// Sighting is a message that matches the leaked item.
type Sighting struct {
	MessageID uuid.UUID
	Kind      fingerprint.Kind
	Score     float64
	Detail    string
	// Item is the position in a merged forward of the item that matched.
	Item *int

	msg *Message // kept by a reconstruction, which reads every message once
}

// ProposalState is where a proposal is in review.
type ProposalState string

const (
	Proposed ProposalState = "PROPOSED"
	Accepted ProposalState = "ACCEPTED"
	Rejected ProposalState = "REJECTED"
)

// Proposal is a forward the sightings suggest.
type Proposal struct {
	ID           uuid.UUID
	IncidentID   uuid.UUID
	Key          string
	From, To, By reconstruct.Node
	At           time.Time
	Method       spread.Method
	Confidence   float64
	Reason       reconstruct.Reason
	Params       Params
	Sources      []ProposalSource
	Rejected     bool
	RejectReason string
	DecidedBy    *uuid.UUID
	DecidedAt    *time.Time
	ProposedAt   time.Time
	// ForwardID is the forward recorded under the proposal's key, once accepted.
	ForwardID *uuid.UUID
}

// State says whether the proposal waits, was accepted or rejected.
func (p *Proposal) State() ProposalState {
	switch {
	case p.ForwardID != nil:
		return Accepted
	case p.Rejected:
		return Rejected
	}
	return Proposed
}

// Params word a proposal's reason.
type Params struct {
	From       *string    `json:"from,omitempty"`
	EarlierAt  *time.Time `json:"earlierAt,omitempty"`
	OriginAt   *time.Time `json:"originAt,omitempty"`
	Candidates *int       `json:"candidates,omitempty"`
}

// ProposalSource is a line a proposal rests on.
type ProposalSource struct {
	MessageID  *uuid.UUID `json:"messageId,omitempty"`
	EvidenceID uuid.UUID  `json:"evidenceId"`
	Line       int        `json:"line"`
}

// ProposalEdit changes a proposal as it is accepted.
type ProposalEdit struct {
	At         *time.Time
	Method     *spread.Method
	Confidence *spread.Confidence
	Note       *string
}

// Reconstruction is what a run found.
type Reconstruction struct {
	Sightings int
	Proposals []*Proposal
}
