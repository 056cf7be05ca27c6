package chatexport

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

var dingTalkMapping = &Mapping{Chat: "会话", Sender: "发送人", SenderID: "发送人ID", Time: "时间", Text: "内容", Media: "附件", TimeLayout: "2006/01/02 15:04"}

func TestParseGenericCSV(t *testing.T) {
	t.Parallel()
	data := wxFixture(t, "testdata/genericcsv/钉钉导出.csv")
	if _, ok := Detect(data); ok {
		t.Fatal("a generic CSV was detected as a format")
	}
	msgs, res, err := wxParseAll(t, data, Options{Format: GenericCSV, Zone: wxZone, Mapping: dingTalkMapping})
	if err != nil {
		t.Fatal(err)
	}
	group := Chat{Name: "项目群"}
	src := func(line int, off int64) Source { return Source{Line: line, Offset: off} }
	wxCompare(t, msgs, []Message{
		{Chat: group, Sender: Party{ID: "u001", Name: "张三"}, At: wxCST("2025-03-03 09:12:00"), Kind: Text, Text: "请查收〔2021〕3号", Source: src(2, 51)},
		{Chat: group, Sender: Party{ID: "u002", Name: "李四"}, At: wxCST("2025-03-03 09:13:00"), Kind: File, Media: []Media{{Name: "会议纪要.pdf"}}, Source: src(3, 116)},
		{Chat: group, Sender: Party{ID: "u003", Name: "王五"}, At: wxCST("2025-03-03 09:14:00"), Kind: Image, Text: "多行\n内容",
			Media: []Media{{Name: "IMG_0001.JPG"}}, Source: src(4, 174)},
	})
	wxCompareProblems(t, res, []Problem{{Line: 6, Offset: 243, Reason: "BAD_TIME", Raw: "项目群,王五,u003,昨天,时间坏了,"}})
}

// A Lark audit export saved as tab-separated text, its time in epoch seconds.
func TestParseGenericTSVEpoch(t *testing.T) {
	t.Parallel()
	data := wxFixture(t, "testdata/genericcsv/飞书审计.tsv")
	msgs, res, err := wxParseAll(t, data, Options{Format: GenericCSV, Zone: wxZone, Mapping: &Mapping{Chat: "群", Sender: "操作人", Time: "时间", Text: "事件"}})
	if err != nil || len(res.Problems) > 0 {
		t.Fatal(err, res.Problems)
	}
	wxCompare(t, msgs, []Message{{Chat: Chat{Name: "项目群"}, Sender: Party{Name: "张三"}, At: time.Unix(1740964325, 0).UTC(),
		Kind: Text, Text: "im_forward_file", Source: Source{Line: 2, Offset: 28}}})
}

func TestGenericCSVMappingErrors(t *testing.T) {
	t.Parallel()
	data := wxFixture(t, "testdata/genericcsv/钉钉导出.csv")
	for _, c := range []struct {
		name string
		m    *Mapping
		want string
	}{
		{"no mapping", nil, ErrNoMapping.Error()},
		{"no time", &Mapping{Text: "内容"}, "no time column"},
		{"no content", &Mapping{Time: "时间"}, "neither a text nor a media column"},
		{"missing column", &Mapping{Time: "时间", Text: "内容", Sender: "发件人"}, `line 1: no column "发件人" (the mapping's sender column)`},
	} {
		_, err := Parse(bytes.NewReader(data), Options{Format: GenericCSV, Mapping: c.m}, func(*Message) error { return nil })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	_, err := Parse(bytes.NewReader(data), Options{Format: GenericCSV}, func(*Message) error { return nil })
	if !errors.Is(err, ErrNoMapping) {
		t.Errorf("without a mapping: %v", err)
	}
}

func TestGenericTimeWithoutLayout(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Time{
		"2025-03-03T09:12:05+08:00": wxCST("2025-03-03 09:12:05"),
		"2025-03-03 09:12:05":       wxCST("2025-03-03 09:12:05"),
		"1740964325000":             time.UnixMilli(1740964325000).UTC(),
	} {
		got, err := genericTime(in, "", wxZone)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := genericTime("03/03/2025", "", wxZone); err == nil {
		t.Error("an unknown layout read as a time")
	}
}

// A GBK-encoded CSV is refused with a reason, not read as mojibake.
func TestGenericCSVNotUTF8(t *testing.T) {
	t.Parallel()
	gbk := "\xbb\xe1\xbb\xb0,\xca\xb1\xbc\xe4\r\n\xcf\xee\xc4\xbf,2025-03-03 09:12:05\r\n" // 会话,时间 / 项目,…
	_, err := Parse(strings.NewReader(gbk), Options{Format: GenericCSV, Mapping: &Mapping{Chat: "会话", Time: "时间", Text: "会话"}}, func(*Message) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "line 1: the header is not UTF-8") {
		t.Errorf("GBK file: %v", err)
	}
}
