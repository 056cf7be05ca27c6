// Package evidence is the evidence vault: files kept in S3-compatible storage
// with their SHA-256, linked to an incident (and optionally a forward, a node
// or a task), and every handling of them in an append-only chain of custody.
// The vault reaches the storage only through its port, ObjectStore, which
// objstore implements.
package evidence

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/text"
	"github.com/leaktrail/leaktrail/internal/zone"
)

// Action is a custody event's kind; values match the GraphQL enum.
type Action string

const (
	Collected    Action = "COLLECTED"
	Uploaded     Action = "UPLOADED"
	Viewed       Action = "VIEWED"
	Downloaded   Action = "DOWNLOADED"
	Exported     Action = "EXPORTED"
	Verified     Action = "VERIFIED"
	Sealed       Action = "SEALED"
	Transferred  Action = "TRANSFERRED"
	LegalHoldOn  Action = "LEGAL_HOLD_ON"
	LegalHoldOff Action = "LEGAL_HOLD_OFF"
	Released     Action = "RELEASED"
)

// RecordableActions are the custody events a person records by hand; the
// others are recorded by Leaktrail as the handling happens.
var RecordableActions = []Action{Collected, Sealed, Transferred, Released}

// Fixity is the outcome of the last check of an item's content.
type Fixity string

const (
	Unverified Fixity = "UNVERIFIED"
	FixityOK   Fixity = "OK"
	Mismatch   Fixity = "MISMATCH"
	Missing    Fixity = "MISSING"
)

// Acquisition is how an item came into the investigators' hands.
type Acquisition struct {
	From  string     `json:"from,omitempty"`  // collected from whom
	Where string     `json:"where,omitempty"` // where
	How   string     `json:"how,omitempty"`   // how (seized phone, screenshot by the reporter, ...)
	At    *time.Time `json:"at,omitempty"`    // when
	// Zone is the IANA zone At was given in; the uploader's when not given.
	Zone string `json:"zone,omitempty"`
	// By is who collected it: a name typed, or the uploader's display name.
	By string `json:"by,omitempty"`
	// ByID is the collector when that is the uploader (a Leaktrail user), set at Begin.
	ByID *uuid.UUID `json:"byId,omitempty"`
}

// Given reports whether the uploader said anything of how the item was obtained.
func (a Acquisition) Given() bool {
	return a.From != "" || a.Where != "" || a.How != "" || a.At != nil || a.By != "" || a.Zone != ""
}

// Details are what the uploader says of a file; kept on the upload until it is committed.
type Details struct {
	FileName    string      `json:"fileName"`
	Description string      `json:"description,omitempty"`
	Acquisition Acquisition `json:"acquisition"`
	// TimeZone is the IANA zone the uploader works in, recorded with each custody event.
	TimeZone  string     `json:"timeZone,omitempty"`
	ForwardID *uuid.UUID `json:"forwardId,omitempty"`
	NodeID    *uuid.UUID `json:"nodeId,omitempty"`
	TaskID    *uuid.UUID `json:"taskId,omitempty"`
}

const maxText = 4000

// Validate checks the details on their own, reporting the first problem by field.
func (d *Details) Validate() error {
	d.FileName = strings.TrimSpace(d.FileName)
	d.Description = text.Lines(d.Description)
	a := &d.Acquisition
	a.From, a.Where, a.How = text.Lines(strings.TrimSpace(a.From)), text.Lines(strings.TrimSpace(a.Where)), text.Lines(strings.TrimSpace(a.How))
	a.By, a.ByID = strings.TrimSpace(a.By), nil
	switch {
	case d.FileName == "":
		return apperr.Invalid("input.fileName", "a file name is required")
	case utf8.RuneCountInString(d.FileName) > 255 || strings.ContainsAny(d.FileName, "/\\\x00"):
		return apperr.Invalid("input.fileName", "a file name is at most 255 characters, without slashes")
	case len(d.Description) > maxText:
		return apperr.Invalid("input.description", "the description is at most %d bytes", maxText)
	case len(a.From) > maxText || len(a.Where) > maxText || len(a.How) > maxText:
		return apperr.Invalid("input.acquisition", "each acquisition fact is at most %d bytes", maxText)
	case utf8.RuneCountInString(a.By) > 100:
		return apperr.Invalid("input.acquisition.by", "the collector's name is at most 100 characters")
	// An acquisition is recorded as the custody event COLLECTED, which
	// means little without from whom and when; clients that say nothing of
	// the acquisition still upload (no COLLECTED is recorded).
	case a.Given() && a.From == "":
		return apperr.Invalid("input.acquisition.from", "say from whom the item was obtained")
	case a.Given() && a.At == nil:
		return apperr.Invalid("input.acquisition.at", "say when the item was obtained")
	case a.At != nil && a.At.After(time.Now().Add(5*time.Minute)):
		return apperr.Invalid("input.acquisition.at", "the acquisition time is in the future")
	}
	if err := cmp.Or(text.Line("input.fileName", d.FileName), text.Block("input.description", d.Description),
		text.Block("input.acquisition.from", a.From), text.Block("input.acquisition.where", a.Where),
		text.Block("input.acquisition.how", a.How), text.Line("input.acquisition.by", a.By)); err != nil {
		return err
	}
	zone, err := ZoneOf(d.TimeZone, "input.timeZone")
	if err != nil {
		return err
	}
	d.TimeZone = zone
	if a.Given() {
		if a.Zone, err = ZoneOf(cmp.Or(a.Zone, zone), "input.acquisition.timeZone"); err != nil {
			return err
		}
	}
	return nil
}

// ZoneOf checks an IANA time zone name ("" is UTC) and returns it.
func ZoneOf(name, field string) (string, error) {
	if name == "" {
		return "UTC", nil
	}
	if _, err := zone.Load(name); err != nil || len(name) > 64 {
		return "", apperr.Invalid(field, "%q is not an IANA time zone such as Asia/Shanghai", name)
	}
	return name, nil
}

// Part is one stored part of an upload.
type Part struct {
	Number int    `json:"n"`
	ETag   string `json:"etag"`
	Size   int64  `json:"size"`
}

// UploadState is where an upload stands.
type UploadState string

const (
	Uploading UploadState = "UPLOADING"
	Committed UploadState = "COMMITTED"
	Abandoned UploadState = "ABANDONED"
)

// Upload is a file on its way into the vault.
type Upload struct {
	ID             uuid.UUID   `db:"id"`
	IncidentID     uuid.UUID   `db:"incident_id"`
	ObjectKey      string      `db:"object_key"`
	S3UploadID     string      `db:"s3_upload_id"`
	State          UploadState `db:"state"`
	Parts          []Part      `db:"-"`
	Received       int64       `db:"received"`
	HashState      []byte      `db:"hash_state"`
	Head           []byte      `db:"head"`
	Details        Details     `db:"-"`
	ObjectReleased bool        `db:"object_released"`
	CreatedBy      uuid.UUID   `db:"created_by"`
	CreatedAt      time.Time   `db:"created_at"`
	UpdatedAt      time.Time   `db:"updated_at"`
}

// NextPart is the number of the part the upload expects next.
func (u *Upload) NextPart() int { return len(u.Parts) + 1 }

// Evidence is one item in the vault.
type Evidence struct {
	ID          uuid.UUID   `db:"id" json:"id"`
	IncidentID  uuid.UUID   `db:"incident_id" json:"incidentId"`
	UploadID    uuid.UUID   `db:"upload_id" json:"uploadId"`
	ObjectKey   string      `db:"object_key" json:"objectKey"`
	VersionID   string      `db:"version_id" json:"versionId"`
	SHA256      string      `db:"sha256" json:"sha256"`
	Size        int64       `db:"size" json:"size"`
	ContentType string      `db:"content_type" json:"contentType"`
	FileName    string      `db:"file_name" json:"fileName"`
	Description string      `db:"description" json:"description"`
	Acquisition Acquisition `json:"acquisition"`
	TimeZone    string      `db:"time_zone" json:"timeZone"`
	ForwardID   *uuid.UUID  `db:"forward_id" json:"forwardId"`
	NodeID      *uuid.UUID  `db:"node_id" json:"nodeId"`
	TaskID      *uuid.UUID  `db:"task_id" json:"taskId"`
	// DuplicateOf is the item whose stored object holds the same content.
	DuplicateOf    *uuid.UUID `db:"duplicate_of" json:"duplicateOf"`
	CapturedAt     *time.Time `db:"captured_at" json:"capturedAt"` // from the image's EXIF
	Device         string     `db:"device" json:"device"`          // from the image's EXIF
	LegalHold      bool       `db:"legal_hold" json:"legalHold"`
	RetentionMode  *string    `db:"retention_mode" json:"retentionMode"`
	RetainUntil    *time.Time `db:"retain_until" json:"retainUntil"`
	Fixity         Fixity     `db:"fixity" json:"fixity"`
	LastVerifiedAt *time.Time `db:"last_verified_at" json:"lastVerifiedAt"`
	UploadedBy     uuid.UUID  `db:"uploaded_by" json:"uploadedBy"`
	UploadedAt     time.Time  `db:"uploaded_at" json:"uploadedAt"`
}

// CustodyEvent is one handling of an item.
type CustodyEvent struct {
	ID            int64      `db:"id" json:"id"`
	EvidenceID    uuid.UUID  `db:"evidence_id" json:"evidenceId"`
	IncidentID    uuid.UUID  `db:"incident_id" json:"incidentId"`
	Action        Action     `db:"action" json:"action"`
	ActorID       *uuid.UUID `db:"actor_id" json:"actorId"`
	ActorName     string     `db:"actor_name" json:"actorName"`
	At            time.Time  `db:"at" json:"at"`
	TimeZone      string     `db:"time_zone" json:"timeZone"`
	Purpose       string     `db:"purpose" json:"purpose"`
	SHA256        *string    `db:"sha256" json:"sha256"` // the hash observed, when the content was read
	Matched       *bool      `db:"matched" json:"matched"`
	TransferredTo string     `db:"transferred_to" json:"transferredTo"`
	CollectedFrom string     `db:"collected_from" json:"collectedFrom,omitempty"` // for COLLECTED: from whom
}

// CustodyInput is a custody event a person records.
type CustodyInput struct {
	Action        Action
	Purpose       string
	TransferredTo string
	TimeZone      string
}

// Validate checks a hand-recorded custody event.
func (in *CustodyInput) Validate() error {
	in.Purpose, in.TransferredTo = text.Lines(strings.TrimSpace(in.Purpose)), strings.TrimSpace(in.TransferredTo)
	ok := false
	for _, a := range RecordableActions {
		ok = ok || a == in.Action
	}
	switch {
	case !ok:
		return apperr.Invalid("input.action", "only COLLECTED, SEALED, TRANSFERRED and RELEASED are recorded by hand")
	case in.Purpose == "" || len(in.Purpose) > maxText:
		return apperr.Invalid("input.purpose", "say why (at most %d bytes)", maxText)
	case in.Action == Transferred && in.TransferredTo == "":
		return apperr.Invalid("input.transferredTo", "a transfer names to whom")
	case in.Action != Transferred && in.TransferredTo != "":
		return apperr.Invalid("input.transferredTo", "only a transfer names to whom")
	}
	if err := cmp.Or(text.Block("input.purpose", in.Purpose), text.Line("input.transferredTo", in.TransferredTo)); err != nil {
		return err
	}
	zone, err := ZoneOf(in.TimeZone, "input.timeZone")
	in.TimeZone = zone
	return err
}

// AlertKind names an alert; values match the GraphQL enum.
type AlertKind string

const (
	FixityMismatch  AlertKind = "FIXITY_MISMATCH"
	EvidenceMissing AlertKind = "EVIDENCE_MISSING"
)

// Alert is a problem Leaktrail raised on an incident by itself.
type Alert struct {
	ID         int64      `db:"id"`
	IncidentID uuid.UUID  `db:"incident_id"`
	Kind       AlertKind  `db:"kind"`
	EvidenceID *uuid.UUID `db:"evidence_id"`
	Details    string     `db:"details"`
	RaisedAt   time.Time  `db:"raised_at"`
}

// Retention is how long committed objects are locked against deletion.
type Retention struct {
	Mode                string // "" (off), "GOVERNANCE" or "COMPLIANCE"
	Years, Months, Days int
}

// ParseRetention reads "off", "compliance:7y", "governance:1y", "governance:6m" or "compliance:30d".
func ParseRetention(s string) (Retention, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || s == "off" {
		return Retention{}, nil
	}
	mode, period, ok := strings.Cut(s, ":")
	bad := fmt.Errorf("evidence retention %q: want off, or compliance:|governance: and a period such as 7y, 6m or 30d", s)
	if !ok || (mode != "compliance" && mode != "governance") || len(period) < 2 {
		return Retention{}, bad
	}
	n, err := strconv.Atoi(period[:len(period)-1])
	if err != nil || n <= 0 || n > 100*366 {
		return Retention{}, bad
	}
	r := Retention{Mode: strings.ToUpper(mode)}
	switch period[len(period)-1] {
	case 'y':
		r.Years = n
	case 'm':
		r.Months = n
	case 'd':
		r.Days = n
	default:
		return Retention{}, bad
	}
	return r, nil
}

// On reports whether retention is configured.
func (r Retention) On() bool { return r.Mode != "" }

// Until is the end of retention for an object committed at t.
func (r Retention) Until(t time.Time) time.Time { return t.AddDate(r.Years, r.Months, r.Days) }
