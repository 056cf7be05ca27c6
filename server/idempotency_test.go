package server_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/leaktrail/leaktrail/internal/testgql"
)

func TestIdempotencyKeyMakesRetriesSafe(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "幂等重试")
	addTask := `mutation($id: ID!, $t: String!) { addTask(incidentId: $id, input: {title: $t}) { id title } }`
	tasks := func(title string) int {
		var n int
		if err := m.DB.Get(&n, `SELECT count(*) FROM tasks WHERE title = $1`, title); err != nil {
			t.Fatal(err)
		}
		return n
	}
	with := func(key string) *testgql.Client {
		return &testgql.Client{URL: c.URL, Token: c.Token, IdempotencyKey: key}
	}

	// A retry gets the first answer again and adds nothing.
	first := with("k-1").Do(t, addTask, map[string]any{"id": id, "t": "核实群成员"})
	again := with("k-1").Do(t, addTask, map[string]any{"id": id, "t": "核实群成员"})
	if first.Errors != nil || string(again.Data) != string(first.Data) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %s %+v / %s %q", first.Data, first.Errors, again.Data, again.Header.Get("Idempotent-Replayed"))
	}
	if n := tasks("核实群成员"); n != 1 {
		t.Fatalf("%d tasks after a retry", n)
	}

	// A refused mutation keeps no key: the corrected retry goes through.
	if r := with("k-2").Do(t, addTask, map[string]any{"id": id, "t": " "}); r.Code() != "INVALID_INPUT" {
		t.Fatalf("blank title: %+v", r.Errors)
	}
	with("k-2").Must(t, addTask, map[string]any{"id": id, "t": "调取聊天记录"}, nil)

	// The change was made but its answer was lost: the retry says so instead of repeating it.
	with("k-3").Must(t, addTask, map[string]any{"id": id, "t": "通知群主"}, nil)
	if _, err := m.DB.Exec(`UPDATE idempotency_keys SET status = NULL, response = NULL WHERE key = 'k-3'`); err != nil {
		t.Fatal(err)
	}
	r := with("k-3").Do(t, addTask, map[string]any{"id": id, "t": "通知群主"})
	if r.Code() != "CONFLICT" || r.Errors[0].Extensions["idempotency"] != "APPLIED" || tasks("通知群主") != 1 {
		t.Fatalf("retry after a lost answer: %d %+v", r.Status, r.Errors)
	}

	// The same key sent at once by several clients: one change.
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() { with("k-4").Do(t, addTask, map[string]any{"id": id, "t": "并发重试"}) })
	}
	wg.Wait()
	if n := tasks("并发重试"); n != 1 {
		t.Fatalf("%d tasks from one key sent six times at once", n)
	}

	// Reads are not kept; an overlong key is refused.
	with("k-5").Must(t, `query { incidents { totalCount } }`, nil, nil)
	var kept int
	if err := m.DB.Get(&kept, `SELECT count(*) FROM idempotency_keys WHERE key = 'k-5'`); err != nil || kept != 0 {
		t.Fatalf("a read kept its key: %d %v", kept, err)
	}
	if r := with(strings.Repeat("k", 201)).Do(t, addTask, map[string]any{"id": id, "t": "x"}); r.Code() != "INVALID_INPUT" {
		t.Fatalf("overlong key: %+v", r.Errors)
	}
}
