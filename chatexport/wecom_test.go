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

// jsonParseAll parses data and returns what came out.
func jsonParseAll(t testing.TB, data []byte, o Options) ([]*Message, Result, error) {
	t.Helper()
	var got []*Message
	res, err := Parse(bytes.NewReader(data), o, func(m *Message) error {
		got = append(got, m)
		return nil
	})
	return got, res, err
}

// jsonLine returns line n (from 1) of data and its byte offset.
func jsonLine(data []byte, n int) (string, int64) {
	off := 0
	for i := 1; i < n; i++ {
		off += bytes.IndexByte(data[off:], '\n') + 1
	}
	line, _, _ := bytes.Cut(data[off:], []byte("\n"))
	return string(line), int64(off)
}

func jsonUTC(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParseWeComGolden(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/wecom/archive.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := Detect(data); !ok || f != WeCom {
		t.Fatalf("Detect = %q, %v", f, ok)
	}
	group := Chat{ID: "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"}
	pair := Chat{ID: "lisi|zhangsan", Direct: true}
	leak := "各位，〔2021〕3号文件的定稿在群文件里。"
	pdf := Media{Name: "关于加强保密管理的通知.pdf", MD5: "9e107d9d372bb6826bd81d3542a419d6", Size: 183246}
	photo := Media{MD5: "e4d909c290d0fb1ca068ffaddf22cbd0", Size: 40211}
	want := []struct {
		line int
		m    Message
	}{
		{1, Message{ID: "1001_1740964325", Chat: group, Sender: Party{ID: "zhangsan"}, At: jsonUTC("2025-03-03T01:12:05Z"), Kind: Text, Text: leak}},
		{2, Message{ID: "1002_1740964400", Chat: pair, Sender: Party{ID: "lisi"}, At: jsonUTC("2025-03-03T01:13:20.123Z"), Kind: File, Media: []Media{pdf}}},
		{3, Message{ID: "1003_1740964500", Chat: pair, Sender: Party{ID: "zhangsan"}, At: jsonUTC("2025-03-03T01:15:00Z"), Kind: Image, Media: []Media{photo}}},
		{5, Message{ID: "1004_1740964600", Chat: group, Sender: Party{ID: "wangwu"}, At: jsonUTC("2025-03-03T01:16:40Z"), Kind: Bundle, Text: "群聊的聊天记录",
			Items: []Message{
				{Chat: Chat{}, At: jsonUTC("2025-03-03T01:12:05Z"), Kind: Text, Text: leak},
				{Chat: Chat{Direct: true}, At: jsonUTC("2025-03-03T01:15:00Z"), Kind: Image, Media: []Media{photo}},
				{Chat: Chat{Direct: true}, At: jsonUTC("2025-03-03T01:13:20Z"), Kind: File, Media: []Media{pdf}},
			}}},
		{6, Message{ID: "1005_1740964700", Chat: group, Sender: Party{ID: "zhangsan"}, At: jsonUTC("2025-03-03T01:18:20Z"), Kind: Recall, Recalled: "1001_1740964325"}},
		{7, Message{ID: "1006_1740964800", Chat: Chat{ID: "wmErxtDgAA9AW32YyyuYRimKr7D1KWlw|zhangsan", Direct: true}, Sender: Party{ID: "wmErxtDgAA9AW32YyyuYRimKr7D1KWlw"}, At: jsonUTC("2025-03-03T01:20:00Z"), Kind: System, Text: "agree"}},
		{8, Message{ID: "1007_1740964900", Chat: pair, Sender: Party{ID: "lisi"}, At: jsonUTC("2025-03-03T01:21:40Z"), Kind: Link, Text: "通知原文\n内部资料，请勿外传\nhttps://example.com/doc/3"}},
		{9, Message{ID: "1008_1740965000", Chat: Chat{ID: "wangwu|zhaoliu", Direct: true}, Sender: Party{ID: "zhaoliu"}, At: jsonUTC("2025-03-03T01:23:20Z"), Kind: Text, Text: "你看这张",
			Media: []Media{{MD5: "0cc175b9c0f1b6a831c399e269772661", Size: 1024}}}},
		{10, Message{ID: "1009_1740965100", Chat: Chat{ID: "wangwu|zhaoliu", Direct: true}, Sender: Party{ID: "zhaoliu"}, At: jsonUTC("2025-03-03T01:25:00Z"), Kind: Other}},
		{11, Message{ID: "1010_1740965200", Sender: Party{ID: "zhangsan"}, At: jsonUTC("2025-03-03T01:26:40Z"), Kind: System, Text: "switch"}},
		{14, Message{ID: "1012_1740965300", Chat: pair, Sender: Party{ID: "lisi"}, At: jsonUTC("2025-03-03T01:28:20Z"), Kind: Voice, Media: []Media{{MD5: "900150983cd24fb0d6963f7d28e17f72", Size: 4512}}}},
	}
	got, res, err := jsonParseAll(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != WeCom || res.Messages != len(want) || len(got) != len(want) {
		t.Fatalf("format %q, %d messages (%d emitted), want %d", res.Format, res.Messages, len(got), len(want))
	}
	for i, w := range want {
		raw, off := jsonLine(data, w.line)
		w.m.Source = Source{Line: w.line, Offset: off, Raw: raw}
		for j := range w.m.Items {
			w.m.Items[j].Source = Source{Line: w.line, Offset: off, Raw: got[i].Items[j].Source.Raw}
		}
		if !reflect.DeepEqual(*got[i], w.m) {
			t.Errorf("message %d:\n got %+v\nwant %+v", i, *got[i], w.m)
		}
	}
	if it := got[3].Items; len(it) == 3 && !strings.Contains(it[0].Source.Raw, "定稿") {
		t.Errorf("a chatrecord item keeps its content as raw: %q", it[0].Source.Raw)
	}
	wantProblems := []struct {
		line   int
		reason string
	}{{12, "BAD_JSON"}, {13, "BAD_TIME"}}
	if len(res.Problems) != len(wantProblems) {
		t.Fatalf("problems %+v", res.Problems)
	}
	for i, w := range wantProblems {
		p := res.Problems[i]
		raw, off := jsonLine(data, w.line)
		if p.Line != w.line || p.Offset != off || p.Reason != w.reason || p.Raw != raw {
			t.Errorf("problem %d: %+v, want line %d at %d %s %q", i, p, w.line, off, w.reason, raw)
		}
	}
}

func TestParseWeComProblems(t *testing.T) {
	t.Parallel()
	ok := `{"msgid":"1","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":1740964325000,"msgtype":"text","text":{"content":"好"}}`
	for _, tc := range []struct {
		name    string
		in      string
		msgs    int
		reasons []string
		err     string
	}{
		{"too long line skipped", ok + "\n" + `{"msgid":"2","text":"` + strings.Repeat("长", MaxLine/3+1) + `"}` + "\n" + ok, 2, []string{"TOO_LONG"}, ""},
		{"payload of the wrong shape", `{"msgid":"3","action":"send","msgtime":1,"msgtype":"file","file":"x.pdf"}` + "\n" + ok, 1, []string{"BAD_JSON"}, ""},
		{"bad chatrecord item content", `{"msgid":"4","action":"send","msgtime":1,"msgtype":"chatrecord","chatrecord":{"item":[{"type":"ChatRecordText","content":"{"}]}}` + "\n" + ok, 1, []string{"BAD_JSON"}, ""},
		{"switch without time", `{"msgid":"5","action":"switch","user":"a"}` + "\n" + ok, 1, []string{"BAD_TIME"}, ""},
		{"not the format", "msgid,from\n1,a\n", 0, nil, "line 1: not a WeCom archive"},
		{"a JSON document, not lines", "{\n \"name\": \"群\",\n \"messages\": []\n}\n", 0, nil, "line 1: not a WeCom archive"},
		{"only bad lines", "{\"msgid\":\"1\"}\n{\"msgid\":\"2\"}\n", 0, nil, "line 1: not a WeCom archive"},
		{"blank lines and CRLF", "\r\n" + ok + "\r\n\r\n" + ok + "\r\n", 2, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, res, err := jsonParseAll(t, []byte(tc.in), Options{Format: WeCom})
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
				if p.Line == 0 {
					t.Errorf("problem without a line: %+v", p)
				}
			}
			if !reflect.DeepEqual(reasons, tc.reasons) {
				t.Errorf("problems %+v, want %v", res.Problems, tc.reasons)
			}
		})
	}
}

func TestParseWeComNestedRecordsBounded(t *testing.T) {
	t.Parallel()
	content := `{"content":"底"}`
	typ := "ChatRecordText"
	for range wecomDepth + 2 {
		content = fmt.Sprintf(`{"item":[{"type":%q,"content":%q}]}`, typ, content)
		typ = "ChatRecordChatRecord"
	}
	line := fmt.Sprintf(`{"msgid":"1","action":"send","msgtime":1,"msgtype":"chatrecord","chatrecord":%s}`, content)
	line += "\n" + `{"msgid":"2","action":"send","msgtime":1,"msgtype":"text","text":{"content":"好"}}`
	got, res, err := jsonParseAll(t, []byte(line), Options{Format: WeCom})
	if err != nil || len(got) != 1 || len(res.Problems) != 1 || res.Problems[0].Reason != "BAD_JSON" {
		t.Fatalf("err %v, %d messages, problems %+v", err, len(got), res.Problems)
	}
}

func TestDetectWeComNotOthers(t *testing.T) {
	t.Parallel()
	for _, head := range []string{
		"{\n \"name\": \"研发群\",\n \"type\": \"private_supergroup\",\n \"id\": 1,\n \"messages\": []\n}",
		"id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n",
		`{"msgid":"1"}`,
	} {
		if detectWeCom([]byte(head)) {
			t.Errorf("detectWeCom(%q) = true", head)
		}
	}
}

// wecomGen writes n archive lines: texts, files with md5sum and chat records.
func wecomGen(w io.Writer, n int) {
	for i := range n {
		at := int64(1740964325000 + i*1000)
		switch i % 10 {
		case 0:
			fmt.Fprintf(w, `{"msgid":"%d","action":"send","from":"user%d","tolist":["user%d"],"roomid":"","msgtime":%d,"msgtype":"file","file":{"filename":"通知%d.pdf","md5sum":"9e107d9d372bb6826bd81d3542a419d6","filesize":%d}}`+"\n", i, i%37, i%41, at, i, 1000+i)
		case 5:
			fmt.Fprintf(w, `{"msgid":"%d","action":"send","from":"user%d","tolist":["user%d","user%d"],"roomid":"wr%d","msgtime":%d,"msgtype":"chatrecord","chatrecord":{"title":"群聊的聊天记录","item":[{"type":"ChatRecordText","msgtime":%d,"content":"{\"content\":\"转发第%d条\"}","from_chatroom":true}]}}`+"\n", i, i%37, i%41, i%43, i%7, at, at/1000-60, i)
		default:
			fmt.Fprintf(w, `{"msgid":"%d","action":"send","from":"user%d","tolist":["user%d","user%d"],"roomid":"wr%d","msgtime":%d,"msgtype":"text","text":{"content":"第%d条消息：〔2021〕3号文件请各位查收，内部资料请勿外传。"}}`+"\n", i, i%37, i%41, i%43, i%7, at, i)
		}
	}
}

func FuzzParseWeCom(f *testing.F) {
	data, err := os.ReadFile("testdata/wecom/archive.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for l := range bytes.SplitSeq(data, []byte("\n")) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		_, res, _ := jsonParseAll(t, in, Options{Format: WeCom})
		for _, p := range res.Problems {
			if p.Line < 1 {
				t.Fatalf("problem without a line: %+v", p)
			}
		}
	})
}

func BenchmarkParseWeCom(b *testing.B) {
	var buf bytes.Buffer
	const n = 200_000
	wecomGen(&buf, n)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		res, err := Parse(bytes.NewReader(data), Options{Format: WeCom}, func(*Message) error { return nil })
		if err != nil || res.Messages != n {
			b.Fatal(err, res.Messages)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "messages/s")
}

func BenchmarkLineScanWeCom(b *testing.B) {
	var buf bytes.Buffer
	const n = 200_000
	wecomGen(&buf, n)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		jsonScanLines(b, data, n)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "messages/s")
}

func TestParseWeComHeapBounded(t *testing.T) {
	if testing.Short() || racing.Enabled {
		t.Skip("parses 64 MiB")
	}
	growth, msgs, size := jsonHeapGrowth(t, WeCom, 64<<20, wecomGen)
	t.Logf("%d messages in %d MiB: heap grew at most %d KiB", msgs, size>>20, growth>>10)
	if growth > 64<<20 {
		t.Errorf("heap grew %d MiB, over 64 MiB", growth>>20)
	}
}

// The one-pass reader must read a line as the decoder does, or leave it to
// the decoder.
func FuzzWeComFastAsDecoder(f *testing.F) {
	data, err := os.ReadFile("testdata/wecom/archive.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	for l := range bytes.SplitSeq(data, []byte("\n")) {
		f.Add(l)
	}
	for _, s := range []string{
		`{"msgid":"1","msgtime":1.5,"tolist":[],"text":null,"Text":{}}`,
		`{"msgid":"1","msgtime":-0,"tolist":["a",null],"file":{"filesize":1e3,"item":[{"msgtime":2,"from_chatroom":null}]}}`,
		`{"msgid":"1","text":{"content":"a"},"text":{"md5sum":"b"}}`,
		`{"msgid":"\u00e9","time":null,"chatrecord":{"item":[{"type":"ChatRecordText","content":"{\"content\":\"x\"}"},null]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var fast wecomLine
		if !wecomFast(in, &fast) {
			return
		}
		var slow wecomLine
		if err := json.Unmarshal(in, &slow); err != nil {
			t.Fatalf("wecomFast read what the decoder rejects: %v", err)
		}
		// [] and null are both none.
		if len(slow.ToList) == 0 {
			slow.ToList = nil
		}
		for _, b := range []*wecomBody{slow.Text, slow.Image, slow.Voice, slow.Video, slow.File, slow.Emotion, slow.Link, slow.Weapp,
			slow.Doc, slow.ChatRecord, slow.Mixed, slow.Revoke, slow.Agree, slow.Disagree, slow.Location, slow.Info, slow.VoipDocShare} {
			if b != nil && len(b.Item) == 0 {
				b.Item = nil
			}
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("wecomFast read\n%+v\nthe decoder\n%+v", fast, slow)
		}
	})
}

// Lines are read in one pass: a line costs its strings and Message, not the
// decoder's reflection over it after a validating scan.
func TestParseWeComAllocsPerMessage(t *testing.T) {
	var buf bytes.Buffer
	const n = 2000
	wecomGen(&buf, n)
	data := buf.Bytes()
	allocs := testing.AllocsPerRun(3, func() {
		res, err := Parse(bytes.NewReader(data), Options{Format: WeCom}, func(*Message) error { return nil })
		if err != nil || res.Messages != n {
			t.Fatal(err, res.Messages)
		}
	})
	// 23 before the one-pass reader.
	if allocs/n > 16 {
		t.Errorf("%.1f allocations a message, want at most 16", allocs/n)
	}
}
