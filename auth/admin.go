package auth

import (
	"context"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
)

// AuditLog returns up to limit entries of the whole audit log after sequence
// number `after`, oldest first; only admins may read it.
func (s *Service) AuditLog(ctx context.Context, after int64, limit int) ([]audit.Row, error) {
	if _, err := requireAuditor(ctx); err != nil {
		return nil, err
	}
	return audit.List(ctx, s.DB, nil, after, limit)
}

// VerifyAudit checks the whole audit chain; only admins may.
func (s *Service) VerifyAudit(ctx context.Context) (audit.Verification, error) {
	if _, err := requireAuditor(ctx); err != nil {
		return audit.Verification{}, err
	}
	return audit.Verify(ctx, s.DB)
}

func requireAuditor(ctx context.Context) (User, error) {
	u, err := Require(ctx)
	if err == nil && !u.Has(Admin) {
		err = apperr.Errorf(apperr.Forbidden, "only administrators read the whole audit log")
	}
	return u, err
}
