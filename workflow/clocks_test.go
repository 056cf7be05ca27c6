package workflow

import (
	"strings"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The shipped calendar matches the State Council's 2026 notice: each listed
// rest day is a weekday and each adjusted working day a weekend day.
func TestDefaultCalendarIs2026(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	if !c.Covers(2026) || c.Covers(2027) {
		t.Fatal("the shipped calendar covers 2026 only")
	}
	for d, working := range c.days {
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		if working != weekend {
			t.Errorf("%s (%s) listed as working=%v: an override must differ from the weekday rule", d.Format(time.DateOnly), d.Weekday(), working)
		}
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for s, want := range map[string]bool{"2026-10-01": false, "2026-10-08": true, "2026-10-10": true, "2026-02-14": true,
		"2026-02-23": false, "2026-02-24": true, "2026-11-28": false, "2026-11-30": true} {
		if c.Working(day(s)) != want {
			t.Errorf("%s working = %v, want %v", s, !want, want)
		}
	}
}

func TestDue(t *testing.T) {
	t.Parallel()
	sh := mustZone(t, "Asia/Shanghai")
	ny := mustZone(t, "America/New_York")
	cal := DefaultCalendar()
	at := func(loc *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name  string
		start time.Time
		n     int
		unit  Unit
		zone  *time.Location
		want  string // local to zone
		gap   bool
	}{
		{"24 hours", at(sh, "2026-09-30 22:00"), 24, Hours, sh, "2026-10-01 22:00:00", false},
		{"hours ignore holidays", at(sh, "2026-10-01 09:00"), 48, Hours, sh, "2026-10-03 09:00:00", false},
		{"working days skip the National Day week", at(sh, "2026-09-30 15:00"), 7, WorkingDays, sh, "2026-10-15 23:59:59", false},
		{"an adjusted Saturday counts", at(sh, "2026-10-09 10:00"), 1, WorkingDays, sh, "2026-10-10 23:59:59", false},
		{"the start day does not count", at(sh, "2026-11-23 08:00"), 1, WorkingDays, sh, "2026-11-24 23:59:59", false},
		{"working days over a weekend", at(sh, "2026-11-27 16:00"), 7, WorkingDays, sh, "2026-12-08 23:59:59", false},
		{"Spring Festival", at(sh, "2026-02-13 12:00"), 3, WorkingDays, sh, "2026-02-25 23:59:59", false},
		{"ten days", at(sh, "2026-11-02 10:00"), 10, Days, sh, "2026-11-12 23:59:59", false},
		{"ten days ending on a Saturday end on Monday", at(sh, "2026-11-18 10:00"), 10, Days, sh, "2026-11-30 23:59:59", false},
		{"days ending in the holiday end after it", at(sh, "2026-09-24 10:00"), 10, Days, sh, "2026-10-08 23:59:59", false},
		{"three months", at(sh, "2026-08-14 10:00"), 3, Months, sh, "2026-11-16 23:59:59", false}, // 11-14 is a Saturday
		{"month end clamps", at(sh, "2026-05-31 10:00"), 3, Months, sh, "2026-08-31 23:59:59", false},
		{"into a year not covered", at(sh, "2026-12-28 10:00"), 7, WorkingDays, sh, "2027-01-06 23:59:59", true},
		{"months into a year not covered", at(sh, "2026-11-27 10:00"), 3, Months, sh, "2027-03-01 23:59:59", true},
		// The day is the case's: 23:30 UTC on the 29th is already the 30th in Shanghai.
		{"the case's zone decides the start day", time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC), 1, WorkingDays, sh, "2026-12-01 23:59:59", false},
		{"another zone", time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC), 1, WorkingDays, ny, "2026-11-30 23:59:59", false},
		{"across a DST change", at(ny, "2026-10-30 12:00"), 3, Days, ny, "2026-11-02 23:59:59", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			due, gap := Due(tc.start, tc.n, tc.unit, cal, tc.zone)
			if got := due.In(tc.zone).Format(time.DateTime); got != tc.want || gap != tc.gap {
				t.Errorf("Due = %s gap %v, want %s gap %v", got, gap, tc.want, tc.gap)
			}
		})
	}
}

func TestClockEvaluate(t *testing.T) {
	t.Parallel()
	sh := mustZone(t, "Asia/Shanghai")
	detected := time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)
	reg := NewClocks(DefaultCalendar(), DefaultClocks()...)
	upward, _ := reg.Get("report_upward")
	transfer, _ := reg.Get("procuratorate_transfer")
	base := func() ClockFacts {
		return ClockFacts{Classification: "SECRET", Zone: sh, Events: map[string]time.Time{EventDetected: detected},
			Manual: map[string]ManualMark{}, Extended: map[string]int{}}
	}
	for _, tc := range []struct {
		name   string
		clock  Clock
		facts  func(f *ClockFacts)
		now    time.Time
		status ClockStatus
		left   float64
		alert  string
	}{
		{"running, most time left", upward, nil, detected.Add(time.Hour), Running, 23.0 / 24, ""},
		{"a quarter left", upward, nil, detected.Add(18 * time.Hour), Running, 0.25, "25"},
		{"a tenth left", upward, nil, detected.Add(22 * time.Hour), Running, 2.0 / 24, "10"},
		{"overdue", upward, nil, detected.Add(25 * time.Hour), Overdue, 0, "overdue"},
		{"met in time", upward, func(f *ClockFacts) { f.Events[EventNotified] = detected.Add(23 * time.Hour) }, detected.Add(30 * time.Hour), ClockMet, 0, ""},
		{"met at the due time exactly", upward, func(f *ClockFacts) { f.Events[EventNotified] = detected.Add(24 * time.Hour) }, detected.Add(30 * time.Hour), ClockMet, 0, ""},
		{"late", upward, func(f *ClockFacts) { f.Events[EventNotified] = detected.Add(25 * time.Hour) }, detected.Add(30 * time.Hour), Late, 0, ""},
		{"an extension moves the due time", upward, func(f *ClockFacts) { f.Extended["report_upward"] = 24 }, detected.Add(25 * time.Hour), Running, 23.0 / 48, ""},
		{"a manual clock not started", transfer, nil, detected.Add(25 * time.Hour), NotStarted, 0, ""},
		{"a manual clock started", transfer, func(f *ClockFacts) { f.Manual["procuratorate_transfer"] = ManualMark{Started: detected} },
			detected.Add(24 * time.Hour), Running, 0, ""},
		{"a stop before the start does not count", upward, func(f *ClockFacts) { f.Events[EventNotified] = detected.Add(-time.Hour) }, detected.Add(25 * time.Hour), Overdue, 0, "overdue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := base()
			if tc.facts != nil {
				tc.facts(&f)
			}
			st := tc.clock.Evaluate(f, reg.Calendar, tc.now)
			if st.Status != tc.status || (tc.left != 0 && abs(st.Left-tc.left) > 1e-9) || st.Alert() != tc.alert {
				t.Errorf("got %s left %.4f alert %q, want %s left %.4f alert %q", st.Status, st.Left, st.Alert(), tc.status, tc.left, tc.alert)
			}
		})
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestClocksApply(t *testing.T) {
	t.Parallel()
	reg := NewClocks(DefaultCalendar(), DefaultClocks()...)
	ids := func(f ClockFacts) string {
		var out []string
		for _, s := range reg.Evaluate(f, time.Now()) {
			out = append(out, s.Clock.ID)
		}
		return strings.Join(out, ",")
	}
	if got := ids(ClockFacts{Classification: "SECRET"}); got != "report_upward,written_report,investigation,result_report,jurisdiction,procuratorate_transfer" {
		t.Errorf("a state secret runs %s", got)
	}
	if got := ids(ClockFacts{Classification: "COMMERCIAL_SECRET", ReachedOutside: true}); got != "report_upward,written_report,result_report" {
		t.Errorf("a commercial secret that reached outside runs %s", got)
	}
	if got := ids(ClockFacts{Classification: "WORK_SECRET"}); got != "" {
		t.Errorf("an internal work secret runs %s", got)
	}
}

func TestParseClocks(t *testing.T) {
	t.Parallel()
	got, err := ParseClocks(DefaultClocks(), []byte(`[
		{"id": "report_upward", "amount": 12},
		{"id": "jurisdiction", "disabled": true},
		{"id": "hq_brief", "stage": "INVESTIGATION", "start": "stage:INVESTIGATION", "stop": "manual", "amount": 5, "unit": "WORKING_DAYS", "appliesTo": "always"}
	]`))
	if err == nil {
		t.Fatal("a clock started by an event but stopped by hand was accepted")
	}
	got, err = ParseClocks(DefaultClocks(), []byte(`[
		{"id": "report_upward", "amount": 12},
		{"id": "jurisdiction", "disabled": true},
		{"id": "hq_brief", "stage": "INVESTIGATION", "start": "stage:INVESTIGATION", "stop": "stage:DISCLOSURE", "amount": 5, "unit": "WORKING_DAYS", "appliesTo": "always", "extendBy": ["LEAD"], "basis": "总部规定"}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	reg := NewClocks(nil, got...)
	if c, _ := reg.Get("report_upward"); c.Amount != 12 || c.Unit != Hours || c.Stop != EventNotified {
		t.Errorf("an override changed more than its amount: %+v", c)
	}
	if _, err := reg.Get("jurisdiction"); err == nil {
		t.Error("a disabled clock is still there")
	}
	if c, err := reg.Get("hq_brief"); err != nil || !c.MayExtend(true, false, false) || c.MayExtend(false, true, false) {
		t.Errorf("a new clock: %+v %v", c, err)
	}
	for _, bad := range []string{`{}`, `[{"amount": 3}]`, `[{"id": "x", "stage": "NOPE"}]`, `[{"id": "report_upward", "unit": "WEEKS"}]`,
		`[{"id": "report_upward", "amount": 0}]`, `[{"id": "report_upward", "start": "stage:NOPE"}]`, `[{"id": "report_upward", "colour": "red"}]`} {
		if _, err := ParseClocks(DefaultClocks(), []byte(bad)); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}

func TestParseCalendar(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"2026-01-01 off", "year 2026\n2026-13-01 off", "year 2026\n2026-01-01 maybe", "year twenty"} {
		if _, err := ParseCalendar(strings.NewReader(bad)); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
	c, err := ParseCalendar(strings.NewReader("# TW\nyear 2027\n2027-01-01 off 開國紀念日\n"))
	if err != nil || !c.Covers(2027) || c.Working(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("%v %v", c, err)
	}
}
