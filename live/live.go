// Package live fans incident changes out to the browsers that have the
// incident open: PostgreSQL notifies every server instance of each committed
// change (see audit.ChangesChannel), and each instance passes it on to its
// own subscribers. It also passes on the end of a user's session or token
// (see auth.CredentialsChannel), so that every instance closes the websockets
// that were signed in with it.
package live

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/notify"
)

// Change is one committed change to an incident. Action RESYNC means the
// server lost its connection for a while: changes may have been missed.
type Change struct {
	IncidentID uuid.UUID
	Action     string
}

// Hub listens for changes and hands them to subscribers.
type Hub struct {
	listener *pq.Listener
	log      *slog.Logger

	mu      sync.Mutex
	subs    map[uuid.UUID]map[chan Change]struct{}
	users   map[uuid.UUID]map[chan struct{}]struct{}
	notices map[uuid.UUID]map[chan struct{}]struct{}
	// outbox is signalled when an event was emitted, to wake the fan-out.
	outbox chan struct{}
	done   chan struct{}
}

// Open starts listening on the database at dsn.
func Open(dsn string, log *slog.Logger) (*Hub, error) {
	h := &Hub{log: log, subs: map[uuid.UUID]map[chan Change]struct{}{}, users: map[uuid.UUID]map[chan struct{}]struct{}{},
		notices: map[uuid.UUID]map[chan struct{}]struct{}{}, outbox: make(chan struct{}, 1), done: make(chan struct{})}
	h.listener = pq.NewListener(dsn, time.Second, time.Minute, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			log.Warn("live updates: database connection", "event", ev, "error", err)
		}
	})
	for _, channel := range []string{audit.ChangesChannel, auth.CredentialsChannel, notify.OutboxChannel, notify.NoticesChannel} {
		if err := h.listener.Listen(channel); err != nil {
			h.listener.Close()
			return nil, err
		}
	}
	go h.run()
	return h, nil
}

func (h *Hub) run() {
	defer close(h.done)
	for n := range h.listener.Notify {
		if n == nil { // reconnected: tell everyone to reload, and every socket to re-check its credential
			h.broadcast()
			h.credentialsChanged(nil)
			h.signal(h.notices, nil)
			h.wakeOutbox()
			continue
		}
		switch n.Channel {
		case auth.CredentialsChannel:
			if userID, err := uuid.Parse(n.Extra); err == nil {
				h.credentialsChanged(&userID)
			}
			continue
		case notify.NoticesChannel:
			if userID, err := uuid.Parse(n.Extra); err == nil {
				h.signal(h.notices, &userID)
			}
			continue
		case notify.OutboxChannel:
			h.wakeOutbox()
			continue
		}
		id, action, _ := strings.Cut(n.Extra, " ")
		incidentID, err := uuid.Parse(id)
		if err != nil {
			continue
		}
		h.send(Change{IncidentID: incidentID, Action: action})
	}
}

func (h *Hub) send(c Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[c.IncidentID] {
		select {
		case ch <- c:
		default: // a slow subscriber misses a change, not the others; the next one makes it reload
		}
	}
}

func (h *Hub) broadcast() {
	h.mu.Lock()
	ids := make([]uuid.UUID, 0, len(h.subs))
	for id := range h.subs {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		h.send(Change{IncidentID: id, Action: "RESYNC"})
	}
}

// Subscribe returns the changes of one incident until cancel is called.
func (h *Hub) Subscribe(incidentID uuid.UUID) (changes <-chan Change, cancel func()) {
	ch := make(chan Change, 16)
	return ch, register(h, h.subs, incidentID, ch)
}

// Credentials signals each time a session or token of the user may have
// ended (or the user was disabled), until cancel is called. Signals coalesce:
// the receiver re-checks its credential, which tells it what happened.
func (h *Hub) Credentials(userID uuid.UUID) (changed <-chan struct{}, cancel func()) {
	ch := make(chan struct{}, 1)
	return ch, register(h, h.users, userID, ch)
}

// register adds ch to the subscribers of key in subs, under h's lock, and
// returns the function that takes it out again.
func register[V any](h *Hub, subs map[uuid.UUID]map[chan V]struct{}, key uuid.UUID, ch chan V) (cancel func()) {
	h.mu.Lock()
	if subs[key] == nil {
		subs[key] = map[chan V]struct{}{}
	}
	subs[key][ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			delete(subs[key], ch)
			if len(subs[key]) == 0 {
				delete(subs, key)
			}
			h.mu.Unlock()
		})
	}
}

// Notices signals each time the user's notices may have changed, until
// cancel is called. Signals coalesce: the receiver reads the unread count.
func (h *Hub) Notices(userID uuid.UUID) (changed <-chan struct{}, cancel func()) {
	ch := make(chan struct{}, 1)
	return ch, register(h, h.notices, userID, ch)
}

// Outbox signals when an event was emitted on any instance.
func (h *Hub) Outbox() <-chan struct{} { return h.outbox }

func (h *Hub) wakeOutbox() {
	select {
	case h.outbox <- struct{}{}:
	default: // a wake-up is already waiting
	}
}

// credentialsChanged signals the user's watchers, or everyone's when userID is nil.
func (h *Hub) credentialsChanged(userID *uuid.UUID) { h.signal(h.users, userID) }

// signal signals the watchers of userID in subs, or all of them when userID is nil.
func (h *Hub) signal(subs map[uuid.UUID]map[chan struct{}]struct{}, userID *uuid.UUID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, chans := range subs {
		if userID != nil && id != *userID {
			continue
		}
		for ch := range chans {
			select {
			case ch <- struct{}{}:
			default: // a signal is already waiting
			}
		}
	}
}

// Close stops listening.
func (h *Hub) Close() error {
	err := h.listener.Close()
	<-h.done
	return err
}
