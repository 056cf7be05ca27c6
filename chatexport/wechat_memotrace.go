package chatexport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WeChatMsg/MemoTrace's CSV export (LC044/WeChatMsg,
// app/util/exporter/exporter_csv.py): the MSG table's first nine columns
// localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime
// then Remark,NickName,Sender — the sender's remark, nickname and wxid.
// Type and SubType are WeChat's own numbers; StrContent is the text, or
// WeChat's XML for media and some links and files. The exporter leaves out
// CompressContent, where PC WeChat usually keeps the XML of quotes (49/57)
// and merged forwards (49/19): their quoted person and items are read when
// StrContent has them, and otherwise the message stands without. One file is
// one chat (named only by the file); TalkerId is the chat's number inside
// that phone's database.

var memoColumns = []string{"Type", "SubType", "IsSender", "CreateTime", "StrContent", "Sender",
	"TalkerId", "StrTime", "Remark", "NickName"}

// memoRequired are the columns without which a row cannot be read.
const memoRequired = 6

func init() {
	register(WeChatMemo, parser{
		detect: func(head []byte) bool {
			return csvHasColumns(firstCSVLine(head), append([]string{"localId"}, memoColumns[:memoRequired]...)...)
		},
		parse: parseMemo,
	})
}

func parseMemo(r *bufio.Reader, o Options, emit func(*Message) error, report func(Problem)) error {
	c := newCSVRows(r, ',')
	header, err := c.header()
	if err != nil {
		return err
	}
	idx, missing := csvColumns(header, memoColumns...)
	for _, n := range missing {
		if i := csvIndex(memoColumns, n); i < memoRequired {
			return fmt.Errorf("line 1: not a WeChatMsg/MemoTrace CSV: no column %s", n)
		}
	}
	iType, iSub, iIsSender, iTime, iContent, iSender := idx[0], idx[1], idx[2], idx[3], idx[4], idx[5]
	iTalker, iStrTime, iRemark, iNick := idx[6], idx[7], idx[8], idx[9]
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
		// CreateTime is the MSG table's epoch seconds: exact. StrTime is the
		// same instant rendered in the exporting machine's zone, used only
		// when CreateTime is not a number.
		at, ok := wechatTime(strings.TrimSpace(rec[iTime]), o.Zone)
		if !ok {
			at, ok = wechatTime(strings.TrimSpace(csvField(rec, iStrTime)), o.Zone)
		}
		if !ok {
			report(c.problem("BAD_TIME", fmt.Errorf("CreateTime %q and StrTime %q read as no time", clip(rec[iTime]), clip(csvField(rec, iStrTime)))))
			continue
		}
		typ, err1 := strconv.Atoi(strings.TrimSpace(rec[iType]))
		sub, err2 := strconv.Atoi(strings.TrimSpace(rec[iSub]))
		if err1 != nil || err2 != nil {
			report(c.problem("BAD_ROW", fmt.Errorf("Type %q, SubType %q: not numbers", clip(rec[iType]), clip(rec[iSub]))))
			continue
		}
		m := &Message{
			Chat:   Chat{ID: strings.TrimSpace(csvField(rec, iTalker))},
			At:     at,
			Sender: Party{ID: strings.TrimSpace(rec[iSender]), Name: strings.TrimSpace(wxFirst(csvField(rec, iNick), csvField(rec, iRemark)))},
			Source: Source{Line: c.Line, Offset: c.Offset, Raw: string(clipBytes(c.Raw))},
		}
		if m.Sender.ID == "" && strings.TrimSpace(rec[iIsSender]) == "1" {
			m.Sender.Name = wxFirst(m.Sender.Name, pyWxDumpOwner)
		}
		if err := memoContent(m, typ, sub, rec[iContent], o); err != nil {
			report(c.problem("BAD_XML", err))
		}
		if err := emit(m); err != nil {
			return err
		}
	}
}

func csvIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// memoContent fills kind, text, media and provenance from WeChat's Type and
// SubType and the StrContent. An error says the XML of a merged forward or
// quote could not be read; the message itself stands.
func memoContent(m *Message, typ, sub int, content string, o Options) error {
	var w wxMsg
	var xmlErr error
	if typ == 3 || typ == 43 || typ == 49 { // the types whose XML is read
		if x := wxXML(content, "msg"); x != "" {
			xmlErr = wxDecode(x, &w)
		}
	}
	switch typ {
	case 1:
		m.Kind, m.Text = Text, content
	case 3:
		m.Kind = Image
		m.Media = []Media{{MD5: wxMD5(w.Img.MD5), Size: w.Img.Length}}
		m.Media[0].Omitted = m.Media[0].MD5 == ""
	case 34:
		m.Kind, m.Media = Voice, []Media{{Omitted: true}}
	case 43:
		m.Kind = Video
		m.Media = []Media{{MD5: wxMD5(w.Video.MD5), Size: w.Video.Length}}
		m.Media[0].Omitted = m.Media[0].MD5 == ""
	case 49:
		if sub == 0 {
			sub = w.AppMsg.Type
		}
		a := w.AppMsg
		m.Text = a.Title
		switch sub {
		case 6, 74:
			m.Kind = File
			m.Media = []Media{{Name: a.Title, MD5: wxMD5(a.MD5), Size: a.AppAttach.TotalLen}}
		case 19:
			m.Kind = Bundle
			if xmlErr != nil {
				return fmt.Errorf("merged forward: %w", xmlErr)
			}
			if info := recordInfoXML(a.RecordItem); info != "" {
				items, err := wxItems(info, m.Source, o.Zone, 0)
				if err != nil {
					return fmt.Errorf("merged forward's recorditem: %w", err)
				}
				m.Items = items
			}
		case 57:
			m.Kind = Text
			if xmlErr != nil {
				return fmt.Errorf("quote: %w", xmlErr)
			}
			if a.ReferMsg != nil {
				m.Quote = wxQuote(a.ReferMsg, o.Zone)
			}
		case 4, 5, 33, 36, 51:
			m.Kind, m.Text = Link, strings.TrimSpace(a.Title+"\n"+a.URL)
		default:
			m.Kind = Other
		}
		if m.Text == "" && wxXML(content, "msg") == "" {
			m.Text = content
		}
	case 10000:
		m.Kind, m.Text, m.Sender = System, content, Party{}
		if strings.Contains(content, "revokemsg") {
			m.Kind = Recall
		}
		if k, actor, members, ok := wxNotice(content); ok {
			m.Kind, m.Members, m.Sender = k, members, noticeActor(actor)
		}
	default:
		m.Kind, m.Text = Other, content
	}
	return nil
}
