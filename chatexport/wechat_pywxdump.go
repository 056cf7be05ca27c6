package chatexport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// PyWxDump's CSV export (xaoyaoo/PyWxDump, pywxdump/db/export/exportCSV.py,
// rows from pywxdump/db/dbMSG.py get_msg_detail): one row per message,
// columns id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime.
// room_name is the chat (a wxid_… or …@chatroom), talker the sender's wxid,
// 我 for the phone's owner; type_name is a Chinese name of WeChat's
// (Type, SubType) from type_converter; msg the text or a rendering of it,
// src a media path, a link or a merged forward's recorditem.

var pyWxDumpColumns = []string{"type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"}

func init() {
	register(WeChatPyWxDump, parser{
		detect: func(head []byte) bool {
			return csvHasColumns(firstCSVLine(head), append([]string{"MsgSvrID"}, pyWxDumpColumns...)...)
		},
		parse: parsePyWxDump,
	})
}

// pyWxDumpOwner is how PyWxDump names the phone's owner (export_csv's my_wxid).
const pyWxDumpOwner = "我"

func parsePyWxDump(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error {
	c := newCSVRows(r, ',')
	header, err := c.header()
	if err != nil {
		return err
	}
	idx, missing := csvColumns(header, pyWxDumpColumns...)
	if len(missing) > 0 {
		return fmt.Errorf("line 1: not a PyWxDump WeChat CSV: no column %s", strings.Join(missing, ", "))
	}
	iType, iIsSender, iTalker, iRoom, iMsg, iSrc, iTime := idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6]
	for {
		rec, err := c.read()
		if err == io.EOF {
			return nil
		}
		if errors.As(err, new(errCSVRow)) {
			report(c.problem("BAD_ROW", err))
			continue
		}
		if err != nil {
			if errors.Is(err, errRecordTooLong) {
				report(c.problem("TOO_LONG", err))
			}
			return err
		}
		at, ok := wechatTime(strings.TrimSpace(rec[iTime]), o.Zone)
		if !ok {
			report(c.problem("BAD_TIME", fmt.Errorf("CreateTime %q is neither epoch seconds nor 2006-01-02 15:04:05", clip(rec[iTime]))))
			continue
		}
		room := strings.TrimSpace(rec[iRoom])
		m := &Message{
			Chat:   Chat{ID: room, Direct: room != "" && !strings.HasSuffix(room, "@chatroom")},
			At:     at,
			Source: Source{Line: c.Line, Offset: c.Offset, Raw: string(clipBytes(c.Raw))},
		}
		switch talker := strings.TrimSpace(rec[iTalker]); {
		case talker == pyWxDumpOwner:
			m.Sender = Party{Name: pyWxDumpOwner}
		case talker == "" || talker == "系统" || talker == "未知":
			// PyWxDump's names for a message without a known person behind it.
			if strings.TrimSpace(rec[iIsSender]) == "1" {
				m.Sender = Party{Name: pyWxDumpOwner}
			}
		default:
			// A wxid, the owner's too when the export was given my_wxid.
			m.Sender = Party{ID: talker}
		}
		if err := pyWxDumpContent(m, strings.TrimSpace(rec[iType]), rec[iMsg], strings.TrimSpace(rec[iSrc]), o); err != nil {
			report(c.problem("BAD_XML", err))
		}
		if err := emit(m); err != nil {
			return err
		}
	}
}

// pyWxDumpContent fills the kind, text, media and provenance from the
// type_name and the msg and src PyWxDump wrote for it. An error says a
// merged forward's items could not be read; the message itself stands.
func pyWxDumpContent(m *Message, typeName, msg, src string, o Options) error {
	media := func(k Kind) {
		m.Kind = k
		m.Media = []Media{{Name: src, Omitted: src == ""}}
	}
	switch {
	case typeName == "文本" || typeName == "粘贴的文本":
		m.Kind, m.Text = Text, msg
	case typeName == "图片":
		media(Image) // msg is the placeholder 图片
	case typeName == "视频":
		media(Video)
	case typeName == "语音":
		media(Voice)
		m.Text = msg // its length and, when WeChat had one, the transcript
	case typeName == "文件" || typeName == "文件(猜)":
		media(File)
		m.Text = msg // the file name
	case typeName == "合并转发的聊天记录":
		m.Kind, m.Text = Bundle, msg
		// src holds the recorditem: as XML (older PyWxDump, or msg when the
		// title could not be read) or as a Python dict's repr.
		info := recordInfoXML(src)
		if info == "" {
			info = recordInfoXML(msg)
		}
		switch {
		case info != "":
			m.Text = strings.TrimSpace(strings.SplitN(msg, "<", 2)[0])
			items, err := wxItems(info, m.Source, o.Zone, 0)
			if err != nil {
				return fmt.Errorf("merged forward's recorditem: %w", err)
			}
			m.Items = items
		case strings.HasPrefix(src, "{"):
			// Current PyWxDump writes the parsed recorditem's Python repr.
			items, err := pyRecordItems(src, m.Source, o.Zone)
			if err != nil {
				return fmt.Errorf("merged forward's recorditem: %w", err)
			}
			m.Items = items
		}
	case typeName == "引用回复":
		m.Kind = Text
		m.Text, m.Quote = pyWxDumpQuote(msg, src, o)
	case strings.HasPrefix(typeName, "(分享)"):
		m.Kind, m.Text = Link, strings.TrimSpace(msg)
	case strings.HasPrefix(typeName, "消息撤回"):
		m.Kind, m.Text = Recall, msg
		if _, actor, _, ok := wxNotice(msg); ok && actor != "" {
			m.Sender = noticeActor(actor)
		}
	case typeName == "系统通知" || typeName == "邀请加群" || typeName == "拍一拍" || typeName == "群公告":
		m.Kind, m.Text = System, msg
		if k, actor, members, ok := wxNotice(msg); ok {
			m.Kind, m.Members, m.Sender = k, members, noticeActor(actor)
		}
	default:
		m.Kind, m.Text = Other, msg
	}
	return nil
}

// noticeActor names who a notice says acted; 你 is the phone's owner.
func noticeActor(actor string) Party {
	if actor == "你" {
		return Party{Name: pyWxDumpOwner}
	}
	return Party{Name: actor}
}

// pyWxDumpQuote reads a quote. get_msg_detail renders (49, 57) as
// "{title}\n\n[引用]({createtime}){displayname}:{content}", createtime in
// the exporting machine's local time; a refermsg XML, when an export kept
// it, says the same with the quoted person's wxid.
func pyWxDumpQuote(msg, src string, o Options) (string, *Quoted) {
	for _, s := range []string{msg, src} {
		if x := wxXML(s, "msg"); x != "" {
			var w wxMsg
			if wxDecode(x, &w) == nil && w.AppMsg.ReferMsg != nil {
				return w.AppMsg.Title, wxQuote(w.AppMsg.ReferMsg, o.Zone)
			}
		}
	}
	const mark = "\n\n[引用]("
	i := strings.LastIndex(msg, mark)
	if i < 0 {
		return msg, nil
	}
	text, rest := msg[:i], msg[i+len(mark):]
	j := strings.IndexByte(rest, ')')
	if j < 0 {
		return msg, nil
	}
	q := &Quoted{}
	q.At, _ = wechatTime(rest[:j], o.Zone)
	name, content, _ := strings.Cut(rest[j+1:], ":")
	q.Sender.Name, q.Text = strings.TrimSpace(name), content
	return text, q
}
