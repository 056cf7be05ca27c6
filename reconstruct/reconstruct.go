// Package reconstruct proposes the forwards of a spread chain from the
// sightings of a leaked item in chat exports (issue 17 item 5). It is pure:
// its inputs are plain values gathered elsewhere, its output proposals a
// person reviews before they become forwards. Each proposal names its nodes
// by the keys the forward import uses (`p:张某`, `wechat-group:同学群`), says
// why in a stable reason code the client words (proposal.<REASON> in ui/web/src/locales), and cites
// the sightings it rests on.
package reconstruct

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leaktrail/leaktrail/spread"
)

// MatchKind is how a message matched the leaked item.
type MatchKind string

const (
	Exact        MatchKind = "EXACT"         // the same file or text
	ImageSimilar MatchKind = "IMAGE_SIMILAR" // a perceptual-hash match: re-compressed or re-photographed
	TextSimilar  MatchKind = "TEXT_SIMILAR"  // a fingerprint or quote match
)

// Chat is a chat as the exports name it.
type Chat struct {
	ID     string
	Name   string
	Direct bool // a private chat between two people
	// Platform, when known, prefixes the chat's node key as the import does.
	Platform spread.Platform
}

// Person is a sender as the exports name them: the ID identifies them (the
// Name stands in when an export gives none).
type Person struct {
	ID   string
	Name string
}

// Source is the line of an evidence item a sighting or fact was read from.
type Source struct {
	Evidence string
	Line     int
}

// Bundle marks a sighting that is an item inside a merged forward (WeChat) or
// chatrecord (WeCom): the sighting's Chat, Sender and At are where, by whom
// and when the bundle was posted; the bundle says where the item came from.
type Bundle struct {
	OriginChat   *Chat // the chat the items were taken from, when the bundle names it
	OriginSender Person
	OriginAt     time.Time
}

// Sighting is one message of the case that matches the leaked item.
type Sighting struct {
	ID     string
	Chat   Chat
	Sender Person
	At     time.Time
	Match  MatchKind
	Score  float64 // 0..1; 1 for an exact match
	Source Source
	// ForwardedFrom is whom the export says the message was forwarded from
	// (Telegram's forwarded_from): a person or a channel, by ID or name.
	ForwardedFrom *Person
	Bundle        *Bundle
}

// Membership is a person seen in a chat: a join, a member list, a message.
// Since and Until bound it when the export says so.
type Membership struct {
	Chat         string // Chat.ID
	Person       Person
	Since, Until *time.Time
	Source       Source
}

// Reason says why a proposal was made; the client words it with Params.
type Reason string

const (
	ForwardedFromMarker   Reason = "FORWARDED_FROM"                  // from, fromChat?
	MergedForward         Reason = "MERGED_FORWARD"                  // from, originAt
	MemberOfEarlierChat   Reason = "MEMBER_OF_EARLIER_CHAT"          // from, earlierAt, candidates
	DirectChatWithEarlier Reason = "DIRECT_CHAT_WITH_EARLIER_SENDER" // from, earlierAt, candidates
	EarliestSeenOnly      Reason = "EARLIEST_SEEN_ONLY"              // (by, to, at are on every proposal)
)

// Confidences of each rule, before scaling by the match's score. An explicit
// marker is the export's own word; an exposure is an inference, weaker when
// the sender had several; an origin guess is only where the trail starts.
const (
	confidenceMarker      = 0.95
	confidenceDirectChat  = 0.8
	confidenceMember      = 0.75
	confidenceAmbiguous   = 0.5 // an exposure with other exposures before it as well
	confidenceOriginGuess = 0.3
)

// Ref cites a sighting and its line.
type Ref struct {
	Sighting string
	Source   Source
}

// Proposal is a forward the sightings suggest.
type Proposal struct {
	From, To, By string // node keys
	At           time.Time
	Method       spread.Method
	Confidence   float64
	Reason       Reason
	// Params word the reason: by, to, at always; from, earlierAt, originAt,
	// candidates as the reason says.
	Params map[string]any
	// Sources are the sighting into To first, then those it rests on.
	Sources []Ref
}

// Node is a person or venue the proposals name.
type Node struct {
	Key         string
	Kind        spread.NodeKind
	Name        string
	Platform    *spread.Platform
	MemberCount *int // venues: distinct members seen in the exports
}

// Result is the reconstruction: proposals in time order, then by target key,
// and every node they name in key order.
type Result struct {
	Proposals []Proposal
	Nodes     []Node
}

const (
	groupChat  spread.NodeKind = "GROUP_CHAT"
	directChat spread.NodeKind = "DIRECT_CHAT"
)

// chatInfo is what the pass knows of one chat.
type chatInfo struct {
	chat     Chat
	members  []int // person indexes, sorted, distinct
	sighting []int // sighting indexes in time order
	// personal is a direct chat whose two people are known: a forward into
	// it is a forward to the other person, as the import records it.
	personal bool
	key      string
}

type state struct {
	sightings []Sighting
	people    []Person
	personIdx map[string]int // by ID
	personKey []string
	firstPost []time.Time // per person: their earliest sighting
	chats     []*chatInfo
	chatIdx   map[string]int   // by ID
	byName    map[string][]int // chats but private ones, by name, earliest first sighting first
	nodes     map[string]*Node
}

// Reconstruct proposes one forward per chat, into its first sighting (by
// time, then ID): from what an explicit marker names, else from the sender's
// earliest exposure before it, else from the sender as the trail's start.
// A proposal never goes back in time.
func Reconstruct(sightings []Sighting, members []Membership) Result {
	s := &state{sightings: sightings, personIdx: map[string]int{}, chatIdx: map[string]int{}, nodes: map[string]*Node{}}
	s.index(members)
	exposures := s.exposures(members)
	var out []Proposal
	for _, c := range s.chats {
		if len(c.sighting) == 0 {
			continue
		}
		out = append(out, s.propose(c, c.sighting[0], exposures))
	}
	slices.SortFunc(out, func(x, y Proposal) int {
		return cmp.Or(x.At.Compare(y.At), strings.Compare(x.To, y.To), strings.Compare(x.Sources[0].Sighting, y.Sources[0].Sighting))
	})
	nodes := make([]Node, 0, len(s.nodes))
	for _, n := range s.nodes {
		nodes = append(nodes, *n)
	}
	slices.SortFunc(nodes, func(x, y Node) int { return strings.Compare(x.Key, y.Key) })
	return Result{Proposals: out, Nodes: nodes}
}

// index gathers people and chats, gives them keys, and sorts each chat's sightings.
func (s *state) index(members []Membership) {
	// One ID seen under several names (a renamed account) keeps the
	// smallest, so the result does not depend on the sightings' order.
	person := func(p Person) int {
		id := cmp.Or(p.ID, p.Name)
		if i, ok := s.personIdx[id]; ok {
			s.people[i].Name = smallestName(s.people[i].Name, p.Name)
			return i
		}
		s.personIdx[id] = len(s.people)
		s.people = append(s.people, Person{ID: id, Name: p.Name})
		return len(s.people) - 1
	}
	chat := func(c Chat) *chatInfo {
		if i, ok := s.chatIdx[c.ID]; ok {
			known := &s.chats[i].chat
			known.Name = smallestName(known.Name, c.Name)
			known.Platform = spread.Platform(smallestName(string(known.Platform), string(c.Platform)))
			return s.chats[i]
		}
		s.chatIdx[c.ID] = len(s.chats)
		s.chats = append(s.chats, &chatInfo{chat: c})
		return s.chats[len(s.chats)-1]
	}
	for i := range s.sightings {
		x := &s.sightings[i]
		c := chat(x.Chat)
		c.sighting = append(c.sighting, i)
		c.members = append(c.members, person(x.Sender)) // a sender is a member
		if x.Bundle != nil {
			person(x.Bundle.OriginSender)
		}
		if x.ForwardedFrom != nil {
			person(*x.ForwardedFrom)
		}
	}
	for _, m := range members {
		if i, ok := s.chatIdx[m.Chat]; ok {
			s.chats[i].members = append(s.chats[i].members, person(m.Person))
		}
	}
	s.firstPost = make([]time.Time, len(s.people))
	for _, x := range s.sightings {
		p := s.personIdx[cmp.Or(x.Sender.ID, x.Sender.Name)]
		if s.firstPost[p].IsZero() || x.At.Before(s.firstPost[p]) {
			s.firstPost[p] = x.At
		}
	}
	s.personKey = uniqueKeys(len(s.people), func(i int) (string, string) {
		return "p:" + cmp.Or(s.people[i].Name, s.people[i].ID), s.people[i].ID
	})
	for _, c := range s.chats {
		slices.Sort(c.members)
		c.members = slices.Compact(c.members)
		c.personal = c.chat.Direct && len(c.members) == 2
		slices.SortFunc(c.sighting, func(x, y int) int {
			return cmp.Or(s.sightings[x].At.Compare(s.sightings[y].At), strings.Compare(s.sightings[x].ID, s.sightings[y].ID))
		})
	}
	chatKeys := uniqueKeys(len(s.chats), func(i int) (string, string) {
		c := s.chats[i].chat
		prefix := "group:"
		if c.Direct {
			prefix = "direct:"
		}
		if c.Platform != "" {
			prefix = strings.ToLower(string(c.Platform)) + "-" + prefix
		}
		return prefix + cmp.Or(c.Name, c.ID), c.ID
	})
	s.byName = map[string][]int{}
	for i, c := range s.chats {
		c.key = chatKeys[i]
		if !c.chat.Direct {
			s.byName[c.chat.Name] = append(s.byName[c.chat.Name], i)
		}
	}
	for _, chats := range s.byName {
		slices.SortFunc(chats, func(x, y int) int {
			return cmp.Or(s.sightings[s.chats[x].sighting[0]].At.Compare(s.sightings[s.chats[y].sighting[0]].At),
				strings.Compare(s.chats[x].key, s.chats[y].key))
		})
	}
}

// smallestName is the smaller of two names, an empty one only when both are.
func smallestName(a, b string) string {
	if a == "" || b != "" && b < a {
		return b
	}
	return a
}

// uniqueKeys gives n things their base keys, suffixing `-2`, `-3` … in ID
// order where distinct things share one (two people called 王某), as the
// import's convention keeps them apart.
func uniqueKeys(n int, base func(int) (key, id string)) []string {
	type entry struct {
		key, id string
		i       int
	}
	entries := make([]entry, n)
	for i := range n {
		k, id := base(i)
		entries[i] = entry{k, id, i}
	}
	slices.SortFunc(entries, func(x, y entry) int { return cmp.Or(strings.Compare(x.key, y.key), strings.Compare(x.id, y.id)) })
	keys := make([]string, n)
	taken := make(map[string]bool, n)
	for k, e := range entries {
		key := e.key
		if k > 0 && entries[k-1].key == e.key {
			for j := 2; taken[key]; j++ {
				key = e.key + "-" + strconv.Itoa(j)
			}
		}
		taken[key] = true
		keys[e.i] = key
	}
	return keys
}

// exposure is a moment a person could first have seen the item in a chat:
// its first sighting there by someone else.
type exposure struct {
	at       time.Time
	chat     int
	sighting int
}

// exposures lists, per person, the chats they could have seen the item in,
// earliest first. A membership with bounds counts only when it covers the
// sighting; a sender's own sightings are no exposure.
func (s *state) exposures(members []Membership) [][]exposure {
	bounded := map[[2]int][]Membership{}
	for _, m := range members {
		if m.Since == nil && m.Until == nil {
			continue
		}
		c, okc := s.chatIdx[m.Chat]
		p, okp := s.personIdx[cmp.Or(m.Person.ID, m.Person.Name)]
		if okc && okp {
			bounded[[2]int{c, p}] = append(bounded[[2]int{c, p}], m)
		}
	}
	out := make([][]exposure, len(s.people))
	for ci, c := range s.chats {
		for _, p := range c.members {
			for _, si := range c.sighting {
				x := s.sightings[si]
				if s.personIdx[cmp.Or(x.Sender.ID, x.Sender.Name)] == p {
					continue
				}
				if !covered(bounded[[2]int{ci, p}], x.At) {
					continue
				}
				out[p] = append(out[p], exposure{x.At, ci, si})
				break
			}
		}
	}
	for _, e := range out {
		slices.SortFunc(e, func(x, y exposure) int {
			return cmp.Or(x.at.Compare(y.at), strings.Compare(s.chats[x.chat].key, s.chats[y.chat].key))
		})
	}
	return out
}

// covered: a person with no bounded membership is taken as a member
// throughout; with some, one of them must cover at.
func covered(bounds []Membership, at time.Time) bool {
	if len(bounds) == 0 {
		return true
	}
	for _, m := range bounds {
		if (m.Since == nil || !m.Since.After(at)) && (m.Until == nil || !m.Until.Before(at)) {
			return true
		}
	}
	return false
}

func (s *state) propose(c *chatInfo, si int, exposures [][]exposure) Proposal {
	x := s.sightings[si]
	by := s.personIdx[cmp.Or(x.Sender.ID, x.Sender.Name)]
	p := Proposal{To: s.target(c, by), By: s.personNode(by), At: x.At, Method: "FORWARD",
		Sources: []Ref{{x.ID, x.Source}},
		Params:  map[string]any{"by": s.people[by].Name, "to": s.display(c, by), "at": x.At}}
	// A similar image is no sign of a photograph: every app re-encodes the
	// pictures it forwards. The method stays FORWARD for the reviewer to change.
	score := 1.0
	if x.Match != Exact {
		score = min(max(x.Score, 0), 1)
	}
	// A marker pointing at the target itself (a message forwarded back to
	// its author) says nothing of the hop: the recorder refuses SAME_ENDS.
	marked := p
	marked.Params, marked.Sources = maps.Clone(p.Params), slices.Clone(p.Sources)
	confidence := s.fromMarker(&marked, x, c, by, exposures)
	if confidence > 0 && marked.From != marked.To {
		p = marked
	} else {
		confidence = s.fromExposure(&p, x, by, exposures[by])
	}
	p.Confidence = confidence * score
	return p
}

// fromMarker fills p from an explicit marker, returning its confidence, or
// 0 when there is none that points back in time.
func (s *state) fromMarker(p *Proposal, x Sighting, c *chatInfo, by int, exposures [][]exposure) float64 {
	if b := x.Bundle; b != nil && b.OriginAt.Before(x.At) {
		origin := s.personIdx[cmp.Or(b.OriginSender.ID, b.OriginSender.Name)]
		p.From = s.personNode(origin)
		if oc := b.OriginChat; oc != nil {
			if i, ok := s.chatIdx[oc.ID]; ok && !s.chats[i].personal {
				p.From = s.venueNode(s.chats[i])
			}
		}
		if p.From == p.To {
			p.From = s.personNode(by)
		}
		p.Reason = MergedForward
		p.Params["from"], p.Params["originAt"] = s.people[origin].Name, b.OriginAt
		return confidenceMarker
	}
	ff := x.ForwardedFrom
	if ff == nil {
		return 0
	}
	// The marker names whom it came from, not where: the earliest earlier
	// sighting of theirs the sender could have seen places it — or of a
	// forward of theirs, as a forward forwarded on names the first author.
	origin := s.personIdx[cmp.Or(ff.ID, ff.Name)]
	p.Reason = ForwardedFromMarker
	p.Params["from"] = cmp.Or(s.people[origin].Name, ff.Name)
	for _, e := range exposures[by] {
		if !e.at.Before(x.At) {
			break
		}
		y := s.sightings[e.sighting]
		if s.personIdx[cmp.Or(y.Sender.ID, y.Sender.Name)] == origin ||
			y.ForwardedFrom != nil && s.personIdx[cmp.Or(y.ForwardedFrom.ID, y.ForwardedFrom.Name)] == origin {
			s.exposedBy(p, e, by)
			return confidenceMarker
		}
	}
	// A channel forwarded from is a venue when a chat of that name was seen
	// earlier: the earliest such.
	for _, i := range s.byName[ff.Name] {
		oc := s.chats[i]
		if first := s.sightings[oc.sighting[0]]; oc != c && first.At.Before(x.At) {
			p.From = s.venueNode(oc)
			p.Sources = append(p.Sources, Ref{first.ID, first.Source})
			return confidenceMarker
		}
	}
	p.From = s.personNode(origin)
	return confidenceMarker
}

// fromExposure fills p from the sender's earliest exposure before they
// first posted the item, or names the sender as where the trail starts.
func (s *state) fromExposure(p *Proposal, x Sighting, by int, es []exposure) float64 {
	// Someone who posted the item already held it: an exposure after their
	// first post is not where they got it.
	before, _ := slices.BinarySearchFunc(es, s.firstPost[by], func(e exposure, t time.Time) int { return e.at.Compare(t) })
	if before == 0 {
		p.From, p.Reason = s.personNode(by), EarliestSeenOnly
		return confidenceOriginGuess
	}
	e := es[0]
	p.Params["candidates"] = before
	p.Params["earlierAt"] = e.at
	c := s.chats[e.chat]
	s.exposedBy(p, e, by)
	confidence := confidenceMember
	p.Reason = MemberOfEarlierChat
	if c.personal {
		confidence, p.Reason = confidenceDirectChat, DirectChatWithEarlier
	}
	if before > 1 {
		confidence = confidenceAmbiguous
	}
	return confidence
}

// exposedBy sets p's From to where the sender saw the item: the chat, or,
// for a private chat, the sender themself (the hop into them is that chat's
// own proposal).
func (s *state) exposedBy(p *Proposal, e exposure, by int) {
	y := s.sightings[e.sighting]
	c := s.chats[e.chat]
	if c.personal {
		p.From = s.personNode(by)
		p.Params["from"] = y.Sender.Name
	} else {
		p.From = s.venueNode(c)
		p.Params["from"] = cmp.Or(c.chat.Name, c.chat.ID)
	}
	p.Sources = append(p.Sources, Ref{y.ID, y.Source})
}

// target is the node a post into c reaches: the other person of a private
// chat, else the chat.
func (s *state) target(c *chatInfo, by int) string {
	if c.personal {
		return s.personNode(other(c, by))
	}
	return s.venueNode(c)
}

func (s *state) display(c *chatInfo, by int) string {
	if c.personal {
		return s.people[other(c, by)].Name
	}
	return cmp.Or(c.chat.Name, c.chat.ID)
}

func other(c *chatInfo, by int) int {
	if c.members[0] == by {
		return c.members[1]
	}
	return c.members[0]
}

func (s *state) personNode(i int) string {
	key := s.personKey[i]
	if _, ok := s.nodes[key]; !ok {
		s.nodes[key] = &Node{Key: key, Kind: spread.Person, Name: cmp.Or(s.people[i].Name, s.people[i].ID)}
	}
	return key
}

func (s *state) venueNode(c *chatInfo) string {
	if _, ok := s.nodes[c.key]; !ok {
		n := &Node{Key: c.key, Kind: groupChat, Name: cmp.Or(c.chat.Name, c.chat.ID)}
		if c.chat.Direct {
			n.Kind = directChat
		}
		if c.chat.Platform != "" {
			pl := c.chat.Platform
			n.Platform = &pl
		}
		count := len(c.members)
		n.MemberCount = &count
		s.nodes[c.key] = n
	}
	return c.key
}
