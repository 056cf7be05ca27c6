package chatexport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Telegram Desktop's JSON export (result.json), as written by
// telegramdesktop/tdesktop's export_output_json.cpp: either one chat
// ({"name", "type", "id", "messages": [...]}) or the whole account
// ({"about", "personal_information", …, "chats": {"list": [chat, …]},
// "left_chats": {"list": [...]}}). The export's structure is walked with
// encoding/json's token API; the messages arrays are cut message by message
// and each read in one pass (messages), one message held at a time.

func init() {
	register(Telegram, parser{detect: detectTelegram, parse: parseTelegram})
}

// detectTelegram reads the first keys of the top object: a chat export has
// name/type/id then messages, an account export opens with about and then
// the sections tdesktop writes.
func detectTelegram(head []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(head))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	var keys []string
	for len(keys) < 4 && dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := tok.(string)
		keys = append(keys, key)
		switch {
		case key == "messages":
			return len(keys) > 1 && (keys[0] == "name" || keys[0] == "type")
		case len(keys) == 2 && keys[0] == "about":
			switch key {
			case "personal_information", "profile_pictures", "stories", "contacts",
				"frequent_contacts", "sessions", "web_sessions", "other_data", "chats", "left_chats":
				return true
			}
			return false
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
	}
	return false
}

// tgReader feeds the decoder and the cutter: it counts the bytes read and
// remembers where the line ends are among those not yet passed, so that a
// message's offset gives its line; and it reads nothing at or past limit, so
// that the decoder never holds one value beyond MaxLine (the cutter bounds
// a message itself).
type tgReader struct {
	r     io.Reader
	pos   int64   // bytes read so far
	nl    []int64 // offsets of the line ends read and not yet passed by lineAt
	lines int     // line ends passed
	limit int64   // -1: none
}

var (
	errTgTooLong = errors.New("a value over the size limit")
	errTgEnded   = errors.New("the export ends early (truncated?)")
)

func (c *tgReader) Read(p []byte) (int, error) {
	if c.limit >= 0 {
		if c.pos >= c.limit {
			return 0, errTgTooLong
		}
		if room := c.limit - c.pos; int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := c.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		c.nl = append(c.nl, c.pos+int64(i+j))
		i += j + 1
	}
	c.pos += int64(n)
	return n, err
}

// lineAt returns the line (from 1) of offset off; offsets asked for never
// go backwards.
func (c *tgReader) lineAt(off int64) int {
	k := 0
	for k < len(c.nl) && c.nl[k] < off {
		k++
	}
	c.lines += k
	c.nl = c.nl[k:]
	return c.lines + 1
}

// tgParse walks the export. dec reads from the real stream, possibly after
// a synthetic prefix that put a fresh decoder back where a messages array
// left the old one: base maps the decoder's offsets to the file's.
type tgParse struct {
	src    *tgReader
	dec    *json.Decoder
	in     io.Reader // what dec reads
	base   int64
	path   []byte // the containers open around the decoder: '{' or '['
	o      Options
	emit   func(*Message) error
	report func(Problem)
	found  bool
	done   bool // the export ended inside a message (reported)
}

func parseTelegram(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error {
	t := &tgParse{src: &tgReader{r: r, limit: -1}, o: o, emit: emit, report: report}
	// tdesktop writes no byte order mark, but a file passed through an
	// editor may carry one; offsets still count it.
	if bom, _ := r.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		r.Discard(3)
		t.src.pos, t.base = 3, 3
	}
	t.in = t.src
	t.dec = json.NewDecoder(t.in)
	err := t.parse()
	if errors.Is(err, errTgEnded) && t.found {
		// A truncated export: what was read stands, the end is listed.
		t.report(Problem{Line: t.line(), Offset: t.offset(), Reason: "TRUNCATED", Detail: errTgEnded.Error()})
		return nil
	}
	return err
}

func (t *tgParse) parse() error {
	if tok, err := t.token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("line %d: not a Telegram export: the file is not a JSON object", t.line())
	}
	t.path = append(t.path, '{')
	var chat Chat
	var chatType string
	for t.more() {
		key, err := t.key()
		if err != nil {
			return err
		}
		switch key {
		case "name", "type", "id":
			if err := t.chatField(key, &chat, &chatType); err != nil {
				return err
			}
		case "messages":
			chat.Direct = tgDirect(chatType)
			if err := t.messages(chat); err != nil {
				return err
			}
		case "chats", "left_chats":
			if err := t.chatList(); err != nil {
				return err
			}
		default:
			if err := t.skip(); err != nil {
				return err
			}
		}
		if t.done {
			return nil
		}
	}
	if err := t.close('}'); err != nil {
		return err
	}
	if !t.found {
		return fmt.Errorf("line %d: a JSON object without messages: not a Telegram chat export", t.line())
	}
	return nil
}

// tgDirect: tdesktop's dialog types for a one-to-one chat.
func tgDirect(typ string) bool { return typ == "personal_chat" || typ == "bot_chat" }

// offset is the file offset where the decoder stands.
func (t *tgParse) offset() int64 { return t.base + t.dec.InputOffset() }

func (t *tgParse) line() int { return t.src.lineAt(t.offset()) }

// bound lets the decoder read at most MaxLine past where it stands.
// It also passes the line ends before that point, so the reader keeps only
// those ahead of the decoder.
func (t *tgParse) bound() {
	off := t.offset()
	t.src.lineAt(off)
	t.src.limit = off + MaxLine + 64
}

// fail names the line for an error in the export's structure.
func (t *tgParse) fail(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("line %d: %w", t.line(), errTgEnded)
	}
	if errors.Is(err, errTgTooLong) {
		return fmt.Errorf("line %d: a value over %d bytes", t.line(), MaxLine)
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("line %d: not valid JSON: %w", t.line(), err)
	}
	return err
}

func (t *tgParse) more() bool {
	t.bound()
	return t.dec.More()
}

func (t *tgParse) token() (json.Token, error) {
	t.bound()
	tok, err := t.dec.Token()
	if err != nil {
		return nil, t.fail(err)
	}
	return tok, nil
}

func (t *tgParse) open(d byte) error {
	tok, err := t.token()
	if err != nil {
		return err
	}
	if tok != json.Delim(d) {
		return fmt.Errorf("line %d: expected %q, found %v", t.line(), d, tok)
	}
	t.path = append(t.path, d)
	return nil
}

func (t *tgParse) close(d byte) error {
	tok, err := t.token()
	if err != nil {
		return err
	}
	if tok != json.Delim(d) {
		return fmt.Errorf("line %d: expected %q, found %v", t.line(), d, tok)
	}
	t.path = t.path[:len(t.path)-1]
	return nil
}

func (t *tgParse) key() (string, error) {
	tok, err := t.token()
	if err != nil {
		return "", err
	}
	key, _ := tok.(string)
	return key, nil
}

// skip passes a value token by token, so a long section (contacts,
// sessions) is never held.
func (t *tgParse) skip() error {
	depth := 0
	for {
		tok, err := t.token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

func (t *tgParse) chatField(key string, chat *Chat, typ *string) error {
	t.bound()
	var raw json.RawMessage
	if err := t.dec.Decode(&raw); err != nil {
		return t.fail(err)
	}
	switch key {
	case "name":
		_ = json.Unmarshal(raw, &chat.Name)
	case "type":
		_ = json.Unmarshal(raw, typ)
	case "id":
		chat.ID = tgID(raw)
	}
	return nil
}

// chatList reads {"about": …, "list": [chat, …]} of an account export.
func (t *tgParse) chatList() error {
	if err := t.open('{'); err != nil {
		return err
	}
	for t.more() {
		key, err := t.key()
		if err != nil {
			return err
		}
		if key != "list" {
			if err := t.skip(); err != nil {
				return err
			}
			continue
		}
		if err := t.open('['); err != nil {
			return err
		}
		for t.more() {
			if err := t.chatObject(); err != nil || t.done {
				return err
			}
		}
		if err := t.close(']'); err != nil {
			return err
		}
	}
	return t.close('}')
}

// chatObject reads one chat of an account export; tdesktop writes its name,
// type and id before its messages.
func (t *tgParse) chatObject() error {
	if err := t.open('{'); err != nil {
		return err
	}
	var chat Chat
	var typ string
	for t.more() {
		key, err := t.key()
		if err != nil {
			return err
		}
		switch key {
		case "name", "type", "id":
			err = t.chatField(key, &chat, &typ)
		case "messages":
			chat.Direct = tgDirect(typ)
			err = t.messages(chat)
		default:
			err = t.skip()
		}
		if err != nil || t.done {
			return err
		}
	}
	return t.close('}')
}

// messages streams a messages array. The decoder is set aside for it: a
// cutter that follows only strings and brackets takes each message out of
// the stream, with its offset and raw text, and tgFast reads it in one pass
// (the decoder would scan it twice, and once more to keep its raw text).
// A message that is not JSON is reported and skipped: tdesktop writes
// control characters as \xNN, and one such message must not end the import.
func (t *tgParse) messages(chat Chat) error {
	if err := t.open('['); err != nil {
		return err
	}
	t.found = true
	t.src.limit = -1
	c := &tgCutter{r: io.MultiReader(t.dec.Buffered(), t.in), off: t.offset()}
	// comma: a message may start here; stray: a comma came with no message
	// before it.
	comma, stray := true, false
	for {
		b, err := c.peek()
		if err == io.EOF {
			break // between messages: the decoder reports the end below
		}
		if err != nil {
			return err
		}
		if b == ']' || b == '}' {
			break
		}
		if b == ',' {
			stray, comma = stray || comma, true
			c.i++
			continue
		}
		start := c.off + int64(c.i)
		line := t.src.lineAt(start)
		raw, head, err := c.value()
		if err == io.EOF {
			t.report(Problem{Line: line, Offset: start, Reason: "TRUNCATED", Detail: "the export ends inside a message", Raw: string(head)})
			t.done = true
			return nil
		}
		if err != nil {
			return err
		}
		if raw == nil {
			t.report(Problem{Line: line, Offset: start, Reason: "TOO_LONG", Detail: fmt.Sprintf("a message over %d bytes", MaxLine), Raw: string(head)})
			comma, stray = false, false
			continue
		}
		src := Source{Line: line, Offset: start, Raw: clip(string(raw[:min(len(raw), MaxRaw+1)]))}
		if !comma || stray {
			t.report(Problem{Line: line, Offset: start, Reason: "BAD_JSON", Detail: "not valid JSON: messages not separated by one comma", Raw: src.Raw})
			comma, stray = false, false
			continue
		}
		comma = false
		m, reason, detail := tgMessage(raw, chat, t.o.Zone)
		if m == nil {
			t.report(Problem{Line: src.Line, Offset: src.Offset, Reason: reason, Detail: detail, Raw: src.Raw})
			continue
		}
		m.Source = src
		if err := t.emit(m); err != nil {
			return err
		}
	}
	// A fresh decoder reads a prefix that opens the same containers, then
	// what the cutter read past the array's messages, then the rest of the
	// file; it reads the array's end, or the export's.
	var prefix []byte
	for _, d := range t.path {
		if d == '{' {
			prefix = append(prefix, `{"":`...)
		} else {
			prefix = append(prefix, '[')
		}
	}
	rest := c.buf[c.i:]
	t.base = c.off + int64(c.i) - int64(len(prefix))
	t.in = io.MultiReader(bytes.NewReader(rest), c.r)
	t.dec = json.NewDecoder(io.MultiReader(bytes.NewReader(prefix), t.in))
	for _, d := range t.path {
		tokens := 1
		if d == '{' {
			tokens = 2 // the brace and the empty key
		}
		for range tokens {
			if _, err := t.dec.Token(); err != nil {
				return t.fail(err)
			}
		}
	}
	return t.close(']')
}

// tgCutter reads the values of an array out of a stream, whatever their
// syntax inside strings: one value is held whole, up to MaxLine bytes.
type tgCutter struct {
	r   io.Reader
	buf []byte // buf[i:] is read and not consumed
	i   int
	off int64 // file offset of buf[0]
	err error // of the last read
}

// fill drops buf[:drop] and reads more; false at the end of the stream.
func (c *tgCutter) fill(drop int) bool {
	if drop > 0 {
		n := copy(c.buf, c.buf[drop:])
		c.buf, c.i, c.off = c.buf[:n], c.i-drop, c.off+int64(drop)
	}
	for c.err == nil {
		if len(c.buf) == cap(c.buf) {
			c.buf = append(make([]byte, 0, max(64<<10, 2*cap(c.buf))), c.buf...)
		}
		n, err := c.r.Read(c.buf[len(c.buf):cap(c.buf)])
		c.buf, c.err = c.buf[:len(c.buf)+n], err
		if n > 0 {
			return true
		}
	}
	return false
}

// peek passes spaces and returns the next byte, not consumed.
func (c *tgCutter) peek() (byte, error) {
	for {
		for ; c.i < len(c.buf); c.i++ {
			if b := c.buf[c.i]; !jsonSpace(b) {
				return b, nil
			}
		}
		if !c.fill(c.i) {
			return 0, tgEOF(c.err)
		}
	}
}

// value consumes the value at buf[i]: raw is it whole (valid until the next
// call), nil when over MaxLine; head is its first bytes in any case. io.EOF
// when the stream ends inside it.
func (c *tgCutter) value() (raw, head []byte, err error) {
	start, j := c.i, c.i+1
	depth, inString, escaped, scalar := 0, false, false, false
	switch c.buf[start] {
	case '{', '[':
		depth = 1
	case '"':
		inString = true
	default:
		scalar = true
	}
	tooLong := false
scan:
	for {
		for ; j < len(c.buf); j++ {
			b := c.buf[j]
			switch {
			case scalar:
				if jsonSpace(b) || b == ',' || b == ']' || b == '}' {
					break scan
				}
			case escaped:
				escaped = false
			case inString:
				// Most of a message is in its strings: pass to their next
				// quote or escape in a loop of its own.
				for b != '"' && b != '\\' {
					if j++; j == len(c.buf) {
						continue scan
					}
					b = c.buf[j]
				}
				if b == '\\' {
					escaped = true
				} else {
					inString = false
					if depth == 0 {
						j++
						break scan
					}
				}
			case b == '"':
				inString = true
			case b == '{' || b == '[':
				depth++
			case b == '}' || b == ']':
				if depth--; depth == 0 {
					j++
					break scan
				}
			}
		}
		// The value goes on past what was read: read more, keeping it
		// while it is within MaxLine.
		if !tooLong && j-start > MaxLine {
			tooLong, head = true, tgClip(c.buf[start:start+MaxRaw])
		}
		drop := start
		if tooLong {
			drop = j
		}
		c.i = drop
		ok := c.fill(drop)
		j, start = j-drop, 0
		if !ok {
			if scalar && c.err == io.EOF {
				break // a number or literal may end the file
			}
			if head == nil {
				head = tgClip(c.buf[start:min(start+MaxRaw, len(c.buf))])
			}
			c.i = len(c.buf)
			return nil, head, tgEOF(c.err)
		}
	}
	c.i = j
	if tooLong || j-start > MaxLine {
		if head == nil {
			head = tgClip(c.buf[start : start+MaxRaw])
		}
		return nil, head, nil
	}
	raw = c.buf[start:j]
	return raw, raw[:min(len(raw), MaxRaw)], nil
}

func jsonSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// tgEOF: the file ending inside a value is the end, as for the decoder.
func tgEOF(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return io.EOF
	}
	return err
}

func tgClip(b []byte) []byte { return []byte(clip(string(b))) }

// tgMsg is a message as tdesktop writes it (SerializeMessage).
type tgMsg struct {
	ID            json.RawMessage `json:"id"`
	Type          string          `json:"type"`
	Date          string          `json:"date"`
	DateUnix      json.RawMessage `json:"date_unixtime"`
	From          *string         `json:"from"`
	FromID        json.RawMessage `json:"from_id"`
	Actor         *string         `json:"actor"`
	ActorID       json.RawMessage `json:"actor_id"`
	Action        string          `json:"action"`
	Title         string          `json:"title"`
	Members       []*string       `json:"members"`
	Inviter       *string         `json:"inviter"`
	ForwardedFrom json.RawMessage `json:"forwarded_from"`
	SavedFrom     json.RawMessage `json:"saved_from"`
	Photo         string          `json:"photo"`
	File          string          `json:"file"`
	MediaType     string          `json:"media_type"`
	MimeType      string          `json:"mime_type"`
	Text          tgText          `json:"text"`
	// Other media, read only to say the message is not plain text.
	Contact  json.RawMessage `json:"contact_information"`
	Location json.RawMessage `json:"location_information"`
	Poll     json.RawMessage `json:"poll"`
}

// tgText is a message's text: a string, or an array of strings and entity
// objects ({"type": "bold", "text": …}) to be joined.
type tgText string

func (x *tgText) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		s, ok := jsonString(b)
		if !ok {
			return errors.New("text: not a string")
		}
		*x = tgText(s)
	case len(b) > 0 && b[0] == '[':
		var parts []json.RawMessage
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		var sb strings.Builder
		for _, p := range parts {
			s, ok := jsonString(p)
			if !ok {
				var e struct {
					Text string `json:"text"`
				}
				if err := json.Unmarshal(p, &e); err != nil {
					return err
				}
				s = e.Text
			}
			sb.WriteString(s)
		}
		*x = tgText(sb.String())
	}
	return nil
}

// tgID reads an id written as a number or a string ("user5550001"; older
// exports wrote from_id as a bare number).
func tgID(raw json.RawMessage) string {
	if s, ok := jsonString(raw); ok {
		return s
	}
	if raw = bytes.TrimSpace(raw); len(raw) > 0 && raw[0] != 'n' && raw[0] != '{' && raw[0] != '[' {
		return string(raw)
	}
	return ""
}

// jsonString reads a JSON string, without the decoder when it has no escapes
// (ids and dates never do, most texts neither) and is valid UTF-8 (the
// decoder replaces bad bytes, as the database needs).
func jsonString(raw []byte) (string, bool) {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : n-1]), true
	}
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func tgName(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// tgOmitted: tdesktop writes why a file was left out in place of its path:
// "(File not included. Change data exporting settings to download.)",
// "(File exceeds maximum size. …)", "(File unavailable, please try again later)".
func tgOmitted(path string) bool {
	return strings.HasPrefix(path, "(") && strings.HasSuffix(path, ")")
}

func tgMedia(path string) Media {
	if tgOmitted(path) {
		return Media{Omitted: true}
	}
	return Media{Name: path}
}

// tgMessage reads one message, or says why it cannot.
func tgMessage(raw []byte, chat Chat, zone *time.Location) (*Message, string, string) {
	var x tgMsg
	if !tgFast(raw, &x) {
		// What the fast reader does not take is read by the decoder, whose
		// verdict stands: its error, or the message.
		x = tgMsg{}
		if err := json.Unmarshal(raw, &x); err != nil {
			return nil, "BAD_JSON", err.Error()
		}
	}
	if x.Type == "unsupported" {
		// tdesktop writes only the id of a message it could not export.
		return nil, "UNSUPPORTED", "a message Telegram Desktop could not export"
	}
	m := &Message{Chat: chat, ID: tgID(x.ID), Text: string(x.Text)}
	// date_unixtime is the epoch in seconds; date is local time without an
	// offset (the exporting PC's zone), read in Options.Zone only when an
	// older export lacks date_unixtime.
	if unix := tgID(x.DateUnix); unix != "" {
		sec, err := strconv.ParseInt(unix, 10, 64)
		if err != nil {
			return nil, "BAD_TIME", "date_unixtime " + unix
		}
		m.At = time.Unix(sec, 0).UTC()
	} else if x.Date != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04:05", x.Date, zone)
		if err != nil {
			return nil, "BAD_TIME", "date " + x.Date
		}
		m.At = at.UTC()
	} else {
		return nil, "BAD_TIME", "no date"
	}
	switch x.Type {
	case "service":
		tgService(m, &x)
		return m, "", ""
	case "message":
	default:
		// A type newer than this reader.
		m.Kind = Other
		return m, "", ""
	}
	m.Sender = Party{ID: tgID(x.FromID), Name: tgName(x.From)}
	// forwarded_from is the original sender's display name, null when
	// hidden: forwarded all the same, from someone unnamed. saved_from is the
	// chat a message in Saved Messages was saved from.
	if from := x.ForwardedFrom; len(from) > 0 {
		m.ForwardedFrom = &Party{Name: tgID(from)}
	} else if from := x.SavedFrom; len(from) > 0 {
		m.ForwardedFrom = &Party{Name: tgID(from)}
	}
	switch {
	case x.Photo != "":
		m.Kind = Image
		m.Media = []Media{tgMedia(x.Photo)}
	case x.File != "":
		m.Media = []Media{tgMedia(x.File)}
		switch x.MediaType {
		case "voice_message", "audio_file":
			m.Kind = Voice
		case "video_message", "video_file", "animation":
			m.Kind = Video
		case "sticker":
			m.Kind = Image
		case "":
			// A photo or video sent as a document, uncompressed: the
			// original bytes, the best copy to match.
			m.Kind = File
			switch {
			case strings.HasPrefix(x.MimeType, "image/"):
				m.Kind = Image
			case strings.HasPrefix(x.MimeType, "video/"):
				m.Kind = Video
			}
		default:
			m.Kind = File
		}
	case len(x.Contact) > 0 || len(x.Location) > 0 || len(x.Poll) > 0:
		m.Kind = Other
	default:
		m.Kind = Text
	}
	return m, "", ""
}

// tgService reads a service message: membership changes become Join and
// Leave with their members (names: tdesktop writes no member ids); the rest
// are System, their action as text.
func tgService(m *Message, x *tgMsg) {
	actor := Party{ID: tgID(x.ActorID), Name: tgName(x.Actor)}
	members := func() []Party {
		var ps []Party
		for _, n := range x.Members {
			ps = append(ps, Party{Name: tgName(n)})
		}
		return ps
	}
	m.Sender = actor
	switch x.Action {
	case "create_group", "invite_members":
		// The actor added the members (the creator, the creation's).
		m.Kind, m.Members = Join, members()
		if x.Action == "create_group" {
			m.Text = x.Title
		}
	case "join_group_by_link":
		// The actor joined by a link: the link's owner, the inviter, is
		// who brought them in.
		m.Kind, m.Members = Join, []Party{actor}
		m.Sender = Party{Name: tgName(x.Inviter)}
	case "join_group_by_request":
		// Joined once an admin approved: who approved is not written.
		m.Kind, m.Members, m.Sender = Join, []Party{actor}, Party{}
	case "remove_members":
		// The actor removed the members, or left when it is they.
		m.Kind, m.Members = Leave, members()
	default:
		m.Kind, m.Text = System, jsonJoin(" ", x.Action, x.Title)
	}
}

// tgFast reads a message in one pass over its bytes, as json.Unmarshal
// would into tgMsg, or returns false for anything it is not sure to read
// the same way: not JSON, a key that is not lower-case ASCII (the decoder
// matches keys case-insensitively) or a field of an unexpected type. Its
// strings are read as the decoder reads them (jsonString).
func tgFast(b []byte, x *tgMsg) bool {
	p := jsonLex{b: b}
	ok := p.object(func(key, v []byte) bool {
		switch string(key) {
		case "id":
			x.ID = v
		case "date_unixtime":
			x.DateUnix = v
		case "from_id":
			x.FromID = v
		case "actor_id":
			x.ActorID = v
		case "forwarded_from":
			x.ForwardedFrom = v
		case "saved_from":
			x.SavedFrom = v
		case "contact_information":
			x.Contact = v
		case "location_information":
			x.Location = v
		case "poll":
			x.Poll = v
		case "type":
			// The types tdesktop writes, without a string each.
			switch string(v) {
			case `"message"`:
				x.Type = "message"
			case `"service"`:
				x.Type = "service"
			default:
				return jsonFastString(v, &x.Type)
			}
		case "date":
			return jsonFastString(v, &x.Date)
		case "action":
			return jsonFastString(v, &x.Action)
		case "title":
			return jsonFastString(v, &x.Title)
		case "photo":
			return jsonFastString(v, &x.Photo)
		case "file":
			return jsonFastString(v, &x.File)
		case "media_type":
			return jsonFastString(v, &x.MediaType)
		case "mime_type":
			return jsonFastString(v, &x.MimeType)
		case "from":
			return tgFastName(v, &x.From)
		case "actor":
			return tgFastName(v, &x.Actor)
		case "inviter":
			return tgFastName(v, &x.Inviter)
		case "members":
			x.Members = nil
			if v[0] == 'n' {
				return true
			}
			q := jsonLex{b: v}
			return q.array(func(e []byte) bool {
				var n *string
				ok := tgFastName(e, &n)
				x.Members = append(x.Members, n)
				return ok
			})
		case "text":
			return tgFastText(v, &x.Text)
		}
		return true
	})
	return ok && p.i == len(b)
}

// jsonFastString reads a string field: null leaves it as it is.
func jsonFastString(v []byte, dst *string) bool {
	if v[0] == 'n' {
		return true
	}
	s, ok := jsonString(v)
	*dst = s
	return ok
}

// jsonFastInt reads an integer field as the decoder reads it into an int64:
// null leaves it as it is, a fraction or exponent is the decoder's to refuse.
func jsonFastInt(v []byte, dst *int64) bool {
	if v[0] == 'n' {
		return true
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return false
	}
	*dst = n
	return true
}

// tgFastName reads a name that may be null.
func tgFastName(v []byte, dst **string) bool {
	if v[0] == 'n' {
		*dst = nil
		return true
	}
	s, ok := jsonString(v)
	*dst = &s
	return ok
}

// tgFastText reads a text: a string, or an array of strings and entity
// objects whose texts are joined.
func tgFastText(v []byte, dst *tgText) bool {
	switch v[0] {
	case 'n':
		return true
	case '"':
		s, ok := jsonString(v)
		*dst = tgText(s)
		return ok
	case '[':
	default:
		return false
	}
	var sb strings.Builder
	p := jsonLex{b: v}
	ok := p.array(func(e []byte) bool {
		switch e[0] {
		case 'n':
			return true
		case '"':
			s, ok := jsonString(e)
			sb.WriteString(s)
			return ok
		case '{':
			var text string
			q := jsonLex{b: e}
			ok := q.object(func(key, v []byte) bool {
				if string(key) != "text" {
					return true
				}
				text = ""
				return jsonFastString(v, &text)
			})
			sb.WriteString(text)
			return ok
		}
		return false
	})
	*dst = tgText(sb.String())
	return ok
}

// jsonLex walks JSON that it checks as it goes; values nested deeper than
// jsonLexDepth are left to the decoder.
type jsonLex struct {
	b []byte
	i int
}

const jsonLexDepth = 64

func (p *jsonLex) space() {
	for p.i < len(p.b) && jsonSpace(p.b[p.i]) {
		p.i++
	}
}

func (p *jsonLex) eat(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object calls f with each key and value of the object at i; a key that is
// not lower-case ASCII makes it false.
func (p *jsonLex) object(f func(key, v []byte) bool) bool {
	if !p.eat('{') {
		return false
	}
	if p.eat('}') {
		return true
	}
	for {
		p.space()
		k, ok := p.str()
		if !ok || !p.eat(':') {
			return false
		}
		for _, c := range k[1 : len(k)-1] {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
				return false
			}
		}
		p.space()
		v, ok := p.value(0)
		if !ok || !f(k[1:len(k)-1], v) {
			return false
		}
		if p.eat(',') {
			continue
		}
		return p.eat('}')
	}
}

// array calls f with each element of the array at i.
func (p *jsonLex) array(f func(v []byte) bool) bool {
	if !p.eat('[') {
		return false
	}
	if p.eat(']') {
		return true
	}
	for {
		p.space()
		v, ok := p.value(0)
		if !ok || !f(v) {
			return false
		}
		if p.eat(',') {
			continue
		}
		return p.eat(']')
	}
}

// value passes the value at i, checking it, and returns its bytes.
func (p *jsonLex) value(depth int) ([]byte, bool) {
	start := p.i
	if p.i >= len(p.b) || depth > jsonLexDepth {
		return nil, false
	}
	ok := false
	switch c := p.b[p.i]; {
	case c == '"':
		_, ok = p.str()
	case c == '{':
		p.i++
		if ok = p.eat('}'); ok {
			break
		}
		for {
			p.space()
			if _, ok = p.str(); !ok || !p.eat(':') {
				return nil, false
			}
			p.space()
			if _, ok = p.value(depth + 1); !ok {
				return nil, false
			}
			if !p.eat(',') {
				ok = p.eat('}')
				break
			}
		}
	case c == '[':
		p.i++
		if ok = p.eat(']'); ok {
			break
		}
		for {
			p.space()
			if _, ok = p.value(depth + 1); !ok {
				return nil, false
			}
			if !p.eat(',') {
				ok = p.eat(']')
				break
			}
		}
	case c == 't':
		ok = p.literal("true")
	case c == 'f':
		ok = p.literal("false")
	case c == 'n':
		ok = p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		ok = p.number()
	}
	return p.b[start:p.i], ok
}

func (p *jsonLex) literal(lit string) bool {
	if !bytes.HasPrefix(p.b[p.i:], []byte(lit)) {
		return false
	}
	p.i += len(lit)
	return true
}

// str passes a string, quotes included, checking its escapes.
func (p *jsonLex) str() ([]byte, bool) {
	start := p.i
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	for p.i++; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			p.i++
			return p.b[start:p.i], true
		case c < 0x20:
			return nil, false
		case c == '\\':
			p.i++
			if p.i >= len(p.b) {
				return nil, false
			}
			switch p.b[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if p.i+4 >= len(p.b) {
					return nil, false
				}
				for _, h := range p.b[p.i+1 : p.i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return nil, false
					}
				}
				p.i += 4
			default:
				return nil, false
			}
		}
	}
	return nil, false
}

// number passes a number as JSON writes it.
func (p *jsonLex) number() bool {
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.b[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}
