package chatlog

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/chatexport"
	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/text"
	"github.com/leaktrail/leaktrail/reconstruct"
	"github.com/leaktrail/leaktrail/spread"
)

// Confirmed is the confidence at and above which an accepted proposal is
// recorded as CONFIRMED (the export's own marker); below, SUSPECTED.
const Confirmed = 0.9

// Sightings returns every message of the incident that matches its marked
// leaked item, in time order.
func (s *Service) Sightings(ctx context.Context, incidentID uuid.UUID) ([]*Sighting, error) {
	if err := s.readable(ctx, incidentID); err != nil {
		return nil, err
	}
	found, err := s.find(ctx, incidentID, nil)
	return found, err
}

// find matches every message against the marks; each message seen is also
// given to each, for the membership a reconstruction needs.
func (s *Service) find(ctx context.Context, incidentID uuid.UUID, each func(*Message)) ([]*Sighting, error) {
	marks, err := s.Store.Marks(ctx, s.DB, &incidentID, nil)
	if err != nil || len(marks) == 0 && each == nil {
		return nil, err
	}
	var item fingerprint.Item
	var texts []string
	for _, m := range marks {
		item.Files = append(item.Files, m.Fingerprints.Files...)
		item.Images = append(item.Images, m.Fingerprints.Images...)
		if m.Fingerprints.Text != "" {
			texts = append(texts, m.Fingerprints.Text)
			item.Phrases = append(item.Phrases, m.Fingerprints.Text)
		}
	}
	item.Text = strings.Join(texts, "\n")
	matcher := fingerprint.NewMatcher(item)
	// The files the messages name are fingerprinted first (each once).
	var ids []uuid.UUID
	byMD5Only := false
	if err := s.Store.EachMessage(ctx, s.DB, incidentID, func(m *Message) error {
		for _, md := range allMedia(m) {
			if md.EvidenceID != nil {
				ids = append(ids, *md.EvidenceID)
			} else if md.MD5 != "" {
				byMD5Only = true
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if byMD5Only {
		// Some exports name a file only by its MD5 (MemoTrace's images,
		// WeCom's md5sum): the case's images are fingerprinted to find them.
		items, err := s.Evidence.List(ctx, incidentID)
		if err != nil {
			return nil, err
		}
		for _, e := range items {
			if strings.HasPrefix(e.ContentType, "image/") && e.DuplicateOf == nil {
				ids = append(ids, e.ID)
			}
		}
	}
	prints, err := s.prints(ctx, incidentID, ids)
	if err != nil {
		return nil, err
	}
	byMD5 := map[string]fingerprint.Media{}
	for _, p := range prints {
		byMD5[p.MD5] = p
	}
	var out []*Sighting
	err = s.Store.EachMessage(ctx, s.DB, incidentID, func(m *Message) error {
		if each != nil {
			each(m)
		}
		if len(marks) == 0 {
			return nil
		}
		if best := bestMatch(matcher.Match(fingerprintOf(m.Text, m.Details.Media, prints, byMD5))); best != nil {
			out = append(out, &Sighting{MessageID: m.ID, Kind: best.Kind, Score: best.Score, Detail: best.Detail, msg: m})
		}
		for i, it := range m.Details.Items {
			if best := bestMatch(matcher.Match(fingerprintOf(it.Text, it.Media, prints, byMD5))); best != nil {
				out = append(out, &Sighting{MessageID: m.ID, Kind: best.Kind, Score: best.Score, Detail: best.Detail, Item: &i, msg: m})
			}
		}
		return nil
	})
	return out, err
}

func allMedia(m *Message) []Media {
	out := m.Details.Media
	for _, it := range m.Details.Items {
		out = append(out, it.Media...)
	}
	return out
}

func fingerprintOf(text string, media []Media, prints map[uuid.UUID]fingerprint.Media, byMD5 map[string]fingerprint.Media) fingerprint.Message {
	msg := fingerprint.Message{Text: text}
	for _, md := range media {
		switch {
		case md.EvidenceID != nil:
			if p, ok := prints[*md.EvidenceID]; ok {
				msg.Media = append(msg.Media, p)
			}
		case md.MD5 != "":
			if p, ok := byMD5[strings.ToLower(md.MD5)]; ok {
				msg.Media = append(msg.Media, p)
			} else {
				msg.Media = append(msg.Media, fingerprint.Media{MD5: strings.ToLower(md.MD5)})
			}
		}
	}
	return msg
}

// bestMatch is the strongest way a message matches: the highest score,
// an exact kind first among equals.
func bestMatch(found []fingerprint.Sighting) *fingerprint.Sighting {
	var best *fingerprint.Sighting
	for i := range found {
		if best == nil || found[i].Score > best.Score {
			best = &found[i]
		}
	}
	return best
}

// Reconstruct finds the sightings of the marked item and proposes forwards
// from them; proposals made before and still made are kept (a rejected one
// stays rejected), those no longer made are dropped unless decided.
func (s *Service) Reconstruct(ctx context.Context, incidentID uuid.UUID) (*Reconstruction, error) {
	if _, _, err := s.Incidents.Allowed(ctx, incidentID, incident.PermEdit); err != nil {
		return nil, err
	}
	chats, err := s.Store.Chats(ctx, s.DB, incidentID, nil)
	if err != nil {
		return nil, err
	}
	senders, err := s.Store.Senders(ctx, s.DB, incidentID, nil)
	if err != nil {
		return nil, err
	}
	p := newPeople(chats, senders)
	// Memberships are kept once each: a chat's sender is seen with every message.
	var members []reconstruct.Membership
	seen := map[string]bool{}
	sightings, err := s.find(ctx, incidentID, func(m *Message) {
		for _, x := range p.membership(m) {
			k := x.Chat + "\x00" + x.Person.ID + "\x00" + stamp(x.Since) + "\x00" + stamp(x.Until)
			if !seen[k] {
				seen[k] = true
				members = append(members, x)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	exporters, err := s.exporters(ctx, incidentID, p)
	if err != nil {
		return nil, err
	}
	members = append(append(members, p.stays...), exporters...)
	ids := make([]uuid.UUID, 0, len(sightings))
	for _, x := range sightings {
		ids = append(ids, x.MessageID)
	}
	sources, err := s.Store.Sources(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	firstSource := map[uuid.UUID]Source{}
	for _, src := range sources {
		if _, ok := firstSource[src.MessageID]; !ok {
			firstSource[src.MessageID] = src
		}
	}
	var in []reconstruct.Sighting
	for _, x := range sightings {
		in = append(in, p.sighting(x.msg, x, firstSource[x.MessageID]))
	}
	res := reconstruct.Reconstruct(in, members)
	proposals := proposalsOf(incidentID, res, firstSource)
	err = s.Incidents.Change(ctx, incidentID, incident.PermEdit, func(tx *sqlx.Tx, _ incident.Incident, _ auth.User) (audit.Entry, error) {
		if err := s.Store.PutProposals(ctx, tx, incidentID, proposals); err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "chatlog.reconstruct", TargetType: "incident", TargetID: incidentID.String(),
			Changes: map[string]any{"sightings": len(sightings), "proposals": len(proposals)}}, nil
	})
	if err != nil {
		return nil, err
	}
	all, err := s.Store.Proposals(ctx, s.DB, incidentID, nil)
	return &Reconstruction{Sightings: len(sightings), Proposals: all}, err
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// exporters are the members an export shows by being one: whoever it was
// collected from was in every group chat it holds, though they may never
// have written there (a private chat's owner is one of its pair already).
func (s *Service) exporters(ctx context.Context, incidentID uuid.UUID, p *people) ([]reconstruct.Membership, error) {
	held, err := s.Store.ExportedChats(ctx, s.DB, incidentID)
	if err != nil || len(held) == 0 {
		return nil, err
	}
	items, err := s.Evidence.List(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	var out []reconstruct.Membership
	for _, e := range items {
		from := e.Acquisition.From
		for _, id := range held[e.ID] {
			if c := p.chats[id]; from != "" && c != nil && !c.Direct {
				chat, _ := p.chat(id)
				out = append(out, reconstruct.Membership{Chat: chat.ID, Person: reconstruct.Person{ID: from, Name: from}})
			}
		}
	}
	return out, nil
}

// people identifies senders and chats across exports by the names the
// investigator gave them (a handle's name until they do): one person may
// write from a wxid in one export and a QQ number in another.
type people struct {
	chats   map[uuid.UUID]*Chat
	byKey   map[string]*Chat // platform|key
	senders map[string]string
	byID    map[uuid.UUID]*Sender
	// stays are the spans joins and leaves bound; open the stays not yet
	// left, stayed who has had one, by chat and person.
	stays  []reconstruct.Membership
	open   map[string]int
	stayed map[string]bool
}

func newPeople(chats []*Chat, senders []*Sender) *people {
	p := &people{chats: map[uuid.UUID]*Chat{}, byKey: map[string]*Chat{}, senders: map[string]string{}, byID: map[uuid.UUID]*Sender{},
		open: map[string]int{}, stayed: map[string]bool{}}
	for _, c := range chats {
		p.chats[c.ID] = c
		p.byKey[string(c.Platform)+"|"+c.Key] = c
	}
	// A handle that is no sender's key names the sender seen with it, when
	// only one was: a private chat names its other person by their display
	// name (QQ, Telegram), as does Telegram's forwarded_from.
	byHandle := map[string]string{}
	for _, s := range senders {
		p.senders[string(s.Platform)+"|"+s.Key] = s.Name
		p.byID[s.ID] = s
		for _, h := range s.Handles {
			k := string(s.Platform) + "|" + h
			if name, seen := byHandle[k]; seen && name != s.Name {
				byHandle[k] = ""
			} else {
				byHandle[k] = s.Name
			}
		}
	}
	for k, name := range byHandle {
		if _, ok := p.senders[k]; !ok && name != "" {
			p.senders[k] = name
		}
	}
	return p
}

// person is whom a handle names on a platform: by its id, else its name
// (a Telegram private chat's id is the user's number, its senders' user…).
func (p *people) person(platform spread.Platform, party chatexport.Party) reconstruct.Person {
	name := cmp.Or(party.Name, party.ID)
	for _, h := range []string{party.ID, party.Name} {
		if known, ok := p.senders[string(platform)+"|"+h]; ok && h != "" {
			name = known
			break
		}
	}
	return reconstruct.Person{ID: name, Name: name}
}

func (p *people) senderOf(m *Message) reconstruct.Person {
	if m.SenderID == nil {
		return reconstruct.Person{}
	}
	s := p.byID[*m.SenderID]
	return reconstruct.Person{ID: s.Name, Name: s.Name}
}

// chat is a chat as one venue across exports: a group by its platform and
// name; a private chat by its platform and its two people.
func (p *people) chat(id uuid.UUID) (reconstruct.Chat, []reconstruct.Person) {
	c := p.chats[id]
	if !c.Direct {
		return reconstruct.Chat{ID: string(c.Platform) + ":group:" + c.Name, Name: c.Name, Platform: c.Platform}, nil
	}
	pair := []reconstruct.Person{{ID: c.Owner, Name: c.Owner}, p.person(c.Platform, chatexport.Party{ID: c.Partner, Name: c.Name})}
	if c.Owner == "" {
		pair = pair[1:]
	}
	names := []string{}
	for _, x := range pair {
		names = append(names, x.ID)
	}
	slices.Sort(names)
	return reconstruct.Chat{ID: string(c.Platform) + ":direct:" + strings.Join(names, "|"), Name: pair[len(pair)-1].Name,
		Direct: true, Platform: c.Platform}, pair
}

// membership is who a message shows in its chat: its sender and a private
// chat's two people. Members who joined or left are kept as stays, the
// messages coming in time order.
func (p *people) membership(m *Message) []reconstruct.Membership {
	chat, pair := p.chat(m.ChatID)
	var out []reconstruct.Membership
	for _, who := range append([]reconstruct.Person{p.senderOf(m)}, pair...) {
		if who.ID != "" {
			out = append(out, reconstruct.Membership{Chat: chat.ID, Person: who})
		}
	}
	for _, party := range m.Details.Members {
		if who := p.person(p.chats[m.ChatID].Platform, party); who.ID != "" && (m.Kind == chatexport.Join || m.Kind == chatexport.Leave) {
			p.stay(chat.ID, who, m.At, m.Kind == chatexport.Join)
		}
	}
	return out
}

// stay pairs a person's joins and leaves in a chat into the spans they were
// in it: a join opens one, the next leave closes it — a join and a later
// leave are one stay, not one from the join on and one up to the leave,
// which together would cover any time. A leave with nothing before it closes
// a stay begun before the exports; once they have stayed, a leave with no
// join open (the same leave read twice) says nothing more.
func (p *people) stay(chat string, who reconstruct.Person, at time.Time, join bool) {
	key := chat + "\x00" + who.ID
	i, open := p.open[key]
	switch {
	case join && !open:
		p.open[key] = len(p.stays)
		p.stays = append(p.stays, reconstruct.Membership{Chat: chat, Person: who, Since: &at})
	case !join && open:
		p.stays[i].Until = &at
		delete(p.open, key)
	case !join && !p.stayed[key]:
		p.stays = append(p.stays, reconstruct.Membership{Chat: chat, Person: who, Until: &at})
	}
	p.stayed[key] = true
}

func (p *people) sighting(m *Message, x *Sighting, src Source) reconstruct.Sighting {
	chat, _ := p.chat(m.ChatID)
	platform := p.chats[m.ChatID].Platform
	out := reconstruct.Sighting{ID: m.ID.String(), Chat: chat, Sender: p.senderOf(m), At: m.At, Score: x.Score,
		Source: reconstruct.Source{Evidence: src.EvidenceID.String(), Line: src.Line}}
	switch x.Kind {
	case fingerprint.KindFileExact, fingerprint.KindMD5, fingerprint.KindTextExact:
		out.Match = reconstruct.Exact
	case fingerprint.KindImageSimilar:
		out.Match = reconstruct.ImageSimilar
	default:
		out.Match = reconstruct.TextSimilar
	}
	if ff := m.Details.ForwardedFrom; ff != nil {
		who := p.person(platform, *ff)
		out.ForwardedFrom = &who
	}
	if x.Item != nil {
		it := m.Details.Items[*x.Item]
		out.ID += "#" + strconv.Itoa(*x.Item)
		b := &reconstruct.Bundle{OriginSender: p.person(platform, it.Sender)}
		if it.At != nil {
			b.OriginAt = *it.At
		}
		if it.Chat != nil {
			if c, ok := p.byKey[string(platform)+"|"+cmp.Or(it.Chat.ID, it.Chat.Name)]; ok {
				oc, _ := p.chat(c.ID)
				b.OriginChat = &oc
			}
		}
		out.Bundle = b
	}
	return out
}

// proposalsOf turns a reconstruction into proposals keyed by their ends and
// maker, the same key each run; two of one key (a private chat exported by
// both its people) are one, the earlier, citing both.
func proposalsOf(incidentID uuid.UUID, res reconstruct.Result, sources map[uuid.UUID]Source) []*Proposal {
	nodes := map[string]reconstruct.Node{}
	for _, n := range res.Nodes {
		nodes[n.Key] = n
	}
	byKey := map[string]*Proposal{}
	var out []*Proposal
	for _, r := range res.Proposals {
		key := proposalKey(r.From, r.To, r.By)
		var cites []ProposalSource
		for _, ref := range r.Sources {
			id, err := uuid.Parse(strings.SplitN(ref.Sighting, "#", 2)[0])
			if err != nil {
				continue
			}
			src := sources[id]
			cites = append(cites, ProposalSource{MessageID: &id, EvidenceID: src.EvidenceID, Line: src.Line})
		}
		if p, ok := byKey[key]; ok {
			p.Sources = append(p.Sources, cites...)
			p.Confidence = max(p.Confidence, r.Confidence)
			continue
		}
		p := &Proposal{ID: uuid.New(), IncidentID: incidentID, Key: key, From: nodes[r.From], To: nodes[r.To], By: nodes[r.By],
			At: r.At, Method: r.Method, Confidence: r.Confidence, Reason: r.Reason, Sources: cites}
		if v, ok := r.Params["from"].(string); ok {
			p.Params.From = &v
		}
		for name, dst := range map[string]**time.Time{"earlierAt": &p.Params.EarlierAt, "originAt": &p.Params.OriginAt} {
			if v, ok := r.Params[name].(time.Time); ok {
				*dst = &v
			}
		}
		if v, ok := r.Params["candidates"].(int); ok {
			p.Params.Candidates = &v
		}
		byKey[key] = p
		out = append(out, p)
	}
	return out
}

func proposalKey(from, to, by string) string {
	h := sha256.Sum256([]byte(from + "\x00" + to + "\x00" + by))
	return "chat-" + hex.EncodeToString(h[:12])
}

// Proposals returns an incident's proposals in time order, of one state or all.
func (s *Service) Proposals(ctx context.Context, incidentID uuid.UUID, state *ProposalState) ([]*Proposal, error) {
	if err := s.readable(ctx, incidentID); err != nil {
		return nil, err
	}
	all, err := s.Store.Proposals(ctx, s.DB, incidentID, nil)
	if state == nil || err != nil {
		return all, err
	}
	return slices.DeleteFunc(all, func(p *Proposal) bool { return p.State() != *state }), nil
}

// proposal returns one proposal; NOT_FOUND when there is none the caller may see.
func (s *Service) proposal(ctx context.Context, id uuid.UUID) (*Proposal, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	p, err := s.Store.Proposal(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, apperr.Errorf(apperr.NotFound, "no such proposal")
	}
	if err := s.readable(ctx, p.IncidentID); err != nil {
		return nil, err
	}
	return p, nil
}

// Accept records a proposal as an evidenced forward, with the edits given.
func (s *Service) Accept(ctx context.Context, id uuid.UUID, edit *ProposalEdit) (*Proposal, error) {
	p, err := s.proposal(ctx, id)
	if err != nil {
		return nil, err
	}
	in, err := forwardOf(p, edit)
	if err != nil {
		return nil, err
	}
	if err := s.record(ctx, p.IncidentID, []*Proposal{p}, []*spread.ForwardInput{in}); err != nil {
		return nil, err
	}
	return s.Store.Proposal(ctx, s.DB, id)
}

// AcceptAll accepts the incident's waiting proposals of at least minConfidence, in one batch.
func (s *Service) AcceptAll(ctx context.Context, incidentID uuid.UUID, minConfidence float64) ([]*Proposal, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	if minConfidence < 0 || minConfidence > 1 {
		return nil, apperr.Invalid("minConfidence", "a confidence is between 0 and 1")
	}
	waiting, err := s.Proposals(ctx, incidentID, ptr(Proposed))
	if err != nil {
		return nil, err
	}
	var chosen []*Proposal
	var in []*spread.ForwardInput
	for _, p := range waiting {
		if p.Confidence+1e-9 >= minConfidence {
			f, err := forwardOf(p, nil)
			if err != nil {
				return nil, err
			}
			chosen, in = append(chosen, p), append(in, f)
		}
	}
	if err := s.record(ctx, incidentID, chosen, in); err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, len(chosen))
	for i, p := range chosen {
		ids[i] = p.ID
	}
	return s.Store.Proposals(ctx, s.DB, incidentID, ids)
}

func ptr[T any](v T) *T { return &v }

// record records the forwards of accepted proposals; the proposals' state
// follows from the forwards recorded under their keys.
func (s *Service) record(ctx context.Context, incidentID uuid.UUID, ps []*Proposal, in []*spread.ForwardInput) error {
	if len(in) == 0 {
		return nil
	}
	if _, err := s.Spread.Record(ctx, incidentID, in); err != nil {
		return err
	}
	actor, _ := auth.UserFrom(ctx)
	ids := make([]uuid.UUID, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return s.Store.Decide(ctx, s.DB, ids, actor.ID, false, "")
}

// forwardOf is the forward a proposal stands for.
func forwardOf(p *Proposal, edit *ProposalEdit) (*spread.ForwardInput, error) {
	confidence := spread.Confidence("SUSPECTED")
	if p.Confidence >= Confirmed {
		confidence = "CONFIRMED"
	}
	note := "proposed from chat exports: " + string(p.Reason) + " (" + strconv.Itoa(int(p.Confidence*100+0.5)) + "%)"
	in := &spread.ForwardInput{Key: p.Key, At: p.At, Method: p.Method, From: nodeRef(p.From), To: nodeRef(p.To),
		By: nodeRef(p.By), Confidence: &confidence, Note: &note}
	if e := edit; e != nil {
		if e.At != nil {
			in.At = *e.At
		}
		if e.Method != nil {
			in.Method = *e.Method
		}
		if e.Confidence != nil {
			in.Confidence = e.Confidence
		}
		if e.Note != nil {
			in.Note = e.Note
		}
	}
	for _, src := range p.Sources {
		in.Sources = append(in.Sources, spread.Citation{EvidenceID: src.EvidenceID, Line: src.Line, MessageID: src.MessageID})
	}
	return in, nil
}

func nodeRef(n reconstruct.Node) spread.NodeRef {
	r := spread.NodeRef{Key: n.Key, Kind: n.Kind, Name: &n.Name}
	if n.Kind != spread.Person {
		r.Platform, r.MemberCount = n.Platform, n.MemberCount
	}
	return r
}

// MaxReason bounds a rejection's reason.
const MaxReason = 2000

// Reject rejects a proposal, with a reason; it is not proposed again.
func (s *Service) Reject(ctx context.Context, id uuid.UUID, reason string) (*Proposal, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(text.Lines(reason))
	if reason == "" {
		return nil, apperr.Invalid("reason", "say why the proposal is rejected")
	}
	if utf8.RuneCountInString(reason) > MaxReason {
		return nil, apperr.Invalid("reason", "a reason is at most %d characters", MaxReason)
	}
	if err := text.Block("reason", reason); err != nil {
		return nil, err
	}
	p, err := s.proposal(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.State() == Accepted {
		return nil, apperr.Errorf(apperr.Conflict, "the proposal is accepted: delete its forward instead")
	}
	err = s.Incidents.Change(ctx, p.IncidentID, incident.PermEdit, func(tx *sqlx.Tx, _ incident.Incident, actor auth.User) (audit.Entry, error) {
		return audit.Entry{Action: "chatlog.reject", TargetType: "incident", TargetID: p.IncidentID.String(),
				Changes: map[string]any{"proposal": p.Key, "reason": reason}},
			s.Store.Decide(ctx, tx, []uuid.UUID{id}, actor.ID, true, reason)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Proposal(ctx, s.DB, id)
}
