package spread

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	// The import reads wall-clock times in an IANA zone; the zone database
	// travels with the binary so a bare container reads them too.
	_ "time/tzdata"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/zone"
)

// Import file formats for forwards derived from chat records. Both carry the
// fields of ForwardInput; see README "Importing forwards".
//
// JSONL: one ForwardInput per line, as in the GraphQL API:
//
//	{"key":"f1","at":"2026-02-01T10:00:00+08:00","method":"PHOTO","from":{"key":"p:施某","kind":"PERSON"},...}
//
// CSV: a header row naming columns from csvColumns, then one forward per row.
var csvColumns = []string{"key", "at", "method", "from_key", "from_kind", "from_name", "from_exposure",
	"from_member_count", "from_platform", "to_key", "to_kind", "to_name", "to_exposure", "to_member_count",
	"to_platform", "by_key", "by_name", "by_exposure", "by_unit", "item_key", "alterations", "mis_sent", "recalled_at",
	"confidence", "note"}

// TemplateCSV is the CSV import's template to download: every column, and
// two example rows in the wall-clock format people paste. It starts with a
// byte-order mark so spreadsheet programs open its Chinese as UTF-8.
const TemplateCSV = "\ufeff" + `key,at,method,from_key,from_kind,from_name,from_exposure,from_member_count,from_platform,to_key,to_kind,to_name,to_exposure,to_member_count,to_platform,by_key,by_name,by_exposure,by_unit,item_key,alterations,mis_sent,recalled_at,confidence,note
f1,2026-11-24 21:15,PHOTO,p:张某,PERSON,张某,INTERNAL,,,p:李某,PERSON,李某,EXTERNAL,,,p:张某,张某,INTERNAL,县政府办公室,,,,,CONFIRMED,拍下文件后点对点发给李某
f2,2026-11-24 21:40,FORWARD,p:李某,PERSON,李某,EXTERNAL,,,wechat-group:同学群,GROUP_CHAT,同学群,EXTERNAL,45,WECHAT,p:李某,李某,EXTERNAL,,,DOCUMENT_NUMBER_CROPPED,,,SUSPECTED,裁去文号后转发到同学群
`

var csvRequired = []string{"key", "at", "method", "from_key", "from_kind", "to_key", "to_kind", "by_key"}

// DefaultTimeZone reads an import's times written without an offset when
// the upload names no zone: the cases Leaktrail tracks are in China.
const DefaultTimeZone = "Asia/Shanghai"

// LoadTimeZone is the IANA zone an import's wall-clock times are read in;
// an empty name is DefaultTimeZone.
func LoadTimeZone(name string) (*time.Location, error) {
	loc, err := zone.Load(cmp.Or(name, DefaultTimeZone))
	if err != nil || name == "Local" {
		return nil, apperr.Invalid("timeZone", "%q is not an IANA time zone such as Asia/Shanghai", name)
	}
	return loc, nil
}

// wallClock are the zone-less layouts people paste from chat records and
// spreadsheets, read in the import's time zone; months, days and hours may
// have one digit.
var wallClock = []string{"2006-1-2 15:04", "2006-1-2 15:04:05", "2006/1/2 15:04", "2006/1/2 15:04:05",
	"2006-1-2T15:04", "2006-1-2T15:04:05"}

// ParseTime reads an RFC 3339 time (its offset kept, a space allowed for the
// T) or a wall-clock time in loc.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range wallClock {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as 2026-11-24 21:15 or 2026-11-24T21:15:00+08:00", s)
}

// ParseForwards reads a CSV or JSONL import, telling them apart by the first
// non-blank byte ('{' is JSONL). CSV times without an offset are read in loc.
// Every bad row is reported at once (see batchError), by its index among the
// rows and its line in the file, with the checks of Validate. It reads row
// by row and stops at the first row past maxRows (0: no bound), so a file
// too long costs no more than the rows allowed.
func ParseForwards(r io.Reader, maxRows int, loc *time.Location) ([]*ForwardInput, error) {
	im, err := ReadImport(r, maxRows, loc)
	if err != nil {
		return nil, err
	}
	return im.Forwards, nil
}

// Import is an import file's forwards with the line each was read from.
type Import struct {
	Forwards []*ForwardInput
	Lines    []int
}

// Locate gives the row errors of recording the import (an unknown item key,
// a key recorded before as another kind) their lines in the file.
func (im *Import) Locate(err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	rows, ok := e.Extensions["errors"].([]FieldError)
	if !ok {
		return err
	}
	rows = slices.Clone(rows)
	for i := range rows {
		if rows[i].Index < len(im.Lines) {
			rows[i].Line = im.Lines[rows[i].Index]
		}
	}
	return e.With("errors", rows)
}

// ReadImport is ParseForwards keeping each forward's line, so the errors of
// recording it can name their lines (see Locate).
func ReadImport(r io.Reader, maxRows int, loc *time.Location) (*Import, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		b, err := br.Peek(1)
		if err != nil {
			return nil, fileError("EMPTY_FILE", nil, "the file is empty")
		}
		if b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t' {
			br.ReadByte() //nolint:errcheck // peeked
			continue
		}
		var p parsed
		if b[0] == '{' {
			err = p.jsonl(br, maxRows)
		} else {
			err = p.csv(br, maxRows, loc)
		}
		if err != nil {
			return nil, err
		}
		return p.result()
	}
}

// parsed holds an import's rows as read: a row that could not be read is nil
// and has its errors in errs.
type parsed struct {
	rows  []*ForwardInput
	lines []int
	errs  []FieldError
}

// add keeps a row read from line, or why it could not be read.
func (p *parsed) add(line int, f *ForwardInput, bad *FieldError) {
	if bad != nil {
		bad.Index, bad.Line = len(p.rows), line
		p.errs = append(p.errs, *bad)
		f = nil
	}
	p.rows = append(p.rows, f)
	p.lines = append(p.lines, line)
}

// unreadable is a row that is not CSV or JSON of a forward.
func unreadable(err error) *FieldError {
	return &FieldError{Field: "line", Problem: Unreadable, Message: err.Error()}
}

// result checks the rows read and reports every bad one with its line.
func (p *parsed) result() (*Import, error) {
	errs := append(p.errs, checkBatch(p.rows, time.Now())...)
	if len(errs) == 0 {
		return &Import{Forwards: p.rows, Lines: p.lines}, nil
	}
	for i := range errs {
		errs[i].Line = p.lines[errs[i].Index]
		if row, ok := errs[i].Params["row"].(int); ok && errs[i].Problem == RepeatedKey {
			errs[i].Params = map[string]any{"row": row, "line": p.lines[row]}
		}
	}
	slices.SortStableFunc(errs, func(a, b FieldError) int { return cmp.Compare(a.Index, b.Index) })
	return nil, batchError(errs)
}

// tooManyRows is the error for a file with more rows than allowed.
func tooManyRows(maxRows int) error {
	return fileError("TOO_MANY_ROWS", map[string]any{"max": maxRows}, "the file has more than %d forwards; split it into smaller files", maxRows).
		With("maxRows", maxRows)
}

// fileError refuses a whole file; problem and params word it in the
// client's language, as a row's (see FieldError).
func fileError(problem string, params map[string]any, format string, args ...any) *apperr.Error {
	return apperr.Invalid("file", format, args...).Because(problem, params)
}

// headerError refuses the CSV header row.
func headerError(problem string, params map[string]any, format string, args ...any) error {
	return apperr.Invalid("line 1", "line 1: %s", fmt.Sprintf(format, args...)).Because(problem, params)
}

func (p *parsed) jsonl(r io.Reader, maxRows int) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if maxRows > 0 && len(p.rows) == maxRows {
			return tooManyRows(maxRows)
		}
		var f ForwardInput
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		var bad *FieldError
		if err := dec.Decode(&f); err != nil {
			bad = unreadable(err)
		}
		p.add(line, &f, bad)
	}
	if err := sc.Err(); err != nil {
		return fileError("UNREADABLE_FILE", nil, "reading the file: %v", err)
	}
	return nil
}

func (p *parsed) csv(r io.Reader, maxRows int, loc *time.Location) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return headerError("NO_HEADER", nil, "no header row: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) // Excel's byte-order mark
		if !slices.Contains(csvColumns, h) {
			return headerError("UNKNOWN_COLUMN", map[string]any{"column": h}, "unknown column %q (known: %s)", h, strings.Join(csvColumns, ", "))
		}
		col[h] = i
	}
	for _, req := range csvRequired {
		if _, ok := col[req]; !ok {
			return headerError("MISSING_COLUMN", map[string]any{"column": req}, "missing column %q", req)
		}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return fileError("UNREADABLE_FILE", nil, "reading the file: %v", err)
		}
		if maxRows > 0 && len(p.rows) == maxRows {
			return tooManyRows(maxRows)
		}
		if err != nil {
			p.add(pe.StartLine, nil, unreadable(pe.Err))
			continue
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		f, bad := csvForward(get, loc)
		p.add(line, f, bad)
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// badCell is a cell that does not read as its column's type.
func badCell(field string, p Problem, value string, err error) *FieldError {
	return &FieldError{Field: field, Problem: p, Params: map[string]any{"value": value}, Message: err.Error()}
}

// csvForward reads one CSV row; a refusal names the field (as Validate
// names it) at fault.
func csvForward(get func(string) string, loc *time.Location) (*ForwardInput, *FieldError) {
	f := &ForwardInput{Key: get("key"), Method: Method(get("method")), ItemKey: optional(get("item_key")),
		Note: optional(get("note"))}
	var err error
	if f.At, err = ParseTime(get("at"), loc); err != nil {
		return nil, badCell("at", BadTime, get("at"), err)
	}
	if s := get("recalled_at"); s != "" {
		t, err := ParseTime(s, loc)
		if err != nil {
			return nil, badCell("recalledAt", BadTime, s, err)
		}
		f.RecalledAt = &t
	}
	if s := get("mis_sent"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, badCell("misSent", NotBoolean, s, fmt.Errorf("%q is not true or false", s))
		}
		f.MisSent = &b
	}
	if s := get("confidence"); s != "" {
		c := Confidence(s)
		f.Confidence = &c
	}
	for _, a := range strings.Split(get("alterations"), ";") {
		if a = strings.TrimSpace(a); a != "" {
			f.Alterations = append(f.Alterations, Alteration(a))
		}
	}
	for _, side := range []struct {
		prefix string
		ref    *NodeRef
	}{{"from", &f.From}, {"to", &f.To}} {
		r := side.ref
		r.Key, r.Kind, r.Name = get(side.prefix+"_key"), NodeKind(get(side.prefix+"_kind")), optional(get(side.prefix+"_name"))
		if s := get(side.prefix + "_exposure"); s != "" {
			e := Exposure(s)
			r.Exposure = &e
		}
		if s := get(side.prefix + "_platform"); s != "" {
			p := Platform(s)
			r.Platform = &p
		}
		if s := get(side.prefix + "_member_count"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, badCell(side.prefix+".memberCount", NotNumber, s, fmt.Errorf("%q is not a whole number", s))
			}
			r.MemberCount = &n
		}
	}
	f.By = NodeRef{Key: get("by_key"), Kind: Person, Name: optional(get("by_name")), Unit: optional(get("by_unit"))}
	if s := get("by_exposure"); s != "" {
		e := Exposure(s)
		f.By.Exposure = &e
	}
	return f, nil
}
