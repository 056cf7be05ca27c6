package chatexport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvRows reads a CSV export record by record with encoding/csv, keeping
// each record's first line, the byte offset of that line and its raw bytes:
// a quoted field may span lines, so a record's provenance is where it
// starts, not the line its last field ends on.
type csvRows struct {
	r    *csv.Reader
	tee  *csvTee
	bom  int64 // bytes of a BOM skipped: csv.Reader's offsets start after it
	end  int64 // csv.Reader's offset after the record last read
	line int   // line number of the byte at end, from 1

	Line   int   // first line of the record last read
	Offset int64 // byte offset of that line
	Raw    []byte
}

// csvTee keeps the bytes csv.Reader has taken from the file since the start
// of the record being read (plus its read-ahead), so the raw record can be
// cut out of it; a record over MaxLine stops the read rather than grow it.
type csvTee struct {
	r    io.Reader
	win  []byte
	base int64 // file offset of win[0]
}

var errRecordTooLong = errors.New("CSV record over the line limit")

func (t *csvTee) Read(p []byte) (int, error) {
	if len(t.win) > MaxLine+64<<10 {
		return 0, errRecordTooLong
	}
	n, err := t.r.Read(p)
	t.win = append(t.win, p[:n]...)
	return n, err
}

// discard drops the bytes before off; it compacts only once enough is
// consumed, so a record does not cost a copy of the read-ahead.
func (t *csvTee) discard(off int64) {
	if k := off - t.base; k > 32<<10 || k == int64(len(t.win)) {
		t.win = append(t.win[:0], t.win[k:]...)
		t.base = off
	}
}

func (t *csvTee) slice(from, to int64) []byte {
	return t.win[from-t.base : to-t.base]
}

// newCSVRows starts reading r (its BOM skipped, as Excel-friendly exporters
// such as MemoTrace write utf-8-sig) with sep as the field separator.
func newCSVRows(r *bufio.Reader, sep rune) *csvRows {
	var bom int64
	if b, _ := r.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = r.Discard(3)
		bom = 3
	}
	tee := &csvTee{r: r}
	cr := csv.NewReader(tee)
	cr.Comma = sep
	cr.ReuseRecord = true
	// FieldsPerRecord 0: the header sets it, every later record must match.
	return &csvRows{r: cr, tee: tee, bom: bom, line: 1}
}

// errCSVRow wraps a malformed record: the record is reported and skipped.
type errCSVRow struct{ err error }

func (e errCSVRow) Error() string { return e.err.Error() }

// read returns the next record, valid until the next call. A malformed
// record returns errCSVRow (with Line, Offset and Raw set for the report);
// io.EOF after the last one; any other error ends the read.
func (c *csvRows) read() ([]string, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	var pe *csv.ParseError
	if err != nil && !errors.As(err, &pe) {
		if errors.Is(err, errRecordTooLong) {
			c.Line, c.Offset, c.Raw = c.line, c.bom+c.end, nil
			return nil, fmt.Errorf("line %d: %w (%d bytes)", c.line, err, MaxLine)
		}
		return nil, err
	}
	end := c.r.InputOffset()
	raw := c.tee.slice(c.end, end)
	c.Offset, c.Line = c.bom+c.end, c.line
	// csv.Reader skips empty lines before a record: its line starts after them.
	for len(raw) > 0 && (raw[0] == '\n' || raw[0] == '\r') {
		if raw[0] == '\n' {
			c.Line++
		}
		raw, c.Offset = raw[1:], c.Offset+1
	}
	c.line += bytes.Count(c.tee.slice(c.end, end), []byte("\n"))
	c.end = end
	c.Raw = bytes.TrimRight(raw, "\r\n")
	c.tee.discard(end)
	if err != nil {
		return rec, errCSVRow{err}
	}
	return rec, nil
}

// header reads the first record as column names, trimmed.
func (c *csvRows) header() ([]string, error) {
	rec, err := c.read()
	if err == io.EOF {
		return nil, errors.New("line 1: the file is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: not a CSV header: %w", err)
	}
	if !utf8.Valid(c.Raw) {
		// Excel and DingTalk save "CSV" as GBK on Chinese Windows; transcoding
		// would move every offset off the file's bytes, so it is refused.
		return nil, errors.New("line 1: the header is not UTF-8 (a GBK export? save it as UTF-8 CSV)")
	}
	cols := make([]string, len(rec))
	for i, f := range rec {
		cols[i] = strings.TrimSpace(f)
	}
	return cols, nil
}

// csvColumns finds each named column in a header; missing lists those absent.
func csvColumns(header []string, names ...string) (idx []int, missing []string) {
	idx = make([]int, len(names))
	for i, n := range names {
		idx[i] = -1
		for j, h := range header {
			if h == n {
				idx[i] = j
				break
			}
		}
		if idx[i] < 0 {
			missing = append(missing, n)
		}
	}
	return idx, missing
}

// csvField is rec[i], or "" for a column the export does not have.
func csvField(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

// firstCSVLine is the head's first line split at commas: enough to
// recognise a header whose names have no commas.
func firstCSVLine(head []byte) []string {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	head = bytes.TrimSuffix(head, []byte("\r"))
	cols := strings.Split(string(head), ",")
	for i, c := range cols { // a spreadsheet re-saving the file may quote every name
		cols[i] = strings.Trim(strings.TrimSpace(c), `"`)
	}
	return cols
}

// csvHasColumns says whether every name is in cols.
func csvHasColumns(cols []string, names ...string) bool {
	_, missing := csvColumns(cols, names...)
	return len(missing) == 0
}

// problem reports the malformed record c last read.
func (c *csvRows) problem(reason string, err error) Problem {
	return Problem{Line: c.Line, Offset: c.Offset, Reason: reason, Detail: err.Error(), Raw: string(clipBytes(c.Raw))}
}

// clipBytes is clip for a byte slice, cutting before converting.
func clipBytes(b []byte) []byte {
	if len(b) <= MaxRaw {
		return b
	}
	cut := MaxRaw
	for cut > 0 && b[cut]&0xC0 == 0x80 {
		cut--
	}
	return b[:cut]
}
