package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
)

// Service signs users in and out and creates them.
type Service struct {
	DB         *sqlx.DB
	Store      Store
	SessionTTL time.Duration
}

// Session is a freshly created session; Token is never stored, only its hash.
type Session struct {
	Token     string
	ExpiresAt time.Time
	User      User
}

// TokenPrefix marks Leaktrail session tokens so they are recognisable in logs and secret scanners.
const TokenPrefix = "lts_"

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// AddUser creates a user.
func (s *Service) AddUser(ctx context.Context, n NewUser) (User, error) {
	n, err := n.Normalize()
	if err != nil {
		return User{}, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, err
	}
	return s.Store.Insert(ctx, s.DB, n, hash)
}

var errBadLogin = apperr.Errorf(apperr.Unauthenticated, "wrong username or password")

// Login checks the password and opens a session. Unknown users, disabled users
// and wrong passwords all get the same error after the same work.
func (s *Service) Login(ctx context.Context, username, password string) (Session, error) {
	row, err := s.Store.byUsername(ctx, s.DB, strings.ToLower(strings.TrimSpace(username)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		CheckPassword(dummyHash, password)
		return Session{}, errBadLogin
	case err != nil:
		return Session{}, err
	}
	if !CheckPassword(row.PasswordHash, password) || row.Disabled {
		return Session{}, errBadLogin
	}
	token, err := newToken()
	if err != nil {
		return Session{}, err
	}
	expires := time.Now().Add(s.SessionTTL)
	if err := s.Store.InsertSession(ctx, s.DB, row.ID, hashToken(token), expires); err != nil {
		return Session{}, err
	}
	setCookie(ctx, token, expires)
	return Session{Token: token, ExpiresAt: expires, User: row.user()}, nil
}

// Authenticate returns the user of a live session token.
func (s *Service) Authenticate(ctx context.Context, token string) (User, error) {
	u, err := s.Store.SessionUser(ctx, s.DB, hashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.Errorf(apperr.Unauthenticated, "the session has expired or was ended; sign in again")
	}
	return u, err
}

// Logout revokes the session the request was authenticated with and clears
// the cookie. Without a session it does nothing.
func (s *Service) Logout(ctx context.Context) error {
	setCookie(ctx, "", time.Unix(0, 0))
	if tok := requestToken(ctx); tok != "" {
		return s.Store.RevokeSession(ctx, s.DB, hashToken(tok))
	}
	return nil
}

// UsersByIDs returns the users with these ids (for dataloaders).
func (s *Service) UsersByIDs(ctx context.Context, ids []uuid.UUID) ([]User, error) {
	return s.Store.ByIDs(ctx, s.DB, ids)
}

// CountUsers returns how many users exist.
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	return s.Store.Count(ctx, s.DB)
}

// Exists reports whether a user has id.
func (s *Service) Exists(ctx context.Context, id uuid.UUID) (bool, error) {
	return s.Store.Exists(ctx, s.DB, id)
}
