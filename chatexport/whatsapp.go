package chatexport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// WhatsApp's "Export chat" .txt, following Pustur/whatsapp-chat-parser
// (src/parser.ts) and ChatLab's whatsapp-native-txt.ts:
//
//	[03/03/2025, 09:12:05] Li Lei: ‎<attached: 00000042-PHOTO-2025-03-03-09-12-05.jpg>
//	03/03/2025, 09:12 - Li Lei: <Media omitted>
//	2025/03/03 09:12 - 李雷: <省略影音内容>
//	03/03/2025, 09:13 - Li Lei added Han Meimei
//
// A line that starts with a date and time opens a message (iOS: in brackets,
// with seconds; Android: " - ", no seconds); other lines continue it. A
// message without "Name: " is a system event. Times are the phone's local
// time, without a zone: read in Options.Zone. Numeric day/month order is
// the phone's locale: decided per file (see waDayFirst).

func init() { register(WhatsApp, parser{detect: detectWhatsApp, parse: parseWhatsApp}) }

// waLookahead is how much of a file is read ahead to settle its day/month order.
const waLookahead = 1 << 20

func detectWhatsApp(head []byte) bool {
	for line := range bytes.Lines(head) {
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		_, ok := waParseHead(line)
		return ok
	}
	return false
}

// waHead is a message line's start; the date's fields are as written.
type waHead struct {
	f        [3]int // the date's three numbers
	flen     [3]int // their digit counts
	h, mi, s int
	valid    bool // the clock reading fits a clock
	rest     []byte
}

// waSkip skips direction marks and the spaces WhatsApp writes (including
// U+202F before AM/PM and U+00A0).
func waSkip(b []byte, i int, spaces bool) int {
	for i < len(b) {
		if b[i] == ' ' && spaces {
			i++
			continue
		}
		if b[i] < utf8.RuneSelf {
			return i
		}
		r, n := utf8.DecodeRune(b[i:])
		if !(txtMark(r) || spaces && (r == 0x202F || r == 0xA0)) {
			return i
		}
		i += n
	}
	return i
}

var (
	waAM = [][]byte{[]byte("上午"), []byte("午前"), []byte("凌晨"), []byte("早上")}
	waPM = [][]byte{[]byte("下午"), []byte("午後"), []byte("晚上"), []byte("中午")}
)

// waParseHead reads "[3/3/25, 9:12:05 PM] ", "03/03/2025, 09:12 - " or
// "2025/3/3 上午9:12 - " at the start of a line.
func waParseHead(b []byte) (waHead, bool) {
	var h waHead
	i := waSkip(b, 0, false)
	bracket := i < len(b) && b[i] == '['
	if bracket {
		i++
	}
	var n int
	for k := range 3 {
		if k > 0 {
			if i >= len(b) || (b[i] != '/' && b[i] != '.' && b[i] != '-') {
				return h, false
			}
			i++
			if i < len(b) && b[i] == ' ' {
				i++
			}
		}
		if h.f[k], i, n = txtNum(b, i, 4); n == 0 {
			return h, false
		}
		h.flen[k] = n
	}
	if h.flen[0] != 4 && h.flen[2] != 4 && h.flen[2] != 2 {
		return h, false
	}
	if i < len(b) && (b[i] == ',' || b[i] == '.') {
		i++
	}
	if j := waSkip(b, i, true); j == i {
		return h, false
	} else {
		i = j
	}
	half, pm := false, false
	for _, p := range waAM {
		if bytes.HasPrefix(b[i:], p) {
			i, half = i+len(p), true
		}
	}
	for _, p := range waPM {
		if bytes.HasPrefix(b[i:], p) {
			i, half, pm = i+len(p), true, true
		}
	}
	if h.h, i, n = txtNum(b, i, 2); n == 0 || i >= len(b) || (b[i] != ':' && b[i] != '.') {
		return h, false
	}
	if h.mi, i, n = txtNum(b, i+1, 2); n != 2 {
		return h, false
	}
	if i < len(b) && (b[i] == ':' || b[i] == '.') {
		if h.s, i, n = txtNum(b, i+1, 2); n != 2 {
			return h, false
		}
	}
	if !half {
		j := waSkip(b, i, true)
		if ap, next, ok := waAMPM(b, j); ok {
			i, half, pm = next, true, ap
		}
	}
	h.valid = h.mi <= 59 && h.s <= 59 && h.h <= 23
	if half {
		var ok bool
		h.h, ok = txtClock12(h.h, pm)
		h.valid = h.valid && ok
	}
	if bracket {
		if i >= len(b) || b[i] != ']' {
			return h, false
		}
		i++
		j := waSkip(b, i, true)
		if j == i && j < len(b) {
			return h, false
		}
		i = j
	} else {
		i = waSkip(b, i, true)
		if i >= len(b) || (b[i] != '-' && !bytes.HasPrefix(b[i:], []byte("–"))) {
			return h, false
		}
		if b[i] == '-' {
			i++
		} else {
			i += len("–")
		}
		j := waSkip(b, i, true)
		if j == i && j < len(b) {
			return h, false
		}
		i = j
	}
	h.rest = b[i:]
	return h, true
}

// waAMPM reads "AM", "pm", "a.m.", "p. m." at b[i:]; pm says which.
func waAMPM(b []byte, i int) (pm bool, next int, ok bool) {
	if i >= len(b) {
		return false, i, false
	}
	switch b[i] {
	case 'a', 'A':
	case 'p', 'P':
		pm = true
	default:
		return false, i, false
	}
	j := i + 1
	if j < len(b) && b[j] == '.' {
		j++
	}
	if j < len(b) && b[j] == ' ' {
		j++
	}
	if j >= len(b) || (b[j] != 'm' && b[j] != 'M') {
		return false, i, false
	}
	j++
	if j < len(b) && b[j] == '.' {
		j++
	}
	return pm, j, true
}

// waDayFirst settles a file's day/month order from the message lines in
// head: a first field over 12 means day first, a second over 12 month
// first; the first such line decides. Year-first dates (2025/03/03) say
// nothing. ok is false when no line settles it.
func waDayFirst(head []byte) (dayFirst bool, line int, ok bool) {
	n := 0
	for raw := range bytes.Lines(head) {
		n++
		h, isHead := waParseHead(bytes.TrimRight(raw, "\r\n"))
		if !isHead || h.flen[0] == 4 {
			continue
		}
		if h.f[0] > 12 && h.f[1] <= 12 {
			return true, n, true
		}
		if h.f[1] > 12 && h.f[0] <= 12 {
			return false, n, true
		}
	}
	return false, 0, false
}

// waDate orders a head's date fields into year, month, day.
func waDate(h *waHead, dayFirst bool) (y, mo, d int) {
	if h.flen[0] == 4 {
		return h.f[0], h.f[1], h.f[2]
	}
	y = h.f[2]
	if h.flen[2] == 2 {
		y += 2000
	}
	if dayFirst {
		return y, h.f[1], h.f[0]
	}
	return y, h.f[0], h.f[1]
}

func parseWhatsApp(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error {
	// A reader of its own so that the lookahead can see a whole MiB.
	br := bufio.NewReaderSize(r, waLookahead)
	head, _ := br.Peek(waLookahead)
	dayFirst, settledAt, settled := waDayFirst(head)
	l := newLines(br)
	var (
		cur     txtMsg
		seen    bool
		decided = settled
	)
	flush := func() error {
		if cur.m == nil {
			return nil
		}
		m := cur.finish()
		waClassify(m)
		return emit(m)
	}
	for {
		line, err := l.read()
		if err == io.EOF {
			break
		}
		if err == errTooLong {
			report(Problem{Line: l.line, Offset: l.offset, Reason: "TOO_LONG", Detail: fmt.Sprintf("line over %d bytes skipped", MaxLine)})
			continue
		}
		if err != nil {
			return err
		}
		h, isHead := waParseHead(line)
		if !seen {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if !isHead {
				return fmt.Errorf("line %d: not a WhatsApp export: no date and time at the start", l.line)
			}
			seen = true
		}
		if !isHead {
			if cur.m != nil {
				text := txtStripMarks(line)
				if !cur.add(line, text) {
					report(Problem{Line: l.line, Offset: l.offset, Reason: "TOO_LONG", Detail: fmt.Sprintf("message text cut at %d bytes", MaxLine)})
				}
			}
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		if !decided && h.flen[0] != 4 {
			// The lookahead did not settle the order: the option, else day first.
			decided = true
			if o.DayFirst != nil {
				dayFirst = *o.DayFirst
			} else {
				dayFirst = true
				report(Problem{Line: l.line, Offset: l.offset, Reason: "DATE_ORDER_ASSUMED",
					Detail: "no date in the first MiB tells day from month; read as day/month (set the day-first option to change)", Raw: string(line)})
			}
		}
		y, mo, d := waDate(&h, dayFirst)
		at, ok := txtTime(o.Zone, y, mo, d, h.h, h.mi, h.s)
		if !ok || !h.valid {
			detail := "no such date or time"
			if settled {
				detail += fmt.Sprintf(" (dates read as %s, as line %d shows)", map[bool]string{true: "day/month", false: "month/day"}[dayFirst], settledAt)
			}
			report(Problem{Line: l.line, Offset: l.offset, Reason: "BAD_TIME", Detail: detail, Raw: string(line)})
			continue
		}
		m := &Message{At: at}
		rest := txtStripMarks(h.rest)
		// A name holds no quote; a system event quoting a subject may hold ": ".
		if j := bytes.Index(rest, []byte(": ")); j > 0 && !bytes.ContainsAny(rest[:j], "\"“「") {
			m.Sender = waParty(string(rest[:j]))
			rest = rest[j+2:]
		} else if bytes.HasSuffix(rest, []byte(":")) && len(rest) > 1 {
			// "Name:" with an empty text.
			m.Sender = waParty(string(rest[:len(rest)-1]))
			rest = nil
		}
		cur.start(m, l, line, rest)
	}
	return flush()
}

// waParty is a sender as WhatsApp names them: a contact name, or a phone
// number ("+86 138 0000 0000") for one not in the phone's contacts — then
// also its ID, digits only, so that the same number matches across exports.
func waParty(name string) Party {
	name = txtTrimMarks(name)
	p := Party{Name: name}
	if strings.HasPrefix(name, "+") {
		var id []byte
		for i := 1; i < len(name); i++ {
			switch c := name[i]; {
			case c >= '0' && c <= '9':
				id = append(id, c)
			case c == ' ' || c == '-' || c == '(' || c == ')':
			default:
				return p
			}
		}
		if len(id) >= 6 {
			p.ID = "+" + string(id)
		}
	}
	return p
}

// waOmitted are the placeholders for media left out of the export.
var waOmitted = map[string]Kind{
	"<Media omitted>": Other, "<省略影音内容>": Other, "<媒体文件已省略>": Other,
	"image omitted": Image, "video omitted": Video, "audio omitted": Voice, "document omitted": File,
	"sticker omitted": Other, "GIF omitted": Video,
	"图片已忽略": Image, "视频已忽略": Video, "音频已忽略": Voice, "文档已忽略": File,
}

// waDeleted are the texts a deleted ("recalled") message leaves.
var waDeleted = []string{"This message was deleted", "You deleted this message", "此消息已删除", "这条消息已删除", "你删除了此消息"}

// waClassify sets a message's kind, media and members from its text.
func waClassify(m *Message) {
	m.Kind = Text
	t := strings.TrimSpace(m.Text)
	if m.Sender == (Party{}) {
		waSystem(m, t)
		return
	}
	first, _, _ := strings.Cut(t, "\n")
	first = strings.TrimSpace(first)
	if k, ok := waOmitted[first]; ok {
		m.Kind, m.Media = k, []Media{{Omitted: true}}
		return
	}
	for _, d := range waDeleted {
		if strings.TrimRight(first, ".。") == d {
			m.Kind = Recall
			return
		}
	}
	// iOS "<attached: NAME>"; Android "NAME (file attached)"; Chinese "<附件：NAME>".
	name := ""
	for _, p := range []string{"<attached:", "<附件：", "<附件:", "<已附加:", "<已附加："} {
		if rest, ok := strings.CutPrefix(first, p); ok {
			if j := strings.IndexByte(rest, '>'); j >= 0 {
				name = strings.TrimSpace(rest[:j])
			}
		}
	}
	for _, s := range []string{" (file attached)", " (文件附件)", "（文件附件）"} {
		if n, ok := strings.CutSuffix(first, s); ok {
			name = strings.TrimSpace(n)
		}
	}
	if name != "" {
		m.Kind, m.Media = waMediaKind(name), []Media{{Name: name}}
		return
	}
	if strings.HasPrefix(first, "https://") || strings.HasPrefix(first, "http://") {
		m.Kind = Link
	}
}

// waMediaKind is a media file's kind from its name (00000042-PHOTO-….jpg,
// IMG-20250303-WA0001.jpg, PTT-….opus).
func waMediaKind(name string) Kind {
	u := strings.ToUpper(name)
	ext := u[strings.LastIndexByte(u, '.')+1:]
	switch {
	case strings.Contains(u, "-PHOTO-") || strings.HasPrefix(u, "IMG-") || ext == "JPG" || ext == "JPEG" || ext == "PNG" || ext == "HEIC" || ext == "WEBP":
		return Image
	case strings.Contains(u, "-VIDEO-") || strings.HasPrefix(u, "VID-") || ext == "MP4" || ext == "MOV" || ext == "3GP":
		return Video
	case strings.Contains(u, "-AUDIO-") || strings.HasPrefix(u, "PTT-") || strings.HasPrefix(u, "AUD-") || ext == "OPUS" || ext == "M4A" || ext == "AAC" || ext == "MP3":
		return Voice
	}
	return File
}

// waSystem reads a system event: who added, removed, joined or left, in
// English and Chinese wordings (the Chinese ones are unverified against a
// real export; anything not matched stays System). The phone's owner is
// You in an event ("You created group", Pustur/whatsapp-chat-parser's
// samples; "李雷 added you"), though their messages carry their name: they
// are read as 我, the owner as PyWxDump names them, whom the reader names by
// whom the export was collected from.
func waSystem(m *Message, t string) {
	waEvent(m, t)
	if m.Kind == Join || m.Kind == Leave {
		m.Sender = waOwn(m.Sender)
		for i := range m.Members {
			m.Members[i] = waOwn(m.Members[i])
		}
	}
}

func waOwn(p Party) Party {
	switch p.Name {
	case "You", "you", "你":
		return Party{Name: pyWxDumpOwner}
	}
	return p
}

func waEvent(m *Message, t string) {
	m.Kind = System
	t = strings.TrimRight(t, "。.")
	for _, s := range []string{" joined using this group's invite link", " joined using this group’s invite link", " joined", "通过此群组的邀请链接加入", "已通过邀请链接加入", "加入了群组", "已加入"} {
		if name, ok := strings.CutSuffix(t, s); ok && name != "" {
			m.Kind, m.Members = Join, txtNames(name)
			return
		}
	}
	for _, s := range []string{" left", "已退出", "退出了群组", "退出了"} {
		if name, ok := strings.CutSuffix(t, s); ok && name != "" {
			m.Kind, m.Members = Leave, txtNames(name)
			return
		}
	}
	for _, v := range []struct {
		verb string
		kind Kind
	}{{" added ", Join}, {"添加了", Join}, {" removed ", Leave}, {"移除了", Leave}} {
		if by, who, ok := strings.Cut(t, v.verb); ok && by != "" && who != "" {
			m.Kind, m.Sender, m.Members = v.kind, waParty(by), txtNames(who)
			return
		}
	}
}
