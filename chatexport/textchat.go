package chatexport

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// Helpers shared by the line-based text exports (QQ, LINE, WhatsApp): a
// message that spans lines, local times, names.

// txtMsg gathers one message over its lines: the first line gives its
// source; the text is bounded by MaxLine and the raw text by MaxRaw.
type txtMsg struct {
	m    *Message
	text []byte
	raw  []byte
	n    int  // lines in text
	cut  bool // the text went over MaxLine and was cut
}

// start begins m at the line l last read; text is its first line of text,
// nil when the line is a header only.
func (t *txtMsg) start(m *Message, l *lines, raw, text []byte) {
	t.m, t.cut, t.n = m, false, 0
	if text != nil {
		t.n = 1
	}
	m.Source.Line, m.Source.Offset = l.line, l.offset
	t.raw = append(t.raw[:0], raw...)
	t.text = append(t.text[:0], text...)
}

// add appends a line to the message; it reports false the first time the
// text goes over MaxLine (the rest is dropped, the message kept).
func (t *txtMsg) add(raw, text []byte) bool {
	if len(t.raw) <= MaxRaw {
		t.raw = append(append(t.raw, '\n'), raw...)
	}
	if t.cut {
		return true
	}
	if len(t.text)+1+len(text) > MaxLine {
		t.cut = true
		return false
	}
	if t.n > 0 {
		t.text = append(t.text, '\n')
	}
	t.n++
	t.text = append(t.text, text...)
	return true
}

// finish returns the message, its text and raw text trimmed of trailing
// blank lines, and clears t.
func (t *txtMsg) finish() *Message {
	m := t.m
	t.m = nil
	m.Text = string(bytes.Trim(t.text, "\r\n"))
	m.Source.Raw = clip(string(bytes.TrimRight(t.raw, "\r\n \t")))
	return m
}

// txtTime is a local wall time read in zone, as UTC; false when a field is
// out of range (time.Date would silently normalise 2025-02-30).
func txtTime(zone *time.Location, y, mo, d, h, mi, s int) (time.Time, bool) {
	if y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 {
		return time.Time{}, false
	}
	if d > time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, zone).UTC(), true
}

// txtNum reads 1 to max ASCII digits at b[i:], returning the value and the
// index after them; n is 0 when there is no digit.
func txtNum(b []byte, i, max int) (v, next, n int) {
	for next = i; next < len(b) && n < max && b[next] >= '0' && b[next] <= '9'; next++ {
		v = v*10 + int(b[next]-'0')
		n++
	}
	return v, next, n
}

// txtClock12 turns a 12-hour clock reading into 0–23; false when h does not
// fit a 12-hour clock.
func txtClock12(h int, pm bool) (int, bool) {
	if h > 12 {
		return 0, false
	}
	if h == 12 {
		h = 0
	}
	if pm {
		h += 12
	}
	return h, true
}

// txtMarks are the invisible direction marks and spaces exports put around
// names and attachments (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, U+FEFF).
func txtMark(r rune) bool {
	return r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0xFEFF
}

// txtTrimMarks trims direction marks and spaces at both ends.
func txtTrimMarks(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return txtMark(r) || r == ' ' || r == '\t' || r == 0xA0 || r == 0x202F })
}

// txtStripMarks removes direction marks anywhere in b (rarely any).
func txtStripMarks(b []byte) []byte {
	if !bytes.Contains(b, []byte("\xe2\x80")) && !bytes.Contains(b, []byte("\xe2\x81")) && !bytes.Contains(b, []byte("\xef\xbb\xbf")) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if !txtMark(r) {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// txtNames splits a list of names as membership events write them
// ("A, B and C", "A、B"). A bare 和 is not a separator: names hold it (张和平).
func txtNames(s string) []Party {
	s = txtTrimMarks(strings.TrimRight(txtTrimMarks(s), ".。"))
	if s == "" {
		return nil
	}
	for _, sep := range []string{" and ", " 和 ", "、", "，", ", "} {
		s = strings.ReplaceAll(s, sep, "\x00")
	}
	var out []Party
	for n := range strings.SplitSeq(s, "\x00") {
		if n = txtTrimMarks(n); n != "" {
			out = append(out, Party{Name: n})
		}
	}
	return out
}
