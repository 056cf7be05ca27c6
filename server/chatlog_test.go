package server_test

import (
	"bytes"
	"cmp"
	"context"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/chainfixture"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// uploadAs stores a file as evidence collected from someone, returning its id.
func uploadAs(t *testing.T, c *testgql.Client, incidentID, name, from string, content []byte) string {
	t.Helper()
	var out struct{ BeginEvidenceUpload struct{ UploadURL string } }
	c.Must(t, `mutation($id: ID!, $name: String!, $from: String!) { beginEvidenceUpload(incidentId: $id, input: {fileName: $name,
		acquisition: {from: $from, how: "导出", at: "2026-11-24T21:15:00+08:00"}, timeZone: "Asia/Shanghai"}) { uploadUrl } }`,
		map[string]any{"id": incidentID, "name": name, "from": from}, &out)
	status, body := send(t, c, http.MethodPut, out.BeginEvidenceUpload.UploadURL, bytes.NewReader(content), int64(len(content)))
	if status != http.StatusOK {
		t.Fatalf("upload %s: %d %v", name, status, body)
	}
	return body["id"].(string)
}

type chatImportView struct {
	ID, State, Format string
	Messages          int
	Duplicates        int
	Problems          []struct{ Line int }
	FailureReason     *string
	Media             []struct {
		FileName    string
		Acquisition struct{ From string }
	}
}

// readExport reads an item as a chat export and waits for the job.
func readExport(t *testing.T, c *testgql.Client, evidenceID, zone string) chatImportView {
	t.Helper()
	var out struct{ ReadChatExport chatImportView }
	c.Must(t, `mutation($id: ID!, $zone: String!) { readChatExport(evidenceId: $id, input: {timeZone: $zone}) { id state } }`,
		map[string]any{"id": evidenceID, "zone": zone}, &out)
	return waitImport(t, c, out.ReadChatExport.ID)
}

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
			incidentID, ref := openCase(t, c, chain.Name)
			man := chain.Manifest
			for _, e := range man.Exports {
				files := []string{e.Path}
				if !strings.HasSuffix(e.Path, ".zip") {
					// A chat file with the media beside it, uploaded together.
					dir := path.Dir(e.Path)
					fs.WalkDir(chain.FS, dir, func(p string, d fs.DirEntry, err error) error {
						if err == nil && !d.IsDir() && p != e.Path {
							files = append(files, p)
						}
						return err
					})
				}
				var chatID string
				for i, p := range files {
					data, err := fs.ReadFile(chain.FS, p)
					if err != nil {
						t.Fatal(err)
					}
					id := uploadAs(t, c, incidentID, path.Base(p), personName(e.CollectedFrom), data)
					if i == 0 {
						chatID = id
					}
				}
				im := readExport(t, c, chatID, e.Zone)
				if im.State != "DONE" || im.Format != string(e.Format) || len(im.Problems) > 0 || im.Messages == 0 {
					t.Fatalf("%s: %+v", e.Path, im)
				}
				if strings.HasSuffix(e.Path, ".zip") {
					if len(im.Media) == 0 {
						t.Errorf("%s: the zip's media were not stored as evidence", e.Path)
					}
					for _, m := range im.Media {
						if m.Acquisition.From != personName(e.CollectedFrom) {
							t.Errorf("%s: %s was not collected with its zip: %+v", e.Path, m.FileName, m.Acquisition)
						}
					}
				}
				// Asked again, the item is not read twice.
				if again := readExport(t, c, chatID, e.Zone); again.ID != im.ID || again.Messages != im.Messages {
					t.Errorf("%s: read again: %+v, want %+v", e.Path, again, im)
				}
			}
			identify(t, c, incidentID, man)

			leak, err := fs.ReadFile(chain.FS, man.Leak)
			if err != nil {
				t.Fatal(err)
			}
			leakID := uploadAs(t, c, incidentID, "原件照片.jpg", "举报人", leak)
			c.Must(t, `mutation($id: ID!, $e: ID!) { markLeak(incidentId: $id, input: {evidenceId: $e}) { id imageHashed } }`,
				map[string]any{"id": incidentID, "e": leakID}, nil)
			c.Must(t, `mutation($id: ID!, $t: String!) { markLeak(incidentId: $id, input: {text: $t}) { id } }`,
				map[string]any{"id": incidentID, "t": man.Text}, nil)

			var rec struct {
				ReconstructChain struct {
					Sightings int
					Proposals []proposalView
				}
			}
			c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { `+proposalFields+` } } }`,
				map[string]any{"id": incidentID}, &rec)
			var got, want []string
			// The manifest tells two people of one name apart as 张某#镇办,
			// whom reconstruct keys p:张某-2; an investigator names them so.
			rename := map[string]string{}
			for _, e := range man.Exports {
				for _, name := range append(slices.Collect(maps.Values(e.Names)), e.CollectedFrom) {
					if base, _, ok := strings.Cut(name, "#"); ok {
						rename["p:"+base+"-2"] = "p:" + personName(name)
					}
				}
			}
			for _, p := range rec.ReconstructChain.Proposals {
				got = append(got, p.From.Key+" → "+p.To.Key+" by "+p.By.Key)
				if len(p.Sources) == 0 || p.Sources[0].Line == 0 || p.Sources[0].Message == nil {
					t.Errorf("proposal %s cites no line: %+v", p.Key, p.Sources)
				}
			}
			for _, h := range man.Hops {
				key := func(k string) string { return cmp.Or(rename[k], k) }
				want = append(want, key(h.From)+" → "+key(h.To)+" by "+key(h.By))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("proposed hops:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}

			var accepted struct{ AcceptProposals []proposalView }
			c.Must(t, `mutation($id: ID!) { acceptProposals(incidentId: $id, minConfidence: 0) { `+proposalFields+` } }`,
				map[string]any{"id": incidentID}, &accepted)
			if len(accepted.AcceptProposals) != len(want) {
				t.Fatalf("accepted %d of %d", len(accepted.AcceptProposals), len(want))
			}
			for _, p := range accepted.AcceptProposals {
				if p.State != "ACCEPTED" || p.Forward == nil || !p.Forward.Evidenced || len(p.Forward.Sources) == 0 ||
					p.Forward.Sources[0].Evidence.FileName == "" || p.Forward.Sources[0].Line == 0 {
					t.Errorf("accepted proposal %s: %+v", p.Key, p)
				}
				// And back, from the line to the hop it proves.
				if m := p.Sources[0].Message; m == nil || !slices.ContainsFunc(m.Forwards, func(f struct {
					ID           string
					From, To, By struct{ Key string }
				}) bool {
					return f.ID == p.Forward.ID && f.To.Key == p.To.Key && f.By.Key == p.By.Key
				}) {
					t.Errorf("the message of %s does not lead back to its forward: %+v", p.Key, m)
				}
			}
			// The analysis reads the accepted chain: its origin is where the
			// first hop starts, and the path to the last venue is whole.
			last := man.Hops[len(man.Hops)-1]
			a := analyse(t, c, incidentID, cmp.Or(rename[last.To], last.To))
			if len(a.Origins) == 0 || len(a.PathTo) == 0 || a.Depth == 0 || a.EstimatedAudience == 0 {
				t.Errorf("the analysis of the accepted chain: %+v", a)
			}
			// Once the last venue is known to be public, the case report's path
			// to it cites the lines each hop rests on.
			var nodes struct {
				Incident struct {
					Spread struct{ Nodes []struct{ ID, Key string } }
				}
			}
			c.Must(t, `query($id: ID!) { incident(id: $id) { spread { nodes { id key } } } }`, map[string]any{"id": incidentID}, &nodes)
			for _, n := range nodes.Incident.Spread.Nodes {
				if n.Key == cmp.Or(rename[last.To], last.To) {
					c.Must(t, `mutation($id: ID!) { updateNode(id: $id, input: {exposure: PUBLIC}) { id } }`, map[string]any{"id": n.ID}, nil)
				}
			}
			if status, body := c.Send(t, http.MethodGet, "/incidents/"+ref+"/report.md?lang=zh-CN", ""); status != http.StatusOK ||
				!strings.Contains(body, "| 依据 |") || !strings.Contains(body, " 行") {
				t.Errorf("the case report's path cites no lines: %d\n%s", status, body)
			} else if i := strings.Index(body, "| 依据 |"); testing.Verbose() {
				t.Log(body[i:min(len(body), i+1500)])
			}
			// The analysis's forwards tell their lines too.
			var fw struct {
				Incident struct {
					Spread struct {
						Forwards []struct {
							Evidenced bool
							Sources   []struct{ Line int }
						}
					}
				}
			}
			c.Must(t, `query($id: ID!) { incident(id: $id) { spread { forwards { evidenced sources { line } } } } }`,
				map[string]any{"id": incidentID}, &fw)
			for _, f := range fw.Incident.Spread.Forwards {
				if !f.Evidenced || len(f.Sources) == 0 {
					t.Errorf("a forward of the analysis: %+v", f)
				}
			}
			// Run again: nothing new is proposed, the accepted stay accepted.
			c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { `+proposalFields+` } } }`,
				map[string]any{"id": incidentID}, &rec)
			for _, p := range rec.ReconstructChain.Proposals {
				if p.State != "ACCEPTED" {
					t.Errorf("after a second run, %s is %s", p.Key, p.State)
				}
			}
		})
	}
}

const proposalFields = `id key state confidence reason from { key } to { key } by { key }
	sources { line message { id text forwards { id from { key } to { key } by { key } } } evidence { fileName } }
	forward { id evidenced sources { line evidence { fileName } } }`

type proposalView struct {
	ID, Key, State, Reason string
	Confidence             float64
	From, To, By           struct{ Key string }
	Sources                []struct {
		Line    int
		Message *struct {
			ID, Text string
			Forwards []struct {
				ID           string
				From, To, By struct{ Key string }
			}
		}
	}
	Forward *struct {
		ID        string
		Evidenced bool
		Sources   []struct {
			Line     int
			Evidence struct{ FileName string }
		}
	}
}

// personName is how an investigator names one of two people of one name:
// 张某#镇办 as 张某（镇办）.
func personName(manifestName string) string {
	if base, q, ok := strings.Cut(manifestName, "#"); ok {
		return base + "（" + q + "）"
	}
	return manifestName
}

// identify names the handles of the exports as the investigator identified
// them (the manifest's names): a sender by a handle it was seen with, a chat
// by its id or name.
func identify(t *testing.T, c *testgql.Client, incidentID string, man chainfixture.Manifest) {
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
	for _, e := range man.Exports {
		for handle, name := range e.Names {
			for _, s := range got.Incident.ChatSenders {
				if slices.Contains(s.Handles, handle) {
					c.Must(t, `mutation($id: ID!, $n: String!) { identifyChatSender(id: $id, name: $n) { id } }`,
						map[string]any{"id": s.ID, "n": personName(name)}, nil)
				}
			}
			for _, ch := range got.Incident.Chats {
				if ch.Name == handle {
					c.Must(t, `mutation($id: ID!, $n: String!) { identifyChat(id: $id, name: $n) { id } }`,
						map[string]any{"id": ch.ID, "n": name}, nil)
				}
			}
		}
		if e.Chat != "" {
			for _, ch := range got.Incident.Chats {
				if ch.Name == strings.TrimSuffix(path.Base(e.File), path.Ext(e.File)) {
					c.Must(t, `mutation($id: ID!, $n: String!) { identifyChat(id: $id, name: $n) { id } }`,
						map[string]any{"id": ch.ID, "n": e.Chat}, nil)
				}
			}
		}
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
	first := readExport(t, c, uploadAs(t, c, incidentID, "张三的记录.txt", "张三", data), "Asia/Shanghai")
	if first.State != "DONE" || first.Format != "QQ_TXT" || first.Messages == 0 || len(first.Problems) == 0 {
		t.Fatalf("read: %+v", first)
	}
	second := readExport(t, c, uploadAs(t, c, incidentID, "李四的记录.txt", "李四", data), "Asia/Shanghai")
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
	notChat := uploadAs(t, c, incidentID, "随手记.txt", "张三", []byte("这不是聊天记录\n只是几行字\n"))
	failed := readExport(t, c, notChat, "Asia/Shanghai")
	if failed.State != "FAILED" || failed.FailureReason == nil || *failed.FailureReason != "the_export_s_format_is_not_recognised_choose" ||
		failed.Messages != 0 {
		t.Fatalf("not a chat export: %+v", failed)
	}
	var out struct{ ReadChatExport chatImportView }
	c.Must(t, `mutation($id: ID!) { readChatExport(evidenceId: $id, input: {format: QQ_TXT}) { id state } }`,
		map[string]any{"id": notChat}, &out)
	if out.ReadChatExport.ID != failed.ID || out.ReadChatExport.State != "QUEUED" {
		t.Fatalf("read again: %+v", out.ReadChatExport)
	}

	// A dead server's read: RUNNING, its lease over.
	ctx := context.Background()
	item := uploadAs(t, c, incidentID, "王五的记录.txt", "王五", data)
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
	if im := waitImport(t, c, importID.String()); im.State != "DONE" || im.Messages == 0 {
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
	item = uploadAs(t, c, incidentID, "赵六的记录.txt", "赵六", append([]byte("\ufeff"), data...))
	importID = uuid.New()
	if _, err := m.DB.ExecContext(ctx, `INSERT INTO chat_imports (id, incident_id, evidence_id, time_zone, requested_by)
		VALUES ($1, $2, $3, 'Asia/Shanghai', $4)`, importID, incidentID, item, gone); err != nil {
		t.Fatal(err)
	}
	m.Chats.Wake()
	if im := waitImport(t, c, importID.String()); im.State != "FAILED" || im.Messages != 0 {
		t.Fatalf("a read for a disabled person: %+v", im)
	}
	var stored int
	if err := m.DB.GetContext(ctx, &stored, `SELECT count(*) FROM chat_message_sources WHERE import_id = $1`, importID); err != nil || stored != 0 {
		t.Fatalf("stored %d sources (%v)", stored, err)
	}
}

func waitImport(t *testing.T, c *testgql.Client, id string) chatImportView {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var got struct{ ChatImport chatImportView }
		c.Must(t, `query($id: ID!) { chatImport(id: $id) { id state format messages duplicates problems { line } failureReason
			media { fileName acquisition { from } } } }`, map[string]any{"id": id}, &got)
		if s := got.ChatImport.State; s == "DONE" || s == "FAILED" || time.Now().After(deadline) {
			return got.ChatImport
		}
		time.Sleep(50 * time.Millisecond)
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
	readExport(t, c, uploadAs(t, c, incidentID, "张三的记录.txt", "张三", readFixture(t, "chatexport/testdata/qq/group.txt")), "Asia/Shanghai")
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
		ReconstructChain struct{ Proposals []proposalView }
	}
	c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { proposals { `+proposalFields+` } } }`,
		map[string]any{"id": incidentID}, &rec)
	if len(rec.ReconstructChain.Proposals) != 1 || rec.ReconstructChain.Proposals[0].Reason != "EARLIEST_SEEN_ONLY" {
		t.Fatalf("proposals: %+v", rec.ReconstructChain.Proposals)
	}
	p := rec.ReconstructChain.Proposals[0]
	if code := c.Do(t, `mutation($id: ID!) { rejectProposal(id: $id, reason: " ") { id } }`, map[string]any{"id": p.ID}).Code(); code != "INVALID_INPUT" {
		t.Errorf("a rejection without a reason: %s", code)
	}
	c.Must(t, `mutation($id: ID!) { rejectProposal(id: $id, reason: "李四是转述，不是来源") { id } }`, map[string]any{"id": p.ID}, nil)
	c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { proposals { `+proposalFields+` } } }`,
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
