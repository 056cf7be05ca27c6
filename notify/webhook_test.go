package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

var testMessage = Message{
	DeliveryID: "d-1", EventID: "e-1", Kind: "INCIDENT_STAGE_CHANGED", Reference: "LT-2026-0007",
	Title: "LT-2026-0007 阶段已变更：初始响应 → 调查与分析", Link: "https://leaktrail.example.org/incidents/LT-2026-0007",
	OccurredAt: time.Date(2026, 11, 27, 9, 30, 0, 0, time.FixedZone("CST", 8*3600)),
	Data:       map[string]string{"from": "INITIAL_RESPONSE", "to": "INVESTIGATION"},
}

var testNow = time.Unix(1700000000, 0)

func readBody(t *testing.T, req *http.Request) []byte {
	t.Helper()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The signature of the generic format is Stripe's scheme; the expected value
// was computed apart from this code, with Python's hmac module.
func TestSignWebhookKnownAnswer(t *testing.T) {
	got := SignWebhook("whsec_test", []byte(`{"id":"d1"}`), testNow)
	want := "t=1700000000,v1=7aa818774b12d07b487b77188a423aa42da8d52da13f1fface316ecdf0a91f53"
	if got != want {
		t.Fatalf("SignWebhook = %s, want %s", got, want)
	}
}

func TestGenericWebhookRequest(t *testing.T) {
	req, err := NewWebhookRequest(context.Background(), FormatGeneric, "https://hooks.example.org/in#frag", "s3cret", testMessage, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != http.MethodPost || req.URL.String() != "https://hooks.example.org/in" {
		t.Errorf("request %s %s", req.Method, req.URL)
	}
	if req.Header.Get(HeaderDelivery) != "d-1" || req.Header.Get(HeaderEvent) != "INCIDENT_STAGE_CHANGED" {
		t.Errorf("headers %v", req.Header)
	}
	body := readBody(t, req)
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": "d-1", "event": "e-1", "type": "INCIDENT_STAGE_CHANGED", "occurredAt": "2026-11-27T01:30:00Z",
		"incident": map[string]any{"reference": "LT-2026-0007"}, "title": testMessage.Title, "link": testMessage.Link,
		"data": map[string]any{"from": "INITIAL_RESPONSE", "to": "INVESTIGATION"},
	}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("body\n got %s\nwant %s", g, w)
	}
	sig := req.Header.Get(HeaderSignature)
	if err := VerifyWebhook("s3cret", sig, body, testNow.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("VerifyWebhook of our own request: %v", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVerifyWebhookRefuses(t *testing.T) {
	body := []byte(`{"id":"d1"}`)
	good := SignWebhook("s3cret", body, testNow)
	for _, c := range []struct {
		name, secret, header string
		body                 []byte
		now                  time.Time
	}{
		{"another body", "s3cret", good, []byte(`{"id":"d2"}`), testNow},
		{"another secret", "other", good, body, testNow},
		{"replayed later", "s3cret", good, body, testNow.Add(6 * time.Minute)},
		{"from the future", "s3cret", good, body, testNow.Add(-6 * time.Minute)},
		{"no signature", "s3cret", "t=1700000000", body, testNow},
		{"no timestamp", "s3cret", strings.Replace(good, "t=1700000000,", "", 1), body, testNow},
		{"timestamp changed", "s3cret", strings.Replace(good, "t=1700000000", "t=1700000001", 1), body, testNow},
		{"garbage", "s3cret", "nonsense", body, testNow},
		{"empty", "s3cret", "", body, testNow},
	} {
		if err := VerifyWebhook(c.secret, c.header, c.body, c.now, 5*time.Minute); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	// During a secret's rotation a sender may sign with both.
	rotated := good + ",v1=" + strings.Repeat("ab", 32)
	if err := VerifyWebhook("s3cret", "v1="+strings.Repeat("00", 32)+","+rotated[len("t=1700000000,"):]+",t=1700000000", body, testNow, time.Minute); err != nil {
		t.Errorf("several v1: %v", err)
	}
}

// The expected signs were computed with the Python sample of each robot's
// documentation (DingTalk: hmac.new(secret, f"{timestamp}\n{secret}") then
// quote_plus(b64encode(...)); Lark: hmac.new(f"{timestamp}\n{secret}", b"")).
func TestRobotSignsKnownAnswer(t *testing.T) {
	if got, want := DingTalkSign("SEC this is secret", "1700000000000"), "biArF0EjA0YZqPJmk6iDcTVpvfgXoW1MsDZjPpVzEds="; got != want {
		t.Errorf("DingTalkSign = %s, want %s", got, want)
	}
	if got, want := LarkSign("lark secret", "1700000000"), "QctefnXbpICOFUE0chqqGLhKNiTfqmWkVtmnnadnOP8="; got != want {
		t.Errorf("LarkSign = %s, want %s", got, want)
	}
}

func TestDingTalkRequest(t *testing.T) {
	req, err := NewWebhookRequest(context.Background(), FormatDingTalk,
		"https://oapi.dingtalk.com/robot/send?access_token=TOKEN", "SEC this is secret", testMessage, time.UnixMilli(1700000000000))
	if err != nil {
		t.Fatal(err)
	}
	q := req.URL.Query()
	if q.Get("access_token") != "TOKEN" || q.Get("timestamp") != "1700000000000" || q.Get("sign") != "biArF0EjA0YZqPJmk6iDcTVpvfgXoW1MsDZjPpVzEds=" {
		t.Errorf("query %v", q)
	}
	// The sign is URL-encoded in the query, as the doc's urlEncode step has it.
	if !strings.Contains(req.URL.RawQuery, "sign=biArF0EjA0YZqPJmk6iDcTVpvfgXoW1MsDZjPpVzEds%3D") {
		t.Errorf("raw query %s", req.URL.RawQuery)
	}
	var body struct {
		MsgType string `json:"msgtype"`
		Text    struct{ Content string }
	}
	if err := json.Unmarshal(readBody(t, req), &body); err != nil {
		t.Fatal(err)
	}
	if body.MsgType != "text" || body.Text.Content != "【Leaktrail】"+testMessage.Title+"\n"+testMessage.Link {
		t.Errorf("body %+v", body)
	}
	if req.Header.Get(HeaderSignature) != "" || req.Header.Get(HeaderDelivery) != "" {
		t.Errorf("a robot gets Leaktrail's headers: %v", req.Header)
	}
}

func TestLarkRequest(t *testing.T) {
	req, err := NewWebhookRequest(context.Background(), FormatLark,
		"https://open.feishu.cn/open-apis/bot/v2/hook/abc", "lark secret", testMessage, testNow)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(readBody(t, req), &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"msg_type": "text", "timestamp": "1700000000", "sign": "QctefnXbpICOFUE0chqqGLhKNiTfqmWkVtmnnadnOP8=",
		"content": map[string]any{"text": "【Leaktrail】" + testMessage.Title + "\n" + testMessage.Link}}
	if g, w := mustJSON(t, body), mustJSON(t, want); g != w {
		t.Errorf("body\n got %s\nwant %s", g, w)
	}
	// Without a secret there is nothing to sign.
	req, _ = NewWebhookRequest(context.Background(), FormatLark, "https://open.feishu.cn/open-apis/bot/v2/hook/abc", "", testMessage, testNow)
	if b := string(readBody(t, req)); strings.Contains(b, "sign") || strings.Contains(b, "timestamp") {
		t.Errorf("unsigned body %s", b)
	}
}

func TestWeComRequest(t *testing.T) {
	req, err := NewWebhookRequest(context.Background(), FormatWeCom,
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY", "", testMessage, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if req.URL.String() != "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY" {
		t.Errorf("url %s", req.URL)
	}
	want := `{"msgtype":"text","text":{"content":"【Leaktrail】` + testMessage.Title + `\n` + testMessage.Link + `"}}`
	if got := string(readBody(t, req)); got != want {
		t.Errorf("body\n got %s\nwant %s", got, want)
	}
}

func TestNewWebhookRequestRefuses(t *testing.T) {
	for _, u := range []string{"ftp://example.org/x", "https://user:pw@example.org/x", "https:///x", "example.org/x", "mailto:a@example.org", "http://%zz"} {
		if _, err := NewWebhookRequest(context.Background(), FormatGeneric, u, "s", testMessage, testNow); apperr.CodeOf(err) != apperr.InvalidInput {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := NewWebhookRequest(context.Background(), "SLACK", "https://example.org", "s", testMessage, testNow); apperr.CodeOf(err) != apperr.InvalidInput {
		t.Errorf("unknown format: %v", err)
	}
}

func TestCheckWebhookResponse(t *testing.T) {
	for _, c := range []struct {
		f         Format
		status    int
		body      string
		ok, retry bool
	}{
		{FormatGeneric, 200, "", true, false},
		{FormatGeneric, 204, "", true, false},
		{FormatGeneric, 301, "", false, false},
		{FormatGeneric, 400, "bad", false, false},
		{FormatGeneric, 404, "", false, false},
		{FormatGeneric, 429, "", false, true},
		{FormatGeneric, 500, "", false, true},
		{FormatGeneric, 503, "", false, true},
		{FormatWeCom, 200, `{"errcode":0,"errmsg":"ok"}`, true, false},
		{FormatWeCom, 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`, false, false},
		{FormatWeCom, 200, `{"errcode":45009,"errmsg":"api freq out of limit"}`, false, true},
		{FormatWeCom, 200, `<html>login</html>`, false, false},
		{FormatDingTalk, 200, `{"errcode":0,"errmsg":"ok"}`, true, false},
		{FormatDingTalk, 200, `{"errcode":310000,"errmsg":"sign not match"}`, false, false},
		{FormatDingTalk, 200, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`, false, true},
		{FormatLark, 200, `{"code":0,"msg":"success","data":{}}`, true, false},
		{FormatLark, 200, `{"StatusCode":0,"StatusMessage":"success"}`, true, false},
		{FormatLark, 200, `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`, false, false},
		{FormatLark, 400, `{"code":9499,"msg":"Bad Request"}`, false, false},
		{FormatLark, 400, `{"code":11232,"msg":"frequency limited"}`, false, true},
		{FormatLark, 502, `gateway`, false, true},
	} {
		retry, err := CheckWebhookResponse(c.f, c.status, []byte(c.body))
		if (err == nil) != c.ok || retry != c.retry {
			t.Errorf("%s %d %s: retry %v, err %v", c.f, c.status, c.body, retry, err)
		}
	}
	_, err := CheckWebhookResponse(FormatGeneric, 400, []byte(strings.Repeat("界", 1000)))
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("long answer: %v", err)
	}
}

func TestCheckEndpointURL(t *testing.T) {
	for _, c := range []struct {
		url          string
		allowPrivate bool
		ok           bool
	}{
		{"https://8.8.8.8/hook", false, true},
		{"http://[2606:4700:4700::1111]:8080/hook", false, true},
		{"https://127.0.0.1/hook", false, false},
		{"https://127.0.0.1/hook", true, true},
		{"http://localhost:8080/hook", false, false},
		{"http://[::1]/hook", false, false},
		{"http://[::ffff:127.0.0.1]/hook", false, false},
		{"http://10.1.2.3/hook", false, false},
		{"http://172.16.0.1/hook", false, false},
		{"http://192.168.1.1/hook", false, false},
		{"http://169.254.169.254/latest/meta-data", false, false},
		{"http://100.64.0.1/", false, false},
		{"http://0.0.0.0/", false, false},
		{"http://[fe80::1]/", false, false},
		{"http://[fd00::1]/", false, false},
		{"http://[64:ff9b::a00:1]/", false, false},
		{"ftp://8.8.8.8/", true, false},
		{"https://u:p@8.8.8.8/", true, false},
		{"https://", true, false},
	} {
		err := CheckEndpointURL(c.url, c.allowPrivate)
		if (err == nil) != c.ok {
			t.Errorf("CheckEndpointURL(%s, %v) = %v", c.url, c.allowPrivate, err)
		}
		if e, ok := apperr.As(err); err != nil && (!ok || e.Code != apperr.InvalidInput || e.Field != "url") {
			t.Errorf("%s: %v is not INVALID_INPUT on url", c.url, err)
		}
	}
}

func TestSendWebhook(t *testing.T) {
	var got *http.Request
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		got, gotBody = r, must(io.ReadAll(r.Body))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ctx := context.Background()
	send := func(client *http.Client, path string) (bool, error) {
		req, err := NewWebhookRequest(ctx, FormatGeneric, srv.URL+path, "s3cret", testMessage, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return SendWebhook(client, FormatGeneric, req)
	}

	if retry, err := send(NewWebhookClient(true, 5*time.Second), "/in"); err != nil || retry {
		t.Fatalf("delivery: retry %v, err %v", retry, err)
	}
	if err := VerifyWebhook("s3cret", got.Header.Get(HeaderSignature), gotBody, time.Now(), 5*time.Minute); err != nil {
		t.Errorf("the receiver cannot verify: %v", err)
	}
	// The test server is on loopback: a deployment that does not allow
	// private targets refuses to dial it, whatever the URL said.
	retry, err := send(NewWebhookClient(false, 5*time.Second), "/in")
	if e, ok := apperr.As(err); !ok || e.Code != apperr.InvalidInput || retry {
		t.Errorf("loopback with private targets refused: retry %v, err %v", retry, err)
	}
	if retry, err := send(NewWebhookClient(true, 5*time.Second), "/moved"); err == nil || retry {
		t.Errorf("redirect: retry %v, err %v", retry, err)
	}
	srv.Close()
	if retry, err := send(NewWebhookClient(true, 5*time.Second), "/in"); err == nil || !retry {
		t.Errorf("server gone: retry %v, err %v", retry, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
