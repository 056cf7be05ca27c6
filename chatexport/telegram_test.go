package chatexport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/racing"
)

// tgSource finds message id's object in a tdesktop-indented file: its line,
// the offset of its brace and its text.
func tgSource(data []byte, id int) Source {
	at := bytes.Index(data, fmt.Appendf(nil, "\n  {\n   \"id\": %d,\n", id))
	if at < 0 {
		at = bytes.Index(data, fmt.Appendf(nil, "\n    {\n     \"id\": %d,\n", id))
	}
	start := at + 1 + bytes.IndexByte(data[at+1:], '{')
	end := start + bytes.Index(data[start:], []byte("\n  }")) + 4
	if i := bytes.Index(data[start:], []byte("\n    }")); bytes.HasPrefix(data[start-4:], []byte("    ")) && i >= 0 {
		end = start + i + 6
	}
	return Source{Line: bytes.Count(data[:start], []byte("\n")) + 1, Offset: int64(start), Raw: string(data[start:end])}
}

func TestParseTelegramChatGolden(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/telegram/chat.json")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := Detect(data); !ok || f != Telegram {
		t.Fatalf("Detect = %q, %v", f, ok)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	chat := Chat{ID: "1234567", Name: "研发群"}
	lilei := Party{ID: "user5550001", Name: "李雷"}
	want := []struct {
		id int
		m  Message
	}{
		{1, Message{Sender: lilei, At: jsonUTC("2025-03-03T01:00:00Z"), Kind: Join, Text: "研发群", Members: []Party{{Name: "韩梅梅"}, {}}}},
		{2, Message{Sender: lilei, At: jsonUTC("2025-03-03T01:12:05Z"), Kind: File, ForwardedFrom: &Party{Name: "韩梅梅"},
			Media: []Media{{Name: "files/关于加强保密管理的通知.pdf"}}}},
		{3, Message{Sender: Party{ID: "user5550002", Name: "韩梅梅"}, At: jsonUTC("2025-03-03T01:13:00Z"), Kind: Text, Text: "请看〔2021〕3号的第二段：https://example.com/3"}},
		{4, Message{Sender: Party{ID: "user5550003", Name: "王芳"}, At: jsonUTC("2025-03-03T01:14:00Z"), Kind: Image, Text: "截图", ForwardedFrom: &Party{},
			Media: []Media{{Name: "photos/photo_1@03-03-2025_09-14-00.jpg"}}}},
		{5, Message{Sender: Party{ID: "user5550003", Name: "王芳"}, At: jsonUTC("2025-03-03T01:15:00Z"), Kind: Video, Media: []Media{{Omitted: true}}}},
		{6, Message{Sender: Party{ID: "user5550002", Name: "韩梅梅"}, At: jsonUTC("2025-03-03T01:16:00Z"), Kind: Join, Members: []Party{{Name: "赵强"}, {Name: "孙丽"}}}},
		{7, Message{Sender: Party{Name: "李雷"}, At: jsonUTC("2025-03-03T01:17:00Z"), Kind: Join, Members: []Party{{ID: "user5550007", Name: "周杰"}}}},
		// 8 has \x0B, written by tdesktop and not JSON: reported, skipped.
		// 9 has no date_unixtime: its date is read in the zone given.
		{9, Message{Sender: Party{ID: "user5550005", Name: "孙丽"}, At: jsonUTC("2025-03-03T01:19:00Z"), Kind: Voice,
			Media: []Media{{Name: "voice_messages/audio_1@03-03-2025_09-19-00.ogg"}}}},
		{11, Message{Sender: lilei, At: jsonUTC("2025-03-03T01:21:00Z"), Kind: Leave, Members: []Party{{Name: "赵强"}}}},
		{12, Message{Sender: lilei, At: jsonUTC("2025-03-03T01:22:00Z"), Kind: System, Text: "pin_message"}},
		{14, Message{Sender: Party{ID: "user5550002", Name: "韩梅梅"}, At: jsonUTC("2025-03-03T01:23:00Z"), Kind: Image, Text: "原图",
			Media: []Media{{Name: "files/IMG_0042.JPG"}}}},
	}
	got, res, err := jsonParseAll(t, data, Options{Zone: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != Telegram || len(got) != len(want) {
		t.Fatalf("format %q, %d messages, want %d; problems %+v", res.Format, len(got), len(want), res.Problems)
	}
	for i, w := range want {
		w.m.Chat, w.m.ID, w.m.Source = chat, fmt.Sprint(w.id), tgSource(data, w.id)
		if !reflect.DeepEqual(*got[i], w.m) {
			t.Errorf("message %d:\n got %+v\nwant %+v", w.id, *got[i], w.m)
		}
	}
	wantProblems := []struct {
		id     int
		reason string
	}{{8, "BAD_JSON"}, {10, "BAD_TIME"}, {13, "UNSUPPORTED"}}
	if len(res.Problems) != len(wantProblems) {
		t.Fatalf("problems %+v", res.Problems)
	}
	for i, w := range wantProblems {
		p, src := res.Problems[i], tgSource(data, w.id)
		if p.Line != src.Line || p.Offset != src.Offset || p.Reason != w.reason || p.Raw != src.Raw {
			t.Errorf("problem %d: %+v, want line %d at %d %s %q", i, p, src.Line, src.Offset, w.reason, src.Raw)
		}
	}
}

func TestParseTelegramAccountGolden(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/telegram/account.json")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := Detect(data); !ok || f != Telegram {
		t.Fatalf("Detect = %q, %v", f, ok)
	}
	meimei := Party{ID: "user5550002", Name: "韩梅梅"}
	want := []Message{
		{ID: "101", Chat: Chat{ID: "5550001", Name: "李雷", Direct: true}, Sender: meimei, At: jsonUTC("2025-03-03T01:10:00Z"), Kind: File, Text: "定稿",
			Media: []Media{{Name: "files/关于加强保密管理的通知.pdf"}}},
		{ID: "102", Chat: Chat{ID: "5550002"}, Sender: meimei, At: jsonUTC("2025-03-03T01:30:00Z"), Kind: Text, Text: "〔2021〕3号", ForwardedFrom: &Party{Name: "李雷"}},
		{ID: "7", Chat: Chat{ID: "9990001", Name: "外部交流群"}, Sender: Party{ID: "channel9990002", Name: "某频道"}, At: jsonUTC("2025-03-04T02:00:00Z"), Kind: Image,
			ForwardedFrom: &Party{Name: "研发群"}, Media: []Media{{Omitted: true}}},
	}
	got, res, err := jsonParseAll(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(res.Problems) > 0 {
		t.Fatalf("%d messages, want %d; problems %+v", len(got), len(want), res.Problems)
	}
	for i := range want {
		line := bytes.Index(data, []byte(`"id": `+want[i].ID+",\n      \"type\": \"message\""))
		start := bytes.LastIndexByte(data[:line], '{')
		end := start + bytes.Index(data[start:], []byte("\n     }")) + 7
		want[i].Source = Source{Line: bytes.Count(data[:start], []byte("\n")) + 1, Offset: int64(start), Raw: string(data[start:end])}
		if !reflect.DeepEqual(*got[i], want[i]) {
			t.Errorf("message %d:\n got %+v\nwant %+v", i, *got[i], want[i])
		}
	}
}

func TestParseTelegramProblems(t *testing.T) {
	t.Parallel()
	msg := func(id int, text string) string {
		return fmt.Sprintf(`{"id": %d, "type": "message", "date_unixtime": "1740964325", "from": "李雷", "from_id": "user1", "text": %q}`, id, text)
	}
	chat := func(msgs ...string) string {
		return "{\n \"name\": \"群\",\n \"type\": \"private_group\",\n \"id\": 1,\n \"messages\": [\n  " + strings.Join(msgs, ",\n  ") + "\n ]\n}\n"
	}
	for _, tc := range []struct {
		name    string
		in      string
		msgs    int
		reasons []string
		err     string
	}{
		{"truncated inside a message", chat(msg(1, "一"), msg(2, "二"))[:110+len(msg(1, "一"))], 1, []string{"TRUNCATED"}, ""},
		{"truncated between messages", strings.TrimSuffix(chat(msg(1, "一"), msg(2, "二")), "\n ]\n}\n"), 2, []string{"TRUNCATED"}, ""},
		{"a message over MaxLine", chat(msg(1, "一"), msg(2, strings.Repeat("长", MaxLine/3+1)), msg(3, "三")), 2, []string{"TOO_LONG"}, ""},
		{"a message that is not an object", chat(msg(1, "一"), "42", msg(3, "三")), 2, []string{"BAD_JSON"}, ""},
		{"a missing comma", chat(msg(1, "一"), msg(2, "二")+" "+msg(3, "三"), msg(4, "四")), 3, []string{"BAD_JSON"}, ""},
		{"a broken message then more", chat(msg(1, "一"), `{"id": 2, "text": "\q"}`, msg(3, "三")), 2, []string{"BAD_JSON"}, ""},
		{"a bad date_unixtime", chat(strings.Replace(msg(1, "一"), "1740964325", "昨天", 1), msg(2, "二")), 1, []string{"BAD_TIME"}, ""},
		{"truncated inside a broken message", chat(msg(1, "一"), `{"id": 2, "text": "\q`), 1, []string{"TRUNCATED"}, ""},
		{"a byte order mark", "\xef\xbb\xbf" + chat(msg(1, "一")), 1, nil, ""},
		{"not the format", "msgid,from\n1,a\n", 0, nil, "line 1: not a Telegram export"},
		{"an array", "[\n" + msg(1, "一") + "\n]", 0, nil, "line 1: not a Telegram export"},
		{"an object without messages", "{\n \"name\": \"群\"\n}\n", 0, nil, "line 3: a JSON object without messages"},
		{"a name over MaxLine", "{\n \"name\": \"" + strings.Repeat("x", MaxLine+100) + "\",\n \"messages\": []}", 0, nil, "line 2: a value over"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, res, err := jsonParseAll(t, []byte(tc.in), Options{Format: Telegram})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.msgs {
				t.Errorf("%d messages, want %d", len(got), tc.msgs)
			}
			var reasons []string
			for _, p := range res.Problems {
				reasons = append(reasons, p.Reason)
				if p.Line < 1 {
					t.Errorf("problem without a line: %+v", p)
				}
			}
			if !reflect.DeepEqual(reasons, tc.reasons) {
				t.Errorf("problems %+v, want %v", res.Problems, tc.reasons)
			}
			for _, m := range got {
				at := strings.Index(tc.in, `{"id": `+m.ID+",")
				line := strings.Count(tc.in[:at], "\n") + 1
				if m.Source.Line != line || m.Source.Offset != int64(at) || !strings.HasPrefix(m.Source.Raw, `{"id": `+m.ID+",") {
					t.Errorf("message %s at line %d offset %d, want line %d offset %d", m.ID, m.Source.Line, m.Source.Offset, line, at)
				}
			}
		})
	}
}

func TestDetectTelegramNotOthers(t *testing.T) {
	t.Parallel()
	for _, head := range []string{
		`{"msgid":"1","action":"send","from":"a","msgtime":1,"msgtype":"text","text":{"content":"x"}}`,
		"{\n \"name\": \"x\",\n \"rows\": []\n}",
		"[1, 2]",
		"消息对象:某某工作群\n",
		"{\n \"about\": \"x\",\n \"items\": []\n}",
	} {
		if detectTelegram([]byte(head)) {
			t.Errorf("detectTelegram(%q) = true", head)
		}
	}
	for _, head := range []string{
		"{\n \"type\": \"saved_messages\",\n \"id\": 1,\n \"messages\": [",
		"{\n \"about\": \"Here is the data you requested.\",\n \"personal_information\": {\n  \"user_id\": 1,",
	} {
		if !detectTelegram([]byte(head)) {
			t.Errorf("detectTelegram(%q) = false", head)
		}
	}
}

// tgGen writes a one-chat export of n messages as tdesktop indents it:
// texts, entity arrays, forwards, photos and joins.
func tgGen(w io.Writer, n int) {
	io.WriteString(w, "{\n \"name\": \"研发群\",\n \"type\": \"private_supergroup\",\n \"id\": 1234567,\n \"messages\": [")
	for i := range n {
		if i > 0 {
			io.WriteString(w, ",")
		}
		at := 1740964325 + i
		head := fmt.Sprintf("\n  {\n   \"id\": %d,\n   \"type\": \"message\",\n   \"date\": \"2025-03-03T09:12:05\",\n   \"date_unixtime\": \"%d\",\n   \"from\": \"用户%d\",\n   \"from_id\": \"user%d\",\n", i+1, at, i%37, 5550000+i%37)
		switch i % 10 {
		case 0:
			fmt.Fprintf(w, "%s   \"forwarded_from\": \"用户%d\",\n   \"photo\": \"photos/photo_%d@03-03-2025_09-12-05.jpg\",\n   \"width\": 1280,\n   \"height\": 960,\n   \"text\": \"\",\n   \"text_entities\": []\n  }", head, i%41, i)
		case 5:
			fmt.Fprintf(w, "%s   \"text\": [\n    \"请看\",\n    {\n     \"type\": \"bold\",\n     \"text\": \"〔2021〕3号\"\n    },\n    \"第%d段\"\n   ],\n   \"text_entities\": [\n    {\n     \"type\": \"plain\",\n     \"text\": \"请看\"\n    }\n   ]\n  }", head, i)
		case 7:
			fmt.Fprintf(w, "\n  {\n   \"id\": %d,\n   \"type\": \"service\",\n   \"date\": \"2025-03-03T09:12:05\",\n   \"date_unixtime\": \"%d\",\n   \"actor\": \"用户%d\",\n   \"actor_id\": \"user%d\",\n   \"action\": \"invite_members\",\n   \"members\": [\n    \"用户%d\"\n   ],\n   \"text\": \"\",\n   \"text_entities\": []\n  }", i+1, at, i%37, 5550000+i%37, i%43)
		default:
			fmt.Fprintf(w, "%s   \"text\": \"第%d条消息：〔2021〕3号文件请各位查收，内部资料请勿外传。\",\n   \"text_entities\": []\n  }", head, i)
		}
	}
	io.WriteString(w, "\n ]\n}\n")
}

func TestParseTelegramHeapBounded(t *testing.T) {
	if testing.Short() || racing.Enabled {
		t.Skip("parses 64 MiB")
	}
	growth, msgs, size := jsonHeapGrowth(t, Telegram, 64<<20, tgGen)
	t.Logf("%d messages in %d MiB: heap grew at most %d KiB", msgs, size>>20, growth>>10)
	if growth > 64<<20 {
		t.Errorf("heap grew %d MiB, over 64 MiB", growth>>20)
	}
}

func FuzzParseTelegram(f *testing.F) {
	for _, name := range []string{"testdata/telegram/chat.json", "testdata/telegram/account.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	var small bytes.Buffer
	tgGen(&small, 12)
	f.Add(small.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		_, res, _ := jsonParseAll(t, in, Options{Format: Telegram})
		for _, p := range res.Problems {
			if p.Line < 1 {
				t.Fatalf("problem without a line: %+v", p)
			}
		}
	})
}

// The messages are read in one pass: a message costs a few allocations
// (its strings, its Message), not the decoder's reflection over it twice.
func TestParseTelegramAllocsPerMessage(t *testing.T) {
	var buf bytes.Buffer
	const n = 2000
	tgGen(&buf, n)
	data := buf.Bytes()
	allocs := testing.AllocsPerRun(3, func() {
		res, err := Parse(bytes.NewReader(data), Options{Format: Telegram}, func(*Message) error { return nil })
		if err != nil || res.Messages != n {
			t.Fatal(err, res.Messages)
		}
	})
	// 25 before the one-pass reader; its strings and Message are about 12.
	if allocs/n > 16 {
		t.Errorf("%.1f allocations a message, want at most 16", allocs/n)
	}
}

func BenchmarkParseTelegram(b *testing.B) {
	var buf bytes.Buffer
	const n = 200_000
	tgGen(&buf, n)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		res, err := Parse(bytes.NewReader(data), Options{Format: Telegram}, func(*Message) error { return nil })
		if err != nil || res.Messages != n {
			b.Fatal(err, res.Messages)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "messages/s")
}

func BenchmarkLineScanTelegram(b *testing.B) {
	var buf bytes.Buffer
	const n = 200_000
	tgGen(&buf, n)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		jsonScanLines(b, data, n)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "messages/s")
}

// A broken message deep in an account export: the fresh decoder must stand
// in the same containers, so the chats after it are still read as chats.
func TestParseTelegramAccountRecovers(t *testing.T) {
	t.Parallel()
	msg := func(id int) string {
		return fmt.Sprintf(`{"id": %d, "type": "message", "date_unixtime": "1740964325", "from": "李雷", "from_id": "user1", "text": "第%d条"}`, id, id)
	}
	in := `{"about": "x", "personal_information": {"user_id": 1}, "chats": {"about": "y", "list": [
  {"name": "甲", "type": "personal_chat", "id": 1, "messages": [` + msg(1) + `, {"id": 2, "text": "控制字符\x0B"}, ` + msg(3) + `]},
  {"name": "乙", "type": "private_group", "id": 2, "messages": [` + msg(4) + `]}
 ]}, "left_chats": {"about": "z", "list": [{"name": "丙", "type": "public_channel", "id": 3, "messages": [` + msg(5) + `]}]}}`
	got, res, err := jsonParseAll(t, []byte(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids, chats []string
	for _, m := range got {
		ids = append(ids, m.ID)
		chats = append(chats, m.Chat.Name)
	}
	if !reflect.DeepEqual(ids, []string{"1", "3", "4", "5"}) || !reflect.DeepEqual(chats, []string{"甲", "甲", "乙", "丙"}) {
		t.Errorf("ids %v in chats %v", ids, chats)
	}
	if len(res.Problems) != 1 || res.Problems[0].Line != 2 || res.Problems[0].Offset != int64(strings.Index(in, `{"id": 2`)) {
		t.Errorf("problems %+v", res.Problems)
	}
	if !got[0].Chat.Direct || got[2].Chat.Direct {
		t.Errorf("direct: %v %v", got[0].Chat, got[2].Chat)
	}
}

// The one-pass reader must read a message as the decoder does, or leave it
// to the decoder.
func FuzzTelegramFastAsDecoder(f *testing.F) {
	for _, name := range []string{"testdata/telegram/chat.json", "testdata/telegram/account.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, m := range bytes.Split(data, []byte("\n  },")) {
			if i := bytes.IndexByte(m, '{'); i >= 0 {
				f.Add(append(bytes.Clone(m[i:]), '}'))
			}
		}
	}
	for _, s := range []string{
		`{"id": 1, "text": ["a", {"type": "bold", "text": "b"}, null, {"text": null}], "from": null, "Type": "x"}`,
		`{"id": 1, "type": "service", "members": ["a", null], "forwarded_from": null, "text": "\u00e9\n"}`,
		`{"id": -1.5e3, "type": null, "date": "x", "text": 5}`,
		`{"id": 1, "text": "\x0B"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var fast tgMsg
		if !tgFast(in, &fast) {
			return
		}
		var slow tgMsg
		if err := json.Unmarshal(in, &slow); err != nil {
			t.Fatalf("tgFast read what the decoder rejects: %v", err)
		}
		if len(slow.Members) == 0 {
			slow.Members = nil // [] and null are both no members
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("tgFast read\n%+v\nthe decoder\n%+v", fast, slow)
		}
	})
}
