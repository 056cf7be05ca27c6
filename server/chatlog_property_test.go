package server_test

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nfnt/resize"

	"github.com/leaktrail/leaktrail/internal/chainflow"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// The property test through the real service: a random cascade of
// one leaked item through group and private chats on five platforms is
// rendered as the exports its randomly chosen participants would hold —
// every chat they are in, in their own time zone, in the format of the
// chat's platform — uploaded as evidence collected from them, read,
// identified, marked and reconstructed; the proposals must be the
// generated hops on every hop the exports can show.
//
// The formats are written as the fixtures of chatexport/testdata and
// internal/chainfixture show them (those follow the public sources named
// in ../shared/CHAT-EXPORTS.md): QQ's .txt (消息分组/消息对象 headers,
// "name(number)" lines, CRLF), LINE's zh-TW .txt ("[LINE] …的聊天記錄",
// 上午/下午 12-hour times under date lines), WhatsApp's iOS .txt
// ("[dd/mm/yyyy, hh:mm:ss] name: text", "<attached: …>"), Telegram
// Desktop's result.json (one chat; from_id "user…", service messages with
// invite_members and remove_members; forwarded_from is read from the
// message's fwd_from header in tdesktop's export_data_types.cpp, a header
// a forward forwarded on keeps: the first author) and
// PyWxDump's CSV (the exporter's own rows is_sender 1 from 我, rooms by
// wxid or …@chatroom, joins as 系统通知 with 你 for the exporter).
//
// What makes the exports hard is in the cascades: members who only read,
// late joins and leaves (an export runs from its holder's join to their
// leave), nicknames on some platforms that the investigator names, the
// same group exported by several people in different zones, chatter and
// unrelated pictures beside the leaked one.

const (
	pcQQ       = "QQ"
	pcLINE     = "LINE"
	pcWhatsApp = "WHATSAPP"
	pcTelegram = "TELEGRAM"
	pcWeChat   = "WECHAT"
)

// pcVariant is what the posts of a cascade carry: the quoted sentence, the
// leaked picture's very file, or copies of it re-compressed or re-photographed.
type pcVariant string

const (
	pcText    pcVariant = "text"
	pcExact   pcVariant = "exact"
	pcChanged pcVariant = "changed"
)

var pcZones = []string{"Asia/Shanghai", "Asia/Taipei", "Europe/Berlin", "America/Vancouver", "Asia/Tokyo", "UTC"}

var pcChatter = []string{"大家好", "收到", "好的", "明天几点开会？", "周末去爬山吗", "今天食堂的菜不错", "谁有充电器",
	"下雨了记得带伞", "晚上一起吃饭", "孩子的作业写完了吗", "这个周末加班", "哈哈哈", "路上堵车了", "新年快乐"}

type pcChat struct {
	platform string
	name     string // a group's name; "" for a private chat
	direct   bool
	id       int // the platform's number for it: a WeChat room, a Telegram chat
	members  []int
	joined   map[int]time.Time // when each member joined; zero for those there from the start
	left     map[int]time.Time // when a member left
	has      bool
}

// member: p was in the chat at that time (the moment they left included:
// their own export shows it).
func (c *pcChat) member(p int, at time.Time) bool {
	j, ok := c.joined[p]
	l, gone := c.left[p]
	return ok && !j.After(at) && (!gone || !at.After(l))
}

type pcMsg struct {
	n      int // global, the message's number in every export
	chat   int
	by     int
	at     time.Time
	text   string
	media  string // a picture's file name
	data   []byte
	leak   bool
	joiner int  // for a join: who joined (by added them); -1 otherwise
	leaves bool // by leaves the group
	// fwd is whom Telegram says a forward is from: the first author of a
	// message forwarded on from Telegram chat to chat; -1 otherwise.
	fwd int
}

type pcHop struct {
	from, to, by string
	chat         int
	post, source int // message numbers; source -1 for the origin
}

type pcCascade struct {
	seed      uint64
	variant   pcVariant
	names     []string
	zones     []string
	chats     []*pcChat
	msgs      []*pcMsg
	hops      []pcHop
	exporters []int
	leak      []byte
	mark      string
	// nicked says who goes by a nickname on a platform (person|platform):
	// a handle the investigator must name.
	nicked map[string]bool
}

// shown is how a platform shows a person: their name, or their nickname.
func (c *pcCascade) shown(p int, platform string) string {
	if c.nicked[fmt.Sprint(p, "|", platform)] {
		return pcNick(c.names[p])
	}
	return c.names[p]
}

func pcNick(name string) string { return "老" + string([]rune(name)[:2]) }

func pcName(i int) string {
	const surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
	const given = "一二三四五"
	s, g := []rune(surnames), []rune(given)
	return string(s[i%len(s)]) + string(g[i/len(s)%len(g)]) + "某"
}

func pcQQNumber(p int) string   { return strconv.Itoa(1000000000 + 7919*p) }
func pcWxid(p int) string       { return fmt.Sprintf("wxid_p%03d", p) }
func pcTelegramID(p int) string { return strconv.Itoa(700000 + p) }

// pcGenerate spreads the item from a random person through random groups
// and private chats, with chatter, unrelated pictures and late joins.
func pcGenerate(t *testing.T, seed uint64, variant pcVariant) *pcCascade {
	rng := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	c := &pcCascade{seed: seed, variant: variant}
	people := 8 + rng.IntN(8)
	c.nicked = map[string]bool{}
	for i := range people {
		c.names = append(c.names, pcName(i))
		c.zones = append(c.zones, pcZones[rng.IntN(len(pcZones))])
		for _, pl := range []string{pcQQ, pcLINE, pcWhatsApp, pcTelegram, pcWeChat} {
			c.nicked[fmt.Sprint(i, "|", pl)] = rng.IntN(4) == 0
		}
	}
	groupPlatforms := []string{pcQQ, pcLINE, pcWhatsApp, pcTelegram, pcWeChat}
	directPlatforms := []string{pcQQ, pcLINE, pcTelegram, pcWeChat} // WhatsApp's .txt names no private chat
	if variant != pcText {
		// QQ and LINE write a picture as a bare [图片]/[照片]: no file to match.
		groupPlatforms, directPlatforms = []string{pcWhatsApp, pcTelegram, pcWeChat}, []string{pcTelegram, pcWeChat}
	}
	var leakImg *image.RGBA
	switch variant {
	case pcText:
		number := fmt.Sprintf("某办发〔2025〕%d号", 10+seed)
		c.mark = number + " 关于加强涉密载体管理的通知"
	default:
		leakImg = pcPicture(1000 + seed)
		c.leak = pcJPEG(t, leakImg, 92)
	}
	clock := time.Date(2025, 3, 20, 1, 0, 0, 0, time.UTC)
	// Each message in a minute of its own, at a random second: LINE writes
	// no seconds, and the order of two messages must survive that.
	tick := func() time.Time {
		clock = clock.Truncate(time.Minute).Add(time.Duration(1+rng.IntN(5))*time.Minute + time.Duration(rng.IntN(60))*time.Second)
		return clock
	}
	say := func(chat, by int, text string) *pcMsg {
		m := &pcMsg{n: len(c.msgs), chat: chat, by: by, at: tick(), text: text, joiner: -1, fwd: -1}
		c.msgs = append(c.msgs, m)
		return m
	}
	others := 0
	unrelated := func(chat, by int) {
		m := say(chat, by, "")
		m.data = pcTransform(t, rng, pcPicture(uint64(5000+int(seed)*100+others)), []string{"recompressed", "rephotographed"}[rng.IntN(2)])
		m.media = pcMediaName(c.chats[chat].platform, m)
		others++
	}
	var pending [][]int // per group: members yet to join
	// Platforms in turn from a random one, so that a few cascades use them all.
	first := rng.IntN(len(groupPlatforms))
	for g := range 3 + rng.IntN(4) {
		ch := &pcChat{platform: groupPlatforms[(first+g)%len(groupPlatforms)], name: fmt.Sprintf("%s%d群", []string{"同学", "业主", "工作", "家族", "球友", "车友"}[g], seed),
			id: 20990000 + g, joined: map[int]time.Time{}, left: map[int]time.Time{}}
		var later []int
		for i, p := range rng.Perm(people)[:3+rng.IntN(3)] {
			ch.members = append(ch.members, p)
			if i > 1 && rng.IntN(3) == 0 {
				later = append(later, p)
				continue
			}
			ch.joined[p] = time.Time{}
		}
		c.chats = append(c.chats, ch)
		pending = append(pending, later)
	}
	// Most members say hello; some only read.
	for ci, ch := range c.chats {
		for _, p := range ch.members {
			if ch.member(p, clock) && rng.IntN(4) > 0 {
				say(ci, p, pcChatter[rng.IntN(len(pcChatter))])
			}
		}
	}
	origin := rng.IntN(people)
	held := make([]bool, people)
	from := make([]string, people)
	source := make([]int, people)
	held[origin], from[origin], source[origin] = true, "p:"+c.names[origin], -1
	holders := []int{origin}
	direct := map[[2]int]int{}
	groupKey := func(ch *pcChat) string { return strings.ToLower(ch.platform) + "-group:" + ch.name }
	current := func(p int, at time.Time) []int {
		var out []int
		for ci, ch := range c.chats {
			if ch.member(p, at) {
				out = append(out, ci)
			}
		}
		return out
	}
	for range 3 * (len(c.chats) + people) {
		switch r := rng.Float64(); {
		case r < 0.1: // someone joins a group, added by a member
			var gs []int
			for g, later := range pending {
				if len(later) > 0 {
					gs = append(gs, g)
				}
			}
			if len(gs) == 0 {
				continue
			}
			g := gs[rng.IntN(len(gs))]
			ch, joiner := c.chats[g], pending[g][0]
			pending[g] = pending[g][1:]
			var in []int
			for _, p := range ch.members {
				if ch.member(p, clock) {
					in = append(in, p)
				}
			}
			m := say(g, in[rng.IntN(len(in))], "")
			m.joiner = joiner
			ch.joined[joiner] = m.at
			say(g, joiner, "大家好，我是"+c.names[joiner])
			continue
		case r < 0.14: // someone leaves a group (WeChat tells no one)
			g := rng.IntN(len(c.chats))
			ch := c.chats[g]
			var in []int
			for _, p := range ch.members {
				if ch.member(p, clock) {
					in = append(in, p)
				}
			}
			if ch.direct || ch.platform == pcWeChat || len(in) < 3 {
				continue
			}
			m := say(g, in[rng.IntN(len(in))], "")
			m.leaves = true
			ch.left[m.by] = m.at
			continue
		case r < 0.3: // chatter, or an unrelated picture
			p := rng.IntN(people)
			mine := current(p, clock)
			if len(mine) == 0 {
				continue
			}
			ci := mine[rng.IntN(len(mine))]
			if variant != pcText && rng.IntN(3) == 0 {
				unrelated(ci, p)
			} else {
				say(ci, p, pcChatter[rng.IntN(len(pcChatter))])
			}
			continue
		}
		h := holders[rng.IntN(len(holders))]
		var target int
		switch r := rng.Float64(); {
		case r < 0.15: // again into a chat that has it
			var had []int
			for _, ci := range current(h, clock) {
				if c.chats[ci].has {
					had = append(had, ci)
				}
			}
			if len(had) == 0 {
				continue
			}
			target = had[rng.IntN(len(had))]
		case r < 0.75: // into a group of theirs that has not had it
			var fresh []int
			for _, ci := range current(h, clock) {
				if !c.chats[ci].has && !c.chats[ci].direct {
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
				ci = len(c.chats)
				c.chats = append(c.chats, &pcChat{platform: directPlatforms[rng.IntN(len(directPlatforms))], direct: true,
					members: []int{h, r}, joined: map[int]time.Time{h: {}, r: {}}})
				direct[pair] = ci
				say(ci, r, pcChatter[rng.IntN(len(pcChatter))])
				say(ci, h, pcChatter[rng.IntN(len(pcChatter))])
			}
			target = ci
		}
		ch := c.chats[target]
		m := say(target, h, "")
		m.leak = true
		if src := source[h]; src >= 0 && ch.platform == pcTelegram && c.chats[c.msgs[src].chat].platform == pcTelegram {
			m.fwd = cmp.Or(c.msgs[src].fwd+1, c.msgs[src].by+1) - 1
		}
		switch variant {
		case pcText:
			m.text = []string{"转：", "看看这个 ", "刚收到的，", ""}[rng.IntN(4)] + c.mark + []string{"，别外传", " 大家注意", "", "。各单位要在本月底前完成涉密载体清查"}[rng.IntN(4)]
		case pcExact:
			m.data = c.leak
		default:
			m.data = pcTransform(t, rng, leakImg, []string{"recompressed", "rephotographed"}[rng.IntN(2)])
		}
		if m.data != nil {
			m.media = pcMediaName(ch.platform, m)
		}
		if !ch.has {
			to := groupKey(ch)
			if ch.direct {
				to = "p:" + c.names[pcOther(ch.members, h)]
			}
			c.hops = append(c.hops, pcHop{from: from[h], to: to, by: "p:" + c.names[h], chat: target, post: m.n, source: source[h]})
			ch.has = true
		}
		for _, p := range ch.members {
			if ch.member(p, m.at) && !held[p] {
				held[p], source[p] = true, m.n
				from[p] = groupKey(ch)
				if ch.direct {
					from[p] = "p:" + c.names[p]
				}
				holders = append(holders, p)
			}
		}
	}
	for p := range people {
		if rng.IntN(2) == 0 {
			c.exporters = append(c.exporters, p)
		}
	}
	if len(c.exporters) == 0 {
		c.exporters = []int{origin}
	}
	return c
}

func pcOther(members []int, p int) int {
	if members[0] == p {
		return members[1]
	}
	return members[0]
}

// pcMediaName is the file name an export gives a picture; the same in
// every export that holds the message, as the same message read twice
// must be one.
func pcMediaName(platform string, m *pcMsg) string {
	switch platform {
	case pcWhatsApp:
		return fmt.Sprintf("%08d-PHOTO-%s.jpg", m.n, m.at.Format("2006-01-02-15-04-05"))
	case pcTelegram:
		return fmt.Sprintf("photo_%d@%s.jpg", m.n, m.at.Format("02-01-2006_15-04-05"))
	}
	return fmt.Sprintf("%08x.jpg", 0x5a0c0000+m.n)
}

// visible: some exporter in the chat held the message (their export runs
// from when they joined).
func (c *pcCascade) visible(m *pcMsg) bool {
	ch := c.chats[m.chat]
	for _, e := range c.exporters {
		if ch.member(e, m.at) {
			return true
		}
	}
	return false
}

// showable: the exports show the hop's post, and where its sender got the
// item — the post that reached them and that they were in that chat (a
// message or a join of theirs, or their own export of it) — or, for the
// origin, their first post.
func (c *pcCascade) showable(h pcHop) bool {
	if !c.visible(c.msgs[h.post]) {
		return false
	}
	if h.source < 0 {
		return c.visible(c.msgs[c.hops[0].post])
	}
	src := c.msgs[h.source]
	if !c.visible(src) {
		return false
	}
	if c.chats[src.chat].direct {
		return true
	}
	by := c.msgs[h.post].by
	if slices.Contains(c.exporters, by) {
		return true
	}
	for _, m := range c.msgs {
		if m.chat == src.chat && (m.by == by && m.joiner < 0 || m.joiner == by) && c.visible(m) {
			return true
		}
	}
	return false
}

// pcExport is one file of one person's export: a chat file and the
// pictures beside it.
type pcExport struct {
	name, zone string
	data       []byte
	media      map[string][]byte
}

// exports renders every chat the exporter is in, in their zone.
func (c *pcCascade) exports(t *testing.T, e int) []pcExport {
	zone, err := time.LoadLocation(c.zones[e])
	if err != nil {
		t.Fatal(err)
	}
	var out []pcExport
	for ci, ch := range c.chats {
		if _, ok := ch.joined[e]; !ok {
			continue
		}
		var msgs []*pcMsg
		media := map[string][]byte{}
		for _, m := range c.msgs {
			if m.chat == ci && ch.member(e, m.at) {
				msgs = append(msgs, m)
				if m.media != "" {
					media[m.media] = m.data
				}
			}
		}
		if len(msgs) == 0 {
			continue
		}
		x := pcExport{zone: c.zones[e], media: media}
		switch ch.platform {
		case pcQQ:
			x.name, x.data = c.qq(ch, e, msgs, zone)
		case pcLINE:
			x.name, x.data = c.line(ch, e, msgs, zone)
		case pcWhatsApp:
			x.name, x.data = c.whatsApp(ch, e, msgs, zone)
		case pcTelegram:
			x.name, x.data = c.telegram(t, ch, e, msgs, zone)
		case pcWeChat:
			x.name, x.data = c.pyWxDump(t, ch, e, msgs, zone)
		}
		out = append(out, x)
	}
	return out
}

func (c *pcCascade) chatName(ch *pcChat, e int) string {
	if ch.direct {
		return c.shown(pcOther(ch.members, e), ch.platform)
	}
	return ch.name
}

func (c *pcCascade) qq(ch *pcChat, e int, msgs []*pcMsg, zone *time.Location) (string, []byte) {
	var b strings.Builder
	const rule = "================================================================\r\n"
	section := "我的群聊"
	if ch.direct {
		section = "我的好友"
	}
	b.WriteString("\ufeff消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n" + rule + "消息分组:" + section + "\r\n" + rule +
		"消息对象:" + c.chatName(ch, e) + "\r\n" + rule + "\r\n")
	for _, m := range msgs {
		at := m.at.In(zone).Format("2006-01-02 15:04:05")
		if m.joiner >= 0 {
			fmt.Fprintf(&b, "%s 系统消息(10000)\r\n%s加入本群。\r\n\r\n", at, c.shown(m.joiner, ch.platform))
			continue
		}
		if m.leaves {
			fmt.Fprintf(&b, "%s 系统消息(10000)\r\n%s退出本群。\r\n\r\n", at, c.shown(m.by, ch.platform))
			continue
		}
		fmt.Fprintf(&b, "%s %s(%s)\r\n%s\r\n\r\n", at, c.shown(m.by, ch.platform), pcQQNumber(m.by), m.text)
	}
	return c.chatName(ch, e) + ".txt", []byte(b.String())
}

func (c *pcCascade) line(ch *pcChat, e int, msgs []*pcMsg, zone *time.Location) (string, []byte) {
	var b strings.Builder
	title := ch.name + "的聊天記錄"
	if ch.direct {
		title = "與" + c.chatName(ch, e) + "的聊天記錄"
	}
	saved := msgs[len(msgs)-1].at.Add(time.Hour).In(zone)
	fmt.Fprintf(&b, "[LINE] %s\n儲存日期：%s\n", title, saved.Format("2006/01/02 15:04"))
	day := ""
	for _, m := range msgs {
		at := m.at.In(zone)
		if d := at.Format("2006/01/02"); d != day {
			day = d
			fmt.Fprintf(&b, "\n%s（%s）\n", d, string([]rune("日一二三四五六")[at.Weekday()]))
		}
		half, h := "上午", at.Hour()
		if h >= 12 {
			half = "下午"
		}
		if h %= 12; h == 0 {
			h = 12
		}
		clock := fmt.Sprintf("%s%02d:%02d", half, h, at.Minute())
		if m.joiner >= 0 {
			fmt.Fprintf(&b, "%s\t\t%s已新增%s至群組\n", clock, c.shown(m.by, ch.platform), c.shown(m.joiner, ch.platform))
			continue
		}
		if m.leaves {
			fmt.Fprintf(&b, "%s\t\t%s已離開群組\n", clock, c.shown(m.by, ch.platform))
			continue
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\n", clock, c.shown(m.by, ch.platform), m.text)
	}
	return c.chatName(ch, e) + ".txt", []byte(b.String())
}

// whatsApp writes iOS's _chat.txt; the chat is named by the file, as the
// zip it came in names it. Events of the exporter's own say You (as in
// Pustur/whatsapp-chat-parser's samples: "You created group").
func (c *pcCascade) whatsApp(ch *pcChat, e int, msgs []*pcMsg, zone *time.Location) (string, []byte) {
	var b strings.Builder
	name := func(p int, you string) string {
		if p == e {
			return you
		}
		return c.shown(p, ch.platform)
	}
	for _, m := range msgs {
		at := m.at.In(zone).Format("02/01/2006, 15:04:05")
		switch {
		case m.joiner >= 0:
			fmt.Fprintf(&b, "[%s] \u200e%s added %s\n", at, name(m.by, "You"), name(m.joiner, "you"))
		case m.leaves:
			fmt.Fprintf(&b, "[%s] \u200e%s left\n", at, name(m.by, "You"))
		case m.media != "":
			fmt.Fprintf(&b, "[%s] %s: \u200e<attached: %s>\n", at, c.shown(m.by, ch.platform), m.media)
		default:
			fmt.Fprintf(&b, "[%s] %s: %s\n", at, c.shown(m.by, ch.platform), m.text)
		}
	}
	return ch.name + ".txt", []byte(b.String())
}

func (c *pcCascade) telegram(t *testing.T, ch *pcChat, e int, msgs []*pcMsg, zone *time.Location) (string, []byte) {
	type entity struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type message struct {
		ID           int      `json:"id"`
		Type         string   `json:"type"`
		Date         string   `json:"date"`
		DateUnix     string   `json:"date_unixtime"`
		From         string   `json:"from,omitempty"`
		FromID       string   `json:"from_id,omitempty"`
		Forwarded    string   `json:"forwarded_from,omitempty"`
		Actor        string   `json:"actor,omitempty"`
		ActorID      string   `json:"actor_id,omitempty"`
		Action       string   `json:"action,omitempty"`
		Members      []string `json:"members,omitempty"`
		Photo        string   `json:"photo,omitempty"`
		Width        int      `json:"width,omitempty"`
		Height       int      `json:"height,omitempty"`
		Text         string   `json:"text"`
		TextEntities []entity `json:"text_entities"`
	}
	export := struct {
		Name     string    `json:"name"`
		Type     string    `json:"type"`
		ID       int       `json:"id"`
		Messages []message `json:"messages"`
	}{Name: c.chatName(ch, e), Type: "private_group", ID: 1700000000 + ch.id}
	if ch.direct {
		other := pcOther(ch.members, e)
		export.Type, export.ID = "personal_chat", 700000+other
	}
	for _, m := range msgs {
		x := message{ID: 1000 + m.n, Type: "message", Date: m.at.In(zone).Format("2006-01-02T15:04:05"),
			DateUnix: strconv.FormatInt(m.at.Unix(), 10), TextEntities: []entity{}}
		switch {
		case m.joiner >= 0:
			x.Type, x.Actor, x.ActorID, x.Action, x.Members = "service", c.shown(m.by, ch.platform), "user"+pcTelegramID(m.by), "invite_members", []string{c.shown(m.joiner, ch.platform)}
		case m.leaves:
			// Leaving is removing oneself.
			x.Type, x.Actor, x.ActorID, x.Action, x.Members = "service", c.shown(m.by, ch.platform), "user"+pcTelegramID(m.by), "remove_members", []string{c.shown(m.by, ch.platform)}
		default:
			x.From, x.FromID, x.Text = c.shown(m.by, ch.platform), "user"+pcTelegramID(m.by), m.text
			if m.fwd >= 0 {
				x.Forwarded = c.shown(m.fwd, ch.platform)
			}
			if m.text != "" {
				x.TextEntities = []entity{{"plain", m.text}}
			}
			if m.media != "" {
				x.Photo, x.Width, x.Height = "photos/"+m.media, 256, 256
			}
		}
		export.Messages = append(export.Messages, x)
	}
	data, err := json.MarshalIndent(export, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return "result.json", data
}

func (c *pcCascade) pyWxDump(t *testing.T, ch *pcChat, e int, msgs []*pcMsg, zone *time.Location) (string, []byte) {
	room := fmt.Sprintf("%d@chatroom", ch.id)
	if ch.direct {
		room = pcWxid(pcOther(ch.members, e))
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"})
	quote := func(p int) string { return `"` + c.shown(p, ch.platform) + `"` }
	for i, m := range msgs {
		row := []string{strconv.Itoa(i + 1), strconv.Itoa(8800000000 + m.n), "文本", "0", pcWxid(m.by), room, m.text, "",
			m.at.In(zone).Format("2006-01-02 15:04:05")}
		if m.by == e {
			row[3], row[4] = "1", "我"
		}
		switch {
		case m.joiner >= 0:
			// WeChat's own wording: 你 for the exporter.
			who, whom := quote(m.by), quote(m.joiner)
			text := who + "邀请" + whom + "加入了群聊"
			switch e {
			case m.by:
				text = "你邀请" + whom + "加入了群聊"
			case m.joiner:
				text = who + "邀请你加入了群聊"
			}
			row[2], row[3], row[4], row[6] = "系统通知", "0", "", text
		case m.media != "":
			row[2], row[6], row[7] = "图片", "图片", "image/2025-03/"+m.media
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s_0_%d.csv", room, len(msgs)), b.Bytes()
}

// pcScore is a cascade's proposals against its hops: those into chats of
// shown hops (or into no generated chat at all), those equal to the
// generated hop, and the shown hops.
type pcScore struct {
	correct, proposed, shown int
	// What the cascade exercised: exports read per format, shown hops into
	// private chats, joins the exports show.
	formats               map[string]int
	direct, joins, leaves int
}

func (s pcScore) precision() float64 { return pcRatio(s.correct, s.proposed) }
func (s pcScore) recall() float64    { return pcRatio(s.correct, s.shown) }

func pcRatio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// TestChainPropertyThroughExports: generated cascades, their exports
// uploaded, read and reconstructed through the API. Exact copies (the
// quoted sentence, the picture's own file): precision and recall 1 in
// every cascade; copies re-compressed or re-photographed: both at least
// 0.95 over the cascades.
func TestChainPropertyThroughExports(t *testing.T) {
	t.Parallel()
	cascades := 12
	if testing.Short() {
		cascades = 3
	}
	_, c := start(t)
	var mu sync.Mutex
	totals := map[pcVariant]*pcScore{pcText: {}, pcExact: {}, pcChanged: {}}
	formats := map[string]int{}
	direct, joins, leaves := 0, 0, 0
	t.Run("cascades", func(t *testing.T) {
		for seed := range uint64(cascades) {
			variant := []pcVariant{pcText, pcChanged, pcExact, pcChanged}[seed%4]
			t.Run(fmt.Sprintf("%d-%s", seed, variant), func(t *testing.T) {
				t.Parallel()
				cc := pcGenerate(t, seed, variant)
				s := pcRun(t, c, cc)
				t.Logf("precision %.3f recall %.3f (%d correct, %d proposed, %d shown of %d hops, %d into private chats); exports %v, %d joins and %d leaves shown",
					s.precision(), s.recall(), s.correct, s.proposed, s.shown, len(cc.hops), s.direct, s.formats, s.joins, s.leaves)
				if variant != pcChanged && (s.precision() != 1 || s.recall() != 1) {
					t.Errorf("exact copies: precision %.3f recall %.3f", s.precision(), s.recall())
				}
				mu.Lock()
				tot := totals[variant]
				tot.correct, tot.proposed, tot.shown = tot.correct+s.correct, tot.proposed+s.proposed, tot.shown+s.shown
				for f, n := range s.formats {
					formats[f] += n
				}
				direct, joins, leaves = direct+s.direct, joins+s.joins, leaves+s.leaves
				mu.Unlock()
			})
		}
	})
	for _, v := range []pcVariant{pcText, pcExact, pcChanged} {
		s := totals[v]
		t.Logf("%s: precision %.3f recall %.3f over %d shown hops (%d proposed, %d correct)", v, s.precision(), s.recall(), s.shown, s.proposed, s.correct)
	}
	t.Logf("exports read %v; %d shown hops into private chats, %d joins and %d leaves shown", formats, direct, joins, leaves)
	// The cascades are seeded: the full run exercises every format, private
	// chats and joins, and enough hops to measure.
	if !testing.Short() && (len(formats) < 5 || direct == 0 || joins == 0 || leaves == 0 || totals[pcChanged].shown < 20) {
		t.Errorf("the cascades exercised too little: %v, %d private, %d joins, %d leaves, %d changed copies' hops", formats, direct, joins, leaves, totals[pcChanged].shown)
	}
	if s := totals[pcChanged]; s.shown > 0 && (s.precision() < 0.95 || s.recall() < 0.95) {
		t.Errorf("re-compressed and re-photographed copies: precision %.3f recall %.3f, want both ≥ 0.95", s.precision(), s.recall())
	}
}

// pcRun takes a cascade's exports through the API as an investigator
// would and scores the proposals.
func pcRun(t *testing.T, c *testgql.Client, cc *pcCascade) pcScore {
	incidentID, _ := openCase(t, c, fmt.Sprintf("级联%d", cc.seed))
	formats := map[string]int{}
	for _, e := range cc.exporters {
		for _, x := range cc.exports(t, e) {
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range x.media {
					if !yield(n) {
						return
					}
				}
			})
			for _, n := range names {
				chainflow.Upload(t, c, incidentID, n, cc.names[e], x.media[n])
			}
			im := chainflow.Read(t, c, chainflow.Upload(t, c, incidentID, x.name, cc.names[e], x.data), x.zone)
			if im.State != "DONE" || len(im.Problems) > 0 || im.Messages == 0 {
				t.Fatalf("%s of %s: %+v\n%s", x.name, cc.names[e], im, x.data)
			}
			formats[im.Format]++
		}
	}
	pcIdentify(t, c, incidentID, cc)
	if cc.mark != "" {
		c.Must(t, `mutation($id: ID!, $t: String!) { markLeak(incidentId: $id, input: {text: $t}) { id } }`,
			map[string]any{"id": incidentID, "t": cc.mark}, nil)
	} else {
		leakID := chainflow.Upload(t, c, incidentID, "原件.jpg", "举报人", cc.leak)
		var out struct{ MarkLeak struct{ ImageHashed bool } }
		c.Must(t, `mutation($id: ID!, $e: ID!) { markLeak(incidentId: $id, input: {evidenceId: $e}) { imageHashed } }`,
			map[string]any{"id": incidentID, "e": leakID}, &out)
		if !out.MarkLeak.ImageHashed {
			t.Fatal("the leaked picture was not hashed")
		}
	}
	type node struct {
		Key         string
		MemberCount *int
	}
	var rec struct {
		ReconstructChain struct {
			Proposals []struct{ From, To, By node }
		}
	}
	c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { proposals { from { key memberCount } to { key memberCount } by { key } } } }`,
		map[string]any{"id": incidentID}, &rec)
	// A group's members are those its exports show: who wrote, joined or
	// added someone, and whoever the export was collected from.
	members := map[string]int{}
	for ci, ch := range cc.chats {
		if ch.direct {
			continue
		}
		seen := map[int]bool{}
		for _, m := range cc.msgs {
			if m.chat != ci || !cc.visible(m) {
				continue
			}
			if m.joiner >= 0 {
				seen[m.joiner] = true
			}
			// QQ's notice of a join does not say who added them.
			if m.joiner < 0 || ch.platform != pcQQ {
				seen[m.by] = true
			}
			for _, e := range cc.exporters {
				if ch.member(e, m.at) {
					seen[e] = true
				}
			}
		}
		members[strings.ToLower(ch.platform)+"-group:"+ch.name] = len(seen)
	}
	for _, p := range rec.ReconstructChain.Proposals {
		for _, n := range []node{p.From, p.To} {
			if want, ok := members[n.Key]; ok && (n.MemberCount == nil || *n.MemberCount != want) {
				t.Errorf("%s: %d members, want %d", n.Key, *cmp.Or(n.MemberCount, new(int)), want)
			}
		}
	}

	byTo := map[string]pcHop{}
	s := pcScore{formats: formats}
	for _, m := range cc.msgs {
		if m.joiner >= 0 && cc.visible(m) {
			s.joins++
		}
		if m.leaves && cc.visible(m) {
			s.leaves++
		}
	}
	var want []string
	for _, h := range cc.hops {
		byTo[h.to] = h
		if cc.showable(h) {
			s.shown++
			if cc.chats[h.chat].direct {
				s.direct++
			}
			want = append(want, h.from+" → "+h.to+" by "+h.by)
		}
	}
	var got []string
	for _, p := range rec.ReconstructChain.Proposals {
		h, ok := byTo[p.To.Key]
		if ok && !cc.showable(h) {
			continue
		}
		s.proposed++
		line := p.From.Key + " → " + p.To.Key + " by " + p.By.Key
		got = append(got, line)
		if ok && line == h.from+" → "+h.to+" by "+h.by {
			s.correct++
		}
	}
	if s.correct != s.shown || s.correct != s.proposed {
		slices.Sort(got)
		slices.Sort(want)
		t.Logf("proposed:\n%s\nshown hops:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	return s
}

// pcIdentify names the handles as an investigator would: a sender by the
// person behind an id the format gives (a QQ number, a wxid, a Telegram
// user) or a nickname, a WeChat room by its group's name.
func pcIdentify(t *testing.T, c *testgql.Client, incidentID string, cc *pcCascade) {
	t.Helper()
	var got struct {
		Incident struct {
			ChatSenders []struct {
				ID, Name string
				Handles  []string
			}
			Chats []struct{ ID, Name string }
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { chatSenders { id name handles } chats { id name } } }`,
		map[string]any{"id": incidentID}, &got)
	who := map[string]string{}
	for p, name := range cc.names {
		for _, h := range []string{pcQQNumber(p), pcWxid(p), "user" + pcTelegramID(p), pcNick(name)} {
			who[h] = name
		}
	}
	for _, s := range got.Incident.ChatSenders {
		for _, h := range s.Handles {
			if name, ok := who[h]; ok && name != s.Name {
				c.Must(t, `mutation($id: ID!, $n: String!) { identifyChatSender(id: $id, name: $n) { id } }`,
					map[string]any{"id": s.ID, "n": name}, nil)
				break
			}
		}
	}
	for _, ch := range got.Incident.Chats {
		for _, g := range cc.chats {
			if !g.direct && g.platform == pcWeChat && ch.Name == fmt.Sprintf("%d@chatroom", g.id) {
				c.Must(t, `mutation($id: ID!, $n: String!) { identifyChat(id: $id, name: $n) { id } }`,
					map[string]any{"id": ch.ID, "n": g.name}, nil)
			}
		}
	}
}

// The pictures and what the apps do to them, the minimum of
// reconstruct/image_property_test.go: a drawn picture, JPEG at a quality,
// re-compressed and rescaled, or photographed off a screen.

const pcSize = 256

func pcPicture(seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 23))
	img := image.NewRGBA(image.Rect(0, 0, pcSize, pcSize))
	rc := func() color.RGBA {
		return color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	}
	draw.Draw(img, img.Bounds(), image.NewUniform(rc()), image.Point{}, draw.Src)
	for range 3 + rng.IntN(4) {
		x, y := rng.IntN(pcSize), rng.IntN(pcSize)
		draw.Draw(img, image.Rect(x, y, x+16+rng.IntN(pcSize/2), y+16+rng.IntN(pcSize/2)), image.NewUniform(rc()), image.Point{}, draw.Src)
	}
	ink := image.NewUniform(color.RGBA{20, 20, 20, 255})
	bx, by := rng.IntN(pcSize/2), rng.IntN(pcSize/2)
	for line := range 4 + rng.IntN(5) {
		for x, y := bx, by+line*12; x < pcSize-8 && rng.IntN(10) > 0; {
			w := 5 + rng.IntN(24)
			draw.Draw(img, image.Rect(x, y, x+w, y+8), ink, image.Point{}, draw.Src)
			x += w + 4
		}
	}
	return img
}

func pcJPEG(t *testing.T, img image.Image, quality int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pcTransform(t *testing.T, rng *rand.Rand, img *image.RGBA, how string) []byte {
	if how == "recompressed" {
		// Quality 30–90, rescaled 50–200 %.
		side := uint(pcSize * (50 + rng.IntN(151)) / 100)
		return pcJPEG(t, resize.Resize(side, side, img, resize.Bilinear), 30+rng.IntN(61))
	}
	return pcJPEG(t, pcRephotograph(rng, img), 70+rng.IntN(21))
}

// pcRephotograph: turned by up to 3°, a slight keystone, moiré, sensor
// noise and the camera's gamma.
func pcRephotograph(rng *rand.Rand, img *image.RGBA) *image.RGBA {
	angle := (rng.Float64()*6 - 3) * math.Pi / 180
	keystone := (rng.Float64()*2 - 1) * 0.03
	gamma := 0.8 + rng.Float64()*0.4
	fx, fy := 0.6+rng.Float64()*0.8, 0.6+rng.Float64()*0.8
	moire := 4 + rng.Float64()*6
	sin, cos := math.Sincos(angle)
	c := float64(pcSize-1) / 2
	out := image.NewRGBA(img.Bounds())
	at := func(x, y, ch int) float64 {
		x, y = max(0, min(pcSize-1, x)), max(0, min(pcSize-1, y))
		return float64(img.Pix[y*img.Stride+x*4+ch])
	}
	for y := range pcSize {
		for x := range pcSize {
			dx, dy := float64(x)-c, float64(y)-c
			dx *= 1 + keystone*dy/c
			sx, sy := c+dx*cos-dy*sin, c+dx*sin+dy*cos
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			ax, ay := sx-float64(x0), sy-float64(y0)
			wave := moire * math.Sin(float64(x)*fx) * math.Sin(float64(y)*fy)
			for ch := range 3 {
				v := (at(x0, y0, ch)*(1-ax)+at(x0+1, y0, ch)*ax)*(1-ay) + (at(x0, y0+1, ch)*(1-ax)+at(x0+1, y0+1, ch)*ax)*ay
				v = 255*math.Pow(v/255, gamma) + wave + rng.NormFloat64()*3
				out.Pix[y*out.Stride+x*4+ch] = uint8(max(0, min(255, math.Round(v))))
			}
			out.Pix[y*out.Stride+x*4+3] = 255
		}
	}
	return out
}

// TestChatExportHolderIsAMemberOfItsGroups: whoever an export was collected
// from was in every group it holds, though they never wrote there. 钱 only
// reads a QQ group where the document is posted, then posts it into a
// WeChat group; his two exports alone show where he got it.
func TestChatExportHolderIsAMemberOfItsGroups(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	cc := &pcCascade{seed: 99, variant: pcText, names: []string{"赵一某", "钱一某", "孙一某"},
		zones: []string{"Asia/Shanghai", "Asia/Taipei", "Asia/Shanghai"}, exporters: []int{1},
		mark: "某办发〔2025〕9号 关于加强涉密载体管理的通知"}
	cc.chats = []*pcChat{
		{platform: pcQQ, name: "同学群", id: 1, members: []int{0, 1}, joined: map[int]time.Time{0: {}, 1: {}}},
		{platform: pcWeChat, name: "工作群", id: 2, members: []int{1, 2}, joined: map[int]time.Time{1: {}, 2: {}}},
	}
	at := time.Date(2025, 3, 20, 1, 0, 0, 0, time.UTC)
	for i, m := range []struct {
		chat, by int
		text     string
	}{{0, 0, "大家好"}, {0, 0, cc.mark}, {1, 2, "收到"}, {1, 1, "转：" + cc.mark}} {
		cc.msgs = append(cc.msgs, &pcMsg{n: i, chat: m.chat, by: m.by, at: at.Add(time.Duration(i+1) * time.Minute), text: m.text,
			leak: strings.Contains(m.text, cc.mark), joiner: -1, fwd: -1})
	}
	cc.hops = []pcHop{
		{from: "p:赵一某", to: "qq-group:同学群", by: "p:赵一某", chat: 0, post: 1, source: -1},
		{from: "qq-group:同学群", to: "wechat-group:工作群", by: "p:钱一某", chat: 1, post: 3, source: 1},
	}
	if s := pcRun(t, c, cc); s.shown != 2 || s.correct != 2 || s.proposed != 2 {
		t.Fatalf("%d of %d shown hops proposed right, %d proposed", s.correct, s.shown, s.proposed)
	}
}

// TestChatExportPrivateChatFindsItsPersonByHandle: a Telegram private chat
// is named by the other person's display name and numbered by their user
// id, while their messages come from user…; once the investigator names
// that sender, the chat is a private chat with them, and the hop into it
// a hop to them.
func TestChatExportPrivateChatFindsItsPersonByHandle(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	cc := &pcCascade{seed: 98, variant: pcText, names: []string{"赵一某", "钱一某", "孙一某"},
		zones: []string{"Asia/Shanghai", "Europe/Berlin", "Asia/Shanghai"}, exporters: []int{0, 2},
		mark: "某办发〔2025〕8号 关于加强涉密载体管理的通知", nicked: map[string]bool{"1|" + pcTelegram: true}}
	cc.chats = []*pcChat{
		{platform: pcTelegram, direct: true, members: []int{0, 1}, joined: map[int]time.Time{0: {}, 1: {}}},
		{platform: pcWeChat, name: "工作群", id: 3, members: []int{1, 2}, joined: map[int]time.Time{1: {}, 2: {}}},
	}
	at := time.Date(2025, 3, 20, 1, 0, 0, 0, time.UTC)
	for i, m := range []struct {
		chat, by int
		text     string
	}{{0, 0, cc.mark}, {0, 1, "收到"}, {1, 2, "大家好"}, {1, 1, "看看这个 " + cc.mark}} {
		cc.msgs = append(cc.msgs, &pcMsg{n: i, chat: m.chat, by: m.by, at: at.Add(time.Duration(i+1) * time.Minute), text: m.text,
			leak: strings.Contains(m.text, cc.mark), joiner: -1, fwd: -1})
	}
	cc.hops = []pcHop{
		{from: "p:赵一某", to: "p:钱一某", by: "p:赵一某", chat: 0, post: 0, source: -1},
		{from: "p:钱一某", to: "wechat-group:工作群", by: "p:钱一某", chat: 1, post: 3, source: 0},
	}
	if s := pcRun(t, c, cc); s.shown != 2 || s.correct != 2 || s.proposed != 2 {
		t.Fatalf("%d of %d shown hops proposed right, %d proposed", s.correct, s.shown, s.proposed)
	}
}

// TestChatExportJoinThenLeaveIsOneStay: 孙 joins a WhatsApp group after the
// document was posted there and leaves again; he gets it later in a QQ
// group. His stay in the first is from his join to his leave, so what was
// posted before he came is not where he got it.
func TestChatExportJoinThenLeaveIsOneStay(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	cc := &pcCascade{seed: 97, variant: pcText, names: []string{"赵一某", "钱一某", "孙一某", "李一某", "周一某"},
		zones: []string{"Europe/Berlin", "Europe/Berlin", "Asia/Shanghai", "Asia/Shanghai", "Asia/Taipei"}, exporters: []int{1, 3, 4},
		mark: "某办发〔2025〕7号 关于加强涉密载体管理的通知"}
	at := time.Date(2025, 3, 20, 1, 0, 0, 0, time.UTC)
	minute := func(n int) time.Time { return at.Add(time.Duration(n) * time.Minute) }
	cc.chats = []*pcChat{
		{platform: pcWhatsApp, name: "同乡群", members: []int{0, 1, 3, 2}, joined: map[int]time.Time{0: {}, 1: {}, 3: {}, 2: minute(3)},
			left: map[int]time.Time{2: minute(5)}},
		{platform: pcQQ, name: "工作群", members: []int{2, 3}, joined: map[int]time.Time{2: {}, 3: {}}},
		{platform: pcLINE, name: "家族群", members: []int{2, 4}, joined: map[int]time.Time{2: {}, 4: {}}},
	}
	for i, m := range []struct {
		chat, by int
		text     string
		joiner   int
		leaves   bool
	}{{0, 1, "大家好", -1, false}, {0, 0, cc.mark, -1, false}, {0, 1, "", 2, false}, {0, 2, "大家好", -1, false},
		{0, 2, "", -1, true}, {1, 2, "收到", -1, false}, {2, 4, "好的", -1, false}, {1, 3, "转：" + cc.mark, -1, false},
		{2, 2, cc.mark + "，别外传", -1, false}} {
		cc.msgs = append(cc.msgs, &pcMsg{n: i, chat: m.chat, by: m.by, at: minute(i + 1), text: m.text,
			leak: strings.Contains(m.text, cc.mark), joiner: m.joiner, leaves: m.leaves, fwd: -1})
	}
	cc.hops = []pcHop{
		{from: "p:赵一某", to: "whatsapp-group:同乡群", by: "p:赵一某", chat: 0, post: 1, source: -1},
		{from: "whatsapp-group:同乡群", to: "qq-group:工作群", by: "p:李一某", chat: 1, post: 7, source: 1},
		{from: "qq-group:工作群", to: "line-group:家族群", by: "p:孙一某", chat: 2, post: 8, source: 7},
	}
	if s := pcRun(t, c, cc); s.shown != 3 || s.correct != 3 || s.proposed != 3 {
		t.Fatalf("%d of %d shown hops proposed right, %d proposed", s.correct, s.shown, s.proposed)
	}
}
