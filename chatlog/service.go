package chatlog

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/spread"
)

// Service reads chat exports into cases, marks leaked items and reviews the
// forwards proposed from them.
type Service struct {
	DB        *sqlx.DB
	Store     Store
	Incidents *incident.Service
	Evidence  *evidence.Service
	Spread    *spread.Service
	// UsersByIDs finds the person a job acts for, so their rights are checked
	// when the job changes the case, not only when they asked for it.
	UsersByIDs func(ctx context.Context, ids []uuid.UUID) ([]auth.User, error)
	Log        *slog.Logger
	// Lease is how long a job's claim on a read lasts without progress
	// before another job may take it over.
	Lease time.Duration

	wake chan struct{}
}

// NewService returns the service.
func NewService(db *sqlx.DB, incidents *incident.Service, ev *evidence.Service, sp *spread.Service,
	users func(context.Context, []uuid.UUID) ([]auth.User, error), log *slog.Logger) *Service {
	return &Service{DB: db, Incidents: incidents, Evidence: ev, Spread: sp, UsersByIDs: users, Log: log,
		Lease: time.Minute, wake: make(chan struct{}, 1)}
}

var errNoImport = apperr.Hidden()

// readable checks the caller may read the incident.
func (s *Service) readable(ctx context.Context, incidentID uuid.UUID) error {
	_, _, err := s.Incidents.Allowed(ctx, incidentID, incident.PermRead)
	return err
}

// Imports returns an incident's reads of exports, newest first.
func (s *Service) Imports(ctx context.Context, incidentID uuid.UUID) ([]*Import, error) {
	if err := s.readable(ctx, incidentID); err != nil {
		return nil, err
	}
	return s.Store.Imports(ctx, s.DB, incidentID)
}

// Import returns one read, nil if there is none the caller may see.
func (s *Service) Import(ctx context.Context, id uuid.UUID) (*Import, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	im, err := s.Store.Import(ctx, s.DB, id)
	if err != nil || im == nil {
		return nil, err
	}
	if err := s.readable(ctx, im.IncidentID); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, nil
		}
		return nil, err
	}
	return im, nil
}

// ImportsOfEvidence returns the reads of evidence items the caller was allowed to see.
func (s *Service) ImportsOfEvidence(ctx context.Context, ids []uuid.UUID) ([]*Import, error) {
	return s.Store.ImportsOfEvidence(ctx, s.DB, ids)
}
