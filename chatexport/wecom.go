package chatexport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// WeCom's 会话内容存档 as the archive SDK decrypts it: one JSON object a
// line. Field names follow NICEXAI/WeWorkFinanceSDK (message.go) and WeCom's
// archive documentation.

func init() {
	register(WeCom, parser{detect: detectWeCom, parse: parseWeCom})
}

// detectWeCom: the first line is an object carrying the archive's msgid and
// action (Telegram's result.json opens with a lone brace).
func detectWeCom(head []byte) bool {
	line, _, _ := bytes.Cut(bytes.TrimLeft(head, " \t\r\n"), []byte("\n"))
	return len(line) > 0 && line[0] == '{' &&
		bytes.Contains(line, []byte(`"msgid"`)) && bytes.Contains(line, []byte(`"action"`))
}

// wecomLine is one archived message; the payload sits under the key its
// msgtype names, each decoded straight into the union of payload fields.
type wecomLine struct {
	MsgID   string   `json:"msgid"`
	Action  string   `json:"action"`
	From    string   `json:"from"`
	ToList  []string `json:"tolist"`
	RoomID  string   `json:"roomid"`
	MsgTime *int64   `json:"msgtime"`
	MsgType string   `json:"msgtype"`
	// A switch (a member switching enterprise) has time and user instead.
	Time *int64 `json:"time"`
	User string `json:"user"`

	Text         *wecomBody `json:"text"`
	Image        *wecomBody `json:"image"`
	Voice        *wecomBody `json:"voice"`
	Video        *wecomBody `json:"video"`
	File         *wecomBody `json:"file"`
	Emotion      *wecomBody `json:"emotion"`
	Link         *wecomBody `json:"link"`
	Weapp        *wecomBody `json:"weapp"`
	Doc          *wecomBody `json:"doc"`
	ChatRecord   *wecomBody `json:"chatrecord"`
	Mixed        *wecomBody `json:"mixed"`
	Revoke       *wecomBody `json:"revoke"`
	Agree        *wecomBody `json:"agree"`
	Disagree     *wecomBody `json:"disagree"`
	Location     *wecomBody `json:"location"`
	Info         *wecomBody `json:"info"` // markdown
	VoipDocShare *wecomBody `json:"voip_doc_share"`
}

func (w *wecomLine) payload() *wecomBody {
	switch w.MsgType {
	case "text":
		return w.Text
	case "image":
		return w.Image
	case "voice":
		return w.Voice
	case "video":
		return w.Video
	case "file":
		return w.File
	case "emotion":
		return w.Emotion
	case "link":
		return w.Link
	case "weapp":
		return w.Weapp
	case "docmsg":
		return w.Doc
	case "chatrecord":
		return w.ChatRecord
	case "mixed":
		return w.Mixed
	case "revoke":
		return w.Revoke
	case "agree":
		return w.Agree
	case "disagree":
		return w.Disagree
	case "location":
		return w.Location
	case "markdown":
		return w.Info
	case "voip_doc_share":
		return w.VoipDocShare
	}
	return nil
}

// wecomBody is the union of the payload fields read, whatever the type.
type wecomBody struct {
	Content     string `json:"content"`
	MD5         string `json:"md5sum"`
	FileSize    int64  `json:"filesize"`
	VoiceSize   int64  `json:"voice_size"`
	ImageSize   int64  `json:"imagesize"`
	FileName    string `json:"filename"`
	Title       string `json:"title"`
	Description string `json:"description"`
	LinkURL     string `json:"link_url"`
	Address     string `json:"address"`
	PreMsgID    string `json:"pre_msgid"`
	UserID      string `json:"userid"`
	// Items of a chatrecord or a mixed message.
	Item []wecomItem `json:"item"`
}

// wecomItem is an item of a chatrecord (type ChatRecordText, …, with its own
// msgtime and from_chatroom) or of a mixed message (type text, image, …);
// its content is itself JSON, in the shape of that type's payload.
type wecomItem struct {
	Type         string `json:"type"`
	Content      string `json:"content"`
	MsgTime      int64  `json:"msgtime"`
	FromChatroom bool   `json:"from_chatroom"`
}

// wecomDepth bounds chatrecords nested in chatrecords.
const wecomDepth = 8

var errWeComDepth = errors.New("chat records nested too deep")

func parseWeCom(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error {
	l := newLines(r)
	seen := false
	read, firstBad := 0, 0
	for {
		b, err := l.read()
		if err == io.EOF {
			if read == 0 && firstBad > 0 {
				// Not one line read as a message: another format, not a
				// damaged archive.
				return fmt.Errorf("line %d: not a WeCom archive: no line is a message", firstBad)
			}
			return nil
		}
		if errors.Is(err, errTooLong) {
			report(Problem{Line: l.line, Offset: l.offset, Reason: "TOO_LONG",
				Detail: fmt.Sprintf("a message over %d bytes", MaxLine)})
			continue
		}
		if err != nil {
			return err
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if !seen && b[0] != '{' {
			return fmt.Errorf("line %d: not a WeCom archive: each line must be a JSON object", l.line)
		}
		seen = true
		raw := clip(string(b[:min(len(b), MaxRaw+1)]))
		bad := func(reason, detail string) {
			if firstBad == 0 {
				firstBad = l.line
			}
			report(Problem{Line: l.line, Offset: l.offset, Reason: reason, Detail: detail, Raw: raw})
		}
		var w wecomLine
		if !wecomFast(b, &w) {
			// What the fast reader does not take is read by the decoder,
			// whose verdict stands.
			w = wecomLine{}
			if err := json.Unmarshal(b, &w); err != nil {
				bad("BAD_JSON", err.Error())
				continue
			}
		}
		m := &Message{ID: w.MsgID, Source: Source{Line: l.line, Offset: l.offset, Raw: raw}}
		if w.Action == "switch" {
			if w.Time == nil {
				bad("BAD_TIME", "a switch without time")
				continue
			}
			m.At = time.UnixMilli(*w.Time).UTC()
			m.Sender = Party{ID: w.User}
			m.Kind, m.Text = System, "switch"
			read++
			if err := emit(m); err != nil {
				return err
			}
			continue
		}
		if w.MsgTime == nil {
			bad("BAD_TIME", "no msgtime")
			continue
		}
		// msgtime is milliseconds since the epoch, UTC (the SDK's BaseMessage).
		m.At = time.UnixMilli(*w.MsgTime).UTC()
		m.Sender = Party{ID: w.From}
		m.Chat = wecomChat(w.RoomID, w.From, w.ToList)
		if err := wecomRead(m, w.MsgType, w.payload(), 0); err != nil {
			bad("BAD_JSON", w.MsgType+": "+err.Error())
			continue
		}
		if w.Action == "recall" {
			m.Kind = Recall
		}
		read++
		if err := emit(m); err != nil {
			return err
		}
	}
}

// wecomChat is the group by its roomid or, for a one-to-one chat (no
// roomid), the pair: an id made of both user ids sorted, so that either
// side's messages land in one chat.
func wecomChat(room, from string, to []string) Chat {
	if room != "" {
		return Chat{ID: room}
	}
	ids := append([]string{from}, to...)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return Chat{ID: strings.Join(ids, "|"), Direct: true}
}

// wecomContent reads an item's content: JSON in a string.
func wecomContent(m *Message, typ, content string, depth int) error {
	if depth > wecomDepth {
		return errWeComDepth
	}
	var p wecomBody
	if !wecomFastBody([]byte(content), &p) {
		p = wecomBody{}
		if err := json.Unmarshal([]byte(content), &p); err != nil {
			return err
		}
	}
	return wecomRead(m, typ, &p, depth)
}

// wecomRead fills m's kind, text, media and items from a payload of type
// typ (nil when the line has none).
func wecomRead(m *Message, typ string, p *wecomBody, depth int) error {
	if p == nil {
		p = &wecomBody{}
	}
	media := func(k Kind, size int64) {
		m.Kind = k
		m.Media = append(m.Media, Media{Name: p.FileName, MD5: strings.ToLower(p.MD5), Size: size})
	}
	switch typ {
	case "text", "markdown":
		m.Kind, m.Text = Text, p.Content
	case "image":
		media(Image, p.FileSize)
	case "emotion":
		media(Image, p.ImageSize)
	case "voice":
		media(Voice, p.VoiceSize)
	case "video":
		media(Video, p.FileSize)
	case "file", "voip_doc_share":
		media(File, p.FileSize)
	case "link", "weapp", "docmsg":
		m.Kind, m.Text = Link, jsonJoin("\n", p.Title, p.Description, p.LinkURL)
	case "location":
		m.Kind, m.Text = Other, jsonJoin("\n", p.Title, p.Address)
	case "revoke":
		m.Kind, m.Recalled = Recall, p.PreMsgID
	case "agree", "disagree":
		m.Kind, m.Text = System, typ
		if p.UserID != "" {
			m.Sender = Party{ID: p.UserID}
		}
	case "chatrecord":
		m.Kind, m.Text = Bundle, p.Title
		for _, it := range p.Item {
			sub := Message{
				// from_chatroom says whether the item came from a group;
				// the record does not say which chat, nor who sent it.
				Chat:   Chat{Direct: !it.FromChatroom},
				At:     wecomItemTime(it.MsgTime),
				Source: Source{Line: m.Source.Line, Offset: m.Source.Offset, Raw: clip(it.Content)},
			}
			t := strings.ToLower(strings.TrimPrefix(it.Type, "ChatRecord"))
			if err := wecomContent(&sub, t, it.Content, depth+1); err != nil {
				return err
			}
			m.Items = append(m.Items, sub)
		}
	case "mixed":
		// A message of text, images and emoji together: its texts joined,
		// its media kept; its kind that of its first part.
		var texts []string
		for _, it := range p.Item {
			var part Message
			if err := wecomContent(&part, it.Type, it.Content, depth+1); err != nil {
				return err
			}
			if m.Kind == "" {
				m.Kind = part.Kind
			}
			if part.Text != "" {
				texts = append(texts, part.Text)
			}
			m.Media = append(m.Media, part.Media...)
		}
		m.Text = strings.Join(texts, "\n")
		if m.Kind == "" {
			m.Kind = Other
		}
	default:
		// A type this reader does not know is kept as Other, its line as source.
		m.Kind = Other
	}
	return nil
}

// wecomItemTime reads a chatrecord item's msgtime: seconds in WeCom's own
// documentation's example, milliseconds in the SDK's comment; a value below
// 1e11 cannot be milliseconds of any archive (1973), so it is seconds.
func wecomItemTime(v int64) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case v < 1e11:
		return time.Unix(v, 0).UTC()
	}
	return time.UnixMilli(v).UTC()
}

// jsonJoin joins the parts that are not empty (shared by the JSON formats).
func jsonJoin(sep string, parts ...string) string {
	var b strings.Builder
	for _, s := range parts {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s)
	}
	return b.String()
}

// wecomFast reads a line in one pass, as json.Unmarshal would into
// wecomLine, or returns false for anything it is not sure to read the same
// way (see jsonLex.object); a payload key twice is left to the decoder, which
// merges the two.
func wecomFast(b []byte, w *wecomLine) bool {
	p := jsonLex{b: b}
	ok := p.object(func(key, v []byte) bool {
		var body **wecomBody
		switch string(key) {
		case "msgid":
			return jsonFastString(v, &w.MsgID)
		case "action":
			return wecomFastWord(v, &w.Action)
		case "from":
			return jsonFastString(v, &w.From)
		case "roomid":
			return jsonFastString(v, &w.RoomID)
		case "msgtype":
			return wecomFastWord(v, &w.MsgType)
		case "user":
			return jsonFastString(v, &w.User)
		case "msgtime":
			return wecomFastTime(v, &w.MsgTime)
		case "time":
			return wecomFastTime(v, &w.Time)
		case "tolist":
			w.ToList = nil
			if v[0] == 'n' {
				return true
			}
			q := jsonLex{b: v}
			return q.array(func(e []byte) bool {
				var s string
				ok := jsonFastString(e, &s)
				w.ToList = append(w.ToList, s)
				return ok
			})
		case "text":
			body = &w.Text
		case "image":
			body = &w.Image
		case "voice":
			body = &w.Voice
		case "video":
			body = &w.Video
		case "file":
			body = &w.File
		case "emotion":
			body = &w.Emotion
		case "link":
			body = &w.Link
		case "weapp":
			body = &w.Weapp
		case "doc":
			body = &w.Doc
		case "chatrecord":
			body = &w.ChatRecord
		case "mixed":
			body = &w.Mixed
		case "revoke":
			body = &w.Revoke
		case "agree":
			body = &w.Agree
		case "disagree":
			body = &w.Disagree
		case "location":
			body = &w.Location
		case "info":
			body = &w.Info
		case "voip_doc_share":
			body = &w.VoipDocShare
		default:
			return true
		}
		if *body != nil {
			return false
		}
		if v[0] == 'n' {
			return true
		}
		*body = &wecomBody{}
		return wecomFastBody(v, *body)
	})
	return ok && p.i == len(b)
}

// wecomFastBody reads a payload object.
func wecomFastBody(b []byte, x *wecomBody) bool {
	p := jsonLex{b: b}
	items := false
	ok := p.object(func(key, v []byte) bool {
		switch string(key) {
		case "content":
			return jsonFastString(v, &x.Content)
		case "md5sum":
			return jsonFastString(v, &x.MD5)
		case "filename":
			return jsonFastString(v, &x.FileName)
		case "title":
			return jsonFastString(v, &x.Title)
		case "description":
			return jsonFastString(v, &x.Description)
		case "link_url":
			return jsonFastString(v, &x.LinkURL)
		case "address":
			return jsonFastString(v, &x.Address)
		case "pre_msgid":
			return jsonFastString(v, &x.PreMsgID)
		case "userid":
			return jsonFastString(v, &x.UserID)
		case "filesize":
			return jsonFastInt(v, &x.FileSize)
		case "voice_size":
			return jsonFastInt(v, &x.VoiceSize)
		case "imagesize":
			return jsonFastInt(v, &x.ImageSize)
		case "item":
			if items {
				return false
			}
			items = true
			x.Item = nil
			if v[0] == 'n' {
				return true
			}
			q := jsonLex{b: v}
			return q.array(func(e []byte) bool {
				var it wecomItem
				r := jsonLex{b: e}
				ok := r.object(func(key, v []byte) bool {
					switch string(key) {
					case "type":
						return jsonFastString(v, &it.Type)
					case "content":
						return jsonFastString(v, &it.Content)
					case "msgtime":
						return jsonFastInt(v, &it.MsgTime)
					case "from_chatroom":
						switch string(v) {
						case "true":
							it.FromChatroom = true
						case "false":
							it.FromChatroom = false
						case "null":
						default:
							return false
						}
					}
					return true
				})
				x.Item = append(x.Item, it)
				return ok
			})
		}
		return true
	})
	return ok && p.i == len(b)
}

// wecomWords are the actions and message types, by their JSON: read
// without a string each.
var wecomWords = func() map[string]string {
	m := map[string]string{}
	for _, w := range []string{"send", "recall", "switch", "text", "image", "voice", "video", "file", "emotion", "link",
		"weapp", "docmsg", "chatrecord", "mixed", "revoke", "agree", "disagree", "location", "markdown", "voip_doc_share"} {
		m[`"`+w+`"`] = w
	}
	return m
}()

func wecomFastWord(v []byte, dst *string) bool {
	if w, ok := wecomWords[string(v)]; ok {
		*dst = w
		return true
	}
	return jsonFastString(v, dst)
}

// wecomFastTime reads a time in milliseconds that may be null.
func wecomFastTime(v []byte, dst **int64) bool {
	if v[0] == 'n' {
		*dst = nil
		return true
	}
	var n int64
	ok := jsonFastInt(v, &n)
	*dst = &n
	return ok
}
