// Package notify tells people what happened to the cases they may read: in
// the app, by e-mail and through webhooks (signed JSON, or the group robots
// of WeCom, DingTalk and Lark). A notification never carries case content:
// it names the case's reference, what happened and a link.
//
// The features that change a case write an Event with Emit in the same
// transaction as the change (a transactional outbox), so no event is lost
// when the server dies. The fan-out turns each event, once, into notices in
// the app and deliveries for the people and endpoints that may read the case
// and asked for that kind; the delivery worker sends each delivery at least
// once, retried with backoff, a webhook's in order per case, checking
// need-to-know again at the moment it sends.
package notify

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
)

// Kind is what a notification is about; values match the GraphQL NoticeKind enum.
type Kind string

const (
	StageChanged    Kind = "STAGE_CHANGED"
	GateMet         Kind = "GATE_MET"
	Clock25         Kind = "CLOCK_25"
	Clock10         Kind = "CLOCK_10"
	ClockOverdue    Kind = "CLOCK_OVERDUE"
	ReviewRequested Kind = "REVIEW_REQUESTED"
	ReviewDecided   Kind = "REVIEW_DECIDED"
	FixityMismatch  Kind = "FIXITY_MISMATCH"
	UploadFinished  Kind = "UPLOAD_FINISHED"
	ImportFinished  Kind = "IMPORT_FINISHED"
	Test            Kind = "TEST"
)

// Kinds lists every kind a user or endpoint may subscribe to.
var Kinds = []Kind{StageChanged, GateMet, Clock25, Clock10, ClockOverdue, ReviewRequested, ReviewDecided,
	FixityMismatch, UploadFinished, ImportFinished}

// ClockKind is the kind of a clock alert (workflow.ClockState.Alert).
func ClockKind(alert string) Kind {
	switch alert {
	case "25":
		return Clock25
	case "10":
		return Clock10
	}
	return ClockOverdue
}

// Channel is how a user hears of an event; values match the GraphQL NoticeChannel enum.
type Channel string

const (
	InApp Channel = "IN_APP"
	Email Channel = "EMAIL"
)

// Event is one thing that happened to a case. Data holds only codes, ids and
// times (stage names, a clock's id, a due time), never case content.
type Event struct {
	Kind       Kind
	IncidentID *uuid.UUID
	// ActorID is who did it; they are not told of their own doing.
	ActorID *uuid.UUID
	Data    map[string]string
	// Dedupe, when set, makes a second event with the same value a no-op.
	Dedupe string
}

// OutboxChannel is the PostgreSQL notification channel that wakes the fan-out.
const OutboxChannel = "leaktrail_outbox"

// NoticesChannel is the PostgreSQL notification channel of a user's notices
// changing; its payload is the user's id.
const NoticesChannel = "leaktrail_notices"

// Emit writes e to the outbox inside the caller's transaction, so the event
// commits with the change it tells of, or not at all.
func Emit(ctx context.Context, ex database.Executor, e Event) error {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return err
	}
	if e.Data == nil {
		data = []byte("{}")
	}
	var dedupe *string
	if e.Dedupe != "" {
		dedupe = &e.Dedupe
	}
	if _, err := ex.ExecContext(ctx, `
		INSERT INTO notice_events (id, kind, incident_id, reference, actor_id, data, dedupe)
		VALUES ($1, $2, $3, COALESCE((SELECT reference FROM incidents WHERE id = $3), ''), $4, $5, $6)
		ON CONFLICT (dedupe) DO NOTHING`, uuid.New(), e.Kind, e.IncidentID, e.ActorID, data, dedupe); err != nil {
		return err
	}
	_, err = ex.ExecContext(ctx, `SELECT pg_notify($1, '')`, OutboxChannel)
	return err
}

// Notice is one notification in a user's list in the app.
type Notice struct {
	ID         uuid.UUID         `db:"id"`
	EventID    uuid.UUID         `db:"event_id"`
	Kind       Kind              `db:"kind"`
	IncidentID *uuid.UUID        `db:"incident_id"`
	Reference  string            `db:"reference"`
	Data       map[string]string `db:"-"`
	RawData    []byte            `db:"data"`
	At         time.Time         `db:"at"`
	ReadAt     *time.Time        `db:"read_at"`
}

// Datum is one of a notice's facts, for the API.
type Datum struct{ Key, Value string }

// Subscription is the channels a user gets a kind on.
type Subscription struct {
	Kind     Kind
	Channels []Channel
	// Own is true for the user's own choice, false for their roles' default.
	Own bool
}

// Settings are a user's choices about notifications.
type Settings struct {
	Email         string
	Subscriptions []Subscription
	// QuietFrom and QuietTo are minutes after local midnight; nil when there are no quiet hours.
	QuietFrom, QuietTo *int
	TimeZone           string
}

// SettingsInput changes a user's settings; nil fields stay as they are.
type SettingsInput struct {
	Email              *string
	Subscriptions      []Subscription
	ResetSubscriptions bool
	QuietFrom, QuietTo *int
	NoQuietHours       bool
	TimeZone           *string
}

// RoleSubscription is the channels a role gets a kind on by default.
type RoleSubscription struct {
	Role     auth.Role
	Kind     Kind
	Channels []Channel
}
