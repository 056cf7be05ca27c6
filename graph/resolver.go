// Package graph is Leaktrail's GraphQL layer: the gqlgen-generated executor
// for schema/*.graphqls and resolvers that delegate to the domain services.
package graph

import (
	"time"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/incident"
)

// Resolver holds the services the resolvers delegate to.
type Resolver struct {
	AuthService     *auth.Service
	IncidentService *incident.Service
}

// ptrs returns pointers to the elements of xs, the shape gqlgen wants for lists.
func ptrs[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

// ptr returns a pointer to v, or nil for nil-like results the schema makes optional.
func ptr[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// nonZero returns nil for the zero time, which the domain uses for "not set".
func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
