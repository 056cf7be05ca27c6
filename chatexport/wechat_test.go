package chatexport

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var wxZone = time.FixedZone("CST", 8*3600)

// wxCST is a Beijing wall-clock time, in UTC.
func wxCST(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, wxZone)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// wxParseAll parses data, checks every message's (and item's) raw text is the
// file's bytes at its offset, then drops it so messages compare as values.
func wxParseAll(t *testing.T, data []byte, o Options) ([]Message, Result, error) {
	t.Helper()
	var msgs []Message
	res, err := Parse(bytes.NewReader(data), o, func(m *Message) error {
		msgs = append(msgs, *m)
		return nil
	})
	var strip func(ms []Message)
	strip = func(ms []Message) {
		for i := range ms {
			s := ms[i].Source
			if s.Raw == "" || s.Offset < 0 || s.Offset >= int64(len(data)) || !bytes.HasPrefix(data[s.Offset:], []byte(s.Raw)) {
				t.Errorf("line %d: raw %q is not the file's bytes at offset %d", s.Line, s.Raw, s.Offset)
			}
			if line := 1 + bytes.Count(data[:min(s.Offset, int64(len(data)))], []byte("\n")); line != s.Line {
				t.Errorf("offset %d is on line %d, the message says %d", s.Offset, line, s.Line)
			}
			ms[i].Source.Raw = ""
			strip(ms[i].Items)
		}
	}
	strip(msgs)
	return msgs, res, err
}

func wxFixture(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recordItems are the merged forward both WeChat fixtures carry, with the
// source of the message that carries them.
func recordItems(src Source) []Message {
	return []Message{
		{Sender: Party{ID: "wxid_zhang01", Name: "张三"}, At: time.Unix(1740917733, 0).UTC(), Kind: Text,
			Text: "〔2021〕3号 关于调整会议安排的通知，请勿外传", Source: src},
		{Sender: Party{Name: "李四"}, At: wxCST("2025-03-02 20:16:00"), Kind: Image,
			Media: []Media{{MD5: "9e107d9d372bb6826bd81d3542a419d6", Size: 204800}}, Source: src},
		{Sender: Party{Name: "李四"}, At: wxCST("2025-03-02 20:17:00"), Kind: File, Text: "会议纪要.pdf",
			Media: []Media{{Name: "会议纪要.pdf", MD5: "e4d909c290d0fb1ca068ffaddf22cbd0", Size: 1234}}, Source: src},
		{Sender: Party{Name: "王五"}, At: wxCST("2025-03-02 20:18:00"), Kind: Bundle, Text: "研发群的聊天记录", Source: src,
			Items: []Message{{Sender: Party{Name: "赵六"}, At: wxCST("2025-03-01 08:00:00"), Kind: Text, Text: "原始消息", Source: src}}},
	}
}

func TestParseWeChatPyWxDump(t *testing.T) {
	t.Parallel()
	data := wxFixture(t, "testdata/wechat_pywxdump/20990001@chatroom_0_5001.csv")
	if f, ok := Detect(data); !ok || f != WeChatPyWxDump {
		t.Fatalf("detected %q, %v", f, ok)
	}
	msgs, res, err := wxParseAll(t, data, Options{Zone: wxZone})
	if err != nil {
		t.Fatal(err)
	}
	room := Chat{ID: "20990001@chatroom"}
	me := Party{Name: "我"}
	src := func(line int, off int64) Source { return Source{Line: line, Offset: off} }
	want := []Message{
		{Chat: room, Sender: Party{ID: "wxid_zhang01"}, At: wxCST("2025-03-03 09:00:01"), Kind: Text, Text: "各位请查收会议纪要", Source: src(2, 69)},
		{Chat: room, Sender: me, At: wxCST("2025-03-03 09:01:00"), Kind: Image,
			Media: []Media{{Name: `FileStorage\MsgAttach\ab12\Image\2025-03\c3d4.dat`}}, Source: src(3, 168)},
		// CreateTime as epoch seconds (other PyWxDump versions), and a quoted field over two lines.
		{Chat: room, Sender: Party{ID: "wxid_li02"}, At: time.Unix(1740964325, 0).UTC(), Kind: Text, Text: "第一行\n第二行，含\"引号\"", Source: src(4, 286)},
		{Chat: room, Sender: Party{ID: "wxid_wang03"}, At: wxCST("2025-03-03 09:12:05"), Kind: Bundle, Text: "群聊的聊天记录\n张三: 〔2021〕3号…",
			Items: recordItems(src(6, 383)), Source: src(6, 383)},
		{Chat: room, Sender: Party{ID: "wxid_zhao04"}, At: wxCST("2025-03-03 09:13:00"), Kind: Text, Text: "收到，马上转发",
			Quote: &Quoted{Sender: Party{Name: "张三"}, At: wxCST("2025-03-03 09:00:01"), Text: "各位请查收会议纪要"}, Source: src(8, 1873)},
		{Chat: room, Sender: me, At: wxCST("2025-03-03 09:14:00"), Kind: File, Text: "会议纪要.pdf",
			Media: []Media{{Name: `FileStorage\File\2025-03\会议纪要.pdf`}}, Source: src(11, 2038)},
		{Chat: room, Sender: Party{Name: "张三"}, At: wxCST("2025-03-03 09:15:00"), Kind: Join, Text: `"张三"邀请"李四、王五"加入了群聊`,
			Members: []Party{{Name: "李四"}, {Name: "王五"}}, Source: src(12, 2158)},
		{Chat: room, Sender: Party{ID: "wxid_li02"}, At: wxCST("2025-03-03 09:16:00"), Kind: Link, Text: "通知全文\n关于调整会议安排\n\nhttps://example.com/a", Source: src(15, 2395)},
		{Chat: room, Sender: Party{ID: "wxid_li02"}, At: wxCST("2025-03-03 09:17:00"), Kind: Voice, Text: "语音时长：3.20秒\n翻译结果：收到了",
			Media: []Media{{Name: `audio\20990001@chatroom\2025-03-03_09-17-00_0_880011.wav`}}, Source: src(19, 2565)},
		{Chat: room, Sender: Party{Name: "王五"}, At: wxCST("2025-03-03 09:18:00"), Kind: Recall, Text: `"王五" 撤回了一条消息`, Source: src(21, 2740)},
		// After an empty line: the record's own line.
		{Chat: room, Sender: Party{ID: "wxid_zhao04"}, At: wxCST("2025-03-03 09:19:00"), Kind: Image, Media: []Media{{Omitted: true}}, Source: src(23, 2850)},
	}
	wxCompare(t, msgs, want)
	wantProblems := []Problem{
		{Line: 13, Offset: 2282, Reason: "BAD_ROW", Raw: "bad,row,with,too,few,fields"},
		{Line: 14, Offset: 2311, Reason: "BAD_TIME", Raw: "9,880009,文本,0,wxid_zhang01,20990001@chatroom,时间坏了,,2025-13-45 99:00:00"},
	}
	wxCompareProblems(t, res, wantProblems)
}

func TestParseWeChatMemo(t *testing.T) {
	t.Parallel()
	data := wxFixture(t, "testdata/wechat_memotrace/项目群_utf8.csv")
	if f, ok := Detect(data); !ok || f != WeChatMemo {
		t.Fatalf("detected %q, %v", f, ok)
	}
	msgs, res, err := wxParseAll(t, data, Options{Zone: wxZone})
	if err != nil {
		t.Fatal(err)
	}
	chat := Chat{ID: "12"}
	me := Party{ID: "wxid_owner00", Name: "我自己"}
	src := func(line int, off int64) Source { return Source{Line: line, Offset: off} }
	want := []Message{
		// The BOM MemoTrace writes (utf-8-sig) counts in the offsets.
		{Chat: chat, Sender: Party{ID: "wxid_zhang01", Name: "张三"}, At: wxCST("2025-03-03 09:00:01"), Kind: Text, Text: "各位请查收会议纪要", Source: src(2, 103)},
		{Chat: chat, Sender: me, At: wxCST("2025-03-03 09:01:00"), Kind: Image,
			Media: []Media{{MD5: "9e107d9d372bb6826bd81d3542a419d6", Size: 204800}}, Source: src(3, 203)},
		{Chat: chat, Sender: Party{ID: "wxid_li02", Name: "李四"}, At: wxCST("2025-03-03 09:12:05"), Kind: Text, Text: "第一行\n第二行", Source: src(4, 391)},
		{Chat: chat, Sender: Party{ID: "wxid_wang03", Name: "王五"}, At: wxCST("2025-03-03 09:12:05"), Kind: Bundle, Text: "群聊的聊天记录",
			Items: recordItems(src(6, 476)), Source: src(6, 476)},
		{Chat: chat, Sender: Party{ID: "wxid_zhao04", Name: "赵六"}, At: wxCST("2025-03-03 09:13:00"), Kind: Text, Text: "收到，马上转发",
			Quote: &Quoted{Sender: Party{ID: "wxid_zhang01", Name: "张三"}, At: wxCST("2025-03-03 09:00:01"), Text: "各位请查收会议纪要"}, Source: src(7, 2032)},
		{Chat: chat, Sender: me, At: wxCST("2025-03-03 09:14:00"), Kind: File, Text: "会议纪要.pdf",
			Media: []Media{{Name: "会议纪要.pdf", MD5: "e4d909c290d0fb1ca068ffaddf22cbd0", Size: 1234}}, Source: src(8, 2442)},
		{Chat: chat, Sender: Party{Name: "张三"}, At: wxCST("2025-03-03 09:15:00"), Kind: Join, Text: `"王五"通过扫描"张三"分享的二维码加入群聊`,
			Members: []Party{{Name: "王五"}}, Source: src(9, 2725)},
		{Chat: chat, Sender: Party{ID: "wxid_li02", Name: "李四"}, At: wxCST("2025-03-03 09:16:00"), Kind: Link, Text: "通知全文\nhttps://example.com/a", Source: src(10, 2842)},
		{Chat: chat, Sender: Party{ID: "wxid_li02", Name: "李四"}, At: wxCST("2025-03-03 09:17:00"), Kind: Video,
			Media: []Media{{MD5: "0cc175b9c0f1b6a831c399e269772661", Size: 3145728}}, Source: src(11, 3043)},
		// No CreateTime: StrTime, in the export's zone.
		{Chat: chat, Sender: Party{ID: "wxid_zhang01", Name: "张三"}, At: wxCST("2025-03-03 10:00:00"), Kind: Text, Text: "只有 StrTime", Source: src(14, 3290)},
		// Its XML is broken: kept, without items, and reported.
		{Chat: chat, Sender: Party{ID: "wxid_wang03", Name: "王五"}, At: time.Unix(1740964700, 0).UTC(), Kind: Bundle, Text: "坏的", Source: src(15, 3362)},
	}
	wxCompare(t, msgs, want)
	wxCompareProblems(t, res, []Problem{
		{Line: 12, Offset: 3211, Reason: "BAD_TIME", Raw: "10,12,1,0,0,昨天,2,时间坏了,也坏了,,张三,wxid_zhang01"},
		{Line: 13, Offset: 3277, Reason: "BAD_ROW", Raw: "11,12,1,0,0"},
		{Line: 15, Offset: 3362, Reason: "BAD_XML", Raw: string(bytes.SplitN(data[3362:], []byte("\r\n"), 2)[0])},
	})
}

func wxCompare(t *testing.T, got, want []Message) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("message %d missing: %+v", i, want[i])
		case i >= len(want):
			t.Errorf("message %d extra: %+v", i, got[i])
		case !reflect.DeepEqual(wxNormal(got[i]), wxNormal(want[i])):
			t.Errorf("message %d:\n got %+v\nwant %+v", i, wxNormal(got[i]), wxNormal(want[i]))
			if got[i].Quote != nil && want[i].Quote != nil {
				t.Errorf("quote: got %+v, want %+v", *got[i].Quote, *want[i].Quote)
			}
		}
	}
}

// wxNormal makes empty and nil slices compare equal.
func wxNormal(m Message) Message {
	if len(m.Media) == 0 {
		m.Media = nil
	}
	if len(m.Members) == 0 {
		m.Members = nil
	}
	if len(m.Items) == 0 {
		m.Items = nil
	}
	for i := range m.Items {
		m.Items[i] = wxNormal(m.Items[i])
	}
	return m
}

func wxCompareProblems(t *testing.T, res Result, want []Problem) {
	t.Helper()
	if len(res.Problems) != len(want) {
		t.Fatalf("problems %+v, want %d", res.Problems, len(want))
	}
	for i, p := range res.Problems {
		w := want[i]
		if p.Line != w.Line || p.Offset != w.Offset || p.Reason != w.Reason || p.Raw != w.Raw || p.Detail == "" {
			t.Errorf("problem %d: %+v, want %+v", i, p, w)
		}
	}
}

func TestWeChatDetectionIsExclusive(t *testing.T) {
	t.Parallel()
	py := wxFixture(t, "testdata/wechat_pywxdump/20990001@chatroom_0_5001.csv")
	memo := wxFixture(t, "testdata/wechat_memotrace/项目群_utf8.csv")
	generic := wxFixture(t, "testdata/genericcsv/钉钉导出.csv")
	for _, c := range []struct {
		data []byte
		f    Format
	}{{py, WeChatPyWxDump}, {memo, WeChatMemo}} {
		for _, other := range []Format{WeChatPyWxDump, WeChatMemo, GenericCSV} {
			if got := parsers[other].detect(bytes.TrimPrefix(c.data, []byte("\xef\xbb\xbf"))); got != (other == c.f) {
				t.Errorf("%s's detect on a %s file: %v", other, c.f, got)
			}
		}
	}
	quoted := []byte(`"localId","TalkerId","Type","SubType","IsSender","CreateTime","Status","StrContent","StrTime","Remark","NickName","Sender"` + "\r\n")
	if f, ok := Detect(quoted); !ok || f != WeChatMemo {
		t.Errorf("a quoted MemoTrace header detected as %q, %v", f, ok)
	}
	for _, f := range []Format{WeChatPyWxDump, WeChatMemo, GenericCSV} {
		if parsers[f].detect(generic) {
			t.Errorf("%s detected the generic CSV", f)
		}
	}
}

// A file of another format, read as a WeChat CSV, is an error naming line 1.
func TestWeChatNotTheFormat(t *testing.T) {
	t.Parallel()
	memo := wxFixture(t, "testdata/wechat_memotrace/项目群_utf8.csv")
	py := wxFixture(t, "testdata/wechat_pywxdump/20990001@chatroom_0_5001.csv")
	for _, c := range []struct {
		data []byte
		f    Format
	}{{memo, WeChatPyWxDump}, {py, WeChatMemo}, {[]byte("[LINE] 專案群的聊天記錄\n儲存日期：2025/03/04 21:10\n"), WeChatMemo}, {nil, WeChatPyWxDump}} {
		_, err := Parse(bytes.NewReader(c.data), Options{Format: c.f}, func(*Message) error { return nil })
		if err == nil || !strings.HasPrefix(err.Error(), "line 1:") {
			t.Errorf("%s on another file: %v, want an error naming line 1", c.f, err)
		}
	}
}

// A PyWxDump quote whose refermsg XML was kept reads the quoted wxid and
// epoch time; a one-to-one chat is Direct; the owner's rows say 我.
func TestPyWxDumpQuoteXMLAndDirectChat(t *testing.T) {
	t.Parallel()
	in := "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n" +
		`1,9,引用回复,1,我,wxid_li02,"<msg><appmsg><title>好的</title><type>57</type><refermsg><fromusr>wxid_li02</fromusr>` +
		`<displayname>李四</displayname><content>&lt;msg&gt;&lt;appmsg&gt;&lt;title&gt;方案.docx&lt;/title&gt;&lt;/appmsg&gt;&lt;/msg&gt;</content>` +
		`<createtime>1740964325</createtime></refermsg></appmsg></msg>",,1740964400` + "\r\n"
	msgs, res, err := wxParseAll(t, []byte(in), Options{})
	if err != nil || len(res.Problems) > 0 {
		t.Fatal(err, res.Problems)
	}
	want := []Message{{Chat: Chat{ID: "wxid_li02", Direct: true}, Sender: Party{Name: "我"}, At: time.Unix(1740964400, 0).UTC(),
		Kind: Text, Text: "好的", Quote: &Quoted{Sender: Party{ID: "wxid_li02", Name: "李四"}, At: time.Unix(1740964325, 0).UTC(), Text: "方案.docx"},
		Source: Source{Line: 2, Offset: 69}}}
	wxCompare(t, msgs, want)
}

// A record longer than MaxLine (an unterminated quote) stops the read with
// an error naming its line instead of growing without bound.
func TestWeChatRecordTooLong(t *testing.T) {
	t.Parallel()
	in := "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n" +
		"1,1,文本,0,wxid_a,wxid_a,ok,,1740964325\n" +
		`2,2,文本,0,wxid_a,wxid_a,"` + strings.Repeat("很长", MaxLine/4)
	n := 0
	res, err := Parse(strings.NewReader(in), Options{Format: WeChatPyWxDump}, func(*Message) error { n++; return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "line 3:") || !errors.Is(err, errRecordTooLong) {
		t.Fatalf("err %v, want a too-long error on line 3", err)
	}
	if n != 1 || len(res.Problems) != 1 || res.Problems[0].Reason != "TOO_LONG" || res.Problems[0].Line != 3 {
		t.Errorf("%d messages, problems %+v", n, res.Problems)
	}
}

func TestWxNotice(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in      string
		kind    Kind
		actor   string
		members []Party
	}{
		{`你邀请"李四"加入了群聊`, Join, "你", []Party{{Name: "李四"}}},
		{`"张三"将"李四"移出了群聊`, Leave, "张三", []Party{{Name: "李四"}}},
		{`你将"王五、赵六"移出了群聊`, Leave, "你", []Party{{Name: "王五"}, {Name: "赵六"}}},
		{`“张三”邀请“李四”加入了群聊`, Join, "张三", []Party{{Name: "李四"}}},
		{`"张三"邀请你加入了群聊`, Join, "张三", []Party{{Name: "我"}}},
		{`你通过扫描"张三"分享的二维码加入群聊`, Join, "张三", []Party{{Name: "我"}}},
		{`"张三" 拍了拍 "李四"`, "", "", nil},
	} {
		kind, actor, members, _ := wxNotice(c.in)
		if kind != c.kind || actor != c.actor || !reflect.DeepEqual(members, c.members) {
			t.Errorf("%s: %s %q %+v", c.in, kind, actor, members)
		}
	}
}

// Current PyWxDump writes a merged forward's recorditem as a Python dict's
// repr (xml2dict, then csv.writer): its items are read from that too.
func TestPyWxDumpRecordItemRepr(t *testing.T) {
	t.Parallel()
	data := wxFixture(t, "testdata/wechat_pywxdump/wxid_wang03_dict_src.csv")
	msgs, res, err := wxParseAll(t, data, Options{Zone: wxZone})
	if err != nil {
		t.Fatal(err)
	}
	room := Chat{ID: "20990001@chatroom"}
	wang := Party{ID: "wxid_wang03"}
	first := Source{Line: 2, Offset: 69}
	second := Source{Line: 4, Offset: 855}
	wxCompare(t, msgs, []Message{
		{Chat: room, Sender: wang, At: wxCST("2025-03-03 09:12:05"), Kind: Bundle, Text: "群聊的聊天记录\n张三: 〔2021〕3号…", Source: first, Items: []Message{
			{Sender: Party{ID: "wxid_zhang01", Name: "张三"}, At: time.Unix(1740917733, 0).UTC(), Kind: Text,
				Text: "〔2021〕3号 关于调整会议安排的通知\n'请勿外传'", Source: first},
			{Sender: Party{Name: "李四"}, At: wxCST("2025-03-02 20:17:00"), Kind: File, Text: "会议纪要.pdf",
				Media: []Media{{Name: "会议纪要.pdf", MD5: "e4d909c290d0fb1ca068ffaddf22cbd0", Size: 1234}}, Source: first},
		}},
		{Chat: room, Sender: wang, At: wxCST("2025-03-03 09:13:05"), Kind: Bundle, Text: "王五的聊天记录\n", Source: second, Items: []Message{
			{Sender: Party{Name: "王五"}, At: wxCST("2025-03-02 20:18:00"), Kind: Image,
				Media: []Media{{MD5: "9e107d9d372bb6826bd81d3542a419d6", Size: 204800}}, Source: second},
		}},
		{Chat: room, Sender: wang, At: wxCST("2025-03-03 09:14:05"), Kind: Bundle, Text: "坏的", Source: Source{Line: 6, Offset: 1159}},
	})
	if len(res.Problems) != 1 || res.Problems[0].Reason != "BAD_XML" || res.Problems[0].Line != 6 {
		t.Errorf("problems %+v, want the broken repr on line 6", res.Problems)
	}
}

func TestPyLiteral(t *testing.T) {
	t.Parallel()
	v, err := pyLiteral(`{'a': ["x\"y", 'it\'s', None, 12, '\u4e2d\x41'], "b": {}}`)
	want := map[string]any{"a": []any{`x"y`, "it's", nil, "12", "中A"}, "b": map[string]any{}}
	if err != nil || !reflect.DeepEqual(v, want) {
		t.Errorf("%#v %v", v, err)
	}
	for _, bad := range []string{"", "{", "{'a' 1}", "'open", strings.Repeat("[", 100) + strings.Repeat("]", 100), `'\u12'`, "x"} {
		if _, err := pyLiteral(bad); err == nil {
			t.Errorf("%q read as a literal", bad)
		}
	}
}

// Exported with my_wxid, PyWxDump names the owner by wxid: it is kept.
func TestPyWxDumpOwnerByWxid(t *testing.T) {
	t.Parallel()
	in := "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n" +
		"1,9,文本,1,wxid_owner00,wxid_li02,好的,,1740964400\r\n" +
		"2,10,文本,1,未知,wxid_li02,收到,,1740964401\r\n"
	msgs, _, err := wxParseAll(t, []byte(in), Options{})
	if err != nil || len(msgs) != 2 {
		t.Fatal(err, msgs)
	}
	if msgs[0].Sender != (Party{ID: "wxid_owner00"}) || msgs[1].Sender != (Party{Name: "我"}) {
		t.Errorf("senders %+v, %+v", msgs[0].Sender, msgs[1].Sender)
	}
}
