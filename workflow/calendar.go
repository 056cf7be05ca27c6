package workflow

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Calendar says which days are working days: weekdays, except the public
// holidays it lists, plus the weekend days it lists as adjusted working days.
type Calendar struct {
	// days maps a date (midnight UTC) to whether it is a working day, where that differs from the weekday rule.
	days  map[time.Time]bool
	years map[int]bool
}

//go:embed calendar/cn.txt
var defaultCalendar []byte

// DefaultCalendar is mainland China's calendar as shipped (calendar/cn.txt).
func DefaultCalendar() *Calendar {
	c, err := ParseCalendar(bytes.NewReader(defaultCalendar))
	if err != nil {
		panic(err) // the shipped file is tested
	}
	return c
}

// maxCalendarLines bounds a calendar file.
const maxCalendarLines = 10000

// ParseCalendar reads a holiday calendar: lines `year YYYY`, `YYYY-MM-DD off
// [name]`, `YYYY-MM-DD work [name]`; `#` starts a comment.
func ParseCalendar(r io.Reader) (*Calendar, error) {
	c := &Calendar{days: map[time.Time]bool{}, years: map[int]bool{}}
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for n := 1; sc.Scan(); n++ {
		if n > maxCalendarLines {
			return nil, fmt.Errorf("holiday calendar: more than %d lines", maxCalendarLines)
		}
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if f[0] == "year" && len(f) == 2 {
			y, err := strconv.Atoi(f[1])
			if err != nil || y < 1900 || y > 9999 {
				return nil, fmt.Errorf("holiday calendar line %d: %q is not a year", n, f[1])
			}
			c.years[y] = true
			continue
		}
		if len(f) < 2 || (f[1] != "off" && f[1] != "work") {
			return nil, fmt.Errorf("holiday calendar line %d: want `YYYY-MM-DD off|work [name]` or `year YYYY`", n)
		}
		d, err := time.Parse(time.DateOnly, f[0])
		if err != nil {
			return nil, fmt.Errorf("holiday calendar line %d: %q is not a date", n, f[0])
		}
		if !c.years[d.Year()] {
			return nil, fmt.Errorf("holiday calendar line %d: %s comes before its `year %d` line", n, f[0], d.Year())
		}
		c.days[d] = f[1] == "work"
	}
	return c, sc.Err()
}

// Working reports whether day (a date at midnight UTC) is a working day.
// A nil calendar counts weekdays.
func (c *Calendar) Working(day time.Time) bool {
	if c != nil {
		if w, ok := c.days[day]; ok {
			return w
		}
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Covers reports whether the calendar lists the holidays of year.
func (c *Calendar) Covers(year int) bool { return c != nil && c.years[year] }
