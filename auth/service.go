package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/audit"
	"github.com/leaktrail/leaktrail/budget"
	"github.com/leaktrail/leaktrail/internal/requestid"
	"github.com/leaktrail/leaktrail/internal/text"
)

// Service signs users in and out, manages users and API tokens, and records
// each of those in the audit log.
type Service struct {
	DB         *sqlx.DB
	Store      Store
	SessionTTL time.Duration
	// ByUsername and ByAddress limit sign-in attempts; nil means no limit.
	ByUsername *Limiter
	ByAddress  *Limiter
	// Hashing bounds the password hashes computed at once; nil means no bound.
	Hashing *budget.Pool
	Log     *slog.Logger

	limited *limitedLog
	// SecureCookies marks the session cookie Secure even on plain HTTP, for a
	// server behind a TLS-terminating proxy (its public URL is https).
	SecureCookies bool
}

// NewService returns a service with the default sign-in limits: 5 failures
// per username and 20 per address in 15 minutes.
func NewService(db *sqlx.DB, sessionTTL time.Duration) *Service {
	return &Service{DB: db, SessionTTL: sessionTTL,
		ByUsername: NewLimiter(5, 15*time.Minute), ByAddress: NewLimiter(20, 15*time.Minute),
		limited: &limitedLog{window: LimitedLogWindow, sources: map[string]*limitedSource{}}}
}

// LimitedLogWindow is how long refused sign-ins from one address are
// counted into one audit entry.
const LimitedLogWindow = time.Minute

// Session is a freshly created session; Token is never stored, only its hash.
type Session struct {
	Token     string
	ExpiresAt time.Time
	User      User
}

// Token prefixes tell sessions from API tokens and make both recognisable to secret scanners.
const (
	TokenPrefix    = "lts_"
	APITokenPrefix = "ltk_"
)

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newToken(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// change runs fn in a transaction and appends its audit entry, acting as the
// signed-in user, or as "system" for trusted callers (CLI, dev) without one.
func (s *Service) change(ctx context.Context, fn func(tx *sqlx.Tx) (audit.Entry, error)) error {
	return audit.Change(ctx, s.DB, func(tx *sqlx.Tx) (audit.Entry, error) {
		e, err := fn(tx)
		if u, ok := UserFrom(ctx); ok {
			e.ActorID, e.ActorName = &u.ID, u.Username
		} else if e.ActorName == "" {
			e.ActorName = "system"
		}
		return e, err
	})
}

// requireAdmin returns the signed-in user if they are an ADMIN.
func requireAdmin(ctx context.Context) (User, error) {
	u, err := Require(ctx)
	if err != nil {
		return u, err
	}
	if !u.Has(Admin) {
		return u, apperr.Errorf(apperr.Forbidden, "only administrators manage users")
	}
	return u, nil
}

// AddUser creates a user for a trusted caller: the CLI, `leaktrail dev`, tests.
// Over the API, CreateUser checks the caller is an admin.
func (s *Service) AddUser(ctx context.Context, n NewUser) (User, error) {
	n, err := n.Normalize()
	if err != nil {
		return User{}, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		var err error
		if u, err = s.Store.Insert(ctx, tx, n, hash); err != nil {
			return audit.Entry{}, err
		}
		return userEntry("user.create", u.ID, map[string]any{"username": u.Username, "roles": u.Roles}), nil
	})
	return u, err
}

func userEntry(action string, id uuid.UUID, changes any) audit.Entry {
	return audit.Entry{Action: action, TargetType: "user", TargetID: id.String(), Changes: changes}
}

// CreateUser creates a user; only admins may.
func (s *Service) CreateUser(ctx context.Context, n NewUser) (User, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return User{}, err
	}
	return s.AddUser(ctx, n)
}

// SetRoles replaces a user's roles; only admins may, and an admin cannot drop
// their own ADMIN role (someone must be left to manage users).
func (s *Service) SetRoles(ctx context.Context, id uuid.UUID, roles []Role) (User, error) {
	admin, err := requireAdmin(ctx)
	if err != nil {
		return User{}, err
	}
	roles, err = normalizeRoles(roles)
	if err != nil {
		return User{}, err
	}
	if id == admin.ID && !slices.Contains(roles, Admin) {
		return User{}, apperr.Invalid("roles", "you cannot remove your own ADMIN role")
	}
	var u User
	err = s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		before, err := s.Store.ByIDs(ctx, tx, []uuid.UUID{id})
		if err != nil {
			return audit.Entry{}, err
		}
		if len(before) == 0 {
			return audit.Entry{}, errNoUser
		}
		if u, err = s.Store.SetRoles(ctx, tx, id, roles); err != nil {
			return audit.Entry{}, err
		}
		return userEntry("user.roles", id, map[string]any{"from": before[0].Roles, "to": u.Roles}), nil
	})
	return u, err
}

var errNoUser = apperr.Errorf(apperr.NotFound, "no user has that id")

// SetDisabled disables (ending every session and token) or re-enables a user; only admins may.
func (s *Service) SetDisabled(ctx context.Context, id uuid.UUID, disabled bool) (User, error) {
	admin, err := requireAdmin(ctx)
	if err != nil {
		return User{}, err
	}
	if id == admin.ID && disabled {
		return User{}, apperr.Invalid("id", "you cannot disable yourself")
	}
	var u User
	err = s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		var err error
		if u, err = s.Store.SetDisabled(ctx, tx, id, disabled); errors.Is(err, sql.ErrNoRows) {
			return audit.Entry{}, errNoUser
		} else if err != nil {
			return audit.Entry{}, err
		}
		return userEntry("user.disabled", id, map[string]any{"disabled": disabled}), nil
	})
	return u, err
}

// ResetPassword sets another user's password and ends their sessions and
// tokens; only admins may. Admins change their own password like everyone else.
func (s *Service) ResetPassword(ctx context.Context, id uuid.UUID, password string) (User, error) {
	admin, err := requireAdmin(ctx)
	if err != nil {
		return User{}, err
	}
	if id == admin.ID {
		return User{}, apperr.Invalid("id", "you cannot reset your own password here")
	}
	if err := checkPassword(password); err != nil {
		return User{}, err
	}
	release, err := s.Hashing.Acquire(ctx)
	if err != nil {
		return User{}, err
	}
	hash, err := HashPassword(password)
	release()
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		var err error
		if u, err = s.Store.SetPassword(ctx, tx, id, hash); errors.Is(err, sql.ErrNoRows) {
			return audit.Entry{}, errNoUser
		} else if err != nil {
			return audit.Entry{}, err
		}
		return userEntry("user.password_reset", id, nil), nil
	})
	return u, err
}

// ChangeMyPassword sets the signed-in user's own password once their current
// one is given (a wrong one counts against the sign-in limits, as at sign-in),
// and ends all their sessions and API tokens, this one included: a changed
// password is often a suspected leak of the old one.
func (s *Service) ChangeMyPassword(ctx context.Context, current, password string) error {
	me, err := Require(ctx)
	if err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	if current == password {
		return apperr.Invalid("password", "the new password is the current one")
	}
	wrong := apperr.Invalid("currentPassword", "the current password is wrong")
	if len(current) > 4*maxPasswordLength {
		return wrong
	}
	done, wait := s.reserve(me.Username, requestid.RemoteAddr(ctx), time.Now())
	if wait > 0 {
		return rateLimited(wait)
	}
	failed := false
	defer func() { done(failed) }()
	release, err := s.Hashing.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	row, err := s.Store.byUsername(ctx, s.DB, me.Username)
	if err != nil {
		return err
	}
	if !CheckPassword(row.PasswordHash, current) {
		failed = true
		return wrong
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		if _, err := s.Store.SetPassword(ctx, tx, me.ID, hash); err != nil {
			return audit.Entry{}, err
		}
		return userEntry("user.password_changed", me.ID, nil), nil
	})
}

// SetMyLocale remembers the signed-in user's language for every device they use.
func (s *Service) SetMyLocale(ctx context.Context, locale string) (User, error) {
	me, err := Require(ctx)
	if err != nil {
		return User{}, err
	}
	if !slices.Contains(Locales, locale) {
		return User{}, apperr.Invalid("locale", "zh-CN, zh-TW or en")
	}
	var u User
	err = s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		var err error
		u, err = s.Store.SetLocale(ctx, tx, me.ID, locale)
		return userEntry("user.locale", me.ID, map[string]any{"locale": locale}), err
	})
	return u, err
}

// Users lists every user: the directory members are chosen from.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	if _, err := Require(ctx); err != nil {
		return nil, err
	}
	return s.Store.All(ctx, s.DB)
}

var errBadLogin = apperr.Errorf(apperr.Unauthenticated, "wrong username or password")

func rateLimited(wait time.Duration) error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return apperr.Errorf(apperr.RateLimited, "too many sign-in attempts; try again in %d seconds", secs).
		With("retryAfterSeconds", secs)
}

// Login checks the password and opens a session. Unknown users, disabled users
// and wrong passwords all get the same error after the same work. Each
// attempt is reserved against the limits per username and per address before
// the password is checked, and the check itself waits for a slot of the
// server's hashing budget, so a burst of sign-ins costs bounded memory.
func (s *Service) Login(ctx context.Context, username, password string) (Session, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if utf8.RuneCountInString(username) > 64 || len(password) > 4*maxPasswordLength {
		return Session{}, errBadLogin
	}
	now := time.Now()
	addr := requestid.RemoteAddr(ctx)
	done, wait := s.reserve(username, addr, now)
	if wait > 0 {
		if closed := s.limited.add(addr, username, now); closed != nil {
			s.logLimited(ctx, addr, closed)
		}
		return Session{}, rateLimited(wait)
	}
	failed := false
	defer func() { done(failed) }()
	release, err := s.Hashing.Acquire(ctx)
	if err != nil {
		return Session{}, err
	}
	defer release()
	row, err := s.Store.byUsername(ctx, s.DB, username)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		CheckPassword(dummyHash, password)
		failed = true
		return Session{}, s.loginFailed(ctx, username)
	case err != nil:
		return Session{}, err
	}
	if !CheckPassword(row.PasswordHash, password) || row.Disabled {
		failed = true
		return Session{}, s.loginFailed(ctx, username)
	}
	release()
	token, err := newToken(TokenPrefix)
	if err != nil {
		return Session{}, err
	}
	u := row.user()
	sess := Session{Token: token, ExpiresAt: now.Add(s.SessionTTL), User: u}
	err = audit.Change(ctx, s.DB, func(tx *sqlx.Tx) (audit.Entry, error) {
		return audit.Entry{ActorID: &u.ID, ActorName: u.Username, Action: "session.login"},
			s.Store.InsertSession(ctx, tx, u.ID, hashToken(token), sess.ExpiresAt)
	})
	if err != nil {
		return Session{}, err
	}
	if s.ByUsername != nil {
		s.ByUsername.Reset(username)
	}
	setCookie(ctx, token, sess.ExpiresAt)
	return sess, nil
}

// reserve takes an attempt from both limits, or from neither, and returns
// how long to wait when either is full.
func (s *Service) reserve(username, addr string, now time.Time) (done func(failed bool), wait time.Duration) {
	var dones []func(bool)
	for _, l := range []struct {
		limiter *Limiter
		key     string
	}{{s.ByUsername, username}, {s.ByAddress, addr}} {
		if l.limiter == nil || l.key == "" {
			continue
		}
		d, w := l.limiter.Reserve(l.key, now)
		if w > 0 {
			for _, d := range dones {
				d(false)
			}
			return nil, w
		}
		dones = append(dones, d)
	}
	return func(failed bool) {
		for _, d := range dones {
			d(failed)
		}
	}, 0
}

func (s *Service) loginFailed(ctx context.Context, username string) error {
	if err := audit.AppendNow(ctx, s.DB, audit.Entry{ActorName: username, Action: "session.login_failed"}); err != nil {
		return err
	}
	return errBadLogin
}

// logLimited writes one aggregated entry for the refused attempts of one
// address in one window.
func (s *Service) logLimited(ctx context.Context, addr string, src *limitedSource) {
	ctx = requestid.WithRemoteAddr(ctx, addr)
	err := audit.AppendNow(ctx, s.DB, audit.Entry{ActorName: "anonymous", Action: "session.login_limited", Changes: map[string]any{
		"attempts": src.Attempts, "from": src.First.UTC(), "to": src.Last.UTC(), "usernames": src.Usernames}})
	if err != nil {
		s.logger().WarnContext(ctx, "audit of refused sign-ins", "address", addr, "attempts", src.Attempts, "error", err)
	}
}

// FlushLimited writes the aggregated entries of refused sign-ins whose window
// has ended, or of all when final is set (the server is stopping).
func (s *Service) FlushLimited(ctx context.Context, final bool) {
	for addr, src := range s.limited.take(time.Now(), final) {
		s.logLimited(ctx, addr, src)
	}
}

func (s *Service) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Authenticate returns the user of a live session or API token.
func (s *Service) Authenticate(ctx context.Context, token string) (User, error) {
	u, _, err := s.authenticate(ctx, token)
	return u, err
}

func (s *Service) authenticate(ctx context.Context, token string) (User, time.Time, error) {
	var u User
	var expiresAt time.Time
	var err error
	if strings.HasPrefix(token, APITokenPrefix) {
		u, expiresAt, err = s.Store.TokenUser(ctx, s.DB, hashToken(token))
	} else {
		u, expiresAt, err = s.Store.SessionUser(ctx, s.DB, hashToken(token))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, time.Time{}, errEnded
	}
	return u, expiresAt, err
}

var errEnded = apperr.Errorf(apperr.Unauthenticated, "the session or token has expired or was revoked; sign in again")

// Logout ends the session or API token the request was signed in with and
// clears the cookie. Without one it does nothing.
func (s *Service) Logout(ctx context.Context) error {
	setCookie(ctx, "", time.Unix(0, 0))
	c, hasCredential := credentialFrom(ctx)
	_, signedIn := UserFrom(ctx)
	if !hasCredential || !signedIn {
		return nil
	}
	return s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		if !strings.HasPrefix(c.token, APITokenPrefix) {
			return audit.Entry{Action: "session.logout"},
				s.Store.RevokeSession(ctx, tx, hashToken(c.token))
		}
		t, err := s.Store.RevokeTokenByHash(ctx, tx, hashToken(c.token))
		if errors.Is(err, sql.ErrNoRows) { // revoked meanwhile: nothing left to end
			return audit.Entry{Action: "session.logout"}, nil
		} else if err != nil {
			return audit.Entry{}, err
		}
		return s.revokeEntry(ctx, tx, t.ID, map[string]any{"by": "logout"})
	})
}

// revokeEntry revokes the tokens that the revoked token id made, directly or
// through others, and returns the audit entry of the whole revocation.
func (s *Service) revokeEntry(ctx context.Context, tx *sqlx.Tx, id uuid.UUID, changes map[string]any) (audit.Entry, error) {
	children, err := s.Store.RevokeChildren(ctx, tx, id)
	if err != nil {
		return audit.Entry{}, err
	}
	if len(children) > 0 {
		if changes == nil {
			changes = map[string]any{}
		}
		changes["children"] = children
	}
	e := audit.Entry{Action: "token.revoke", TargetType: "api_token", TargetID: id.String()}
	if changes != nil {
		e.Changes = changes
	}
	return e, nil
}

// CreatedToken is a new API token with its secret, shown this once.
type CreatedToken struct {
	Token    string
	APIToken APIToken
}

// API token lifetimes.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 366 * 24 * time.Hour
)

// CreateToken makes an API token acting as the caller, with the caller's rights.
func (s *Service) CreateToken(ctx context.Context, name string, expiresAt *time.Time) (CreatedToken, error) {
	u, err := Require(ctx)
	if err != nil {
		return CreatedToken{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return CreatedToken{}, apperr.Invalid("name", "name the token (up to 100 characters), e.g. after the script that uses it")
	}
	if err := text.Line("name", name); err != nil {
		return CreatedToken{}, err
	}
	now := time.Now()
	expiry := now.Add(DefaultTokenTTL)
	// A token made by a token ends with it at the latest, so a leaked
	// short-lived token cannot be turned into a lasting one. A session may
	// make a token of any lifetime: signing in is how scripts get theirs.
	parent, byToken := credentialFrom(ctx)
	byToken = byToken && strings.HasPrefix(parent.token, APITokenPrefix)
	if byToken && expiry.After(parent.expiresAt) {
		expiry = parent.expiresAt
	}
	if expiresAt != nil {
		if !expiresAt.After(now) || expiresAt.Sub(now) > MaxTokenTTL {
			return CreatedToken{}, apperr.Invalid("expiresAt", "a token expires within a year from now")
		}
		if byToken && expiresAt.After(parent.expiresAt) {
			return CreatedToken{}, apperr.Invalid("expiresAt", "a token cannot outlive the token that creates it (it expires at %s)",
				parent.expiresAt.UTC().Format(time.RFC3339))
		}
		expiry = *expiresAt
	}
	secret, err := newToken(APITokenPrefix)
	if err != nil {
		return CreatedToken{}, err
	}
	out := CreatedToken{Token: secret}
	err = s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		var parentID *uuid.UUID
		if byToken {
			// Held until commit: a parent revoked meanwhile leaves no live child.
			id, err := s.Store.LockLiveToken(ctx, tx, hashToken(parent.token))
			if errors.Is(err, sql.ErrNoRows) {
				return audit.Entry{}, errEnded
			} else if err != nil {
				return audit.Entry{}, err
			}
			parentID = &id
		}
		var err error
		out.APIToken, err = s.Store.InsertToken(ctx, tx, APIToken{ID: uuid.New(), UserID: u.ID, Name: name, ExpiresAt: expiry}, hashToken(secret), parentID)
		if err != nil {
			return audit.Entry{}, err
		}
		return audit.Entry{Action: "token.create", TargetType: "api_token", TargetID: out.APIToken.ID.String(),
			Changes: map[string]any{"name": name, "expiresAt": expiry.UTC()}}, nil
	})
	return out, err
}

// Tokens lists the caller's API tokens.
func (s *Service) Tokens(ctx context.Context) ([]APIToken, error) {
	u, err := Require(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.Tokens(ctx, s.DB, u.ID)
}

// RevokeToken revokes one of the caller's API tokens.
func (s *Service) RevokeToken(ctx context.Context, id uuid.UUID) (APIToken, error) {
	u, err := Require(ctx)
	if err != nil {
		return APIToken{}, err
	}
	var t APIToken
	err = s.change(ctx, func(tx *sqlx.Tx) (audit.Entry, error) {
		var err error
		if t, err = s.Store.RevokeToken(ctx, tx, u.ID, id); errors.Is(err, sql.ErrNoRows) {
			return audit.Entry{}, apperr.Errorf(apperr.NotFound, "you have no API token with that id")
		} else if err != nil {
			return audit.Entry{}, err
		}
		return s.revokeEntry(ctx, tx, id, nil)
	})
	return t, err
}

// UsersByIDs returns the users with these ids (for dataloaders).
func (s *Service) UsersByIDs(ctx context.Context, ids []uuid.UUID) ([]User, error) {
	return s.Store.ByIDs(ctx, s.DB, ids)
}

// CountUsers returns how many users exist.
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	return s.Store.Count(ctx, s.DB)
}

// UserByUsername returns an enabled user by username, for trusted callers (the CLI).
func (s *Service) UserByUsername(ctx context.Context, username string) (User, error) {
	row, err := s.Store.byUsername(ctx, s.DB, strings.ToLower(strings.TrimSpace(username)))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && row.Disabled) {
		return User{}, apperr.Errorf(apperr.NotFound, "no enabled user is called %q", username)
	}
	return row.user(), err
}
