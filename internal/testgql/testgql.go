// Package testgql is a small GraphQL-over-HTTP client for end-to-end tests.
package testgql

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Client posts GraphQL operations to a server.
type Client struct {
	URL   string // base URL, e.g. http://127.0.0.1:1234
	Token string // bearer token, once signed in
	HTTP  *http.Client
	// IdempotencyKey, when set, is sent with every request.
	IdempotencyKey string
}

// Error is one GraphQL error as the server sent it.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Response is a decoded GraphQL response with its HTTP status.
type Response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	Header http.Header
}

// Code is the first error's extensions.code, or "".
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Raw posts body as-is to /graphql.
func (c *Client) Raw(t testing.TB, contentType string, body []byte) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.IdempotencyKey != "" {
		req.Header.Set("Idempotency-Key", c.IdempotencyKey)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := Response{Status: resp.StatusCode, Header: resp.Header}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("response is not JSON (status %d): %s", resp.StatusCode, b)
	}
	return out
}

// Do runs an operation and returns the response, whatever it holds.
func (c *Client) Do(t testing.TB, query string, vars map[string]any) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return c.Raw(t, "application/json", body)
}

// Must runs an operation that must succeed and decodes its data into out.
func (c *Client) Must(t testing.TB, query string, vars map[string]any, out any) {
	t.Helper()
	r := c.Do(t, query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("status %d, errors %+v", r.Status, r.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	}
}

// Login signs in and keeps the token for later calls.
func (c *Client) Login(t testing.TB, username, password string) {
	t.Helper()
	var out struct {
		Login struct{ Token string }
	}
	c.Must(t, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": username, "p": password}, &out)
	c.Token = out.Login.Token
}

// Send makes a plain HTTP request to path, signed in when the client has a
// token, and returns the status and body.
func (c *Client) Send(t testing.TB, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, c.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
