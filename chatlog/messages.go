package chatlog

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
)

// Bounds of a search.
const (
	MaxSearchText = 200
	MaxPage       = 200
	MaxFilterIDs  = 100
	// countCap bounds the count of matches, so a broad search stays cheap.
	countCap = 10000
)

// Messages returns a page of an incident's messages matching f, in time
// order, after a page's cursor. With f.EvidenceID and f.Line, the page
// starts at the message read from that line (or the last one before it).
func (s *Service) Messages(ctx context.Context, incidentID uuid.UUID, f Filter, first int, after *string) (*Page, error) {
	if err := s.readable(ctx, incidentID); err != nil {
		return nil, err
	}
	f.Text = strings.TrimSpace(f.Text)
	switch {
	case utf8.RuneCountInString(f.Text) > MaxSearchText:
		return nil, apperr.Invalid("filter.text", "a search is at most %d characters", MaxSearchText)
	case first < 1 || first > MaxPage:
		return nil, apperr.Invalid("first", "a page is 1 to %d messages", MaxPage)
	case len(f.ChatIDs) > MaxFilterIDs || len(f.SenderIDs) > MaxFilterIDs:
		return nil, apperr.Invalid("filter", "at most %d chats and senders in a filter", MaxFilterIDs)
	case f.Line != nil && f.EvidenceID == nil:
		return nil, apperr.Invalid("filter.line", "a line is of an evidence item: give evidenceId")
	}
	if err := text.Line("filter.text", f.Text); err != nil {
		return nil, err
	}
	var cur *cursor
	if after != nil {
		c, err := decodeCursor(*after)
		if err != nil {
			return nil, err
		}
		cur = c
	} else if f.Line != nil {
		c, err := s.Store.Around(ctx, s.DB, incidentID, *f.EvidenceID, *f.Line)
		if err != nil {
			return nil, err
		}
		if c != nil {
			// Start just before it: the message itself is the page's first.
			c.At = c.At.Add(-time.Microsecond)
			c.ID = uuid.Max
			cur = c
		}
	}
	msgs, total, err := s.Store.Search(ctx, s.DB, incidentID, f, first+1, cur, countCap)
	if err != nil {
		return nil, err
	}
	page := &Page{Messages: msgs, Total: total}
	if len(msgs) > first {
		page.Messages = msgs[:first]
		last := msgs[first-1]
		next := encodeCursor(cursor{At: last.At, ID: last.ID})
		page.Next = &next
	}
	return page, nil
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (*cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	c := &cursor{}
	if err != nil || len(s) > 200 || json.Unmarshal(b, c) != nil {
		return nil, apperr.Invalid("after", "not a cursor of this list")
	}
	return c, nil
}

// MessagesByID returns messages the caller may see, by id.
func (s *Service) MessagesByID(ctx context.Context, ids []uuid.UUID) ([]*Message, error) {
	msgs, err := s.Store.MessagesByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	return s.visible(ctx, msgs)
}

func (s *Service) visible(ctx context.Context, msgs []*Message) ([]*Message, error) {
	ok := map[uuid.UUID]bool{}
	out := msgs[:0]
	for _, m := range msgs {
		v, seen := ok[m.IncidentID]
		if !seen {
			err := s.readable(ctx, m.IncidentID)
			if err != nil && apperr.CodeOf(err) != apperr.NotFound {
				return nil, err
			}
			v = err == nil
			ok[m.IncidentID] = v
		}
		if v {
			out = append(out, m)
		}
	}
	return out, nil
}

// Sources returns where the messages were read, by message (for messages
// the caller was allowed to read).
func (s *Service) Sources(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]Source, error) {
	srcs, err := s.Store.Sources(ctx, s.DB, ids)
	out := map[uuid.UUID][]Source{}
	for _, src := range srcs {
		out[src.MessageID] = append(out[src.MessageID], src)
	}
	return out, err
}

// Citing returns the forwards that cite each message (of messages the caller
// was allowed to read).
func (s *Service) Citing(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]uuid.UUID, error) {
	return s.Store.Citing(ctx, s.DB, ids)
}

// Chats returns an incident's chats.
func (s *Service) Chats(ctx context.Context, incidentID uuid.UUID) ([]*Chat, error) {
	if err := s.readable(ctx, incidentID); err != nil {
		return nil, err
	}
	return s.Store.Chats(ctx, s.DB, incidentID, nil)
}

// ChatsByID returns chats by id (of messages the caller was allowed to read).
func (s *Service) ChatsByID(ctx context.Context, ids []uuid.UUID) ([]*Chat, error) {
	return s.Store.Chats(ctx, s.DB, uuid.Nil, ids)
}

// Senders returns an incident's senders.
func (s *Service) Senders(ctx context.Context, incidentID uuid.UUID) ([]*Sender, error) {
	if err := s.readable(ctx, incidentID); err != nil {
		return nil, err
	}
	return s.Store.Senders(ctx, s.DB, incidentID, nil)
}

// SendersByID returns senders by id (of messages the caller was allowed to read).
func (s *Service) SendersByID(ctx context.Context, ids []uuid.UUID) ([]*Sender, error) {
	return s.Store.Senders(ctx, s.DB, uuid.Nil, ids)
}

// IdentifySender names a sender as the investigator identified them: the
// handles of one person in several exports (a wxid, a QQ number) given one
// name are one person when forwards are proposed.
func (s *Service) IdentifySender(ctx context.Context, id uuid.UUID, name string) (*Sender, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	found, err := s.Store.Senders(ctx, s.DB, uuid.Nil, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, apperr.Errorf(apperr.NotFound, "no such sender")
	}
	if err := s.identify(ctx, found[0].IncidentID, "chat_senders", id, name); err != nil {
		return nil, err
	}
	found, err = s.Store.Senders(ctx, s.DB, uuid.Nil, []uuid.UUID{id})
	return found[0], err
}

// IdentifyChat names a chat (an export may give only an id).
func (s *Service) IdentifyChat(ctx context.Context, id uuid.UUID, name string) (*Chat, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	found, err := s.Store.Chats(ctx, s.DB, uuid.Nil, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, apperr.Errorf(apperr.NotFound, "no such chat")
	}
	if err := s.identify(ctx, found[0].IncidentID, "chat_chats", id, name); err != nil {
		return nil, err
	}
	found, err = s.Store.Chats(ctx, s.DB, uuid.Nil, []uuid.UUID{id})
	return found[0], err
}

func (s *Service) identify(ctx context.Context, incidentID uuid.UUID, table string, id uuid.UUID, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return apperr.Invalid("name", "a name is 1 to %d characters", 100)
	}
	if err := text.Line("name", name); err != nil {
		return err
	}
	return s.Incidents.Change(ctx, incidentID, incident.PermEdit, func(tx *sqlx.Tx, _ incident.Incident, _ auth.User) (audit.Entry, error) {
		return audit.Entry{Action: "chatlog.identify", TargetType: table, TargetID: id.String(), Changes: map[string]any{"name": name}},
			s.Store.Identify(ctx, tx, table, id, name)
	})
}
