package chatexport

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PyWxDump's get_msg_detail sets a merged forward's src to
// xml2dict(recorditem): a Python dict, which csv.writer writes as its
// repr — {'title': '…', 'datalist': {'count': '2', 'dataitem': [{…}, …]}}.
// Attributes and child elements both become keys; one dataitem is a dict,
// several a list. pyLiteral reads that repr (dicts, lists, strings, None,
// numbers) and pyRecordItems turns it into the items an XML recorditem gives.

var errPyRepr = errors.New("not a Python literal")

// maxPyDepth bounds nesting, so a hostile repr cannot exhaust the stack.
const maxPyDepth = 32

type pyParser struct {
	s     string
	i     int
	depth int
}

func pyLiteral(s string) (any, error) {
	p := &pyParser{s: s}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if p.skip(); p.i != len(p.s) {
		return nil, errPyRepr
	}
	return v, nil
}

func (p *pyParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\r' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *pyParser) value() (any, error) {
	if p.depth++; p.depth > maxPyDepth {
		return nil, errPyRepr
	}
	defer func() { p.depth-- }()
	p.skip()
	if p.i >= len(p.s) {
		return nil, errPyRepr
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict()
	case c == '[':
		return p.list()
	case c == '\'' || c == '"':
		return p.str()
	case strings.HasPrefix(p.s[p.i:], "None"):
		p.i += 4
		return nil, nil
	default:
		j := p.i
		for j < len(p.s) && strings.IndexByte("+-.0123456789eE", p.s[j]) >= 0 {
			j++
		}
		if j == p.i {
			return nil, errPyRepr
		}
		v := p.s[p.i:j]
		p.i = j
		return v, nil
	}
}

func (p *pyParser) dict() (any, error) {
	p.i++
	m := map[string]any{}
	for {
		p.skip()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return m, nil
		}
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if p.skip(); !ok || p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, errPyRepr
		}
		p.i++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		m[key] = v
		if p.skip(); p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
	}
}

func (p *pyParser) list() (any, error) {
	p.i++
	var l []any
	for {
		p.skip()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return l, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		l = append(l, v)
		if p.skip(); p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
	}
}

// str reads a quoted string with Python's repr escapes.
func (p *pyParser) str() (any, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c != '\\':
			b.WriteByte(c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			break
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if p.i+n > len(p.s) {
				return nil, errPyRepr
			}
			r, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(r)) {
				return nil, errPyRepr
			}
			b.WriteRune(rune(r))
			p.i += n
		default: // \\ \' \" and anything else: the character itself
			b.WriteByte(e)
		}
	}
	return nil, errPyRepr
}

// pyRecordItems reads the repr of a recordinfo dict into merged-forward
// items, with wxItems' kinds and times.
func pyRecordItems(repr string, src Source, zone *time.Location) ([]Message, error) {
	v, err := pyLiteral(repr)
	if err != nil {
		return nil, err
	}
	info, _ := v.(map[string]any)
	datalist, _ := info["datalist"].(map[string]any)
	var raw []any
	switch d := datalist["dataitem"].(type) {
	case []any:
		raw = d
	case map[string]any:
		raw = []any{d}
	}
	if info == nil {
		return nil, errPyRepr
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	items := make([]wxDataItem, 0, len(raw))
	for _, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		it := wxDataItem{
			Desc: str(m, "datadesc"), Title: str(m, "datatitle"), SourceName: str(m, "sourcename"),
			SourceTime: str(m, "sourcetime"), SrcMsgCreateTime: str(m, "srcMsgCreateTime"),
			Fmt: str(m, "datafmt"), FullMD5: str(m, "fullmd5"), Link: str(m, "link"),
		}
		it.DataType, _ = strconv.Atoi(str(m, "datatype"))
		it.Size, _ = strconv.ParseInt(str(m, "datasize"), 10, 64)
		if s, ok := m["dataitemsource"].(map[string]any); ok {
			it.Source.RealChatName, it.Source.FromUsr = str(s, "realchatname"), str(s, "fromusr")
		}
		items = append(items, it)
	}
	return wxMessages(items, src, zone, maxRecordDepth), nil
}
