package notify

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
)

// Store holds notify's SQL.
type Store struct{}

const noticeColumns = `n.id, n.event_id, e.kind, e.incident_id, e.reference, e.data, e.at, n.read_at`

// Notices lists a user's notices newest first, after the cursor (created_at, id) when given.
func (Store) Notices(ctx context.Context, ex database.Executor, userID uuid.UUID, unreadOnly bool, after *noticeCursor, limit int) ([]Notice, error) {
	args := []any{userID, unreadOnly, limit}
	where := ""
	if after != nil {
		args = append(args, after.At, after.ID)
		where = ` AND (n.created_at, n.id) < ($4, $5)`
	}
	var out []Notice
	err := ex.SelectContext(ctx, &out, `SELECT `+noticeColumns+` FROM notices n JOIN notice_events e ON e.id = n.event_id
		WHERE n.user_id = $1 AND (NOT $2 OR n.read_at IS NULL)`+where+`
		ORDER BY n.created_at DESC, n.id DESC LIMIT $3`, args...)
	for i := range out {
		out[i].Data = decodeData(out[i].RawData)
	}
	return out, err
}

func decodeData(raw []byte) map[string]string {
	m := map[string]string{}
	json.Unmarshal(raw, &m) //nolint:errcheck // written by Emit from a map[string]string
	return m
}

// noticeCursor is where a page of notices ends.
type noticeCursor struct {
	At time.Time
	ID uuid.UUID
}

// noticeCreatedAt is when a notice was created, for its page cursor.
func (Store) noticeCreatedAt(ctx context.Context, ex database.Executor, userID, id uuid.UUID) (time.Time, error) {
	var at time.Time
	err := ex.GetContext(ctx, &at, `SELECT created_at FROM notices WHERE id = $1 AND user_id = $2`, id, userID)
	return at, err
}

// Unread counts a user's unread notices.
func (Store) Unread(ctx context.Context, ex database.Executor, userID uuid.UUID) (int, error) {
	var n int
	err := ex.GetContext(ctx, &n, `SELECT count(*) FROM notices WHERE user_id = $1 AND read_at IS NULL`, userID)
	return n, err
}

// MarkRead marks the user's notices read (all when ids is nil).
func (Store) MarkRead(ctx context.Context, ex database.Executor, userID uuid.UUID, ids []uuid.UUID) (int64, error) {
	res, err := ex.ExecContext(ctx, `UPDATE notices SET read_at = now() WHERE user_id = $1 AND read_at IS NULL
		AND ($2::uuid[] IS NULL OR id = ANY($2))`, userID, uuidArray(ids))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func uuidArray(ids []uuid.UUID) any {
	if ids == nil {
		return nil
	}
	s := make(pq.StringArray, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return s
}

// settingsRow is notice_settings as stored.
type settingsRow struct {
	UserID        uuid.UUID `db:"user_id"`
	Email         string    `db:"email"`
	Subscriptions []byte    `db:"subscriptions"`
	QuietFrom     *int      `db:"quiet_from"`
	QuietTo       *int      `db:"quiet_to"`
	TimeZone      string    `db:"time_zone"`
}

func (r settingsRow) own() map[Kind][]Channel {
	m := map[Kind][]Channel{}
	json.Unmarshal(r.Subscriptions, &m) //nolint:errcheck // written by PutSettings from this same map type
	return m
}

// SettingsOf returns the stored settings of these users; users with none are absent.
func (Store) SettingsOf(ctx context.Context, ex database.Executor, userIDs []uuid.UUID) (map[uuid.UUID]settingsRow, error) {
	var rows []settingsRow
	if err := ex.SelectContext(ctx, &rows, `SELECT user_id, email, subscriptions, quiet_from, quiet_to, time_zone
		FROM notice_settings WHERE user_id = ANY($1)`, uuidArray(userIDs)); err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]settingsRow, len(rows))
	for _, r := range rows {
		out[r.UserID] = r
	}
	return out, nil
}

// PutSettings stores a user's settings.
func (Store) PutSettings(ctx context.Context, ex database.Executor, r settingsRow, own map[Kind][]Channel) error {
	subs, err := json.Marshal(own)
	if err != nil {
		return err
	}
	_, err = ex.ExecContext(ctx, `INSERT INTO notice_settings (user_id, email, subscriptions, quiet_from, quiet_to, time_zone)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (user_id) DO UPDATE SET email = $2, subscriptions = $3, quiet_from = $4, quiet_to = $5, time_zone = $6`,
		r.UserID, r.Email, subs, r.QuietFrom, r.QuietTo, r.TimeZone)
	return err
}

type roleSubRow struct {
	Role     auth.Role      `db:"role"`
	Kind     Kind           `db:"kind"`
	Channels pq.StringArray `db:"channels"`
}

// RoleSubscriptions lists every role's default channels per kind.
func (Store) RoleSubscriptions(ctx context.Context, ex database.Executor) ([]RoleSubscription, error) {
	var rows []roleSubRow
	if err := ex.SelectContext(ctx, &rows, `SELECT role, kind, channels FROM role_subscriptions ORDER BY role, kind`); err != nil {
		return nil, err
	}
	out := make([]RoleSubscription, len(rows))
	for i, r := range rows {
		out[i] = RoleSubscription{Role: r.Role, Kind: r.Kind, Channels: channels(r.Channels)}
	}
	return out, nil
}

func channels(s []string) []Channel {
	out := make([]Channel, len(s))
	for i, c := range s {
		out[i] = Channel(c)
	}
	return out
}

// PutRoleSubscription sets a role's default channels for a kind.
func (Store) PutRoleSubscription(ctx context.Context, ex database.Executor, rs RoleSubscription) error {
	chans := make(pq.StringArray, len(rs.Channels))
	for i, c := range rs.Channels {
		chans[i] = string(c)
	}
	_, err := ex.ExecContext(ctx, `INSERT INTO role_subscriptions (role, kind, channels) VALUES ($1, $2, $3)
		ON CONFLICT (role, kind) DO UPDATE SET channels = $3`, rs.Role, rs.Kind, chans)
	return err
}

const endpointColumns = `id, name, url, format, secret, kinds, locale, acting_as, enabled, created_by, created_at`

// Endpoints lists the webhook endpoints by name.
func (Store) Endpoints(ctx context.Context, ex database.Executor) ([]Endpoint, error) {
	var out []Endpoint
	err := ex.SelectContext(ctx, &out, `SELECT `+endpointColumns+` FROM webhook_endpoints ORDER BY name, id`)
	return out, err
}

// Endpoint returns one endpoint.
func (Store) Endpoint(ctx context.Context, ex database.Executor, id uuid.UUID) (Endpoint, error) {
	var e Endpoint
	err := ex.GetContext(ctx, &e, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = $1`, id)
	return e, err
}

// PutEndpoint inserts or updates an endpoint.
func (Store) PutEndpoint(ctx context.Context, ex database.Executor, e Endpoint) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO webhook_endpoints (`+endpointColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (id) DO UPDATE SET name = $2, url = $3, format = $4, secret = $5, kinds = $6,
			locale = $7, acting_as = $8, enabled = $9`,
		e.ID, e.Name, e.URL, e.Format, e.Secret, e.Kinds, e.Locale, e.ActingAs, e.Enabled, e.CreatedBy, e.CreatedAt)
	return err
}

// DeleteEndpoint removes an endpoint and its delivery log.
func (Store) DeleteEndpoint(ctx context.Context, ex database.Executor, id uuid.UUID) (bool, error) {
	res, err := ex.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

const deliveryColumns = `d.id, d.seq, d.event_id, d.incident_id, d.channel, d.user_id, d.endpoint_id, d.state, d.attempts,
	d.next_at, d.last_status, d.last_error, d.created_at, d.delivered_at, e.kind, e.reference, e.data, e.at`

// Deliveries lists an endpoint's deliveries, newest first, before seq `before` when it is positive.
func (Store) Deliveries(ctx context.Context, ex database.Executor, endpointID uuid.UUID, before int64, limit int) ([]Delivery, error) {
	var out []Delivery
	err := ex.SelectContext(ctx, &out, `SELECT `+deliveryColumns+` FROM deliveries d JOIN notice_events e ON e.id = d.event_id
		WHERE d.endpoint_id = $1 AND ($2 <= 0 OR d.seq < $2) ORDER BY d.seq DESC LIMIT $3`, endpointID, before, limit)
	return out, err
}

// Delivery returns one delivery.
func (Store) Delivery(ctx context.Context, ex database.Executor, id uuid.UUID) (Delivery, error) {
	var d Delivery
	err := ex.GetContext(ctx, &d, `SELECT `+deliveryColumns+` FROM deliveries d JOIN notice_events e ON e.id = d.event_id WHERE d.id = $1`, id)
	return d, err
}

// event is an outbox row.
type event struct {
	Seq        int64      `db:"seq"`
	ID         uuid.UUID  `db:"id"`
	Kind       Kind       `db:"kind"`
	IncidentID *uuid.UUID `db:"incident_id"`
	Reference  string     `db:"reference"`
	ActorID    *uuid.UUID `db:"actor_id"`
	Data       []byte     `db:"data"`
	At         time.Time  `db:"at"`
}

// ClaimEvents locks up to limit events not yet fanned out, oldest first,
// skipping those another instance holds.
func (Store) ClaimEvents(ctx context.Context, ex database.Executor, limit int) ([]event, error) {
	var out []event
	err := ex.SelectContext(ctx, &out, `SELECT seq, id, kind, incident_id, reference, actor_id, data, at FROM notice_events
		WHERE fanned_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`, limit)
	return out, err
}

// InsertEvent writes an event that is not fanned out (a test delivery's).
func (Store) InsertEvent(ctx context.Context, ex database.Executor, id uuid.UUID, kind Kind, data []byte) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO notice_events (id, kind, data, fanned_at) VALUES ($1, $2, $3, now())`, id, kind, data)
	return err
}

// MarkFanned records that events were fanned out.
func (Store) MarkFanned(ctx context.Context, ex database.Executor, seqs []int64) error {
	_, err := ex.ExecContext(ctx, `UPDATE notice_events SET fanned_at = now() WHERE seq = ANY($1)`, pq.Int64Array(seqs))
	return err
}

// InsertNotice adds a notice to a user's list.
func (Store) InsertNotice(ctx context.Context, ex database.Executor, userID, eventID uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO notices (id, user_id, event_id) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, event_id) DO NOTHING`, uuid.New(), userID, eventID)
	return err
}

// InsertDelivery queues a delivery.
func (Store) InsertDelivery(ctx context.Context, ex database.Executor, d Delivery) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO deliveries (id, event_id, incident_id, channel, user_id, endpoint_id, next_at, attempts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ON CONSTRAINT deliveries_once DO NOTHING`,
		d.ID, d.EventID, d.IncidentID, d.Channel, d.UserID, d.EndpointID, d.NextAt, d.Attempts)
	return err
}

// ClaimDeliveries takes up to limit due deliveries, a webhook's each the
// oldest pending one of its endpoint and case (so a receiver hears of a case
// in order; e-mail is not held back so, or an overdue clock's would wait out
// the quiet hours of an earlier one), and leases them for lease: another
// instance takes them again only if this one dies before recording the attempt.
func (Store) ClaimDeliveries(ctx context.Context, ex database.Executor, limit int, lease time.Duration) ([]Delivery, error) {
	var out []Delivery
	err := ex.SelectContext(ctx, &out, `
		WITH due AS (
			SELECT d.id FROM deliveries d
			WHERE d.state = 'PENDING' AND d.next_at <= now()
			  AND (d.channel <> 'WEBHOOK' OR NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.state = 'PENDING' AND p.seq < d.seq
				AND p.user_id IS NOT DISTINCT FROM d.user_id AND p.endpoint_id IS NOT DISTINCT FROM d.endpoint_id
				AND p.incident_id IS NOT DISTINCT FROM d.incident_id))
			ORDER BY d.seq LIMIT $1 FOR UPDATE SKIP LOCKED)
		UPDATE deliveries d SET attempts = d.attempts + 1, next_at = now() + $2 * interval '1 millisecond'
		FROM due, notice_events e WHERE d.id = due.id AND e.id = d.event_id
		RETURNING `+deliveryColumns, limit, lease.Milliseconds())
	return out, err
}

// RecordAttempt logs an attempt and sets the delivery's state after it.
func (Store) RecordAttempt(ctx context.Context, ex database.Executor, d Delivery, at time.Time, status *int, errText string, took time.Duration) error {
	if _, err := ex.ExecContext(ctx, `INSERT INTO delivery_attempts (delivery_id, n, at, status, error, duration_ms)
		VALUES ($1, $2, $3, $4, $5, $6)`, d.ID, d.Attempts, at, status, errText, took.Milliseconds()); err != nil {
		return err
	}
	_, err := ex.ExecContext(ctx, `UPDATE deliveries SET state = $2, next_at = $3, last_status = $4, last_error = $5,
		delivered_at = CASE WHEN $2 = 'DELIVERED' THEN $6::timestamptz ELSE delivered_at END WHERE id = $1`,
		d.ID, d.State, d.NextAt, status, errText, at)
	return err
}

// Replay queues a delivery again now, its attempts counted afresh (the log keeps the earlier ones).
func (Store) Replay(ctx context.Context, ex database.Executor, id uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `UPDATE deliveries SET state = 'PENDING', attempts = 0, next_at = now(), last_error = '' WHERE id = $1`, id)
	return err
}

// Signal tells every instance that the user's notices changed (on commit, inside a transaction).
func (Store) Signal(ctx context.Context, ex database.Executor, userID uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `SELECT pg_notify($1, $2)`, NoticesChannel, userID.String())
	return err
}

// LockSettings serialises changes to one user's settings until the transaction ends.
func (Store) LockSettings(ctx context.Context, ex database.Executor, userID uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('notice_settings'), hashtext($1))`, userID.String())
	return err
}
