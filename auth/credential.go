package auth

import (
	"context"
	"time"
)

// credential is the session or API token a request or websocket was signed
// in with: logout ends it, a token it creates may not outlive it, and a
// websocket re-checks it before every operation and event.
type credential struct {
	token     string
	expiresAt time.Time
}

type credentialKey struct{}

func credentialFrom(ctx context.Context) (credential, bool) {
	c, ok := ctx.Value(credentialKey{}).(credential)
	return c, ok
}

// SignIn returns ctx acting as the user of token (a live session or API
// token), and when that credential expires.
func (s *Service) SignIn(ctx context.Context, token string) (context.Context, time.Time, error) {
	u, expiresAt, err := s.authenticate(ctx, token)
	if err != nil {
		return ctx, time.Time{}, err
	}
	ctx = context.WithValue(WithUser(ctx, u), credentialKey{}, credential{token: token, expiresAt: expiresAt})
	return ctx, expiresAt, nil
}

// Recheck signs ctx in again with the credential it was signed in with, so a
// long-lived connection acts with the user's current roles and stops the
// moment the session or token ends or the user is disabled (UNAUTHENTICATED).
// A ctx signed in without a credential (the CLI, tests) is returned as it is.
func (s *Service) Recheck(ctx context.Context) (context.Context, error) {
	c, ok := credentialFrom(ctx)
	if !ok {
		return ctx, nil
	}
	ctx, _, err := s.SignIn(ctx, c.token)
	return ctx, err
}

// ExpiresAt tells when the session or token ctx was signed in with expires;
// false when ctx was not signed in with one.
func ExpiresAt(ctx context.Context) (time.Time, bool) {
	c, ok := credentialFrom(ctx)
	return c.expiresAt, ok
}
