// Package apperr is Leaktrail's one application error type. Its codes are the
// ErrorCode enum in schema/errors.graphqls; only errors of this type reach a
// client, everything else is logged and replaced by an opaque INTERNAL error.
package apperr

import (
	"errors"
	"fmt"
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
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Hidden is NOT_FOUND for an id or reference that does not exist or that the
// caller may not see. Its message is the same for every kind of object, so
// the answer tells an outsider neither whether the object exists nor what
// kind of object a hidden id belongs to.
func Hidden() *Error {
	return &Error{Code: NotFound, Message: "not found, or you may not see it"}
}

// Invalid reports bad input in one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: InvalidInput, Field: field, Message: fmt.Sprintf(format, args...)}
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
