// Package mailpit reads what a Mailpit server caught, for tests: the routes
// are Mailpit's REST API v1 (its server/server.go and server/apiv1).
package mailpit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// Client talks to one Mailpit's API.
type Client struct {
	BaseURL string // e.g. http://127.0.0.1:8025
	HTTP    *http.Client
}

// New returns a client for the Mailpit at baseURL.
func New(baseURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Timeout: 10 * time.Second}}
}

// FromEnv returns a client for the Mailpit that internal/cmd/withservices
// started (LEAKTRAIL_TEST_MAILPIT_URL) and its SMTP address
// (LEAKTRAIL_TEST_SMTP_ADDR), skipping the test when there is none.
func FromEnv(t testing.TB) (c *Client, smtpAddr string) {
	t.Helper()
	base, addr := os.Getenv("LEAKTRAIL_TEST_MAILPIT_URL"), os.Getenv("LEAKTRAIL_TEST_SMTP_ADDR")
	if base == "" || addr == "" {
		t.Skip("no Mailpit: run under go run ./internal/cmd/withservices")
	}
	return New(base), addr
}

// Address is a mailbox as Mailpit parsed it.
type Address struct {
	Name    string
	Address string
}

// Summary is one message in a list.
type Summary struct {
	ID        string
	MessageID string
	From      *Address
	To        []Address
	Subject   string
	Created   time.Time
	Snippet   string
}

// Message is one message with its decoded bodies.
type Message struct {
	ID        string
	MessageID string
	From      *Address
	To        []Address
	Subject   string // decoded from RFC 2047
	Date      time.Time
	Text      string // the text/plain part, decoded
	HTML      string
}

type list struct {
	Total    int       `json:"total"`
	Messages []Summary `json:"messages"`
}

// List returns the newest messages first, at most 500.
func (c *Client) List(ctx context.Context) ([]Summary, error) {
	var l list
	err := c.getJSON(ctx, "/api/v1/messages?limit=500", &l)
	return l.Messages, err
}

// Search returns the messages matching a Mailpit search query such as
// "to:someone@example.org" or "subject:word", newest first.
func (c *Client) Search(ctx context.Context, query string) ([]Summary, error) {
	var l list
	err := c.getJSON(ctx, "/api/v1/search?limit=500&query="+url.QueryEscape(query), &l)
	return l.Messages, err
}

// To returns the messages sent to address, newest first.
func (c *Client) To(ctx context.Context, address string) ([]Summary, error) {
	return c.Search(ctx, "to:"+address)
}

// Get returns one message; id "latest" is the newest.
func (c *Client) Get(ctx context.Context, id string) (Message, error) {
	var m Message
	err := c.getJSON(ctx, "/api/v1/message/"+url.PathEscape(id), &m)
	return m, err
}

// Headers returns a message's headers, values decoded.
func (c *Client) Headers(ctx context.Context, id string) (map[string][]string, error) {
	var h map[string][]string
	err := c.getJSON(ctx, "/api/v1/message/"+url.PathEscape(id)+"/headers", &h)
	return h, err
}

// Raw returns a message as it arrived over SMTP.
func (c *Client) Raw(ctx context.Context, id string) ([]byte, error) {
	resp, err := c.do(ctx, http.MethodGet, "/api/v1/message/"+url.PathEscape(id)+"/raw")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// DeleteAll removes every message.
func (c *Client) DeleteAll(ctx context.Context) error {
	resp, err := c.do(ctx, http.MethodDelete, "/api/v1/messages")
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// WaitTo polls until at least n messages to address have arrived, and returns
// them newest first.
func (c *Client) WaitTo(ctx context.Context, address string, n int, timeout time.Duration) ([]Summary, error) {
	deadline := time.Now().Add(timeout)
	for {
		got, err := c.To(ctx, address)
		if err != nil || len(got) >= n {
			return got, err
		}
		if time.Now().After(deadline) {
			return got, fmt.Errorf("mailpit: %d of %d messages to %s after %s", len(got), n, address, timeout)
		}
		select {
		case <-ctx.Done():
			return got, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	resp, err := c.do(ctx, http.MethodGet, path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func (c *Client) do(ctx context.Context, method, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return nil, fmt.Errorf("mailpit: %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return resp, nil
}
