package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/auth"
)

func TestAfterQuietHours(t *testing.T) {
	t.Parallel()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, sh)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	mins := func(h, m int) *int { v := h*60 + m; return &v }
	night := settingsRow{QuietFrom: mins(22, 0), QuietTo: mins(7, 30), TimeZone: "Asia/Shanghai"}
	lunch := settingsRow{QuietFrom: mins(12, 0), QuietTo: mins(13, 30), TimeZone: "Asia/Shanghai"}
	for _, tc := range []struct {
		name string
		st   settingsRow
		now  string
		want string
	}{
		{"no quiet hours", settingsRow{TimeZone: "Asia/Shanghai"}, "2026-11-27 23:00", "2026-11-27 23:00"},
		{"before a night's quiet", night, "2026-11-27 21:59", "2026-11-27 21:59"},
		{"in the evening part", night, "2026-11-27 23:00", "2026-11-28 07:30"},
		{"in the morning part", night, "2026-11-28 03:10", "2026-11-28 07:30"},
		{"as it ends", night, "2026-11-28 07:30", "2026-11-28 07:30"},
		{"a daytime quiet", lunch, "2026-11-27 12:45", "2026-11-27 13:30"},
		{"outside a daytime quiet", lunch, "2026-11-27 14:00", "2026-11-27 14:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := afterQuietHours(at(tc.now), tc.st).In(sh).Format("2006-01-02 15:04"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	// The user's zone decides: 23:00 in Shanghai is 15:00 UTC, outside a Berlin night.
	berlin := settingsRow{QuietFrom: mins(22, 0), QuietTo: mins(7, 0), TimeZone: "Europe/Berlin"}
	if now := at("2026-11-27 23:00"); !afterQuietHours(now, berlin).Equal(now) {
		t.Error("quiet hours read in the wrong zone")
	}
}

func TestRoleChannelsAreTheUnionOfTheRoles(t *testing.T) {
	t.Parallel()
	subs := []RoleSubscription{{Role: auth.Responder, Kind: StageChanged, Channels: []Channel{InApp}},
		{Role: auth.Leadership, Kind: StageChanged, Channels: []Channel{Email, InApp}}, {Role: auth.Leadership, Kind: GateMet, Channels: []Channel{Email}}}
	got := roleChannels(subs, []auth.Role{auth.Responder, auth.Leadership}, StageChanged)
	if len(got) != 2 || got[0] != Email || got[1] != InApp {
		t.Errorf("got %v", got)
	}
	if got := roleChannels(subs, []auth.Role{auth.Investigator}, StageChanged); len(got) != 0 {
		t.Errorf("a role with no default gets %v", got)
	}
}

func TestBackoffDoublesUpToItsCap(t *testing.T) {
	t.Parallel()
	s := &Service{Backoff: 10 * time.Second, MaxBackoff: time.Minute}
	for n, want := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 3: 40 * time.Second, 4: time.Minute, 12: time.Minute} {
		if got := s.backoff(n); got < want || got > want+want/10 {
			t.Errorf("after attempt %d: %s, want %s plus at most a tenth", n, got, want)
		}
	}
}

// Every kind's line names the reference and what happened, in each language,
// from codes alone.
func TestTitleFromCodes(t *testing.T) {
	t.Parallel()
	data := map[string]string{"from": "DETECT", "to": "INITIAL_RESPONSE", "stage": "INVESTIGATION", "clock": "report_upward",
		"due": "2026-11-28 09:00 UTC+08:00", "decision": "RETURNED"}
	for _, lang := range []string{"zh-CN", "zh-TW", "en"} {
		for _, k := range append(Kinds, Test) {
			got := Title(lang, k, "LT-2026-0042", data)
			if strings.Contains(got, "{{") || strings.HasPrefix(got, "notice.") || (k != Test && !strings.Contains(got, "LT-2026-0042")) {
				t.Errorf("%s %s: %q", lang, k, got)
			}
		}
	}
	if got := Title("zh-CN", StageChanged, "LT-2026-0042", data); got != "LT-2026-0042 阶段已变更：发现 → 初步处置" {
		t.Errorf("got %q", got)
	}
}
