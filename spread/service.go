package spread

import (
	"context"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/singleflight"

	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/workflow"
)

// Service records and analyses spread chains, honouring the incident's
// need-to-know through the incident service.
type Service struct {
	DB        *sqlx.DB
	Store     Store
	Incidents *incident.Service
	analyses  analysisCache
	// computing runs one analysis of an incident's version at a time: callers
	// asking together share it rather than each reading the whole chain.
	computing singleflight.Group
}

// NewService returns the spread service.
func NewService(db *sqlx.DB, incidents *incident.Service) *Service {
	return &Service{DB: db, Incidents: incidents}
}

// GateFacts is the incident gates' fact source for the spread chain
// (workflow.FromSpread): whether it is mapped to its origin, and its venues'
// containment.
func (s *Service) GateFacts(ctx context.Context, ex database.Executor, id uuid.UUID, f *workflow.Facts) error {
	sum, err := s.Store.Summary(ctx, ex, id)
	f.SpreadMapped = sum.Forwards > 0 && sum.HasOrigin
	f.VenuesContained, f.UncontainedVenues = sum.VenuesContained, sum.Uncontained
	return err
}

func (s *Service) change(ctx context.Context, incidentID uuid.UUID, fn func(tx *sqlx.Tx) (audit.Entry, error)) error {
	return s.changeAs(ctx, incidentID, incident.PermEdit, fn)
}

// changeAs is change under permission p: the incident's Change, bumping the
// incident's version with the chain's.
func (s *Service) changeAs(ctx context.Context, incidentID uuid.UUID, p incident.Permission, fn func(tx *sqlx.Tx) (audit.Entry, error)) error {
	return s.Incidents.Change(ctx, incidentID, p, func(tx *sqlx.Tx, _ incident.Incident, _ auth.User) (audit.Entry, error) {
		e, err := fn(tx)
		if err != nil {
			return e, err
		}
		return e, s.Store.BumpVersion(ctx, tx, incidentID)
	})
}

// authUser is the signed-in user's id; callers run inside the incident's Change, which checked there is one.
func authUser(ctx context.Context) (uuid.UUID, bool) {
	u, ok := auth.UserFrom(ctx)
	return u.ID, ok
}
