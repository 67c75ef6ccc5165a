package conversations

import (
	"testing"
	"time"
)

// FuzzParseDay: whatever is typed as a date, ParseDay does not panic, and a
// day it accepts is a real calendar day at noon that reads back the same.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-12-05", "12／5", "１２－０５", "12月5日", "2-30", "9999-99-99", "0000-01-01", "12.5。", "２０２６年１２月５号", "-1-1", "99999999999999999999-1-1",
		"明天", "大后天", "下下周日", "周五之前", "三天后", "十二月二十一号", "31号", "next monday", "dec 8th", "in 10 days", "二十九日"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	f.Fuzz(func(t *testing.T, s string) {
		day, ok := ParseDay(s, now, cst)
		if !ok {
			if !day.IsZero() {
				t.Errorf("ParseDay(%q) refused but returned %v", s, day)
			}
			return
		}
		if day.Hour() != 12 || day.Location() != cst {
			t.Errorf("ParseDay(%q) = %v, want noon in %v", s, day, cst)
		}
		again, ok := ParseDay(day.Format("2006-01-02"), now, cst)
		if !ok || !again.Equal(day) {
			t.Errorf("ParseDay(%q) = %v does not read back (%v, %v)", s, day, again, ok)
		}
	})
}

// FuzzParseWhen: whatever is typed as a time, ParseWhen does not panic, and
// a time it accepts is a whole minute in loc that reads back the same.
func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"12-05 14:00", "12月8日下午2点", "明天下午两点半", "下周一 9:00", "tomorrow at 2:30 pm", "中午12点",
		"下午三点一刻", "15:00", "12-05 25:00", "13pm", "2026-2-29 10:00"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	f.Fuzz(func(t *testing.T, s string) {
		at, ok := ParseWhen(s, now, cst)
		if !ok {
			if !at.IsZero() {
				t.Errorf("ParseWhen(%q) refused but returned %v", s, at)
			}
			return
		}
		if at.Second() != 0 || at.Nanosecond() != 0 || at.Location() != cst {
			t.Errorf("ParseWhen(%q) = %v, want a whole minute in %v", s, at, cst)
		}
		again, ok := ParseWhen(at.Format("2006-01-02 15:04"), now, cst)
		if !ok || !again.Equal(at) {
			t.Errorf("ParseWhen(%q) = %v does not read back (%v, %v)", s, at, again, ok)
		}
	})
}
