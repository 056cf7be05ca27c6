package server_test

import (
	"fmt"
	"testing"
)

// The list screen's query costs the same few statements whatever the page
// size: every nested field is one batch for the whole page.
func TestIncidentListStatementsDoNotGrowWithThePage(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	if _, err := m.DB.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		t.Fatalf("pg_stat_statements (withservices preloads it): %v", err)
	}
	const list = `query($n: Int) { incidents(first: $n) { totalCount edges { node { id title lead { displayName }
		tasks { title done } counts { tasks openTasks evidence forwards } reportUpward { required deadline notifiedAt met }
		notifications { authority } } } } }`
	statements := func(n int) float64 {
		var before, after float64
		count := `SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
			WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'`
		if err := m.DB.Get(&before, count); err != nil {
			t.Fatal(err)
		}
		c.Must(t, list, map[string]any{"n": n}, nil)
		if err := m.DB.Get(&after, count); err != nil {
			t.Fatal(err)
		}
		return after - before
	}
	for i := range 12 {
		openCase(t, c, fmt.Sprintf("列表 %02d", i))
	}
	few, many := statements(2), statements(12)
	t.Logf("statements per list request: %v with 2 incidents, %v with 12", few, many)
	if few != many || many > 6 {
		t.Fatalf("statements for 2 incidents: %v, for 12: %v (want the same, at most 6)", few, many)
	}
}
