package notify

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
)

// fanoutBatch is how many events one fan-out transaction takes.
const fanoutBatch = 100

// Fanout turns the events not yet fanned out into notices and deliveries,
// in one transaction per batch, and returns how many it handled. Each event
// reaches the users who may read its case now and subscribed to its kind
// (not the one who caused it), and the enabled endpoints listening for the
// kind whose user may read the case.
func (s *Service) Fanout(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		var told []uuid.UUID
		err := database.WithTx(ctx, s.DB, func(tx *sqlx.Tx) error {
			events, err := s.Store.ClaimEvents(ctx, tx, fanoutBatch)
			if err != nil || len(events) == 0 {
				return err
			}
			n = len(events)
			roles, err := s.Store.RoleSubscriptions(ctx, tx)
			if err != nil {
				return err
			}
			endpoints, err := s.Store.Endpoints(ctx, tx)
			if err != nil {
				return err
			}
			seqs := make([]int64, len(events))
			for i, e := range events {
				seqs[i] = e.Seq
				users, err := s.fanOne(ctx, tx, e, roles, endpoints)
				if err != nil {
					return err
				}
				told = append(told, users...)
			}
			for _, u := range uniq(told) {
				if err := s.Store.Signal(ctx, tx, u); err != nil {
					return err
				}
			}
			return s.Store.MarkFanned(ctx, tx, seqs)
		})
		if err != nil || n < fanoutBatch {
			return total + n, err
		}
		total += n
	}
}

func uniq(ids []uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return slices.Compact(ids)
}

// tellsActor lists the kinds the user who caused them is told of too: work
// that finishes after they turned away.
var tellsActor = []Kind{ImportFinished}

func (s *Service) fanOne(ctx context.Context, tx *sqlx.Tx, e event, roles []RoleSubscription, endpoints []Endpoint) (told []uuid.UUID, err error) {
	if e.IncidentID == nil {
		return nil, nil
	}
	readers, err := s.Rule.Readers(ctx, tx, *e.IncidentID)
	if err != nil {
		return nil, err
	}
	users, err := auth.Store{}.ByIDs(ctx, tx, readers)
	if err != nil {
		return nil, err
	}
	settings, err := s.Store.SettingsOf(ctx, tx, readers)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Disabled || (e.ActorID != nil && *e.ActorID == u.ID && !slices.Contains(tellsActor, e.Kind)) {
			continue
		}
		st, ok := settings[u.ID]
		if !ok {
			st = settingsRow{TimeZone: DefaultTimeZone}
		}
		chans, own := st.own()[e.Kind]
		if !own {
			chans = roleChannels(roles, u.Roles, e.Kind)
		}
		if slices.Contains(chans, InApp) {
			if err := s.Store.InsertNotice(ctx, tx, u.ID, e.ID); err != nil {
				return nil, err
			}
			told = append(told, u.ID)
		}
		if slices.Contains(chans, Email) && st.Email != "" && s.Mailer != nil {
			id := u.ID
			next := time.Now()
			if e.Kind != ClockOverdue {
				next = afterQuietHours(next, st)
			}
			if err := s.Store.InsertDelivery(ctx, tx, Delivery{ID: uuid.New(), EventID: e.ID, IncidentID: e.IncidentID,
				Channel: "EMAIL", UserID: &id, NextAt: next}); err != nil {
				return nil, err
			}
		}
	}
	for _, ep := range endpoints {
		if !ep.Enabled || !slices.Contains(ep.Kinds, string(e.Kind)) {
			continue
		}
		if !slices.Contains(readers, ep.ActingAs) {
			continue
		}
		id := ep.ID
		if err := s.Store.InsertDelivery(ctx, tx, Delivery{ID: uuid.New(), EventID: e.ID, IncidentID: e.IncidentID,
			Channel: "WEBHOOK", EndpointID: &id, NextAt: time.Now()}); err != nil {
			return nil, err
		}
	}
	return told, nil
}

// afterQuietHours is now, or the end of the user's quiet hours when now falls in them.
func afterQuietHours(now time.Time, st settingsRow) time.Time {
	if st.QuietFrom == nil || st.QuietTo == nil || *st.QuietFrom == *st.QuietTo {
		return now
	}
	loc, err := loadZone(st.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	minute := local.Hour()*60 + local.Minute()
	from, to := *st.QuietFrom, *st.QuietTo
	quiet := (from < to && minute >= from && minute < to) || (from > to && (minute >= from || minute < to))
	if !quiet {
		return now
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), to/60, to%60, 0, 0, loc)
	if !end.After(local) {
		end = time.Date(local.Year(), local.Month(), local.Day()+1, to/60, to%60, 0, 0, loc)
	}
	return end
}
