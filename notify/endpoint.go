package notify

import (
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"
)

// Endpoint is a webhook an admin set up: an address, a format and the kinds
// it is told of, for the cases the user it acts as may read.
type Endpoint struct {
	ID        uuid.UUID      `db:"id"`
	Name      string         `db:"name"`
	URL       string         `db:"url"`
	Format    Format         `db:"format"`
	Secret    string         `db:"secret"`
	Kinds     pq.StringArray `db:"kinds"`
	Locale    string         `db:"locale"`
	ActingAs  uuid.UUID      `db:"acting_as"`
	Enabled   bool           `db:"enabled"`
	CreatedBy uuid.UUID      `db:"created_by"`
	CreatedAt time.Time      `db:"created_at"`
}

// EndpointInput creates or changes an endpoint. A nil Secret keeps the old one.
type EndpointInput struct {
	Name       string
	URL        string
	Format     Format
	Secret     *string
	Kinds      []Kind
	Locale     *string
	ActingAsID *uuid.UUID
	Enabled    *bool
}

// DeliveryState values match the GraphQL DeliveryState enum.
type DeliveryState string

const (
	Pending   DeliveryState = "PENDING"
	Delivered DeliveryState = "DELIVERED"
	Failed    DeliveryState = "FAILED"
	Skipped   DeliveryState = "SKIPPED"
)

// Delivery is one event sent, or to be sent, to one e-mail recipient or endpoint.
type Delivery struct {
	ID          uuid.UUID     `db:"id"`
	Seq         int64         `db:"seq"`
	EventID     uuid.UUID     `db:"event_id"`
	IncidentID  *uuid.UUID    `db:"incident_id"`
	Channel     string        `db:"channel"`
	UserID      *uuid.UUID    `db:"user_id"`
	EndpointID  *uuid.UUID    `db:"endpoint_id"`
	State       DeliveryState `db:"state"`
	Attempts    int           `db:"attempts"`
	NextAt      time.Time     `db:"next_at"`
	LastStatus  *int          `db:"last_status"`
	LastError   string        `db:"last_error"`
	CreatedAt   time.Time     `db:"created_at"`
	DeliveredAt *time.Time    `db:"delivered_at"`
	// Of the event:
	Kind      Kind      `db:"kind"`
	Reference string    `db:"reference"`
	RawData   []byte    `db:"data"`
	At        time.Time `db:"at"`
}

// NextAttemptAt is when a pending delivery is next tried.
func (d Delivery) NextAttemptAt() *time.Time {
	if d.State != Pending {
		return nil
	}
	return &d.NextAt
}
