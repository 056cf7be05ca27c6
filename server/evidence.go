package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/evidence"
)

// uploadID reads the upload id from the path.
func uploadID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return id, apperr.Invalid("id", "not an upload id")
	}
	return id, nil
}

// uploadBody bounds the request body in size and idle time, refusing it
// early when it says it is too large, and takes one of the caller's upload
// slots: each request holds up to two part buffers (evidence PartSize each,
// pooled) while it runs, so one user's share of memory is bounded.
func (m *Main) uploadBody(w http.ResponseWriter, r *http.Request) (release func(), err error) {
	limit := m.Evidence.Config.MaxSize
	if r.ContentLength > limit {
		return nil, apperr.Invalid("file", "the file is larger than the limit of %d MiB", limit>>20).With("maxSize", limit)
	}
	actor, err := auth.Require(r.Context())
	if err != nil {
		return nil, err
	}
	if release, err = m.Limits.Uploads.Acquire(actor.ID.String()); err != nil {
		return nil, err
	}
	m.boundBody(w, r, limit+1)
	return release, nil
}

func (m *Main) writeUpload(w http.ResponseWriter, u *evidence.Upload) {
	writeJSON(w, http.StatusOK, map[string]any{"id": u.ID, "state": u.State, "receivedBytes": u.Received,
		"nextPart": u.NextPart(), "partSize": m.Evidence.Config.PartSize, "maxSize": m.Evidence.Config.MaxSize})
}

// uploadStatus tells where one of the caller's uploads stands, to resume it,
// while the caller may still add evidence to its case.
func (m *Main) uploadStatus(w http.ResponseWriter, r *http.Request) {
	id, err := uploadID(r)
	if err == nil {
		var u *evidence.Upload
		if u, err = m.Evidence.Status(r.Context(), id); err == nil {
			m.writeUpload(w, u)
			return
		}
	}
	m.writeError(w, r, err)
}

// uploadWhole stores a whole file in one request and commits it.
func (m *Main) uploadWhole(w http.ResponseWriter, r *http.Request) {
	defer m.Metrics.UploadStarted()()
	id, err := uploadID(r)
	var release func()
	if err == nil {
		release, err = m.uploadBody(w, r)
	}
	if err == nil {
		defer release()
		var e *evidence.Evidence
		if e, err = m.Evidence.Put(r.Context(), id, r.Body); err == nil {
			writeJSON(w, http.StatusOK, map[string]any{"id": e.ID, "sha256": e.SHA256, "size": e.Size,
				"contentType": e.ContentType, "duplicateOf": e.DuplicateOf})
			return
		}
	}
	m.writeError(w, r, err)
}

// uploadParts stores the body as the upload's parts from the numbered one
// on: one part, or the rest of the file after an interruption.
func (m *Main) uploadParts(w http.ResponseWriter, r *http.Request) {
	defer m.Metrics.UploadStarted()()
	id, err := uploadID(r)
	part, perr := strconv.Atoi(r.PathValue("part"))
	if err == nil && (perr != nil || part < 1 || part > 10000) {
		err = apperr.Invalid("part", "a part number is between 1 and 10000")
	}
	var release func()
	if err == nil {
		release, err = m.uploadBody(w, r)
	}
	if err == nil {
		defer release()
		var u *evidence.Upload
		if u, err = m.Evidence.Receive(r.Context(), id, part, r.Body); err == nil {
			m.writeUpload(w, u)
			return
		}
	}
	m.writeError(w, r, err)
}

// writeTracker notes whether anything reached the client, so an error can
// still be answered as JSON until then.
type writeTracker struct {
	http.ResponseWriter
	wrote bool
}

func (t *writeTracker) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// exportEvidence streams an incident's sealed evidence package.
func (m *Main) exportEvidence(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("reference")
	inc, err := m.Incidents.GetByReference(r.Context(), ref)
	if err == nil && inc == nil {
		err = apperr.Hidden()
	}
	if err != nil {
		m.writeError(w, r, err)
		return
	}
	name := fmt.Sprintf("%s-evidence-%s.zip", ref, time.Now().UTC().Format("20060102T150405Z"))
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	tw := &writeTracker{ResponseWriter: w}
	if err := m.Evidence.Export(r.Context(), *inc, tw); err != nil {
		if !tw.wrote {
			w.Header().Del("Content-Disposition")
			m.writeError(w, r, err)
			return
		}
		// Too late for an error answer: the client gets a truncated zip.
		m.Log.ErrorContext(r.Context(), "evidence export broke off", "incident", ref, "error", err)
	}
}
