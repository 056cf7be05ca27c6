package chatexport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// QQ desktop's "export as .txt", following ChatLab's qq-native-txt.ts:
//
//	消息记录（此消息记录为文本格式，不支持重新导入）
//	================================================================
//	消息分组:我的群聊
//	================================================================
//	消息对象:某某工作群
//	================================================================
//
//	2025-03-03 09:12:05 张三(123456)
//	[图片]
//
// A header is "date time name(QQ number)", "date time name<email>" or, in
// old discussion groups, "date time name"; the content lines follow until
// the next header. One file may hold several chats, each opened by its
// 消息对象 block. Times are the exporting PC's local time: read in
// Options.Zone.

func init() { register(QQ, parser{detect: detectQQ, parse: parseQQ}) }

var (
	qqPreamble = []byte("消息记录（此消息记录为文本格式")
	qqObject   = []string{"消息对象:", "消息对象："}
	qqGroup    = []string{"消息分组:", "消息分组："}
)

// qqSystemID is the account QQ writes system notices under.
const qqSystemID = "10000"

func detectQQ(head []byte) bool {
	if bytes.HasPrefix(bytes.TrimLeft(head, "\r\n "), qqPreamble) {
		return true
	}
	object, header := false, false
	for line := range bytes.Lines(head) {
		line = bytes.TrimRight(line, "\r\n")
		object = object || qqHasPrefix(line, qqObject) != ""
		if _, ok := qqParseHeader(line); ok {
			header = true
		}
	}
	return object && header
}

// qqFriends says whether a 消息分组 lists friends (我的好友 or a group of
// friends the user named), whose chats are one-to-one, rather than QQ groups
// (我的群聊, 我的QQ群) or discussion groups (我的讨论组, 多人聊天).
func qqFriends(section string) bool {
	return section != "" && !strings.Contains(section, "群") && !strings.Contains(section, "讨论组") && !strings.Contains(section, "多人聊天")
}

func qqHasPrefix(line []byte, prefixes []string) string {
	for _, p := range prefixes {
		if bytes.HasPrefix(line, []byte(p)) {
			return strings.TrimSpace(string(line[len(p):]))
		}
	}
	return ""
}

// qqHeader is a parsed message header; the time fields are unchecked.
type qqHeader struct {
	y, mo, d, h, mi, s int
	name, id           string
}

// qqParseHeader reads "2025-03-03 09:12:05 张三(123456)"; ok is false when
// the line does not have a header's shape.
func qqParseHeader(b []byte) (qqHeader, bool) {
	var h qqHeader
	var n, i int
	if h.y, i, n = txtNum(b, 0, 4); n != 4 || i >= len(b) || b[i] != '-' {
		return h, false
	}
	if h.mo, i, n = txtNum(b, i+1, 2); n != 2 || i >= len(b) || b[i] != '-' {
		return h, false
	}
	if h.d, i, n = txtNum(b, i+1, 2); n != 2 || i >= len(b) || b[i] != ' ' {
		return h, false
	}
	if h.h, i, n = txtNum(b, i+1, 2); n == 0 || i >= len(b) || b[i] != ':' {
		return h, false
	}
	if h.mi, i, n = txtNum(b, i+1, 2); n != 2 || i >= len(b) || b[i] != ':' {
		return h, false
	}
	if h.s, i, n = txtNum(b, i+1, 2); n != 2 || i >= len(b) || b[i] != ' ' {
		return h, false
	}
	rest := strings.TrimSpace(string(b[i+1:]))
	if rest == "" {
		return h, false
	}
	h.name = rest
	switch last := rest[len(rest)-1]; last {
	case ')', '>':
		open := byte('(')
		if last == '>' {
			open = '<'
		}
		if j := strings.LastIndexByte(rest, open); j >= 0 && j < len(rest)-2 {
			h.name, h.id = strings.TrimSpace(rest[:j]), rest[j+1:len(rest)-1]
		}
	}
	// A group title QQ prefixes to the name (【管理员】张三) is not the name.
	for strings.HasPrefix(h.name, "【") {
		j := strings.Index(h.name, "】")
		if j < 0 {
			break
		}
		h.name = strings.TrimSpace(h.name[j+len("】"):])
	}
	return h, true
}

func parseQQ(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error {
	l := newLines(r)
	var (
		cur     txtMsg
		chat    Chat
		section string // the 消息分组 the chats below are in
		started bool   // a header or a QQ block line was seen
		inBlock bool   // the last non-blank line was a ==== rule or a block line
		skip    bool   // content of a message already reported
	)
	flush := func() error {
		if cur.m == nil {
			return nil
		}
		m := cur.finish()
		qqClassify(m)
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
		if h, ok := qqParseHeader(line); ok {
			if err := flush(); err != nil {
				return err
			}
			started, inBlock, skip = true, false, false
			at, ok := txtTime(o.Zone, h.y, h.mo, h.d, h.h, h.mi, h.s)
			if !ok {
				report(Problem{Line: l.line, Offset: l.offset, Reason: "BAD_TIME", Detail: "no such date or time", Raw: string(line)})
				skip = true
				continue
			}
			m := &Message{Chat: chat, At: at}
			if h.id != qqSystemID {
				m.Sender = Party{ID: h.id, Name: h.name}
			}
			cur.start(m, l, line, nil)
			continue
		}
		if bytes.HasPrefix(line, []byte("=====")) && len(bytes.Trim(line, "=")) == 0 {
			if err := flush(); err != nil {
				return err
			}
			started, inBlock, skip = true, true, false
			continue
		}
		if inBlock || !started {
			if name := qqHasPrefix(line, qqObject); name != "" || qqHasPrefix(line, qqGroup) != "" {
				if g := qqHasPrefix(line, qqGroup); g != "" {
					section = g
				}
				if name != "" {
					chat = Chat{Name: name, Direct: qqFriends(section)}
				}
				started, inBlock = true, true
				continue
			}
			if len(bytes.TrimSpace(line)) == 0 || (!started && bytes.HasPrefix(line, qqPreamble)) {
				continue
			}
			if !started {
				return fmt.Errorf("line %d: not a QQ export: no message header or 消息对象 block", l.line)
			}
			report(Problem{Line: l.line, Offset: l.offset, Reason: "BAD_ROW", Detail: "text outside a message", Raw: string(line)})
			continue
		}
		if skip {
			continue
		}
		if cur.m == nil {
			if len(bytes.TrimSpace(line)) > 0 {
				report(Problem{Line: l.line, Offset: l.offset, Reason: "BAD_ROW", Detail: "text outside a message", Raw: string(line)})
			}
			continue
		}
		if !cur.add(line, line) {
			report(Problem{Line: l.line, Offset: l.offset, Reason: "TOO_LONG", Detail: fmt.Sprintf("message text cut at %d bytes", MaxLine)})
		}
	}
	return flush()
}

// qqPlaceholders are the bracketed stand-ins QQ writes for what is not text.
var qqPlaceholders = []struct {
	text  string
	kind  Kind
	media bool
}{
	{"[图片]", Image, true},
	{"[文件]", File, true},
	{"[视频]", Video, true},
	{"[语音]", Voice, true},
	{"[聊天记录]", Bundle, false},
	{"[表情]", Other, false},
	{"[链接]", Link, false},
	{"[卡片消息]", Link, false},
}

// qqClassify sets a message's kind, media and members from its text: a
// message of placeholders only takes their kind; each media placeholder,
// alone or within text, is one omitted medium. System notices (from
// account 10000) that say who joined, left or recalled are read as such.
func qqClassify(m *Message) {
	m.Kind = Text
	t := strings.TrimSpace(m.Text)
	rest := t
	for _, p := range qqPlaceholders {
		if !strings.Contains(t, p.text) {
			continue
		}
		if p.media {
			for range strings.Count(t, p.text) {
				m.Media = append(m.Media, Media{Omitted: true})
			}
		}
		if p.kind == Bundle {
			// A forwarded bundle's items are not in the .txt; the kind alone says
			// the content came from elsewhere.
			m.Kind = Bundle
		}
		rest = strings.ReplaceAll(rest, p.text, "")
		if strings.TrimSpace(rest) == "" && m.Kind != Bundle {
			m.Kind = p.kind
		}
	}
	if m.Kind == Bundle {
		return
	}
	if name, ok := strings.CutSuffix(t, "撤回了一条消息"); ok {
		m.Kind = Recall
		if m.Sender == (Party{}) && name != "" && name != "你" {
			m.Sender = Party{Name: name}
		}
		return
	}
	if m.Sender != (Party{}) {
		return
	}
	m.Kind = System
	t = strings.TrimRight(t, "。.")
	for _, s := range []string{"加入本群", "加入了群聊", "已加入本群"} {
		if name, ok := strings.CutSuffix(t, s); ok && name != "" {
			m.Kind, m.Members = Join, txtNames(name)
			return
		}
	}
	for _, s := range []string{"退出本群", "退出了群聊", "已退出本群", "被管理员移出本群", "被移出群聊", "被移出本群"} {
		if name, ok := strings.CutSuffix(t, s); ok && name != "" {
			m.Kind, m.Members = Leave, txtNames(name)
			return
		}
	}
}
