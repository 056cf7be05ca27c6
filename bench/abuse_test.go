package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/internal/testgql"
	"github.com/leaktrail/leaktrail/internal/testserve"
)

// The attacks of the abuse review, each run against the real binary while a
// watcher asks /readyz and a small signed-in query every 50 ms and samples
// the server's resident memory. Targets: peak RSS ≤ 1 GiB, /readyz p99 ≤ 1 s,
// no INTERNAL answer.
const (
	abuseAttackers  = 5
	abuseBodyBytes  = 96 << 20
	abuseImportRows = 100_000
	abuseStallBytes = 16 << 20
	abuseStallHold  = 5 * time.Second
)

type abuseServer struct {
	*testserve.Server
	env       []string
	attackers []*testgql.Client
	watcher   *testgql.Client
	reference string
	incident  string
}

func startAbuseServer(b *testing.B) *abuseServer {
	b.Helper()
	f := newFixture(b)
	for i := range abuseAttackers {
		if _, err := f.main.Auth.AddUser(context.Background(), auth.NewUser{Username: fmt.Sprintf("attacker%d", i),
			Password: "benchmark password", Roles: []auth.Role{auth.Investigator}}); err != nil {
			b.Fatal(err)
		}
	}
	// Behind a "load balancer" on loopback, so that the sign-in attack can
	// come from many addresses, the hardest case for the password budget.
	s := &abuseServer{Server: serveBinaryWith(b, f, "LEAKTRAIL_TRUSTED_PROXIES=127.0.0.1"), env: binaryEnv(f)}
	s.watcher = &testgql.Client{URL: s.URL}
	s.watcher.Login(b, "bench", "benchmark password")
	for i := range abuseAttackers {
		c := &testgql.Client{URL: s.URL}
		c.Login(b, fmt.Sprintf("attacker%d", i), "benchmark password")
		s.attackers = append(s.attackers, c)
	}
	var opened struct {
		OpenIncident struct{ ID, Reference string }
	}
	s.attackers[0].Must(b, `mutation { openIncident(input: {title: "滥用测试", leakedItem: "文件", classification: SECRET,
		detectedAt: "2026-11-01T00:00:00Z", detectionMethod: MONITORING, reportedBy: "监测", whereSeen: "境外网站"}) { id reference } }`, nil, &opened)
	s.incident, s.reference = opened.OpenIncident.ID, opened.OpenIncident.Reference
	var users struct {
		Users []struct{ ID, Username string }
	}
	s.attackers[0].Must(b, `{ users { id username } }`, nil, &users)
	for _, u := range users.Users {
		if strings.HasPrefix(u.Username, "attacker") && u.Username != "attacker0" {
			s.attackers[0].Must(b, `mutation($i: ID!, $u: ID!) { setIncidentMember(incidentId: $i, userId: $u, caseRole: INVESTIGATOR) { caseRole } }`,
				map[string]any{"i": s.incident, "u": u.ID}, nil)
		}
	}
	return s
}

// outcome counts the answers an attack got, by error code ("" for success,
// "refused" when the server closed the connection on a refused body).
type outcome struct {
	mu    sync.Mutex
	codes map[string]int
}

func (o *outcome) add(code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.codes == nil {
		o.codes = map[string]int{}
	}
	o.codes[code]++
}

// answer reads a response's error code, or "" for a success.
func answer(resp *http.Response, err error) string {
	if err != nil {
		return "refused"
	}
	defer resp.Body.Close()
	var body struct {
		Errors []struct{ Extensions map[string]any }
	}
	raw, _ := io.ReadAll(resp.Body)
	json.Unmarshal(raw, &body) //nolint:errcheck // a non-JSON answer counts by its status
	if len(body.Errors) > 0 {
		code, _ := body.Errors[0].Extensions["code"].(string)
		return code
	}
	if resp.StatusCode >= 500 {
		return "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return ""
}

func request(method, url, token string, body io.Reader, header ...string) (*http.Response, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return http.DefaultClient.Do(req)
}

// watch runs attack while asking /readyz and a small query every 50 ms and
// sampling the server's RSS every 10 ms; it notes the figures under name.
func (s *abuseServer) watch(b *testing.B, name string, attack func(o *outcome)) {
	b.Helper()
	pid := s.Cmd.Process.Pid
	os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) //nolint:errcheck // peak from now on, where the kernel allows
	var ready, query []float64
	var peakKiB atomic.Int64
	var watcherErrors atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if kib := procKiB(pid, "VmHWM"); kib > peakKiB.Load() {
				peakKiB.Store(kib)
			}
		}
	})
	var mu sync.Mutex
	probe := func(into *[]float64, do func() (*http.Response, error)) {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			start := time.Now()
			resp, err := do()
			took := time.Since(start).Seconds() * 1000
			if code := answer(resp, err); code != "" || err == nil && resp.StatusCode != http.StatusOK {
				watcherErrors.Add(1)
			}
			mu.Lock()
			*into = append(*into, took)
			mu.Unlock()
		}
	}
	wg.Go(func() {
		probe(&ready, func() (*http.Response, error) { return request(http.MethodGet, s.URL+"/readyz", "", nil) })
	})
	wg.Go(func() {
		probe(&query, func() (*http.Response, error) {
			return request(http.MethodPost, s.URL+"/graphql", s.watcher.Token, strings.NewReader(`{"query":"{ me { id } }"}`),
				"Content-Type", "application/json")
		})
	})
	// Quiet moments before and after, so a quickly refused attack still has
	// probes around it, and the tail of a slow one is seen.
	var o outcome
	time.Sleep(500 * time.Millisecond)
	for b.Loop() {
		attack(&o)
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	note("abuse."+name+".rss.MiB", float64(peakKiB.Load())/1024)
	note("abuse."+name+".readyz.p99.ms", percentile(ready, 0.99))
	note("abuse."+name+".query.p99.ms", percentile(query, 0.99))
	note("abuse."+name+".internal", float64(int64(o.codes["INTERNAL"])+watcherErrors.Load()))
	s.verify(b)
	b.Logf("%s: answers %v; peak RSS %.0f MiB; /readyz p99 %.0f ms (%d probes); query p99 %.0f ms; watcher errors %d",
		name, o.codes, float64(peakKiB.Load())/1024, percentile(ready, 0.99), len(ready), percentile(query, 0.99), watcherErrors.Load())
}

// verify runs `leaktrail audit verify` and `evidence verify` on the
// attacked server's database and bucket: both must come out clean.
func (s *abuseServer) verify(b *testing.B) {
	b.Helper()
	for _, args := range [][]string{{"audit", "verify"}, {"evidence", "verify"}} {
		cmd := exec.Command(binaryPath, args...)
		cmd.Env = append(os.Environ(), s.env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("leaktrail %s after the attack: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	note("abuse.verified", 1)
}

func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// procKiB reads a kB line of another process's /proc status.
func procKiB(pid int, field string) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// parallel runs n copies of fn at once and waits for them.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}

// chunked hides a body's length, as an attacker would, so the server has to
// stop it while reading.
type chunked struct{ io.Reader }

// BenchmarkAbuse runs each attack against a server of its own, so the peak
// memory of one is not left over from another.
func BenchmarkAbuse(b *testing.B) {
	b.Run("bodies", func(b *testing.B) {
		s := startAbuseServer(b)
		// Eight anonymous 96 MiB bodies of millions of tiny objects at once.
		var body bytes.Buffer
		body.WriteString(`{"query":"{me{id}}","variables":{"x":[`)
		for body.Len() < abuseBodyBytes-32 {
			body.WriteString(`{"a":[1,2,3,4]},`)
		}
		body.WriteString(`{}]}}`)
		s.watch(b, "bodies", func(o *outcome) {
			parallel(8, func(int) {
				o.add(answer(request(http.MethodPost, s.URL+"/graphql", "", chunked{bytes.NewReader(body.Bytes())}, "Content-Type", "application/json")))
			})
		})
	})

	b.Run("signins", func(b *testing.B) {
		s := startAbuseServer(b)
		// 200 sign-ins at once, each from its own address behind the proxy.
		round := 0
		s.watch(b, "signins", func(o *outcome) {
			round++
			parallel(200, func(i int) {
				q, _ := json.Marshal(map[string]any{"query": `mutation($u: String!) { login(username: $u, password: "not the password") { token } }`,
					"variables": map[string]any{"u": fmt.Sprintf("guess%d", i)}})
				o.add(answer(request(http.MethodPost, s.URL+"/graphql", "", bytes.NewReader(q), "Content-Type", "application/json",
					"X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", round, i/250, i%250))))
			})
		})
	})

	b.Run("imports", func(b *testing.B) {
		s := startAbuseServer(b)
		// 50 imports of 100,000 rows at once, ten from each of five members.
		var csv bytes.Buffer
		csv.WriteString("key,at,method,from_key,from_kind,to_key,to_kind,by_key\n")
		for i := range abuseImportRows {
			fmt.Fprintf(&csv, "a%d,2026-11-01T10:00:00+08:00,FORWARD,p:%d,PERSON,p:%d,PERSON,p:%d\n", i, i, i+1, i)
		}
		s.watch(b, "imports", func(o *outcome) {
			parallel(50, func(i int) {
				c := s.attackers[i%abuseAttackers]
				o.add(answer(request(http.MethodPost, s.URL+"/incidents/"+s.reference+"/forwards", c.Token,
					bytes.NewReader(csv.Bytes()), "Content-Type", "text/csv")))
			})
		})
	})

	b.Run("stalled-uploads", func(b *testing.B) {
		s := startAbuseServer(b)
		// 60 uploads, twelve from each of five members, that send 16 MiB and stop.
		s.watch(b, "stalled", func(o *outcome) {
			var wg sync.WaitGroup
			release := make(chan struct{})
			for i := range 60 {
				c := s.attackers[i%abuseAttackers]
				var begun struct{ BeginEvidenceUpload struct{ UploadURL string } }
				r := c.Do(b, `mutation($id: ID!, $name: String!) { beginEvidenceUpload(incidentId: $id, input: {fileName: $name,
					acquisition: {from: "x", where: "y", how: "z", at: "2026-01-01T00:00:00Z"}, timeZone: "Asia/Shanghai"}) { uploadUrl } }`,
					map[string]any{"id": s.incident, "name": fmt.Sprintf("stalled%d.bin", i)})
				if len(r.Errors) > 0 {
					o.add(r.Code())
					continue
				}
				json.Unmarshal(r.Data, &begun) //nolint:errcheck // an empty URL fails below
				pr, pw := io.Pipe()
				wg.Go(func() {
					o.add(answer(request(http.MethodPut, s.URL+begun.BeginEvidenceUpload.UploadURL, c.Token, pr,
						"Content-Type", "application/octet-stream")))
				})
				wg.Go(func() {
					pw.Write(make([]byte, abuseStallBytes)) //nolint:errcheck // a refused upload stops reading
					<-release
					pw.CloseWithError(io.ErrUnexpectedEOF)
				})
			}
			time.Sleep(abuseStallHold)
			close(release)
			wg.Wait()
		})
	})

	b.Run("signed-in-bodies", func(b *testing.B) {
		// Sixteen 8 MiB bodies at once, four from each of four members: one
		// object with as many long keys as the shape bound lets through.
		s := startAbuseServer(b)
		var body bytes.Buffer
		body.WriteString(`{"query":"{me{id}}","variables":{"x":{`)
		for i := 0; body.Len() < (8<<20)-64; i++ {
			fmt.Fprintf(&body, `"%040d":1,`, i)
		}
		body.WriteString(`"end":1}}}`)
		s.watch(b, "signedIn", func(o *outcome) {
			parallel(16, func(i int) {
				o.add(answer(request(http.MethodPost, s.URL+"/graphql", s.attackers[i%4].Token, bytes.NewReader(body.Bytes()),
					"Content-Type", "application/json")))
			})
		})
	})

	b.Run("idle-sockets", func(b *testing.B) {
		// 500 websockets from 50 addresses that open and never sign in.
		s := startAbuseServer(b)
		s.watch(b, "sockets", func(o *outcome) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			parallel(500, func(i int) {
				conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql", &websocket.DialOptions{
					Subprotocols: []string{"graphql-transport-ws"},
					HTTPHeader:   http.Header{"X-Forwarded-For": {fmt.Sprintf("10.9.0.%d", i%50)}}})
				if err != nil {
					o.add("refused")
					return
				}
				defer conn.CloseNow()
				if _, _, err := conn.Read(ctx); err != nil {
					o.add("closed")
				}
			})
		})
	})
}
