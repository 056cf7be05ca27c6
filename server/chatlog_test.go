package server_test

import (
	"bytes"
	"cmp"
	"maps"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

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
	Media             []struct{ FileName string }
}

// readExport reads an item as a chat export and waits for the job.
func readExport(t *testing.T, c *testgql.Client, evidenceID, zone string) chatImportView {
	t.Helper()
	var out struct{ ReadChatExport chatImportView }
	c.Must(t, `mutation($id: ID!, $zone: String!) { readChatExport(evidenceId: $id, input: {timeZone: $zone}) { id state } }`,
		map[string]any{"id": evidenceID, "zone": zone}, &out)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var got struct{ ChatImport chatImportView }
		c.Must(t, `query($id: ID!) { chatImport(id: $id) { id state format messages duplicates problems { line } failureReason
			media { fileName } } }`, map[string]any{"id": out.ReadChatExport.ID}, &got)
		if s := got.ChatImport.State; s == "DONE" || s == "FAILED" || time.Now().After(deadline) {
			return got.ChatImport
		}
		time.Sleep(50 * time.Millisecond)
	}
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
			incidentID, _ := openCase(t, c, chain.Name)
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
				if strings.HasSuffix(e.Path, ".zip") && len(im.Media) == 0 {
					t.Errorf("%s: the zip's media were not stored as evidence", e.Path)
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
	sources { line message { id text } evidence { fileName } }
	forward { id evidenced sources { line evidence { fileName } } }`

type proposalView struct {
	ID, Key, State, Reason string
	Confidence             float64
	From, To, By           struct{ Key string }
	Sources                []struct {
		Line    int
		Message *struct{ ID, Text string }
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
