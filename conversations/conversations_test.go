package conversations

import (
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

func TestParseDay(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	cases := []struct {
		in   string
		want string // "" = refused
	}{
		{"2026-12-05", "2026-12-05"}, {"2026/12/5", "2026-12-05"}, {"12-05", "2026-12-05"}, {"12/5", "2026-12-05"},
		{"12月5日", "2026-12-05"}, {"12月5号", "2026-12-05"}, {"2027年1月15日", "2027-01-15"},
		{"1-15", "2027-01-15"},  // more than half a year behind: next year's
		{"11-20", "2026-11-20"}, // a week ago stays this year's (and is refused as past by the flow)
		{"2-30", ""}, {"12-05 下午", ""}, {"", ""}, {"13-01", ""},
		// Full-width forms as a Chinese keyboard types them.
		{"12／5", "2026-12-05"}, {"１２－０５", "2026-12-05"}, {"２０２６．１２．５", "2026-12-05"}, {"12月5日。", "2026-12-05"},
	}
	for _, c := range cases {
		got, ok := ParseDay(c.in, now, cst)
		if c.want == "" {
			if ok {
				t.Errorf("ParseDay(%q) = %v, want refused", c.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02") != c.want {
			t.Errorf("ParseDay(%q) = %v %v, want %s", c.in, got, ok, c.want)
		}
	}
}

// TestParseDayWords: days in words, counted from Friday 2026-11-27 in
// Beijing (the grammar in dates.go).
func TestParseDayWords(t *testing.T) {
	friday := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	// Late at night in Beijing is already the next day in UTC terms of the
	// day before: the words count Beijing's days, whatever zone now is in.
	lateUTC := time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC) // Friday 01:30 in Beijing
	yearEnd := time.Date(2026, 12, 28, 10, 0, 0, 0, cst)       // a Monday
	cases := []struct {
		now  time.Time
		in   string
		want string // "" = refused
	}{
		{friday, "今天", "2026-11-27"}, {friday, "明天", "2026-11-28"}, {friday, "后天", "2026-11-29"}, {friday, "大后天", "2026-11-30"},
		{friday, "明日", "2026-11-28"}, {friday, "Tomorrow", "2026-11-28"}, {friday, "today", "2026-11-27"},
		{friday, "the day after tomorrow", ""}, {friday, "day after tomorrow", "2026-11-29"},
		{lateUTC, "明天", "2026-11-28"}, {lateUTC, "周五", "2026-11-27"},
		// A bare weekday is the next one, today included.
		{friday, "周五", "2026-11-27"}, {friday, "周六", "2026-11-28"}, {friday, "周一", "2026-11-30"}, {friday, "星期天", "2026-11-29"},
		{friday, "礼拜三", "2026-12-02"}, {friday, "周日", "2026-11-29"}, {friday, "friday", "2026-11-27"}, {friday, "Mon", "2026-11-30"},
		// 本周 / 下周 / 下下周: weeks from Monday to Sunday.
		{friday, "下周一", "2026-11-30"}, {friday, "下周五", "2026-12-04"}, {friday, "下个星期三", "2026-12-02"}, {friday, "下礼拜日", "2026-12-06"},
		{friday, "下下周一", "2026-12-07"}, {friday, "本周一", "2026-11-23"}, {friday, "这周日", "2026-11-29"},
		{friday, "next monday", "2026-11-30"}, {friday, "next friday", "2026-12-04"}, {friday, "this wednesday", "2026-11-25"},
		// In N days.
		{friday, "3天后", "2026-11-30"}, {friday, "三天后", "2026-11-30"}, {friday, "十天以后", "2026-12-07"}, {friday, "in 10 days", "2026-12-07"},
		{friday, "三天以后", "2026-11-30"}, {friday, "12.5", "2026-12-05"},
		// Chinese numbers, a day alone, "by".
		{friday, "十二月八日", "2026-12-08"}, {friday, "十二月二十一号", "2026-12-21"}, {friday, "12月8日前", "2026-12-08"},
		{friday, "周五之前", "2026-11-27"}, {friday, "by friday", "2026-11-27"}, {friday, "8号", "2026-12-08"}, {friday, "27号", "2026-11-27"},
		{friday, "31号", "2026-12-31"}, {friday, "二十九日", "2026-11-29"},
		// English months.
		{friday, "dec 8", "2026-12-08"}, {friday, "Dec. 8th", "2026-12-08"}, {friday, "8 December", "2026-12-08"}, {friday, "jan 3", "2027-01-03"},
		// Across the year's end.
		{yearEnd, "下周一", "2027-01-04"}, {yearEnd, "1月3日", "2027-01-03"}, {yearEnd, "后天", "2026-12-30"}, {yearEnd, "5号", "2027-01-05"},
		{yearEnd, "周日", "2027-01-03"},
		// Refused: not a day, or not only a day.
		{friday, "明天吧", ""}, {friday, "下周", ""}, {friday, "周八", ""}, {friday, "三天前", ""}, {friday, "999天后", ""},
		{friday, "十三月一日", ""}, {friday, "next month", ""}, {friday, "monthly", ""}, {friday, "明天下午2点", ""}, {friday, "32号", ""},
		{friday, "二月三十日", ""},
	}
	for _, c := range cases {
		got, ok := ParseDay(c.in, c.now, cst)
		if c.want == "" {
			if ok {
				t.Errorf("ParseDay(%q) = %v, want refused", c.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02") != c.want || got.Hour() != 12 {
			t.Errorf("ParseDay(%q) at %v = %v %v, want %s", c.in, c.now, got, ok, c.want)
		}
	}
}

// TestParseWhen: a day and a time of day, as a trainer types it.
func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	cases := []struct {
		in   string
		want string // "" = refused
	}{
		{"12-05 14:00", "2026-12-05 14:00"}, {"12月5日 14:30", "2026-12-05 14:30"}, {"１２－０５　１４：００", "2026-12-05 14:00"},
		{"12-05 14点", "2026-12-05 14:00"}, {"12月5日 14点30分", "2026-12-05 14:30"}, {"12-05 14.00", "2026-12-05 14:00"},
		{"12月8日下午2点", "2026-12-08 14:00"}, {"12月8日 下午2点", "2026-12-08 14:00"}, {"明天下午两点半", "2026-11-28 14:30"},
		{"下周一 9:00", "2026-11-30 09:00"}, {"下周一上午9点", "2026-11-30 09:00"}, {"后天晚上8点", "2026-11-29 20:00"},
		{"周五下午三点一刻", "2026-11-27 15:15"}, {"中午12点", "2026-11-27 12:00"}, {"中午1点", "2026-11-27 13:00"},
		{"下午3点", "2026-11-27 15:00"}, {"15:00", "2026-11-27 15:00"}, {"十二月八日上午十点", "2026-12-08 10:00"}, {"下周一上午九点", "2026-11-30 09:00"}, {"at 2:30 pm", "2026-11-27 14:30"},
		{"tomorrow 2pm", "2026-11-28 14:00"}, {"tomorrow at 2:30 pm", "2026-11-28 14:30"}, {"next monday 9am", "2026-11-30 09:00"},
		{"12-05", ""}, {"明天", ""}, {"12-05 25:00", ""}, {"13pm", ""}, {"12-05 下午", ""}, {"12-05 14:00 以后", ""}, {"", ""},
	}
	for _, c := range cases {
		got, ok := ParseWhen(c.in, now, cst)
		if c.want == "" {
			if ok {
				t.Errorf("ParseWhen(%q) = %v, want refused", c.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02 15:04") != c.want {
			t.Errorf("ParseWhen(%q) = %v %v, want %s", c.in, got, ok, c.want)
		}
	}
}

func TestVisible(t *testing.T) {
	for in, want := range map[string]int{
		"井盖坏了":                         4,
		"\u200b\u200b\u200b\u200b":     0, // four zero-width spaces
		" \t\u3000\u200d\ufeff\u202e ": 0,
		"a\u200bb":                     2,
	} {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %d, want %d", in, got, want)
		}
	}
}
