package chatexport

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestParseLINE(t *testing.T) {
	t.Parallel()
	zone := Options{Zone: shanghai}
	runGolden(t, LINE, []txtGolden{
		{file: "line/group_zh_tw.txt", opts: zone, want: []string{
			`5 2025-03-03T01:12:00Z [專案群] 王小明 IMAGE "[照片]" media(,omitted)`,
			// A quoted text keeps its first line's place; a date line and a blank
			// line inside the quotes are text.
			`6 2025-03-03T01:15:00Z [專案群] 王小明 TEXT "第一行\n2025/03/05（三）\n\n第三行"`,
			`10 2025-03-03T04:05:00Z [專案群] 陳大文 FILE "[檔案] 計畫書.pdf" media(計畫書.pdf,omitted)`,
			`11 2025-03-03T06:40:00Z [專案群] 陳大文 RECALL "陳大文已收回訊息"`,
			`12 2025-03-03T06:41:00Z [專案群]  JOIN "林美玲已加入群組" member(林美玲)`,
			`13 2025-03-03T06:42:00Z [專案群] 王小明 JOIN "王小明已新增張志豪、李雅婷至群組" member(張志豪) member(李雅婷)`,
			`14 2025-03-03T06:43:00Z [專案群]  LEAVE "林美玲已離開群組" member(林美玲)`,
			// 上午12:30 is half past midnight.
			`15 2025-03-02T16:30:00Z [專案群] 張志豪 OTHER "[貼圖]"`,
			`19 2025-03-04T15:59:00Z [專案群] 李雅婷 LINK "https://example.com/x\n沒有引號的第二行"`,
		}, problems: []string{"16 BAD_TIME"}},
		{file: "line/direct_zh_cn.txt", opts: zone, want: []string{
			`5 2025-03-03T01:12:00Z [王小明(1:1)] 王小明 TEXT "在吗"`,
			`6 2025-03-03T06:40:00Z [王小明(1:1)] 李华 IMAGE "[图片]" media(,omitted)`,
		}},
		{file: "line/direct_en.txt", opts: zone, want: []string{
			`5 2025-03-03T01:12:00Z [王小明(1:1)] 王小明 IMAGE "[Photo]" media(,omitted)`,
			`6 2025-03-03T04:05:00Z [王小明(1:1)] 李华 TEXT "two\nlines"`,
			`8 2025-03-03T06:40:00Z [王小明(1:1)] 王小明 RECALL "王小明 unsent a message."`,
		}},
		{file: "line/group_ja.txt", opts: zone, want: []string{
			`5 2025-03-03T01:12:00Z [研究会] 山田 IMAGE "[写真]" media(,omitted)`,
			`6 2025-03-03T06:40:00Z [研究会] 山田 JOIN "山田が田中をグループに追加しました。" member(田中)`,
		}},
		{file: "line/pc.txt", opts: zone, want: []string{
			`5 2017-09-03T01:12:00Z [專案群] 王小明 TEXT "早安 大家"`,
			`6 2017-09-03T13:40:00Z [專案群] 陳大文 IMAGE "[照片]" media(,omitted)`,
		}},
		{file: "line/no_date.txt", opts: zone, want: []string{
			`6 2025-03-03T01:13:00Z [專案群] 王小明 TEXT "有日期"`,
		}, problems: []string{"4 BAD_ROW"}},
	})
}

func TestParseLINERejectsOtherFormats(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"qq/group.txt", "whatsapp/ios_dayfirst.txt", "whatsapp/zh_yearfirst.txt"} {
		data, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if detectLINE(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))) {
			t.Errorf("%s detected as LINE", f)
		}
		_, err = Parse(bytes.NewReader(data), Options{Format: LINE}, func(*Message) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "line 1:") {
			t.Errorf("%s read as LINE: %v", f, err)
		}
	}
}

func FuzzParseLINE(f *testing.F) { fuzzText(f, LINE, "line") }

const lineHead = "[LINE] 專案群的聊天記錄\n儲存日期：2025/03/04 21:10\n\n"

// lineRowGen writes a day's date line every 1,000 rows, then rows, a tenth
// of them quoted over two lines.
func lineRowGen(i int, b []byte) []byte {
	if i%1000 == 0 {
		b = append(b, "\n2025/03/"...)
		d := 1 + i/1000%28
		b = append(b, byte('0'+d/10), byte('0'+d%10))
		b = append(b, "（一）\n"...)
	}
	if i%2 == 0 {
		b = append(b, "上午"...)
	} else {
		b = append(b, "下午"...)
	}
	b = append(b, byte('0'+i%12/10), byte('0'+i%12%10), ':', byte('0'+i%60/10), byte('0'+i%10))
	b = append(b, "\t王小明\t"...)
	if i%10 == 0 {
		return append(b, "\"會議材料\n請勿外傳\"\n"...)
	}
	return append(b, "會議材料請勿外傳，謝謝大家\n"...)
}

func lineBenchData(n int) []byte {
	b := []byte(lineHead)
	for i := range n {
		b = lineRowGen(i, b)
	}
	return b
}

func BenchmarkParseLINE(b *testing.B) {
	const n = 200000
	benchText(b, LINE, lineBenchData(n), n)
}

func BenchmarkLineScanLINE(b *testing.B) {
	const n = 200000
	benchScan(b, lineBenchData(n), n)
}

func TestParseLINEHeapBounded(t *testing.T) {
	heapCheck(t, LINE, lineHead, 64<<20, lineRowGen)
}
