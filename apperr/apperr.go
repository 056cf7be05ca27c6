// Package apperr is Leaktrail's one application error type. Its codes are the
// ErrorCode enum in schema/errors.graphqls; only errors of this type reach a
// client, everything else is logged and replaced by an opaque INTERNAL error.
package apperr

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Code is one of the values of the GraphQL ErrorCode enum.
type Code string

const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	InvalidInput    Code = "INVALID_INPUT"
	Conflict        Code = "CONFLICT"
	GateNotMet      Code = "GATE_NOT_MET"
	RateLimited     Code = "RATE_LIMITED"
	Unavailable     Code = "UNAVAILABLE"
	Frozen          Code = "FROZEN"
	Internal        Code = "INTERNAL"
)

// Error is a client-safe error: its Message may be shown to the caller.
type Error struct {
	Code    Code
	Message string
	// Reason names Message for a client to word in its reader's language,
	// filling in Params; see ReasonOf.
	Reason string
	// Params are the values in Message by name: for a format string, the
	// position of their verb ("0", "1", …), values of enumerations as their code.
	Params map[string]any
	// Field names the offending input, e.g. "input.title", for INVALID_INPUT.
	Field string
	// Extensions carries code-specific details (unmet requirements, current version).
	Extensions map[string]any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns a client-safe error with the given code.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Reason: ReasonOf(format), Params: params(format, args)}
}

// Hidden is NOT_FOUND for an id or reference that does not exist or that the
// caller may not see. Its message is the same for every kind of object, so
// the answer tells an outsider neither whether the object exists nor what
// kind of object a hidden id belongs to.
func Hidden() *Error {
	return Errorf(NotFound, "not found, or you may not see it")
}

// Invalid reports bad input in one field.
func Invalid(field, format string, args ...any) *Error {
	e := Errorf(InvalidInput, format, args...)
	e.Field = field
	return e
}

// Detail is an argument of Errorf or Invalid that goes into the English
// message only: a technical detail (a parser's complaint, an operation's
// name) that a client wording the reason in another language leaves out.
type Detail string

// Because returns a copy of e with its reason and params given explicitly,
// for a message whose format is not a literal (a row problem of a batch).
func (e *Error) Because(reason string, params map[string]any) *Error {
	c := *e
	c.Reason, c.Params = reason, params
	return &c
}

// verb matches one fmt verb.
var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]*)?[a-zA-Z%]`)

// ReasonOf is the reason of a message made from format: its first eight
// words, lowercased and joined by "_", without the verbs
// ("the file is larger than the limit of %d MiB" ->
// "the_file_is_larger_than_the_limit_of"), so it stays put while the values
// change, and reads as what it names.
func ReasonOf(format string) string {
	words := strings.FieldsFunc(verb.ReplaceAllString(format, " "), func(r rune) bool {
		return r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.ToLower(strings.Join(words[:min(len(words), 8)], "_"))
}

// params names the arguments of a format by their verb's position. A string
// or integer goes as itself (an enumeration's code, a number to word); any
// other value as the verb formats it; a Detail not at all.
func params(format string, args []any) map[string]any {
	var p map[string]any
	i := 0
	for _, v := range verb.FindAllString(format, -1) {
		if v == "%%" || i >= len(args) {
			continue
		}
		a := args[i]
		name := strconv.Itoa(i)
		i++
		if _, ok := a.(Detail); ok {
			continue
		}
		if p == nil {
			p = map[string]any{}
		}
		switch r := reflect.ValueOf(a); {
		case r.Kind() == reflect.String && strings.ContainsAny(v[len(v)-1:], "sqv"):
			p[name] = r.String()
		case r.CanInt() && v[len(v)-1] == 'd':
			p[name] = r.Int()
		default:
			p[name] = fmt.Sprintf(v, a)
		}
	}
	return p
}

// With returns a copy of e with one more extension.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Extensions = make(map[string]any, len(e.Extensions)+1)
	for k, v := range e.Extensions {
		c.Extensions[k] = v
	}
	c.Extensions[key] = value
	return &c
}

// As returns the application error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// CodeOf returns the code of err: its own for an application error, INTERNAL for
// anything else, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}

// Prefix returns err with its field moved under prefix ("title" -> "input.title"),
// so a domain validation error names the GraphQL argument it came from.
func Prefix(prefix string, err error) error {
	e, ok := As(err)
	if !ok || e.Field == "" {
		return err
	}
	c := *e
	c.Field = prefix + "." + e.Field
	return &c
}
