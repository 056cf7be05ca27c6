package discipline

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/report"
	"github.com/leaktrail/leaktrail/workflow"
)

// ReportKind is which report to the authorities is issued; values match the GraphQL enum.
type ReportKind string

const (
	// Upward is the written report of a leak (泄密事件报告), due within 24
	// hours with the seven items of 报告泄露国家秘密事件的规定 art. 4.
	Upward ReportKind = "UPWARD"
	// Result is the report of the investigation's result (查处结果报告), due
	// within three months (art. 5).
	Result ReportKind = "RESULT"
)

// Issue is what an issued report states beyond the case file.
type Issue struct {
	// To is the recorded notification the report satisfies: its authority
	// is the addressee (报送单位). Nil leaves the addressee to be filled in.
	To *incident.Notification
	// SeeOutcomes is whether the issuer may see disciplinary outcomes.
	SeeOutcomes bool
	// Names are users' display names by id (measures' owners).
	Names map[uuid.UUID]string
	// Open are the requirements of the current stage's gate not yet met.
	Open []workflow.Result
	// SignOff is leadership's accepted review, if any.
	SignOff *SignOff
	Now     time.Time
}

// issued starts a report to the authorities: its title, marking on every
// page, addressee, date and the zone its times are in.
func issued(w words, cf *CaseFile, is Issue, titleKey string) report.Document {
	l := w.l
	d := report.Document{Title: l(titleKey), Marking: w.marking, PageLabel: l("reportDoc.pages"), Language: w.lang}
	to := l("leakReport.toBeFilled")
	if n := is.To; n != nil {
		to = w.code("authority", string(n.Authority))
		if n.Reference != "" {
			to = l("leakReport.toWithReference", "authority", to, "reference", n.Reference)
		}
	}
	_, offset := is.Now.In(w.loc).Zone()
	d.Blocks = append(d.Blocks,
		report.Fields{
			{l("leakReport.to"), to},
			{l("reportDoc.reference"), cf.Incident.Reference},
			{l("leakReport.date"), is.Now.In(w.loc).Format(time.DateOnly)},
		},
		report.Paragraph{Text: l("reportDoc.zone", "zone", w.zone, "offset", utcOffset(offset))})
	return d
}

// signature ends a report with the block its unit signs and seals.
func signature(w words, d *report.Document, now time.Time) {
	l := w.l
	blank := "______________________"
	d.Blocks = append(d.Blocks, report.Heading{Level: 1, Text: l("leakReport.signature")},
		report.Fields{{l("leakReport.unitSeal"), blank}, {l("leakReport.head"), blank}, {l("leakReport.signedOn"), blank}},
		report.Paragraph{Text: l("leakReport.generated", "time", w.at(now))})
}

// carriers describes what leaked: its content, level, quantity and carriers.
func carriers(w words, cf *CaseFile) []report.Block {
	l, inc := w.l, cf.Incident
	quantity := l("leakReport.quantityUnknown")
	if n := len(cf.Chain.Carriers); n > 0 {
		quantity = l("leakReport.quantity", "count", strconv.Itoa(n))
	}
	out := []report.Block{report.Fields{
		{l("reportDoc.leakedItem"), inc.LeakedItem},
		{l("reportDoc.classification"), l("classification.withScale", "level", w.level, "scale", l("classification.scale."+w.scale))},
		{l("reportDoc.secrecyPeriod"), cmp.Or(inc.SecrecyPeriod, "—")},
		{l("leakReport.quantityLabel"), quantity},
	}}
	if len(cf.Chain.Carriers) > 0 {
		t := report.Table{Columns: []report.Column{{Title: l("leakReport.carrier"), Width: 2.2}, {Title: l("leakReport.carrierKind"), Width: 1.2},
			{Title: l("reportDoc.classification"), Width: 0.8}, {Title: l("leakReport.documentNumber"), Width: 1.2}}}
		for _, c := range cf.Chain.Carriers {
			t.Rows = append(t.Rows, []string{c.Title, w.code("leakReport.carrierKinds", c.Kind), w.code("classification."+w.scale, c.Classification),
				cmp.Or(c.DocumentNumber, "—")})
		}
		out = append(out, t)
	}
	return out
}

// responsibility states the findings, and their outcomes when the reader
// may see them; with none, why no one is held responsible or that the
// investigation is still on it.
func responsibility(w words, cf *CaseFile, seeOutcomes bool) []report.Block {
	l := w.l
	switch {
	case len(cf.Findings) == 0 && cf.Incident.NoResponsibleReason != "":
		return []report.Block{report.Paragraph{Text: l("reportDoc.noResponsible", "reason", cf.Incident.NoResponsibleReason)}}
	case len(cf.Findings) == 0:
		return []report.Block{report.Paragraph{Text: l("leakReport.underInvestigation")}}
	}
	t := report.Table{Columns: []report.Column{{Title: l("reportDoc.person"), Width: 0.9}, {Title: l("reportDoc.unitPosition"), Width: 1.1},
		{Title: l("reportDoc.responsibility"), Width: 0.8}, {Title: l("reportDoc.facts"), Width: 3}}}
	outcomes := report.Table{Columns: []report.Column{{Title: l("reportDoc.person"), Width: 0.9}, {Title: l("reportDoc.outcome"), Width: 1.1},
		{Title: l("reportDoc.decidingBody"), Width: 1.1}, {Title: l("reportDoc.status"), Width: 0.7}, {Title: l("reportDoc.decidedOn"), Width: 0.9}}}
	for _, f := range cf.Findings {
		t.Rows = append(t.Rows, []string{f.PersonName, strings.TrimSpace(f.Unit + " " + f.Position), w.code("discipline.kinds", string(f.Kind)), f.Facts})
		for _, o := range f.Outcomes {
			decided := "—"
			if o.DecidedOn != nil {
				decided = o.DecidedOn.Format(time.DateOnly)
			}
			outcomes.Rows = append(outcomes.Rows, []string{f.PersonName, w.code("discipline.types", string(o.Type)), o.DecidingBody,
				w.code("discipline.statuses", string(o.Status)), decided})
		}
	}
	out := []report.Block{t, report.Heading{Level: 2, Text: l("reportDoc.outcomes")}}
	switch {
	case !seeOutcomes:
		return append(out, report.Paragraph{Text: l("reportDoc.outcomesHidden")})
	case len(outcomes.Rows) == 0:
		return append(out, report.Paragraph{Text: l("leakReport.noOutcomeYet")})
	}
	return append(out, outcomes)
}

// course is the leak's time, place and course: the case's account, where it
// started, and its path hop by hop to the first public (or outside) venue.
func course(w words, cf *CaseFile) []report.Block {
	l, c := w.l, cf.Chain
	var out []report.Block
	if strings.TrimSpace(cf.Incident.Summary) != "" {
		out = append(out, report.Quote{Text: cf.Incident.Summary})
	}
	var origins []string
	for _, o := range c.Origins {
		origins = append(origins, o.Name)
	}
	out = append(out, report.Fields{
		{l("reportDoc.origins"), cmp.Or(strings.Join(origins, "、"), "—")},
		{l("reportDoc.forwards"), strconv.Itoa(c.Forwards)}, {l("reportDoc.depth"), strconv.Itoa(c.Depth)},
	})
	switch {
	case len(c.PathToFirstPublic) > 0:
		out = append(out, report.Heading{Level: 2, Text: l("reportDoc.pathToPublic")}, w.pathTable(c.PathToFirstPublic))
	case len(c.PathToFirstExternal) > 0:
		out = append(out, report.Paragraph{Text: l("reportDoc.noPublic")}, report.Heading{Level: 2, Text: l("reportDoc.pathToExternal")},
			w.pathTable(c.PathToFirstExternal))
	default:
		out = append(out, report.Paragraph{Text: l("reportDoc.noExternal")})
	}
	if len(c.Venues) > 0 {
		t := report.Table{Columns: []report.Column{{Title: l("reportDoc.venue"), Width: 2.2}, {Title: l("reportDoc.kind"), Width: 1.1},
			{Title: l("reportDoc.exposure"), Width: 1}}}
		for _, v := range c.Venues {
			t.Rows = append(t.Rows, []string{v.Name, w.code("spread.kind", v.Kind), w.code("spread.exposures", v.Exposure)})
		}
		out = append(out, report.Heading{Level: 2, Text: l("leakReport.reachedVenues")}, t)
	}
	return out
}

// harm is the harm done or likely: how far it reached and what the case
// team assessed.
func harm(w words, cf *CaseFile) []report.Block {
	l, inc, c := w.l, cf.Incident, cf.Chain
	yesNo := map[bool]string{true: l("common.yes"), false: l("common.no")}
	out := []report.Block{report.Fields{
		{l("reportDoc.reachedOutside"), yesNo[inc.ReachedOutside]},
		{l("leakReport.reachedPublic"), yesNo[len(c.PathToFirstPublic) > 0]},
		{l("reportDoc.reached"), strconv.Itoa(c.ReachedNodes)},
		{l("leakReport.reachedVenues"), strconv.Itoa(c.ReachedVenues)},
		{l("reportDoc.audience"), strconv.Itoa(c.EstimatedAudience)},
	}}
	for _, t := range []struct{ key, text string }{{"reportDoc.scope", inc.ScopeAndImportance}, {"reportDoc.impact", inc.BusinessImpact}} {
		text := strings.TrimSpace(t.text)
		out = append(out, report.Heading{Level: 2, Text: l(t.key)})
		if text == "" {
			out = append(out, report.Paragraph{Text: l("leakReport.notAssessed")})
		} else {
			out = append(out, report.Quote{Text: t.text})
		}
	}
	return out
}

// containment lists the containment actions taken.
func containment(w words, cf *CaseFile) report.Block {
	l := w.l
	if len(cf.Containment) == 0 {
		return report.Paragraph{Text: l("reportDoc.none")}
	}
	t := report.Table{Columns: []report.Column{{Title: l("reportDoc.time"), Width: 1.1}, {Title: l("reportDoc.kind"), Width: 1.2},
		{Title: l("reportDoc.description"), Width: 3.2}}}
	for _, a := range cf.Containment {
		t.Rows = append(t.Rows, []string{w.at(a.TakenAt), w.code("containment", string(a.Kind)), a.Description})
	}
	return t
}

// takedowns lists where each venue's takedown stands.
func takedowns(w words, cf *CaseFile) report.Block {
	l := w.l
	if len(cf.Chain.Venues) == 0 {
		return report.Paragraph{Text: l("reportDoc.none")}
	}
	t := report.Table{Columns: []report.Column{{Title: l("reportDoc.venue"), Width: 2.4}, {Title: l("reportDoc.exposure"), Width: 1},
		{Title: l("reportDoc.takedown"), Width: 1.4}}}
	for _, v := range cf.Chain.Venues {
		t.Rows = append(t.Rows, []string{v.Name, w.code("spread.exposures", v.Exposure), w.code("spread.containmentStatus", v.Takedown)})
	}
	return t
}

// measures lists the recurrence-prevention measures.
func measures(w words, cf *CaseFile, names map[uuid.UUID]string) report.Block {
	l := w.l
	if len(cf.Measures) == 0 {
		return report.Paragraph{Text: l("reportDoc.none")}
	}
	t := report.Table{Columns: []report.Column{{Title: l("reportDoc.measure"), Width: 3}, {Title: l("reportDoc.owner"), Width: 1},
		{Title: l("reportDoc.due"), Width: 0.9}, {Title: l("reportDoc.status"), Width: 0.8}}}
	for _, m := range cf.Measures {
		t.Rows = append(t.Rows, []string{m.Title, cmp.Or(names[m.OwnerID], "—"), m.DueOn.Format(time.DateOnly), w.code("discipline.statuses", string(m.Status))})
	}
	return t
}

// LeakReportDocument lays out the written report of a leak (泄密事件报告) in
// lang: the seven items of 报告泄露国家秘密事件的规定 art. 4, each a numbered
// section filled from the case, addressed to the authority of the
// notification it satisfies, marked on every page and left for signing.
func LeakReportDocument(cf *CaseFile, lang string, is Issue) report.Document {
	w := wordsFor(cf.Incident, lang)
	l, inc := w.l, cf.Incident
	d := issued(w, cf, is, "leakReport.title")
	section := func(n int, blocks ...report.Block) {
		d.Blocks = append(d.Blocks, report.Heading{Level: 1, Text: l("leakReport.item" + strconv.Itoa(n))})
		d.Blocks = append(d.Blocks, blocks...)
	}
	section(1, carriers(w, cf)...)
	section(2, report.Fields{
		{l("reportDoc.detectionMethod"), w.code("detection", inc.DetectionMethod)},
		{l("reportDoc.reportedBy"), inc.ReportedBy},
		{l("reportDoc.detectedAt"), w.at(inc.DetectedAt)},
		{l("reportDoc.whereSeen"), cmp.Or(inc.WhereSeen, "—")},
	})
	section(3, responsibility(w, cf, is.SeeOutcomes)...)
	section(4, course(w, cf)...)
	section(5, harm(w, cf)...)
	open := report.Block(report.Paragraph{Text: l("leakReport.gateMet")})
	if len(is.Open) > 0 {
		list := report.List{}
		for _, r := range is.Open {
			list.Items = append(list.Items, requirementText(w, r))
		}
		open = list
	}
	section(6, report.Fields{
		{l("reportDoc.stage"), w.code("stage", inc.Stage)},
		{l("reportDoc.rootCause"), rootCause(w, inc)},
		{l("leakReport.evidenceCount"), strconv.Itoa(len(cf.Evidence))},
	}, report.Heading{Level: 2, Text: l("leakReport.openItems")}, open)
	section(7, containment(w, cf), report.Heading{Level: 2, Text: l("reportDoc.venues")}, takedowns(w, cf),
		report.Heading{Level: 2, Text: l("reportDoc.measures")}, measures(w, cf, is.Names))
	signature(w, &d, is.Now)
	return d
}

// rootCause words the case's root cause, still under investigation when none is recorded.
func rootCause(w words, inc CaseIncident) string {
	if inc.RootCause == "" {
		return w.l("leakReport.rootCauseOpen")
	}
	return w.code("rootCause", inc.RootCause)
}

// requirementText words a gate requirement: the catalog's label, or the
// task's own title for a required task.
func requirementText(w words, r workflow.Result) string {
	if r.TaskID != "" {
		return r.Description
	}
	return w.l("requirement." + r.ID)
}

// ResultReportDocument lays out the report of the investigation's result
// (查处结果报告) in lang: the case in brief, what the investigation found,
// the main cause, responsibility and its outcomes, the measures, the
// takedowns and where the case stands, addressed, marked and left for
// signing as the report upward is.
func ResultReportDocument(cf *CaseFile, lang string, is Issue) report.Document {
	w := wordsFor(cf.Incident, lang)
	l, inc := w.l, cf.Incident
	d := issued(w, cf, is, "resultReport.title")
	section := func(key string, blocks ...report.Block) {
		d.Blocks = append(d.Blocks, report.Heading{Level: 1, Text: l("resultReport." + key)})
		d.Blocks = append(d.Blocks, blocks...)
	}
	section("summary", append(carriers(w, cf), report.Fields{
		{l("reportDoc.detectedAt"), w.at(inc.DetectedAt)},
		{l("reportDoc.detectionMethod"), w.code("detection", inc.DetectionMethod)},
		{l("reportDoc.reportedBy"), inc.ReportedBy},
	})...)
	section("findings", append(course(w, cf), harm(w, cf)...)...)
	section("cause", report.Fields{{l("reportDoc.rootCause"), rootCause(w, inc)}})
	section("responsibility", responsibility(w, cf, is.SeeOutcomes)...)
	section("measures", measures(w, cf, is.Names))
	section("takedowns", takedowns(w, cf))
	closing := []report.Block{report.Fields{{l("reportDoc.stage"), w.code("stage", inc.Stage)}}}
	var closed *time.Time
	for _, t := range cf.Transitions {
		if t.To == string(workflow.Closed) {
			closed = &t.At
		}
	}
	switch {
	case inc.Stage != string(workflow.Closed):
		closing = append(closing, report.Paragraph{Text: l("resultReport.notClosed")})
	case closed != nil:
		closing = append(closing, report.Paragraph{Text: l("resultReport.closedOn", "time", w.at(*closed))})
	}
	if s := is.SignOff; s != nil {
		closing = append(closing, report.Paragraph{Text: l("resultReport.signedOff", "reviewer", s.Reviewer, "time", w.at(s.At))},
			report.Paragraph{Text: l("reportDoc.fromSnapshot")})
	}
	section("closing", closing...)
	signature(w, &d, is.Now)
	return d
}
