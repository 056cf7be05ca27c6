package chatexport

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestParseQQ(t *testing.T) {
	t.Parallel()
	runGolden(t, QQ, []txtGolden{{
		file: "qq/group.txt",
		opts: Options{Zone: shanghai},
		want: []string{
			`9 2025-03-03T01:12:05Z [某某工作群] 张三#123456 IMAGE "[图片]" media(,omitted)`,
			`12 2025-03-03T01:13:10Z [某某工作群] 李四#234567 TEXT "今天的材料\n第二行"`,
			`16 2025-03-03T01:14:00Z [某某工作群] 王五#wangwu@example.com BUNDLE "[聊天记录]"`,
			`19 2025-03-03T01:15:00Z [某某工作群]  JOIN "赵六加入本群。" member(赵六)`,
			`22 2025-03-03T01:16:00Z [某某工作群] 张三#123456 TEXT "看这个[图片][图片]" media(,omitted) media(,omitted)`,
			`25 2025-03-03T01:17:00Z [某某工作群] 李四#234567 RECALL "李四撤回了一条消息"`,
			`31 2025-03-03T01:19:00Z [某某工作群] 孙七#345678 FILE "[文件]" media(,omitted)`,
			`34 2025-03-03T01:20:00Z [某某工作群]  LEAVE "孙七被管理员移出本群。" member(孙七)`,
			`42 2025-03-04T02:00:00Z [周八(1:1)] 周八#456789 TEXT "你好"`,
			`45 2025-03-04T02:01:00Z [周八(1:1)] 吴九 TEXT "讨论组里只有昵称"`,
		},
		problems: []string{"28 BAD_TIME"},
	}})
}

func TestParseQQRejectsOtherFormats(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"line/group_zh_tw.txt", "whatsapp/ios_dayfirst.txt"} {
		data, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if detectQQ(data) {
			t.Errorf("%s detected as QQ", f)
		}
		_, err = Parse(bytes.NewReader(data), Options{Format: QQ}, func(*Message) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "line 1:") {
			t.Errorf("%s read as QQ: %v", f, err)
		}
	}
}

// A message's text is bounded: past MaxLine it is cut, reported, and kept.
func TestParseQQCutsLongMessage(t *testing.T) {
	t.Parallel()
	var in strings.Builder
	in.WriteString("消息对象:群\n2025-03-03 09:12:05 张三(123456)\n")
	line := strings.Repeat("长", 1000) + "\n"
	for in.Len() < MaxLine+len(line)*2 {
		in.WriteString(line)
	}
	in.WriteString("2025-03-03 09:12:06 张三(123456)\n下一条\n")
	var got []*Message
	res, err := Parse(strings.NewReader(in.String()), Options{}, func(m *Message) error { got = append(got, m); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0].Text) > MaxLine || len(got[0].Source.Raw) > MaxRaw || got[1].Text != "下一条" {
		t.Fatalf("got %d messages", len(got))
	}
	if len(res.Problems) != 1 || res.Problems[0].Reason != "TOO_LONG" || res.Problems[0].Line < 3 {
		t.Errorf("problems %+v", res.Problems)
	}
}

func FuzzParseQQ(f *testing.F) { fuzzText(f, QQ, "qq") }

func qqRow(i int, b []byte) []byte {
	b = append(b, "2025-03-03 09:"...)
	b = append(b, byte('0'+i/600%6), byte('0'+i/60%10), ':', byte('0'+i/10%6), byte('0'+i%10))
	b = append(b, " 张三("...)
	b = strconv.AppendInt(b, int64(100000+i%50), 10)
	b = append(b, ")\n第"...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, "条消息：会议材料请勿外传\n\n"...)
	return b
}

const qqHead = "消息记录（此消息记录为文本格式，不支持重新导入）\n\n" +
	"================================================================\n消息对象:某某工作群\n" +
	"================================================================\n\n"

func qqBenchData(n int) []byte {
	b := []byte(qqHead)
	for i := range n {
		b = qqRow(i, b)
	}
	return b
}

func BenchmarkParseQQ(b *testing.B) {
	const n = 200000
	benchText(b, QQ, qqBenchData(n), n)
}

func BenchmarkLineScanQQ(b *testing.B) {
	const n = 200000
	benchScan(b, qqBenchData(n), n)
}

func TestParseQQHeapBounded(t *testing.T) {
	heapCheck(t, QQ, qqHead, 64<<20, qqRow)
}

// A chat listed under a group of friends is one-to-one; one under 我的群聊 is
// a group (a private chat read as a group made the hop into it a venue).
func TestParseQQFriendChatIsDirect(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/qq/group.txt")
	if err != nil {
		t.Fatal(err)
	}
	direct := map[string]bool{}
	if _, err := Parse(bytes.NewReader(data), Options{}, func(m *Message) error {
		direct[m.Chat.Name] = m.Chat.Direct
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if direct["某某工作群"] || !direct["周八"] {
		t.Errorf("direct %v", direct)
	}
	for section, want := range map[string]bool{"我的好友": true, "同学": true, "我的群聊": false, "我的QQ群": false, "我的讨论组": false, "多人聊天": false, "": false} {
		if qqFriends(section) != want {
			t.Errorf("qqFriends(%q) = %v", section, !want)
		}
	}
}
