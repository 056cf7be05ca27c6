package chatexport

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"
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
		{1, Message{Sender: lilei, At: ms("2025-03-03T01:00:00Z"), Kind: Join, Text: "研发群", Members: []Party{{Name: "韩梅梅"}, {}}}},
		{2, Message{Sender: lilei, At: ms("2025-03-03T01:12:05Z"), Kind: File, ForwardedFrom: &Party{Name: "韩梅梅"},
			Media: []Media{{Name: "files/关于加强保密管理的通知.pdf"}}}},
		{3, Message{Sender: Party{ID: "user5550002", Name: "韩梅梅"}, At: ms("2025-03-03T01:13:00Z"), Kind: Text, Text: "请看〔2021〕3号的第二段：https://example.com/3"}},
		{4, Message{Sender: Party{ID: "user5550003", Name: "王芳"}, At: ms("2025-03-03T01:14:00Z"), Kind: Image, Text: "截图", ForwardedFrom: &Party{},
			Media: []Media{{Name: "photos/photo_1@03-03-2025_09-14-00.jpg"}}}},
		{5, Message{Sender: Party{ID: "user5550003", Name: "王芳"}, At: ms("2025-03-03T01:15:00Z"), Kind: Video, Media: []Media{{Omitted: true}}}},
		{6, Message{Sender: Party{ID: "user5550002", Name: "韩梅梅"}, At: ms("2025-03-03T01:16:00Z"), Kind: Join, Members: []Party{{Name: "赵强"}, {Name: "孙丽"}}}},
		{7, Message{Sender: Party{Name: "李雷"}, At: ms("2025-03-03T01:17:00Z"), Kind: Join, Members: []Party{{ID: "user5550007", Name: "周杰"}}}},
		// 8 has \x0B, written by tdesktop and not JSON: reported, skipped.
		// 9 has no date_unixtime: its date is read in the zone given.
		{9, Message{Sender: Party{ID: "user5550005", Name: "孙丽"}, At: ms("2025-03-03T01:19:00Z"), Kind: Voice,
			Media: []Media{{Name: "voice_messages/audio_1@03-03-2025_09-19-00.ogg"}}}},
		{11, Message{Sender: lilei, At: ms("2025-03-03T01:21:00Z"), Kind: Leave, Members: []Party{{Name: "赵强"}}}},
		{12, Message{Sender: lilei, At: ms("2025-03-03T01:22:00Z"), Kind: System, Text: "pin_message"}},
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
