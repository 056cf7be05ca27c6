package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/ui/web/src/locales"
)

// deliverBatch is how many deliveries one claim takes.
const deliverBatch = 20

// Deliver sends the deliveries that are due and returns how many it tried.
func (s *Service) Deliver(ctx context.Context) (int, error) {
	total := 0
	for {
		claimed, err := s.Store.ClaimDeliveries(ctx, s.DB, deliverBatch, s.Lease)
		if err != nil {
			return total, err
		}
		for _, d := range claimed {
			s.send(ctx, d)
		}
		total += len(claimed)
		if len(claimed) < deliverBatch || ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

// Run fans out and delivers until ctx ends: at once when woken (an event was
// emitted, on any instance) and every poll otherwise, which also picks up
// retries that have come due.
func (s *Service) Run(ctx context.Context, wake <-chan struct{}, poll time.Duration) {
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		if _, err := s.Fanout(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("notifications: fan-out failed", "error", err)
		}
		if _, err := s.Deliver(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("notifications: delivery failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
		}
	}
}

// errNoLongerAllowed marks a delivery its recipient may no longer receive.
var errNoLongerAllowed = errors.New("the recipient may no longer read the case, or is disabled")

// send makes one attempt at a claimed delivery and records its result.
func (s *Service) send(ctx context.Context, d Delivery) {
	start := time.Now()
	status, retry, err := s.attempt(ctx, d)
	took := time.Since(start)
	d.NextAt = time.Now()
	errText := ""
	switch {
	case errors.Is(err, errNoLongerAllowed):
		d.State, errText = Skipped, err.Error()
	case err == nil:
		d.State = Delivered
	case retry && d.Attempts < s.MaxAttempts:
		d.State, errText = Pending, err.Error()
		d.NextAt = d.NextAt.Add(s.backoff(d.Attempts))
	default:
		d.State, errText = Failed, err.Error()
	}
	if ctx.Err() != nil {
		// Shutting down: the lease brings it back, on this or another instance.
		return
	}
	if err := s.Store.RecordAttempt(context.WithoutCancel(ctx), s.DB, d, start, status, truncate(errText, 1000), took); err != nil {
		s.Log.Warn("notifications: cannot record a delivery attempt", "delivery", d.ID, "error", err)
	}
}

// backoff is the wait after the n-th failed attempt: Backoff doubled each
// time up to MaxBackoff, with a tenth of jitter so that retries spread out.
func (s *Service) backoff(n int) time.Duration {
	wait := s.Backoff
	for i := 1; i < n && wait < s.MaxBackoff; i++ {
		wait *= 2
	}
	wait = min(wait, s.MaxBackoff)
	return wait + time.Duration(rand.Int64N(int64(wait)/10+1))
}

// attempt sends d once: the HTTP status for a webhook, whether a failure is
// worth retrying, and the failure.
func (s *Service) attempt(ctx context.Context, d Delivery) (status *int, retry bool, err error) {
	switch {
	case d.EndpointID != nil:
		ep, err := s.Store.Endpoint(ctx, s.DB, *d.EndpointID)
		if err != nil {
			return nil, true, err
		}
		if !ep.Enabled && d.Kind != Test {
			return nil, false, errNoLongerAllowed
		}
		if err := s.allowed(ctx, d, ep.ActingAs); err != nil {
			return nil, err != errNoLongerAllowed, err
		}
		if err := CheckEndpointURL(ep.URL, s.AllowPrivateTargets); err != nil {
			return nil, false, err
		}
		req, err := NewWebhookRequest(ctx, ep.Format, ep.URL, ep.Secret, s.message(d, ep.Locale), time.Now())
		if err != nil {
			return nil, false, err
		}
		resp, err := s.HTTP.Do(req)
		if err != nil {
			var refused *refusedAddrError
			if errors.As(err, &refused) {
				return nil, false, errors.New("the webhook address is on a private or local network")
			}
			return nil, true, redactErr(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxWebhookResponse))
		code := resp.StatusCode
		retry, err := CheckWebhookResponse(ep.Format, code, body)
		return &code, retry, err
	case d.UserID != nil:
		if s.Mailer == nil {
			return nil, false, errors.New("no SMTP server is configured")
		}
		if err := s.allowed(ctx, d, *d.UserID); err != nil {
			return nil, err != errNoLongerAllowed, err
		}
		rows, err := s.Store.SettingsOf(ctx, s.DB, []uuid.UUID{*d.UserID})
		if err != nil {
			return nil, true, err
		}
		st := rows[*d.UserID]
		if st.Email == "" {
			return nil, false, errNoLongerAllowed
		}
		users, err := auth.Store{}.ByIDs(ctx, s.DB, []uuid.UUID{*d.UserID})
		if err != nil || len(users) == 0 {
			return nil, true, fmt.Errorf("the recipient: %w", err)
		}
		m := s.message(d, users[0].Locale)
		if err := s.Mailer.Send(ctx, st.Email, "[Leaktrail] "+m.Title, s.emailBody(m, users[0].Locale)); err != nil {
			return nil, true, err
		}
		return nil, false, nil
	}
	return nil, false, errors.New("a delivery with no recipient")
}

// allowed checks need-to-know at the moment of sending: the recipient must
// still be enabled and able to read the case.
func (s *Service) allowed(ctx context.Context, d Delivery, userID uuid.UUID) error {
	if d.IncidentID == nil {
		return nil
	}
	ok, err := s.Rule.MayRead(ctx, s.DB, *d.IncidentID, userID)
	if err != nil {
		return err
	}
	if !ok {
		return errNoLongerAllowed
	}
	return nil
}

// redactErr keeps a robot's key, carried in its URL's query, out of the log.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, RedactURL(ue.URL), ue.Err)
	}
	return err
}

// message is what d says, in lang: the reference, what happened and a link.
func (s *Service) message(d Delivery, lang string) Message {
	data := decodeData(d.RawData)
	return Message{DeliveryID: d.ID.String(), EventID: d.EventID.String(), Kind: string(d.Kind), Reference: d.Reference,
		Title: Title(lang, d.Kind, d.Reference, data), Link: s.link(d.Reference), OccurredAt: d.At, Data: data}
}

func (s *Service) link(reference string) string {
	base := strings.TrimRight(s.PublicURL, "/")
	if reference == "" {
		return base + "/"
	}
	return base + "/incidents/" + url.PathEscape(reference)
}

func (s *Service) emailBody(m Message, lang string) string {
	return m.Title + "\n\n" + locales.Label(lang, "notice.open", "link", m.Link) + "\n\n" + locales.Label(lang, "notice.noContent") + "\n"
}

// Title is a notification's one line in lang, from the reference and the
// event's codes only.
func Title(lang string, kind Kind, reference string, data map[string]string) string {
	l := func(key string, params ...string) string { return locales.Label(lang, key, params...) }
	params := []string{"reference", reference}
	for _, k := range []string{"from", "to", "stage"} {
		if v := data[k]; v != "" {
			params = append(params, k, l("stage."+v))
		}
	}
	if c := data["clock"]; c != "" {
		params = append(params, "clock", l("clockName."+c))
	}
	if d := data["decision"]; d != "" {
		params = append(params, "decision", l("notice.decision."+d))
	}
	if due := data["due"]; due != "" {
		params = append(params, "due", due)
	}
	return l("notice."+string(kind), params...)
}
