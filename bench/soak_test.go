package bench

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/testgql"
)

// soakRate is the fixed request rate of the soak: reads and writes mixed as
// a busy office would make them.
const soakRate = 40

// BenchmarkSoak drives the real binary at a fixed rate for LEAKTRAIL_SOAK
// (default 5m) with mixed reads and writes — the incident list, an incident
// page, and adding a task (with an Idempotency-Key) — and reports the errors,
// each minute's p99 and the server's resident memory at the start and end.
// It runs once whatever -benchtime says.
func BenchmarkSoak(b *testing.B) {
	duration := 5 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("LEAKTRAIL_SOAK")); err == nil {
		duration = d
	}
	lf := newListFixture(b)
	var ids []string
	if err := lf.main.DB.Select(&ids, `SELECT id FROM incidents ORDER BY created_at DESC LIMIT 200`); err != nil {
		b.Fatal(err)
	}
	done := false
	for b.Loop() {
		if !done {
			soak(b, lf, ids, duration)
			done = true
		}
	}
}

func soak(b *testing.B, lf *listFixture, ids []string, duration time.Duration) {
	const incidentPage = `query($id: ID!) { incident(id: $id) { id reference title stage version lead { displayName }
		reportUpward { required deadline met } gate { met requirements { id met } } tasks { id title done }
		transitions { kind to at by { displayName } } counts { evidence forwards } } }`
	const addTask = `mutation($id: ID!, $t: String!) { addTask(incidentId: $id, input: {title: $t}) { id } }`
	var (
		mu        sync.Mutex
		minute    []time.Duration
		p99s      []float64
		requests  atomic.Int64
		failures  atomic.Int64
		inFlight  sync.WaitGroup
		firstFail atomic.Value
	)
	send := func(i int) {
		defer inFlight.Done()
		c := &testgql.Client{URL: lf.client.URL, Token: lf.client.Token, HTTP: keepAlive}
		id := ids[i%len(ids)]
		var r testgql.Response
		start := time.Now()
		switch i % 10 {
		case 0, 1, 2, 3, 4:
			r = c.Do(b, `{ incidents(first: 25) { totalCount edges { node { id reference title stage lead { displayName } counts { tasks openTasks } } } } }`, nil)
		case 5, 6, 7:
			r = c.Do(b, incidentPage, map[string]any{"id": id})
		default:
			c.IdempotencyKey = fmt.Sprint("soak-", i)
			r = c.Do(b, addTask, map[string]any{"id": id, "t": fmt.Sprint("浸泡测试任务 ", i)})
		}
		took := time.Since(start)
		requests.Add(1)
		if r.Status != http.StatusOK || len(r.Errors) > 0 {
			failures.Add(1)
			firstFail.CompareAndSwap(nil, fmt.Sprintf("%d %+v", r.Status, r.Errors))
		}
		mu.Lock()
		minute = append(minute, took)
		mu.Unlock()
	}
	rssStart := lf.served.rssMiB(b)
	tick := time.NewTicker(time.Second / soakRate)
	defer tick.Stop()
	end := time.Now().Add(duration)
	nextMinute := time.Now().Add(time.Minute)
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		inFlight.Add(1)
		go send(i)
		if time.Now().After(nextMinute) || !time.Now().Before(end) {
			nextMinute = nextMinute.Add(time.Minute)
			mu.Lock()
			slices.Sort(minute)
			if len(minute) > 0 {
				p99 := float64(minute[int(0.99*float64(len(minute)-1))].Microseconds()) / 1000
				p99s = append(p99s, p99)
				b.Logf("minute %d: %d requests, p99 %.1f ms, server RSS %.1f MiB", len(p99s), len(minute), p99, lf.served.rssMiB(b))
			}
			minute = nil
			mu.Unlock()
		}
	}
	inFlight.Wait()
	rssEnd := lf.served.rssMiB(b)
	if f := firstFail.Load(); f != nil {
		b.Logf("first failure: %s", f)
	}
	note("soak.requests", float64(requests.Load()))
	note("soak.errors", float64(failures.Load()))
	if len(p99s) > 0 {
		note("soak.p99.first.ms", p99s[0])
		note("soak.p99.last.ms", p99s[len(p99s)-1])
	}
	note("soak.rss.start.MiB", rssStart)
	note("soak.rss.end.MiB", rssEnd)
	b.ReportMetric(float64(failures.Load()), "errors")
}
