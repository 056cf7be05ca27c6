package incident

import (
	"testing"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/workflow"
)

// The permission matrix of the README, row by row.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	member := func(r CaseRole, outcomes bool) *Member { return &Member{CaseRole: r, OutcomesAccess: outcomes} }
	user := func(roles ...auth.Role) auth.User { return auth.User{Roles: roles} }
	const (
		R = PermRead
		E = PermEdit
		A = PermAdvance
		M = PermManageMembers
		O = PermSeeOutcomes
	)
	tests := []struct {
		name   string
		user   auth.User
		member *Member
		stage  workflow.Stage
		can    []Permission
	}{
		{"lead", user(auth.Investigator), member(RoleLead, false), workflow.Investigation, []Permission{R, E, A, M, O}},
		{"investigator", user(auth.Investigator), member(RoleInvestigator, false), workflow.Investigation, []Permission{R, E, A}},
		{"investigator granted outcomes", user(auth.Investigator), member(RoleInvestigator, true), workflow.Recovery, []Permission{R, E, A, O}},
		{"responder early", user(auth.Responder), member(RoleResponder, false), workflow.InitialResponse, []Permission{R, E, A}},
		{"responder later", user(auth.Responder), member(RoleResponder, false), workflow.Investigation, []Permission{R, E}},
		{"observer", user(auth.Investigator), member(RoleObserver, false), workflow.Disclosure, []Permission{R}},
		{"outsider", user(auth.Investigator, auth.Responder), nil, workflow.Investigation, nil},
		{"outsider, closed case", user(auth.Investigator), nil, workflow.Closed, nil},
		{"leadership, open case", user(auth.Leadership), nil, workflow.Recovery, nil},
		{"leadership, closed case", user(auth.Leadership), nil, workflow.Closed, []Permission{R, O}},
		{"leadership observer, open case", user(auth.Leadership), member(RoleObserver, false), workflow.Recovery, []Permission{R, O}},
		{"admin, not a member", user(auth.Admin), nil, workflow.Investigation, []Permission{M}},
		{"admin, closed case", user(auth.Admin), nil, workflow.Closed, []Permission{M}},
		{"admin and observer", user(auth.Admin), member(RoleObserver, false), workflow.Detect, []Permission{R, M}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Access{User: tt.user, Stage: tt.stage, Member: tt.member}
			for _, p := range []Permission{R, E, A, M, O} {
				want := false
				for _, c := range tt.can {
					want = want || c == p
				}
				if got := a.Can(p); got != want {
					t.Errorf("%s: %v, want %v", p, got, want)
				}
			}
		})
	}
}
