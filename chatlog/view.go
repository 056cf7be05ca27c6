package chatlog

import "cmp"

// What a message shows of its details, as methods rather than resolvers:
// a page of messages reads them for every row, and gqlgen runs each
// resolver of a row in a goroutine of its own.

// Media lists the files the message carries.
func (m *Message) Media() []*Media {
	out := make([]*Media, len(m.Details.Media))
	for i := range m.Details.Media {
		out[i] = &m.Details.Media[i]
	}
	return out
}

// ForwardedFrom names whom the message was forwarded from, nil when it was not.
func (m *Message) ForwardedFrom() *string {
	if ff := m.Details.ForwardedFrom; ff != nil {
		name := cmp.Or(ff.Name, ff.ID)
		return &name
	}
	return nil
}

// Quote is the message the message quotes, as "sender: text", nil when none.
func (m *Message) Quote() *string {
	if q := m.Details.Quote; q != nil {
		text := cmp.Or(q.Sender.Name, q.Sender.ID) + ": " + q.Text
		return &text
	}
	return nil
}

// Items are the messages a bundled (merged-forward) message holds.
func (m *Message) Items() []*Item {
	out := make([]*Item, len(m.Details.Items))
	for i := range m.Details.Items {
		out[i] = &m.Details.Items[i]
	}
	return out
}

// Members names the people a membership message is about.
func (m *Message) Members() []string {
	names := make([]string, len(m.Details.Members))
	for i, p := range m.Details.Members {
		names[i] = cmp.Or(p.Name, p.ID)
	}
	return names
}
