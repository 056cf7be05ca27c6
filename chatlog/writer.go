package chatlog

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/chatexport"
	"github.com/leaktrail/leaktrail/spread"
)

// writer turns an export's messages into rows, a batch at a time.
type writer struct {
	s        *Service
	tx       *sqlx.Tx
	im       *Import
	platform spread.Platform
	// fallbackChat names the chat of an export that names none (WhatsApp):
	// its file's name.
	fallbackChat string
	// owner is whose export it is (the evidence's "collected from").
	owner   string
	chats   map[string]uuid.UUID
	senders map[string]uuid.UUID
	// media are the files of a zipped export by path; names the case's
	// evidence items by file name.
	media, byMD5, names map[string]uuid.UUID
	// stems are the case's evidence items by file name without extension.
	stems map[string]uuid.UUID
	// seen counts the messages of one digest within the current minute, so
	// two identical short messages ("收到") stay two while the same message
	// in another export finds its twin.
	seen   map[string]int
	minute time.Time
	batch  []row
	count  int
	known  int
}

func (w *writer) add(ctx context.Context, m *chatexport.Message) error {
	w.own(&m.Sender)
	for i := range m.Members {
		w.own(&m.Members[i])
	}
	chatKey := cmp.Or(m.Chat.ID, m.Chat.Name, w.fallbackChat)
	c := Chat{Key: chatKey, Name: cmp.Or(m.Chat.Name, m.Chat.ID, w.fallbackChat), Direct: m.Chat.Direct}
	if c.Direct {
		// One person's export of a private chat: the other's is another chat
		// record, the two are one chat again when proposals are made.
		c.Owner, c.Partner = w.owner, chatKey
		c.Key = "direct:" + w.owner + "|" + chatKey
	}
	chatID, err := w.chat(ctx, c)
	if err != nil {
		return err
	}
	msg := Message{ID: uuid.New(), IncidentID: w.im.IncidentID, ChatID: chatID, At: m.At.UTC(), Kind: m.Kind, Text: m.Text}
	senderKey := cmp.Or(m.Sender.ID, m.Sender.Name)
	if senderKey != "" {
		id, err := w.sender(ctx, m.Sender)
		if err != nil {
			return err
		}
		msg.SenderID = &id
	}
	for _, p := range m.Members {
		if cmp.Or(p.ID, p.Name) != "" {
			if _, err := w.sender(ctx, p); err != nil {
				return err
			}
		}
	}
	msg.Details = Details{Media: w.linkMedia(m.Media), ForwardedFrom: m.ForwardedFrom, Members: m.Members, ExportID: m.ID}
	if q := m.Quote; q != nil {
		msg.Details.Quote = &Quote{Sender: q.Sender, Text: q.Text}
		if !q.At.IsZero() {
			at := q.At.UTC()
			msg.Details.Quote.At = &at
		}
	}
	for _, it := range m.Items {
		item := Item{Sender: it.Sender, Kind: it.Kind, Text: it.Text, Media: w.linkMedia(it.Media)}
		if it.Chat.ID != "" || it.Chat.Name != "" {
			c := it.Chat
			item.Chat = &c
		}
		if !it.At.IsZero() {
			at := it.At.UTC()
			item.At = &at
		}
		msg.Details.Items = append(msg.Details.Items, item)
	}
	w.batch = append(w.batch, row{msg: msg, digest: w.digest(chatKey, m), src: Source{Line: m.Source.Line,
		Offset: m.Source.Offset, Raw: strings.ToValidUTF8(m.Source.Raw, "\uFFFD")}})
	w.count++
	if len(w.batch) >= batchSize {
		return w.flush(ctx)
	}
	return nil
}

func (w *writer) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	known, err := w.s.Store.InsertMessages(ctx, w.tx, w.im.IncidentID, w.im.ID, w.im.EvidenceID, w.batch)
	w.known += known
	w.batch = w.batch[:0]
	return err
}

func (w *writer) chat(ctx context.Context, c Chat) (uuid.UUID, error) {
	if id, ok := w.chats[c.Key]; ok {
		return id, nil
	}
	id, err := w.s.Store.PutChat(ctx, w.tx, w.im.IncidentID, w.platform, c)
	w.chats[c.Key] = id
	return id, err
}

// own names the export's owner where the export says 我 (PyWxDump, MemoTrace;
// WhatsApp's You in an event is read as 我 too).
func (w *writer) own(p *chatexport.Party) {
	if p.Name == "我" && w.owner != "" {
		*p = chatexport.Party{Name: w.owner}
	}
}

func (w *writer) sender(ctx context.Context, p chatexport.Party) (uuid.UUID, error) {
	key := cmp.Or(p.ID, p.Name)
	cacheKey := key + "\x00" + p.Name
	if id, ok := w.senders[cacheKey]; ok {
		return id, nil
	}
	var handles []string
	for _, h := range []string{p.ID, p.Name} {
		if h != "" && h != key {
			handles = append(handles, h)
		}
	}
	id, err := w.s.Store.PutSender(ctx, w.tx, w.im.IncidentID, w.platform, key, cmp.Or(p.Name, p.ID), append(handles, key))
	w.senders[cacheKey] = id
	return id, err
}

// linkMedia finds each file a message names among the zip's files (by path,
// then by name) or the case's evidence (by name).
func (w *writer) linkMedia(media []chatexport.Media) []Media {
	var out []Media
	for _, md := range media {
		m := Media{Name: md.Name, MD5: md.MD5, Size: md.Size, Omitted: md.Omitted}
		{
			name := strings.ReplaceAll(md.Name, `\`, "/")
			base := path.Base(name)
			for _, try := range []func() (uuid.UUID, bool){
				func() (uuid.UUID, bool) { id, ok := w.media[strings.TrimPrefix(name, "./")]; return id, ok },
				func() (uuid.UUID, bool) { return w.zipByBase(base) },
				func() (uuid.UUID, bool) { id, ok := w.names[base]; return id, ok },
				func() (uuid.UUID, bool) { id, ok := w.byMD5[strings.ToLower(md.MD5)]; return id, ok && md.MD5 != "" },
				// WeCom's archive names a file by its md5sum.
				func() (uuid.UUID, bool) { id, ok := w.stems[strings.ToLower(md.MD5)]; return id, ok && md.MD5 != "" },
			} {
				if id, ok := try(); ok {
					m.EvidenceID = &id
					break
				}
			}
		}
		out = append(out, m)
	}
	return out
}

func (w *writer) zipByBase(base string) (uuid.UUID, bool) {
	for p, id := range w.media {
		if path.Base(p) == base {
			return id, true
		}
	}
	return uuid.Nil, false
}

// digest identifies a message across exports: its platform, chat, minute
// (LINE and WhatsApp give no seconds), kind, text and media names, and its
// rank among identical ones in that minute. Not its sender: an export names
// its owner 我 (their name, once read) where every other export gives their
// wxid. Two people posting the same text in one minute stay two by rank, in
// every export that holds both.
func (w *writer) digest(chatKey string, m *chatexport.Message) string {
	minute := m.At.UTC().Truncate(time.Minute)
	if !minute.Equal(w.minute) {
		w.minute = minute
		clear(w.seen)
	}
	h := sha256.New()
	for _, part := range []string{string(w.platform), chatKey, minute.Format(time.RFC3339), string(m.Kind), m.Text} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	for _, md := range m.Media {
		h.Write([]byte(path.Base(strings.ReplaceAll(md.Name, `\`, "/"))))
		h.Write([]byte{0})
	}
	base := hex.EncodeToString(h.Sum(nil))
	w.seen[base]++
	return base[:40] + "-" + strconv.Itoa(w.seen[base])
}
