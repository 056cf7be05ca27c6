package scalar

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/leaktrail/leaktrail/apperr"
)

// MarshalDate writes a calendar date as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(t.Format(time.DateOnly))) }) //nolint:errcheck // the writer is the response
}

// UnmarshalDate reads a YYYY-MM-DD date; anything else is INVALID_INPUT.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if ok {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, apperr.Errorf(apperr.InvalidInput, "a date is a string such as 2026-03-04")
}
