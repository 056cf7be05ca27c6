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
	roles := roleArray(n.Roles)
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

// InsertSession stores a session by the hash of its token.
func (Store) InsertSession(ctx context.Context, ex database.Executor, userID uuid.UUID, tokenHash []byte, expiresAt time.Time) error {
	_, err := ex.ExecContext(ctx, `
		INSERT INTO sessions (id, token_hash, user_id, expires_at) VALUES ($1, $2, $3, $4)`,
		uuid.New(), tokenHash, userID, expiresAt)
	return err
}

// credentialRow is the user of a live session or API token and when that credential expires.
type credentialRow struct {
	userRow
	ExpiresAt time.Time `db:"expires_at"`
}

// SessionUser returns the user of a live session (not expired, not revoked,
// user not disabled) and the session's expiry; sql.ErrNoRows otherwise. One
// indexed read: it runs for every request and every websocket operation.
func (Store) SessionUser(ctx context.Context, ex database.Executor, tokenHash []byte) (User, time.Time, error) {
	var row credentialRow
	err := ex.GetContext(ctx, &row, `
		SELECT u.id, u.username, u.display_name, u.roles, u.locale, u.disabled, u.created_at, u.password_hash, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled`,
		tokenHash)
	if err != nil {
		return User{}, time.Time{}, err
	}
	return row.user(), row.ExpiresAt, nil
}

// CredentialsChannel is the PostgreSQL notification channel on which every
// ended session or token and every disabled user is announced, so that each
// server instance closes the websockets signed in with it. Each payload is
// the user's id.
const CredentialsChannel = "leaktrail_credentials"

// RevokeSession ends the session with this token hash, if it is live.
func (Store) RevokeSession(ctx context.Context, ex database.Executor, tokenHash []byte) error {
	_, err := ex.ExecContext(ctx, `
		WITH ended AS (UPDATE sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING user_id)
		SELECT pg_notify($2, user_id::text) FROM ended`, tokenHash, CredentialsChannel)
	return err
}

// APIToken is a long-lived credential for scripts, acting as its user.
type APIToken struct {
	ID         uuid.UUID  `db:"id"`
	UserID     uuid.UUID  `db:"user_id"`
	Name       string     `db:"name"`
	CreatedAt  time.Time  `db:"created_at"`
	ExpiresAt  time.Time  `db:"expires_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
}

const tokenColumns = `id, user_id, name, created_at, expires_at, revoked_at, last_used_at`

// InsertToken stores an API token by the hash of its secret, as a child of
// parent when that is not nil.
func (Store) InsertToken(ctx context.Context, ex database.Executor, t APIToken, hash []byte, parent *uuid.UUID) (APIToken, error) {
	var out APIToken
	err := ex.GetContext(ctx, &out, `INSERT INTO api_tokens (id, user_id, name, token_hash, expires_at, parent_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+tokenColumns, t.ID, t.UserID, t.Name, hash, t.ExpiresAt, parent)
	return out, err
}

// LockLiveToken returns the id of the live token with this secret's hash and
// holds its row until the transaction ends, so that it cannot be revoked
// while a child is being added; sql.ErrNoRows when there is none.
func (Store) LockLiveToken(ctx context.Context, ex database.Executor, hash []byte) (uuid.UUID, error) {
	var id uuid.UUID
	err := ex.GetContext(ctx, &id, `SELECT id FROM api_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() FOR UPDATE`, hash)
	return id, err
}

// RevokeChildren revokes the live tokens made, directly or through others,
// by the token id, announces each of their users' ended credentials and
// returns their ids.
func (Store) RevokeChildren(ctx context.Context, ex database.Executor, id uuid.UUID) ([]uuid.UUID, error) {
	var ended []struct {
		ID     uuid.UUID `db:"id"`
		UserID uuid.UUID `db:"user_id"`
	}
	err := ex.SelectContext(ctx, &ended, `
		WITH RECURSIVE tree AS (
			SELECT id FROM api_tokens WHERE parent_id = $1
			UNION SELECT t.id FROM api_tokens t JOIN tree ON t.parent_id = tree.id)
		UPDATE api_tokens SET revoked_at = now()
		WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL
		RETURNING id, user_id`, id)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, len(ended))
	notified := map[uuid.UUID]bool{}
	for i, e := range ended {
		ids[i] = e.ID
		if !notified[e.UserID] {
			notified[e.UserID] = true
			if err := notifyCredentials(ctx, ex, e.UserID); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}

// TokenUser returns the user of a live API token and the token's expiry, and
// notes its use; sql.ErrNoRows otherwise.
func (Store) TokenUser(ctx context.Context, ex database.Executor, hash []byte) (User, time.Time, error) {
	var row credentialRow
	err := ex.GetContext(ctx, &row, `
		WITH used AS (
			UPDATE api_tokens SET last_used_at = now()
			WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
			RETURNING user_id, expires_at)
		SELECT u.id, u.username, u.display_name, u.roles, u.locale, u.disabled, u.created_at, u.password_hash, used.expires_at
		FROM used JOIN users u ON u.id = used.user_id WHERE NOT u.disabled`, hash)
	if err != nil {
		return User{}, time.Time{}, err
	}
	return row.user(), row.ExpiresAt, nil
}

// Tokens lists a user's API tokens, newest first.
func (Store) Tokens(ctx context.Context, ex database.Executor, userID uuid.UUID) ([]APIToken, error) {
	var out []APIToken
	err := ex.SelectContext(ctx, &out, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC`, userID)
	return out, err
}

// RevokeToken revokes one of the user's tokens; sql.ErrNoRows when the user has no such token.
func (Store) RevokeToken(ctx context.Context, ex database.Executor, userID, id uuid.UUID) (APIToken, error) {
	var out APIToken
	err := ex.GetContext(ctx, &out, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
		WHERE id = $1 AND user_id = $2 RETURNING `+tokenColumns, id, userID)
	if err != nil {
		return out, err
	}
	return out, notifyCredentials(ctx, ex, userID)
}

// RevokeTokenByHash revokes the live token with this secret's hash; sql.ErrNoRows when there is none.
func (Store) RevokeTokenByHash(ctx context.Context, ex database.Executor, hash []byte) (APIToken, error) {
	var out APIToken
	err := ex.GetContext(ctx, &out, `UPDATE api_tokens SET revoked_at = now()
		WHERE token_hash = $1 AND revoked_at IS NULL RETURNING `+tokenColumns, hash)
	if err != nil {
		return out, err
	}
	return out, notifyCredentials(ctx, ex, out.UserID)
}

// notifyCredentials announces on commit that a credential of the user ended.
func notifyCredentials(ctx context.Context, ex database.Executor, userID uuid.UUID) error {
	_, err := ex.ExecContext(ctx, `SELECT pg_notify($1, $2)`, CredentialsChannel, userID.String())
	return err
}

// SetRoles replaces a user's roles.
func (Store) SetRoles(ctx context.Context, ex database.Executor, id uuid.UUID, roles []Role) (User, error) {
	var row userRow
	err := ex.QueryRowxContext(ctx, `UPDATE users SET roles = $2 WHERE id = $1 RETURNING `+userColumns,
		id, roleArray(roles)).StructScan(&row)
	return row.user(), err
}

// SetLocale changes a user's language.
func (Store) SetLocale(ctx context.Context, ex database.Executor, id uuid.UUID, locale string) (User, error) {
	var row userRow
	if err := ex.QueryRowxContext(ctx, `UPDATE users SET locale = $2 WHERE id = $1 RETURNING `+userColumns,
		id, locale).StructScan(&row); err != nil {
		return User{}, err
	}
	return row.user(), nil
}

// SetDisabled disables or re-enables a user; disabling ends their sessions and tokens.
func (Store) SetDisabled(ctx context.Context, ex database.Executor, id uuid.UUID, disabled bool) (User, error) {
	var row userRow
	if err := ex.QueryRowxContext(ctx, `UPDATE users SET disabled = $2 WHERE id = $1 RETURNING `+userColumns,
		id, disabled).StructScan(&row); err != nil {
		return User{}, err
	}
	if disabled {
		if err := endCredentials(ctx, ex, id); err != nil {
			return User{}, err
		}
	}
	return row.user(), nil
}

// SetPassword replaces a user's password hash and ends their sessions and tokens.
func (Store) SetPassword(ctx context.Context, ex database.Executor, id uuid.UUID, hash string) (User, error) {
	var row userRow
	if err := ex.QueryRowxContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING `+userColumns,
		id, hash).StructScan(&row); err != nil {
		return User{}, err
	}
	return row.user(), endCredentials(ctx, ex, id)
}

// endCredentials revokes every live session and API token of the user.
func endCredentials(ctx context.Context, ex database.Executor, id uuid.UUID) error {
	if _, err := ex.ExecContext(ctx, `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id); err != nil {
		return err
	}
	if _, err := ex.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id); err != nil {
		return err
	}
	return notifyCredentials(ctx, ex, id)
}

// All lists every user by username.
func (Store) All(ctx context.Context, ex database.Executor) ([]User, error) {
	var rows []userRow
	if err := ex.SelectContext(ctx, &rows, `SELECT `+userColumns+` FROM users ORDER BY username`); err != nil {
		return nil, err
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

func roleArray(roles []Role) pq.StringArray {
	out := make(pq.StringArray, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}
