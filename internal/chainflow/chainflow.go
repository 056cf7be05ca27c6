// Package chainflow takes a seed chain's exports (internal/chainfixture)
// through Leaktrail's API as an investigator would — upload, read, identify
// the handles, mark the leaked photo and text, reconstruct, accept — and
// checks the accepted chain is the one the exports show, every hop citing its
// lines. The server's tests run it against server.Main, the binary's against
// the built binary.
package chainflow

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/chainfixture"
	"github.com/leaktrail/leaktrail/internal/testgql"
)

// OpenCase opens an incident to read exports into.
func OpenCase(t testing.TB, c *testgql.Client, title string) (id, reference string) {
	t.Helper()
	var out struct {
		OpenIncident struct{ ID, Reference string }
	}
	c.Must(t, `mutation($t: String!) { openIncident(input: {title: $t, leakedItem: "文件翻拍照片", classification: SECRET,
		detectedAt: "2026-02-04T10:00:00+08:00", detectionMethod: AUTHORITY_NOTICE, reportedBy: "市保密局"}) { id reference } }`,
		map[string]any{"t": title}, &out)
	return out.OpenIncident.ID, out.OpenIncident.Reference
}

// Upload stores a file as evidence collected from someone, returning its id.
func Upload(t testing.TB, c *testgql.Client, incidentID, name, from string, content []byte) string {
	t.Helper()
	var out struct{ BeginEvidenceUpload struct{ UploadURL string } }
	c.Must(t, `mutation($id: ID!, $name: String!, $from: String!) { beginEvidenceUpload(incidentId: $id, input: {fileName: $name,
		acquisition: {from: $from, how: "导出", at: "2026-11-24T21:15:00+08:00"}, timeZone: "Asia/Shanghai"}) { uploadUrl } }`,
		map[string]any{"id": incidentID, "name": name, "from": from}, &out)
	req, err := http.NewRequest(http.MethodPut, c.URL+out.BeginEvidenceUpload.UploadURL, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(content))
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body struct{ ID string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &body) != nil {
		t.Fatalf("upload %s: %d %s", name, resp.StatusCode, raw)
	}
	return body.ID
}

// Import is a read of an export as the API shows it.
type Import struct {
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

// Read reads an item as a chat export and waits for the job.
func Read(t testing.TB, c *testgql.Client, evidenceID, zone string) Import {
	t.Helper()
	var out struct{ ReadChatExport Import }
	c.Must(t, `mutation($id: ID!, $zone: String!) { readChatExport(evidenceId: $id, input: {timeZone: $zone}) { id state } }`,
		map[string]any{"id": evidenceID, "zone": zone}, &out)
	return Wait(t, c, out.ReadChatExport.ID)
}

// Wait waits for a read to be DONE or FAILED.
func Wait(t testing.TB, c *testgql.Client, id string) Import {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var got struct{ ChatImport Import }
		c.Must(t, `query($id: ID!) { chatImport(id: $id) { id state format messages duplicates problems { line } failureReason
			media { fileName acquisition { from } } } }`, map[string]any{"id": id}, &got)
		if s := got.ChatImport.State; s == "DONE" || s == "FAILED" || time.Now().After(deadline) {
			return got.ChatImport
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Rebuild takes chain through the API as c's user, in a new case.
func Rebuild(t testing.TB, c *testgql.Client, chain chainfixture.Chain) {
	t.Helper()
	incidentID, ref := OpenCase(t, c, chain.Name)
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
			id := Upload(t, c, incidentID, path.Base(p), PersonName(e.CollectedFrom), data)
			if i == 0 {
				chatID = id
			}
		}
		im := Read(t, c, chatID, e.Zone)
		if im.State != "DONE" || im.Format != string(e.Format) || len(im.Problems) > 0 || im.Messages == 0 {
			t.Fatalf("%s: %+v", e.Path, im)
		}
		if strings.HasSuffix(e.Path, ".zip") {
			if len(im.Media) == 0 {
				t.Errorf("%s: the zip's media were not stored as evidence", e.Path)
			}
			for _, m := range im.Media {
				if m.Acquisition.From != PersonName(e.CollectedFrom) {
					t.Errorf("%s: %s was not collected with its zip: %+v", e.Path, m.FileName, m.Acquisition)
				}
			}
		}
		// Asked again, the item is not read twice.
		if again := Read(t, c, chatID, e.Zone); again.ID != im.ID || again.Messages != im.Messages {
			t.Errorf("%s: read again: %+v, want %+v", e.Path, again, im)
		}
	}
	Identify(t, c, incidentID, man)

	leak, err := fs.ReadFile(chain.FS, man.Leak)
	if err != nil {
		t.Fatal(err)
	}
	leakID := Upload(t, c, incidentID, "原件照片.jpg", "举报人", leak)
	c.Must(t, `mutation($id: ID!, $e: ID!) { markLeak(incidentId: $id, input: {evidenceId: $e}) { id imageHashed } }`,
		map[string]any{"id": incidentID, "e": leakID}, nil)
	c.Must(t, `mutation($id: ID!, $t: String!) { markLeak(incidentId: $id, input: {text: $t}) { id } }`,
		map[string]any{"id": incidentID, "t": man.Text}, nil)

	var rec struct {
		ReconstructChain struct {
			Sightings int
			Proposals []Proposal
		}
	}
	c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { `+ProposalFields+` } } }`,
		map[string]any{"id": incidentID}, &rec)
	var got, want []string
	// The manifest tells two people of one name apart as 张某#镇办,
	// whom reconstruct keys p:张某-2; an investigator names them so.
	rename := map[string]string{}
	for _, e := range man.Exports {
		for _, name := range append(slices.Collect(maps.Values(e.Names)), e.CollectedFrom) {
			if base, _, ok := strings.Cut(name, "#"); ok {
				rename["p:"+base+"-2"] = "p:" + PersonName(name)
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

	var accepted struct{ AcceptProposals []Proposal }
	c.Must(t, `mutation($id: ID!) { acceptProposals(incidentId: $id, minConfidence: 0) { `+ProposalFields+` } }`,
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
	var an struct {
		Incident struct {
			Spread struct {
				Origins           []struct{ Key string }
				PathTo            []struct{ Key string }
				Depth             int
				EstimatedAudience int
			}
		}
	}
	c.Must(t, `query($id: ID!, $target: String!) { incident(id: $id) { spread { origins { key } pathTo(nodeKey: $target) { key }
		depth estimatedAudience } } }`, map[string]any{"id": incidentID, "target": cmp.Or(rename[last.To], last.To)}, &an)
	if a := an.Incident.Spread; len(a.Origins) == 0 || len(a.PathTo) == 0 || a.Depth == 0 || a.EstimatedAudience == 0 {
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
	c.Must(t, `mutation($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { `+ProposalFields+` } } }`,
		map[string]any{"id": incidentID}, &rec)
	for _, p := range rec.ReconstructChain.Proposals {
		if p.State != "ACCEPTED" {
			t.Errorf("after a second run, %s is %s", p.Key, p.State)
		}
	}
}

const ProposalFields = `id key state confidence reason from { key } to { key } by { key }
	sources { line message { id text forwards { id from { key } to { key } by { key } } } evidence { fileName } }
	forward { id evidenced sources { line evidence { fileName } } }`

type Proposal struct {
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

// PersonName is how an investigator names one of two people of one name:
// 张某#镇办 as 张某（镇办）.
func PersonName(manifestName string) string {
	if base, q, ok := strings.Cut(manifestName, "#"); ok {
		return base + "（" + q + "）"
	}
	return manifestName
}

// Identify names the handles of the exports as the investigator identified
// them (the manifest's names): a sender by a handle it was seen with, a chat
// by its id or name.
func Identify(t testing.TB, c *testgql.Client, incidentID string, man chainfixture.Manifest) {
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
						map[string]any{"id": s.ID, "n": PersonName(name)}, nil)
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
