package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/workflow"
)

const scaleIncidents = 20000

// BenchmarkIncidentList20k is the list screen's page over 20,000 incidents,
// filtered as an investigator does: by a stage and a Chinese search term
// (target: p99 ≤ 100 ms at 16 clients).
func BenchmarkIncidentList20k(b *testing.B) {
	f := newFixture(b)
	seedIncidents(b, f, scaleIncidents)
	lf := serveList(b, f)
	text := "微信群"
	benchList(b, lf, incident.Filter{Stages: []workflow.Stage{workflow.Investigation}, Text: &text}, "list20k")
}

// seedIncidents writes n incidents the bench user leads, copies of one
// opened through the service with their own reference, title, stage and
// detection time, in a few statements. Titles vary over phrases cases are
// named by; one in eight names a WeChat group, a sixth are under
// investigation, a third have tasks.
func seedIncidents(b *testing.B, f *fixture, n int) {
	b.Helper()
	started := time.Now()
	tmpl := f.openIncident(b)
	columns := func(table string, except ...string) string {
		var cols []string
		if err := f.main.DB.Select(&cols, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND NOT column_name = ANY($2) ORDER BY ordinal_position`,
			table, "{"+strings.Join(except, ",")+"}"); err != nil {
			b.Fatal(err)
		}
		return strings.Join(cols, ", ")
	}
	copied := columns("incidents", "id", "reference", "title", "stage", "detected_at", "created_at", "updated_at", "leaked_item")
	members := columns("incident_members", "incident_id")
	for _, stmt := range []string{
		`INSERT INTO incidents (id, reference, title, stage, detected_at, created_at, updated_at, leaked_item, ` + copied + `)
			SELECT gen_random_uuid(), 'LT-2025-' || lpad(g::text, 5, '0'),
				(ARRAY['市直机关微信群转发涉密通知', '某局工作人员QQ群截图外传', '钉钉群转发内部文件', '朋友圈发布会议照片',
					'境外网站出现内部讲话稿', '企业微信外部群误发文件', '飞书文档链接外泄', '政务邮箱附件转发'])[1 + g % 8] || '（' || g || '）',
				(ARRAY['DETECT', 'INITIAL_RESPONSE', 'INVESTIGATION', 'DISCLOSURE', 'RECOVERY', 'CLOSED'])[1 + g % 6],
				now() - g * interval '37 minutes', now() - g * interval '37 minutes', now() - g * interval '37 minutes',
				(ARRAY['会议纪要照片', '红头文件扫描件', '内部讲话录音', '工作群聊天截图'])[1 + g % 4], ` + copied + `
			FROM incidents t CROSS JOIN generate_series(1, $2) g WHERE t.id = $1`,
		`INSERT INTO incident_members (incident_id, ` + members + `)
			SELECT i.id, ` + members + ` FROM incident_members m CROSS JOIN incidents i
			WHERE m.incident_id = $1 AND i.id <> $1 AND $2 > 0`,
		`INSERT INTO tasks (id, incident_id, stage, title, created_by)
			SELECT gen_random_uuid(), i.id, i.stage, '核实群成员名单', i.created_by FROM incidents i
			WHERE i.id <> $1 AND get_byte(uuid_send(i.id), 0) % 3 = 0 AND $2 > 0`,
		`ANALYZE`,
	} {
		args := []any{tmpl.ID, n - 1}
		if stmt == `ANALYZE` {
			args = nil
		}
		if _, err := f.main.DB.Exec(stmt, args...); err != nil {
			b.Fatalf("%v: %.200s", err, stmt)
		}
	}
	b.Logf("dataset: %d incidents in %v", n, time.Since(started).Round(time.Millisecond))
}
