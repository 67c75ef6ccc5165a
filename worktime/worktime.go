// Package worktime counts working time: the hours of a working day, the
// working weekdays, public holidays and the make-up working days (调休) that
// China moves onto weekends. The case clocks (verify-by, fix-by) run on it.
package worktime

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Calendar is a working-time calendar in one time zone.
type Calendar struct {
	loc      *time.Location
	spans    []span // working spans of a day, in minutes after midnight, sorted
	weekdays map[time.Weekday]bool
	holidays map[string]bool // "2006-01-02"
	workdays map[string]bool // make-up working days on a weekend
}

type span struct{ from, to int }

// Config is the calendar as written in the config file.
type Config struct {
	Hours    []string // "08:30-12:00", "13:30-17:30"
	Weekdays []int    // 1 = Monday … 7 = Sunday
	Holidays []string // "2026-10-01"
	Workdays []string // make-up working days, "2026-10-10"
}

// New checks cfg and builds the calendar.
func New(cfg Config, loc *time.Location) (*Calendar, error) {
	c := &Calendar{loc: loc, weekdays: map[time.Weekday]bool{}, holidays: map[string]bool{}, workdays: map[string]bool{}}
	for _, h := range cfg.Hours {
		from, to, ok := strings.Cut(h, "-")
		f, err1 := minutes(from)
		t, err2 := minutes(to)
		if !ok || err1 != nil || err2 != nil || t <= f {
			return nil, fmt.Errorf("hours: %q is not a span like 08:30-12:00", h)
		}
		c.spans = append(c.spans, span{f, t})
	}
	if len(c.spans) == 0 {
		return nil, fmt.Errorf("hours: at least one span like 08:30-17:30 is needed")
	}
	sort.Slice(c.spans, func(i, j int) bool { return c.spans[i].from < c.spans[j].from })
	for i := 1; i < len(c.spans); i++ {
		if c.spans[i].from < c.spans[i-1].to {
			return nil, fmt.Errorf("hours: %v overlaps the span before it", cfg.Hours[i])
		}
	}
	for _, d := range cfg.Weekdays {
		if d < 1 || d > 7 {
			return nil, fmt.Errorf("weekdays: %d is not 1 (Monday) … 7 (Sunday)", d)
		}
		c.weekdays[time.Weekday(d%7)] = true
	}
	if len(c.weekdays) == 0 {
		return nil, fmt.Errorf("weekdays: at least one working weekday is needed")
	}
	for _, list := range []struct {
		name string
		in   []string
		out  map[string]bool
	}{{"holidays", cfg.Holidays, c.holidays}, {"workdays", cfg.Workdays, c.workdays}} {
		for _, d := range list.in {
			if _, err := time.Parse("2006-01-02", d); err != nil {
				return nil, fmt.Errorf("%s: %q is not a date like 2026-10-01", list.name, d)
			}
			list.out[d] = true
		}
	}
	return c, nil
}

// Default is Monday to Friday, 08:30–12:00 and 13:30–17:30, no holidays.
func Default(loc *time.Location) *Calendar {
	c, _ := New(Config{Hours: []string{"08:30-12:00", "13:30-17:30"}, Weekdays: []int{1, 2, 3, 4, 5}}, loc)
	return c
}

func minutes(hhmm string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(hhmm))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// DayLength is the working time of a working day (7 h 30 min by default).
func (c *Calendar) DayLength() time.Duration {
	var d time.Duration
	for _, s := range c.spans {
		d += time.Duration(s.to-s.from) * time.Minute
	}
	return d
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsWorkday reports whether the day of t is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	t = t.In(c.loc)
	key := t.Format("2006-01-02")
	if c.workdays[key] {
		return true
	}
	if c.holidays[key] {
		return false
	}
	return c.weekdays[t.Weekday()]
}

func (c *Calendar) at(day time.Time, minute int) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, minute/60, minute%60, 0, 0, c.loc)
}

// Add returns the moment d of working time after t.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	t = t.In(c.loc)
	left := d
	day := t
	for i := 0; i < 3700; i++ { // ten years of days: a guard, never reached
		if c.IsWorkday(day) {
			for _, s := range c.spans {
				from, to := c.at(day, s.from), c.at(day, s.to)
				if !to.After(t) {
					continue
				}
				if from.Before(t) {
					from = t
				}
				if avail := to.Sub(from); left <= avail {
					return from.Add(left)
				} else {
					left -= avail
				}
			}
		}
		y, m, dd := day.Date()
		day = time.Date(y, m, dd+1, 0, 0, 0, 0, c.loc)
		t = day
	}
	return t
}

// Sub returns the moment d of working time before t.
func (c *Calendar) Sub(t time.Time, d time.Duration) time.Time {
	t = t.In(c.loc)
	left := d
	day := t
	for i := 0; i < 3700; i++ {
		if c.IsWorkday(day) {
			for j := len(c.spans) - 1; j >= 0; j-- {
				s := c.spans[j]
				from, to := c.at(day, s.from), c.at(day, s.to)
				if !from.Before(t) {
					continue
				}
				if to.After(t) {
					to = t
				}
				if avail := to.Sub(from); left <= avail {
					return to.Add(-left)
				} else {
					left -= avail
				}
			}
		}
		y, m, dd := day.Date()
		t = time.Date(y, m, dd, 0, 0, 0, 0, c.loc) // the start of this day: every span of the day before ends before it
		day = time.Date(y, m, dd-1, 12, 0, 0, 0, c.loc)
	}
	return t
}

// NextWorkdayAt is the first working day strictly after t's day, at hh:mm.
func (c *Calendar) NextWorkdayAt(t time.Time, minute int) time.Time {
	t = t.In(c.loc)
	y, m, d := t.Date()
	for i := 1; i < 3700; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, c.loc)
		if c.IsWorkday(day) {
			return c.at(day, minute)
		}
	}
	return t
}

// Between is the working time from a to b (0 if b is not after a).
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	a, b = a.In(c.loc), b.In(c.loc)
	var total time.Duration
	day := a
	for i := 0; i < 3700 && day.Before(b); i++ {
		if c.IsWorkday(day) {
			for _, s := range c.spans {
				from, to := c.at(day, s.from), c.at(day, s.to)
				if from.Before(a) {
					from = a
				}
				if to.After(b) {
					to = b
				}
				if to.After(from) {
					total += to.Sub(from)
				}
			}
		}
		y, m, dd := day.Date()
		day = time.Date(y, m, dd+1, 0, 0, 0, 0, c.loc)
	}
	return total
}

// EndOfDay is the end of the last working span of t's day: a department
// that promises "by 12-05" has until then.
func (c *Calendar) EndOfDay(t time.Time) time.Time {
	t = t.In(c.loc)
	return c.at(t, c.spans[len(c.spans)-1].to)
}
