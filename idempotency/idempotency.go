// Package idempotency makes a client's retry of a mutation safe. A request
// carrying an Idempotency-Key writes that key in the same transaction as the
// change it makes, so the key exists exactly when the change does. A retry
// with the key gets the kept answer, or, when the answer was lost (the
// database went away between the commit and keeping it), a CONFLICT saying
// the change was made — never the change a second time.
//
// A key is bound to the request it was first sent with (its method, path and
// body: for GraphQL the query text, operation name and variables as sent), so
// the same key with another request is refused, never answered with the first
// one's answer. Answers that carry a secret (a sign-in's or a new API token's)
// are not kept: a retry of such a request is told the change was made.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/auth"
	"github.com/leaktrail/leaktrail/database"
)

// Header is the request header a client puts its key in: any string of up
// to 200 bytes, unique per logical change (a UUID, say), per user.
const Header = "Idempotency-Key"

// ReplayedHeader marks an answer given again from a kept one.
const ReplayedHeader = "Idempotent-Replayed"

// KeepFor is how long keys are kept; a retry after that is a new request.
const KeepFor = 24 * time.Hour

// maxKept bounds an answer kept for replay; a larger one is not kept.
const maxKept = 1 << 20

// maxHashed bounds how much of a retried request's body is read to compare
// it with the first; a longer body is another request.
const maxHashed = 128 << 20

var errApplied = apperr.Errorf(apperr.Conflict,
	"the request with this Idempotency-Key was carried out, but its answer was not kept: read the current state").
	With("idempotency", "APPLIED")

var errReused = apperr.Errorf(apperr.Conflict,
	"this Idempotency-Key was first sent with a different request; use a new key for each change").
	With("idempotency", "KEY_REUSED")

// Middleware guards POST requests by a signed-in user that carry the header;
// writeError answers with an application error in the server's format.
func Middleware(db *sqlx.DB, log *slog.Logger, writeError func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get(Header)
			user, signedIn := auth.UserFrom(r.Context())
			if key == "" || r.Method != http.MethodPost || !signedIn {
				next.ServeHTTP(w, r)
				return
			}
			if len(key) > 200 {
				writeError(w, r, apperr.Invalid(Header, "an Idempotency-Key is at most 200 bytes"))
				return
			}
			body := newHashedBody(r)
			kept, found, err := lookup(r.Context(), db, user.ID, key)
			if err != nil {
				writeError(w, r, database.MapError(err))
				return
			}
			if found {
				switch sum, err := body.sumAll(); {
				case err != nil || kept.requestHash != nil && !bytes.Equal(sum, kept.requestHash):
					writeError(w, r, errReused)
				case kept.response == nil:
					writeError(w, r, errApplied)
				default:
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set(ReplayedHeader, "true")
					w.WriteHeader(kept.status)
					w.Write(kept.response) //nolint:errcheck // the client went away
				}
				return
			}
			c := &claim{userID: user.ID, key: key, body: body}
			rec := &recorder{ResponseWriter: w, status: http.StatusOK}
			r.Body = body
			next.ServeHTTP(rec, r.WithContext(database.WithCommitHook(context.WithValue(r.Context(), claimKey{}, c), c)))
			if !c.done() || rec.overflow || c.secret() {
				return
			}
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
			defer cancel()
			if _, err := db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, response = $4 WHERE user_id = $1 AND key = $2`,
				user.ID, key, rec.status, rec.body.Bytes()); err != nil {
				// The change stands and its key guards it; only the replay is lost.
				log.WarnContext(r.Context(), "idempotency: the answer was not kept", "error", err)
			}
		})
	}
}

type claimKey struct{}

// KeepNoAnswer marks the answer of the request ctx belongs to as carrying a
// secret: it is not kept for replay, and a retry is told the change was made.
func KeepNoAnswer(ctx context.Context) {
	if c, ok := ctx.Value(claimKey{}).(*claim); ok {
		c.mu.Lock()
		c.noAnswer = true
		c.mu.Unlock()
	}
}

// hashedBody hashes the request as it is read: the method, the path, then
// every byte of the body.
type hashedBody struct {
	io.ReadCloser
	h hash.Hash
}

func newHashedBody(r *http.Request) *hashedBody {
	h := sha256.New()
	io.WriteString(h, r.Method+" "+r.URL.Path+"\n") //nolint:errcheck // a hash never fails
	return &hashedBody{ReadCloser: r.Body, h: h}
}

func (b *hashedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.h.Write(p[:n])
	return n, err
}

// sumRead returns the hash of the request as read so far. Handlers read the
// whole body before they change anything (gqlgen and the import parser read
// to its end), so at a commit this is the whole request's; were it not, a
// retry would only be refused as another request, never applied twice.
func (b *hashedBody) sumRead() []byte {
	return b.h.Sum(nil)
}

// sumAll reads what is left of the body and returns the request's hash.
func (b *hashedBody) sumAll() ([]byte, error) {
	n, err := io.Copy(io.Discard, io.LimitReader(b, maxHashed+1))
	if err == nil && n > maxHashed {
		err = errors.New("idempotency: body too large to compare")
	}
	return b.h.Sum(nil), err
}

type keptAnswer struct {
	status      int
	response    []byte
	requestHash []byte
}

func lookup(ctx context.Context, db *sqlx.DB, userID uuid.UUID, key string) (keptAnswer, bool, error) {
	var k keptAnswer
	var status sql.NullInt32
	err := db.QueryRowContext(ctx, `SELECT status, response, request_hash FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
		userID, key).Scan(&status, &k.response, &k.requestHash)
	if errors.Is(err, sql.ErrNoRows) {
		return k, false, nil
	}
	if !status.Valid {
		k.response = nil
	}
	k.status = int(status.Int32)
	return k, err == nil, err
}

// Prune removes keys older than KeepFor.
func Prune(ctx context.Context, db *sqlx.DB) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < now() - $1::interval`,
		strconv.Itoa(int(KeepFor.Seconds()))+" seconds")
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// claim writes the key in the first transaction of the request to commit.
type claim struct {
	userID uuid.UUID
	key    string
	body   *hashedBody

	mu                           sync.Mutex
	written, committed, noAnswer bool
}

func (c *claim) BeforeCommit(ctx context.Context, tx *sqlx.Tx) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.committed {
		return nil
	}
	// A concurrent request with the same key breaks the primary key: its
	// transaction rolls back (idempotency_keys_pkey → CONFLICT).
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3)`,
		c.userID, c.key, c.body.sumRead())
	c.written = err == nil
	return err
}

func (c *claim) Committed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.committed = c.committed || c.written
}

func (c *claim) secret() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.noAnswer
}

func (c *claim) done() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.committed
}

// recorder passes the answer through and keeps a copy for replay.
type recorder struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	overflow bool
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.overflow {
		if r.body.Len()+len(b) > maxKept {
			r.overflow = true
			r.body.Reset()
		} else {
			r.body.Write(b)
		}
	}
	return r.ResponseWriter.Write(b)
}
