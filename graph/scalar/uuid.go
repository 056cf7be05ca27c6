// Package scalar binds GraphQL scalars to Go types.
package scalar

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
)

// MarshalUUID writes an ID. A nil UUID is never a valid id, so it is refused
// rather than sent as all zeros.
func MarshalUUID(u uuid.UUID) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if u == uuid.Nil {
			panic(fmt.Errorf("scalar: marshalling the nil UUID as an ID"))
		}
		io.WriteString(w, strconv.Quote(u.String())) //nolint:errcheck
	})
}

// UnmarshalUUID reads an ID; anything but a UUID string is INVALID_INPUT.
func UnmarshalUUID(v any) (uuid.UUID, error) {
	s, ok := v.(string)
	if !ok {
		return uuid.Nil, apperr.Errorf(apperr.InvalidInput, "an ID is a UUID string")
	}
	u, err := uuid.Parse(s)
	if err != nil || u == uuid.Nil {
		return uuid.Nil, apperr.Errorf(apperr.InvalidInput, "%q is not a valid ID", truncate(s, 64))
	}
	return u, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
