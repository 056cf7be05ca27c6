package discipline

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/incident"
	"github.com/leaktrail/leaktrail/internal/zone"
	"github.com/leaktrail/leaktrail/report"
	"github.com/leaktrail/leaktrail/ui/web/src/locales"
)

// SignOff is leadership's acceptance of a case, as its report states it.
type SignOff struct {
	Reviewer       string
	At             time.Time
	Comment        string
	SnapshotSHA256 string
}

// CaseDocument lays out a case file as the case report in lang: every label
// and code worded from the UI's catalog, times local to the case's zone,
// outcomes only when seeOutcomes. names gives users' display names by id;
// signOff is the accepted review, if any.
func CaseDocument(cf *CaseFile, lang string, seeOutcomes bool, names map[uuid.UUID]string, signOff *SignOff, now time.Time) report.Document {
	inc := cf.Incident
	w := wordsFor(inc, lang)
	l, code, at, zone, loc, scale, level, marking := w.l, w.code, w.at, w.zone, w.loc, w.scale, w.level, w.marking
	yesNo := map[bool]string{true: l("common.yes"), false: l("common.no")}
	d := report.Document{Title: l("reportDoc.title", "title", inc.Title), Marking: marking,
		PageLabel: l("reportDoc.pages"), Language: lang}
	add := func(b ...report.Block) { d.Blocks = append(d.Blocks, b...) }
	none := report.Paragraph{Text: l("reportDoc.none")}

	_, offset := now.In(loc).Zone()
	add(report.Paragraph{Text: l("reportDoc.zone", "zone", zone, "offset", utcOffset(offset))},
		report.Heading{Level: 1, Text: l("reportDoc.summary")},
		report.Fields{
			{l("reportDoc.reference"), inc.Reference},
			{l("reportDoc.stage"), code("stage", inc.Stage)},
			{l("reportDoc.classification"), l("classification.withScale", "level", level, "scale", l("classification.scale."+scale))},
			{l("reportDoc.secrecyPeriod"), cmp.Or(inc.SecrecyPeriod, "—")},
			{l("reportDoc.leakedItem"), inc.LeakedItem},
			{l("reportDoc.detectedAt"), at(inc.DetectedAt)},
			{l("reportDoc.detectionMethod"), code("detection", inc.DetectionMethod)},
			{l("reportDoc.reportedBy"), inc.ReportedBy},
			{l("reportDoc.whereSeen"), cmp.Or(inc.WhereSeen, "—")},
			{l("reportDoc.rootCause"), code("rootCause", inc.RootCause)},
			{l("reportDoc.reachedOutside"), yesNo[inc.ReachedOutside]},
			{l("reportDoc.disclosure"), code("disclosure", inc.DisclosureDecision)},
		})
	for _, t := range []struct{ key, text string }{
		{"reportDoc.caseSummary", inc.Summary}, {"reportDoc.scope", inc.ScopeAndImportance}, {"reportDoc.impact", inc.BusinessImpact},
	} {
		if strings.TrimSpace(t.text) != "" {
			add(report.Heading{Level: 2, Text: l(t.key)}, report.Quote{Text: t.text})
		}
	}

	add(report.Heading{Level: 1, Text: l("reportDoc.timeline")})
	stages := report.Table{Columns: []report.Column{{Title: l("reportDoc.time"), Width: 1.1}, {Title: l("reportDoc.fromStage"), Width: 1},
		{Title: l("reportDoc.toStage"), Width: 1}, {Title: l("reportDoc.note"), Width: 2.4}}}
	for _, t := range cf.Transitions {
		stages.Rows = append(stages.Rows, []string{at(t.At), code("stage", t.From), code("stage", t.To), t.Note})
	}
	add(stages)

	add(report.Heading{Level: 1, Text: l("reportDoc.containment")})
	if len(cf.Containment) == 0 {
		add(none)
	} else {
		t := report.Table{Columns: []report.Column{{Title: l("reportDoc.time"), Width: 1.1}, {Title: l("reportDoc.kind"), Width: 1.2},
			{Title: l("reportDoc.description"), Width: 3.2}}}
		for _, a := range cf.Containment {
			t.Rows = append(t.Rows, []string{at(a.TakenAt), code("containment", string(a.Kind)), a.Description})
		}
		add(t)
	}
	add(report.Heading{Level: 1, Text: l("reportDoc.reportsUpward")})
	if len(cf.Notifications) == 0 {
		add(none)
	} else {
		t := report.Table{Columns: []report.Column{{Title: l("reportDoc.time"), Width: 1.1}, {Title: l("reportDoc.authority"), Width: 1.3},
			{Title: l("reportDoc.docReference"), Width: 1.2}, {Title: l("reportDoc.note"), Width: 2}}}
		for _, n := range cf.Notifications {
			t.Rows = append(t.Rows, []string{at(n.NotifiedAt), code("authority", string(n.Authority)), cmp.Or(n.Reference, "—"), n.Note})
		}
		add(t)
	}

	c := cf.Chain
	var origins []string
	for _, o := range c.Origins {
		origins = append(origins, o.Name)
	}
	add(report.Heading{Level: 1, Text: l("reportDoc.chain")}, report.Fields{
		{l("reportDoc.forwards"), strconv.Itoa(c.Forwards)}, {l("reportDoc.depth"), strconv.Itoa(c.Depth)},
		{l("reportDoc.reached"), strconv.Itoa(c.ReachedNodes)}, {l("reportDoc.audience"), strconv.Itoa(c.EstimatedAudience)},
		{l("reportDoc.origins"), cmp.Or(strings.Join(origins, "、"), "—")},
	})
	path := w.pathTable
	switch {
	case len(c.PathToFirstPublic) > 0:
		add(report.Heading{Level: 2, Text: l("reportDoc.pathToPublic")}, path(c.PathToFirstPublic))
	case len(c.PathToFirstExternal) > 0:
		add(report.Paragraph{Text: l("reportDoc.noPublic")}, report.Heading{Level: 2, Text: l("reportDoc.pathToExternal")}, path(c.PathToFirstExternal))
	default:
		add(report.Paragraph{Text: l("reportDoc.noExternal")})
	}
	if len(c.Venues) > 0 {
		t := report.Table{Columns: []report.Column{{Title: l("reportDoc.venue"), Width: 2.2}, {Title: l("reportDoc.kind"), Width: 1.1},
			{Title: l("reportDoc.exposure"), Width: 1}, {Title: l("reportDoc.takedown"), Width: 1.2}}}
		for _, v := range c.Venues {
			t.Rows = append(t.Rows, []string{v.Name, code("spread.kind", v.Kind), code("spread.exposures", v.Exposure),
				code("spread.containmentStatus", v.Takedown)})
		}
		add(report.Heading{Level: 2, Text: l("reportDoc.venues")}, t)
	}

	add(report.Heading{Level: 1, Text: l("reportDoc.evidence")})
	if len(cf.Evidence) == 0 {
		add(none)
	} else {
		byID := map[uuid.UUID]string{}
		for _, e := range cf.Evidence {
			byID[e.ID] = e.FileName
		}
		t := report.Table{Columns: []report.Column{{Title: l("reportDoc.file"), Width: 1.7}, {Title: "SHA-256", Width: 2.2, Code: true},
			{Title: l("reportDoc.size"), Width: 0.8}, {Title: l("reportDoc.storedAt"), Width: 1.1}}}
		for _, e := range cf.Evidence {
			name := e.FileName
			if e.DuplicateOf != nil {
				name += "（" + l("reportDoc.sameAs", "file", cmp.Or(byID[*e.DuplicateOf], e.DuplicateOf.String())) + "）"
			}
			t.Rows = append(t.Rows, []string{name, e.SHA256, bytesText(e.Size), at(e.UploadedAt)})
		}
		add(t)
	}

	add(report.Heading{Level: 1, Text: l("reportDoc.findings")})
	switch {
	case len(cf.Findings) == 0 && inc.NoResponsibleReason != "":
		add(report.Paragraph{Text: l("reportDoc.noResponsible", "reason", inc.NoResponsibleReason)})
	case len(cf.Findings) == 0:
		add(none)
	default:
		t := report.Table{Columns: []report.Column{{Title: l("reportDoc.person"), Width: 0.9}, {Title: l("reportDoc.unitPosition"), Width: 1.1},
			{Title: l("reportDoc.responsibility"), Width: 0.8}, {Title: l("reportDoc.facts"), Width: 3}}}
		for _, f := range cf.Findings {
			facts := f.Facts
			if f.NoOutcomeReason != "" {
				facts += "\n" + l("reportDoc.noOutcomeReason", "reason", f.NoOutcomeReason)
			}
			t.Rows = append(t.Rows, []string{f.PersonName, strings.TrimSpace(f.Unit + " " + f.Position), code("discipline.kinds", string(f.Kind)), facts})
		}
		add(t)
	}
	if len(cf.Findings) > 0 {
		add(report.Heading{Level: 2, Text: l("reportDoc.outcomes")})
		t := report.Table{Columns: []report.Column{{Title: l("reportDoc.person"), Width: 0.9}, {Title: l("reportDoc.outcome"), Width: 1.1},
			{Title: l("reportDoc.decidingBody"), Width: 1.1}, {Title: l("reportDoc.status"), Width: 0.7}, {Title: l("reportDoc.decidedOn"), Width: 0.9},
			{Title: l("reportDoc.legalBasis"), Width: 1.4}}}
		for _, f := range cf.Findings {
			for _, o := range f.Outcomes {
				decided := "—"
				if o.DecidedOn != nil {
					decided = o.DecidedOn.Format(time.DateOnly)
				}
				t.Rows = append(t.Rows, []string{f.PersonName, code("discipline.types", string(o.Type)), o.DecidingBody,
					code("discipline.statuses", string(o.Status)), decided, cmp.Or(o.LegalBasis, "—")})
			}
		}
		switch {
		case !seeOutcomes:
			add(report.Paragraph{Text: l("reportDoc.outcomesHidden")})
		case len(t.Rows) == 0:
			add(none)
		default:
			add(t)
		}
	}

	add(report.Heading{Level: 1, Text: l("reportDoc.measures")})
	if len(cf.Measures) == 0 {
		add(none)
	} else {
		t := report.Table{Columns: []report.Column{{Title: l("reportDoc.measure"), Width: 3}, {Title: l("reportDoc.owner"), Width: 1},
			{Title: l("reportDoc.due"), Width: 0.9}, {Title: l("reportDoc.status"), Width: 0.8}}}
		for _, m := range cf.Measures {
			t.Rows = append(t.Rows, []string{m.Title, cmp.Or(names[m.OwnerID], "—"), m.DueOn.Format(time.DateOnly), code("discipline.statuses", string(m.Status))})
		}
		add(t)
	}

	add(report.Heading{Level: 1, Text: l("report.signOff")})
	if signOff == nil {
		add(report.Paragraph{Text: l("reportDoc.awaiting")})
	} else {
		add(report.Fields{
			{l("report.reviewer"), signOff.Reviewer},
			{l("report.reviewedAt"), at(signOff.At)},
			{l("report.comment"), cmp.Or(signOff.Comment, "—")},
			{l("report.snapshot"), signOff.SnapshotSHA256},
		}, report.Paragraph{Text: l("reportDoc.fromSnapshot")})
	}
	add(report.Paragraph{Text: l("reportDoc.generated", "time", at(now))})
	return d
}

// words are a case's labels and values in one language: every code worded
// from the UI's catalog, times local to the case's zone, its level on its
// own scale.
type words struct {
	lang    string
	zone    string
	loc     *time.Location
	scale   string
	level   string
	marking string // the level with the secrecy period, as marked on every page
}

func wordsFor(inc CaseIncident, lang string) words {
	w := words{lang: lang, zone: cmp.Or(inc.TimeZone, incident.DefaultTimeZone)}
	var err error
	if w.loc, err = zone.Load(w.zone); err != nil {
		w.zone, w.loc = "UTC", time.UTC
	}
	// A level is worded on its case's scale, not the reader's: a mainland 机密
	// read in zh-TW is 機密, never Taiwan's 極機密.
	w.scale = cmp.Or(inc.Jurisdiction, "CN")
	w.level = w.code("classification."+w.scale, inc.Classification)
	w.marking = w.level
	if inc.SecrecyPeriod != "" {
		w.marking = w.l("reportDoc.marking", "level", w.level, "period", inc.SecrecyPeriod)
	}
	return w
}

func (w words) l(key string, params ...string) string { return locales.Label(w.lang, key, params...) }

// code words a value of a code namespace ("stage", "detection"), — for none.
func (w words) code(namespace, v string) string {
	if v == "" {
		return "—"
	}
	return w.l(namespace + "." + v)
}

func (w words) at(t time.Time) string { return t.In(w.loc).Format("2006-01-02 15:04") }

// pathTable lays out a path of the chain hop by hop, with what each rests on.
func (w words) pathTable(hops []Hop) report.Table {
	l := w.l
	t := report.Table{Columns: []report.Column{{Title: l("reportDoc.step"), Width: 0.45}, {Title: l("reportDoc.time"), Width: 1.1},
		{Title: l("reportDoc.sender"), Width: 1}, {Title: l("reportDoc.method"), Width: 0.7}, {Title: l("reportDoc.arrived"), Width: 1.5},
		{Title: l("reportDoc.basis"), Width: 1.5}}}
	for i, h := range hops {
		when := "—"
		if h.At != nil {
			when = w.at(*h.At)
		}
		basis := l("reportDoc.asserted")
		if len(h.Cites) > 0 {
			var lines []string
			for _, c := range h.Cites {
				lines = append(lines, l("reportDoc.lineOf", "file", c.FileName, "line", strconv.Itoa(c.Line)))
			}
			basis = strings.Join(lines, "; ")
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), when, h.By, w.code("spread.methods", h.Method), h.Name, basis})
	}
	return t
}

// utcOffset writes a zone offset in seconds as +08:00.
func utcOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	return fmt.Sprintf("%s%02d:%02d", sign, seconds/3600, seconds%3600/60)
}

// bytesText writes a size for people: 1.2 MB, 512 B.
func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
