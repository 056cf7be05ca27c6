package server

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/leaktrail/leaktrail/spread"
)

// forwardReader reads a JSON list of ForwardInput without reflection:
// encoding/json spent most of a large recordForwards request finding each
// field by name and type. It reads only the GraphQL form strictly — every
// required field present, no field unknown or given twice, no null where
// the schema has a non-null type, every enumeration value among the
// schema's — and says no to anything else, which then goes to gqlgen and
// gets gqlgen's answer. What it accepts it reads as encoding/json does
// (TestForwardReaderReadsAsEncodingJSON).
type forwardReader struct {
	b []byte
	i int
	// keys holds each node key read so far: a batch names the same people
	// and venues over and over.
	keys map[string]string
}

// readForwards reads raw, a JSON array of ForwardInput objects; ok is false
// when it is not one in the strict form above.
func readForwards(raw []byte) (forwards []*spread.ForwardInput, ok bool) {
	r := &forwardReader{b: raw, keys: map[string]string{}}
	forwards = []*spread.ForwardInput{}
	ok = r.array(func() bool {
		f := new(spread.ForwardInput)
		forwards = append(forwards, f)
		return r.forward(f)
	})
	return forwards, ok && r.space() == len(r.b)
}

const (
	fKey = 1 << iota
	fAt
	fMethod
	fFrom
	fTo
	fBy
	fItemKey
	fAlterations
	fMisSent
	fRecalledAt
	fConfidence
	fNote
	fRequired = fKey | fAt | fMethod | fFrom | fTo | fBy
)

var forwardFields = map[string]int{"key": fKey, "at": fAt, "method": fMethod, "from": fFrom, "to": fTo, "by": fBy,
	"itemKey": fItemKey, "alterations": fAlterations, "misSent": fMisSent, "recalledAt": fRecalledAt,
	"confidence": fConfidence, "note": fNote}

func (r *forwardReader) forward(f *spread.ForwardInput) bool {
	seen, ok := r.object(forwardFields, func(field int) bool {
		switch field {
		case fKey:
			return r.str(&f.Key)
		case fAt:
			return r.time(&f.At)
		case fMethod:
			return enum(r, &f.Method, spread.Methods)
		case fFrom:
			return r.node(&f.From)
		case fTo:
			return r.node(&f.To)
		case fBy:
			return r.node(&f.By)
		case fItemKey:
			return nullable(r, &f.ItemKey, r.str)
		case fAlterations:
			return list(r, &f.Alterations, func(a *spread.Alteration) bool { return enum(r, a, spread.Alterations) })
		case fMisSent:
			return nullable(r, &f.MisSent, r.bool)
		case fRecalledAt:
			return nullable(r, &f.RecalledAt, r.time)
		case fConfidence:
			return nullable(r, &f.Confidence, func(c *spread.Confidence) bool { return enum(r, c, spread.Confidences) })
		default:
			return nullable(r, &f.Note, r.str)
		}
	})
	return ok && seen&fRequired == fRequired
}

const (
	nKey = 1 << iota
	nKind
	nName
	nExposure
	nMemberCount
	nUnit
	nPosition
	nHandles
	nCleared
	nPlatform
	nRequired = nKey | nKind
)

var nodeFields = map[string]int{"key": nKey, "kind": nKind, "name": nName, "exposure": nExposure,
	"memberCount": nMemberCount, "unit": nUnit, "position": nPosition, "handles": nHandles, "cleared": nCleared,
	"platform": nPlatform}

func (r *forwardReader) node(n *spread.NodeRef) bool {
	seen, ok := r.object(nodeFields, func(field int) bool {
		switch field {
		case nKey:
			return r.nodeKey(&n.Key)
		case nKind:
			return enum(r, &n.Kind, spread.NodeKinds)
		case nName:
			return nullable(r, &n.Name, r.str)
		case nExposure:
			return nullable(r, &n.Exposure, func(e *spread.Exposure) bool { return enum(r, e, spread.Exposures) })
		case nMemberCount:
			return nullable(r, &n.MemberCount, r.int)
		case nUnit:
			return nullable(r, &n.Unit, r.str)
		case nPosition:
			return nullable(r, &n.Position, r.str)
		case nHandles:
			return list(r, &n.Handles, r.str)
		case nCleared:
			return nullable(r, &n.Cleared, r.bool)
		default:
			return nullable(r, &n.Platform, func(p *spread.Platform) bool { return enum(r, p, spread.Platforms) })
		}
	})
	return ok && seen&nRequired == nRequired
}

// object reads an object whose keys are among fields, calling value for
// each; it says which fields it saw.
func (r *forwardReader) object(fields map[string]int, value func(field int) bool) (seen int, ok bool) {
	if !r.next('{') {
		return 0, false
	}
	if r.next('}') {
		return 0, true
	}
	for {
		key, plain := r.quoted()
		field, known := fields[string(key)]
		if !plain || !known || seen&field != 0 || !r.next(':') || !value(field) {
			return 0, false
		}
		seen |= field
		if r.next('}') {
			return seen, true
		}
		if !r.next(',') {
			return 0, false
		}
	}
}

// array reads an array, calling element at each of its elements.
func (r *forwardReader) array(element func() bool) bool {
	if !r.next('[') {
		return false
	}
	if r.next(']') {
		return true
	}
	for {
		if !element() {
			return false
		}
		if r.next(']') {
			return true
		}
		if !r.next(',') {
			return false
		}
	}
}

// list reads a nullable list of non-null elements: null leaves a nil slice,
// [] an empty one, as encoding/json does.
func list[T any](r *forwardReader, list *[]T, element func(*T) bool) bool {
	if r.null() {
		*list = nil
		return true
	}
	*list = []T{}
	return r.array(func() bool {
		var v T
		if !element(&v) {
			return false
		}
		*list = append(*list, v)
		return true
	})
}

// nullable reads null as nil, or a value into a new T.
func nullable[T any](r *forwardReader, p **T, read func(*T) bool) bool {
	if r.null() {
		*p = nil
		return true
	}
	v := new(T)
	*p = v
	return read(v)
}

// enum reads a string that must be one of values, keeping the value's own
// string rather than a copy.
func enum[T ~string](r *forwardReader, v *T, values []T) bool {
	s, plain := r.quoted()
	for _, value := range values {
		if plain && string(value) == string(s) {
			*v = value
			return true
		}
	}
	return false
}

func (r *forwardReader) str(s *string) bool {
	start := r.space()
	raw, plain := r.quoted()
	switch {
	case raw == nil:
		return false
	case plain:
		*s = string(raw)
		return true
	default: // escapes or bytes that are not UTF-8: encoding/json's reading of them
		return json.Unmarshal(r.b[start:r.i], s) == nil
	}
}

func (r *forwardReader) nodeKey(s *string) bool {
	start := r.space()
	raw, plain := r.quoted()
	if !plain {
		r.i = start
		return r.str(s)
	}
	key, ok := r.keys[string(raw)]
	if !ok {
		key = string(raw)
		r.keys[key] = key
	}
	*s = key
	return true
}

// quoted reads a string, returning what lies between its quotes; plain is
// false when that is not the string's value as it is (it has escapes or is
// not UTF-8), and raw nil when there is no string.
func (r *forwardReader) quoted() (raw []byte, plain bool) {
	i := r.space()
	if i == len(r.b) || r.b[i] != '"' {
		return nil, false
	}
	plain = true
	ascii := true
	for i++; i < len(r.b); i++ {
		switch c := r.b[i]; {
		case c == '"':
			raw = r.b[r.i+1 : i]
			r.i = i + 1
			return raw, plain && (ascii || utf8.Valid(raw))
		case c == '\\':
			plain = false
			i++
		case c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// time reads a time as encoding/json does: time.Time's own UnmarshalJSON of
// the string as written.
func (r *forwardReader) time(t *time.Time) bool {
	start := r.space()
	if raw, _ := r.quoted(); raw == nil {
		return false
	}
	return t.UnmarshalJSON(r.b[start:r.i]) == nil
}

func (r *forwardReader) int(n *int) bool {
	start := r.space()
	end := start
	for end < len(r.b) && (r.b[end] == '-' || r.b[end] >= '0' && r.b[end] <= '9') {
		end++
	}
	literal := string(r.b[start:end])
	if len(literal) > 1 && literal[0] == '0' || len(literal) > 2 && literal[:2] == "-0" {
		return false // a leading zero is not JSON
	}
	v, err := strconv.Atoi(literal)
	if err != nil || end < len(r.b) && (r.b[end] == '.' || r.b[end] == 'e' || r.b[end] == 'E') {
		return false
	}
	r.i = end
	*n = v
	return true
}

func (r *forwardReader) bool(b *bool) bool {
	switch {
	case r.literal("true"):
		*b = true
	case r.literal("false"):
		*b = false
	default:
		return false
	}
	return true
}

func (r *forwardReader) null() bool { return r.literal("null") }

func (r *forwardReader) literal(word string) bool {
	i := r.space()
	if len(r.b)-i < len(word) || string(r.b[i:i+len(word)]) != word {
		return false
	}
	r.i = i + len(word)
	return true
}

// next reads the character c, after any space.
func (r *forwardReader) next(c byte) bool {
	i := r.space()
	if i == len(r.b) || r.b[i] != c {
		return false
	}
	r.i = i + 1
	return true
}

// space moves past white space and says where the reader then is.
func (r *forwardReader) space() int {
	r.i = skipSpace(r.b, r.i)
	return r.i
}
