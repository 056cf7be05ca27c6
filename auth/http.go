package auth

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// CookieName is the session cookie.
const CookieName = "leaktrail_session"

// request is what the middleware remembers of the HTTP exchange, so that
// login and logout can set and clear the cookie from inside a resolver.
type request struct {
	w      http.ResponseWriter
	secure bool
}

type requestKey struct{}

// CSRFHeader must accompany every cookie-authenticated request that is not a
// GET: a browser sends the cookie with a cross-site form post, but a
// cross-site page cannot add a custom header without a CORS preflight, which
// Leaktrail never grants. Bearer-token requests need no such header.
const CSRFHeader = "X-Leaktrail-CSRF"

// BearerToken returns the token of an "Authorization: Bearer <token>" value
// (the scheme in any case), or the value itself when it has no scheme, as
// websocket init payloads often send it.
func BearerToken(authorization string) string {
	if scheme, tok, ok := strings.Cut(strings.TrimSpace(authorization), " "); ok {
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	return strings.TrimSpace(authorization)
}

// tokenFrom reads the bearer token, else the session cookie.
func tokenFrom(r *http.Request) (token string, viaCookie bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		return BearerToken(h), false
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value, true
	}
	return "", false
}

var csrfRefusal = []byte(`{"errors":[{"message":"a request signed in by cookie needs the ` + CSRFHeader +
	` header","extensions":{"code":"FORBIDDEN"}}]}`)

// Middleware signs the request in when it carries a live session or API token
// (bearer or cookie); otherwise the request goes on anonymous and resolvers
// that need a user refuse it with UNAUTHENTICATED.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		tok, viaCookie := tokenFrom(r)
		safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
		if viaCookie && tok != "" && !safe && r.Header.Get(CSRFHeader) == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			w.Write(csrfRefusal) //nolint:errcheck // the client went away
			return
		}
		if tok != "" {
			if signedIn, _, err := s.SignIn(ctx, tok); err == nil {
				ctx = signedIn
			}
		}
		ctx = context.WithValue(ctx, requestKey{}, &request{w: w, secure: r.TLS != nil || s.SecureCookies})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func setCookie(ctx context.Context, value string, expires time.Time) {
	req, ok := ctx.Value(requestKey{}).(*request)
	if !ok {
		return
	}
	c := &http.Cookie{Name: CookieName, Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: req.secure, Expires: expires}
	if value == "" {
		c.MaxAge = -1
	}
	http.SetCookie(req.w, c)
}
