package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/testgql"
)

var chainStart = time.Date(2026, 2, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

type ref map[string]any

func person(key string, exposure ...string) ref {
	r := ref{"key": key, "kind": "PERSON", "name": strings.TrimPrefix(key, "p:")}
	if len(exposure) > 0 {
		r["exposure"] = exposure[0]
	}
	return r
}

func venue(key, kind, exposure string, members int) ref {
	r := ref{"key": key, "kind": kind, "exposure": exposure}
	if members > 0 {
		r["memberCount"] = members
	}
	return r
}

func fwd(key string, after time.Duration, method string, from, to, by ref) map[string]any {
	return map[string]any{"key": key, "at": chainStart.Add(after).Format(time.RFC3339), "method": method,
		"from": from, "to": to, "by": by}
}

// The multi-channel chain of DOMAIN.md (000, case 5), in our own data: a
// cipher telegram faxed over an unclassified line, photographed, sent by MMS,
// passed point to point, posted in a work group, forwarded to township groups
// and finally published on an overseas website.
func faxChain() []map[string]any {
	zong, yang, zhang, xu, zhao, tao := person("p:宗某"), person("p:杨某"), person("p:张某"), person("p:徐某"), person("p:赵某"), person("p:陶某")
	township, unknown := person("p:乡镇办公室张主任"), person("p:身份不明者", "PUBLIC")
	fax := venue("fax:县政府办普通传真", "FAX", "INTERNAL", 0)
	work := venue("wechat-group:民政工作群", "GROUP_CHAT", "INTERNAL", 120)
	groupA := venue("wechat-group:乡镇工作群甲", "GROUP_CHAT", "EXTERNAL", 300)
	groupB := venue("wechat-group:乡镇工作群乙", "GROUP_CHAT", "EXTERNAL", 450)
	site := venue("web:境外网站", "WEBSITE", "PUBLIC", 0)
	return []map[string]any{
		fwd("c5-01", 0, "FAX", zong, fax, zong),
		fwd("c5-02", 30*time.Minute, "PHOTO", fax, yang, yang),
		fwd("c5-03", time.Hour, "MMS", yang, zhang, yang),
		fwd("c5-04", time.Hour, "MMS", yang, xu, yang),
		fwd("c5-05", time.Hour, "MMS", yang, zhao, yang),
		fwd("c5-06", 2*time.Hour, "FORWARD", zhang, tao, zhang),
		fwd("c5-07", 3*time.Hour, "POST", tao, work, tao),
		fwd("c5-08", 4*time.Hour, "FORWARD", work, groupA, township),
		fwd("c5-09", 4*time.Hour+10*time.Minute, "FORWARD", work, groupB, township),
		fwd("c5-10", 30*time.Hour, "POST", groupB, site, unknown),
	}
}

// 003 (2021): a photo of a colleague's incoming document, passed point to
// point to a bank employee who crops the document number, then on to a
// classmates' group, from where it spreads online.
func croppedChain() []map[string]any {
	shi, he, xu := person("p:施某"), person("p:何某", "EXTERNAL"), person("p:徐某甲", "EXTERNAL")
	classmates := venue("wechat-group:同学群", "GROUP_CHAT", "EXTERNAL", 45)
	forum := venue("web:论坛", "WEBSITE", "PUBLIC", 0)
	cropped := fwd("cd-02", 3*time.Hour, "SCREENSHOT", he, xu, he)
	cropped["alterations"] = []string{"DOCUMENT_NUMBER_CROPPED"}
	return []map[string]any{
		fwd("cd-01", time.Hour, "PHOTO", shi, he, shi),
		cropped,
		fwd("cd-03", 5*time.Hour, "FORWARD", xu, classmates, xu),
		fwd("cd-04", 26*time.Hour, "POST", classmates, forum, person("p:网友")),
	}
}

// 001: a hospital lab worker photographs a patient record into a family
// group; relatives forward it to other groups across the county.
func hospitalChain() []map[string]any {
	lab, aunt, cousin := person("p:检验科工作人员"), person("p:亲属甲", "EXTERNAL"), person("p:亲属乙", "EXTERNAL")
	family := venue("wechat-group:家族群", "GROUP_CHAT", "EXTERNAL", 30)
	village := venue("wechat-group:村民群", "GROUP_CHAT", "EXTERNAL", 480)
	county := venue("wechat-group:县城生活群", "GROUP_CHAT", "EXTERNAL", 500)
	return []map[string]any{
		fwd("hp-01", 0, "PHOTO", lab, family, lab),
		fwd("hp-02", time.Hour, "FORWARD", family, village, aunt),
		fwd("hp-03", 90*time.Minute, "FORWARD", family, county, cousin),
	}
}

const record = `mutation($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id key } }`

func openCase(t testing.TB, c *testgql.Client, title string) (id, reference string) {
	t.Helper()
	var out struct {
		OpenIncident struct{ ID, Reference string }
	}
	c.Must(t, `mutation($t: String!) { openIncident(input: {title: $t, leakedItem: "密码电报照片", classification: SECRET,
		detectedAt: "2026-02-04T10:00:00+08:00", detectionMethod: AUTHORITY_NOTICE, reportedBy: "市保密局"}) { id reference } }`,
		map[string]any{"t": title}, &out)
	return out.OpenIncident.ID, out.OpenIncident.Reference
}

type spreadView struct {
	Origins           []struct{ Key string }
	PathTo            []struct{ Key string }
	Depth             int
	ReachedNodes      int
	ReachedVenues     int
	EstimatedAudience int
	FirstExternal     *struct{ Key string }
	FirstPublic       *struct{ Key string }
	Frontier          []struct{ Key string }
	People            []struct {
		Node     struct{ Key string }
		Sent     int
		Received int
		FirstHop bool
	}
	Warnings []struct {
		Kind        string
		ForwardKeys []string
	}
}

func analyse(t *testing.T, c *testgql.Client, id, target string) spreadView {
	t.Helper()
	var out struct{ Incident struct{ Spread spreadView } }
	c.Must(t, `query($id: ID!, $target: String!) { incident(id: $id) { spread {
		origins { key } pathTo(nodeKey: $target) { key } depth reachedNodes reachedVenues estimatedAudience
		firstExternal { key } firstPublic { key } frontier { key }
		people { node { key } sent received firstHop } warnings { kind forwardKeys } } } }`,
		map[string]any{"id": id, "target": target}, &out)
	return out.Incident.Spread
}

func keys(xs []struct{ Key string }) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.Key)
	}
	return out
}

func TestDomainChainsOverTheAPI(t *testing.T) {
	t.Parallel()
	_, c := start(t)

	id, _ := openCase(t, c, "密码电报经传真、彩信、微信群扩散至境外网站")
	c.Must(t, record, map[string]any{"id": id, "f": faxChain()}, nil)
	s := analyse(t, c, id, "web:境外网站")
	if got := keys(s.Origins); !slices.Equal(got, []string{"p:宗某"}) {
		t.Fatalf("origins %v", got)
	}
	if got := keys(s.PathTo); !slices.Equal(got, []string{"c5-01", "c5-02", "c5-03", "c5-06", "c5-07", "c5-09", "c5-10"}) {
		t.Fatalf("path to the website %v", got)
	}
	if s.Depth != 7 || s.ReachedNodes != 11 || s.ReachedVenues != 5 || s.EstimatedAudience != 870 {
		t.Fatalf("depth %d reached %d venues %d audience %d", s.Depth, s.ReachedNodes, s.ReachedVenues, s.EstimatedAudience)
	}
	if s.FirstExternal == nil || s.FirstExternal.Key != "c5-08" || s.FirstPublic == nil || s.FirstPublic.Key != "c5-10" {
		t.Fatalf("first external %v, first public %v", s.FirstExternal, s.FirstPublic)
	}
	// The overseas website, audience unknown, comes first: it is PUBLIC.
	if got := keys(s.Frontier); !slices.Equal(got, []string{"web:境外网站", "wechat-group:乡镇工作群乙", "wechat-group:乡镇工作群甲",
		"wechat-group:民政工作群", "fax:县政府办普通传真"}) {
		t.Fatalf("frontier %v", got)
	}
	var top struct {
		Incident struct {
			Spread struct {
				Frontier      []struct{ Key string }
				FrontierCount int
				WarningCount  int
			}
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { spread { frontier(first: 2) { key } frontierCount warningCount } } }`,
		map[string]any{"id": id}, &top)
	if sp := top.Incident.Spread; len(sp.Frontier) != 2 || sp.Frontier[0].Key != "web:境外网站" || sp.FrontierCount != 5 ||
		sp.WarningCount != len(s.Warnings) {
		t.Fatalf("first of the frontier: %+v", sp)
	}
	for _, p := range s.People {
		if p.Node.Key == "p:宗某" && (!p.FirstHop || p.Sent != 1) || p.Node.Key == "p:杨某" && (p.FirstHop || p.Sent != 4) {
			t.Fatalf("people %+v", s.People)
		}
	}

	id2, _ := openCase(t, c, "来文照片点对点外传至同学群")
	c.Must(t, record, map[string]any{"id": id2, "f": croppedChain()}, nil)
	s = analyse(t, c, id2, "web:论坛")
	if keys(s.Origins)[0] != "p:施某" || len(s.PathTo) != 4 || s.FirstExternal.Key != "cd-01" || s.FirstPublic.Key != "cd-04" || s.Depth != 4 {
		t.Fatalf("cropped chain %+v", s)
	}

	// Fields the analysis does not need are read for just the nodes and forwards returned.
	var detail struct {
		Incident struct {
			Spread struct {
				PathTo []struct {
					Key         string
					Alterations []string
					Confidence  string
					MisSent     bool
					From        struct{ Handles []string }
				}
				Frontier []struct {
					Key         string
					Platform    *string
					Containment struct{ Status string }
				}
			}
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { spread {
		pathTo(nodeKey: "web:论坛") { key alterations confidence misSent from { handles } }
		frontier(first: 1) { key platform containment { status } } } } }`, map[string]any{"id": id2}, &detail)
	if p := detail.Incident.Spread.PathTo; len(p) != 4 || p[1].Alterations[0] != "DOCUMENT_NUMBER_CROPPED" || p[1].Confidence != "CONFIRMED" ||
		detail.Incident.Spread.Frontier[0].Containment.Status != "NONE" {
		t.Fatalf("details: %+v", detail)
	}

	id3, _ := openCase(t, c, "检验报告照片发到家族群")
	c.Must(t, record, map[string]any{"id": id3, "f": hospitalChain()}, nil)
	s = analyse(t, c, id3, "wechat-group:县城生活群")
	if keys(s.Origins)[0] != "p:检验科工作人员" || !slices.Equal(keys(s.PathTo), []string{"hp-01", "hp-03"}) ||
		s.FirstExternal.Key != "hp-01" || s.FirstPublic != nil || s.EstimatedAudience != 1010 {
		t.Fatalf("hospital chain %+v", s)
	}
}

func TestRecordForwardsIsAtomicIdempotentAndReportsEveryBadRow(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, ref := openCase(t, c, "批量导入")
	chain := faxChain()

	bad := slices.Clone(chain)
	bad[2] = fwd("c5-03", time.Hour, "TELEPATHY", person("p:杨某"), person("p:张某"), person("p:杨某"))
	bad[5] = fwd("c5-06", 2*time.Hour, "FORWARD", person("p:张某"), person("p:陶某"), venue("g:x", "GROUP_CHAT", "INTERNAL", 1))
	r := c.Do(t, record, map[string]any{"id": id, "f": bad})
	if r.Code() != "INVALID_INPUT" {
		t.Fatalf("%+v", r.Errors)
	}
	// An unknown enum is caught while the request is read; a rule broken by
	// a row is reported with every other such row, by index and field.
	bad[2] = chain[2]
	bad[7] = fwd("c5-08", 4*time.Hour, "FORWARD", venue("wechat-group:民政工作群", "WEBSITE", "INTERNAL", 0),
		venue("wechat-group:乡镇工作群甲", "GROUP_CHAT", "EXTERNAL", 300), person("p:乡镇办公室张主任"))
	r = c.Do(t, record, map[string]any{"id": id, "f": bad})
	rows, _ := json.Marshal(r.Errors[0].Extensions["errors"])
	if r.Code() != "INVALID_INPUT" || !strings.Contains(string(rows), `"field":"by.kind","index":5`) {
		t.Fatalf("%s %+v", rows, r.Errors)
	}
	var n int
	if err := m.DB.Get(&n, `SELECT count(*) FROM forwards`); err != nil || n != 0 {
		t.Fatalf("a refused batch left %d forwards (%v)", n, err)
	}
	bad[5] = chain[5]
	r = c.Do(t, record, map[string]any{"id": id, "f": bad})
	rows, _ = json.Marshal(r.Errors[0].Extensions["errors"])
	if r.Code() != "INVALID_INPUT" || !strings.Contains(string(rows), `"field":"from.kind","index":7`) {
		t.Fatalf("kind clash inside the batch: %s", rows)
	}

	var first, again struct{ RecordForwards []struct{ ID, Key string } }
	c.Must(t, record, map[string]any{"id": id, "f": chain}, &first)
	c.Must(t, record, map[string]any{"id": id, "f": chain}, &again) // a client retry
	if len(again.RecordForwards) != len(chain) || again.RecordForwards[3].ID != first.RecordForwards[3].ID {
		t.Fatalf("retry returned %+v", again.RecordForwards)
	}
	if err := m.DB.Get(&n, `SELECT count(*) FROM forwards`); err != nil || n != len(chain) {
		t.Fatalf("%d forwards after a retry", n)
	}
	// A retry naming other nodes for a recorded key returns the forward as first recorded.
	changed := slices.Clone(chain[:1])
	changed[0] = fwd("c5-01", 0, "FAX", person("p:别人"), venue("fax:另一台", "FAX", "INTERNAL", 0), person("p:别人"))
	var retried struct {
		RecordForwards []struct {
			ID   string
			From struct{ Key string }
		}
	}
	c.Must(t, `mutation($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id from { key } } }`,
		map[string]any{"id": id, "f": changed}, &retried)
	if retried.RecordForwards[0].ID != first.RecordForwards[0].ID || retried.RecordForwards[0].From.Key != "p:宗某" {
		t.Fatalf("retry with other nodes: %+v", retried)
	}
	// A known node named with another kind is refused.
	clash := []map[string]any{fwd("x-1", 5*time.Hour, "FORWARD", venue("p:陶某", "GROUP_CHAT", "INTERNAL", 3), person("p:新人"), person("p:陶某"))}
	if r := c.Do(t, record, map[string]any{"id": id, "f": clash}); r.Code() != "INVALID_INPUT" {
		t.Fatalf("kind clash with a stored node: %+v", r.Errors)
	}

	// Edit and delete one forward; the audit log keeps what it was.
	fid := first.RecordForwards[9].ID
	c.Must(t, `mutation($id: ID!) { updateForward(id: $id, input: {confidence: SUSPECTED, note: "来源待核实"}) { confidence } }`,
		map[string]any{"id": fid}, nil)
	c.Must(t, `mutation($id: ID!) { deleteForward(id: $id) }`, map[string]any{"id": fid}, nil)
	var trail []string
	if err := m.DB.Select(&trail, `SELECT changes FROM audit_log WHERE action = 'spread.forward_delete'`); err != nil || len(trail) != 1 ||
		!strings.Contains(trail[0], `"key":"c5-10"`) || !strings.Contains(trail[0], `"note":"来源待核实"`) {
		t.Fatalf("audit of the delete: %v %v", trail, err)
	}

	// The list's counts, read in one batch.
	var counted struct {
		Incidents struct {
			Edges []struct {
				Node struct {
					Counts struct{ Tasks, OpenTasks, Evidence, Forwards int }
				}
			}
		}
	}
	c.Must(t, `{ incidents { edges { node { counts { tasks openTasks evidence forwards } } } } }`, nil, &counted)
	if got := counted.Incidents.Edges[0].Node.Counts; got.Forwards != len(chain)-1 || got.Evidence != 0 || got.OpenTasks > got.Tasks {
		t.Fatalf("counts: %+v", got)
	}

	// Takedown of the largest group takes it off the frontier and meets the containment gate.
	var node struct {
		Incident struct {
			Spread struct{ Frontier []struct{ ID, Key string } }
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { spread { frontier { id key } } } }`, map[string]any{"id": id}, &node)
	top := node.Incident.Spread.Frontier[0]
	c.Must(t, `mutation($n: ID!) { setNodeContainment(nodeId: $n, input: {status: CONFIRMED_REMOVED, requestedTo: "群主",
		requestedAt: "2026-02-04T11:00:00+08:00"}) { containment { status } } }`, map[string]any{"n": top.ID}, nil)
	s := analyse(t, c, id, "x")
	if slices.Contains(keys(s.Frontier), top.Key) {
		t.Fatalf("removed venue still on the frontier: %v", keys(s.Frontier))
	}
	// A venue found to be public with more members: the analysis follows the edit.
	var edited struct {
		UpdateNode struct {
			Name, Exposure string
			MemberCount    int
		}
	}
	c.Must(t, `mutation($n: ID!) { updateNode(id: $n, input: {name: "  外网论坛  ", exposure: PUBLIC, memberCount: 5000}) { name exposure memberCount } }`,
		map[string]any{"n": top.ID}, &edited)
	if edited.UpdateNode.Name != "外网论坛" || edited.UpdateNode.Exposure != "PUBLIC" || edited.UpdateNode.MemberCount != 5000 {
		t.Fatalf("updateNode: %+v", edited)
	}
	if err := m.DB.Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'spread.node_update' AND changes LIKE '%外网论坛%'`); err != nil || n != 1 {
		t.Fatalf("audit of the node edit: %d %v", n, err)
	}
	for _, bad := range []struct{ input, field string }{
		{`{name: " "}`, "input.name"},
		{`{memberCount: -1}`, "input.memberCount"},
		{`{unit: "办公室"}`, "input"}, // a venue has no unit
	} {
		r := c.Do(t, `mutation($n: ID!) { updateNode(id: $n, input: `+bad.input+`) { id } }`, map[string]any{"n": top.ID})
		if r.Code() != "INVALID_INPUT" || r.Errors[0].Extensions["field"] != bad.field {
			t.Fatalf("updateNode %s: %+v", bad.input, r.Errors)
		}
	}
	if r := c.Do(t, `mutation { updateNode(id: "0190a3c4-0000-7000-8000-000000000000", input: {name: "x"}) { id } }`, nil); r.Code() != "NOT_FOUND" {
		t.Fatalf("updateNode of no node: %+v", r.Errors)
	}
	c.Must(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INITIAL_RESPONSE) { id } }`, map[string]any{"id": id}, nil)
	r = c.Do(t, `mutation($id: ID!) { advanceIncident(id: $id, to: INVESTIGATION) { id } }`, map[string]any{"id": id})
	unmet, _ := json.Marshal(r.Errors[0].Extensions["unmet"])
	if strings.Contains(string(unmet), "initial.containment") {
		t.Fatalf("venue containment did not count: %s", unmet)
	}

	// Exports, for the UI and other tools.
	for path, want := range map[string]string{"/spread.json": `"key":"c5-01"`, "/spread.graphml": `<edge id="c5-01"`} {
		if status, body := c.Send(t, http.MethodGet, "/incidents/"+ref+path, ""); status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("%s: %d %.300s", path, status, body)
		}
	}
	anon := &testgql.Client{URL: m.URL()}
	if status, _ := anon.Send(t, http.MethodGet, "/incidents/"+ref+"/spread.json", ""); status != http.StatusUnauthorized {
		t.Fatalf("anonymous export: %d", status)
	}
}

func TestImportUpload(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	_, ref := openCase(t, c, "上传导入")
	upload := func(body string) (int, string) {
		return c.Send(t, http.MethodPost, "/incidents/"+ref+"/forwards", body)
	}
	csv := "key,at,method,from_key,from_kind,to_key,to_kind,to_exposure,to_member_count,by_key,alterations\n" +
		"u1,2026-02-03T09:00:00+08:00,PHOTO,p:甲,PERSON,p:乙,PERSON,,,p:甲,\n" +
		"u2,2026-02-03T10:00:00+08:00,POST,p:乙,PERSON,g:群,GROUP_CHAT,EXTERNAL,88,p:乙,CLASSIFICATION_MARK_COVERED;DOCUMENT_NUMBER_CROPPED\n"
	if status, body := upload(csv); status != http.StatusOK || !strings.Contains(body, `"forwards":2`) {
		t.Fatalf("csv: %d %s", status, body)
	}
	jsonl := `{"key":"u3","at":"2026-02-03T11:00:00+08:00","method":"FORWARD","from":{"key":"g:群","kind":"GROUP_CHAT"},"to":{"key":"p:丙","kind":"PERSON"},"by":{"key":"p:丙","kind":"PERSON"}}` + "\n"
	if status, body := upload(jsonl); status != http.StatusOK || !strings.Contains(body, `"forwards":1`) {
		t.Fatalf("jsonl: %d %s", status, body)
	}
	for _, bad := range []string{"", "key,at\nx,y\n", "nonsense,column\n", "{\"key\": 1}\n",
		"key,at,method,from_key,from_kind,to_key,to_kind,by_key\nz,yesterday,PHOTO,a,PERSON,b,PERSON,a\n"} {
		if status, body := upload(bad); status != http.StatusBadRequest || !strings.Contains(body, "INVALID_INPUT") {
			t.Fatalf("%q: %d %s", bad, status, body)
		}
	}
}

// The import reads the times people paste in the upload's zone (Asia/Shanghai
// unless named), lists every bad row in one answer, and completes the nodes it
// names again; its template downloads without signing in and imports as is.
func TestImportDailyUse(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, ref := openCase(t, c, "粘贴导入")
	upload := func(query, body string) (int, string) {
		return c.Send(t, http.MethodPost, "/incidents/"+ref+"/forwards"+query, body)
	}
	header := "key,at,method,from_key,from_kind,to_key,to_kind,to_exposure,to_member_count,by_key\n"
	if status, body := upload("", header+"t1,2026-11-24 21:15,PHOTO,p:甲,PERSON,g:群,GROUP_CHAT,INTERNAL,,p:甲\n"); status != http.StatusOK {
		t.Fatalf("default zone: %d %s", status, body)
	}
	if status, body := upload("?timeZone=Asia/Tokyo", header+
		"t2,2026/11/24 22:15,FORWARD,g:群,GROUP_CHAT,p:乙,PERSON,,,p:乙\n"+
		"t3,2026-11-24T21:20:00+08:00,POST,p:乙,PERSON,g:群,GROUP_CHAT,EXTERNAL,88,p:乙\n"); status != http.StatusOK {
		t.Fatalf("named zone: %d %s", status, body)
	}
	var out struct {
		Incident struct {
			Spread struct {
				PathTo   []struct{ Key, At string }
				Frontier []struct {
					Key         string
					Exposure    string
					MemberCount *int
				}
			}
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { spread { pathTo(nodeKey: "p:乙") { key at }
		frontier { key exposure memberCount } } } }`, map[string]any{"id": id}, &out)
	sp := out.Incident.Spread
	// 21:15 in Shanghai and 22:15 in Tokyo are the same instant.
	if len(sp.PathTo) != 2 || !sameInstant(t, sp.PathTo[0].At, "2026-11-24T21:15:00+08:00") ||
		!sameInstant(t, sp.PathTo[1].At, "2026-11-24T13:15:00Z") {
		t.Fatalf("times %+v", sp.PathTo)
	}
	// The group was recorded INTERNAL with no audience; the later row set both.
	if len(sp.Frontier) != 1 || sp.Frontier[0].Exposure != "EXTERNAL" || sp.Frontier[0].MemberCount == nil ||
		*sp.Frontier[0].MemberCount != 88 {
		t.Fatalf("the group was not updated: %+v", sp.Frontier)
	}
	var audited int
	if err := m.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'spread.record' AND changes::jsonb ? 'updatedNodes'`); err != nil || audited != 1 {
		t.Fatalf("audited node updates: %d %v", audited, err)
	}

	if status, body := upload("?timeZone=Mars/Olympus", header+"t4,2026-11-24 21:15,PHOTO,p:甲,PERSON,p:丙,PERSON,,,p:甲\n"); status != http.StatusBadRequest ||
		!strings.Contains(body, `"field":"timeZone"`) {
		t.Fatalf("bad zone: %d %s", status, body)
	}

	status, body := upload("", header+
		"b1,明天,PHOTO,p:甲,PERSON,p:丙,PERSON,,,p:甲\n"+
		"b2,2026-11-24 21:30,PHOTO,p:甲,PERSON,p:丁,PERSON,,,p:甲\n"+
		"b3,2026-11-24 21:30,PHOTO,p:甲,PERSON,g:群2,GROUP_CHAT,EXTERNAL,很多,p:甲\n"+
		"b4,2026-11-24 21:30,SHOUT,p:甲,PERSON,p:戊,PERSON,,,p:甲\n")
	var answer struct {
		Errors []struct {
			Extensions struct {
				Code   string
				Errors []struct {
					Index, Line    int
					Field, Message string
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &answer); err != nil || status != http.StatusBadRequest || len(answer.Errors) != 1 {
		t.Fatalf("three bad rows: %d %s", status, body)
	}
	rows := answer.Errors[0].Extensions.Errors
	if len(rows) != 3 || rows[0].Line != 2 || rows[0].Field != "at" || rows[1].Line != 4 || rows[1].Field != "to.memberCount" ||
		rows[2].Line != 5 || rows[2].Field != "method" {
		t.Fatalf("three bad rows: %s", body)
	}

	anon := &testgql.Client{URL: m.URL()}
	status, template := anon.Send(t, http.MethodGet, "/forwards-template.csv", "")
	if status != http.StatusOK || !strings.Contains(template, "2026-11-24 21:15") || !strings.Contains(template, "同学群") {
		t.Fatalf("template: %d %s", status, template)
	}
	_, ref2 := openCase(t, c, "模板导入")
	if status, body := c.Send(t, http.MethodPost, "/incidents/"+ref2+"/forwards", template); status != http.StatusOK ||
		!strings.Contains(body, `"forwards":2`) {
		t.Fatalf("the template does not import: %d %s", status, body)
	}
}

func sameInstant(t *testing.T, got, want string) bool {
	t.Helper()
	g, err1 := time.Parse(time.RFC3339, got)
	w, err2 := time.Parse(time.RFC3339, want)
	return err1 == nil && err2 == nil && g.Equal(w)
}

// The import matches people and venues by key, never by name: a second 王某
// under another key is a new person, flagged as having an existing person's
// name; the answer counts what was matched and created, by_exposure sets the
// forwarder's exposure, and every bad row carries a problem code to word.
func TestImportMatchesByKeyAndFlagsSameNames(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	id, ref := openCase(t, c, "同名导入")
	upload := func(body string) (int, string) {
		return c.Send(t, http.MethodPost, "/incidents/"+ref+"/forwards", body)
	}
	header := "key,at,method,from_key,from_kind,from_name,to_key,to_kind,to_name,by_key,by_name,by_exposure,item_key\n"
	type answer struct {
		Forwards       int
		People, Venues struct{ Matched, Created int }
		SameName       []struct {
			Key, Kind, Name string
			Others          []struct{ Key, Name string }
		}
		SameNameCount int
	}
	read := func(status int, body string) answer {
		t.Helper()
		var a answer
		if err := json.Unmarshal([]byte(body), &a); err != nil || status != http.StatusOK {
			t.Fatalf("%d %s", status, body)
		}
		return a
	}
	a := read(upload(header + "w1,2026-11-24 21:15,PHOTO,p:王某,PERSON,王某,g:群,GROUP_CHAT,工作群,p:王某,王某,,\n"))
	if a.Forwards != 1 || a.People.Created != 1 || a.Venues.Created != 1 || a.People.Matched+a.Venues.Matched != 0 || len(a.SameName) != 0 {
		t.Fatalf("first import %+v", a)
	}
	a = read(upload(header + "w2,2026-11-24 21:20,FORWARD,g:群,GROUP_CHAT,,p:王某-2,PERSON,王某,p:王某-2,王某,EXTERNAL,\n"))
	if a.Forwards != 1 || a.People != (struct{ Matched, Created int }{0, 1}) || a.Venues != (struct{ Matched, Created int }{1, 0}) ||
		a.SameNameCount != 1 || len(a.SameName) != 1 || a.SameName[0].Key != "p:王某-2" || a.SameName[0].Name != "王某" ||
		len(a.SameName[0].Others) != 1 || a.SameName[0].Others[0].Key != "p:王某" {
		t.Fatalf("second 王某 %+v", a)
	}
	var out struct {
		Incident struct {
			Spread struct {
				Nodes []struct{ Key, Name, Exposure string }
			}
		}
	}
	c.Must(t, `query($id: ID!) { incident(id: $id) { spread { nodes { key name exposure } } } }`, map[string]any{"id": id}, &out)
	exposure := map[string]string{}
	for _, n := range out.Incident.Spread.Nodes {
		exposure[n.Key] = n.Exposure
	}
	if len(exposure) != 3 || exposure["p:王某"] != "INTERNAL" || exposure["p:王某-2"] != "EXTERNAL" {
		t.Fatalf("nodes %+v", out.Incident.Spread.Nodes)
	}

	// Bad rows: each with its line, field, problem and params; a row refused
	// only when recorded (an unknown leaked item) has its line too.
	var bad struct {
		Errors []struct {
			Extensions struct {
				Errors []struct {
					Line           int
					Field, Problem string
					Params         map[string]any
				}
			}
		}
	}
	status, body := upload(header +
		"x1,明天,PHOTO,p:王某,PERSON,,p:乙,PERSON,,p:王某,,,\n" +
		"x2,2026-11-24 21:30,SHOUT,p:王某,PERSON,,p:乙,PERSON,,p:王某,,,\n" +
		",2026-11-24 21:30,PHOTO,p:王某,PERSON,,p:乙,PERSON,,p:王某,,,\n")
	if err := json.Unmarshal([]byte(body), &bad); err != nil || status != http.StatusBadRequest || len(bad.Errors) != 1 {
		t.Fatalf("bad rows: %d %s", status, body)
	}
	rows := bad.Errors[0].Extensions.Errors
	if len(rows) != 3 || rows[0].Line != 2 || rows[0].Problem != "BAD_TIME" || rows[0].Params["value"] != "明天" ||
		rows[1].Line != 3 || rows[1].Problem != "UNKNOWN_VALUE" || rows[1].Field != "method" ||
		rows[2].Line != 4 || rows[2].Problem != "REQUIRED" || rows[2].Field != "key" {
		t.Fatalf("bad rows: %s", body)
	}
	status, body = upload(header + "y1,2026-11-24 21:40,PHOTO,p:王某,PERSON,,p:乙,PERSON,,p:王某,,,没有的文件\n")
	if err := json.Unmarshal([]byte(body), &bad); err != nil || status != http.StatusBadRequest {
		t.Fatalf("unknown item: %d %s", status, body)
	}
	if rows := bad.Errors[0].Extensions.Errors; len(rows) != 1 || rows[0].Line != 2 || rows[0].Problem != "UNKNOWN_ITEM" {
		t.Fatalf("unknown item: %s", body)
	}
}
