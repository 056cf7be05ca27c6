package discipline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/discipline"
	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/report"
	"github.com/leaktrail/leaktrail/ui/web/src/locales"
	"github.com/leaktrail/leaktrail/workflow"
)

// What the report upward says of responsibility follows the case: under
// investigation with no finding, the reason when no one is responsible,
// the findings with their outcomes only for a reader of outcomes. The open
// requirements of the stage are listed; without a notification the
// addressee is left to be filled in; the level is worded on the case's scale.
func TestLeakReportFollowsTheCase(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 2, 3, 1, 0, 0, 0, time.UTC)
	decided := at
	base := func() *discipline.CaseFile {
		return &discipline.CaseFile{Incident: discipline.CaseIncident{Reference: "LT-2026-0009", LeakedItem: "会议纪要", Classification: "SECRET",
			Jurisdiction: "TW", DetectedAt: at, DetectionMethod: "SELF_REPORT", ReportedBy: "本人", Stage: "INVESTIGATION"}}
	}
	text := func(cf *discipline.CaseFile, lang string, is discipline.Issue) string {
		is.Now = at
		return report.Markdown(discipline.LeakReportDocument(cf, lang, is))
	}
	l := func(key string, params ...string) string { return locales.Label("zh-CN", key, params...) }

	md := text(base(), "zh-CN", discipline.Issue{Open: []workflow.Result{{ID: "investigation.root_cause"}, {ID: "task:1", TaskID: "1", Description: "约谈杨某"}}})
	for _, want := range []string{l("leakReport.underInvestigation"), l("leakReport.toBeFilled"), l("requirement.investigation.root_cause"),
		"约谈杨某", l("classification.TW.SECRET"), l("leakReport.quantityUnknown"), l("leakReport.rootCauseOpen")} {
		if !strings.Contains(md, want) {
			t.Errorf("lacks %q:\n%s", want, md)
		}
	}

	none := base()
	none.Incident.NoResponsibleReason = "论坛自动抓取"
	if md := text(none, "zh-CN", discipline.Issue{}); !strings.Contains(md, l("reportDoc.noResponsible", "reason", "论坛自动抓取")) {
		t.Errorf("no reason given:\n%s", md)
	}

	found := base()
	found.Findings = []discipline.CaseFinding{{Finding: &discipline.Finding{ID: uuid.New(), PersonName: "杨某", Kind: discipline.Direct, Facts: "翻拍"},
		Outcomes: []discipline.CaseOutcome{{Outcome: &discipline.Outcome{Type: "ADMIN_DEMERIT", DecidingBody: "县纪委监委", Status: "DECIDED", DecidedOn: &decided}}}}}
	to := &incident.Notification{Authority: incident.Authority("CONFIDENTIALITY_BUREAU")}
	hidden := text(found, "zh-CN", discipline.Issue{To: to})
	if !strings.Contains(hidden, "杨某") || !strings.Contains(hidden, l("reportDoc.outcomesHidden")) || strings.Contains(hidden, "县纪委监委") ||
		!strings.Contains(hidden, l("authority.CONFIDENTIALITY_BUREAU")) {
		t.Errorf("outcomes shown to a reader outside the tier, or addressee missing:\n%s", hidden)
	}
	if shown := text(found, "en", discipline.Issue{SeeOutcomes: true}); !strings.Contains(shown, "县纪委监委") ||
		!strings.Contains(shown, locales.Label("en", "discipline.types.ADMIN_DEMERIT")) {
		t.Errorf("outcomes hidden from their tier:\n%s", shown)
	}
}
