package reconstruct

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/spread"
	"github.com/leaktrail/leaktrail/ui/web/src/locales"
)

var t0 = time.Date(2026, 11, 24, 21, 0, 0, 0, time.FixedZone("CST", 8*3600))

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

func group(name string) Chat { return Chat{ID: "g-" + name, Name: name, Platform: "WECHAT"} }

func dm(a, b string) Chat { return Chat{ID: "d-" + a + "-" + b, Name: a + "-" + b, Direct: true} }

func who(name string) Person { return Person{ID: "u-" + name, Name: name} }

func seen(id string, c Chat, by string, minute int) Sighting {
	return Sighting{ID: id, Chat: c, Sender: who(by), At: at(minute), Match: Exact, Score: 1,
		Source: Source{Evidence: "ev-" + id, Line: minute + 1}}
}

func member(c Chat, people ...string) []Membership {
	var out []Membership
	for _, p := range people {
		out = append(out, Membership{Chat: c.ID, Person: who(p)})
	}
	return out
}

// hop is a proposal's ends and reason, for comparing.
type hop struct {
	From, To, By string
	Reason       Reason
}

func hops(r Result) []hop {
	out := make([]hop, len(r.Proposals))
	for i, p := range r.Proposals {
		out[i] = hop{p.From, p.To, p.By, p.Reason}
	}
	return out
}

func TestRules(t *testing.T) {
	office, friends, family := group("办公室群"), group("同学群"), group("家人群")
	zhangLi := dm("张某", "李某")
	tests := []struct {
		name      string
		sightings []Sighting
		members   []Membership
		want      []hop
	}{
		{"earliest seen only: the first sender starts the trail",
			[]Sighting{seen("s1", office, "张某", 0)}, nil,
			[]hop{{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly}}},
		{"member of an earlier chat",
			[]Sighting{seen("s1", office, "张某", 0), seen("s2", friends, "李某", 10)},
			member(office, "张某", "李某"),
			[]hop{{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly},
				{"wechat-group:办公室群", "wechat-group:同学群", "p:李某", MemberOfEarlierChat}}},
		{"not a member: no exposure",
			[]Sighting{seen("s1", office, "张某", 0), seen("s2", friends, "李某", 10)},
			member(office, "张某"),
			[]hop{{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly},
				{"p:李某", "wechat-group:同学群", "p:李某", EarliestSeenOnly}}},
		{"a private chat with an earlier sender",
			[]Sighting{seen("s1", zhangLi, "张某", 0), seen("s2", friends, "李某", 10)}, member(zhangLi, "张某", "李某"),
			[]hop{{"p:张某", "p:李某", "p:张某", EarliestSeenOnly},
				{"p:李某", "wechat-group:同学群", "p:李某", DirectChatWithEarlier}}},
		{"a private chat whose other person is unknown is a venue",
			[]Sighting{seen("s1", zhangLi, "张某", 0)}, nil,
			[]hop{{"p:张某", "direct:张某-李某", "p:张某", EarliestSeenOnly}}},
		{"never back in time: a later sighting is no exposure",
			[]Sighting{seen("s1", friends, "李某", 0), seen("s2", office, "张某", 10)},
			member(office, "李某"),
			[]hop{{"p:李某", "wechat-group:同学群", "p:李某", EarliestSeenOnly},
				{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly}}},
		{"the same time is not earlier",
			[]Sighting{seen("s1", office, "张某", 0), seen("s2", friends, "李某", 0)},
			member(office, "李某"),
			[]hop{{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly},
				{"p:李某", "wechat-group:同学群", "p:李某", EarliestSeenOnly}}},
		{"one proposal per chat, into its first sighting",
			[]Sighting{seen("s2", office, "李某", 5), seen("s1", office, "张某", 0), seen("s3", office, "王某", 7)}, nil,
			[]hop{{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly}}},
		{"the earliest of several exposures",
			[]Sighting{seen("s1", office, "张某", 0), seen("s2", family, "王某", 5), seen("s3", friends, "李某", 10)},
			append(member(office, "李某"), member(family, "李某")...),
			[]hop{{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly},
				{"p:王某", "wechat-group:家人群", "p:王某", EarliestSeenOnly},
				{"wechat-group:办公室群", "wechat-group:同学群", "p:李某", MemberOfEarlierChat}}},
		{"a membership bounded after the sighting is no exposure",
			[]Sighting{seen("s1", office, "张某", 0), seen("s2", friends, "李某", 10)},
			[]Membership{{Chat: office.ID, Person: who("李某"), Since: new(at(5))}},
			[]hop{{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly},
				{"p:李某", "wechat-group:同学群", "p:李某", EarliestSeenOnly}}},
		{"forwarded_from places the hop in the chat the sender saw it in",
			[]Sighting{seen("s1", family, "王某", 0), seen("s2", office, "张某", 2),
				func() Sighting {
					x := seen("s3", friends, "李某", 10)
					x.ForwardedFrom = &Person{Name: "张某", ID: "u-张某"}
					return x
				}()},
			append(member(family, "李某"), member(office, "李某")...),
			[]hop{{"p:王某", "wechat-group:家人群", "p:王某", EarliestSeenOnly},
				{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly},
				{"wechat-group:办公室群", "wechat-group:同学群", "p:李某", ForwardedFromMarker}}},
		{"forwarded_from on a forward names the first author: the forward the sender saw places it",
			[]Sighting{seen("s1", family, "王某", 0),
				func() Sighting {
					x := seen("s2", office, "张某", 2)
					x.ForwardedFrom = &Person{ID: "u-王某", Name: "王某"}
					return x
				}(),
				func() Sighting {
					x := seen("s3", friends, "李某", 10)
					x.ForwardedFrom = &Person{ID: "u-王某", Name: "王某"}
					return x
				}()},
			append(member(family, "张某"), member(office, "李某")...),
			[]hop{{"p:王某", "wechat-group:家人群", "p:王某", EarliestSeenOnly},
				{"wechat-group:家人群", "wechat-group:办公室群", "p:张某", ForwardedFromMarker},
				{"wechat-group:办公室群", "wechat-group:同学群", "p:李某", ForwardedFromMarker}}},
		{"forwarded_from a channel seen earlier",
			[]Sighting{seen("s1", group("新闻频道"), "编辑", 0),
				func() Sighting {
					x := seen("s2", friends, "李某", 10)
					x.ForwardedFrom = &Person{Name: "新闻频道"}
					return x
				}()}, nil,
			[]hop{{"p:编辑", "wechat-group:新闻频道", "p:编辑", EarliestSeenOnly},
				{"wechat-group:新闻频道", "wechat-group:同学群", "p:李某", ForwardedFromMarker}}},
		{"forwarded_from someone not otherwise seen",
			[]Sighting{func() Sighting {
				x := seen("s1", friends, "李某", 10)
				x.ForwardedFrom = &Person{Name: "赵某"}
				return x
			}()}, nil,
			[]hop{{"p:赵某", "wechat-group:同学群", "p:李某", ForwardedFromMarker}}},
		{"forwarded_from the other person of a private chat is no hop into them from them",
			[]Sighting{seen("s1", office, "王某", 0),
				func() Sighting {
					x := seen("s2", zhangLi, "张某", 10)
					x.ForwardedFrom = &Person{ID: "u-李某", Name: "李某"}
					return x
				}()},
			append(member(zhangLi, "张某", "李某"), member(office, "张某")...),
			[]hop{{"p:王某", "wechat-group:办公室群", "p:王某", EarliestSeenOnly},
				{"wechat-group:办公室群", "p:李某", "p:张某", MemberOfEarlierChat}}},
		{"a merged forward names its origin chat",
			[]Sighting{seen("s1", office, "张某", 0),
				func() Sighting {
					x := seen("s2", friends, "李某", 10)
					x.Bundle = &Bundle{OriginChat: &office, OriginSender: who("张某"), OriginAt: at(0)}
					return x
				}()}, nil,
			[]hop{{"p:张某", "wechat-group:办公室群", "p:张某", EarliestSeenOnly},
				{"wechat-group:办公室群", "wechat-group:同学群", "p:李某", MergedForward}}},
		{"a merged forward from an unnamed chat comes from its sender",
			[]Sighting{func() Sighting {
				x := seen("s2", friends, "李某", 10)
				x.Bundle = &Bundle{OriginSender: who("张某"), OriginAt: at(0)}
				return x
			}()}, nil,
			[]hop{{"p:张某", "wechat-group:同学群", "p:李某", MergedForward}}},
		{"a bundle dated after its post is no marker",
			[]Sighting{func() Sighting {
				x := seen("s2", friends, "李某", 10)
				x.Bundle = &Bundle{OriginSender: who("张某"), OriginAt: at(20)}
				return x
			}()}, nil,
			[]hop{{"p:李某", "wechat-group:同学群", "p:李某", EarliestSeenOnly}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Reconstruct(tt.sightings, tt.members)
			if g := hops(got); !slices.Equal(g, tt.want) {
				t.Fatalf("got  %v\nwant %v", g, tt.want)
			}
			for _, p := range got.Proposals {
				for _, ref := range p.Sources[1:] {
					if !sightingAt(tt.sightings, ref.Sighting).Before(p.At) {
						t.Errorf("%v rests on %s, not earlier", p, ref.Sighting)
					}
				}
			}
		})
	}
}

func sightingAt(all []Sighting, id string) time.Time {
	for _, s := range all {
		if s.ID == id {
			return s.At
		}
	}
	panic(id)
}

func TestConfidenceAndMethod(t *testing.T) {
	office, friends := group("办公室群"), group("同学群")
	photo := seen("s2", friends, "李某", 10)
	photo.Match, photo.Score = ImageSimilar, 0.9
	ff := seen("s3", group("家人群"), "王某", 20)
	ff.ForwardedFrom = &Person{ID: "u-李某"}
	r := Reconstruct([]Sighting{seen("s1", office, "张某", 0), photo, ff}, member(office, "李某"))
	want := []struct {
		method     spread.Method
		confidence float64
		sources    []string
	}{
		{"FORWARD", confidenceOriginGuess, []string{"s1"}},
		{"FORWARD", confidenceMember * 0.9, []string{"s2", "s1"}},
		{"FORWARD", confidenceMarker, []string{"s3"}},
	}
	for i, p := range r.Proposals {
		var ids []string
		for _, s := range p.Sources {
			ids = append(ids, s.Sighting)
		}
		if p.Method != want[i].method || fmt.Sprintf("%.4f", p.Confidence) != fmt.Sprintf("%.4f", want[i].confidence) || !slices.Equal(ids, want[i].sources) {
			t.Errorf("proposal %d: %s %.4f %v, want %+v", i, p.Method, p.Confidence, ids, want[i])
		}
	}
	if got := r.Proposals[1].Sources[1].Source; got != (Source{"ev-s1", 1}) {
		t.Errorf("the proposal cites %v, want the line of s1", got)
	}
	if p := r.Proposals[1].Params; p["from"] != "办公室群" || p["candidates"] != 1 || p["by"] != "李某" || p["to"] != "同学群" {
		t.Errorf("params %v", p)
	}
}

func TestMemberCountsAndKeys(t *testing.T) {
	office := group("办公室群")
	other := Chat{ID: "g-2", Name: "办公室群"} // another chat of the same name, no platform
	twin := Person{ID: "u-王某-b", Name: "王某"}
	sightings := []Sighting{seen("s1", office, "王某", 0), {ID: "s2", Chat: other, Sender: twin, At: at(5), Match: Exact, Score: 1}}
	members := append(member(office, "张某", "李某", "王某"), Membership{Chat: office.ID, Person: Person{ID: "u-赵某"}},
		Membership{Chat: "unseen", Person: who("钱某")})
	r := Reconstruct(sightings, members)
	count := map[string]int{}
	var keys []string
	for _, n := range r.Nodes {
		keys = append(keys, n.Key)
		if n.MemberCount != nil {
			count[n.Key] = *n.MemberCount
		}
	}
	if want := []string{"group:办公室群", "p:王某", "p:王某-2", "wechat-group:办公室群"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	if count["wechat-group:办公室群"] != 4 || count["group:办公室群"] != 1 {
		t.Errorf("member counts %v", count)
	}
}

func TestDeterministic(t *testing.T) {
	c := generate(7, 30, 8, 0.6)
	// A renamed sender and chat: the same IDs under other names.
	renamed := c.sightings[len(c.sightings)-1]
	renamed.ID, renamed.Sender.Name, renamed.Chat.Name = "renamed", "改名后", "改名后的群"
	c.sightings = append(c.sightings, renamed)
	want := Reconstruct(c.sightings, c.members)
	for range 5 {
		shuffled := slices.Clone(c.sightings)
		c.rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got := Reconstruct(shuffled, c.members)
		if fmt.Sprint(hops(got)) != fmt.Sprint(hops(want)) || nodeStrings(got) != nodeStrings(want) {
			t.Fatal("the order of the sightings changed the result")
		}
	}
}

func nodeStrings(r Result) string {
	out := ""
	for _, n := range r.Nodes {
		out += fmt.Sprintf("%s %s %s", n.Key, n.Kind, n.Name)
		if n.MemberCount != nil {
			out += fmt.Sprintf(" %d", *n.MemberCount)
		}
		if n.Platform != nil {
			out += " " + string(*n.Platform)
		}
		out += "\n"
	}
	return out
}

// The UI's catalogs word every reason (proposal.<REASON>), in every
// language, with only the params the reason has.
func TestReasonsAreWorded(t *testing.T) {
	wordings := map[string]map[string]string{}
	for _, lang := range locales.Languages {
		wordings[lang] = map[string]string{}
		for _, r := range []Reason{ForwardedFromMarker, MergedForward, MemberOfEarlierChat, DirectChatWithEarlier, EarliestSeenOnly} {
			if key := "proposal." + string(r); locales.Has(lang, key) {
				wordings[lang][string(r)] = locales.Label(lang, key)
			}
		}
	}
	params := map[Reason][]string{
		ForwardedFromMarker:   {"from"},
		MergedForward:         {"from", "originAt"},
		MemberOfEarlierChat:   {"from", "earlierAt", "candidates"},
		DirectChatWithEarlier: {"from", "earlierAt", "candidates"},
		EarliestSeenOnly:      {},
	}
	for _, lang := range []string{"en", "zh-CN", "zh-TW"} {
		for reason, names := range params {
			w, ok := wordings[lang][string(reason)]
			if !ok {
				t.Errorf("%s: %s is not worded", lang, reason)
			}
			for rest := w; strings.Contains(rest, "{{"); {
				start := strings.Index(rest, "{{")
				end := strings.Index(rest, "}}")
				name := rest[start+2 : end]
				if !slices.Contains(append([]string{"by", "to", "at"}, names...), name) {
					t.Errorf("%s: %s words %q, not a param", lang, reason, name)
				}
				rest = rest[end+2:]
			}
		}
	}
}

// analyze feeds a result to the spread analysis as recorded forwards would be.
func analyze(r Result) *spread.Analysis {
	ids := map[string]uuid.UUID{}
	nodes := make([]*spread.Node, len(r.Nodes))
	for i, n := range r.Nodes {
		ids[n.Key] = uuid.New()
		nodes[i] = &spread.Node{ID: ids[n.Key], Key: n.Key, Kind: n.Kind, Name: n.Name, Exposure: spread.Internal,
			MemberCount: n.MemberCount, Platform: n.Platform}
	}
	forwards := make([]*spread.Forward, len(r.Proposals))
	for i, p := range r.Proposals {
		forwards[i] = &spread.Forward{ID: uuid.New(), Key: fmt.Sprintf("r%05d", i), From: ids[p.From], To: ids[p.To],
			By: ids[p.By], At: p.At, Method: p.Method, Confidence: "SUSPECTED"}
	}
	return spread.Analyze(nodes, forwards)
}
