package conversations

import (
	"testing"
	"time"
)

// FuzzParseDay: whatever is typed as a date, ParseDay does not panic, and a
// day it accepts is a real calendar day at noon that reads back the same.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-12-05", "12／5", "１２－０５", "12月5日", "2-30", "9999-99-99", "0000-01-01", "12.5。", "２０２６年１２月５号", "-1-1", "99999999999999999999-1-1"} {
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
