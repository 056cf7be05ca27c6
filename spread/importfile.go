package spread

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
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
	"to_platform", "by_key", "by_name", "by_unit", "item_key", "alterations", "mis_sent", "recalled_at",
	"confidence", "note"}

var csvRequired = []string{"key", "at", "method", "from_key", "from_kind", "to_key", "to_kind", "by_key"}

// ParseForwards reads a CSV or JSONL import, telling them apart by the first
// non-blank byte ('{' is JSONL). Errors name the line. It reads row by row
// and stops at the first row past maxRows (0: no bound), so a file too long
// costs no more than the rows allowed.
func ParseForwards(r io.Reader, maxRows int) ([]*ForwardInput, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		b, err := br.Peek(1)
		if err != nil {
			return nil, apperr.Invalid("file", "the file is empty")
		}
		if b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t' {
			br.ReadByte() //nolint:errcheck // peeked
			continue
		}
		if b[0] == '{' {
			return parseJSONL(br, maxRows)
		}
		return parseCSV(br, maxRows)
	}
}

// tooManyRows is the error for a file with more rows than allowed.
func tooManyRows(maxRows int) error {
	return apperr.Invalid("file", "the file has more than %d forwards; split it into smaller files", maxRows).With("maxRows", maxRows)
}

func lineError(line int, format string, args ...any) error {
	return apperr.Invalid(fmt.Sprintf("line %d", line), "line %d: %s", line, fmt.Sprintf(format, args...))
}

func parseJSONL(r io.Reader, maxRows int) ([]*ForwardInput, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var out []*ForwardInput
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if maxRows > 0 && len(out) == maxRows {
			return nil, tooManyRows(maxRows)
		}
		var f ForwardInput
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return nil, lineError(line, "%v", err)
		}
		out = append(out, &f)
	}
	if err := sc.Err(); err != nil {
		return nil, apperr.Invalid("file", "reading the file: %v", err)
	}
	return out, nil
}

func parseCSV(r io.Reader, maxRows int) ([]*ForwardInput, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, lineError(1, "no header row: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) // Excel's byte-order mark
		if !slices.Contains(csvColumns, h) {
			return nil, lineError(1, "unknown column %q (known: %s)", h, strings.Join(csvColumns, ", "))
		}
		col[h] = i
	}
	for _, req := range csvRequired {
		if _, ok := col[req]; !ok {
			return nil, lineError(1, "missing column %q", req)
		}
	}
	var out []*ForwardInput
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, lineError(line, "%v", err)
		}
		if maxRows > 0 && len(out) == maxRows {
			return nil, tooManyRows(maxRows)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		f, err := csvForward(get)
		if err != nil {
			return nil, lineError(line, "%v", err)
		}
		out = append(out, f)
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func csvForward(get func(string) string) (*ForwardInput, error) {
	f := &ForwardInput{Key: get("key"), Method: Method(get("method")), ItemKey: optional(get("item_key")),
		Note: optional(get("note"))}
	var err error
	if f.At, err = time.Parse(time.RFC3339, get("at")); err != nil {
		return nil, fmt.Errorf("at: %q is not an RFC 3339 time", get("at"))
	}
	if s := get("recalled_at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("recalled_at: %q is not an RFC 3339 time", s)
		}
		f.RecalledAt = &t
	}
	if s := get("mis_sent"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("mis_sent: %q is not true or false", s)
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
				return nil, fmt.Errorf("%s_member_count: %q is not a whole number", side.prefix, s)
			}
			r.MemberCount = &n
		}
	}
	f.By = NodeRef{Key: get("by_key"), Kind: Person, Name: optional(get("by_name")), Unit: optional(get("by_unit"))}
	return f, nil
}
