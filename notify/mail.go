package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/netip"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// MailTLS is how the connection to the SMTP server is protected.
type MailTLS string

// The SMTP connection modes.
const (
	MailSTARTTLS MailTLS = "starttls" // plain connect, then STARTTLS, required (submission, port 587)
	MailTLSWrap  MailTLS = "tls"      // TLS from the first byte (port 465)
	MailNoTLS    MailTLS = "none"     // plain text: only when asked for by name
)

// MailConfig is where and as whom notification mail is sent.
type MailConfig struct {
	Host     string
	Port     int
	Username string // empty: no AUTH
	Password string
	From     mail.Address
	TLS      MailTLS
	// TLSConfig, when set, verifies the server (a private CA in tests);
	// otherwise the system's roots and Host.
	TLSConfig *tls.Config
}

// ParseSMTPURL reads LEAKTRAIL_SMTP_URL:
//
//	smtp://user:pass@host:587?from=leaktrail@example.org&tls=starttls|tls|none
//
// smtps://host is tls=tls. The default is starttls, and it is required: a
// server that does not offer it fails, so a man in the middle cannot strip
// it. tls=none must be asked for by name, and then a password is refused
// unless the host is a loopback address, so a password never crosses a
// network in clear. The default port is 587 for starttls, 465 for tls and 25
// for none. from is required and may carry a display name
// ("Leaktrail <leaktrail@example.org>", URL-encoded). User and password are
// URL-encoded (a "@" in a password is "%40").
func ParseSMTPURL(raw string) (MailConfig, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return MailConfig{}, fmt.Errorf("LEAKTRAIL_SMTP_URL: %w", err)
	}
	var c MailConfig
	switch u.Scheme {
	case "smtp":
		c.TLS = MailSTARTTLS
	case "smtps":
		c.TLS = MailTLSWrap
	default:
		return c, errors.New("LEAKTRAIL_SMTP_URL: the scheme must be smtp:// or smtps://")
	}
	q := u.Query()
	for k := range q {
		if k != "from" && k != "tls" {
			return c, fmt.Errorf("LEAKTRAIL_SMTP_URL: unknown parameter %q (from and tls are known)", k)
		}
	}
	if t := q.Get("tls"); t != "" {
		switch MailTLS(t) {
		case MailSTARTTLS, MailTLSWrap, MailNoTLS:
			c.TLS = MailTLS(t)
		default:
			return c, fmt.Errorf("LEAKTRAIL_SMTP_URL: tls=%s: it is starttls, tls or none", t)
		}
		if u.Scheme == "smtps" && c.TLS != MailTLSWrap {
			return c, errors.New("LEAKTRAIL_SMTP_URL: smtps:// is tls=tls")
		}
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, errors.New("LEAKTRAIL_SMTP_URL: no host")
	}
	c.Port = map[MailTLS]int{MailSTARTTLS: 587, MailTLSWrap: 465, MailNoTLS: 25}[c.TLS]
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port < 1 || c.Port > 65535 {
			return c, fmt.Errorf("LEAKTRAIL_SMTP_URL: bad port %q", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if c.TLS == MailNoTLS && c.Username != "" && !loopbackHost(c.Host) {
		return c, fmt.Errorf("LEAKTRAIL_SMTP_URL: tls=none would send the password in clear to %s; use starttls or tls", c.Host)
	}
	from := q.Get("from")
	if from == "" {
		return c, errors.New("LEAKTRAIL_SMTP_URL: from= is required, e.g. from=leaktrail@example.org")
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return c, fmt.Errorf("LEAKTRAIL_SMTP_URL: from=%s: %w", from, err)
	}
	c.From = *a
	return c, nil
}

func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// Mailer sends plain-text notification mail, one recipient per message so no
// recipient learns who else was told.
type Mailer struct {
	cfg   MailConfig
	helo  string
	Clock func() time.Time // the Date header; time.Now unless set
}

// NewMailer returns a mailer for cfg.
func NewMailer(cfg MailConfig) *Mailer {
	helo, err := os.Hostname()
	if err != nil || helo == "" || strings.ContainsAny(helo, " \r\n") {
		helo = "localhost"
	}
	return &Mailer{cfg: cfg, helo: helo, Clock: time.Now}
}

// defaultMailTimeout bounds a send whose context has no deadline.
const defaultMailTimeout = 30 * time.Second

// Send delivers one message to one address. The subject may be any UTF-8
// (it is RFC 2047-encoded); the body is UTF-8 text, sent quoted-printable.
// ctx bounds the whole exchange. An error that wraps a *textproto.Error with a
// 5xx code is permanent (see PermanentMailError); others may pass on retry.
func (m *Mailer) Send(ctx context.Context, to, subject, textBody string) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return &permanentError{fmt.Errorf("mail: recipient %q: %w", to, err)}
	}
	msg, err := m.compose(rcpt, subject, textBody)
	if err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultMailTimeout)
		defer cancel()
	}
	conn, err := m.dial(ctx)
	if err != nil {
		return fmt.Errorf("mail: connect to %s:%d: %w", m.cfg.Host, m.cfg.Port, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline) //nolint:errcheck // a closed conn fails the next step anyway
	// Closing the connection when ctx ends unblocks any step in progress.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	err = m.converse(conn, rcpt.Address, msg)
	if ctx.Err() != nil {
		return fmt.Errorf("mail: %w", ctx.Err())
	}
	return err
}

func (m *Mailer) dial(ctx context.Context) (net.Conn, error) {
	addr := net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port))
	if m.cfg.TLS == MailTLSWrap {
		d := &tls.Dialer{Config: m.tlsConfig()}
		return d.DialContext(ctx, "tcp", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

func (m *Mailer) tlsConfig() *tls.Config {
	if m.cfg.TLSConfig != nil {
		c := m.cfg.TLSConfig.Clone()
		if c.ServerName == "" {
			c.ServerName = m.cfg.Host
		}
		return c
	}
	return &tls.Config{ServerName: m.cfg.Host, MinVersion: tls.VersionTLS12}
}

func (m *Mailer) converse(conn net.Conn, rcpt string, msg []byte) error {
	c, err := smtp.NewClient(conn, m.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(m.helo); err != nil {
		return fmt.Errorf("mail: EHLO: %w", err)
	}
	if m.cfg.TLS == MailSTARTTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &permanentError{fmt.Errorf("mail: %s does not offer STARTTLS; set tls=none only for a server on this machine", m.cfg.Host)}
		}
		if err := c.StartTLS(m.tlsConfig()); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if m.cfg.Username != "" {
		// PlainAuth itself refuses a connection without TLS unless to localhost.
		if err := c.Auth(smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, m.cfg.Host)); err != nil {
			return fmt.Errorf("mail: AUTH: %w", err)
		}
	}
	if err := c.Mail(m.cfg.From.Address); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return fmt.Errorf("mail: RCPT TO %s: %w", rcpt, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	return c.Quit()
}

// compose builds the message: UTF-8 headers RFC 2047-encoded, a text body
// quoted-printable, lines ending in CRLF.
func (m *Mailer) compose(to *mail.Address, subject, body string) ([]byte, error) {
	id := make([]byte, 16)
	rand.Read(id) //nolint:errcheck // crypto/rand never fails on Linux
	domain := m.cfg.From.Address[strings.LastIndexByte(m.cfg.From.Address, '@')+1:]
	// A subject is one line: a line break in it would start a new header.
	subject = strings.Join(strings.Fields(subject), " ")
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", m.cfg.From.String())
	header("To", to.String())
	// Each encoded word (at most 75 characters) goes on its own folded line,
	// so the lines stay short (RFC 5322 2.1.1); the folding space between
	// encoded words is dropped by the reader (RFC 2047 6.2).
	header("Subject", strings.ReplaceAll(mime.BEncoding.Encode("utf-8", subject), "?= =?", "?=\r\n =?"))
	header("Date", m.Clock().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// RFC 3834: no out-of-office reply comes back to a notification.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// permanentError is a send that will fail the same way if retried.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// PermanentMailError reports whether retrying a failed Send is pointless: the
// recipient's address is malformed, the server answered 5xx (no such
// mailbox, relay denied, authentication failed), or it offers no STARTTLS.
func PermanentMailError(err error) bool {
	var p *permanentError
	if errors.As(err, &p) {
		return true
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}
