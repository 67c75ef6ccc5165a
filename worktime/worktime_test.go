package worktime

import (
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func cal(t *testing.T) *Calendar {
	c, err := New(Config{
		Hours:    []string{"08:30-12:00", "13:30-17:30"},
		Weekdays: []int{1, 2, 3, 4, 5},
		Holidays: []string{"2026-10-01", "2026-10-02", "2026-10-05"},
		Workdays: []string{"2026-10-10"}, // a Saturday made a working day
	}, cst)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAdd(t *testing.T) {
	c := cal(t)
	cases := []struct {
		from string
		d    time.Duration
		want string
	}{
		{"2026-11-27 10:00", time.Hour, "2026-11-27 11:00"},                    // Friday morning
		{"2026-11-27 11:30", time.Hour, "2026-11-27 14:00"},                    // across lunch
		{"2026-11-27 17:00", time.Hour, "2026-11-30 09:00"},                    // Friday evening to Monday
		{"2026-11-28 10:00", 2 * time.Hour, "2026-11-30 10:30"},                // from a Saturday
		{"2026-11-27 07:00", 30 * time.Minute, "2026-11-27 09:00"},             // before work starts
		{"2026-11-27 12:30", 0, "2026-11-27 13:30"},                            // lunch: the clock waits
		{"2026-11-27 08:30", 7*time.Hour + 30*time.Minute, "2026-11-27 17:30"}, // exactly one working day
		{"2026-09-30 17:00", time.Hour, "2026-10-06 09:00"},                    // over the holidays (10-03/04 weekend)
		{"2026-10-09 17:00", time.Hour, "2026-10-10 09:00"},                    // onto the make-up Saturday
		{"2026-11-27 10:00", 24 * time.Hour, "2026-12-02 11:30"},               // Fri 6h + Mon 7.5h + Tue 7.5h + Wed 3h
	}
	for _, tc := range cases {
		got := c.Add(at(tc.from), tc.d)
		if !got.Equal(at(tc.want)) {
			t.Errorf("Add(%s, %v) = %s, want %s", tc.from, tc.d, got.Format("2006-01-02 15:04"), tc.want)
		}
	}
}

func TestBetweenInvertsAdd(t *testing.T) {
	c := cal(t)
	start := at("2026-09-28 09:10")
	for _, d := range []time.Duration{0, time.Minute, 3 * time.Hour, 8 * time.Hour, 40 * time.Hour, 100 * time.Hour} {
		end := c.Add(start, d)
		if got := c.Between(start, end); got != d {
			t.Errorf("Between(start, Add(start, %v)) = %v", d, got)
		}
	}
	if got := c.Between(at("2026-11-27 12:00"), at("2026-11-27 13:30")); got != 0 {
		t.Errorf("lunch counts %v", got)
	}
	if got := c.Between(at("2026-11-27 17:00"), at("2026-11-26 17:00")); got != 0 {
		t.Errorf("backwards: %v", got)
	}
}

func TestIsWorkdayAndEndOfDay(t *testing.T) {
	c := cal(t)
	for day, want := range map[string]bool{"2026-11-27": true, "2026-11-28": false, "2026-10-01": false, "2026-10-10": true} {
		if got := c.IsWorkday(at(day + " 10:00")); got != want {
			t.Errorf("IsWorkday(%s) = %v", day, got)
		}
	}
	if got := c.EndOfDay(at("2026-12-05 09:00")); !got.Equal(at("2026-12-05 17:30")) {
		t.Errorf("EndOfDay: %v", got)
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Hours: []string{"17:30-08:30"}, Weekdays: []int{1}},
		{Hours: []string{"8-12"}, Weekdays: []int{1}},
		{Hours: []string{"08:00-12:00", "11:00-13:00"}, Weekdays: []int{1}},
		{Hours: []string{"08:00-12:00"}, Weekdays: []int{8}},
		{Hours: []string{"08:00-12:00"}},
		{Hours: []string{"08:00-12:00"}, Weekdays: []int{1}, Holidays: []string{"10/01/2026"}},
	} {
		if _, err := New(cfg, cst); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
}

func TestSubInvertsAdd(t *testing.T) {
	c := cal(t)
	for _, from := range []string{"2026-11-27 10:00", "2026-11-30 08:30", "2026-10-09 17:00", "2026-11-27 12:30"} {
		for _, d := range []time.Duration{0, 30 * time.Minute, 2 * time.Hour, 8 * time.Hour, 40 * time.Hour} {
			end := c.Add(at(from), d)
			back := c.Sub(end, d)
			if c.Between(back, end) != d {
				t.Errorf("Sub(Add(%s, %v)) = %s: %v of working time apart", from, d, back.Format("01-02 15:04"), c.Between(back, end))
			}
		}
	}
	if got := c.Sub(at("2026-11-30 09:30"), 2*time.Hour); !got.Equal(at("2026-11-27 16:30")) {
		t.Errorf("2 working hours before Monday 09:30 = %s, want Friday 16:30", got.Format("2006-01-02 15:04"))
	}
	if got := c.NextWorkdayAt(at("2026-11-27 10:00"), 9*60); !got.Equal(at("2026-11-30 09:00")) {
		t.Errorf("NextWorkdayAt: %s", got)
	}
}
