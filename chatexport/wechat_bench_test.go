package chatexport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/leaktrail/leaktrail/internal/racing"
)

// csvRow writes the i-th generated message of format f: mostly texts, some
// over two lines, images, quotes and merged forwards, as the tools write them.
func csvRow(f Format, i int) string {
	at := 1740964325 + i
	text := "第" + strconv.Itoa(i) + "条：〔2021〕3号 关于调整会议安排的通知"
	switch f {
	case WeChatPyWxDump:
		switch i % 20 {
		case 3:
			text = "\"第一行\n第二行，含\"\"引号\"\"\""
		case 7:
			return fmt.Sprintf("%d,%d,图片,0,wxid_li02,20990001@chatroom,图片,FileStorage\\MsgAttach\\ab\\Image\\%d.dat,%d\r\n", i, i, i, at)
		case 11:
			return fmt.Sprintf("%d,%d,引用回复,0,wxid_zhao04,20990001@chatroom,\"收到\n\n[引用](2025-03-03 09:00:01)张三:%s\",,%d\r\n", i, i, text, at)
		case 19:
			return fmt.Sprintf("%d,%d,合并转发的聊天记录,0,wxid_wang03,20990001@chatroom,群聊的聊天记录,"+
				`"<recordinfo><datalist count=""1""><dataitem datatype=""1""><datadesc>%s</datadesc><sourcename>张三</sourcename>`+
				`<srcMsgCreateTime>%d</srcMsgCreateTime></dataitem></datalist></recordinfo>",%d`+"\r\n", i, i, text, at-60, at)
		}
		return fmt.Sprintf("%d,%d,文本,0,wxid_zhang01,20990001@chatroom,%s,,%d\r\n", i, i, text, at)
	case WeChatMemo:
		switch i % 20 {
		case 3:
			text = "\"第一行\n第二行\""
		case 7:
			return fmt.Sprintf(`%d,12,3,0,0,%d,2,"<msg><img length=""204800"" md5=""9e107d9d372bb6826bd81d3542a419d6"" /></msg>",2025-03-03 09:12:05,,李四,wxid_li02`+"\r\n", i, at)
		case 19:
			return fmt.Sprintf(`%d,12,49,19,0,%d,2,"<msg><appmsg><title>群聊的聊天记录</title><type>19</type><recorditem><![CDATA[<recordinfo><datalist count=""1"">`+
				`<dataitem datatype=""1""><datadesc>%s</datadesc><sourcename>张三</sourcename></dataitem></datalist></recordinfo>]]></recorditem></appmsg></msg>",2025-03-03 09:12:05,,王五,wxid_wang03`+"\r\n", i, at, text)
		}
		return fmt.Sprintf("%d,12,1,0,0,%d,2,%s,2025-03-03 09:12:05,老张,张三,wxid_zhang01\r\n", i, at, text)
	default:
		if i%20 == 3 {
			text = "\"多行\n内容\""
		}
		return fmt.Sprintf("项目群,张三,u001,2025/03/03 09:12,%s,\r\n", text)
	}
}

var csvHeaders = map[Format]string{
	WeChatPyWxDump: "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n",
	WeChatMemo:     "\xef\xbb\xbflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n",
	GenericCSV:     "会话,发送人,发送人ID,时间,内容,附件\r\n",
}

func csvOptions(f Format) Options {
	o := Options{Format: f}
	if f == GenericCSV {
		o.Mapping = dingTalkMapping
	}
	return o
}

// csvGen streams a generated export of format f up to limit bytes (whole
// records), never holding more than one record.
type csvGen struct {
	f     Format
	i     int
	limit int64
	n     int64
	buf   []byte
}

func (g *csvGen) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.n >= g.limit {
			return 0, io.EOF
		}
		if g.i == 0 {
			g.buf = append(g.buf, csvHeaders[g.f]...)
		} else {
			g.buf = append(g.buf, csvRow(g.f, g.i)...)
		}
		g.i++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	g.n += int64(n)
	return n, nil
}

func csvGenerated(f Format, messages int) []byte {
	var b bytes.Buffer
	b.WriteString(csvHeaders[f])
	for i := 1; i <= messages; i++ {
		b.WriteString(csvRow(f, i))
	}
	return b.Bytes()
}

func csvBenchParse(b *testing.B, f Format) {
	data := csvGenerated(f, 200_000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	n := 0
	for b.Loop() {
		res, err := Parse(bytes.NewReader(data), csvOptions(f), func(*Message) error { return nil })
		if err != nil || len(res.Problems) > 0 || res.Messages != 200_000 {
			b.Fatal(err, res.Messages, res.Problems)
		}
		n += res.Messages
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}

// csvBenchLineScan is the floor: a bare bufio.Scanner over the same bytes.
func csvBenchLineScan(b *testing.B, f Format) {
	data := csvGenerated(f, 200_000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	n := 0
	for b.Loop() {
		s := bufio.NewScanner(bytes.NewReader(data))
		s.Buffer(make([]byte, 64<<10), MaxLine)
		for s.Scan() {
		}
		n += 200_000
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkParseWeChatPyWxDump(b *testing.B)    { csvBenchParse(b, WeChatPyWxDump) }
func BenchmarkLineScanWeChatPyWxDump(b *testing.B) { csvBenchLineScan(b, WeChatPyWxDump) }
func BenchmarkParseWeChatMemo(b *testing.B)        { csvBenchParse(b, WeChatMemo) }
func BenchmarkLineScanWeChatMemo(b *testing.B)     { csvBenchLineScan(b, WeChatMemo) }
func BenchmarkParseGenericCSV(b *testing.B)        { csvBenchParse(b, GenericCSV) }
func BenchmarkLineScanGenericCSV(b *testing.B)     { csvBenchLineScan(b, GenericCSV) }

// A 64 MiB export parses with the heap growing far less than the file.
func TestCSVParsersMemoryBounded(t *testing.T) {
	if testing.Short() || racing.Enabled {
		t.Skip("parses 64 MiB per format")
	}
	for _, f := range []Format{WeChatPyWxDump, WeChatMemo, GenericCSV} {
		t.Run(string(f), func(t *testing.T) {
			var before, peak runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			maxHeap := before.HeapAlloc
			n := 0
			res, err := Parse(&csvGen{f: f, limit: 64 << 20}, csvOptions(f), func(*Message) error {
				if n++; n%50_000 == 0 {
					runtime.GC()
					runtime.ReadMemStats(&peak)
					maxHeap = max(maxHeap, peak.HeapAlloc)
				}
				return nil
			})
			if err != nil || len(res.Problems) > 0 {
				t.Fatal(err, res.Problems)
			}
			if grew := int64(maxHeap) - int64(before.HeapAlloc); grew > 64<<20 {
				t.Errorf("heap grew by %d MiB over %d messages", grew>>20, res.Messages)
			}
		})
	}
}

func FuzzParseWeChatPyWxDump(f *testing.F) {
	csvFuzz(f, WeChatPyWxDump, "testdata/wechat_pywxdump/20990001@chatroom_0_5001.csv", "testdata/wechat_pywxdump/wxid_wang03_dict_src.csv")
}

func FuzzParseWeChatMemo(f *testing.F) {
	csvFuzz(f, WeChatMemo, "testdata/wechat_memotrace/项目群_utf8.csv")
}

func FuzzParseGenericCSV(f *testing.F) {
	csvFuzz(f, GenericCSV, "testdata/genericcsv/钉钉导出.csv")
}

func csvFuzz(f *testing.F, format Format, fixtures ...string) {
	for _, fixture := range fixtures {
		data, err := os.ReadFile(fixture)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(csvGenerated(format, 40))
	f.Fuzz(func(t *testing.T, in []byte) {
		res, _ := Parse(bytes.NewReader(in), csvOptions(format), func(m *Message) error {
			if m.Source.Line < 1 || m.Source.Offset < 0 || m.Source.Offset > int64(len(in)) {
				t.Fatalf("message source %+v", m.Source)
			}
			return nil
		})
		for _, p := range res.Problems {
			if p.Line < 1 || p.Reason == "" {
				t.Fatalf("problem without a line or reason: %+v", p)
			}
		}
	})
}
