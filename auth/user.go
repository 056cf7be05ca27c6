// Package auth holds users, their roles, passwords and sessions, and the
// request context that carries the signed-in user.
package auth

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/leaktrail/leaktrail/apperr"
	"github.com/leaktrail/leaktrail/internal/text"
)

// Role values match the GraphQL Role enum.
type Role string

const (
	Responder    Role = "RESPONDER"
	Investigator Role = "INVESTIGATOR"
	Leadership   Role = "LEADERSHIP"
	Admin        Role = "ADMIN"
)

// AllRoles lists every role.
var AllRoles = []Role{Responder, Investigator, Leadership, Admin}

// ParseRole accepts a role name in any case.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToUpper(strings.TrimSpace(s)))
	if !slices.Contains(AllRoles, r) {
		return "", apperr.Invalid("roles", "unknown role %q (one of RESPONDER, INVESTIGATOR, LEADERSHIP, ADMIN)", s)
	}
	return r, nil
}

// User is a person who signs in to Leaktrail.
type User struct {
	ID          uuid.UUID `db:"id"`
	Username    string    `db:"username"`
	DisplayName string    `db:"display_name"`
	Roles       []Role    `db:"-"`
	Locale      string    `db:"locale"`
	Disabled    bool      `db:"disabled"`
	CreatedAt   time.Time `db:"created_at"`
}

// Has reports whether the user holds role r.
func (u User) Has(r Role) bool { return slices.Contains(u.Roles, r) }

// NewUser is the input for creating a user.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Roles       []Role
	Locale      string
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Locales are the languages Leaktrail speaks.
var Locales = []string{"zh-CN", "zh-TW", "en"}

const (
	minPasswordLength = 10
	maxPasswordLength = 256
)

// Normalize trims and checks n, filling defaults (display name, locale).
func (n NewUser) Normalize() (NewUser, error) {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	if !usernamePattern.MatchString(n.Username) {
		return n, apperr.Invalid("username", "a username is 2–64 lowercase letters, digits, '.', '_' or '-'")
	}
	n.DisplayName = strings.TrimSpace(n.DisplayName)
	if n.DisplayName == "" {
		n.DisplayName = n.Username
	}
	if utf8.RuneCountInString(n.DisplayName) > 100 {
		return n, apperr.Invalid("displayName", "the display name is longer than 100 characters")
	}
	if err := text.Line("displayName", n.DisplayName); err != nil {
		return n, err
	}
	if err := checkPassword(n.Password); err != nil {
		return n, err
	}
	var err error
	if n.Roles, err = normalizeRoles(n.Roles); err != nil {
		return n, err
	}
	if n.Locale == "" {
		n.Locale = "zh-CN"
	}
	if !slices.Contains(Locales, n.Locale) {
		return n, apperr.Invalid("locale", "the locale must be zh-CN, zh-TW or en")
	}
	return n, nil
}

// normalizeRoles checks a user's roles and returns them sorted without repeats.
func normalizeRoles(roles []Role) ([]Role, error) {
	if len(roles) == 0 {
		return nil, apperr.Invalid("roles", "give the user at least one role")
	}
	for _, r := range roles {
		if _, err := ParseRole(string(r)); err != nil {
			return nil, err
		}
	}
	roles = slices.Clone(roles) // sorted in place below; the caller's slice stays as it was
	slices.Sort(roles)
	return slices.Compact(roles), nil
}

type ctxKey int

const userKey ctxKey = iota

// WithUser returns ctx carrying the signed-in user.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFrom returns the signed-in user, if any.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey).(User)
	return u, ok
}

// Require returns the signed-in user or an UNAUTHENTICATED error.
func Require(ctx context.Context) (User, error) {
	u, ok := UserFrom(ctx)
	if !ok {
		return User{}, apperr.Errorf(apperr.Unauthenticated, "sign in first")
	}
	return u, nil
}

// checkPassword applies the password rules to a new password.
func checkPassword(password string) error {
	if l := utf8.RuneCountInString(password); l < minPasswordLength || l > maxPasswordLength {
		return apperr.Invalid("password", "a password has %d to %d characters", minPasswordLength, maxPasswordLength)
	}
	return nil
}
