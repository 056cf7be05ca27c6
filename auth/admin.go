package auth

import (
	"context"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
)

// VerifyAudit checks the whole audit chain; only admins may.
func (s *Service) VerifyAudit(ctx context.Context) (audit.Verification, error) {
	if _, err := RequireAuditor(ctx); err != nil {
		return audit.Verification{}, err
	}
	return audit.Verify(ctx, s.DB)
}

// RequireAuditor returns the signed-in user if they may read the whole audit log (ADMIN).
func RequireAuditor(ctx context.Context) (User, error) {
	u, err := Require(ctx)
	if err == nil && !u.Has(Admin) {
		err = apperr.Errorf(apperr.Forbidden, "only administrators read the whole audit log")
	}
	return u, err
}
