package fingerprint

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind is how a message matches the leaked item.
type Kind string

const (
	KindFileExact    Kind = "FILE_EXACT"    // an attachment with the item's SHA-256
	KindMD5          Kind = "MD5"           // an attachment with the item's MD5 (the export gave no SHA-256)
	KindImageSimilar Kind = "IMAGE_SIMILAR" // an image perceptually the same as the item's
	KindTextExact    Kind = "TEXT_EXACT"    // the item's text, a marked title or phrase, verbatim after normalising
	KindDocNumber    Kind = "DOC_NUMBER"    // the item's document number
	KindTextPartial  Kind = "TEXT_PARTIAL"  // a partial quote: enough of the message's 4-grams are in the item's text
)

// Sighting is one way a message matches the leaked item; Score is 0..1 (for TEXT_PARTIAL the
// share of the shorter text's 4-grams found in the longer).
type Sighting struct {
	Kind   Kind
	Score  float64
	Detail string
}

// Thresholds of the text matches.
const (
	// MinExactRunes is the shortest normalised text that counts as a verbatim quote: shorter ones
	// (好的, 收到) occur everywhere.
	MinExactRunes = 8
	// PartialMinScore is the share of the shorter text's 4-grams found in the longer one at which a
	// message counts as a partial quote; below it, shared stock phrases (各地区各部门) dominate.
	PartialMinScore = 0.5
	// PartialMinGrams is the fewest 4-grams a partial quote must share (7 characters in a row
	// make 4), so a short message is not matched on one common phrase.
	PartialMinGrams = 4
	// PartialMinRun is the run of consecutive message 4-grams found in the item (11 characters in
	// a row) that makes a message a partial quote whatever its share: a sentence forwarded inside
	// chatter. Stock phrases (经国务院同意) are shorter.
	PartialMinRun = 8
	// DocNumberBareScore is the score of a document number matched on year and serial alone,
	// because one side names no issuer (〔2021〕3号 against 国办发〔2021〕3号).
	DocNumberBareScore = 0.6
)

// Item is the leaked item as the investigator marked it: any of its files (with their digests),
// its images (with their perceptual hashes), its text, and titles or distinctive phrases
// (a document's title, a sentence) to be found verbatim.
type Item struct {
	Files   []FileSums
	Images  []ImageHashes
	Text    string
	Phrases []string
}

// Media is an attachment of a message as far as the export knows it: either digest may be empty,
// Image is nil unless the image bytes were available to hash.
type Media struct {
	SHA256 string
	MD5    string
	Image  *ImageHashes
}

// Message is what a message offers to be matched.
type Message struct {
	Text  string
	Media []Media
}

// Matcher holds the fingerprints of one leaked item. It is read-only once built, so one Matcher
// may score messages from many goroutines.
type Matcher struct {
	sha256, md5 map[string]bool
	images      []ImageHashes
	phrases     []string // normalised text and phrases, each at least MinExactRunes long
	docs        []DocNumber
	text        string            // the normalised text
	grams       map[uint64]uint32 // the text's 4-grams, each with its index among the distinct ones
	gramCount   int               // the text's distinct 4-grams
}

// NewMatcher derives the fingerprints of the item.
func NewMatcher(it Item) *Matcher {
	m := &Matcher{sha256: map[string]bool{}, md5: map[string]bool{}, images: it.Images, grams: map[uint64]uint32{}}
	for _, f := range it.Files {
		if f.SHA256 != "" {
			m.sha256[strings.ToLower(f.SHA256)] = true
		}
		if f.MD5 != "" {
			m.md5[strings.ToLower(f.MD5)] = true
		}
	}
	m.text = Normalize(it.Text)
	for _, p := range append([]string{it.Text}, it.Phrases...) {
		n := Normalize(p)
		if utf8.RuneCountInString(n) >= MinExactRunes {
			m.phrases = append(m.phrases, n)
		}
		for _, d := range DocNumbers(p) {
			if !containsDoc(m.docs, d) {
				m.docs = append(m.docs, d)
			}
		}
	}
	grams(m.text, func(h uint64) {
		if _, ok := m.grams[h]; !ok && h != 0 {
			m.grams[h] = uint32(len(m.grams))
		}
	})
	m.gramCount = len(m.grams)
	return m
}

func containsDoc(ds []DocNumber, d DocNumber) bool {
	for _, o := range ds {
		if o == d {
			return true
		}
	}
	return false
}

// Match returns the ways the message matches the item, none if it does not.
func (m *Matcher) Match(msg Message) []Sighting {
	var out []Sighting
	for _, md := range msg.Media {
		out = m.matchMedia(md, out)
	}
	if msg.Text == "" {
		return out
	}
	n, runes := normalize(msg.Text, false)
	exact := false
	for _, p := range m.phrases {
		if strings.Contains(n, p) {
			out = append(out, Sighting{Kind: KindTextExact, Score: 1, Detail: "contains " + excerpt(p)})
			exact = true
			break
		}
	}
	if len(m.docs) > 0 && strings.Contains(n, "号") {
		out = m.matchDocs(msg.Text, out)
	}
	if !exact && m.gramCount > 0 {
		s, shared, run := m.partial(n, runes)
		// Only a message all of whose 4-grams are in the item can be a verbatim quote of it.
		if shared == runes-gramSize+1 && runes >= MinExactRunes && strings.Contains(m.text, n) {
			return append(out, Sighting{Kind: KindTextExact, Score: 1, Detail: "quoted verbatim from the item"})
		}
		if shared >= PartialMinGrams && (s >= PartialMinScore || run >= PartialMinRun) {
			out = append(out, Sighting{Kind: KindTextPartial, Score: s,
				Detail: fmt.Sprintf("%d shared 4-grams, %d characters in a row", shared, run+gramSize-1)})
		}
	}
	return out
}

func (m *Matcher) matchMedia(md Media, out []Sighting) []Sighting {
	switch {
	case md.SHA256 != "" && m.sha256[strings.ToLower(md.SHA256)]:
		return append(out, Sighting{Kind: KindFileExact, Score: 1, Detail: "SHA-256 " + strings.ToLower(md.SHA256)})
	case md.MD5 != "" && m.md5[strings.ToLower(md.MD5)]:
		return append(out, Sighting{Kind: KindMD5, Score: 1, Detail: "MD5 " + strings.ToLower(md.MD5)})
	}
	if md.Image == nil {
		return out
	}
	best, bp, bd := 0.0, 0, 0
	for _, im := range m.images {
		if s, ok := SimilarImages(*md.Image, im); ok && s > best {
			best = s
			bp, bd = imageDistances(*md.Image, im)
		}
	}
	if best > 0 {
		out = append(out, Sighting{Kind: KindImageSimilar, Score: best, Detail: fmt.Sprintf("pHash distance %d, dHash distance %d", bp, bd)})
	}
	return out
}

// matchDocs reports the best-matching document number of the message: the same issuer (one
// may carry running text before it) scores 1, a missing issuer DocNumberBareScore, a different
// issuer nothing.
func (m *Matcher) matchDocs(text string, out []Sighting) []Sighting {
	best, detail := 0.0, ""
	for _, got := range DocNumbers(text) {
		for _, want := range m.docs {
			if got.Year != want.Year || got.Serial != want.Serial {
				continue
			}
			s := 0.0
			switch {
			case got.Issuer == "" || want.Issuer == "":
				s = DocNumberBareScore
			case strings.HasSuffix(got.Issuer, want.Issuer) || strings.HasSuffix(want.Issuer, got.Issuer):
				s = 1
			}
			if s > best {
				best, detail = s, want.String()
			}
		}
	}
	if best > 0 {
		out = append(out, Sighting{Kind: KindDocNumber, Score: best, Detail: detail})
	}
	return out
}

// partial scores the overlap of 4-grams as the containment of the shorter text in the longer:
// a message quoting part of the document, or a short item quoted inside a longer message. It
// also returns the longest run of consecutive message 4-grams found in the item.
func (m *Matcher) partial(n string, runes int) (score float64, shared, longest int) {
	hits, run := 0, 0
	var seen []uint64 // bitset over the item's distinct grams, only when the item is the shorter
	total := runes - gramSize + 1
	if total <= 0 {
		return 0, 0, 0
	}
	itemShorter := m.gramCount < total
	if itemShorter {
		seen = make([]uint64, (m.gramCount+63)/64)
	}
	grams(n, func(h uint64) {
		i, ok := m.grams[h]
		if !ok || h == 0 {
			run = 0
			return
		}
		run++
		longest = max(longest, run)
		if !itemShorter {
			hits++
			return
		}
		if seen[i/64]&(1<<(i%64)) == 0 {
			seen[i/64] |= 1 << (i % 64)
			hits++
		}
	})
	if itemShorter {
		return float64(hits) / float64(m.gramCount), hits, longest
	}
	return float64(hits) / float64(total), hits, longest
}

// excerpt shortens a fingerprint for a sighting's detail.
func excerpt(s string) string {
	const limit = 24
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "…"
}
