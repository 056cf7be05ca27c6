package incident

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/workflow"
)

// diff lists the fields that differ between two versions of an incident, as
// {"column": {"from": old, "to": new}}, for the audit log.
func diff(before, after Incident) map[string]any {
	out := map[string]any{}
	bv, av := reflect.ValueOf(before), reflect.ValueOf(after)
	for i := range bv.NumField() {
		name := bv.Type().Field(i).Tag.Get("db")
		if name == "version" || name == "updated_at" {
			continue
		}
		b, a := bv.Field(i).Interface(), av.Field(i).Interface()
		if bt, ok := b.(time.Time); ok && bt.Equal(a.(time.Time)) {
			continue
		}
		if !reflect.DeepEqual(b, a) {
			out[name] = map[string]any{"from": b, "to": a}
		}
	}
	return out
}

// AccessTo returns what the signed-in user may do with an incident read
// through this service.
func (s *Service) AccessTo(ctx context.Context, inc Incident) (Access, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return Access{}, err
	}
	return s.access(ctx, s.DB, actor, inc)
}

// Allowed returns an incident and the signed-in user if the user may do p
// with it; those who may not even see it are told it does not exist. For
// features that read through the incident's access rules without a transaction.
func (s *Service) Allowed(ctx context.Context, id uuid.UUID, p Permission) (*Incident, auth.User, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, actor, err
	}
	inc, err := s.Get(ctx, id)
	if err != nil {
		return nil, actor, err
	}
	if inc == nil {
		return nil, actor, errNoIncident
	}
	a, err := s.access(ctx, s.DB, actor, *inc)
	if err != nil {
		return nil, actor, err
	}
	return inc, actor, a.check(p)
}

// Membership is an incident's need-to-know list, without any case content.
type Membership struct {
	IncidentID uuid.UUID
	Reference  string
	Members    []Member
}

// MembershipByReference returns who is on an incident's need-to-know list. Admins
// see it for any incident (but nothing else of it); members see their own
// incidents'; anyone else is told there is no such incident.
func (s *Service) MembershipByReference(ctx context.Context, ref string) (*Membership, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	id, stage, err := s.Store.ReferenceOf(ctx, s.DB, ref)
	if err != nil {
		return nil, notFound(err, errNoIncident)
	}
	if err := s.checkMembershipRead(ctx, s.DB, actor, id, stage); err != nil {
		return nil, err
	}
	members, err := s.Store.Members(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &Membership{IncidentID: id, Reference: ref, Members: members}, nil
}

// Members returns the need-to-know list of an incident read through this service.
func (s *Service) Members(ctx context.Context, inc Incident) ([]Member, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkMembershipRead(ctx, s.DB, actor, inc.ID, inc.Stage); err != nil {
		return nil, err
	}
	return s.Store.Members(ctx, s.DB, inc.ID)
}

func (s *Service) checkMembershipRead(ctx context.Context, ex database.Executor, actor auth.User, id uuid.UUID, stage workflow.Stage) error {
	m, err := s.Store.Member(ctx, ex, id, actor.ID)
	if err != nil {
		return err
	}
	a := Access{User: actor, Stage: stage, Member: m}
	if a.Can(PermRead) || a.Can(PermManageMembers) {
		return nil
	}
	return errNoIncident
}

// MemberInput adds a user to an incident or changes their case role.
type MemberInput struct {
	IncidentID     uuid.UUID
	UserID         uuid.UUID
	CaseRole       CaseRole
	OutcomesAccess *bool
}

// PutMember adds a member or changes one. Making someone LEAD moves the lead:
// the previous lead stays on as an investigator.
func (s *Service) PutMember(ctx context.Context, in MemberInput) (Member, error) {
	if _, err := auth.Require(ctx); err != nil {
		return Member{}, err
	}
	if !slices.Contains(CaseRoles, in.CaseRole) {
		return Member{}, apperr.Invalid("caseRole", "unknown case role %q", in.CaseRole)
	}
	var out Member
	err := s.Change(ctx, in.IncidentID, PermManageMembers, func(tx *sqlx.Tx, _ Incident, actor auth.User) (audit.Entry, error) {
		before, err := s.Store.Member(ctx, tx, in.IncidentID, in.UserID)
		if err != nil {
			return audit.Entry{}, err
		}
		if before != nil && before.CaseRole == RoleLead && in.CaseRole != RoleLead {
			return audit.Entry{}, apperr.Invalid("caseRole", "make another member the lead first")
		}
		if in.CaseRole == RoleLead {
			if err := s.setLead(ctx, tx, in.IncidentID, in.UserID, actor.ID); err != nil {
				return audit.Entry{}, database.MapError(err)
			}
		}
		m := Member{IncidentID: in.IncidentID, UserID: in.UserID, CaseRole: in.CaseRole, AddedBy: actor.ID,
			OutcomesAccess: in.CaseRole == RoleLead || deref(in.OutcomesAccess)}
		if out, err = s.Store.PutMember(ctx, tx, m); err != nil {
			return audit.Entry{}, memberError(err)
		}
		return audit.Entry{Action: "member.put", TargetType: "user", TargetID: in.UserID.String(), IncidentID: &in.IncidentID,
			Changes: map[string]any{"from": before, "to": out}}, nil
	})
	return out, err
}

func memberError(err error) error {
	err = database.MapError(err)
	if e, ok := apperr.As(err); ok && e.Field == "" && e.Code == apperr.InvalidInput {
		c := *e
		c.Field = "userId"
		return &c
	}
	return err
}

// RemoveMember takes a user off an incident's need-to-know list. The lead
// cannot be removed; name another lead first.
func (s *Service) RemoveMember(ctx context.Context, incidentID, userID uuid.UUID) error {
	return s.Change(ctx, incidentID, PermManageMembers, func(tx *sqlx.Tx, _ Incident, _ auth.User) (audit.Entry, error) {
		m, err := s.Store.Member(ctx, tx, incidentID, userID)
		if err != nil {
			return audit.Entry{}, err
		}
		if m == nil {
			return audit.Entry{}, apperr.Errorf(apperr.NotFound, "that user is not a member of this incident")
		}
		if m.CaseRole == RoleLead {
			return audit.Entry{}, apperr.Invalid("userId", "the lead cannot be removed; make another member the lead first")
		}
		if _, err := s.Store.DeleteMember(ctx, tx, incidentID, userID); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "member.remove", TargetType: "user", TargetID: userID.String(), IncidentID: &incidentID,
			Changes: map[string]any{"removed": m}}, nil
	})
}

// AuditLog returns up to limit audit entries of an incident the caller may
// read, after sequence number `after`, oldest first.
func (s *Service) AuditLog(ctx context.Context, inc Incident, after int64, limit int) ([]audit.Row, error) {
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.access(ctx, s.DB, actor, inc)
	if err != nil {
		return nil, err
	}
	if err := a.check(PermRead); err != nil {
		return nil, err
	}
	rows, err := audit.List(ctx, s.DB, &inc.ID, after, limit)
	if err != nil || a.Can(PermSeeOutcomes) {
		return rows, err
	}
	for i := range rows {
		if outcomeAction(rows[i].Action) {
			withhold(&rows[i])
		}
	}
	return rows, nil
}

// outcomeAction reports whether an audit action records a disciplinary
// outcome: its changes (type, deciding body, status, notes) are for the
// outcomes tier only, on every path that shows them.
func outcomeAction(action string) bool { return strings.HasPrefix(action, "outcome.") }

// withheldOutcome replaces what changed in an outcome entry for a reader
// outside the outcomes tier. The row stays, so the trail shows no gap and
// who acted when.
const withheldOutcome = `{"withheld":"outcomes-tier"}`

// withhold hides an outcome entry's changes, and its hash too: the changes of
// a status move are few enough to be found from the hash by trying each.
func withhold(r *audit.Row) {
	r.Changes, r.RowHash = withheldOutcome, nil
}

// Visible reports which of the incidents the signed-in user may read.
func (s *Service) Visible(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	_, v, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Visible(ctx, s.DB, v, ids)
}

// redacted replaces what changed in an entry about an incident the reader may not see.
const redacted = `{"redacted":"need-to-know"}`

// AuditTrail returns up to limit entries of the whole audit log after sequence
// number `after`, oldest first, for administrators. Entries about incidents
// the administrator is not on have their changes redacted: an admin manages
// membership but reads no case content.
func (s *Service) AuditTrail(ctx context.Context, after int64, limit int) ([]audit.Row, error) {
	actor, err := auth.RequireAuditor(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := audit.List(ctx, s.DB, nil, after, limit)
	if err != nil {
		return nil, err
	}
	var ids []uuid.UUID
	for _, r := range rows {
		if r.IncidentID != nil {
			ids = append(ids, *r.IncidentID)
		}
	}
	visible, err := s.Store.Visible(ctx, s.DB, ViewerOf(actor), ids)
	if err != nil {
		return nil, err
	}
	outcomes := map[uuid.UUID]bool{} // incidents whose outcomes the administrator may see
	for i, r := range rows {
		switch {
		case r.IncidentID == nil:
		case outcomeAction(r.Action):
			sees, known := outcomes[*r.IncidentID]
			if !known && visible[*r.IncidentID] {
				if sees, err = s.seesOutcomes(ctx, actor, *r.IncidentID); err != nil {
					return nil, err
				}
				outcomes[*r.IncidentID] = sees
			}
			if !sees {
				withhold(&rows[i])
			}
		case !visible[*r.IncidentID]:
			rows[i].Changes = redacted
		}
	}
	return rows, nil
}

// seesOutcomes reports whether actor may see the outcomes of an incident they may read.
func (s *Service) seesOutcomes(ctx context.Context, actor auth.User, id uuid.UUID) (bool, error) {
	inc, err := s.Store.Get(ctx, s.DB, ViewerOf(actor), id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	a, err := s.access(ctx, s.DB, actor, inc)
	return a.Can(PermSeeOutcomes), err
}
