package reconstruct

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/spread"
)

// cascade is a generated spread of one item and what the exports show of it.
type cascade struct {
	rng       *rand.Rand
	sightings []Sighting
	members   []Membership // every member of every exported chat
	truth     map[string]truthHop
	// truthAll is every hop, shown or not, as a Result for the analysis.
	truthAll Result
}

// truthHop is a generated hop into a chat: its ends by key, and whether the
// exports show both the chat and where the sender got the item.
type truthHop struct {
	hop
	showable bool
}

// generate spreads an item from person 0 through random groups and private
// chats; each person exports their chats with probability exported.
func generate(seed uint64, people, groups int, exported float64) *cascade {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	person := func(i int) Person { return Person{ID: fmt.Sprintf("u%03d", i), Name: fmt.Sprintf("人%03d", i)} }
	pkey := func(i int) string { return "p:" + person(i).Name }
	type chat struct {
		c       Chat
		members []int
		has     bool
		key     string
	}
	var chats []*chat
	memberOf := make([][]int, people) // chat indexes
	for g := range groups {
		c := &chat{c: Chat{ID: fmt.Sprintf("g%03d", g), Name: fmt.Sprintf("群%03d", g), Platform: "WECHAT"}}
		c.key = "wechat-group:" + c.c.Name
		for _, p := range rng.Perm(people)[:3+rng.IntN(6)] {
			c.members = append(c.members, p)
			memberOf[p] = append(memberOf[p], len(chats))
		}
		chats = append(chats, c)
	}
	direct := map[[2]int]int{}
	held := make([]bool, people)
	from := make([]string, people) // where a holder's forwards come from
	source := make([]int, people)  // the chat they got it in; -1 for the origin
	holders := []int{0}
	held[0], from[0], source[0] = true, pkey(0), -1
	type post struct {
		chat, by int
		at       time.Time
	}
	var posts []post
	truth := map[string]truthHop{}
	var truthHops []hop
	var truthAt []time.Time
	clock := t0
	for range 3 * (groups + people) {
		h := holders[rng.IntN(len(holders))]
		clock = clock.Add(time.Duration(1+rng.IntN(30)) * time.Minute)
		var target int
		switch r := rng.Float64(); {
		case r < 0.15: // a repeat into a chat that has it already
			var had []int
			for _, ci := range memberOf[h] {
				if chats[ci].has {
					had = append(had, ci)
				}
			}
			if len(had) == 0 {
				continue
			}
			posts = append(posts, post{had[rng.IntN(len(had))], h, clock})
			continue
		case r < 0.75: // into a group of theirs that has not had it
			var fresh []int
			for _, ci := range memberOf[h] {
				if !chats[ci].has {
					fresh = append(fresh, ci)
				}
			}
			if len(fresh) == 0 {
				continue
			}
			target = fresh[rng.IntN(len(fresh))]
		default: // privately to someone who does not have it
			r := rng.IntN(people)
			if held[r] {
				continue
			}
			pair := [2]int{min(h, r), max(h, r)}
			ci, ok := direct[pair]
			if !ok {
				ci = len(chats)
				a, b := person(pair[0]), person(pair[1])
				chats = append(chats, &chat{c: Chat{ID: "d" + a.ID + b.ID, Name: a.Name + "-" + b.Name, Direct: true}, members: []int{h, r}})
				memberOf[h], memberOf[r] = append(memberOf[h], ci), append(memberOf[r], ci)
				direct[pair] = ci
			}
			target = ci
		}
		c := chats[target]
		c.has = true
		posts = append(posts, post{target, h, clock})
		to := c.key
		if c.c.Direct {
			to = pkey(other2(c.members, h))
		}
		th := hop{from[h], to, pkey(h), ""}
		truth[c.c.ID] = truthHop{th, false}
		truthHops, truthAt = append(truthHops, th), append(truthAt, clock)
		for _, m := range c.members {
			if !held[m] {
				held[m], source[m] = true, target
				from[m] = c.key
				if c.c.Direct {
					from[m] = pkey(m)
				}
				holders = append(holders, m)
			}
		}
		// Remember where the sender got it, to judge showability once exports are drawn.
		th2 := truth[c.c.ID]
		th2.Reason = Reason(fmt.Sprint(source[h]))
		truth[c.c.ID] = th2
	}
	exports := make([]bool, people)
	for i := range exports {
		exports[i] = rng.Float64() < exported
	}
	visible := func(ci int) bool {
		return slices.ContainsFunc(chats[ci].members, func(p int) bool { return exports[p] })
	}
	out := &cascade{rng: rng, truth: map[string]truthHop{}}
	for ci, c := range chats {
		if !visible(ci) {
			continue
		}
		for _, m := range c.members {
			out.members = append(out.members, Membership{Chat: c.c.ID, Person: person(m), Source: Source{"ev-" + c.c.ID, 1}})
		}
		if th, ok := truth[c.c.ID]; ok {
			var src int
			fmt.Sscan(string(th.Reason), &src)
			// The origin is shown to be one when its first post is: every
			// exposure of theirs comes after it.
			th.showable = src < 0 && visible(posts[0].chat) || src >= 0 && visible(src)
			th.Reason = ""
			out.truth[c.c.ID] = th
		}
	}
	for i, p := range posts {
		if visible(p.chat) {
			out.sightings = append(out.sightings, Sighting{ID: fmt.Sprintf("s%05d", i), Chat: chats[p.chat].c, Sender: person(p.by),
				At: p.at, Match: Exact, Score: 1, Source: Source{"ev-" + chats[p.chat].c.ID, i + 2}})
		}
	}
	// The whole generated chain, as a Result, for comparing analyses.
	nodes := map[string]Node{}
	for i := range people {
		nodes[pkey(i)] = Node{Key: pkey(i), Kind: spread.Person, Name: person(i).Name}
	}
	for _, c := range chats {
		if !c.c.Direct {
			n := len(c.members)
			nodes[c.key] = Node{Key: c.key, Kind: groupChat, Name: c.c.Name, MemberCount: &n}
		}
	}
	for _, n := range nodes {
		out.truthAll.Nodes = append(out.truthAll.Nodes, n)
	}
	slices.SortFunc(out.truthAll.Nodes, func(x, y Node) int { return strings.Compare(x.Key, y.Key) })
	for i, th := range truthHops {
		out.truthAll.Proposals = append(out.truthAll.Proposals, Proposal{From: th.From, To: th.To, By: th.By, At: truthAt[i], Method: "FORWARD"})
	}
	return out
}

func other2(members []int, h int) int {
	if members[0] == h {
		return members[1]
	}
	return members[0]
}

// score compares a reconstruction with the generated chain on the hops the
// exports can show: precision over the proposals into those chats, recall
// over those hops.
func (c *cascade) score(r Result) (precision, recall float64, shown int) {
	correct, proposed, shown := c.counts(r)
	if proposed == 0 || shown == 0 {
		return 1, 1, shown
	}
	return float64(correct) / float64(proposed), float64(correct) / float64(shown), shown
}

// counts are the proposals into the chats of shown hops, those equal to the
// generated hop, and the shown hops.
func (c *cascade) counts(r Result) (correct, proposed, shown int) {
	chatOf := map[string]string{}
	for _, s := range c.sightings {
		chatOf[s.ID] = s.Chat.ID
	}
	for _, p := range r.Proposals {
		th, ok := c.truth[chatOf[p.Sources[0].Sighting]]
		if !ok || !th.showable {
			continue
		}
		proposed++
		if (hop{p.From, p.To, p.By, ""}) == th.hop {
			correct++
		}
	}
	for _, th := range c.truth {
		if th.showable {
			shown++
		}
	}
	return correct, proposed, shown
}

func TestReconstructsGeneratedCascades(t *testing.T) {
	var sumP, sumR, sumPS, sumRS float64
	runs, compared := 0, 0
	for seed := range uint64(200) {
		c := generate(seed, 20+int(seed%40), 5+int(seed%15), 0.3+0.7*float64(seed%8)/7)
		r := Reconstruct(c.sightings, c.members)
		precision, recall, shown := c.score(r)
		if precision != 1 || recall != 1 {
			t.Fatalf("seed %d: precision %.3f recall %.3f over %d shown hops", seed, precision, recall, shown)
		}
		// Senders alone, without joins or member lists: silent members are unknown.
		ps, rs, _ := c.score(Reconstruct(c.sightings, nil))
		sumP, sumR, sumPS, sumRS, runs = sumP+precision, sumR+recall, sumPS+ps, sumRS+rs, runs+1
		if checkAnalysis(t, seed, c, r) {
			compared++
		}
	}
	if compared < 20 {
		t.Errorf("only %d cascades were compared with the generated chain's analysis", compared)
	}
	t.Logf("exact copies over %d cascades (%d fully exported, analyses equal): precision %.3f recall %.3f with membership; senders only: precision %.3f recall %.3f",
		runs, compared, sumP/float64(runs), sumR/float64(runs), sumPS/float64(runs), sumRS/float64(runs))
}

// checkAnalysis: the spread analysis of the proposals is consistent — every
// path starts at an origin and runs forward in time, no node forwards before
// it receives — and, when everyone exported, equals the generated chain's.
func checkAnalysis(t *testing.T, seed uint64, c *cascade, r Result) (compared bool) {
	t.Helper()
	a := analyze(r)
	origins := map[string]bool{}
	for _, o := range a.Origins() {
		origins[o.Key] = true
	}
	for _, n := range r.Nodes {
		path := a.PathTo(n.Key)
		if len(path) == 0 {
			continue
		}
		if !origins[path[0].FromNode.Key] {
			t.Fatalf("seed %d: the path to %s starts at %s, not an origin", seed, n.Key, path[0].FromNode.Key)
		}
		for i := 1; i < len(path); i++ {
			if path[i].At.Before(path[i-1].At) || path[i].FromNode != path[i-1].ToNode {
				t.Fatalf("seed %d: the path to %s is broken at hop %d", seed, n.Key, i)
			}
		}
	}
	for _, w := range a.Warnings() {
		if w.Kind == spread.ForwardedBeforeReceived {
			t.Fatalf("seed %d: %v", seed, w)
		}
	}
	if len(c.sightings) == 0 || !c.allShown() {
		return false
	}
	want := analyze(c.truthAll)
	if fmt.Sprint(keys(a.Origins())) != fmt.Sprint(keys(want.Origins())) || a.Depth != want.Depth ||
		a.ReachedVenues != want.ReachedVenues || a.EstimatedAudience != want.EstimatedAudience {
		t.Fatalf("seed %d: origins %v depth %d venues %d audience %d; generated %v %d %d %d", seed,
			keys(a.Origins()), a.Depth, a.ReachedVenues, a.EstimatedAudience,
			keys(want.Origins()), want.Depth, want.ReachedVenues, want.EstimatedAudience)
	}
	for _, n := range r.Nodes {
		if got, w := pathKeys(a.PathTo(n.Key)), pathKeys(want.PathTo(n.Key)); got != w {
			t.Fatalf("seed %d: path to %s is %s, generated %s", seed, n.Key, got, w)
		}
	}
	return true
}

func (c *cascade) allShown() bool {
	for _, th := range c.truth {
		if !th.showable {
			return false
		}
	}
	return len(c.truth) == len(c.truthAll.Proposals) && len(c.truth) > 0
}

func keys(nodes []*spread.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Key
	}
	return out
}

func pathKeys(path []*spread.Forward) string {
	out := ""
	for _, f := range path {
		out += f.FromNode.Key + ">" + f.ToNode.Key + " "
	}
	return out
}

func BenchmarkReconstruct(b *testing.B) {
	// About 10,000 sightings: a large cascade, everyone exporting, and
	// repeats in every chat as real groups have.
	c := generate(1, 9000, 4500, 1)
	if len(c.sightings) < 10000 {
		b.Fatalf("the cascade has %d sightings", len(c.sightings))
	}
	c.sightings = c.sightings[:10000]
	var r Result
	for b.Loop() {
		r = Reconstruct(c.sightings, c.members)
	}
	b.ReportMetric(float64(len(c.sightings)), "sightings")
	b.ReportMetric(float64(len(c.members)), "memberships")
	b.ReportMetric(float64(len(r.Proposals)), "proposals")
}
