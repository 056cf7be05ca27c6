package notify

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/internal/zone"
)

// ReadRule is the need-to-know rule, as the incident feature keeps it:
// Readers lists the enabled users who may read a case, MayRead asks it of one.
type ReadRule struct {
	Readers func(ctx context.Context, ex database.Executor, incidentID uuid.UUID) ([]uuid.UUID, error)
	MayRead func(ctx context.Context, ex database.Executor, incidentID, userID uuid.UUID) (bool, error)
}

// Service is notifications: each user's list and settings, the admin's
// webhook endpoints, and the fan-out and delivery of events.
type Service struct {
	DB    *sqlx.DB
	Store Store
	Rule  ReadRule
	// Mailer sends e-mail; nil when the deployment has no SMTP server.
	Mailer *Mailer
	// HTTP sends webhooks; its timeout bounds each attempt.
	HTTP *http.Client
	// PublicURL is where links in notifications point.
	PublicURL string
	// AllowPrivateTargets lets webhooks go to loopback and private addresses.
	AllowPrivateTargets bool
	// Backoff is the wait after a first failed attempt; it doubles after each one, up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// MaxAttempts is how often a delivery is tried before it is FAILED.
	MaxAttempts int
	// Lease is how long a claimed delivery waits before another instance may take it.
	Lease time.Duration
	Log   *slog.Logger
}

// NewService returns the service with the defaults the README documents.
func NewService(db *sqlx.DB, rule ReadRule, log *slog.Logger) *Service {
	return &Service{DB: db, Rule: rule, Log: log, HTTP: NewWebhookClient(false, 10*time.Second),
		Backoff: 10 * time.Second, MaxBackoff: time.Hour, MaxAttempts: 12, Lease: time.Minute}
}

// MaxNoticePage bounds a page of notices and of deliveries.
const MaxNoticePage = 100

// NoticePage is a page of the signed-in user's notices.
type NoticePage struct {
	Notices     []Notice
	Unread      int
	HasNextPage bool
	EndCursor   *string
}

// Notices lists the signed-in user's notices, newest first.
func (s *Service) Notices(ctx context.Context, first int, after *string, unreadOnly bool) (NoticePage, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return NoticePage{}, err
	}
	first = min(max(first, 1), MaxNoticePage)
	var p NoticePage
	// The list and the unread count are read in one snapshot, so a notice
	// written meanwhile is in both or in neither.
	err = database.ReadSnapshot(ctx, s.DB, func(tx *sqlx.Tx) error {
		var cur *noticeCursor
		if after != nil {
			id, err := uuid.Parse(*after)
			if err != nil {
				return apperr.Invalid("after", "not a cursor of this list")
			}
			at, err := s.Store.noticeCreatedAt(ctx, tx, u.ID, id)
			if err != nil {
				return apperr.Invalid("after", "not a cursor of this list")
			}
			cur = &noticeCursor{At: at, ID: id}
		}
		list, err := s.Store.Notices(ctx, tx, u.ID, unreadOnly, cur, first+1)
		if err != nil {
			return err
		}
		p = NoticePage{HasNextPage: len(list) > first}
		p.Notices = list[:min(len(list), first)]
		if n := len(p.Notices); n > 0 {
			end := p.Notices[n-1].ID.String()
			p.EndCursor = &end
		}
		p.Unread, err = s.Store.Unread(ctx, tx, u.ID)
		return err
	})
	return p, err
}

// Unread counts the signed-in user's unread notices.
func (s *Service) Unread(ctx context.Context) (int, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return 0, err
	}
	return s.Store.Unread(ctx, s.DB, u.ID)
}

// MarkRead marks the signed-in user's notices read, all of them when ids is
// nil, and returns how many stay unread.
func (s *Service) MarkRead(ctx context.Context, ids []uuid.UUID) (int, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return 0, err
	}
	if len(ids) > MaxNoticePage {
		return 0, apperr.Invalid("ids", "at most %d notifications at once", MaxNoticePage)
	}
	n, err := s.Store.MarkRead(ctx, s.DB, u.ID, ids)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		s.changed(ctx, s.DB, u.ID)
	}
	return s.Store.Unread(ctx, s.DB, u.ID)
}

// changed tells the user's open pages, on every instance, that their notices changed.
func (s *Service) changed(ctx context.Context, ex database.Executor, userID uuid.UUID) {
	if err := s.Store.Signal(ctx, ex, userID); err != nil {
		s.Log.Warn("notices: cannot signal a change", "error", err)
	}
}

// DefaultTimeZone is the zone of quiet hours until a user picks one.
const DefaultTimeZone = "Asia/Shanghai"

// Settings returns the signed-in user's settings, with every kind's channels
// (their own choice or their roles' default).
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return Settings{}, err
	}
	return s.settings(ctx, s.DB, u)
}

func (s *Service) settings(ctx context.Context, ex database.Executor, u auth.User) (Settings, error) {
	rows, err := s.Store.SettingsOf(ctx, ex, []uuid.UUID{u.ID})
	if err != nil {
		return Settings{}, err
	}
	roles, err := s.Store.RoleSubscriptions(ctx, ex)
	if err != nil {
		return Settings{}, err
	}
	r, ok := rows[u.ID]
	if !ok {
		r = settingsRow{UserID: u.ID, TimeZone: DefaultTimeZone}
	}
	own := r.own()
	out := Settings{Email: r.Email, QuietFrom: r.QuietFrom, QuietTo: r.QuietTo, TimeZone: r.TimeZone}
	for _, k := range Kinds {
		chans, mine := own[k]
		if !mine {
			chans = roleChannels(roles, u.Roles, k)
		}
		out.Subscriptions = append(out.Subscriptions, Subscription{Kind: k, Channels: chans, Own: mine})
	}
	return out, nil
}

// roleChannels is the union of the channels the user's roles get kind k on.
func roleChannels(subs []RoleSubscription, roles []auth.Role, k Kind) []Channel {
	out := []Channel{}
	for _, rs := range subs {
		if rs.Kind != k || !slices.Contains(roles, rs.Role) {
			continue
		}
		for _, c := range rs.Channels {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// MaxEmailLength bounds an e-mail address.
const MaxEmailLength = 254

// UpdateSettings changes the signed-in user's settings.
func (s *Service) UpdateSettings(ctx context.Context, in SettingsInput) (Settings, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return Settings{}, err
	}
	var out Settings
	err = database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := s.Store.LockSettings(ctx, tx, u.ID); err != nil {
			return err
		}
		rows, err := s.Store.SettingsOf(ctx, tx, []uuid.UUID{u.ID})
		if err != nil {
			return err
		}
		r, ok := rows[u.ID]
		if !ok {
			r = settingsRow{UserID: u.ID, TimeZone: DefaultTimeZone}
		}
		own := r.own()
		if in.Email != nil {
			email := strings.TrimSpace(*in.Email)
			if len(email) > MaxEmailLength {
				return apperr.Invalid("input.email", "the e-mail address is longer than %d characters", MaxEmailLength)
			}
			if email != "" {
				a, err := mail.ParseAddress(email)
				if err != nil || a.Address != email || a.Name != "" {
					return apperr.Invalid("input.email", "not an e-mail address such as name@example.org")
				}
			}
			r.Email = email
		}
		if in.ResetSubscriptions {
			own = map[Kind][]Channel{}
		}
		for _, sub := range in.Subscriptions {
			if !slices.Contains(Kinds, sub.Kind) {
				return apperr.Invalid("input.subscriptions", "no one subscribes to %s", sub.Kind)
			}
			chans := []Channel{}
			for _, c := range sub.Channels {
				if !slices.Contains(chans, c) {
					chans = append(chans, c)
				}
			}
			slices.Sort(chans)
			own[sub.Kind] = chans
		}
		if in.NoQuietHours {
			r.QuietFrom, r.QuietTo = nil, nil
		} else if in.QuietFrom != nil || in.QuietTo != nil {
			if in.QuietFrom == nil || in.QuietTo == nil {
				return apperr.Invalid("input.quietTo", "quiet hours need both a start and an end")
			}
			for _, m := range []*int{in.QuietFrom, in.QuietTo} {
				if *m < 0 || *m >= 24*60 {
					return apperr.Invalid("input.quietFrom", "quiet hours are minutes after midnight, 0 to 1439")
				}
			}
			r.QuietFrom, r.QuietTo = in.QuietFrom, in.QuietTo
		}
		if in.TimeZone != nil {
			if _, err := loadZone(*in.TimeZone); err != nil {
				return apperr.Invalid("input.timeZone", "unknown time zone %q", *in.TimeZone)
			}
			r.TimeZone = *in.TimeZone
		}
		if err := s.Store.PutSettings(ctx, tx, r, own); err != nil {
			return err
		}
		out, err = s.settings(ctx, tx, u)
		return err
	})
	return out, err
}

func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, errors.New("no zone")
	}
	return zone.Load(name)
}

// requireAdmin returns the signed-in user when they are an admin.
func requireAdmin(ctx context.Context) (auth.User, error) {
	u, err := auth.Require(ctx)
	if err != nil {
		return u, err
	}
	if !u.Has(auth.Admin) {
		return u, apperr.Errorf(apperr.Forbidden, "only an admin may manage notifications for everyone")
	}
	return u, nil
}

// RoleSubscriptions lists every role's default channels per kind (admins).
func (s *Service) RoleSubscriptions(ctx context.Context) ([]RoleSubscription, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return s.Store.RoleSubscriptions(ctx, s.DB)
}

// SetRoleSubscription sets a role's default channels for a kind (admins), audited.
func (s *Service) SetRoleSubscription(ctx context.Context, rs RoleSubscription) (RoleSubscription, error) {
	u, err := requireAdmin(ctx)
	if err != nil {
		return rs, err
	}
	if _, err := auth.ParseRole(string(rs.Role)); err != nil {
		return rs, apperr.Invalid("role", "unknown role %q", rs.Role)
	}
	if !slices.Contains(Kinds, rs.Kind) {
		return rs, apperr.Invalid("kind", "no one subscribes to %s", rs.Kind)
	}
	rs.Channels = slices.Compact(slices.Sorted(slices.Values(rs.Channels)))
	err = audit.Change(ctx, s.DB, func(tx *sqlx.Tx) (audit.Entry, error) {
		return audit.Entry{ActorID: &u.ID, ActorName: u.Username, Action: "notice.role_subscription", TargetType: "role",
			TargetID: string(rs.Role), Changes: map[string]any{"kind": rs.Kind, "channels": rs.Channels}}, s.Store.PutRoleSubscription(ctx, tx, rs)
	})
	return rs, err
}

// Endpoints lists the webhook endpoints (admins).
func (s *Service) Endpoints(ctx context.Context) ([]Endpoint, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return s.Store.Endpoints(ctx, s.DB)
}

// MaxSecretLength bounds a webhook's signing secret.
const MaxSecretLength = 512

// PutEndpoint creates (id nil) or changes a webhook endpoint (admins), audited
// without its secret.
func (s *Service) PutEndpoint(ctx context.Context, id *uuid.UUID, in EndpointInput) (Endpoint, error) {
	u, err := requireAdmin(ctx)
	if err != nil {
		return Endpoint{}, err
	}
	var e Endpoint
	err = audit.Change(ctx, s.DB, func(tx *sqlx.Tx) (audit.Entry, error) {
		action := "webhook.create"
		if id != nil {
			action = "webhook.update"
			if e, err = s.Store.Endpoint(ctx, tx, *id); errors.Is(err, sql.ErrNoRows) {
				return audit.Entry{}, apperr.Hidden()
			} else if err != nil {
				return audit.Entry{}, err
			}
		} else {
			e = Endpoint{ID: uuid.New(), Locale: "zh-CN", ActingAs: u.ID, Enabled: true, CreatedBy: u.ID, CreatedAt: time.Now()}
		}
		if err := s.apply(ctx, tx, &e, in); err != nil {
			return audit.Entry{}, err
		}
		if err := s.Store.PutEndpoint(ctx, tx, e); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		return audit.Entry{ActorID: &u.ID, ActorName: u.Username, Action: action, TargetType: "webhook", TargetID: e.ID.String(),
			Changes: map[string]any{"name": e.Name, "url": RedactURL(e.URL), "format": e.Format, "kinds": e.Kinds,
				"actingAs": e.ActingAs, "enabled": e.Enabled, "secretChanged": in.Secret != nil}}, nil
	})
	return e, err
}

func (s *Service) apply(ctx context.Context, ex database.Executor, e *Endpoint, in EndpointInput) error {
	name := strings.TrimSpace(in.Name)
	if name == "" || len([]rune(name)) > 200 {
		return apperr.Invalid("input.name", "an endpoint needs a name of at most 200 characters")
	}
	if !slices.Contains([]Format{FormatGeneric, FormatWeCom, FormatDingTalk, FormatLark}, in.Format) {
		return apperr.Invalid("input.format", "unknown format %q", in.Format)
	}
	if e.URL != "" && in.URL == RedactURL(e.URL) {
		// The address as the API shows it, its key hidden: the stored one stands.
		in.URL = e.URL
	}
	if e.URL != "" && in.URL == RedactURL(e.URL) {
		// The address as the API shows it, its key hidden: the stored one stands.
		in.URL = e.URL
	}
	if len(in.URL) > 2000 {
		return apperr.Invalid("input.url", "the address is longer than 2000 characters")
	}
	if err := CheckEndpointURL(in.URL, s.AllowPrivateTargets); err != nil {
		return err
	}
	if len(in.Kinds) == 0 {
		return apperr.Invalid("input.kinds", "choose at least one kind of event")
	}
	kinds := []string{}
	for _, k := range in.Kinds {
		if !slices.Contains(Kinds, k) {
			return apperr.Invalid("input.kinds", "no one subscribes to %s", k)
		}
		if !slices.Contains(kinds, string(k)) {
			kinds = append(kinds, string(k))
		}
	}
	if in.Secret != nil {
		if len(*in.Secret) > MaxSecretLength {
			return apperr.Invalid("input.secret", "the secret is longer than %d characters", MaxSecretLength)
		}
		e.Secret = *in.Secret
	}
	if (in.Format == FormatGeneric || in.Format == FormatDingTalk || in.Format == FormatLark) && e.Secret == "" {
		return apperr.Invalid("input.secret", "this format signs every request: give its secret")
	}
	if in.Locale != nil {
		if !slices.Contains([]string{"zh-CN", "zh-TW", "en"}, *in.Locale) {
			return apperr.Invalid("input.locale", "the language is zh-CN, zh-TW or en")
		}
		e.Locale = *in.Locale
	}
	if in.ActingAsID != nil {
		users, err := auth.Store{}.ByIDs(ctx, ex, []uuid.UUID{*in.ActingAsID})
		if err != nil {
			return err
		}
		if len(users) == 0 || users[0].Disabled {
			return apperr.Invalid("input.actingAsId", "no enabled user has that id")
		}
		e.ActingAs = *in.ActingAsID
	}
	if in.Enabled != nil {
		e.Enabled = *in.Enabled
	}
	e.Name, e.URL, e.Format, e.Kinds = name, in.URL, in.Format, kinds
	return nil
}

// RedactURL hides an address's query, where robots keep their key.
func RedactURL(raw string) string {
	if before, _, found := strings.Cut(raw, "?"); found {
		return before + "?…"
	}
	return raw
}

// DeleteEndpoint removes an endpoint and its delivery log (admins), audited.
func (s *Service) DeleteEndpoint(ctx context.Context, id uuid.UUID) error {
	u, err := requireAdmin(ctx)
	if err != nil {
		return err
	}
	return audit.Change(ctx, s.DB, func(tx *sqlx.Tx) (audit.Entry, error) {
		ok, err := s.Store.DeleteEndpoint(ctx, tx, id)
		if err == nil && !ok {
			err = apperr.Hidden()
		}
		return audit.Entry{ActorID: &u.ID, ActorName: u.Username, Action: "webhook.delete", TargetType: "webhook", TargetID: id.String()}, err
	})
}

// DeliveryPage is a page of an endpoint's deliveries.
type DeliveryPage struct {
	Deliveries  []Delivery
	HasNextPage bool
	EndCursor   *string
}

// Deliveries lists an endpoint's deliveries, newest first (admins).
func (s *Service) Deliveries(ctx context.Context, endpointID uuid.UUID, first int, after *string) (DeliveryPage, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return DeliveryPage{}, err
	}
	first = min(max(first, 1), MaxNoticePage)
	var before int64
	if after != nil {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		if err != nil || len(b) != 8 {
			return DeliveryPage{}, apperr.Invalid("after", "not a cursor of this list")
		}
		for _, c := range b {
			before = before<<8 | int64(c)
		}
	}
	list, err := s.Store.Deliveries(ctx, s.DB, endpointID, before, first+1)
	if err != nil {
		return DeliveryPage{}, err
	}
	p := DeliveryPage{HasNextPage: len(list) > first, Deliveries: list[:min(len(list), first)]}
	if n := len(p.Deliveries); n > 0 {
		seq := p.Deliveries[n-1].Seq
		b := make([]byte, 8)
		for i := range 8 {
			b[7-i] = byte(seq >> (8 * i))
		}
		end := base64.RawURLEncoding.EncodeToString(b)
		p.EndCursor = &end
	}
	return p, nil
}

// Replay sends a webhook delivery again, with the same id (admins), audited.
func (s *Service) Replay(ctx context.Context, id uuid.UUID) (Delivery, error) {
	u, err := requireAdmin(ctx)
	if err != nil {
		return Delivery{}, err
	}
	err = audit.Change(ctx, s.DB, func(tx *sqlx.Tx) (audit.Entry, error) {
		d, err := s.Store.Delivery(ctx, tx, id)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && d.EndpointID == nil) {
			return audit.Entry{}, apperr.Hidden()
		}
		if err != nil {
			return audit.Entry{}, err
		}
		if d.State == Pending {
			return audit.Entry{}, apperr.Errorf(apperr.Conflict, "the delivery is still being tried")
		}
		return audit.Entry{ActorID: &u.ID, ActorName: u.Username, Action: "webhook.replay", TargetType: "delivery", TargetID: id.String()},
			s.Store.Replay(ctx, tx, id)
	})
	if err != nil {
		return Delivery{}, err
	}
	return s.Store.Delivery(ctx, s.DB, id)
}

// TestEndpoint sends a TEST delivery to an endpoint now and returns it with
// its result (admins). A test carries no case at all.
func (s *Service) TestEndpoint(ctx context.Context, id uuid.UUID) (Delivery, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return Delivery{}, err
	}
	e, err := s.Store.Endpoint(ctx, s.DB, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, apperr.Hidden()
	} else if err != nil {
		return Delivery{}, err
	}
	// Leased and counted as its first attempt, as a claim would, while it is sent here.
	d := Delivery{ID: uuid.New(), EventID: uuid.New(), Channel: "WEBHOOK", EndpointID: &e.ID, NextAt: time.Now().Add(s.Lease), Attempts: 1}
	err = database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := s.Store.InsertEvent(ctx, tx, d.EventID, Test, []byte("{}")); err != nil {
			return err
		}
		return s.Store.InsertDelivery(ctx, tx, d)
	})
	if err != nil {
		return Delivery{}, err
	}
	if d, err = s.Store.Delivery(ctx, s.DB, d.ID); err != nil {
		return d, err
	}
	s.send(ctx, d)
	return s.Store.Delivery(ctx, s.DB, d.ID)
}
