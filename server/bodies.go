package server

import (
	"cmp"
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

// importBodyTime is the longest an import's body may take to arrive: at the
// 32 MiB default limit, some 270 kB/s.
const importBodyTime = 2 * time.Minute

// body is an upload's or import's request body bounded in size and in idle
// time: it fails once more than its limit arrives (http.MaxBytesReader,
// which also has the connection closed after) or once nothing arrives for
// the idle timeout, so a stalled client holds the server's buffers no longer
// than that. It remembers why it failed, for the answer.
type body struct {
	r        io.ReadCloser
	rc       *http.ResponseController
	idle     time.Duration
	extended time.Time // when the read deadline was last moved
	limit    int64
	// end, when set, is when the whole body must have arrived, however it trickles.
	end   time.Time
	ended bool  // the body was read to its end
	err   error // why reading failed
}

// boundBody replaces r's body with one bounded to limit bytes and the
// configured idle timeout.
func (m *Main) boundBody(w http.ResponseWriter, r *http.Request, limit int64) *body {
	b := &body{r: http.MaxBytesReader(w, r.Body, limit), rc: http.NewResponseController(w),
		idle: cmp.Or(m.Config.BodyIdleTimeout, DefaultBodyIdleTimeout), limit: limit}
	r.Body = b
	return b
}

func (b *body) Read(p []byte) (int, error) {
	// The deadline moves at most every quarter of the idle time, which keeps
	// it between three quarters and all of the idle time away. Once the body
	// has ended it stays put: net/http then clears it for its own read of
	// the connection, which a deadline would break, cancelling the request.
	if now := time.Now(); b.err == nil && !b.ended && now.Sub(b.extended) > b.idle/4 {
		deadline := now.Add(b.idle)
		if !b.end.IsZero() && deadline.After(b.end) {
			deadline = b.end
		}
		if b.rc.SetReadDeadline(deadline) == nil {
			b.extended = now
		}
	}
	n, err := b.r.Read(p)
	switch {
	case errors.Is(err, io.EOF):
		b.ended = true
	case err != nil && b.err == nil:
		b.err = err
	}
	return n, err
}

func (b *body) Close() error { return b.r.Close() }

// problem is the error to answer when reading failed because the body was
// too large or stalled, and nil otherwise.
func (b *body) problem() error {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(b.err, &tooLarge):
		return apperr.Invalid("file", "the file is larger than the limit of %d MiB", b.limit>>20).With("maxSize", b.limit)
	case errors.Is(b.err, os.ErrDeadlineExceeded) && !b.end.IsZero() && !time.Now().Before(b.end):
		return apperr.Invalid("file", "the file did not arrive within %s, so the request was ended; send it again", apperr.Detail(importBodyTime.String()))
	case errors.Is(b.err, os.ErrDeadlineExceeded):
		return apperr.Invalid("file", "nothing arrived for %s, so the request was ended; send it again", apperr.Detail(b.idle.String()))
	}
	return nil
}
