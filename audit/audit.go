// Package audit is Leaktrail's tamper-evident audit trail: an append-only log
// in which each row's hash covers the previous row's hash and the row itself,
// so editing, deleting or reordering any row breaks the chain from there on.
// Change is the transaction every audited change runs in, so a change and its
// entry commit together.
package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/database"
	"github.com/leaktrail/leaktrail/internal/requestid"
)

// lockKey serialises appends so each row links to the one before it.
const lockKey = 0x6175646974 // "audit"

// Entry is one thing that happened, as the caller describes it.
type Entry struct {
	ActorID    *uuid.UUID
	ActorName  string
	Action     string // e.g. "incident.open", "session.login_failed"
	TargetType string // e.g. "incident", "task", "user"
	TargetID   string
	IncidentID *uuid.UUID
	// Changes is what changed, marshalled to JSON (maps sort their keys).
	Changes any
}

// Row is a stored entry with its place in the chain. It holds no salt: rows
// are what readers are shown.
type Row struct {
	Seq        int64      `db:"seq"`
	At         time.Time  `db:"at"`
	ActorID    *uuid.UUID `db:"actor_id"`
	ActorName  string     `db:"actor_name"`
	Action     string     `db:"action"`
	TargetType string     `db:"target_type"`
	TargetID   string     `db:"target_id"`
	IncidentID *uuid.UUID `db:"incident_id"`
	RequestID  string     `db:"request_id"`
	RemoteAddr string     `db:"remote_addr"`
	Changes    string     `db:"changes"`
	PrevHash   []byte     `db:"prev_hash"`
	RowHash    []byte     `db:"row_hash"`
}

// saltSize is the length of each row's secret salt.
const saltSize = 16

// canonical is the byte string a row's hash covers, in a fixed field order.
// The salt, when there is one, comes last; rows written before salts were
// added have none and keep the form they were hashed with.
func (r Row) canonical(salt []byte) []byte {
	id := func(u *uuid.UUID) string {
		if u == nil {
			return ""
		}
		return u.String()
	}
	fields := []any{
		r.Seq, r.At.UTC().Format(time.RFC3339Nano), id(r.ActorID), r.ActorName, r.Action,
		r.TargetType, r.TargetID, id(r.IncidentID), r.RequestID, r.RemoteAddr, r.Changes,
	}
	if len(salt) > 0 {
		fields = append(fields, salt) // a byte slice marshals as base64
	}
	b, _ := json.Marshal(fields) // strings, an integer and bytes always marshal
	return b
}

// hash returns sha256(prev_hash || canonical entry). The salt keeps the hash
// from confirming a guess of changes a reader is not shown: without it every
// other input is visible and changes are often one of a few values.
func (r Row) hash(salt []byte) []byte {
	h := sha256.New()
	h.Write(r.PrevHash)
	h.Write(r.canonical(salt))
	return h.Sum(nil)
}

// salted is a row as verification reads it, with the salt that Row leaves out.
type salted struct {
	Row
	Salt []byte `db:"salt"`
}

var genesis = make([]byte, sha256.Size)

// appendEntry adds e to the log inside tx, so the entry commits or rolls back
// with the change it records. It holds the chain's lock until tx ends, which
// is why Change calls it last.
func appendEntry(ctx context.Context, tx *sqlx.Tx, e Entry) error {
	changes := []byte("{}")
	if e.Changes != nil {
		var err error
		if changes, err = json.Marshal(e.Changes); err != nil {
			return fmt.Errorf("audit: marshal changes: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey); err != nil {
		return err
	}
	var last struct {
		Seq  int64  `db:"seq"`
		Hash []byte `db:"row_hash"`
	}
	err := tx.GetContext(ctx, &last, `SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1`)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		last.Hash = genesis
	case err != nil:
		return err
	}
	r := Row{
		Seq: last.Seq + 1, At: time.Now().UTC().Truncate(time.Microsecond), ActorID: e.ActorID,
		ActorName: e.ActorName, Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID,
		IncidentID: e.IncidentID, RequestID: requestid.From(ctx), RemoteAddr: requestid.RemoteAddr(ctx),
		Changes: string(changes), PrevHash: last.Hash,
	}
	salt := make([]byte, saltSize)
	rand.Read(salt) // documented never to return an error
	r.RowHash = r.hash(salt)
	_, err = tx.NamedExecContext(ctx, `
		INSERT INTO audit_log (seq, at, actor_id, actor_name, action, target_type, target_id, incident_id,
			request_id, remote_addr, changes, prev_hash, row_hash, salt)
		VALUES (:seq, :at, :actor_id, :actor_name, :action, :target_type, :target_id, :incident_id,
			:request_id, :remote_addr, :changes, :prev_hash, :row_hash, :salt)`, salted{r, salt})
	if err != nil || e.IncidentID == nil {
		return err
	}
	// Every change to an incident is audited here, so this is the one place
	// that tells listening servers (incidents open in browsers, on any
	// instance) that it changed; PostgreSQL delivers it only on commit.
	_, err = tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, ChangesChannel, e.IncidentID.String()+" "+e.Action)
	return err
}

// ChangesChannel is the PostgreSQL notification channel of incident changes:
// each payload is the incident id and the audited action, space-separated.
const ChangesChannel = "leaktrail_incident_changes"

// Change runs fn in one transaction and appends the entry fn returns, so a
// change and its trace commit together or not at all; an error from fn rolls
// back both. It is every audited change's transaction (GoAlert's
// withContextTx with the append each caller would repeat): incident.Service.Change
// adds the incident's lock and access check on top. It lives here, not in
// database, because database sits below audit. fn names the actor in the
// entry, as only its caller knows who acts.
func Change(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) (Entry, error)) error {
	return database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		e, err := fn(tx)
		if err != nil {
			return err
		}
		return appendEntry(ctx, tx, e)
	})
}

// AppendNow appends e in a transaction of its own, for events that change
// nothing else (a failed sign-in).
func AppendNow(ctx context.Context, db *sqlx.DB, e Entry) error {
	return Change(ctx, db, func(*sqlx.Tx) (Entry, error) { return e, nil })
}

// Verification is the result of checking the whole chain.
type Verification struct {
	OK      bool
	Checked int64
	// FirstBrokenSeq is the first row that does not verify; zero when OK.
	FirstBrokenSeq int64
	Reason         string
	// HeadHash is the last row's hash. Truncating the tail leaves a valid
	// shorter chain, so operators record the head elsewhere to detect that.
	HeadHash []byte
}

// Verify walks the log in order and reports the first row whose link or hash
// does not match.
func Verify(ctx context.Context, db database.Executor) (Verification, error) {
	rows, err := db.QueryxContext(ctx, `SELECT `+columns+`, salt FROM audit_log ORDER BY seq`)
	if err != nil {
		return Verification{}, err
	}
	defer rows.Close()
	v := Verification{OK: true}
	prev, want := genesis, int64(1)
	for rows.Next() {
		var s salted
		if err := rows.StructScan(&s); err != nil {
			return v, err
		}
		r := s.Row
		v.Checked++
		reason := ""
		switch {
		case r.Seq != want:
			reason = fmt.Sprintf("row %d is missing (found %d next)", want, r.Seq)
			r.Seq = want
		case !bytes.Equal(r.PrevHash, prev):
			reason = "prev_hash does not match the previous row's hash"
		case !bytes.Equal(r.RowHash, r.hash(s.Salt)):
			reason = "row_hash does not match the row's content"
		}
		if reason != "" {
			return Verification{Checked: v.Checked, FirstBrokenSeq: r.Seq, Reason: reason}, nil
		}
		prev, want = r.RowHash, r.Seq+1
	}
	if v.Checked > 0 {
		v.HeadHash = prev
	}
	return v, rows.Err()
}

// columns are the ones a Row holds; the salt is read only to verify, so it
// never reaches a reader.
const columns = `seq, at, actor_id, actor_name, action, target_type, target_id, incident_id,
	request_id, remote_addr, changes, prev_hash, row_hash`

// List returns up to limit rows after seq `after`, oldest first; with
// incidentID, only that incident's rows.
func List(ctx context.Context, db database.Executor, incidentID *uuid.UUID, after int64, limit int) ([]Row, error) {
	var out []Row
	err := db.SelectContext(ctx, &out, `SELECT `+columns+` FROM audit_log
		WHERE seq > $1 AND ($2::uuid IS NULL OR incident_id = $2)
		ORDER BY seq LIMIT $3`, after, incidentID, limit)
	return out, err
}
