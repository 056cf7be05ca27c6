package chatexport

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseWhatsApp(t *testing.T) {
	t.Parallel()
	zone := Options{Zone: shanghai}
	monthFirst := false
	readMonthFirst := []string{
		`1 2025-03-04T01:12:00Z [] 李雷 TEXT "日期不分先后"`,
		`2 2025-03-04T01:13:00Z [] 韩梅梅 TEXT "好"`,
	}
	runGolden(t, WhatsApp, []txtGolden{
		{file: "whatsapp/ios_dayfirst.txt", opts: zone, want: []string{
			`1 2025-03-03T01:12:05Z [] 李雷 IMAGE "<attached: 00000042-PHOTO-2025-03-03-09-12-05.jpg>" media(00000042-PHOTO-2025-03-03-09-12-05.jpg)`,
			`2 2025-03-03T01:13:00Z [] 韩梅梅 TEXT "第一行\n第二行\n\n第四行"`,
			`6 2025-03-13T13:00:00Z [] 李雷 JOIN "李雷 added 王芳 and 赵强" member(王芳) member(赵强)`,
			`7 2025-03-13T13:01:00Z [] +86 138 0000 0000#+8613800000000 RECALL "This message was deleted"`,
			`8 2025-03-13T13:02:00Z []  LEAVE "王芳 left" member(王芳)`,
			`9 2025-03-13T13:03:00Z []  JOIN "赵强 joined using this group's invite link" member(赵强)`,
			`10 2025-03-13T13:04:00Z [] 王芳 IMAGE "image omitted" media(,omitted)`,
			`12 2025-03-14T13:06:00Z [] 王芳 TEXT "时间里有冒号: 不是发送者"`,
			`13 2025-03-14T13:07:00Z []  SYSTEM "李雷 changed the subject to \"周报: 第十周\""`,
		}, problems: []string{"11 BAD_TIME"}},
		{file: "whatsapp/android_monthfirst.txt", opts: zone, want: []string{
			`1 2025-03-03T01:12:00Z []  SYSTEM "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them."`,
			`2 2025-03-03T01:12:00Z [] 李雷 OTHER "<Media omitted>" media(,omitted)`,
			`3 2025-03-13T13:40:00Z [] 韩梅梅 IMAGE "IMG-20250313-WA0001.jpg (file attached)\n配图说明" media(IMG-20250313-WA0001.jpg)`,
			`5 2025-03-14T13:41:00Z [] 李雷 LEAVE "李雷 removed 韩梅梅" member(韩梅梅)`,
		}},
		{file: "whatsapp/zh_yearfirst.txt", opts: zone, want: []string{
			`1 2025-03-03T01:12:00Z [] 李雷 OTHER "<省略影音内容>" media(,omitted)`,
			`2 2025-03-03T06:40:00Z [] 韩梅梅 TEXT "下午好"`,
			`3 2025-03-03T06:41:00Z [] 李雷 JOIN "李雷添加了王芳、赵强" member(王芳) member(赵强)`,
			`4 2025-03-03T06:42:00Z []  LEAVE "王芳已退出" member(王芳)`,
			`5 2025-03-03T06:43:00Z [] 韩梅梅 RECALL "此消息已删除"`,
		}},
		// Nothing in the file tells day from month: day first, and a problem says so…
		{file: "whatsapp/ambiguous.txt", opts: zone, want: []string{
			`1 2025-04-03T01:12:00Z [] 李雷 TEXT "日期不分先后"`,
			`2 2025-04-03T01:13:00Z [] 韩梅梅 TEXT "好"`,
		}, problems: []string{"1 DATE_ORDER_ASSUMED"}},
		// …unless the option says.
		{file: "whatsapp/ambiguous.txt", opts: Options{Zone: shanghai, DayFirst: &monthFirst}, want: readMonthFirst},
	})
}

// The phone's owner is You in an event, and 我 — the owner, as PyWxDump
// names them — once read, not a person called You.
func TestParseWhatsAppYouIsTheOwner(t *testing.T) {
	t.Parallel()
	in := "[13/03/2025, 21:00:00] 李雷: 大家好\n" +
		"[13/03/2025, 21:01:00] \u200eYou added 王芳\n" +
		"[13/03/2025, 21:02:00] \u200e李雷 added you\n" +
		"[13/03/2025, 21:03:00] \u200eYou left\n" +
		"[13/03/2025, 21:04:00] \u200eYou joined using this group's invite link\n" +
		"[13/03/2025, 21:05:00] \u200e你添加了赵强\n"
	var got []string
	if _, err := Parse(strings.NewReader(in), Options{Zone: shanghai}, func(m *Message) error {
		if m.Kind == Join || m.Kind == Leave {
			line := string(m.Kind) + " by " + m.Sender.Name + ":"
			for _, p := range m.Members {
				line += " " + p.Name
			}
			got = append(got, line)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"JOIN by 我: 王芳", "JOIN by 李雷: 我", "LEAVE by : 我", "JOIN by : 我", "JOIN by 我: 赵强"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("read\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The day/month order is settled by a date far past the 8 KiB detection
// head, and the file wins over the option.
func TestParseWhatsAppOrderFromLookahead(t *testing.T) {
	t.Parallel()
	var in strings.Builder
	for i := 0; in.Len() < 300<<10; i++ {
		in.WriteString("03/04/2025, 09:12 - 李雷: 第" + strconv.Itoa(i) + "条\n")
	}
	in.WriteString("04/13/2025, 09:12 - 李雷: 四月十三日\n")
	dayFirst := true
	var first, last time.Time
	res, err := Parse(strings.NewReader(in.String()), Options{DayFirst: &dayFirst}, func(m *Message) error {
		if first.IsZero() {
			first = m.At
		}
		last = m.At
		return nil
	})
	if err != nil || len(res.Problems) > 0 {
		t.Fatal(err, res.Problems)
	}
	if !first.Equal(time.Date(2025, 3, 4, 9, 12, 0, 0, time.UTC)) || !last.Equal(time.Date(2025, 4, 13, 9, 12, 0, 0, time.UTC)) {
		t.Errorf("read %v … %v", first, last)
	}
}

func TestParseWhatsAppRejectsOtherFormats(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"qq/group.txt", "line/group_zh_tw.txt", "line/pc.txt"} {
		data, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if detectWhatsApp(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))) {
			t.Errorf("%s detected as WhatsApp", f)
		}
		_, err = Parse(bytes.NewReader(data), Options{Format: WhatsApp}, func(*Message) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "line 1:") {
			t.Errorf("%s read as WhatsApp: %v", f, err)
		}
	}
}

func FuzzParseWhatsApp(f *testing.F) { fuzzText(f, WhatsApp, "whatsapp") }

// waRow writes iOS rows with seconds, a tenth of them over two lines; the
// 13th of the month settles the order at once.
func waRow(i int, b []byte) []byte {
	d := 13 + i/5000%15
	b = append(b, '[', byte('0'+d/10), byte('0'+d%10))
	b = append(b, "/03/2025, 09:"...)
	b = append(b, byte('0'+i/600%6), byte('0'+i/60%10), ':', byte('0'+i/10%6), byte('0'+i%10))
	b = append(b, "] 李雷: "...)
	if i%10 == 0 {
		return append(b, "会议材料\n请勿外传\n"...)
	}
	return append(b, "会议材料请勿外传，谢谢大家\n"...)
}

func waBenchData(n int) []byte {
	var b []byte
	for i := range n {
		b = waRow(i, b)
	}
	return b
}

func BenchmarkParseWhatsApp(b *testing.B) {
	const n = 200000
	benchText(b, WhatsApp, waBenchData(n), n)
}

func BenchmarkLineScanWhatsApp(b *testing.B) {
	const n = 200000
	benchScan(b, waBenchData(n), n)
}

func TestParseWhatsAppHeapBounded(t *testing.T) {
	heapCheck(t, WhatsApp, "", 64<<20, waRow)
}
