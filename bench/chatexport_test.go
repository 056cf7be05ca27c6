package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/chatexport"
)

// The target for an export: parsed at ≥ 200,000 messages/s on one
// core with resident memory growth ≤ 64 MiB, beside a bare line scan of the
// same file. Each format's export is generated on disk (rows in the shape
// of the chatexport package's own benchmarks) and read from there, as an
// import reads its upload: page cache is not the process's RSS.

// ceFormat is one format's generated export: head, then rows until size,
// then tail.
type ceFormat struct {
	name       string
	format     chatexport.Format
	size       int64
	head, tail string
	row        func(i int, b []byte) []byte
	opts       chatexport.Options
}

// Two representative formats (the JSON one, whose messages span lines, and
// the commonest WeChat CSV) at 1 GiB; the others at 256 MiB, which keeps the
// run under four minutes on two cores.
var ceFormats = []ceFormat{
	{name: "Telegram", format: chatexport.Telegram, size: 1 << 30,
		head: "{\n \"name\": \"研发群\",\n \"type\": \"private_supergroup\",\n \"id\": 1234567,\n \"messages\": [",
		tail: "\n ]\n}\n", row: ceTelegram},
	{name: "PyWxDump", format: chatexport.WeChatPyWxDump, size: 1 << 30,
		head: "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n", row: cePyWxDump},
	{name: "MemoTrace", format: chatexport.WeChatMemo, size: 256 << 20,
		head: "\xef\xbb\xbflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n", row: ceMemoTrace},
	{name: "WeCom", format: chatexport.WeCom, size: 256 << 20, row: ceWeCom},
	{name: "QQ", format: chatexport.QQ, size: 256 << 20,
		head: "消息记录（此消息记录为文本格式，不支持重新导入）\n\n================================================================\n消息对象:某某工作群\n================================================================\n\n",
		row:  ceQQ},
	{name: "LINE", format: chatexport.LINE, size: 256 << 20, head: "[LINE] 專案群的聊天記錄\n儲存日期：2025/03/04 21:10\n\n", row: ceLINE},
	{name: "WhatsApp", format: chatexport.WhatsApp, size: 256 << 20, row: ceWhatsApp},
	{name: "GenericCSV", format: chatexport.GenericCSV, size: 256 << 20,
		head: "会话,发送人,发送人ID,时间,内容,附件\r\n", row: ceGenericCSV,
		opts: chatexport.Options{Mapping: &chatexport.Mapping{Chat: "会话", Sender: "发送人", SenderID: "发送人ID", Time: "时间", Text: "内容", Media: "附件", TimeLayout: "2006/01/02 15:04"}}},
}

// BenchmarkChatExport parses each format's generated export once per
// iteration, then scans its lines bare (the floor), reporting messages per
// second of both and the peak growth of resident memory (VmHWM over VmRSS
// before, from /proc/self/status) while parsing.
func BenchmarkChatExport(b *testing.B) {
	for _, f := range ceFormats {
		b.Run(f.name, func(b *testing.B) {
			size := f.size
			if testing.Short() {
				size = 16 << 20
			}
			path := ceWrite(b, f, size)
			var parseSec, scanSec float64
			var msgs int
			var growth int64
			for b.Loop() {
				in, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				resetPeakRSS(b)
				before := rssKiB(b, "VmRSS")
				start := time.Now()
				o := f.opts
				o.Format = f.format
				res, err := chatexport.Parse(in, o, func(*chatexport.Message) error { return nil })
				parseSec += time.Since(start).Seconds()
				growth = max(growth, rssKiB(b, "VmHWM")-before)
				in.Close()
				if err != nil || len(res.Problems) > 0 {
					b.Fatalf("%d messages, problems %+v: %v", res.Messages, res.Problems, err)
				}
				msgs = res.Messages
				scanSec += ceScan(b, path)
			}
			rate := float64(msgs) * float64(b.N) / parseSec
			floor := float64(msgs) * float64(b.N) / scanSec
			b.SetBytes(size)
			b.ReportMetric(rate, "msgs/s")
			b.ReportMetric(floor, "floor-msgs/s")
			b.ReportMetric(rate/floor, "ratio")
			b.ReportMetric(float64(growth)/1024, "MiB-peak-RSS-growth")
			note("chatexport."+f.name+".msgps", rate)
			note("chatexport."+f.name+".floor.msgps", floor)
			note("chatexport."+f.name+".rss.MiB", float64(growth)/1024)
			note("chatexport."+f.name+".MiB", float64(size>>20))
		})
	}
}

// ceWrite writes f's export of about size bytes under the temporary
// directory, removed when the benchmark ends.
func ceWrite(b *testing.B, f ceFormat, size int64) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "export")
	file, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(file, 1<<20)
	w.WriteString(f.head)
	written := int64(len(f.head))
	var row []byte
	for i := 0; written < size; i++ {
		row = f.row(i, row[:0])
		w.Write(row)
		written += int64(len(row))
	}
	w.WriteString(f.tail)
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := file.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// ceScan is the floor: a bare bufio.Scanner over the file's lines.
func ceScan(b *testing.B, path string) float64 {
	in, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	start := time.Now()
	s := bufio.NewScanner(in)
	s.Buffer(make([]byte, 64<<10), chatexport.MaxLine)
	for s.Scan() {
	}
	if s.Err() != nil {
		b.Fatal(s.Err())
	}
	return time.Since(start).Seconds()
}

// The rows, as chatexport's benchmarks write them: mostly texts, some over
// two lines, media, forwards and joins.

func ceTelegram(i int, b []byte) []byte {
	if i > 0 {
		b = append(b, ',')
	}
	at := 1740964325 + i
	b = fmt.Appendf(b, "\n  {\n   \"id\": %d,\n   \"type\": \"message\",\n   \"date\": \"2025-03-03T09:12:05\",\n   \"date_unixtime\": \"%d\",\n   \"from\": \"用户%d\",\n   \"from_id\": \"user%d\",\n", i+1, at, i%37, 5550000+i%37)
	switch i % 10 {
	case 0:
		return fmt.Appendf(b, "   \"forwarded_from\": \"用户%d\",\n   \"photo\": \"photos/photo_%d@03-03-2025_09-12-05.jpg\",\n   \"width\": 1280,\n   \"height\": 960,\n   \"text\": \"\",\n   \"text_entities\": []\n  }", i%41, i)
	case 3:
		return fmt.Appendf(b, "   \"text\": [\n    \"请看\",\n    {\n     \"type\": \"bold\",\n     \"text\": \"〔2021〕3号\"\n    },\n    \"第%d段\"\n   ],\n   \"text_entities\": [\n    {\n     \"type\": \"plain\",\n     \"text\": \"请看\"\n    }\n   ]\n  }", i)
	}
	return fmt.Appendf(b, "   \"text\": \"第%d条消息：〔2021〕3号文件请各位查收，内部资料请勿外传。\",\n   \"text_entities\": []\n  }", i)
}

func cePyWxDump(i int, b []byte) []byte {
	i++
	at := 1740964325 + i
	switch i % 20 {
	case 3:
		return fmt.Appendf(b, "%d,%d,文本,0,wxid_zhang01,20990001@chatroom,\"第一行\n第二行，含\"\"引号\"\"\",,%d\r\n", i, i, at)
	case 7:
		return fmt.Appendf(b, "%d,%d,图片,0,wxid_li02,20990001@chatroom,图片,FileStorage\\MsgAttach\\ab\\Image\\%d.dat,%d\r\n", i, i, i, at)
	}
	return fmt.Appendf(b, "%d,%d,文本,0,wxid_zhang01,20990001@chatroom,第%d条：〔2021〕3号 关于调整会议安排的通知,,%d\r\n", i, i, i, at)
}

func ceMemoTrace(i int, b []byte) []byte {
	i++
	at := 1740964325 + i
	switch i % 20 {
	case 3:
		return fmt.Appendf(b, "%d,12,1,0,0,%d,2,\"第一行\n第二行\",2025-03-03 09:12:05,老张,张三,wxid_zhang01\r\n", i, at)
	case 7:
		return fmt.Appendf(b, `%d,12,3,0,0,%d,2,"<msg><img length=""204800"" md5=""9e107d9d372bb6826bd81d3542a419d6"" /></msg>",2025-03-03 09:12:05,,李四,wxid_li02`+"\r\n", i, at)
	}
	return fmt.Appendf(b, "%d,12,1,0,0,%d,2,第%d条：〔2021〕3号 关于调整会议安排的通知,2025-03-03 09:12:05,老张,张三,wxid_zhang01\r\n", i, at, i)
}

func ceWeCom(i int, b []byte) []byte {
	at := int64(1740964325000 + i*1000)
	switch i % 10 {
	case 0:
		return fmt.Appendf(b, `{"msgid":"%d","action":"send","from":"user%d","tolist":["user%d"],"roomid":"","msgtime":%d,"msgtype":"file","file":{"filename":"通知%d.pdf","md5sum":"9e107d9d372bb6826bd81d3542a419d6","filesize":%d}}`+"\n", i, i%37, i%41, at, i, 1000+i)
	case 5:
		return fmt.Appendf(b, `{"msgid":"%d","action":"send","from":"user%d","tolist":["user%d","user%d"],"roomid":"wr%d","msgtime":%d,"msgtype":"chatrecord","chatrecord":{"title":"群聊的聊天记录","item":[{"type":"ChatRecordText","msgtime":%d,"content":"{\"content\":\"转发第%d条\"}","from_chatroom":true}]}}`+"\n", i, i%37, i%41, i%43, i%7, at, at/1000-60, i)
	}
	return fmt.Appendf(b, `{"msgid":"%d","action":"send","from":"user%d","tolist":["user%d","user%d"],"roomid":"wr%d","msgtime":%d,"msgtype":"text","text":{"content":"第%d条消息：〔2021〕3号文件请各位查收，内部资料请勿外传。"}}`+"\n", i, i%37, i%41, i%43, i%7, at, i)
}

func ceQQ(i int, b []byte) []byte {
	b = append(b, "2025-03-03 09:"...)
	b = append(b, byte('0'+i/600%6), byte('0'+i/60%10), ':', byte('0'+i/10%6), byte('0'+i%10))
	b = append(b, " 张三("...)
	b = strconv.AppendInt(b, int64(100000+i%50), 10)
	b = append(b, ")\n第"...)
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, "条消息：会议材料请勿外传\n\n"...)
}

func ceLINE(i int, b []byte) []byte {
	if i%1000 == 0 {
		d := 1 + i/1000%28
		b = append(b, "\n2025/03/"...)
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

func ceWhatsApp(i int, b []byte) []byte {
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

func ceGenericCSV(i int, b []byte) []byte {
	if i%20 == 3 {
		return append(b, "项目群,张三,u001,2025/03/03 09:12,\"多行\n内容\",\r\n"...)
	}
	b = append(b, "项目群,张三,u001,2025/03/03 09:12,第"...)
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, "条：〔2021〕3号 关于调整会议安排的通知,\r\n"...)
}

func init() {
	for _, f := range ceFormats {
		k := "chatexport." + f.name
		size := fmt.Sprintf("%d MiB", f.size>>20)
		if f.size >= 1<<30 {
			size = fmt.Sprintf("%d GiB", f.size>>30)
		}
		rows = append(rows,
			row{"chat export " + f.name + ", " + size + ": parse", "msgs/s", key(k + ".msgps"), key(k + ".floor.msgps"), true, "≥ 200000 msgs/s", false},
			row{"chat export " + f.name + ": peak RSS growth", "MiB", key(k + ".rss.MiB"), nil, false, "≤ 64", false})
	}
}
