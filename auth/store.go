package auth

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"github.com/leaktrail/leaktrail/database"
)

// Store is the SQL for users and sessions.
type Store struct{}

type userRow struct {
	User
	Roles        pq.StringArray `db:"roles"`
	PasswordHash string         `db:"password_hash"`
}

func (r userRow) user() User {
	u := r.User
	u.Roles = make([]Role, len(r.Roles))
	for i, s := range r.Roles {
		u.Roles[i] = Role(s)
	}
	return u
}

const userColumns = `id, username, display_name, roles, locale, disabled, created_at, password_hash`

// Insert stores a normalized new user with its password hash.
func (Store) Insert(ctx context.Context, ex database.Executor, n NewUser, hash string) (User, error) {
	roles := make(pq.StringArray, len(n.Roles))
	for i, r := range n.Roles {
		roles[i] = string(r)
	}
	var row userRow
	err := ex.QueryRowxContext(ctx, `
		INSERT INTO users (id, username, display_name, password_hash, roles, locale)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING `+userColumns,
		uuid.New(), n.Username, n.DisplayName, hash, roles, n.Locale).StructScan(&row)
	if err != nil {
		return User{}, database.MapError(err)
	}
	return row.user(), nil
}

// byUsername returns the user and password hash; sql.ErrNoRows when unknown.
func (Store) byUsername(ctx context.Context, ex database.Executor, username string) (userRow, error) {
	var row userRow
	err := ex.GetContext(ctx, &row, `SELECT `+userColumns+` FROM users WHERE username = $1`, username)
	return row, err
}

// Count returns how many users exist.
func (Store) Count(ctx context.Context, ex database.Executor) (int, error) {
	var n int
	err := ex.GetContext(ctx, &n, `SELECT count(*) FROM users`)
	return n, err
}

// ByIDs returns the users with the given ids, in no particular order.
func (Store) ByIDs(ctx context.Context, ex database.Executor, ids []uuid.UUID) ([]User, error) {
	var rows []userRow
	if err := ex.SelectContext(ctx, &rows, `SELECT `+userColumns+` FROM users WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, err
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

// Exists reports whether a user has id.
func (Store) Exists(ctx context.Context, ex database.Executor, id uuid.UUID) (bool, error) {
	var ok bool
	err := ex.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, id)
	return ok, err
}

// InsertSession stores a session by the hash of its token.
func (Store) InsertSession(ctx context.Context, ex database.Executor, userID uuid.UUID, tokenHash []byte, expiresAt time.Time) error {
	_, err := ex.ExecContext(ctx, `
		INSERT INTO sessions (id, token_hash, user_id, expires_at) VALUES ($1, $2, $3, $4)`,
		uuid.New(), tokenHash, userID, expiresAt)
	return err
}

// SessionUser returns the user of a live session (not expired, not revoked,
// user not disabled); sql.ErrNoRows otherwise.
func (Store) SessionUser(ctx context.Context, ex database.Executor, tokenHash []byte) (User, error) {
	var row userRow
	err := ex.GetContext(ctx, &row, `
		SELECT u.id, u.username, u.display_name, u.roles, u.locale, u.disabled, u.created_at, u.password_hash
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled`,
		tokenHash)
	if err != nil {
		return User{}, err
	}
	return row.user(), nil
}

// RevokeSession ends the session with this token hash, if it is live.
func (Store) RevokeSession(ctx context.Context, ex database.Executor, tokenHash []byte) error {
	_, err := ex.ExecContext(ctx, `UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash)
	return err
}
