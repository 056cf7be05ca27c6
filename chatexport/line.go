package chatexport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// LINE's "Save chat" .txt, following ChatLab's line-native-txt.ts:
//
//	[LINE] 專案群的聊天記錄
//	儲存日期：2025/03/04 21:10
//
//	2025/03/03（一）
//	上午09:12	王小明	[照片]
//	上午09:15	王小明	"第一行
//	第二行"
//	下午02:40		陳大文已收回訊息
//
// The header names the chat; its wording tells a 1:1 chat (與X的, Chat
// history with X, Xとの) from a group. A date line opens each day; rows are
// time, sender and text separated by tabs (by spaces in the Windows PC
// client, whose date lines read "2017.09.03 Sunday"). Times have no seconds
// and no zone — the phone's local time: read in Options.Zone. A system row
// has an empty sender.

func init() { register(LINE, parser{detect: detectLINE, parse: parseLINE}) }

// lineChatHeader reads the first line's chat name and whether it is a 1:1 chat.
func lineChatHeader(s string) (name string, direct, ok bool) {
	s = strings.TrimSpace(s)
	s, prefixed := strings.CutPrefix(s, "[LINE]")
	s = strings.TrimSpace(s)
	if n, ok := strings.CutPrefix(s, "Chat history with "); ok {
		return strings.TrimSpace(n), true, true
	}
	if n, ok := strings.CutPrefix(s, "Chat history in "); ok {
		return strings.TrimSpace(n), false, true
	}
	if n, ok := strings.CutSuffix(s, "とのトーク履歴"); ok {
		return strings.TrimSpace(n), true, true
	}
	if n, ok := strings.CutSuffix(s, "のトーク履歴"); ok {
		return strings.TrimSpace(n), false, true
	}
	for _, w := range []struct{ with, suffix string }{{"與", "的聊天記錄"}, {"与", "的聊天记录"}} {
		if n, ok := strings.CutSuffix(s, w.suffix); ok {
			if d, ok := strings.CutPrefix(n, w.with); ok {
				return strings.TrimSpace(d), true, true
			}
			return strings.TrimSpace(n), false, true
		}
	}
	if prefixed && s != "" {
		// A [LINE] title in a wording not listed: still LINE, kind unknown.
		return s, false, true
	}
	return "", false, false
}

var lineSavedOn = []string{"儲存日期", "保存日期", "储存日期", "保存日時", "Saved on"}

func lineIsSavedOn(b []byte) bool {
	for _, p := range lineSavedOn {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}

func detectLINE(head []byte) bool {
	i := bytes.IndexByte(head, '\n')
	if i < 0 {
		return false
	}
	first := bytes.TrimRight(head[:i], "\r")
	second := head[i+1:]
	if j := bytes.IndexByte(second, '\n'); j >= 0 {
		second = second[:j]
	}
	if bytes.HasPrefix(first, []byte("[LINE] ")) {
		return true
	}
	_, _, ok := lineChatHeader(string(first))
	return ok && lineIsSavedOn(second)
}

// lineDate reads a date line: "2025/03/03（一）", "2025/3/3(Mon)",
// "2017.09.03 Sunday" (pc is then true) or "Mon, 3/3/2025".
func lineDate(b []byte) (y, mo, d int, pc, ok bool) {
	var n, i int
	if y, i, n = txtNum(b, 0, 4); n == 4 && i < len(b) && (b[i] == '/' || b[i] == '.') {
		sep := b[i]
		if mo, i, n = txtNum(b, i+1, 2); n == 0 || i >= len(b) || b[i] != sep {
			return 0, 0, 0, false, false
		}
		if d, i, n = txtNum(b, i+1, 2); n == 0 {
			return 0, 0, 0, false, false
		}
		// After the date: nothing, or a weekday — never a time (the header's
		// saved-on line has one) nor more digits.
		rest := bytes.TrimSpace(b[i:])
		if len(rest) > 0 && (rest[0] >= '0' && rest[0] <= '9' || bytes.IndexByte(rest, ':') >= 0 || len(rest) > 24) {
			return 0, 0, 0, false, false
		}
		return y, mo, d, sep == '.', true
	}
	// English: "Mon, 3/3/2025".
	c := bytes.Index(b, []byte(", "))
	if c < 2 || c > 10 {
		return 0, 0, 0, false, false
	}
	for _, ch := range b[:c] {
		if !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z') {
			return 0, 0, 0, false, false
		}
	}
	if mo, i, n = txtNum(b, c+2, 2); n == 0 || i >= len(b) || b[i] != '/' {
		return 0, 0, 0, false, false
	}
	if d, i, n = txtNum(b, i+1, 2); n == 0 || i >= len(b) || b[i] != '/' {
		return 0, 0, 0, false, false
	}
	if y, i, n = txtNum(b, i+1, 4); n != 4 || i != len(bytes.TrimRight(b, " ")) {
		return 0, 0, 0, false, false
	}
	return y, mo, d, false, true
}

var (
	lineAM = [][]byte{[]byte("上午"), []byte("午前")}
	linePM = [][]byte{[]byte("下午"), []byte("午後")}
)

// lineClock reads a row's time ("上午09:12", "午後2:40", "9:12 PM", "21:40")
// and returns the hour 0–23, the minute and the index after it; ok is
// false when the line does not start with a time, valid false when it does
// but the time cannot be.
func lineClock(b []byte) (h, mi, next int, ok, valid bool) {
	i, half, pm := 0, false, false
	for _, p := range lineAM {
		if bytes.HasPrefix(b, p) {
			i, half = len(p), true
		}
	}
	for _, p := range linePM {
		if bytes.HasPrefix(b, p) {
			i, half, pm = len(p), true, true
		}
	}
	var n int
	if h, i, n = txtNum(b, i, 2); n == 0 || i >= len(b) || b[i] != ':' {
		return 0, 0, 0, false, false
	}
	if mi, i, n = txtNum(b, i+1, 2); n != 2 {
		return 0, 0, 0, false, false
	}
	j := i
	if j < len(b) && b[j] == ' ' {
		j++
	}
	if !half && j+1 < len(b) && (b[j+1] == 'M' || b[j+1] == 'm') {
		switch b[j] {
		case 'A', 'a':
			i, half = j+2, true
		case 'P', 'p':
			i, half, pm = j+2, true, true
		}
	}
	valid = mi <= 59 && h <= 23
	if half {
		h, valid = txtClock12(h, pm)
		valid = valid && mi <= 59
	}
	return h, mi, i, true, valid
}

// lineRow is a row: time, sender, text.
type lineRow struct {
	h, mi  int
	valid  bool
	sender []byte
	text   []byte
}

// lineParseRow reads a row with tabs, or with spaces when pc.
func lineParseRow(b []byte, pc bool) (lineRow, bool) {
	var r lineRow
	h, mi, i, ok, valid := lineClock(b)
	if !ok || i >= len(b) {
		return r, false
	}
	r.h, r.mi, r.valid = h, mi, valid
	switch {
	case b[i] == '\t':
		rest := b[i+1:]
		j := bytes.IndexByte(rest, '\t')
		if j < 0 {
			return r, false
		}
		r.sender, r.text = rest[:j], rest[j+1:]
	case pc && b[i] == ' ':
		rest := b[i+1:]
		j := bytes.IndexByte(rest, ' ')
		if j <= 0 {
			r.sender = rest
		} else {
			r.sender, r.text = rest[:j], rest[j+1:]
		}
	default:
		return r, false
	}
	return r, true
}

func parseLINE(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error {
	l := newLines(r)
	var (
		cur               txtMsg
		chat              Chat
		seen              bool // a non-blank line was read
		y, mo, d          int  // the current date line; y is 0 before the first
		pc, quoted, skips bool
	)
	flush := func() error {
		quoted = false
		if cur.m == nil {
			return nil
		}
		m := cur.finish()
		lineClassify(m)
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
		if !seen {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			seen = true
			if name, direct, ok := lineChatHeader(string(line)); ok {
				chat = Chat{Name: name, Direct: direct}
				continue
			}
			if _, _, _, _, ok := lineDate(line); !ok {
				return fmt.Errorf("line %d: not a LINE export: no chat history title or date line", l.line)
			}
		}
		if l.line <= 3 && y == 0 && lineIsSavedOn(line) {
			continue
		}
		row, isRow := lineParseRow(line, pc)
		if quoted && !isRow {
			// Inside a quoted multi-line text every line is text; the one
			// ending in a quote closes it.
			text := line
			if t, ok := bytes.CutSuffix(line, []byte(`"`)); ok {
				text, quoted = t, false
			}
			if !cur.add(line, text) {
				report(Problem{Line: l.line, Offset: l.offset, Reason: "TOO_LONG", Detail: fmt.Sprintf("message text cut at %d bytes", MaxLine)})
			}
			continue
		}
		if dy, dm, dd, dpc, ok := lineDate(line); ok && !isRow {
			if err := flush(); err != nil {
				return err
			}
			y, mo, d, pc, skips = dy, dm, dd, dpc, false
			if _, ok := txtTime(o.Zone, y, mo, d, 0, 0, 0); !ok {
				report(Problem{Line: l.line, Offset: l.offset, Reason: "BAD_TIME", Detail: "no such date; its rows are skipped", Raw: string(line)})
				skips = true
			}
			continue
		}
		if isRow {
			if err := flush(); err != nil {
				return err
			}
			if skips {
				continue
			}
			if y == 0 {
				report(Problem{Line: l.line, Offset: l.offset, Reason: "BAD_ROW", Detail: "a row before any date line", Raw: string(line)})
				continue
			}
			at, ok := txtTime(o.Zone, y, mo, d, row.h, row.mi, 0)
			if !ok || !row.valid {
				report(Problem{Line: l.line, Offset: l.offset, Reason: "BAD_TIME", Detail: "no such time", Raw: string(line)})
				continue
			}
			m := &Message{Chat: chat, At: at}
			if name := strings.TrimSpace(string(row.sender)); name != "" {
				m.Sender = Party{Name: name}
			}
			text := row.text
			if len(text) > 0 && text[0] == '"' {
				if len(text) > 1 && text[len(text)-1] == '"' {
					text = text[1 : len(text)-1]
				} else {
					text, quoted = text[1:], true
				}
			}
			cur.start(m, l, line, text)
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if cur.m != nil {
			// An unquoted line that is no row: the previous message goes on.
			if !cur.add(line, line) {
				report(Problem{Line: l.line, Offset: l.offset, Reason: "TOO_LONG", Detail: fmt.Sprintf("message text cut at %d bytes", MaxLine)})
			}
			continue
		}
		if !skips {
			report(Problem{Line: l.line, Offset: l.offset, Reason: "BAD_ROW", Detail: "neither a date line nor a row", Raw: string(line)})
		}
	}
	return flush()
}

// linePlaceholders are the stand-ins LINE writes for media, in its zh-TW,
// zh-CN, en and ja wordings (as ChatLab lists them).
var linePlaceholders = []struct {
	text  string
	kind  Kind
	media bool
}{
	{"[照片]", Image, true}, {"[Photo]", Image, true}, {"[写真]", Image, true}, {"[图片]", Image, true},
	{"[影片]", Video, true}, {"[视频]", Video, true}, {"[Video]", Video, true}, {"[動画]", Video, true},
	{"[語音訊息]", Voice, true}, {"[语音信息]", Voice, true}, {"[Voice message]", Voice, true}, {"[ボイスメッセージ]", Voice, true},
	{"[檔案]", File, true}, {"[文件]", File, true}, {"[File]", File, true}, {"[ファイル]", File, true},
	{"[貼圖]", Other, false}, {"[贴图]", Other, false}, {"[Sticker]", Other, false}, {"[スタンプ]", Other, false},
	{"[位置資訊]", Other, false}, {"[位置]", Other, false}, {"[Location]", Other, false}, {"[位置情報]", Other, false},
	{"[記事本]", Text, false}, {"[记事本]", Text, false}, {"[Notes]", Text, false}, {"[ノート]", Text, false},
}

// lineClassify sets a message's kind, media and members from its text.
func lineClassify(m *Message) {
	m.Kind = Text
	t := strings.TrimSpace(m.Text)
	if m.Sender == (Party{}) {
		lineSystem(m, t)
		return
	}
	for _, p := range linePlaceholders {
		if rest, ok := strings.CutPrefix(t, p.text); ok {
			m.Kind = p.kind
			if p.media {
				// A file placeholder may be followed by the file's name.
				m.Media = []Media{{Name: strings.TrimSpace(rest), Omitted: true}}
			}
			return
		}
	}
	if strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://") {
		m.Kind = Link
	}
}

// lineSystem reads a system row: recalls, joins and leaves in LINE's zh-TW,
// zh-CN, en and ja wordings (ChatLab's list); anything else is System.
func lineSystem(m *Message, t string) {
	m.Kind = System
	t = strings.TrimRight(t, "。.")
	for _, s := range []string{"已收回訊息", "已收回讯息", "撤回了一条消息", " unsent a message", "が送信を取り消しました"} {
		if name, ok := strings.CutSuffix(t, s); ok && name != "" {
			m.Kind, m.Sender = Recall, Party{Name: strings.TrimSpace(name)}
			return
		}
	}
	for _, s := range []string{"已加入群組", "已加入该群", "已加入群组", " joined the group", "がグループに参加しました"} {
		if name, ok := strings.CutSuffix(t, s); ok && name != "" {
			m.Kind, m.Members = Join, txtNames(name)
			return
		}
	}
	for _, s := range []string{"已離開群組", "已退群", "已退出群组", " left the group", "がグループを退会しました"} {
		if name, ok := strings.CutSuffix(t, s); ok && name != "" {
			m.Kind, m.Members = Leave, txtNames(name)
			return
		}
	}
	// "X已新增Y至群組", "X已将Y添加至群", "X added Y to the group", "XがYをグループに追加しました".
	adds := []struct{ mid, end string }{{"已新增", "至群組"}, {"已将", "添加至群"}, {"已将", "添加到群"}, {" added ", " to the group"}, {"が", "をグループに追加しました"}}
	for _, a := range adds {
		if body, ok := strings.CutSuffix(t, a.end); ok {
			if by, who, ok := strings.Cut(body, a.mid); ok && by != "" && who != "" {
				m.Kind, m.Sender, m.Members = Join, Party{Name: strings.TrimSpace(by)}, txtNames(who)
				return
			}
		}
	}
	// "X已將Y移出群組", "X removed Y from the group", "XがYを退会させました".
	removes := []struct{ mid, end string }{{"已將", "移出群組"}, {"已将", "移出群"}, {" removed ", " from the group"}, {"が", "を退会させました"}}
	for _, a := range removes {
		if body, ok := strings.CutSuffix(t, a.end); ok {
			if by, who, ok := strings.Cut(body, a.mid); ok && by != "" && who != "" {
				m.Kind, m.Sender, m.Members = Leave, Party{Name: strings.TrimSpace(by)}, txtNames(who)
				return
			}
		}
	}
}
