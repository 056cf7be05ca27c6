package scalar

import (
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/leaktrail/leaktrail/apperr"
)

// MarshalTime writes an RFC 3339 timestamp.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime reads an RFC 3339 timestamp with a zone; anything else is INVALID_INPUT.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.Errorf(apperr.InvalidInput, "a time is an RFC 3339 string such as 2026-03-04T09:15:00+08:00")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, apperr.Errorf(apperr.InvalidInput, "%q is not an RFC 3339 time such as 2026-03-04T09:15:00+08:00", truncate(s, 64))
	}
	return t, nil
}
