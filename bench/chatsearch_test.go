package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/chatlog"
	"github.com/leaktrail/leaktrail/evidence"
	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// The scale row for chat search: one case holding 1,000,000 chat
// messages read from eight exports (several platforms), in 300 chats of
// very different sizes, from 5,000 senders, over a year; a few hundred of
// them quote the leaked item. 16 clients send the investigators' searches
// (ui/web/src/features/chatlog/MessagesPanel.tsx) to the real binary.
const (
	chatMessages = 1_000_000
	chatImports  = 8
	chatChats    = 300
	chatSenders  = 5000
	chatLeaked   = 400 // messages that quote the leaked item
)

// chatSearchQuery is the messages panel's query as urql sends it: the page
// with every field of a message the panel shows, __typename everywhere.
const chatSearchQuery = `query Messages($id: ID!, $filter: MessageFilter, $first: Int, $after: String) {
  incident(id: $id) { id messages(filter: $filter, first: $first, after: $after) { total next messages { ...ChatMessageFields __typename } __typename } __typename } }
fragment ChatMessageFields on ChatMessage {
  id at kind text forwardedFrom quote members
  chat { id name platform direct __typename }
  sender { id name handles __typename }
  media { name md5 omitted evidence { id fileName __typename } __typename }
  items { sender at text __typename }
  sources { line offset raw evidence { id fileName __typename } __typename }
  forwards { id key at from { name __typename } to { name __typename } __typename }
  __typename
}`

// Phrases of everyday work chat, and the leaked notice's.
var (
	chatPhrases = []string{"收到", "好的", "明天上午九点开会，请准时参加", "材料已经发到群里了", "请大家注意保密纪律",
		"周五前把总结报上来", "今天下午的会议改到三点", "谢谢领导", "辛苦了", "我在路上，马上到", "这个事情再研究一下",
		"请各部门负责人确认一下名单", "报销单据交给财务", "系统维护期间暂停使用", "下周一例会照常", "车辆已安排好",
		"培训通知见附件", "请把意见汇总给我", "会议室预定了二楼", "中午一起吃饭吗", "数据核对完了，没有问题",
		"客户那边回复了", "这份报告需要修改", "下班前发给我", "值班表更新了", "安全检查明天开始", "大家注意天气变化",
		"项目进度汇报", "已转达", "合同盖章流程走完了", "请尽快回复", "档案室钥匙在我这", "上级检查组下午到"}
	chatLeakPhrases = []string{"关于调整会议安排的通知〔2021〕3号", "转发：关于调整会议安排的通知，内部资料请勿外传",
		"〔2021〕3号文件照片发你了", "关于调整会议安排的通知（密）第二页"}
	chatPlatforms = []string{"WECHAT", "WECHAT", "WECHAT", "QQ", "QQ", "TELEGRAM", "WECOM", "WECHAT"}
)

// chatFixture is the case with its messages, served by the binary.
type chatFixture struct {
	*fixture
	served *servedBinary
	client *testgql.Client
	pprof  string
	chats  []uuid.UUID
	sender uuid.UUID // one of the busiest senders
	start  time.Time // of the year of messages
}

func newChatFixture(b *testing.B) *chatFixture {
	b.Helper()
	f := newFixture(b)
	f.incident = f.openIncident(b)
	cf := &chatFixture{fixture: f, start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	started := time.Now()
	cf.load(b)
	b.Logf("dataset: %d messages in %v", chatMessages, time.Since(started).Round(time.Millisecond))
	var env []string
	if profileDir != "" {
		cf.pprof = freeAddr(b)
		env = append(env, "LEAKTRAIL_PPROF_LISTEN="+cf.pprof)
	}
	cf.served = &servedBinary{serveBinaryWith(b, f, env...)}
	cf.client = &testgql.Client{URL: cf.served.URL, HTTP: keepAlive}
	cf.client.Login(b, "bench", "benchmark password")
	return cf
}

// load writes the exports, chats, senders, messages and their sources with
// COPY. The table's secondary indexes are dropped for the load and built
// again after it, which is how a bulk load is fastest; the index
// definitions are read from the database, so they are the migrations'.
func (cf *chatFixture) load(b *testing.B) {
	db := cf.main.DB
	actor, _ := auth.UserFrom(cf.ctx)
	inc := cf.incident.ID
	r := rand.New(rand.NewPCG(2026, 19))
	tx, err := db.Beginx()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	exec := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			b.Fatalf("%v: %.200s", err, q)
		}
	}
	exec(`SET LOCAL maintenance_work_mem = '512MB'`)
	var names, indexes []string
	rows, err := tx.Query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
		AND tablename IN ('chat_messages', 'chat_message_sources')
		AND indexname NOT IN (SELECT conname FROM pg_constraint)`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			b.Fatal(err)
		}
		names, indexes = append(names, name), append(indexes, def)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	for _, name := range names {
		exec(`DROP INDEX ` + pq.QuoteIdentifier(name))
	}

	imports := make([]uuid.UUID, chatImports)
	evidence := make([]uuid.UUID, chatImports)
	for i := range chatImports {
		imports[i], evidence[i] = uuid.New(), uuid.New()
		name := fmt.Sprintf("聊天记录导出_%d.csv", i+1)
		exec(`INSERT INTO evidence_uploads (id, incident_id, object_key, state, hash_state, details, created_by)
			VALUES ($1, $2, $3, 'COMMITTED', '\x00', '{}', $4)`, evidence[i], inc, "bench/"+evidence[i].String(), actor.ID)
		exec(`INSERT INTO evidence (id, incident_id, upload_id, object_key, sha256, size, content_type, file_name, uploaded_by)
			VALUES ($1, $2, $1, $3, $4, 104857600, 'text/csv', $5, $6)`, evidence[i], inc, "bench/"+evidence[i].String(),
			fmt.Sprintf("%x", sha256.Sum256(evidence[i][:])), name, actor.ID)
		exec(`INSERT INTO chat_imports (id, incident_id, evidence_id, format, time_zone, platform, state, messages, requested_by, finished_at)
			VALUES ($1, $2, $3, 'GENERIC_CSV', 'Asia/Shanghai', $4, 'DONE', $5, $6, now())`,
			imports[i], inc, evidence[i], chatPlatforms[i], chatMessages/chatImports, actor.ID)
	}
	// Chat c is in export c % 8; the first chats are big groups, the last
	// hundred private chats of two.
	cf.chats = make([]uuid.UUID, chatChats)
	members := make([]int, chatChats)
	for c := range chatChats {
		cf.chats[c] = uuid.New()
		direct := c >= chatChats-100
		members[c] = 2
		name := fmt.Sprintf("私聊%d", c)
		if !direct {
			members[c] = 5 + 495/(1+c/8)
			name = fmt.Sprintf("工作群%03d", c)
		}
		exec(`INSERT INTO chat_chats (id, incident_id, platform, key, name, direct) VALUES ($1, $2, $3, $4, $5, $6)`,
			cf.chats[c], inc, chatPlatforms[c%chatImports], fmt.Sprint("chat", c), name, direct)
	}
	senders := make([]uuid.UUID, chatSenders)
	copyRows(b, tx, "chat_senders", []string{"id", "incident_id", "platform", "key", "name", "handles"}, chatSenders, func(i int) []any {
		senders[i] = uuid.New()
		return []any{senders[i], inc, chatPlatforms[i%chatImports], fmt.Sprintf("wxid_%06d", i), fmt.Sprintf("用户%04d", i),
			pq.StringArray{fmt.Sprintf("wxid_%06d", i)}}
	})

	step := 365 * 24 * time.Hour / chatMessages
	leaked := map[int]bool{}
	for len(leaked) < chatLeaked {
		leaked[r.IntN(chatMessages)] = true
	}
	msgs := make([]chatMsg, chatMessages)
	busiest := map[uuid.UUID]int{}
	for i := range msgs {
		u := r.Float64()
		c := int(float64(chatChats) * u * u) // a few big groups hold most messages
		m := chatMsg{id: uuid.New(), chat: c, sender: senders[(c*37+int(float64(members[c])*r.Float64()*r.Float64()))%chatSenders],
			at: cf.start.Add(time.Duration(i)*step + time.Duration(r.IntN(int(step)))), kind: "TEXT", details: "{}", twice: r.IntN(20) == 0}
		switch k := r.IntN(100); {
		case leaked[i]:
			m.text = chatLeakPhrases[r.IntN(len(chatLeakPhrases))]
		case k < 5:
			m.kind = "IMAGE"
			m.details = fmt.Sprintf(`{"media":[{"name":"IMG_%07d.jpg","md5":"%032x"}]}`, i, i)
		case k < 7:
			m.kind = "FILE"
			m.details = fmt.Sprintf(`{"media":[{"name":"附件%d.docx","size":%d}]}`, i, 10000+i)
		default:
			m.text = chatPhrases[r.IntN(len(chatPhrases))]
			if k < 40 {
				m.text += "，" + chatPhrases[r.IntN(len(chatPhrases))]
			}
			if k < 15 {
				m.text += fmt.Sprintf("（第%d项）", r.IntN(500))
			}
		}
		if c == 0 {
			busiest[m.sender]++
		}
		msgs[i] = m
	}
	cf.sender = senders[0]
	for s, k := range busiest {
		if k > busiest[cf.sender] {
			cf.sender = s
		}
	}
	copyRows(b, tx, "chat_messages", []string{"id", "incident_id", "chat_id", "sender_id", "at", "kind", "text", "norm", "details", "digest"},
		len(msgs), func(i int) []any {
			m := &msgs[i]
			digest := sha256.Sum256(m.id[:])
			return []any{m.id, inc, cf.chats[m.chat], m.sender, m.at, m.kind, m.text, fingerprint.Normalize(m.text), m.details,
				hex.EncodeToString(digest[:])}
		})
	// Each message cites its line of its chat's export; one in twenty also
	// a line of a second member's export of the same chat.
	type source struct {
		msg, export int
	}
	var sources []source
	for i, m := range msgs {
		sources = append(sources, source{i, m.chat % chatImports})
		if m.twice {
			sources = append(sources, source{i, (m.chat + 1) % chatImports})
		}
	}
	lines, offsets := make([]int, chatImports), make([]int64, chatImports)
	copyRows(b, tx, "chat_message_sources", []string{"message_id", "import_id", "evidence_id", "line", "byte_offset", "raw"},
		len(sources), func(i int) []any {
			s := sources[i]
			m := &msgs[s.msg]
			raw := fmt.Sprintf("%s,%s,%s,%s", m.at.Format(time.DateTime), cf.chats[m.chat], m.sender, m.text)
			lines[s.export]++
			offsets[s.export] += int64(len(raw)) + 2
			return []any{m.id, imports[s.export], evidence[s.export], lines[s.export] + 1, offsets[s.export], raw}
		})
	for _, def := range indexes {
		exec(def)
	}
	if err := (chatlog.Store{}).Recount(cf.ctx, tx, inc); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// As autovacuum and the checkpointer would leave it some minutes after
	// the reads: without these, the first searches set hint bits and write
	// out the load's dirty pages, and the figures measure that.
	for _, q := range []string{`VACUUM ANALYZE`, `CHECKPOINT`} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
}

type chatMsg struct {
	id, sender uuid.UUID
	chat       int
	at         time.Time
	kind, text string
	details    string
	twice      bool
}

// copyRows writes n rows of table with COPY in tx, row i's values from row(i).
func copyRows(b *testing.B, tx *sqlx.Tx, table string, columns []string, n int, row func(i int) []any) {
	b.Helper()
	stmt, err := tx.Prepare(pq.CopyIn(table, columns...))
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := stmt.Exec(row(i)...); err != nil {
			b.Fatalf("%s: %v", table, err)
		}
	}
	if _, err := stmt.Exec(); err != nil {
		b.Fatalf("%s: %v", table, err)
	}
	if err := stmt.Close(); err != nil {
		b.Fatal(err)
	}
}

// chatSearch is one search of the mix: a filter and how many pages in.
type chatSearch struct {
	name   string
	filter map[string]any
	page   int // 0 is the first page
}

// searches are what investigators ask the messages panel: a phrase of the
// leaked notice, an everyday word, a chat, a sender, a week, all three
// together; first pages and the pages after them.
func (cf *chatFixture) searches() []chatSearch {
	day := func(d int) string { return cf.start.AddDate(0, 0, d).Format(time.RFC3339) }
	return []chatSearch{
		{"leaked phrase", map[string]any{"text": "调整会议安排"}, 0},
		{"leaked phrase, page 2", map[string]any{"text": "调整会议安排"}, 1},
		{"document number", map[string]any{"text": "〔2021〕3号"}, 0},
		{"everyday word", map[string]any{"text": "保密纪律"}, 0},
		{"everyday word, page 3", map[string]any{"text": "保密纪律"}, 2},
		{"biggest chat", map[string]any{"chatIds": []string{cf.chats[0].String()}}, 0},
		{"biggest chat, page 3", map[string]any{"chatIds": []string{cf.chats[0].String()}}, 2},
		{"small chat", map[string]any{"chatIds": []string{cf.chats[150].String()}}, 0},
		{"sender", map[string]any{"senderIds": []string{cf.sender.String()}}, 0},
		{"sender, page 2", map[string]any{"senderIds": []string{cf.sender.String()}}, 1},
		{"one week", map[string]any{"from": day(200), "to": day(207)}, 0},
		{"one week, page 2", map[string]any{"from": day(200), "to": day(207)}, 1},
		{"word, chat and month", map[string]any{"text": "会议", "chatIds": []string{cf.chats[3].String()}, "from": day(90), "to": day(120)}, 0},
		{"leaked phrase in a quarter", map[string]any{"text": "关于调整会议安排", "from": day(180), "to": day(270)}, 0},
	}
}

// chatBodies are the request bodies of the searches, the cursors of later
// pages read by asking the pages before them.
func (cf *chatFixture) chatBodies(b *testing.B) [][]byte {
	var bodies [][]byte
	for _, s := range cf.searches() {
		var after *string
		for p := 0; ; p++ {
			vars := map[string]any{"id": cf.incident.ID, "filter": s.filter, "first": 50, "after": after}
			body, _ := json.Marshal(map[string]any{"query": chatSearchQuery, "variables": vars})
			if p == s.page {
				bodies = append(bodies, body)
				break
			}
			var out struct {
				Incident struct {
					Messages struct {
						Total int
						Next  *string
					}
				}
			}
			cf.client.Must(b, chatSearchQuery, vars, &out)
			if out.Incident.Messages.Next == nil {
				b.Fatalf("%s: %d matches, no page %d", s.name, out.Incident.Messages.Total, s.page+1)
			}
			after = out.Incident.Messages.Next
		}
	}
	return bodies
}

// BenchmarkChatSearch is the messages panel's search in a case of 1,000,000
// messages at 16 concurrent clients, against the real binary (leaktrail),
// each client cycling through the searches; and the same statements run
// directly by a minimal handler (floor).
func BenchmarkChatSearch(b *testing.B) {
	cf := newChatFixture(b)
	bodies := cf.chatBodies(b)
	var next atomic.Int64
	body := func() []byte { return bodies[int(next.Add(1)-1)%len(bodies)] }

	b.Run("leaktrail", func(b *testing.B) {
		send := func() error {
			req, _ := http.NewRequest(http.MethodPost, cf.served.URL+"/graphql", bytes.NewReader(body()))
			req.Header.Set("Content-Type", "application/json")
			return fetch(req, cf.client.Token)
		}
		statements := countStatements(b, cf.main.DB, len(bodies), send)
		note("chatSearch.statements", statements)
		logEach(b, cf.searches(), send)
		stop := profile(b, cf.pprof, "chatsearch")
		rps, p50, p99 := load(b, send, func() {})
		stop()
		b.ReportMetric(statements, "SQL/request") // after the loop, which clears what came before
		note("chatSearch.rps", rps)
		note("chatSearch.p50.ms", p50)
		note("chatSearch.p99.ms", p99)
	})

	b.Run("floor", func(b *testing.B) {
		floor := httptest.NewServer(chatFloor(cf.main.DB))
		defer floor.Close()
		send := func() error {
			req, _ := http.NewRequest(http.MethodPost, floor.URL, bytes.NewReader(body()))
			return fetch(req, cf.client.Token)
		}
		statements := countStatements(b, cf.main.DB, len(bodies), send)
		note("chatSearchFloor.statements", statements)
		logEach(b, cf.searches(), send)
		rps, p50, p99 := load(b, send, func() {})
		b.ReportMetric(statements, "SQL/request")
		note("chatSearchFloor.rps", rps)
		note("chatSearchFloor.p50.ms", p50)
		note("chatSearchFloor.p99.ms", p99)
	})
}

// logEach logs how long each search takes alone (send asks them in turn),
// which names the slow one when the load's p99 is high.
func logEach(b *testing.B, searches []chatSearch, send func() error) {
	for _, s := range searches {
		start := time.Now()
		if err := send(); err != nil {
			b.Fatal(err)
		}
		b.Logf("%-28s %v", s.name, time.Since(start).Round(10*time.Microsecond))
	}
}

// chatFloor is the least a server can do for a search: check the session
// and the caller's access to the case in one statement, count and read the
// page with the statements chatlog's store runs, read the page's chats,
// senders, sources, their evidence items and citing forwards with the
// stores' own statements, and write the same JSON. It takes the same
// request body as the GraphQL endpoint and reads only its variables.
func chatFloor(db *sqlx.DB) http.Handler {
	type media struct {
		Name     string     `json:"name"`
		MD5      string     `json:"md5"`
		Omitted  bool       `json:"omitted"`
		Evidence *floorFile `json:"evidence"`
	}
	type source struct {
		Line     int       `json:"line"`
		Offset   int64     `json:"offset"`
		Raw      string    `json:"raw"`
		Evidence floorFile `json:"evidence"`
	}
	type message struct {
		ID            uuid.UUID    `json:"id"`
		At            time.Time    `json:"at"`
		Kind          string       `json:"kind"`
		Text          string       `json:"text"`
		ForwardedFrom *string      `json:"forwardedFrom"`
		Quote         *string      `json:"quote"`
		Members       []string     `json:"members"`
		Chat          *floorChat   `json:"chat"`
		Sender        *floorSender `json:"sender"`
		Media         []media      `json:"media"`
		Items         []any        `json:"items"`
		Sources       []source     `json:"sources"`
		Forwards      []any        `json:"forwards"`
	}
	var store chatlog.Store
	var files evidence.Store
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var req struct {
			Variables struct {
				ID     uuid.UUID
				Filter struct {
					Text               string
					ChatIDs, SenderIDs []uuid.UUID
					From, To           *time.Time
				}
				First int
				After *string
			}
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		v, f := req.Variables, req.Variables.Filter
		hash := sha256.Sum256([]byte(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))
		var allowed bool
		if err := db.GetContext(ctx, &allowed, `SELECT EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
			JOIN incident_members m ON m.user_id = u.id AND m.incident_id = $2
			WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled)`, hash[:], v.ID); err != nil || !allowed {
			http.Error(w, fmt.Sprint("forbidden ", err), http.StatusForbidden)
			return
		}
		where, args := chatFloorWhere(v.ID, f.Text, f.ChatIDs, f.SenderIDs, f.From, f.To)
		var total int
		err := db.GetContext(ctx, &total, `SELECT count(*) FROM (SELECT 1 FROM chat_messages m WHERE `+where+
			` LIMIT `+fmt.Sprint("$", len(args)+1)+`) x`, append(args, 10000)...)
		if err == nil && v.After != nil {
			var c struct {
				At time.Time
				ID uuid.UUID
			}
			raw, _ := base64.RawURLEncoding.DecodeString(*v.After)
			json.Unmarshal(raw, &c) //nolint:errcheck // the benchmark's own cursors
			where += fmt.Sprintf(` AND (m.at, m.id) > ($%d, $%d)`, len(args)+1, len(args)+2)
			args = append(args, c.At, c.ID)
		}
		var page []*chatlog.Message
		if err == nil {
			page, err = chatFloorMessages(ctx, db, `WHERE `+where+fmt.Sprintf(` ORDER BY m.at, m.id LIMIT $%d`, len(args)+1), append(args, v.First+1)...)
		}
		var next *string
		if len(page) > v.First {
			page = page[:v.First]
			last := page[len(page)-1]
			c, _ := json.Marshal(struct {
				At time.Time
				ID uuid.UUID
			}{last.At, last.ID})
			s := base64.RawURLEncoding.EncodeToString(c)
			next = &s
		}
		ids, chatIDs, senderIDs := make([]uuid.UUID, len(page)), []uuid.UUID{}, []uuid.UUID{}
		for i, m := range page {
			ids[i] = m.ID
			chatIDs = append(chatIDs, m.ChatID)
			if m.SenderID != nil {
				senderIDs = append(senderIDs, *m.SenderID)
			}
		}
		var chats []*chatlog.Chat
		var senders []*chatlog.Sender
		var sources []chatlog.Source
		var items []*evidence.Evidence
		if err == nil {
			chats, err = store.Chats(ctx, db, uuid.Nil, chatIDs)
		}
		if err == nil {
			senders, err = store.Senders(ctx, db, uuid.Nil, senderIDs)
		}
		if err == nil {
			sources, err = store.Sources(ctx, db, ids)
		}
		if err == nil {
			_, err = store.Citing(ctx, db, ids)
		}
		fileIDs := []uuid.UUID{}
		for _, s := range sources {
			fileIDs = append(fileIDs, s.EvidenceID)
		}
		if err == nil {
			items, err = files.ByIDs(ctx, db, fileIDs)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		chatOf, senderOf, fileOf := map[uuid.UUID]*floorChat{}, map[uuid.UUID]*floorSender{}, map[uuid.UUID]floorFile{}
		for _, c := range chats {
			chatOf[c.ID] = &floorChat{c.ID, c.Name, string(c.Platform), c.Direct}
		}
		for _, s := range senders {
			senderOf[s.ID] = &floorSender{s.ID, s.Name, s.Handles}
		}
		for _, e := range items {
			fileOf[e.ID] = floorFile{e.ID, e.FileName}
		}
		sourcesOf := map[uuid.UUID][]source{}
		for _, s := range sources {
			sourcesOf[s.MessageID] = append(sourcesOf[s.MessageID], source{s.Line, s.Offset, s.Raw, fileOf[s.EvidenceID]})
		}
		out := make([]message, len(page))
		for i, m := range page {
			out[i] = message{ID: m.ID, At: m.At, Kind: string(m.Kind), Text: m.Text, Members: []string{}, Chat: chatOf[m.ChatID],
				Media: []media{}, Items: []any{}, Sources: sourcesOf[m.ID], Forwards: []any{}}
			if m.SenderID != nil {
				out[i].Sender = senderOf[*m.SenderID]
			}
			for _, md := range m.Details.Media {
				out[i].Media = append(out[i].Media, media{Name: md.Name, MD5: md.MD5, Omitted: md.Omitted})
			}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"incident": map[string]any{"id": v.ID, //nolint:errcheck // the client went away
			"messages": map[string]any{"total": total, "next": next, "messages": out}}}})
	})
}

// floorFile is an evidence item as a message's source or media names it.
type floorFile struct {
	ID       uuid.UUID `json:"id"`
	FileName string    `json:"fileName"`
}

type floorChat struct {
	ID       uuid.UUID `json:"id"`
	Name     string    `json:"name"`
	Platform string    `json:"platform"`
	Direct   bool      `json:"direct"`
}

type floorSender struct {
	ID      uuid.UUID `json:"id"`
	Name    string    `json:"name"`
	Handles []string  `json:"handles"`
}

// chatFloorWhere is chatlog's search condition (Store.Search) for a filter
// without the fuzzy match or an evidence item, and its arguments.
func chatFloorWhere(incidentID uuid.UUID, text string, chats, senders []uuid.UUID, from, to *time.Time) (string, []any) {
	where, args := []string{`m.incident_id = $1`}, []any{incidentID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprint("$", len(args))
	}
	if text != "" {
		where = append(where, `m.text ILIKE `+arg("%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text)+"%"))
	}
	if len(chats) > 0 {
		where = append(where, `m.chat_id = ANY(`+arg(pq.Array(chats))+`)`)
	}
	if len(senders) > 0 {
		where = append(where, `m.sender_id = ANY(`+arg(pq.Array(senders))+`)`)
	}
	if from != nil {
		where = append(where, `m.at >= `+arg(*from))
	}
	if to != nil {
		where = append(where, `m.at <= `+arg(*to))
	}
	return strings.Join(where, ` AND `), args
}

// chatFloorMessages reads messages as chatlog's store does.
func chatFloorMessages(ctx context.Context, db *sqlx.DB, q string, args ...any) ([]*chatlog.Message, error) {
	rows, err := db.QueryContext(ctx, `SELECT m.id, m.incident_id, m.chat_id, m.sender_id, m.at, m.kind, m.text, m.details
		FROM chat_messages m `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*chatlog.Message
	for rows.Next() {
		m := &chatlog.Message{}
		var details []byte
		if err := rows.Scan(&m.ID, &m.IncidentID, &m.ChatID, &m.SenderID, &m.At, &m.Kind, &m.Text, &details); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(details, &m.Details); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
