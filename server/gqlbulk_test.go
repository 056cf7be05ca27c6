package server_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/testgql"
)

// A batch large enough to be decoded aside (past 512 KiB) records as a small
// one does: every row, the answer in order, a retry left as it was; a value
// GraphQL refuses is refused as ever; and an Idempotency-Key still tells two
// large batches apart.
func TestLargeRecordForwardsRequest(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	id, _ := openCase(t, c, "大批量")
	const n = 3000
	batch := func(prefix string) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			to := person(fmt.Sprint("p:", prefix, i+1))
			if i%3 == 0 {
				to = venue(fmt.Sprint("g:", prefix, i+1), "GROUP_CHAT", "EXTERNAL", 10+i)
			}
			by := person(fmt.Sprint("p:", prefix, "sender"))
			out[i] = fwd(fmt.Sprint(prefix, i), time.Duration(i)*time.Second, "FORWARD", by, to, by)
		}
		out[1]["alterations"], out[2]["note"] = []string{"RETYPED"}, "备注"
		return out
	}
	var got struct{ RecordForwards []struct{ ID, Key string } }
	big := batch("a")
	c.Must(t, record, map[string]any{"id": id, "f": big}, &got)
	if len(got.RecordForwards) != n || got.RecordForwards[n-1].Key != fmt.Sprint("a", n-1) {
		t.Fatalf("%d forwards answered", len(got.RecordForwards))
	}
	var stored struct {
		Count       int
		Alterations string
		Note        string
	}
	if err := m.DB.Get(&stored, `SELECT count(*) AS count, max(alterations::text) FILTER (WHERE key = 'a1') AS alterations,
		max(note) FILTER (WHERE key = 'a2') AS note FROM forwards`); err != nil ||
		stored.Count != n || stored.Alterations != "{RETYPED}" || stored.Note != "备注" {
		t.Fatalf("stored %+v %v", stored, err)
	}
	var again struct{ RecordForwards []struct{ ID, Key string } }
	c.Must(t, record, map[string]any{"id": id, "f": big}, &again)
	if again.RecordForwards[7].ID != got.RecordForwards[7].ID {
		t.Fatal("a retry of a large batch recorded it again")
	}
	bad := batch("b")
	bad[5]["method"] = "TELEPATHY"
	if r := c.Do(t, record, map[string]any{"id": id, "f": bad}); r.Code() != "INVALID_INPUT" {
		t.Fatalf("unknown method: %+v", r.Errors)
	}
	bad[5]["method"], bad[6]["colour"] = "FORWARD", "red"
	if r := c.Do(t, record, map[string]any{"id": id, "f": bad}); len(r.Errors) == 0 {
		t.Fatal("an unknown field was taken")
	}
	with := &testgql.Client{URL: c.URL, Token: c.Token, IdempotencyKey: "k-large"}
	with.Must(t, record, map[string]any{"id": id, "f": batch("c")}, nil)
	if r := with.Do(t, record, map[string]any{"id": id, "f": batch("d")}); r.Code() != "CONFLICT" || r.Errors[0].Extensions["idempotency"] != "KEY_REUSED" {
		t.Fatalf("same key, another large batch: %+v", r.Errors)
	}
}
