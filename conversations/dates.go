package conversations

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/i18n"
)

// Dates as people read and type them.

// How times are shown to people: 12-08 14:00, 12-08, 14:00.
const (
	WhenLayout = "01-02 15:04"
	DayLayout  = "01-02"
	TimeLayout = "15:04"
)

// FormatWhen formats a clock for people in loc.
func FormatWhen(at time.Time, loc *time.Location) string { return at.In(loc).Format(WhenLayout) }

// FormatTime formats a time of day for people in loc.
func FormatTime(at time.Time, loc *time.Location) string { return at.In(loc).Format(TimeLayout) }

// When formats a clock for people.
func (t *Turn) When(at time.Time) string { return FormatWhen(at, t.Deps.Location) }

// Day formats a day for people.
func (t *Turn) Day(at time.Time) string { return at.In(t.Deps.Location).Format(DayLayout) }

// ExampleDay is a day to show as an example in a prompt: the day after
// the later of now and after, so it is never in the past.
func (t *Turn) ExampleDay(after time.Time) string {
	now := t.Deps.Now()
	if after.Before(now) {
		after = now
	}
	return t.Day(after.In(t.Deps.Location).AddDate(0, 0, 1))
}

// ExampleWhen is a time to show as an example: tomorrow at 14:00.
func (t *Turn) ExampleWhen() string {
	n := t.Deps.Now().In(t.Deps.Location).AddDate(0, 0, 1)
	return t.When(time.Date(n.Year(), n.Month(), n.Day(), 14, 0, 0, 0, t.Deps.Location))
}

// WhenPrompt asks for a time with an example that lies ahead.
func WhenPrompt(key string) func(context.Context, *Turn) (Prompt, error) {
	return func(ctx context.Context, t *Turn) (Prompt, error) {
		return Prompt{Text: t.T(key, "example", t.ExampleWhen())}, nil
	}
}

// Deadline reads a promised date: a day means the end of its working day
// (worktime), a day with a time (12月8日下午2点) that time.
func (t *Turn) Deadline(text string) (time.Time, bool) {
	if day, ok := ParseDay(text, t.Deps.Now(), t.Deps.Location); ok {
		return t.Deps.Calendar.EndOfDay(day), true
	}
	return ParseWhen(text, t.Deps.Now(), t.Deps.Location)
}

// The grammar of a typed day (ParseDay) and of a day with a time
// (ParseWhen), after full-width forms are narrowed and letters lowered:
//
//	day   = numeric | words | weekday | relative
//	numeric  = [YYYY (-|/|.|年)] M (-|/|.|月) D [日|号]   2026-12-05, 12/5, 12月5日, 十二月八日
//	         | D (日|号)                                 8号: the next 8th, this month or the next
//	         | month-name D | D month-name                dec 8, 8 december
//	words    = 今天 | 明天 | 后天 | 大后天 | today | tomorrow | day after tomorrow
//	relative = N 天(后|以后|之后) | in N days
//	weekday  = [本周|这周|下周|下下周 …] (周|星期|礼拜) (一…六|日|天)
//	         | [this|next] monday … sunday
//	time  = [凌晨|早上|上午|中午|下午|傍晚|晚上] H (点|时|:) [MM|半|一刻|三刻] [分] | H[:MM] (am|pm)
//
// A bare weekday is the next one (today counts); 本周/this is the one of
// this week (Monday to Sunday), 下周/next of the week after, 下下周 of the
// one after that. A day may end with 前, 之前 or 以前 (by that day).
// Numbers may be written in Chinese (十二月八日, 三天后, 下午两点半).

const cnDigits = "零〇一二两三四五六七八九十"

// num is a number of one or two digits, or in Chinese up to 九十九.
const num = `(\d{1,2}|[` + cnDigits + `]{1,3})`

var (
	fullDateRe = regexp.MustCompile(`^(\d{4})[-/.年]\s*` + num + `\s*[-/.月]\s*` + num + `\s*[日号]?`)
	monthDayRe = regexp.MustCompile(`^` + num + `\s*[-/.月]\s*` + num + `\s*[日号]?`)
	dayOnlyRe  = regexp.MustCompile(`^` + num + `\s*[日号]`)
	relativeRe = regexp.MustCompile(`^(?:(\d{1,3}|[` + cnDigits + `]{1,3})\s*天\s*(?:以后|之后|后)|in\s+(\d{1,3})\s+days?)`)
	cnWeekRe   = regexp.MustCompile(`^(下下个?|下个?|本|这个?|)(?:周|星期|礼拜)([一二三四五六日天1-7])`)
	enWeekRe   = regexp.MustCompile(`^(?:(this|next)\s+)?(monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thu|friday|fri|saturday|sat|sunday|sun)\b`)
	enMonthRe  = regexp.MustCompile(`^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*(\d{1,2})(?:st|nd|rd|th)?\b`)
	enMonth2Re = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b\.?`)
	cnTimeRe   = regexp.MustCompile(`^(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|)\s*` + num + `\s*(?:点|时|[:.])\s*(半|一刻|三刻|\d{1,2}|[` + cnDigits + `]{1,3})?\s*分?`)
	enTimeRe   = regexp.MustCompile(`^(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b`)
)

// words are days said as words, longest first.
var dayWords = []struct {
	word string
	days int
}{
	{"day after tomorrow", 2}, {"大后天", 3}, {"後天", 2}, {"后天", 2}, {"明天", 1}, {"明日", 1}, {"今天", 0}, {"今日", 0},
	{"tomorrow", 1}, {"today", 0},
}

var enMonths = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
var enDays = map[string]int{"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}

// cnNumber reads 0–99 in digits or in Chinese (八, 十二, 二十一, 两).
func cnNumber(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	digit := func(r rune) (int, bool) {
		switch r {
		case '零', '〇':
			return 0, true
		case '两':
			return 2, true
		}
		if i := strings.IndexRune("一二三四五六七八九", r); i >= 0 {
			return i/len("一") + 1, true
		}
		return 0, false
	}
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10, true
	case len(rs) == 1:
		return digit(rs[0])
	case len(rs) == 2 && rs[0] == '十': // 十二
		d, ok := digit(rs[1])
		return 10 + d, ok && d > 0
	case len(rs) == 2 && rs[1] == '十': // 二十
		d, ok := digit(rs[0])
		return d * 10, ok && d > 1
	case len(rs) == 3 && rs[1] == '十': // 二十一
		t, ok1 := digit(rs[0])
		d, ok2 := digit(rs[2])
		return t*10 + d, ok1 && ok2 && t > 1 && d > 0
	}
	return 0, false
}

// normalize narrows full-width forms, drops a final full stop and lowers
// letters.
func normalize(text string) string {
	s := strings.NewReplacer("。", "", "．", ".", "，", " ", ",", " ").Replace(i18n.Narrow(text))
	return strings.ToLower(strings.TrimSpace(s))
}

// noon is the day of y-m-d at noon, if it is a calendar day.
func noon(y, m, d int, loc *time.Location) (time.Time, bool) {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	day := time.Date(y, time.Month(m), d, 12, 0, 0, 0, loc)
	if day.Month() != time.Month(m) || day.Day() != d { // 2-30 and the like
		return time.Time{}, false
	}
	return day, true
}

// ISOWeekday is Monday 1 … Sunday 7.
func ISOWeekday(t time.Time) int {
	if d := int(t.Weekday()); d != 0 {
		return d
	}
	return 7
}

// dayPrefix reads a day at the start of s (normalized) and returns it at
// noon with the rest of s.
func dayPrefix(s string, now time.Time, loc *time.Location) (time.Time, string, bool) {
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, loc)
	// A month and day without a year: this year's, or next year's when
	// that is more than half a year behind.
	thisOrNext := func(m, d int) (time.Time, bool) {
		y := now.Year()
		if m >= 1 && m <= 12 && time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc).Before(now.AddDate(0, -6, 0)) {
			y++
		}
		return noon(y, m, d, loc)
	}
	if g := fullDateRe.FindStringSubmatch(s); g != nil {
		y, _ := strconv.Atoi(g[1])
		m, ok1 := cnNumber(g[2])
		d, ok2 := cnNumber(g[3])
		day, ok := noon(y, m, d, loc)
		return day, s[len(g[0]):], ok && ok1 && ok2
	}
	if g := monthDayRe.FindStringSubmatch(s); g != nil {
		m, ok1 := cnNumber(g[1])
		d, ok2 := cnNumber(g[2])
		if ok1 && ok2 {
			day, ok := thisOrNext(m, d)
			return day, s[len(g[0]):], ok
		}
	}
	if g := enMonthRe.FindStringSubmatch(s); g != nil {
		d, _ := strconv.Atoi(g[2])
		day, ok := thisOrNext(enMonths[g[1]], d)
		return day, s[len(g[0]):], ok
	}
	if g := enMonth2Re.FindStringSubmatch(s); g != nil {
		d, _ := strconv.Atoi(g[1])
		day, ok := thisOrNext(enMonths[g[2]], d)
		return day, s[len(g[0]):], ok
	}
	for _, w := range dayWords {
		if strings.HasPrefix(s, w.word) {
			return today.AddDate(0, 0, w.days), s[len(w.word):], true
		}
	}
	if g := relativeRe.FindStringSubmatch(s); g != nil {
		n, ok := cnNumber(g[1])
		if g[2] != "" {
			n, ok = cnNumber(g[2])
		}
		return today.AddDate(0, 0, n), s[len(g[0]):], ok && n <= 366
	}
	if day, rest, ok := weekPrefix(s, today); ok {
		return day, rest, true
	}
	if g := dayOnlyRe.FindStringSubmatch(s); g != nil { // 8号: the next 8th
		d, ok := cnNumber(g[1])
		if !ok {
			return time.Time{}, "", false
		}
		for i := 0; i < 3; i++ {
			first := time.Date(today.Year(), today.Month()+time.Month(i), 1, 12, 0, 0, 0, loc)
			if day, ok := noon(first.Year(), int(first.Month()), d, loc); ok && !day.Before(today) {
				return day, s[len(g[0]):], true
			}
		}
	}
	return time.Time{}, "", false
}

// weekPrefix reads a weekday at the start of s (周三, 下周五, next friday)
// and returns it at noon with the rest of s.
func weekPrefix(s string, today time.Time) (time.Time, string, bool) {
	if g := cnWeekRe.FindStringSubmatch(s); g != nil {
		wd := strings.Index("一二三四五六日", g[2])/len("一") + 1
		switch g[2] {
		case "天":
			wd = 7
		case "1", "2", "3", "4", "5", "6", "7":
			wd, _ = strconv.Atoi(g[2])
		}
		weeks := -1 // a bare weekday: the next one
		switch strings.TrimSuffix(g[1], "个") {
		case "本", "这":
			weeks = 0
		case "下":
			weeks = 1
		case "下下":
			weeks = 2
		}
		return weekday(today, wd, weeks), s[len(g[0]):], true
	}
	if g := enWeekRe.FindStringSubmatch(s); g != nil {
		weeks := map[string]int{"": -1, "this": 0, "next": 1}[g[1]]
		return weekday(today, enDays[g[2][:3]], weeks), s[len(g[0]):], true
	}
	return time.Time{}, "", false
}

// weekday is day wd (Monday 1 … Sunday 7) of the week weeks after today's
// (Monday to Sunday), or with weeks < 0 the next such day from today on.
func weekday(today time.Time, wd, weeks int) time.Time {
	if weeks < 0 {
		return today.AddDate(0, 0, (wd-ISOWeekday(today)+7)%7)
	}
	monday := today.AddDate(0, 0, 1-ISOWeekday(today))
	return monday.AddDate(0, 0, 7*weeks+wd-1)
}

// byDay drops a "by that day" around a day: 12月8日前, 周五之前, by friday.
func byDay(s string) string {
	s = strings.TrimPrefix(s, "by ")
	for _, suffix := range []string{"之前", "以前", "前"} {
		if t, ok := strings.CutSuffix(s, suffix); ok {
			return strings.TrimSpace(t)
		}
	}
	return s
}

// ParseDay reads a day as people write it (see the grammar above): 2026-12-05,
// 12/5, 12月5日, 明天, 后天, 周五, 下周一, 3天后, tomorrow, next monday. A
// day without a year is this year's, or next year's when that is more than
// half a year behind. Words are counted from now in loc. The day is
// returned at noon.
func ParseDay(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	day, rest, ok := dayPrefix(byDay(normalize(text)), now, loc)
	if !ok || strings.TrimSpace(rest) != "" {
		return time.Time{}, false
	}
	return day, true
}

// ParseWhen reads a day and a time of day: 12-05 14:00, 12月5日 14:30,
// 12月8日下午2点, 明天下午两点半, 下周一 9:00, tomorrow 2pm. A time alone
// (下午3点, 15:00) is today's.
func ParseWhen(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	s := normalize(text)
	day, rest, ok := dayPrefix(s, now, loc)
	if !ok {
		n := now.In(loc)
		day, rest = time.Date(n.Year(), n.Month(), n.Day(), 12, 0, 0, 0, loc), s
	}
	h, m, rest, ok := timePrefix(strings.TrimPrefix(strings.TrimSpace(rest), "at "))
	if !ok || strings.TrimSpace(rest) != "" {
		return time.Time{}, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc), true
}

// timePrefix reads a time of day at the start of s.
func timePrefix(s string) (int, int, string, bool) {
	if g := enTimeRe.FindStringSubmatch(s); g != nil {
		h, _ := strconv.Atoi(g[1])
		m, _ := strconv.Atoi(g[2])
		if h < 1 || h > 12 || m > 59 {
			return 0, 0, "", false
		}
		h %= 12
		if g[3] == "pm" {
			h += 12
		}
		return h, m, s[len(g[0]):], true
	}
	g := cnTimeRe.FindStringSubmatch(s)
	if g == nil {
		return 0, 0, "", false
	}
	h, ok := cnNumber(g[2])
	if !ok {
		return 0, 0, "", false
	}
	m := 0
	switch g[3] {
	case "":
	case "半":
		m = 30
	case "一刻":
		m = 15
	case "三刻":
		m = 45
	default:
		if m, ok = cnNumber(g[3]); !ok {
			return 0, 0, "", false
		}
	}
	switch g[1] {
	case "下午", "傍晚", "晚上":
		if h < 12 {
			h += 12
		}
	case "中午":
		if h < 11 {
			h += 12
		}
	case "凌晨":
		if h == 12 {
			h = 0
		}
	}
	if h > 23 || m > 59 {
		return 0, 0, "", false
	}
	return h, m, s[len(g[0]):], true
}
