package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/internal/services"
	"github.com/leaktrail/leaktrail/server"
)

// PostgreSQL is crashed (as by `pg_ctl stop -m immediate`) and restarted
// under a write load. Clients retry each change with its Idempotency-Key
// until it is acknowledged. Afterwards every acknowledged change is there,
// none is there twice, the server recovered without a restart, and the
// audit chain verifies.
func TestAcknowledgedWritesSurvivePostgresCrash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The postgres user must reach the folder: not under t.TempDir's private parent.
	dir, err := os.MkdirTemp("", "leaktrail-pgcrash-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pg, err := services.StartPostgres(ctx, services.PostgresOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Stop() })
	if err := pg.CreateDatabase(ctx, "leaktrail"); err != nil {
		t.Fatal(err)
	}
	m, c := startWith(t, func(cfg *server.Config) { cfg.DatabaseURL = pg.AdminURL("leaktrail") })
	id, _ := openCase(t, c, "数据库崩溃")

	var (
		mu           sync.Mutex
		acknowledged = map[string]string{} // title → task id, as answered
		applied      = map[string]bool{}   // made, but the answer was lost
		outage       atomic.Int64          // answers that said the database was away
		internal     atomic.Int64
		stop         atomic.Bool
	)
	client := &http.Client{Timeout: 20 * time.Second}
	add := func(key string) (taskID string, code string, err error) {
		body, _ := json.Marshal(map[string]any{
			"query":     `mutation($id: ID!, $t: String!) { addTask(incidentId: $id, input: {title: $t}) { id } }`,
			"variables": map[string]any{"id": id, "t": key}})
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.Token)
		req.Header.Set("Idempotency-Key", key)
		resp, err := client.Do(req)
		if err != nil {
			return "", "", err
		}
		defer resp.Body.Close()
		var out struct {
			Data struct {
				AddTask *struct{ ID string }
			}
			Errors []struct{ Extensions map[string]any }
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return "", "", fmt.Errorf("status %d, not JSON: %w", resp.StatusCode, err)
		}
		if len(out.Errors) > 0 {
			code, _ := out.Errors[0].Extensions["code"].(string)
			if code == "CONFLICT" && out.Errors[0].Extensions["idempotency"] == "APPLIED" {
				code = "APPLIED"
			}
			return "", code, nil
		}
		return out.Data.AddTask.ID, "", nil
	}
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Go(func() {
			for i := 0; !stop.Load(); i++ {
				key := fmt.Sprintf("w%d-%03d", w, i)
				for deadline := time.Now().Add(60 * time.Second); ; {
					taskID, code, err := add(key)
					mu.Lock()
					switch {
					case taskID != "":
						acknowledged[key] = taskID
					case code == "APPLIED":
						applied[key] = true
					}
					mu.Unlock()
					if taskID != "" || code == "APPLIED" {
						break
					}
					if code == "UNAVAILABLE" || err != nil {
						outage.Add(1)
					} else if code == "INTERNAL" {
						internal.Add(1)
					}
					if time.Now().After(deadline) {
						t.Errorf("%s was never acknowledged: last %q %v", key, code, err)
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}
	time.Sleep(700 * time.Millisecond)
	pg.Crash()
	time.Sleep(time.Second)
	if pg, err = services.StartPostgres(ctx, services.PostgresOptions{Dir: dir, Port: pg.Port}); err != nil {
		stop.Store(true)
		writers.Wait()
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	stop.Store(true)
	writers.Wait()

	if outage.Load() == 0 {
		t.Fatal("no request saw the database away: the crash missed the load")
	}
	if n := internal.Load(); n > 0 {
		t.Errorf("%d answers were INTERNAL during the crash; a lost database is UNAVAILABLE", n)
	}
	var rows []struct{ ID, Title string }
	if err := m.DB.Select(&rows, `SELECT id, title FROM tasks WHERE incident_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	byTitle := map[string][]string{}
	for _, r := range rows {
		byTitle[r.Title] = append(byTitle[r.Title], r.ID)
	}
	for title, ids := range byTitle {
		if len(ids) > 1 {
			t.Errorf("%s is there %d times", title, len(ids))
		}
	}
	for title, taskID := range acknowledged {
		if ids := byTitle[title]; len(ids) != 1 || ids[0] != taskID {
			t.Errorf("acknowledged %s (%s) is not there: %v", title, taskID, ids)
		}
	}
	for title := range applied {
		if len(byTitle[title]) != 1 {
			t.Errorf("%s was reported applied but is not there", title)
		}
	}
	t.Logf("%d acknowledged, %d applied with the answer lost, %d answers during the outage", len(acknowledged), len(applied), outage.Load())

	// The same server, not restarted, works again.
	if status, body := c.Send(t, http.MethodGet, "/readyz", ""); status != http.StatusOK {
		t.Fatalf("readyz after the crash: %d %s", status, body)
	}
	c.Must(t, `mutation($id: ID!) { addTask(incidentId: $id, input: {title: "恢复后"}) { id } }`, map[string]any{"id": id}, nil)
	if v, err := audit.Verify(ctx, m.DB); err != nil || !v.OK {
		t.Fatalf("audit chain after the crash: %+v %v", v, err)
	}
}
