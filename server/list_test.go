package server_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/leaktrail/leaktrail/internal/testgql"
)

// The list screen's query costs the same five statements whatever the page
// size (the session, the page with its total, the leads, the summaries, the
// reports issued): every nested field is one batch for the whole page. So
// does a list asking for every batched field a screen might.
func TestIncidentListStatementsDoNotGrowWithThePage(t *testing.T) {
	t.Parallel()
	m, c := start(t)
	if _, err := m.DB.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		t.Fatalf("pg_stat_statements (withservices preloads it): %v", err)
	}
	const every = `query($n: Int) { incidents(first: $n) { totalCount edges { node { id title lead { displayName }
		tasks { title done } counts { tasks openTasks evidence forwards } reportUpward { required deadline notifiedAt met }
		notifications { authority } nextClock { status } clocks { status canExtend } } } } }`
	statements := func(query string, vars map[string]any) float64 {
		var before, after float64
		count := `SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
			WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'`
		if err := m.DB.Get(&before, count); err != nil {
			t.Fatal(err)
		}
		c.Must(t, query, vars, nil)
		if err := m.DB.Get(&after, count); err != nil {
			t.Fatal(err)
		}
		return after - before
	}
	for i := range 12 {
		openCase(t, c, fmt.Sprintf("列表 %02d", i))
	}
	screen := statements(testgql.IncidentListScreen, nil)
	few, many := statements(every, map[string]any{"n": 2}), statements(every, map[string]any{"n": 12})
	t.Logf("statements per list request: the screen's %v; every batched field: %v with 2 incidents, %v with 12", screen, few, many)
	if screen > 5 {
		t.Errorf("the list screen's query: %v statements (want at most 5)", screen)
	}
	if few != many || many > 7 {
		t.Fatalf("statements for 2 incidents: %v, for 12: %v (want the same, at most 7)", few, many)
	}
}

// The list benchmark and the statement test measure the query the list
// screen sends: the same selection, but for the __typename urql adds.
func TestListScreenQueryIsTheScreens(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../ui/web/src/features/incidents/Incidents.tsx")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)const IncidentsQuery = graphql\\(`(.*?)`\\)").FindSubmatch(src)
	if m == nil {
		t.Fatal("no IncidentsQuery in Incidents.tsx")
	}
	squash := func(q string) string {
		return strings.Join(strings.Fields(strings.ReplaceAll(q, "__typename", "")), " ")
	}
	if got, want := squash(testgql.IncidentListScreen), squash(string(m[1])); got != want {
		t.Fatalf("testgql.IncidentListScreen differs from the screen's query:\n got %s\nwant %s", got, want)
	}
}
