package spread

import (
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

func TestParseTimeReadsPastedFormatsInTheZone(t *testing.T) {
	t.Parallel()
	shanghai, err := LoadTimeZone("")
	if err != nil || shanghai.String() != DefaultTimeZone {
		t.Fatalf("default zone %v %v", shanghai, err)
	}
	want := time.Date(2026, 11, 24, 21, 15, 0, 0, shanghai)
	for _, s := range []string{"2026-11-24 21:15", "2026-11-24 21:15:00", "2026/11/24 21:15", "2026-11-24T21:15",
		"2026-11-24T21:15:00", "2026/11/24 21:15:00", "2026-11-24T21:15:00+08:00", "2026-11-24 13:15:00Z"} {
		got, err := ParseTime(s, shanghai)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", s, got, err, want)
		}
	}
	// An explicit offset is kept, whatever the import's zone.
	if got, _ := ParseTime("2026-11-24T21:15:00+09:00", shanghai); got.Equal(want) {
		t.Errorf("the offset was ignored: %v", got)
	}
	if got, _ := ParseTime("2026/1/5 9:05", time.UTC); !got.Equal(time.Date(2026, 1, 5, 9, 5, 0, 0, time.UTC)) {
		t.Errorf("one-digit fields: %v", got)
	}
	for _, s := range []string{"", "yesterday", "24.11.2026 21:15", "2026-11-24"} {
		if _, err := ParseTime(s, shanghai); err == nil {
			t.Errorf("%q was read", s)
		}
	}
	for _, name := range []string{"Mars/Olympus", "Local", "+08:00"} {
		if _, err := LoadTimeZone(name); apperr.CodeOf(err) != apperr.InvalidInput {
			t.Errorf("zone %q: %v", name, err)
		}
	}
}

func rowErrors(t *testing.T, err error) []FieldError {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.InvalidInput {
		t.Fatalf("not INVALID_INPUT: %v", err)
	}
	errs, ok := e.Extensions["errors"].([]FieldError)
	if !ok {
		t.Fatalf("no row errors: %v", err)
	}
	return errs
}

func TestParseListsEveryBadRowWithItsLine(t *testing.T) {
	t.Parallel()
	csv := "key,at,method,from_key,from_kind,to_key,to_kind,to_member_count,by_key\n" +
		"a1,2026-11-24 21:15,PHOTO,p:甲,PERSON,p:乙,PERSON,,p:甲\n" +
		"a2,昨天晚上,PHOTO,p:乙,PERSON,g:群,GROUP_CHAT,,p:乙\n" + // line 3: time
		"a3,2026-11-24 21:30,POST,p:乙,PERSON,g:群,GROUP_CHAT,许多,p:乙\n" + // line 4: member count
		"\n" +
		"a4,2026-11-24 21:40,TELEPATHY,p:乙,PERSON,g:群2,GROUP_CHAT,3,p:乙\n" + // line 6: method
		"a1,2026-11-24 21:50,FORWARD,g:群,GROUP_CHAT,p:丙,PERSON,,p:丙\n" // line 7: repeated key
	_, err := ParseForwards(strings.NewReader(csv), 0, time.UTC)
	errs := rowErrors(t, err)
	type row struct {
		index, line int
		field       string
		problem     Problem
	}
	var got []row
	for _, e := range errs {
		got = append(got, row{e.Index, e.Line, e.Field, e.Problem})
	}
	want := []row{{1, 3, "at", BadTime}, {2, 4, "to.memberCount", NotNumber}, {3, 6, "method", UnknownValue}, {4, 7, "key", RepeatedKey}}
	if len(got) != len(want) {
		t.Fatalf("errors %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("errors %+v, want %+v", got, want)
		}
	}
	if e, _ := apperr.As(err); !strings.HasPrefix(e.Message, "4 forwards") {
		t.Fatalf("message %q", e.Message)
	}
	// A client words each row from its problem and params, in its reader's language.
	if errs[0].Params["value"] != "昨天晚上" || errs[2].Params["value"] != Method("TELEPATHY") ||
		errs[3].Params["row"] != 0 || errs[3].Params["line"] != 2 || errs[0].Message == "" {
		t.Fatalf("params %+v", errs)
	}

	jsonl := `{"key":"j1","at":"2026-11-24T21:15:00+08:00","method":"PHOTO","from":{"key":"a","kind":"PERSON"},"to":{"key":"b","kind":"PERSON"},"by":{"key":"a","kind":"PERSON"}}` + "\n" +
		`{"key":2}` + "\n" +
		`{"key":"j3","at":"2026-11-24 21:15","method":"PHOTO"}` + "\n"
	_, err = ParseForwards(strings.NewReader(jsonl), 0, time.UTC)
	if errs := rowErrors(t, err); len(errs) != 2 || errs[0].Line != 2 || errs[1].Line != 3 || errs[0].Problem != Unreadable {
		t.Fatalf("jsonl errors %+v", errs)
	}

	// Past a hundred errors the answer is bounded, and still counts every bad row.
	var b strings.Builder
	b.WriteString("key,at,method,from_key,from_kind,to_key,to_kind,by_key\n")
	for i := range 150 {
		b.WriteString("k" + strings.Repeat("x", i) + ",never,PHOTO,a,PERSON,b,PERSON,a\n")
	}
	_, err = ParseForwards(strings.NewReader(b.String()), 0, time.UTC)
	if errs := rowErrors(t, err); len(errs) != 100 {
		t.Fatalf("%d errors shown", len(errs))
	}
	if e, _ := apperr.As(err); !strings.HasPrefix(e.Message, "150 forwards") {
		t.Fatalf("message %q", e.Message)
	}
}

func TestTemplateImports(t *testing.T) {
	t.Parallel()
	shanghai, _ := LoadTimeZone("Asia/Shanghai")
	rows, err := ParseForwards(strings.NewReader(TemplateCSV), 0, shanghai)
	if err != nil || len(rows) != 2 {
		t.Fatalf("template: %d rows, %v", len(rows), err)
	}
	if want := time.Date(2026, 11, 24, 21, 15, 0, 0, shanghai); !rows[0].At.Equal(want) {
		t.Fatalf("template time %v, want %v", rows[0].At, want)
	}
	if rows[1].To.MemberCount == nil || *rows[1].To.MemberCount != 45 || deref(rows[0].By.Name) != "张某" ||
		deref(rows[1].By.Exposure) != External {
		t.Fatalf("template rows %+v %+v", rows[0], rows[1])
	}
}

func TestCSVSetsWhetherTheForwarderIsInternalOrExternal(t *testing.T) {
	t.Parallel()
	csv := "key,at,method,from_key,from_kind,to_key,to_kind,by_key,by_name,by_exposure\n" +
		"e1,2026-11-24 21:15,PHOTO,p:甲,PERSON,p:乙,PERSON,p:甲,甲,EXTERNAL\n" +
		"e2,2026-11-24 21:20,PHOTO,p:乙,PERSON,p:丙,PERSON,p:乙,乙,\n" +
		"e3,2026-11-24 21:25,PHOTO,p:丙,PERSON,p:丁,PERSON,p:丙,丙,OUTSIDER\n"
	_, err := ParseForwards(strings.NewReader(csv), 0, time.UTC)
	errs := rowErrors(t, err)
	if len(errs) != 1 || errs[0].Line != 4 || errs[0].Field != "by.exposure" || errs[0].Problem != UnknownValue {
		t.Fatalf("errors %+v", errs)
	}
	rows, err := ParseForwards(strings.NewReader(csv[:strings.LastIndex(strings.TrimSuffix(csv, "\n"), "\n")+1]), 0, time.UTC)
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if rows[0].By.Exposure == nil || *rows[0].By.Exposure != External || rows[1].By.Exposure != nil {
		t.Fatalf("by exposure %+v %+v", rows[0].By, rows[1].By)
	}
}
