package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/chainfixture"
	"github.com/leaktrail/leaktrail/internal/chainflow"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// TestChainRebuiltFromExportsOverAPI takes each seed chain's exports (five
// formats in one chain) through the API as an investigator would: upload,
// read, identify the handles, mark the leaked photo, reconstruct, accept;
// the accepted chain is the one the exports show, every hop citing its lines.
func TestChainRebuiltFromExportsOverAPI(t *testing.T) {
	t.Parallel()
	for _, chain := range chainfixture.Chains() {
		t.Run(chain.Name, func(t *testing.T) {
			t.Parallel()
			_, c := start(t)
			chainflow.Rebuild(t, c, chain)
		})
	}
}

func readFixture(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", p))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestChatExportReadKeepsWhatIsGoodAndNamesTheRest: a partly malformed
// export is read (its bad lines listed by line), the same export held by a
// second person is one set of messages with two sources, and the messages
// are found by a Chinese substring, by sender and from a line.
func TestChatExportReadKeepsWhatIsGoodAndNamesTheRest(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	incidentID, _ := openCase(t, c, "群聊记录")
	data := readFixture(t, "chatexport/testdata/qq/group.txt")
	first := chainflow.Read(t, c, chainflow.Upload(t, c, incidentID, "张三的记录.txt", "张三", data), "Asia/Shanghai")
	if first.State != "DONE" || first.Format != "QQ_TXT" || first.Messages == 0 || len(first.Problems) == 0 {
		t.Fatalf("read: %+v", first)
	}
	second := chainflow.Read(t, c, chainflow.Upload(t, c, incidentID, "李四的记录.txt", "李四", data), "Asia/Shanghai")
	if second.State != "DONE" || second.Duplicates != second.Messages || second.Messages != first.Messages {
		t.Fatalf("the same export again: %+v (first %+v)", second, first)
	}

	var got struct {
		Incident struct {
			Messages struct {
				Total    int
				Messages []struct {
					ID, Text string
					Sender   struct{ ID, Name string }
					Sources  []struct {
						Line     int
						Raw      string
						Evidence struct{ ID, FileName string }
					}
				}
			}
		}
	}
	c.Must(t, `query($id: ID!, $f: MessageFilter) { incident(id: $id) { messages(filter: $f, first: 10) { total
		messages { id text sender { id name } sources { line raw evidence { id fileName } } } } } }`,
		map[string]any{"id": incidentID, "f": map[string]any{"text": "材料"}}, &got)
	msgs := got.Incident.Messages.Messages
	if got.Incident.Messages.Total != 1 || len(msgs) != 1 || !strings.Contains(msgs[0].Text, "今天的材料") ||
		len(msgs[0].Sources) != 2 || msgs[0].Sources[0].Line == 0 || !strings.Contains(msgs[0].Sources[0].Raw, "李四") {
		t.Fatalf("search 材料: %+v", got.Incident.Messages)
	}
	c.Must(t, `query($id: ID!, $f: MessageFilter) { incident(id: $id) { messages(filter: $f, first: 10) { total
		messages { id text sender { id name } sources { line raw evidence { id fileName } } } } } }`,
		map[string]any{"id": incidentID, "f": map[string]any{"text": "材料第二行"}}, &got)
	if got.Incident.Messages.Total != 0 {
		t.Errorf("材料第二行 is no substring: %+v", got.Incident.Messages)
	}
	c.Must(t, `query($id: ID!, $f: MessageFilter) { incident(id: $id) { messages(filter: $f, first: 10) { total
		messages { id text sender { id name } sources { line raw evidence { id fileName } } } } } }`,
		map[string]any{"id": incidentID, "f": map[string]any{"text": "材料第二行", "fuzzy": true}}, &got)
	if m := got.Incident.Messages.Messages; len(m) != 1 || m[0].ID != msgs[0].ID {
		t.Errorf("材料第二行, fuzzy: %+v", got.Incident.Messages)
	}
	src := msgs[0].Sources[0]
	c.Must(t, `query($id: ID!, $f: MessageFilter) { incident(id: $id) { messages(filter: $f, first: 1) { total
		messages { id text sender { id name } sources { line raw evidence { id fileName } } } } } }`,
		map[string]any{"id": incidentID, "f": map[string]any{"evidenceId": src.Evidence.ID, "line": src.Line}}, &got)
	if m := got.Incident.Messages.Messages; len(m) != 1 || m[0].ID != msgs[0].ID {
		t.Fatalf("from line %d: %+v", src.Line, got.Incident.Messages)
	}
	c.Must(t, `query($id: ID!, $f: MessageFilter) { incident(id: $id) { messages(filter: $f, first: 50) { total
		messages { id text sender { id name } sources { line raw evidence { id fileName } } } } } }`,
		map[string]any{"id": incidentID, "f": map[string]any{"senderIds": []string{msgs[0].Sender.ID}}}, &got)
	for _, m := range got.Incident.Messages.Messages {
		if m.Sender.ID != msgs[0].Sender.ID {
			t.Errorf("by sender: %+v", m)
		}
	}
	if got.Incident.Messages.Total < 2 {
		t.Errorf("李四 sent %d messages", got.Incident.Messages.Total)
	}

	for _, bad := range []struct{ query, code string }{
		{`{ incident(id: "` + incidentID + `") { messages(filter: {text: "` + strings.Repeat("长", 201) + `"}) { total } } }`, "INVALID_INPUT"},
		{`{ incident(id: "` + incidentID + `") { messages(first: 201) { total } } }`, "INVALID_INPUT"},
		{`{ incident(id: "` + incidentID + `") { messages(after: "bm90IGEgY3Vyc29y") { total } } }`, "INVALID_INPUT"},
		{`{ incident(id: "` + incidentID + `") { messages(filter: {line: 3}) { total } } }`, "INVALID_INPUT"},
	} {
		if code := c.Do(t, bad.query, nil).Code(); code != bad.code {
			t.Errorf("%s: %s, want %s", bad.query[:60], code, bad.code)
		}
	}
}

// TestChatExportReadFailsWholeAndIsRestartable: an export in no known format
// fails naming why and stores nothing, and is read again once a format is
// chosen; a read whose server died (its lease ran out) is taken over and
// finished; a read for someone who may no longer act stores nothing.
func TestChatExportReadFailsWholeAndIsRestartable(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	incidentID, _ := openCase(t, c, "读取失败")
	data := readFixture(t, "chatexport/testdata/qq/group.txt")
	notChat := chainflow.Upload(t, c, incidentID, "随手记.txt", "张三", []byte("这不是聊天记录\n只是几行字\n"))
	failed := chainflow.Read(t, c, notChat, "Asia/Shanghai")
	if failed.State != "FAILED" || failed.FailureReason == nil || *failed.FailureReason != "the_export_s_format_is_not_recognised_choose" ||
		failed.Messages != 0 {
		t.Fatalf("not a chat export: %+v", failed)
	}
	var out struct{ ReadChatExport chainflow.Import }
	c.Must(t, `mutation($id: ID!) { readChatExport(evidenceId: $id, input: {format: QQ_TXT}) { id state } }`,
		map[string]any{"id": notChat}, &out)
	if out.ReadChatExport.ID != failed.ID || out.ReadChatExport.State != "QUEUED" {
		t.Fatalf("read again: %+v", out.ReadChatExport)
	}

	// A dead server's read: RUNNING, its lease over.
	ctx := context.Background()
	item := chainflow.Upload(t, c, incidentID, "王五的记录.txt", "王五", data)
	var requester string
	if err := m.DB.GetContext(ctx, &requester, `SELECT created_by FROM incidents WHERE id = $1`, incidentID); err != nil {
		t.Fatal(err)
	}
	importID := uuid.New()
	if _, err := m.DB.ExecContext(ctx, `INSERT INTO chat_imports (id, incident_id, evidence_id, time_zone, state,
		lease_until, requested_by, attempts) VALUES ($1, $2, $3, 'Asia/Shanghai', 'RUNNING', now() - interval '1 minute', $4, 1)`,
		importID, incidentID, item, requester); err != nil {
		t.Fatal(err)
	}
	m.Chats.Wake()
	if im := chainflow.Wait(t, c, importID.String()); im.State != "DONE" || im.Messages == 0 {
		t.Fatalf("a read taken over: %+v", im)
	}

	// A read for a person disabled since they asked.
	if _, err := m.Auth.AddUser(ctx, auth.NewUser{Username: "gone", Password: password, Roles: []auth.Role{auth.Investigator}}); err != nil {
		t.Fatal(err)
	}
	var gone string
	if err := m.DB.GetContext(ctx, &gone, `UPDATE users SET disabled = true WHERE username = 'gone' RETURNING id`); err != nil {
		t.Fatal(err)
	}
	item = chainflow.Upload(t, c, incidentID, "赵六的记录.txt", "赵六", append([]byte("\ufeff"), data...))
	importID = uuid.New()
	if _, err := m.DB.ExecContext(ctx, `INSERT INTO chat_imports (id, incident_id, evidence_id, time_zone, requested_by)
		VALUES ($1, $2, $3, 'Asia/Shanghai', $4)`, importID, incidentID, item, gone); err != nil {
		t.Fatal(err)
	}
	m.Chats.Wake()
	if im := chainflow.Wait(t, c, importID.String()); im.State != "FAILED" || im.Messages != 0 {
		t.Fatalf("a read for a disabled person: %+v", im)
	}
	var stored int
	if err := m.DB.GetContext(ctx, &stored, `SELECT count(*) FROM chat_message_sources WHERE import_id = $1`, importID); err != nil || stored != 0 {
		t.Fatalf("stored %d sources (%v)", stored, err)
	}
}

// TestProposalReview: a rejected proposal stays rejected when the chain is
// reconstructed again; accepting one (also a rejected one) with edits
// records an evidenced forward; marks and decisions refuse bad input and
// callers without the right.
func TestProposalReview(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	incidentID, _ := openCase(t, c, "审核建议")
	chainflow.Read(t, c, chainflow.Upload(t, c, incidentID, "张三的记录.txt", "张三", readFixture(t, "chatexport/testdata/qq/group.txt")), "Asia/Shanghai")
	for _, bad := range []map[string]any{{}, {"text": "今天的材料", "evidenceId": uuid.NewString()}, {"text": " "}} {
		if code := c.Do(t, `mutation($id: ID!, $in: LeakMarkInput!) { markLeak(incidentId: $id, input: $in) { id } }`,
			map[string]any{"id": incidentID, "in": bad}).Code(); code != "INVALID_INPUT" {
			t.Errorf("mark %v: %s", bad, code)
		}
	}
	c.Must(t, `mutation($id: ID!) { markLeak(incidentId: $id, input: {text: "今天的材料 第二行"}) { id } }`, map[string]any{"id": incidentID}, nil)
	if code := c.Do(t, `mutation($id: ID!) { markLeak(incidentId: $id, input: {text: "今天的材料 第二行"}) { id } }`,
		map[string]any{"id": incidentID}).Code(); code != "CONFLICT" {
		t.Errorf("marked twice: %s", code)
	}
	var rec struct {
		ReconstructChain struct{ Proposals []chainflow.Proposal }
	}
	c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { proposals { `+chainflow.ProposalFields+` } } }`,
		map[string]any{"id": incidentID}, &rec)
	if len(rec.ReconstructChain.Proposals) != 1 || rec.ReconstructChain.Proposals[0].Reason != "EARLIEST_SEEN_ONLY" {
		t.Fatalf("proposals: %+v", rec.ReconstructChain.Proposals)
	}
	p := rec.ReconstructChain.Proposals[0]
	if code := c.Do(t, `mutation($id: ID!) { rejectProposal(id: $id, reason: " ") { id } }`, map[string]any{"id": p.ID}).Code(); code != "INVALID_INPUT" {
		t.Errorf("a rejection without a reason: %s", code)
	}
	c.Must(t, `mutation($id: ID!) { rejectProposal(id: $id, reason: "李四是转述，不是来源") { id } }`, map[string]any{"id": p.ID}, nil)
	c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { proposals { `+chainflow.ProposalFields+` } } }`,
		map[string]any{"id": incidentID}, &rec)
	if got := rec.ReconstructChain.Proposals; len(got) != 1 || got[0].ID != p.ID || got[0].State != "REJECTED" {
		t.Fatalf("after a second run: %+v", got)
	}

	// Someone outside the case sees none of it and changes nothing.
	if _, err := m.Auth.AddUser(context.Background(), auth.NewUser{Username: "outsider", Password: password,
		Roles: []auth.Role{auth.Investigator}}); err != nil {
		t.Fatal(err)
	}
	outsider := &testgql.Client{URL: m.URL()}
	outsider.Login(t, "outsider", password)
	for _, q := range []string{
		`mutation($id: ID!) { acceptProposal(id: $id) { id } }`,
		`mutation($id: ID!) { rejectProposal(id: $id, reason: "x") { id } }`,
	} {
		if code := outsider.Do(t, q, map[string]any{"id": p.ID}).Code(); code != "NOT_FOUND" {
			t.Errorf("an outsider's %s: %s", q[:30], code)
		}
	}
	if code := outsider.Do(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { sightings } }`,
		map[string]any{"id": incidentID}).Code(); code != "NOT_FOUND" {
		t.Errorf("an outsider's reconstruction: %s", code)
	}

	var accepted struct {
		AcceptProposal struct {
			State   string
			Forward struct {
				Method, Note, Confidence string
				Evidenced                bool
			}
		}
	}
	c.Must(t, `mutation($id: ID!) { acceptProposal(id: $id, edit: {method: SCREENSHOT, note: "截图转发", confidence: CONFIRMED}) {
		state forward { method note confidence evidenced } } }`, map[string]any{"id": p.ID}, &accepted)
	if a := accepted.AcceptProposal; a.State != "ACCEPTED" || a.Forward.Method != "SCREENSHOT" || a.Forward.Note != "截图转发" ||
		a.Forward.Confidence != "CONFIRMED" || !a.Forward.Evidenced {
		t.Fatalf("accepted with edits: %+v", a)
	}
	if code := c.Do(t, `mutation($id: ID!) { rejectProposal(id: $id, reason: "改主意") { id } }`, map[string]any{"id": p.ID}).Code(); code != "CONFLICT" {
		t.Errorf("rejecting an accepted proposal: %s", code)
	}
}

// TestChatCountsKeptByTheRead: a chat's message and member counts, kept by
// the read (migration 0020) rather than counted for every page, are those
// of its messages, and a second export of the same chat adds none.
func TestChatCountsKeptByTheRead(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	incidentID, _ := openCase(t, c, "群聊记录")
	data := readFixture(t, "chatexport/testdata/qq/group.txt")
	for _, name := range []string{"张三", "李四"} {
		if im := chainflow.Read(t, c, chainflow.Upload(t, c, incidentID, name+"的记录.txt", name, data), "Asia/Shanghai"); im.State != "DONE" {
			t.Fatalf("read: %+v", im)
		}
		var chats struct {
			Incident struct {
				Chats []struct {
					ID, Name                  string
					MessageCount, MemberCount int
				}
			}
		}
		c.Must(t, `query($id: ID!) { incident(id: $id) { chats { id name messageCount memberCount } } }`, map[string]any{"id": incidentID}, &chats)
		counted := 0
		for _, ch := range chats.Incident.Chats {
			var got struct {
				Incident struct {
					Messages struct {
						Total    int
						Messages []struct {
							Kind   string
							Sender *struct{ ID string }
						}
					}
				}
			}
			c.Must(t, `query($id: ID!, $f: MessageFilter) { incident(id: $id) { messages(filter: $f, first: 200) { total messages { kind sender { id } } } } }`,
				map[string]any{"id": incidentID, "f": map[string]any{"chatIds": []string{ch.ID}}}, &got)
			senders, joins := map[string]bool{}, false
			for _, m := range got.Incident.Messages.Messages {
				if m.Sender != nil {
					senders[m.Sender.ID] = true
				}
				joins = joins || m.Kind == "JOIN"
			}
			if ch.MessageCount != got.Incident.Messages.Total ||
				ch.MemberCount < len(senders) || (!joins && ch.MemberCount != len(senders)) {
				t.Errorf("after %s's export, %s: %d messages and %d members, want %d and %d senders", name, ch.Name,
					ch.MessageCount, ch.MemberCount, got.Incident.Messages.Total, len(senders))
			}
			counted += ch.MessageCount
		}
		if counted == 0 {
			t.Fatalf("after %s's export: no messages counted", name)
		}
	}
}
