package incident

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/workflow"
)

// CaseRole is a member's role on one incident; values match the GraphQL enum.
type CaseRole string

const (
	RoleLead         CaseRole = "LEAD"
	RoleInvestigator CaseRole = "INVESTIGATOR"
	RoleResponder    CaseRole = "RESPONDER"
	RoleObserver     CaseRole = "OBSERVER"
)

// CaseRoles lists every case role.
var CaseRoles = []CaseRole{RoleLead, RoleInvestigator, RoleResponder, RoleObserver}

// Member is a user on an incident's need-to-know list.
type Member struct {
	IncidentID     uuid.UUID `db:"incident_id"`
	UserID         uuid.UUID `db:"user_id"`
	CaseRole       CaseRole  `db:"case_role"`
	OutcomesAccess bool      `db:"outcomes_access"`
	AddedBy        uuid.UUID `db:"added_by"`
	AddedAt        time.Time `db:"added_at"`
}

// Permission is something a user may do with one incident.
type Permission string

const (
	PermRead          Permission = "read"
	PermEdit          Permission = "edit"
	PermAdvance       Permission = "advance"
	PermManageMembers Permission = "manage members of"
	PermSeeOutcomes   Permission = "see the disciplinary outcomes of"
	PermDecide        Permission = "record disciplinary outcomes of"
	PermReview        Permission = "review"
	PermReopenFrozen  Permission = "reopen the frozen"
	// PermTrackMeasures lets the case team follow up recurrence-prevention
	// measures, even once the case is frozen.
	PermTrackMeasures Permission = "track the measures of"
	// PermTrackTakedowns lets the case team follow up venue takedowns, even
	// once the case is frozen.
	PermTrackTakedowns Permission = "track the takedowns of"
	// PermIssueResultReport lets the case team issue the result report
	// (查处结果报告) even once the case is frozen: it is due after the case
	// is concluded, which is when leadership's acceptance freezes it.
	PermIssueResultReport Permission = "issue the result report of"
)

// changes are the permissions a frozen case refuses.
var changes = []Permission{PermEdit, PermAdvance, PermManageMembers, PermDecide}

// Access is what one user may do with one incident: the single place the
// permission matrix (README, "Who may do what") is written down.
type Access struct {
	User   auth.User
	Stage  workflow.Stage
	Frozen bool
	Member *Member // nil when the user is not a member
}

// Can reports whether the access allows p.
func (a Access) Can(p Permission) bool {
	role := CaseRole("")
	if a.Member != nil {
		role = a.Member.CaseRole
	}
	leadershipReader := a.User.Has(auth.Leadership) && a.Stage == workflow.Closed
	switch p {
	case PermRead:
		return a.Member != nil || leadershipReader
	case PermEdit:
		return slices.Contains([]CaseRole{RoleLead, RoleInvestigator, RoleResponder}, role)
	case PermAdvance:
		// Responders run the first two stages; the case team runs the rest.
		return role == RoleLead || role == RoleInvestigator ||
			(role == RoleResponder && (a.Stage == workflow.Detect || a.Stage == workflow.InitialResponse))
	case PermManageMembers:
		return role == RoleLead || a.User.Has(auth.Admin)
	case PermSeeOutcomes:
		return role == RoleLead || (a.Member != nil && a.Member.OutcomesAccess) ||
			(a.User.Has(auth.Leadership) && a.Can(PermRead))
	case PermDecide:
		return role == RoleLead || (role == RoleInvestigator && a.Member.OutcomesAccess)
	case PermReview:
		return a.User.Has(auth.Leadership) && a.Stage == workflow.Closed
	case PermReopenFrozen:
		return a.Frozen && (role == RoleLead || (a.User.Has(auth.Leadership) && a.Stage == workflow.Closed))
	case PermTrackMeasures, PermTrackTakedowns, PermIssueResultReport:
		return slices.Contains([]CaseRole{RoleLead, RoleInvestigator, RoleResponder}, role)
	}
	return false
}

// check returns nil when the access allows p. A user who may not even read the
// incident is told it does not exist, so its existence does not leak.
// Require is nil when the access allows p, and otherwise the error to answer
// (NOT_FOUND to those who may not even read the incident).
func (a Access) Require(p Permission) error { return a.check(p) }

func (a Access) check(p Permission) error {
	if a.Can(p) {
		if a.Frozen && slices.Contains(changes, p) {
			return apperr.Errorf(apperr.Frozen, "the case was reviewed and frozen; it must be reopened before it changes")
		}
		return nil
	}
	if !a.Can(PermRead) {
		return errNoIncident
	}
	return apperr.Errorf(apperr.Forbidden, "you may not %s this incident", apperr.Detail(p))
}

// canOpen reports whether the user's roles allow opening incidents.
func canOpen(u auth.User) bool {
	return u.Has(auth.Responder) || u.Has(auth.Investigator) || u.Has(auth.Leadership)
}

// Viewer is who a list is for: the store filters every list and lookup by it.
type Viewer struct {
	UserID     uuid.UUID
	Leadership bool
}

// ViewerOf is who a read by u is for.
func ViewerOf(u auth.User) Viewer { return Viewer{UserID: u.ID, Leadership: u.Has(auth.Leadership)} }
