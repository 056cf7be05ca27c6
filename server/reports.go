package server

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/stats"
)

// statisticsCSV answers the statistics as CSV, for spreadsheets.
func (m *Main) statisticsCSV(w http.ResponseWriter, r *http.Request) {
	var f stats.Filter
	var err error
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := r.URL.Query().Get(name); v != "" && err == nil {
			if *dst, err = time.Parse(time.RFC3339, v); err != nil {
				err = apperr.Invalid(name, "%s is an RFC 3339 time such as 2026-01-01T00:00:00+08:00", name)
			}
		}
	}
	f.Unit = r.URL.Query().Get("unit")
	var st *stats.Statistics
	if err == nil {
		st, err = m.Stats.Compute(r.Context(), f)
	}
	if err != nil {
		m.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="leaktrail-statistics.csv"`)
	if err := st.WriteCSV(w); err != nil {
		m.Log.WarnContext(r.Context(), "statistics CSV broke off", "error", err)
	}
}

// report answers an incident's case report (?lang=zh-CN|zh-TW|en) as
// Markdown or, with pdf, as a PDF; its hash is logged and sent as X-Content-SHA256.
func (m *Main) report(pdf bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ref := r.PathValue("reference")
		inc, err := m.Incidents.GetByReference(r.Context(), ref)
		if err == nil && inc == nil {
			err = apperr.Hidden()
		}
		var body []byte
		var sum, lang, md string
		contentType, ext := "text/markdown; charset=utf-8", "md"
		if err == nil && pdf {
			body, sum, lang, err = m.Discipline.ReportPDF(r.Context(), inc.ID, r.URL.Query().Get("lang"))
			contentType, ext = "application/pdf", "pdf"
		} else if err == nil {
			md, sum, lang, err = m.Discipline.Report(r.Context(), inc.ID, r.URL.Query().Get("lang"))
			body = []byte(md)
		}
		if err != nil {
			m.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(fmt.Sprintf("%s-report-%s.%s", ref, lang, ext)))
		w.Header().Set("X-Content-SHA256", sum)
		w.Write(body) //nolint:errcheck // the client went away
	}
}
