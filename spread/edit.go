package spread

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/incident"
)

var (
	errNoForward = apperr.Hidden()
	errNoNode    = apperr.Hidden()
)

// editForward finds a forward and checks, inside tx, that the caller may edit its incident.
func (s *Service) editForward(ctx context.Context, id uuid.UUID, fn func(tx *sqlx.Tx, f *Forward) (audit.Entry, error)) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	f, err := s.Store.Forward(ctx, s.DB, id)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoForward
	} else if err != nil {
		return err
	}
	err = s.change(ctx, f.IncidentID, func(tx *sqlx.Tx) (audit.Entry, error) { return fn(tx, f) })
	if apperr.CodeOf(err) == apperr.NotFound {
		return errNoForward // the incident is hidden from the caller: so is the forward
	}
	return err
}

// ForwardPatch changes some fields of a forward; nil fields stay as they are.
type ForwardPatch struct {
	At          *time.Time
	Method      *Method
	Alterations []Alteration
	MisSent     *bool
	RecalledAt  *time.Time
	Confidence  *Confidence
	Note        *string
}

// UpdateForward edits one forward; the audit log keeps what it was.
func (s *Service) UpdateForward(ctx context.Context, id uuid.UUID, p ForwardPatch) (*Forward, error) {
	var out *Forward
	err := s.editForward(ctx, id, func(tx *sqlx.Tx, f *Forward) (audit.Entry, error) {
		before := *f
		patch(&f.At, p.At)
		patch(&f.Method, p.Method)
		if p.Alterations != nil {
			f.Alterations = p.Alterations
		}
		patch(&f.MisSent, p.MisSent)
		patchPointer(&f.RecalledAt, p.RecalledAt)
		patch(&f.Confidence, p.Confidence)
		patch(&f.Note, p.Note)
		in := ForwardInput{Key: f.Key, At: f.At, Method: f.Method, Alterations: f.Alterations, RecalledAt: f.RecalledAt,
			Confidence: &f.Confidence, Note: &f.Note, From: NodeRef{Key: "from", Kind: Person}, To: NodeRef{Key: "to", Kind: Person},
			By: NodeRef{Key: "by", Kind: Person}}
		if errs := in.validate(0, time.Now()); len(errs) > 0 {
			return audit.Entry{}, errs[0].refuse("input.")
		}
		if err := s.Store.UpdateForward(ctx, tx, f); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		out = f
		return audit.Entry{Action: "spread.forward_update", TargetType: "forward", TargetID: id.String(),
			Changes: map[string]any{"from": forwardRecord(&before), "to": forwardRecord(f)}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.hydrateOne(ctx, out)
}

// patch sets *field to *value when a patch gives a value.
func patch[T any](field *T, value *T) {
	if value != nil {
		*field = *value
	}
}

// patchPointer sets an optional field when a patch gives a value.
func patchPointer[T any](field **T, value *T) {
	if value != nil {
		*field = value
	}
}

// trimmed is a patch's text without surrounding space.
func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}

// nonEmpty is a text without surrounding space, nil when nothing is left.
func nonEmpty(s *string) *string {
	if t := trimmed(s); t != nil && *t != "" {
		return t
	}
	return nil
}

// forwardRecord is a forward as the audit log keeps it.
func forwardRecord(f *Forward) map[string]any {
	return map[string]any{"key": f.Key, "from": f.From, "to": f.To, "by": f.By, "at": f.At.UTC(), "method": f.Method,
		"itemId": f.ItemID, "alterations": f.Alterations, "misSent": f.MisSent, "recalledAt": f.RecalledAt,
		"confidence": f.Confidence, "note": f.Note}
}

func (s *Service) hydrateOne(ctx context.Context, f *Forward) error {
	found, err := s.Store.NodesByID(ctx, s.DB, []uuid.UUID{f.From, f.To, f.By})
	if err != nil {
		return err
	}
	nodes := make(map[uuid.UUID]*Node, len(found))
	for _, n := range found {
		nodes[n.ID] = n
	}
	items, err := s.Store.Items(ctx, s.DB, f.IncidentID)
	if err != nil {
		return err
	}
	s.hydrate([]*Forward{f}, nodes, items)
	return nil
}

// DeleteForward removes one forward; the audit log keeps what it was.
func (s *Service) DeleteForward(ctx context.Context, id uuid.UUID) error {
	return s.editForward(ctx, id, func(tx *sqlx.Tx, f *Forward) (audit.Entry, error) {
		if err := s.Store.DeleteForward(ctx, tx, id); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "spread.forward_delete", TargetType: "forward", TargetID: id.String(),
			Changes: map[string]any{"deleted": forwardRecord(f)}}, nil
	})
}

// NodePatch changes what is known of a person or venue; nil fields stay as
// they are. A node's key and kind are its identity and do not change.
type NodePatch struct {
	Name        *string
	Exposure    *Exposure
	MemberCount *int
	Unit        *string
	Position    *string
	Handles     []string
	Cleared     *bool
	Platform    *Platform
}

// UpdateNode edits a node's details under the same rules as recording it;
// the audit log keeps what it was.
func (s *Service) UpdateNode(ctx context.Context, nodeID uuid.UUID, p NodePatch) (*Node, error) {
	return s.editNode(ctx, nodeID, func(tx *sqlx.Tx, n *Node) (audit.Entry, error) {
		ref := NodeRef{Key: n.Key, Kind: n.Kind, Name: p.Name, Exposure: p.Exposure, MemberCount: p.MemberCount,
			Unit: p.Unit, Position: p.Position, Handles: p.Handles, Cleared: p.Cleared, Platform: p.Platform}
		c := checker{}
		c.nodeRef("input", ref)
		if p.Name != nil && strings.TrimSpace(*p.Name) == "" {
			c.fail("input.name", Required, nil, "must not be empty")
		}
		if len(c.errs) > 0 {
			return audit.Entry{}, c.errs[0].refuse("")
		}
		next := *n
		patch(&next.Name, trimmed(p.Name))
		patch(&next.Exposure, p.Exposure)
		patchPointer(&next.MemberCount, p.MemberCount)
		patch(&next.Unit, trimmed(p.Unit))
		patch(&next.Position, trimmed(p.Position))
		if p.Handles != nil {
			next.Handles = p.Handles
		}
		patchPointer(&next.Cleared, p.Cleared)
		patchPointer(&next.Platform, p.Platform)
		if err := s.Store.UpdateNode(ctx, tx, &next); err != nil {
			return audit.Entry{}, database.MapError(err)
		}
		return audit.Entry{Action: "spread.node_update", TargetType: "node", TargetID: nodeID.String(),
			Changes: map[string]any{"from": nodeRecord(n), "to": nodeRecord(&next)}}, nil
	})
}

// editNode finds a node and runs fn in a change of the node's incident (so
// fn's refusals of bad input come only once the caller may change it); it
// returns the node as it then is.
func (s *Service) editNode(ctx context.Context, nodeID uuid.UUID, fn func(tx *sqlx.Tx, n *Node) (audit.Entry, error)) (*Node, error) {
	return s.editNodeAs(ctx, nodeID, incident.PermEdit, fn)
}

// editNodeAs is editNode under permission p.
func (s *Service) editNodeAs(ctx context.Context, nodeID uuid.UUID, p incident.Permission, fn func(tx *sqlx.Tx, n *Node) (audit.Entry, error)) (*Node, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	n, err := s.Store.Node(ctx, s.DB, nodeID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoNode
	} else if err != nil {
		return nil, err
	}
	err = s.changeAs(ctx, n.IncidentID, p, func(tx *sqlx.Tx) (audit.Entry, error) { return fn(tx, n) })
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, errNoNode // the incident is hidden from the caller: so is the node
	}
	if err != nil {
		return nil, err
	}
	return s.Store.Node(ctx, s.DB, nodeID)
}

// nodeRecord is a node's details as the audit log keeps them.
func nodeRecord(n *Node) map[string]any {
	return map[string]any{"key": n.Key, "name": n.Name, "exposure": n.Exposure, "memberCount": n.MemberCount,
		"unit": n.Unit, "position": n.Position, "handles": n.Handles, "cleared": n.Cleared, "platform": n.Platform}
}

// ContainmentInput records a venue's takedown state.
type ContainmentInput struct {
	Status      ContainmentStatus
	RequestedTo *string
	RequestedAt *time.Time
	Note        *string
}

// SetContainment records the takedown state of a venue: requested (to whom,
// when), confirmed removed, refused, or unreachable. A takedown is followed up
// after the case is closed and frozen, so it needs only PermTrackTakedowns.
func (s *Service) SetContainment(ctx context.Context, nodeID uuid.UUID, in ContainmentInput) (*Node, error) {
	return s.editNodeAs(ctx, nodeID, incident.PermTrackTakedowns, func(tx *sqlx.Tx, n *Node) (audit.Entry, error) {
		c := checker{}
		c.text("requestedTo", deref(in.RequestedTo), false, maxName)
		c.text("note", deref(in.Note), false, maxNote)
		if !oneOf(in.Status, ContainmentStatuses) {
			c.unknown("status", "status", in.Status)
		}
		if !n.IsVenue() {
			c.fail("nodeId", NotVenue, nil, "containment is recorded on venues, not people")
		}
		if len(c.errs) > 0 {
			return audit.Entry{}, c.errs[0].refuse("input.")
		}
		next := Containment{Status: in.Status, RequestedTo: strings.TrimSpace(deref(in.RequestedTo)),
			RequestedAt: in.RequestedAt, Note: strings.TrimSpace(deref(in.Note))}
		if err := s.Store.SetContainment(ctx, tx, nodeID, next); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "spread.containment", TargetType: "node", TargetID: nodeID.String(),
			Changes: map[string]any{"node": n.Key, "from": n.Containment.Status, "to": next}}, nil
	})
}
