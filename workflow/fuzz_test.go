package workflow

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/text"
)

// FuzzDecide drives the stage machine with any pair of stages, note and
// facts, frozen or not, returned by a review or not, against the rules
// written out plainly: it never panics, refuses with a client error code,
// and allows exactly the moves the rules allow. The top bit of fromIndex
// marks a returned review, the top bit of bits a frozen case.
func FuzzDecide(f *testing.F) {
	f.Add(uint8(0), "INITIAL_RESPONSE", "", uint16(0xffff), "TOP_SECRET")
	f.Add(uint8(2), "DETECT", "回退：证据不足", uint16(0), "SECRET")
	f.Add(uint8(5), "RECOVERY", " ", uint16(1), "WORK_SECRET")
	f.Add(uint8(1), "CLOSED", "", uint16(7), "")
	f.Add(uint8(3), "bogus", "x", uint16(3), "CONFIDENTIAL")
	f.Add(uint8(0x85), "RECOVERY", "退回：处分未落实", uint16(0), "SECRET")
	f.Add(uint8(0x84), "CLOSED", "x", uint16(0), "SECRET")
	f.Add(uint8(5), "RECOVERY", "重新打开", uint16(0x8000), "SECRET")
	f.Add(uint8(4), "CLOSED", "", uint16(0xffff), "SECRET")
	gates := DefaultGates()
	f.Fuzz(func(t *testing.T, fromIndex uint8, to string, note string, bits uint16, classification string) {
		from := Stages[int(fromIndex&0x7f)%len(Stages)]
		returned, frozen := fromIndex&0x80 != 0, bits&0x8000 != 0
		facts := factsFrom(bits, classification)
		kind, err := Decide(gates, Move{From: from, To: Stage(to), Note: note, Frozen: frozen, Returned: returned}, facts)
		if err != nil {
			switch apperr.CodeOf(err) {
			case apperr.InvalidInput, apperr.Conflict, apperr.GateNotMet, apperr.Frozen:
			default:
				t.Fatalf("%s → %q: not a client error: %v", from, to, err)
			}
		}
		ti, fi := Stage(to).Index(), from.Index()
		var want Kind
		switch {
		case (returned || frozen) && ti >= fi:
		case ti < 0 || len(note) > MaxNoteLength || text.Block("note", note) != nil || ti == fi || ti > fi+1:
		case ti < fi && trimmedEmpty(note):
		case ti < fi && from == Closed:
			want = KindReopen
		case ti < fi:
			want = KindReturn
		case len(gates.Evaluate(from, facts).Unmet()) == 0:
			want = KindAdvance
		}
		if kind != want {
			t.Fatalf("%s → %q (note %q): got %q, the rules say %q (%v)", from, to, note, kind, want, err)
		}
	})
}

// trimmedEmpty: a reason of white space only is no reason.
func trimmedEmpty(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) }) < 0
}

// factsFrom sets the facts a gate checks from the bits, so the fuzzer
// explores met and unmet gates.
func factsFrom(bits uint16, classification string) Facts {
	on := func(i uint) bool { return bits&(1<<i) != 0 }
	text := func(i uint) string {
		if on(i) {
			return "已填写"
		}
		return ""
	}
	f := Facts{Title: text(0), LeakedItem: text(1), Classification: classification, DetectionMethod: text(2), ReportedBy: text(3),
		ReachedOutside: on(4), SpreadMapped: on(5), RootCause: text(6), ScopeAndImportance: text(7), BusinessImpact: text(8),
		DisclosureDecision: text(9), DisclosureRationale: text(9), AffectedNotice: text(10), Statement: text(10)}
	if on(11) {
		f.ContainmentActions, f.VenuesContained, f.EvidenceItems, f.Measures = 1, 1, 1, 1
	}
	if on(5) {
		f.Findings = 1
	}
	if on(12) {
		f.DetectedAt = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		f.NotifiedAt = []time.Time{f.DetectedAt.Add(time.Hour)}
	}
	if on(13) {
		f.FindingsAwaitingOutcome, f.UncontainedVenues = 1, 1
	}
	if on(14) {
		f.Tasks = []TaskFact{{}}
	}
	return f
}
