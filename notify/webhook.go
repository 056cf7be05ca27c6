package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

// Format is the wire format of a webhook endpoint.
type Format string

// The webhook formats: Leaktrail's own signed JSON, and the group robots of
// the three office suites in use.
const (
	FormatGeneric  Format = "GENERIC"
	FormatWeCom    Format = "WECOM"    // 企业微信群机器人
	FormatDingTalk Format = "DINGTALK" // 钉钉自定义机器人, 加签
	FormatLark     Format = "LARK"     // 飞书自定义机器人, 签名校验
)

// Message is what one delivery says. It never holds case content: only the
// reference, the kind of event, a one-line localised text built from those,
// and a link.
type Message struct {
	DeliveryID string
	EventID    string
	Kind       string
	Reference  string
	Title      string // localised one line, e.g. "LT-2026-0007 阶段已变更：初始响应 → 调查与分析"
	Link       string
	OccurredAt time.Time
	Data       map[string]string // e.g. from/to stage, clock id, due
}

// Webhook headers of FormatGeneric. Receivers deduplicate on the delivery id:
// a retried delivery keeps its id.
const (
	HeaderDelivery  = "X-Leaktrail-Delivery"
	HeaderEvent     = "X-Leaktrail-Event"
	HeaderSignature = "X-Leaktrail-Signature"
)

// MaxWebhookResponse bounds how much of an endpoint's answer is read.
const MaxWebhookResponse = 64 << 10

// robotKeyword starts every robot's text, so an admin can set it as the
// robot's custom keyword (关键词), a security setting all three robots offer.
const robotKeyword = "Leaktrail"

// genericBody is FormatGeneric's JSON.
type genericBody struct {
	ID         string            `json:"id"`
	Event      string            `json:"event"`
	Type       string            `json:"type"`
	OccurredAt time.Time         `json:"occurredAt"`
	Incident   genericIncident   `json:"incident"`
	Title      string            `json:"title"`
	Link       string            `json:"link,omitempty"`
	Data       map[string]string `json:"data"`
}

type genericIncident struct {
	Reference string `json:"reference"`
}

// NewWebhookRequest builds the POST that delivers m to endpointURL in format
// f, signed with secret at now. An empty secret sends it unsigned (WeCom's
// robots have no signature: the key in their URL is the secret).
func NewWebhookRequest(ctx context.Context, f Format, endpointURL, secret string, m Message, now time.Time) (*http.Request, error) {
	u, err := parseEndpoint(endpointURL)
	if err != nil {
		return nil, err
	}
	text := robotText(m)
	var body any
	switch f {
	case FormatGeneric:
		data := m.Data
		if data == nil {
			data = map[string]string{}
		}
		body = genericBody{ID: m.DeliveryID, Event: m.EventID, Type: m.Kind, OccurredAt: m.OccurredAt.UTC(),
			Incident: genericIncident{Reference: m.Reference}, Title: m.Title, Link: m.Link, Data: data}
	case FormatWeCom:
		// 企业微信群机器人 (developer.work.weixin.qq.com/document/path/91770):
		// POST JSON {"msgtype":"text","text":{"content":...}} to
		// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY; text, at
		// most 2048 bytes, shows in every client (markdown does not in WeChat).
		body = map[string]any{"msgtype": "text", "text": map[string]string{"content": text}}
	case FormatDingTalk:
		// 钉钉自定义机器人 (open.dingtalk.com/document/group/custom-robot-access):
		// {"msgtype":"text","text":{"content":...}}; with 加签 the URL also
		// carries timestamp (milliseconds) and sign.
		body = map[string]any{"msgtype": "text", "text": map[string]string{"content": text}}
		if secret != "" {
			q := u.Query()
			ts := strconv.FormatInt(now.UnixMilli(), 10)
			q.Set("timestamp", ts)
			q.Set("sign", DingTalkSign(secret, ts)) // Encode percent-encodes it, the doc's urlEncode step
			u.RawQuery = q.Encode()
		}
	case FormatLark:
		// 飞书自定义机器人 (open.feishu.cn/document/client-docs/bot-v3/add-custom-bot):
		// {"msg_type":"text","content":{"text":...}}; with 签名校验 the body
		// also carries "timestamp" (seconds, a string) and "sign".
		b := map[string]any{"msg_type": "text", "content": map[string]string{"text": text}}
		if secret != "" {
			ts := strconv.FormatInt(now.Unix(), 10)
			b["timestamp"], b["sign"] = ts, LarkSign(secret, ts)
		}
		body = b
	default:
		return nil, apperr.Invalid("format", "unknown webhook format %s", string(f))
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Leaktrail-Webhook/1")
	if f == FormatGeneric {
		req.Header.Set(HeaderDelivery, m.DeliveryID)
		req.Header.Set(HeaderEvent, m.Kind)
		if secret != "" {
			req.Header.Set(HeaderSignature, SignWebhook(secret, payload, now))
		}
	}
	return req, nil
}

// robotText is the one message a robot posts: the keyword, the title, the link.
func robotText(m Message) string {
	var b strings.Builder
	b.WriteString("【" + robotKeyword + "】" + m.Title)
	if m.Link != "" {
		b.WriteString("\n" + m.Link)
	}
	return b.String()
}

// SignWebhook returns the X-Leaktrail-Signature of body sent at now:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>". It is
// Stripe's scheme (docs.stripe.com/webhooks#verify-manually): the timestamp is
// signed too, so a captured request cannot be replayed later.
func SignWebhook(secret string, body []byte, now time.Time) string {
	t := strconv.FormatInt(now.Unix(), 10)
	return "t=" + t + ",v1=" + hex.EncodeToString(genericMAC(secret, t, body))
}

func genericMAC(secret, t string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(t + "."))
	mac.Write(body)
	return mac.Sum(nil)
}

// VerifyWebhook checks a FormatGeneric request as a receiver should: the
// signature header's v1 (any of several, during a secret's rotation) is the
// HMAC of its timestamp and the raw body, and the timestamp is within
// tolerance of now.
func VerifyWebhook(secret, signatureHeader string, body []byte, now time.Time, tolerance time.Duration) error {
	var t string
	var sigs [][]byte
	for part := range strings.SplitSeq(signatureHeader, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return errors.New("webhook signature: malformed header")
		}
		switch k {
		case "t":
			t = v
		case "v1":
			if s, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, s)
			}
		}
	}
	sec, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return errors.New("webhook signature: no timestamp")
	}
	if len(sigs) == 0 {
		return errors.New("webhook signature: no v1 signature")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("webhook signature: timestamp %d is outside the tolerance of %s", sec, tolerance)
	}
	want := genericMAC(secret, t, body)
	if !slices.ContainsFunc(sigs, func(s []byte) bool { return hmac.Equal(s, want) }) {
		return errors.New("webhook signature: no signature matches")
	}
	return nil
}

// DingTalkSign is 钉钉's 加签: base64(HmacSHA256(key = secret, message =
// timestamp + "\n" + secret)), timestamp in milliseconds. The caller
// URL-encodes it into the query.
func DingTalkSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// LarkSign is 飞书's 签名校验: base64(HmacSHA256(key = timestamp + "\n" +
// secret, message = empty)), timestamp in seconds. Note the key and message
// are the other way round from DingTalk's.
func LarkSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Robots' error codes that mean "too many messages, try later" (each robot
// takes about 20 a minute): WeCom 45009 (api freq out of limit), DingTalk
// 130101 (send too fast, exceed 20 times per minute), Lark 11232 (frequency
// limited).
var robotRateLimited = map[Format][]int{
	FormatWeCom:    {45009},
	FormatDingTalk: {130101},
	FormatLark:     {11232},
}

// robotAnswer is the JSON every robot answers with: WeCom and DingTalk
// {"errcode":0,"errmsg":"ok"}, Lark {"code":0,"msg":"success"} (older Lark
// endpoints {"StatusCode":0,"StatusMessage":"success"}).
type robotAnswer struct {
	ErrCode       *int   `json:"errcode"`
	ErrMsg        string `json:"errmsg"`
	Code          *int   `json:"code"`
	Msg           string `json:"msg"`
	StatusCode    *int   `json:"StatusCode"`
	StatusMessage string `json:"StatusMessage"`
}

// code returns the robot's own result code and message, ok false when the
// body carries none.
func (a robotAnswer) code(f Format) (int, string, bool) {
	switch {
	case f == FormatLark && a.Code != nil:
		return *a.Code, a.Msg, true
	case f == FormatLark && a.StatusCode != nil:
		return *a.StatusCode, a.StatusMessage, true
	case f != FormatLark && a.ErrCode != nil:
		return *a.ErrCode, a.ErrMsg, true
	}
	return 0, "", false
}

// CheckWebhookResponse judges an endpoint's answer: nil when delivered,
// otherwise the error and whether a later retry may succeed (429, 5xx, a
// robot's rate limit). A robot answers 200 with its own error code in the
// body, which is a failure too. Redirects are not followed, so a 3xx fails.
func CheckWebhookResponse(f Format, status int, body []byte) (retry bool, err error) {
	if len(body) > MaxWebhookResponse {
		body = body[:MaxWebhookResponse]
	}
	var a robotAnswer
	robot := f != FormatGeneric
	code, msg, hasCode := 0, "", false
	if robot && json.Unmarshal(body, &a) == nil {
		code, msg, hasCode = a.code(f)
	}
	rateLimited := hasCode && slices.Contains(robotRateLimited[f], code)
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		return true, fmt.Errorf("webhook: HTTP %d%s", status, detail(hasCode, code, msg, body))
	case status < 200 || status > 299:
		return rateLimited, fmt.Errorf("webhook: HTTP %d%s", status, detail(hasCode, code, msg, body))
	case !robot:
		return false, nil
	case !hasCode:
		return false, fmt.Errorf("webhook: HTTP %d without the robot's result code; is the URL a %s robot's?%s", status, f, detail(false, 0, "", body))
	case code != 0:
		return rateLimited, fmt.Errorf("webhook: the robot refused:%s", detail(true, code, msg, body))
	}
	return false, nil
}

// detail is the part of an answer worth keeping in a delivery's last error.
func detail(hasCode bool, code int, msg string, body []byte) string {
	if hasCode {
		return fmt.Sprintf(" (code %d: %s)", code, truncate(msg, 200))
	}
	if s := strings.TrimSpace(string(body)); s != "" {
		return ": " + truncate(s, 200)
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// SendWebhook sends req with client and judges the answer as
// CheckWebhookResponse does. A failure to connect or a timeout is retryable;
// a refused destination (see NewWebhookClient) is not.
func SendWebhook(client *http.Client, f Format, req *http.Request) (retry bool, err error) {
	resp, err := client.Do(req)
	if err != nil {
		var refused *refusedAddrError
		if errors.As(err, &refused) {
			return false, apperr.Invalid("url", "the webhook address is on a private or local network")
		}
		return true, fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxWebhookResponse))
	if err != nil {
		return true, fmt.Errorf("webhook: HTTP %d, then reading the answer: %w", resp.StatusCode, err)
	}
	return CheckWebhookResponse(f, resp.StatusCode, body)
}

// parseEndpoint checks the form of a webhook URL: http(s), a host, no user
// info.
func parseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Opaque != "" {
		return nil, apperr.Invalid("url", "the webhook address is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, apperr.Invalid("url", "the webhook address must start with http:// or https://")
	}
	if u.User != nil {
		return nil, apperr.Invalid("url", "the webhook address must not carry a user name or password")
	}
	if u.Hostname() == "" {
		return nil, apperr.Invalid("url", "the webhook address has no host")
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// CheckEndpointURL refuses a webhook URL that is not http(s), carries user
// info, or names a host on a loopback, private, link-local or otherwise
// non-public address, unless allowPrivate (a deployment whose robots live on
// its own network). A webhook URL is chosen by an admin account that may be
// stolen, and the server must not become its way into the internal network
// (SSRF). The check resolves the host now; NewWebhookClient checks the
// address actually dialled, since DNS may answer differently later.
func CheckEndpointURL(raw string, allowPrivate bool) error {
	u, err := parseEndpoint(raw)
	if err != nil {
		return err
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if !publicAddr(a) {
			return apperr.Invalid("url", "the webhook address is on a private or local network")
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return apperr.Invalid("url", "the webhook host %s could not be resolved", host)
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return apperr.Invalid("url", "the webhook address is on a private or local network")
		}
	}
	return nil
}

// nonPublic are the special-purpose ranges netip's predicates leave out
// (RFC 6890 and its IPv6 counterparts).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may reach an IPv4 private address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// publicAddr reports whether a is an ordinary public unicast address.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsUnspecified() || a.IsMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsLinkLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// refusedAddrError is a dial the webhook client refused.
type refusedAddrError struct{ addr string }

func (e *refusedAddrError) Error() string {
	return "webhook: refused to connect to non-public address " + e.addr
}

// NewWebhookClient returns the HTTP client webhook deliveries use: it times a
// request out after timeout, follows no redirect (a redirect could lead
// anywhere), ignores proxy settings of the environment, and unless
// allowPrivate refuses to connect to a non-public address, checked on the
// address actually dialled so a DNS answer that changed since
// CheckEndpointURL cannot lead it inside.
func NewWebhookClient(allowPrivate bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !publicAddr(ap.Addr()) {
				return &refusedAddrError{addr: address}
			}
			return nil
		}
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
