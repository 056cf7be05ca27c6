package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/internal/mailpit"
	"github.com/leaktrail/leaktrail/internal/services"
)

func TestParseSMTPURL(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want MailConfig
	}{
		{"smtp://user:p%40ss@mail.example.org?from=leaktrail@example.org",
			MailConfig{Host: "mail.example.org", Port: 587, Username: "user", Password: "p@ss", TLS: MailSTARTTLS,
				From: mail.Address{Address: "leaktrail@example.org"}}},
		{"smtps://mail.example.org?from=Leaktrail%20%3Cleaktrail@example.org%3E",
			MailConfig{Host: "mail.example.org", Port: 465, TLS: MailTLSWrap,
				From: mail.Address{Name: "Leaktrail", Address: "leaktrail@example.org"}}},
		{"smtp://mail.example.org:2525?tls=tls&from=a@example.org",
			MailConfig{Host: "mail.example.org", Port: 2525, TLS: MailTLSWrap, From: mail.Address{Address: "a@example.org"}}},
		{"smtp://relay.internal?tls=none&from=a@example.org",
			MailConfig{Host: "relay.internal", Port: 25, TLS: MailNoTLS, From: mail.Address{Address: "a@example.org"}}},
		{"smtp://u:p@127.0.0.1:1025?tls=none&from=a@example.org",
			MailConfig{Host: "127.0.0.1", Port: 1025, Username: "u", Password: "p", TLS: MailNoTLS, From: mail.Address{Address: "a@example.org"}}},
	} {
		got, err := ParseSMTPURL(c.raw)
		if err != nil {
			t.Errorf("%s: %v", c.raw, err)
			continue
		}
		if got.Host != c.want.Host || got.Port != c.want.Port || got.Username != c.want.Username ||
			got.Password != c.want.Password || got.TLS != c.want.TLS || got.From != c.want.From {
			t.Errorf("%s:\n got %+v\nwant %+v", c.raw, got, c.want)
		}
	}
	for _, raw := range []string{
		"http://mail.example.org?from=a@example.org",
		"smtp://mail.example.org",                                 // no from
		"smtp://mail.example.org?from=not-an-address",             // bad from
		"smtp://mail.example.org?tls=maybe&from=a@example.org",    // bad tls
		"smtps://mail.example.org?tls=none&from=a@example.org",    // contradiction
		"smtp://u:p@mail.example.org?tls=none&from=a@example.org", // password in clear over a network
		"smtp://mail.example.org:0?from=a@example.org",
		"smtp://mail.example.org?from=a@example.org&insecure=1",
		"smtp://?from=a@example.org",
	} {
		if _, err := ParseSMTPURL(raw); err == nil {
			t.Errorf("%s: accepted", raw)
		}
	}
}

func TestComposeMail(t *testing.T) {
	cfg, err := ParseSMTPURL("smtp://127.0.0.1?tls=none&from=Leaktrail%20%E9%80%9A%E7%9F%A5%20%3Cleaktrail@example.org%3E")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMailer(cfg)
	m.Clock = func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	subject := "LT-2026-0007 阶段已变更：初始响应 → 调查与分析，这一行足够长，编码后要折成多个编码字\r\nBcc: evil@example.org"
	body := "案件 LT-2026-0007 的阶段已变更。\n详情：https://leaktrail.example.org/incidents/LT-2026-0007\n"
	raw, err := m.compose(&mail.Address{Address: "zhang.san@example.org"}, subject, body)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	gotSubject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(strings.Fields(subject), " "); gotSubject != want {
		t.Errorf("subject %q, want %q", gotSubject, want)
	}
	if msg.Header.Get("Bcc") != "" {
		t.Error("a line break in the subject made a header")
	}
	// Lines stay within 78 characters (RFC 5322's SHOULD), but for the
	// subject's first, where "Subject: " precedes an encoded word of up to 75.
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 && !(strings.HasPrefix(line, "Subject: ") && len(line) <= len("Subject: ")+75) {
			t.Errorf("line longer than 78: %q", line)
		}
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || from[0].Name != "Leaktrail 通知" || from[0].Address != "leaktrail@example.org" {
		t.Errorf("From %v %v", from, err)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(m.Clock()) {
		t.Errorf("Date %v %v", d, err)
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-ID %q", id)
	}
	if msg.Header.Get("Content-Transfer-Encoding") != "quoted-printable" || msg.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers %v", msg.Header)
	}
	for i, b := range raw {
		if b > 127 {
			t.Fatalf("byte %d of the message is not ASCII: %q", i, raw[max(0, i-20):i+1])
		}
	}
}

// TestMailArrives sends through the real Mailpit that withservices started.
func TestMailArrives(t *testing.T) {
	mp, addr := mailpit.FromEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A user and password make the mailer AUTH, which Mailpit accepts from
	// anyone; net/smtp sends PLAIN without TLS only to loopback.
	cfg, err := ParseSMTPURL("smtp://robot:secret@" + addr + "?tls=none&from=leaktrail@example.org")
	if err != nil {
		t.Fatal(err)
	}
	to := "li.si+" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")) + "@example.org"
	subject := "LT-2026-0007 阶段已变更：初始响应 → 调查与分析"
	body := "案件 LT-2026-0007 的阶段已由「初始响应」变更为「调查与分析」。\n\n查看：https://leaktrail.example.org/incidents/LT-2026-0007\n" +
		strings.Repeat("很长的一行，", 40) + "\n.\n以点开头的行也要原样到达。\n"
	if err := NewMailer(cfg).Send(ctx, to, subject, body); err != nil {
		t.Fatal(err)
	}
	got, err := mp.WaitTo(ctx, to, 1, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d messages to %s", len(got), to)
	}
	msg, err := mp.Get(ctx, got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Subject != subject {
		t.Errorf("subject %q, want %q", msg.Subject, subject)
	}
	if strings.TrimRight(strings.ReplaceAll(msg.Text, "\r\n", "\n"), "\n") != strings.TrimRight(body, "\n") {
		t.Errorf("text\n got %q\nwant %q", msg.Text, body)
	}
	if msg.From == nil || msg.From.Address != "leaktrail@example.org" || len(msg.To) != 1 || msg.To[0].Address != to {
		t.Errorf("from %v to %v", msg.From, msg.To)
	}
	h, err := mp.Headers(ctx, got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h["Message-Id"]) != 1 || len(h["Date"]) != 1 {
		t.Errorf("headers %v", h)
	}
	raw, err := mp.Raw(ctx, got[0].ID)
	if err != nil || !bytes.Contains(raw, []byte("Subject: =?utf-8?b?")) {
		t.Errorf("raw %s %v", raw, err)
	}
}

// STARTTLS is required unless tls=none: Mailpit here offers none, so the
// mailer refuses to go on in clear, and says it will not pass on retry.
func TestMailRequiresSTARTTLS(t *testing.T) {
	_, addr := mailpit.FromEnv(t)
	cfg, err := ParseSMTPURL("smtp://" + addr + "?from=leaktrail@example.org")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = NewMailer(cfg).Send(ctx, "wang.wu@example.org", "x", "y")
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || !PermanentMailError(err) {
		t.Fatalf("Send without STARTTLS offered: %v (permanent %v)", err, PermanentMailError(err))
	}
}

// A server that accepts the connection and then says nothing holds the
// sender no longer than its context.
func TestMailHonoursContext(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(io.Discard, c); c.Close() }() //nolint:errcheck
		}
	}()
	cfg, err := ParseSMTPURL("smtp://" + l.Addr().String() + "?tls=none&from=leaktrail@example.org")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = NewMailer(cfg).Send(ctx, "wang.wu@example.org", "x", "y")
	if err == nil || time.Since(start) > 5*time.Second || PermanentMailError(err) {
		t.Fatalf("Send to a silent server: %v after %s", err, time.Since(start))
	}
	if err := NewMailer(cfg).Send(context.Background(), "not an address", "x", "y"); !PermanentMailError(err) {
		t.Errorf("bad recipient: %v", err)
	}
}

// STARTTLS and TLS from the first byte, against Mailpits started here with a
// certificate of a CA the test makes; the mailer trusts only that CA, and
// refuses the server when it does not.
func TestMailOverTLS(t *testing.T) {
	mailpit.FromEnv(t) // the Mailpit binary is built by then
	certFile, keyFile, pool := testCertificate(t)
	for _, mode := range []MailTLS{MailSTARTTLS, MailTLSWrap} {
		t.Run(string(mode), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			srv, err := services.StartMailpit(ctx, services.MailpitOptions{Dir: t.TempDir(),
				TLSCert: certFile, TLSKey: keyFile, ImplicitTLS: mode == MailTLSWrap})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Stop()
			cfg, err := ParseSMTPURL("smtp://robot:secret@" + srv.SMTPAddr + "?tls=" + string(mode) + "&from=leaktrail@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if err := NewMailer(cfg).Send(ctx, "zhao.liu@example.org", "主题", "正文"); err == nil {
				t.Fatal("sent to a server whose certificate no trusted CA signed")
			}
			cfg.TLSConfig = &tls.Config{RootCAs: pool}
			if err := NewMailer(cfg).Send(ctx, "zhao.liu@example.org", "主题", "正文"); err != nil {
				t.Fatal(err)
			}
			got, err := mailpit.New(srv.HTTPURL).WaitTo(ctx, "zhao.liu@example.org", 1, 10*time.Second)
			if err != nil || len(got) != 1 || got[0].Subject != "主题" {
				t.Fatalf("caught %+v, %v", got, err)
			}
		})
	}
}

// testCertificate makes a self-signed CA certificate for 127.0.0.1 and
// returns its PEM files and a pool trusting it.
func testCertificate(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "leaktrail test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
