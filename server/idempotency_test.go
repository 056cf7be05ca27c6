package server_test

import (
	"io"
	"net/http"
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

// A key is bound to its request: sent again with another mutation or other
// variables it is refused, not answered with the first request's answer.
func TestIdempotencyKeyIsBoundToItsRequest(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "幂等绑定")
	with := &testgql.Client{URL: c.URL, Token: c.Token, IdempotencyKey: "k-bound"}
	addTask := `mutation($id: ID!, $t: String!) { addTask(incidentId: $id, input: {title: $t}) { id title } }`
	with.Must(t, addTask, map[string]any{"id": id, "t": "第一项"}, nil)
	reused := func(r testgql.Response) bool {
		return r.Code() == "CONFLICT" && r.Errors[0].Extensions["idempotency"] == "KEY_REUSED" && r.Header.Get("Idempotent-Replayed") == ""
	}
	if r := with.Do(t, addTask, map[string]any{"id": id, "t": "第二项"}); !reused(r) {
		t.Fatalf("same key, other variables: %s %+v", r.Data, r.Errors)
	}
	if r := with.Do(t, `mutation { createApiToken(name: "other") { token } }`, nil); !reused(r) {
		t.Fatalf("same key, another mutation: %s %+v", r.Data, r.Errors)
	}
	var n int
	if err := m.DB.Get(&n, `SELECT (SELECT count(*) FROM tasks WHERE title = '第二项') + (SELECT count(*) FROM api_tokens)`); err != nil || n != 0 {
		t.Fatalf("a reused key changed something (%d): %v", n, err)
	}
	if r := with.Do(t, addTask, map[string]any{"id": id, "t": "第一项"}); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the same request again: %+v", r.Errors)
	}

	// An import is bound by its file.
	_, ref := openCase(t, c, "幂等导入")
	upload := func(body string) (int, string, string) {
		req, _ := http.NewRequest(http.MethodPost, c.URL+"/incidents/"+ref+"/forwards", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+c.Token)
		req.Header.Set("Idempotency-Key", "k-import")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header.Get("Idempotent-Replayed")
	}
	const header = "key,at,method,from_key,from_kind,to_key,to_kind,by_key\n"
	file := header + "i1,2026-02-03T09:00:00+08:00,PHOTO,p:甲,PERSON,p:乙,PERSON,p:甲\n"
	if status, body, _ := upload(file); status != http.StatusOK || !strings.Contains(body, `"forwards":1`) {
		t.Fatalf("import: %d %s", status, body)
	}
	if status, body, replayed := upload(file); status != http.StatusOK || replayed != "true" {
		t.Fatalf("import retried: %d %s %q", status, body, replayed)
	}
	other := header + "i2,2026-02-03T09:00:00+08:00,PHOTO,p:甲,PERSON,p:丙,PERSON,p:甲\n"
	if status, body, _ := upload(other); status != http.StatusConflict || !strings.Contains(body, "KEY_REUSED") {
		t.Fatalf("another file with the key: %d %s", status, body)
	}
}

// Answers that carry a secret are never kept: a retry is told the change was
// made, and only once.
func TestIdempotencyKeepsNoSecrets(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	with := func(key string) *testgql.Client {
		return &testgql.Client{URL: c.URL, Token: c.Token, IdempotencyKey: key}
	}
	for key, op := range map[string]string{
		"k-token": `mutation { createApiToken(name: "nightly export") { token } }`,
		"k-login": `mutation { login(username: "resp", password: "` + password + `") { token } }`,
	} {
		first := with(key).Do(t, op, nil)
		if first.Errors != nil || !strings.Contains(string(first.Data), `"token":"lt`) {
			t.Fatalf("%s: %s %+v", key, first.Data, first.Errors)
		}
		var kept int
		if err := m.DB.Get(&kept, `SELECT count(*) FROM idempotency_keys WHERE key = $1 AND response IS NULL AND request_hash IS NOT NULL`, key); err != nil || kept != 1 {
			t.Fatalf("%s: the key is not held without its answer (%d): %v", key, kept, err)
		}
		if r := with(key).Do(t, op, nil); r.Code() != "CONFLICT" || r.Errors[0].Extensions["idempotency"] != "APPLIED" {
			t.Fatalf("%s retried: %s %+v", key, r.Data, r.Errors)
		}
	}
	var stored int
	if err := m.DB.Get(&stored, `SELECT count(*) FROM idempotency_keys WHERE position('"token"'::bytea in response) > 0`); err != nil || stored != 0 {
		t.Fatalf("%d answers with a token kept: %v", stored, err)
	}
	var tokens int
	if err := m.DB.Get(&tokens, `SELECT count(*) FROM api_tokens`); err != nil || tokens != 1 {
		t.Fatalf("%d tokens from one key sent twice: %v", tokens, err)
	}
}
