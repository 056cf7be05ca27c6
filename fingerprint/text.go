package fingerprint

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// t2sBMP maps a traditional character of the Basic Multilingual Plane to its simplified form
// (0: unchanged); t2sAstral holds the few pairs outside it. The table is OpenCC's character
// dictionary and not a converter library: a fingerprint needs a one-rune-to-one-rune mapping,
// not OpenCC's phrase segmentation, and a flat array keeps the normaliser at a few nanoseconds a
// rune, which the million-message scan needs.
var (
	t2sBMP    [0x10000]uint16
	t2sAstral = map[rune]rune{}
)

func init() {
	rs := []rune(t2sPairs)
	for i := 0; i+1 < len(rs); i += 2 {
		t, s := rs[i], rs[i+1]
		if t < 0x10000 && s < 0x10000 {
			t2sBMP[t] = uint16(s)
		} else {
			t2sAstral[t] = s
		}
	}
}

// Normalize reduces a text to the form fingerprints are taken of: NFKC (full-width letters,
// digits and brackets become half-width), traditional characters become simplified, Latin
// letters lower-case, whitespace and punctuation go — people retype, re-punctuate and re-wrap what
// they quote — except brackets, which become [ and ] because document numbers (〔2021〕3号,
// [2021]3号, 【2021】3号) are recognised by them.
func Normalize(s string) string {
	n, _ := normalize(s, false)
	return n
}

// docBreak stands for punctuation in the form document numbers are extracted from, so that an
// issuer is not run together with the text before it (看了吗，〔2021〕3号).
const docBreak = '|'

// normalize takes the fast path for a text of ASCII, common ideographs and common CJK
// punctuation, where NFKC changes nothing or only maps full-width forms to ASCII; it falls back to
// NFKC of the whole text at the first other rune (a combining mark may compose with the rune
// before it).
// It returns the normalised text and its length in runes.
func normalize(s string, breaks bool) (string, int) {
	var b strings.Builder
	b.Grow(len(s))
	count := 0
	for _, r := range s {
		if !nfkcInert(r) {
			b.Reset()
			count = 0
			for _, r := range norm.NFKC.String(s) {
				count += writeNorm(&b, r, breaks)
			}
			return b.String(), count
		}
		if r >= 0xff01 && r <= 0xff5e { // full-width ASCII, as NFKC maps it
			r -= 0xfee0
		}
		count += writeNorm(&b, r, breaks)
	}
	return b.String(), count
}

// nfkcInert reports whether NFKC leaves r as it is, or maps it only as normalize's fast path does.
func nfkcInert(r rune) bool {
	switch {
	case r < utf8.RuneSelf, r >= 0x4e00 && r <= 0x9fff, r >= 0xff01 && r <= 0xff5e:
		return true
	}
	switch r {
	case '\u3000', '、', '。', '〈', '〉', '《', '》', '「', '」', '『', '』', '【', '】', '〔', '〕', '〖', '〗',
		'‘', '’', '“', '”', '—', '·':
		return true
	}
	return false
}

// writeNorm writes the normalised form of r and returns the number of runes written.
func writeNorm(b *strings.Builder, r rune, breaks bool) int {
	n := normRune(r)
	if n == 0 && breaks && !unicode.IsSpace(r) {
		n = docBreak
	}
	if n == 0 {
		return 0
	}
	if n < utf8.RuneSelf {
		b.WriteByte(byte(n))
	} else {
		b.WriteRune(n)
	}
	return 1
}

// normRune maps one NFKC rune to its normalised form, or 0 to drop it.
func normRune(r rune) rune {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		case r == '[' || r == '(' || r == '{':
			return '['
		case r == ']' || r == ')' || r == '}':
			return ']'
		}
		return 0
	}
	if r >= 0x4e00 && r <= 0x9fff { // the common ideographs: the bulk of a Chinese text
		if s := t2sBMP[r]; s != 0 {
			return rune(s)
		}
		return r
	}
	switch r {
	case '〔', '【', '〖', '〘', '〚', '［', '（', '⦅':
		return '['
	case '〕', '】', '〗', '〙', '〛', '］', '）', '⦆':
		return ']'
	}
	if r < 0x10000 {
		if s := t2sBMP[r]; s != 0 {
			return rune(s)
		}
	} else if s, ok := t2sAstral[r]; ok {
		return s
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return unicode.ToLower(r)
	}
	return 0
}

// docNumberRe matches a normalised document number: an issuer abbreviation (国办发, 保密), the
// year in brackets, the serial and 号. The issuer is optional because messages often quote the
// bare 〔2021〕3号.
var docNumberRe = regexp.MustCompile(`(\p{Han}{0,8})\[(\d{4})\]第?0*(\d{1,6})号`)

// docLeadWords are words that precede an issuer in running text (根据国办发〔2021〕3号) and are
// not part of it.
var docLeadWords = []string{"根据", "按照", "依据", "依照", "关于", "印发", "转发", "执行", "落实", "参照", "见", "的", "和", "及", "与"}

// DocNumber is a document number in canonical form: Issuer may be empty.
type DocNumber struct {
	Issuer string
	Year   int
	Serial int
}

func (d DocNumber) String() string {
	return d.Issuer + "〔" + strconv.Itoa(d.Year) + "〕" + strconv.Itoa(d.Serial) + "号"
}

// DocNumbers extracts the document numbers of a text, each once, in order of appearance.
func DocNumbers(text string) []DocNumber {
	n, _ := normalize(text, true)
	if !strings.Contains(n, "号") {
		return nil
	}
	var out []DocNumber
	for _, m := range docNumberRe.FindAllStringSubmatch(n, -1) {
		year, _ := strconv.Atoi(m[2])
		serial, _ := strconv.Atoi(m[3])
		d := DocNumber{Issuer: trimLeadWords(m[1]), Year: year, Serial: serial}
		dup := false
		for _, o := range out {
			dup = dup || o == d
		}
		if !dup {
			out = append(out, d)
		}
	}
	return out
}

// trimLeadWords cuts the running text in front of an issuer: the issuer is what follows the last
// lead word.
func trimLeadWords(s string) string {
	cut := 0
	for _, w := range docLeadWords {
		if i := strings.LastIndex(s, w); i >= 0 && i+len(w) > cut {
			cut = i + len(w)
		}
	}
	return s[cut:]
}

// gramSize is the length of the character n-grams compared for partial quotes: four Chinese
// characters are rarely shared by chance, and a quote survives the loss of a few of them.
const gramSize = 4

// grams calls f with the key of every gramSize-rune window of the normalised text n, or 0 for a
// window holding a bracket: bracketed parts are document numbers, matched as such, and would
// otherwise make every document number of a year a partial quote of any other. The key packs the
// four runes 16 bits each, exact for the Basic Multilingual Plane; a rune beyond it is folded.
func grams(n string, f func(uint64)) {
	var key uint64
	i, lastBracket := 0, -gramSize
	for _, r := range n {
		key = key<<16 | uint64(uint16(r)^uint16(r>>16))
		if r == '[' || r == ']' {
			lastBracket = i
		}
		i++
		switch {
		case i < gramSize:
		case i-lastBracket <= gramSize:
			f(0)
		default:
			f(key)
		}
	}
}
