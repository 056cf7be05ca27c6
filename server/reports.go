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

// reportTypes are the case report's formats by file extension.
var reportTypes = map[string]struct{ format, contentType string }{
	"md":   {"markdown", "text/markdown; charset=utf-8"},
	"pdf":  {"pdf", "application/pdf"},
	"docx": {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
}

// report answers an incident's case report (?lang=zh-CN|zh-TW|en) in the
// format of ext; its hash is logged and sent as X-Content-SHA256.
func (m *Main) report(ext string) http.HandlerFunc {
	kind := reportTypes[ext]
	return func(w http.ResponseWriter, r *http.Request) {
		ref := r.PathValue("reference")
		inc, err := m.Incidents.GetByReference(r.Context(), ref)
		if err == nil && inc == nil {
			err = apperr.Hidden()
		}
		var body []byte
		var sum, lang string
		if err == nil {
			body, sum, lang, err = m.Discipline.Report(r.Context(), inc.ID, kind.format, r.URL.Query().Get("lang"))
		}
		if err != nil {
			m.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", kind.contentType)
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(fmt.Sprintf("%s-report-%s.%s", ref, lang, ext)))
		w.Header().Set("X-Content-SHA256", sum)
		w.Write(body) //nolint:errcheck // the client went away
	}
}
