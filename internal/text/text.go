// Package text keeps user text from pretending to be something else: names
// whose reading order is reversed by a hidden character, controls that break
// a line or a log, and CSV cells that a spreadsheet would run as formulas.
package text

import (
	"strings"
	"unicode/utf8"

	"github.com/leaktrail/leaktrail/apperr"
)

// hidden reports whether r changes how the text around it is read without
// showing itself: bidirectional marks, embeddings, overrides and isolates.
func hidden(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// invisible reports whether r takes no room and has no use in a name or
// note other than to make two different texts look alike: zero width space,
// word joiner, zero width no-break space (BOM) and Mongolian vowel separator.
// Zero width (non-)joiners are kept: emoji and some scripts need them.
func invisible(r rune) bool {
	return r == 0x200B || r == 0x2060 || r == 0xFEFF || r == 0x180E
}

// control reports whether r is a C0 or C1 control character, DEL, or a
// Unicode line or paragraph separator.
func control(r rune) bool {
	return r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == 0x2028 || r == 0x2029
}

// refused is the first character a value may not hold, and whether there is one.
func refused(s string, multiline bool) (rune, bool) {
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return r, true
		case multiline && (r == '\n' || r == '\t' || r == '\r'):
		case hidden(r) || invisible(r) || control(r):
			return r, true
		}
	}
	return 0, false
}

func check(field, s string, multiline bool) error {
	r, bad := refused(s, multiline)
	switch {
	case !bad:
		return nil
	case r == utf8.RuneError:
		return apperr.Invalid(field, "%s is not valid UTF-8", field)
	case hidden(r):
		return apperr.Invalid(field, "%s contains a text-direction character (U+%04X)", field, r)
	case invisible(r):
		return apperr.Invalid(field, "%s contains an invisible character (U+%04X)", field, r)
	case multiline:
		return apperr.Invalid(field, "%s contains a control character (U+%04X)", field, r)
	}
	return apperr.Invalid(field, "%s must be one line without control characters (U+%04X)", field, r)
}

// Line checks a single-line value (a title, name, file name, key, reference):
// no control characters, line breaks, text-direction or invisible characters.
func Line(field, s string) error { return check(field, s, false) }

// Block checks multi-line text: line breaks and tabs are kept, other control,
// text-direction and invisible characters are refused.
func Block(field, s string) error { return check(field, s, true) }

// Clean returns s with every character Line refuses replaced by '_', for
// names stored before they were checked.
func Clean(s string) string {
	if _, bad := refused(s, false); !bad {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || hidden(r) || invisible(r) || control(r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Lines returns s with its line breaks made LF: CRLF and a lone CR (pasted
// from old editors) each become one, so that no text stored or rendered
// holds a raw carriage return that a viewer may take otherwise.
func Lines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// CSVCell returns s so that a spreadsheet shows it as text: a cell starting
// with =, +, -, @, a tab or a carriage return is taken as a formula, so such a
// cell is prefixed with a single quote (the OWASP rule).
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
