package server

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/spread"
)

// analysisOf reads the spread of the incident named in the path, as the caller may see it.
func (m *Main) analysisOf(r *http.Request) (*spread.Analysis, string, error) {
	ref := r.PathValue("reference")
	inc, err := m.Incidents.GetByReference(r.Context(), ref)
	if err != nil {
		return nil, ref, err
	}
	if inc == nil {
		return nil, ref, apperr.Hidden()
	}
	a, err := m.Spread.FullAnalysis(r.Context(), *inc)
	return a, ref, err
}

func (m *Main) spreadJSON(w http.ResponseWriter, r *http.Request) {
	a, ref, err := m.analysisOf(r)
	if err != nil {
		m.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := a.WriteJSON(w, ref); err != nil {
		m.Log.WarnContext(r.Context(), "writing spread.json", "error", err)
	}
}

func (m *Main) spreadGraphML(w http.ResponseWriter, r *http.Request) {
	a, _, err := m.analysisOf(r)
	if err != nil {
		m.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/graphml+xml")
	if err := a.WriteGraphML(w); err != nil {
		m.Log.WarnContext(r.Context(), "writing spread.graphml", "error", err)
	}
}

// forwardsTemplate serves the CSV import's template: no case data, so no sign-in.
func forwardsTemplate(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="forwards-template.csv"`)
	io.WriteString(w, spread.TemplateCSV) //nolint:errcheck // the client went away
}

// importForwards records an uploaded CSV or JSONL file of forwards, all or
// nothing, and answers what it recorded (see importAnswer). The caller's
// right to record forwards is checked before a byte of the file is read; the
// file is bounded in size, rows and idle time, and its parse and write hold
// one of the caller's import slots and one of the server's.
func (m *Main) importForwards(w http.ResponseWriter, r *http.Request) {
	rec, err := m.importOf(w, r)
	if err != nil {
		m.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(answerOf(rec)) //nolint:errcheck // the client went away
}

// importAnswer is what an import did: the forwards it recorded, the people
// and venues it matched by key to recorded ones and those it created, and
// the created ones named as another node under a different key (the first
// hundred; sameNameCount counts them all), so the investigator sees two
// 王某 kept apart and can tell whether they are one person.
type importAnswer struct {
	Forwards      int             `json:"forwards"`
	People        nodeCounts      `json:"people"`
	Venues        nodeCounts      `json:"venues"`
	SameName      []sameNameEntry `json:"sameName"`
	SameNameCount int             `json:"sameNameCount"`
}

type nodeCounts struct {
	Matched int `json:"matched"`
	Created int `json:"created"`
}

type nodeName struct {
	Key  string          `json:"key"`
	Kind spread.NodeKind `json:"kind"`
	Name string          `json:"name"`
}

type sameNameEntry struct {
	nodeName
	Others []nodeName `json:"others"`
}

func answerOf(rec *spread.Recorded) importAnswer {
	a := importAnswer{Forwards: len(rec.Forwards), SameName: []sameNameEntry{}, SameNameCount: len(rec.SameName)}
	count := func(nodes []*spread.Node, add func(*nodeCounts)) {
		for _, n := range nodes {
			if n.IsVenue() {
				add(&a.Venues)
			} else {
				add(&a.People)
			}
		}
	}
	count(rec.Matched, func(c *nodeCounts) { c.Matched++ })
	count(rec.Created, func(c *nodeCounts) { c.Created++ })
	name := func(n *spread.Node) nodeName { return nodeName{n.Key, n.Kind, n.Name} }
	for _, s := range rec.SameName[:min(len(rec.SameName), 100)] {
		e := sameNameEntry{nodeName: name(s.Node)}
		for _, o := range s.Others {
			e.Others = append(e.Others, name(o))
		}
		a.SameName = append(a.SameName, e)
	}
	return a
}

func (m *Main) importOf(w http.ResponseWriter, r *http.Request) (*spread.Recorded, error) {
	ctx := r.Context()
	inc, err := m.Incidents.GetByReference(ctx, r.PathValue("reference"))
	if err != nil {
		return nil, err
	}
	if inc == nil {
		return nil, apperr.Hidden()
	}
	if err := m.Spread.MayRecord(ctx, inc.ID); err != nil {
		return nil, err
	}
	// Incidents carry no time zone: the upload names the one its wall-clock times are in.
	loc, err := spread.LoadTimeZone(r.URL.Query().Get("timeZone"))
	if err != nil {
		return nil, err
	}
	limit := cmp.Or(m.Config.ImportMaxBytes, DefaultImportMaxBytes)
	if r.ContentLength > limit {
		return nil, apperr.Invalid("file", "the file is larger than the limit of %d MiB", limit>>20).With("maxSize", limit)
	}
	actor, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	releaseMine, err := m.Limits.UserImports.Acquire(actor.ID.String())
	if err != nil {
		return nil, err
	}
	defer releaseMine()
	release, err := m.Limits.Imports.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	body := m.boundBody(w, r, limit)
	// An import holds the server's one import slot: it may not trickle in.
	body.end = time.Now().Add(importBodyTime)
	im, err := spread.ReadImport(body, cmp.Or(m.Config.ImportMaxRows, DefaultImportMaxRows), loc)
	if err != nil {
		return nil, cmp.Or(body.problem(), err)
	}
	rec, err := m.Spread.Record(ctx, inc.ID, im.Forwards)
	return rec, im.Locate(err)
}
