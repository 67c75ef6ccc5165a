package conversations

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/i18n"
)

// Dates as people read and type them.

// when formats a clock for people.
func (t *Turn) when(at time.Time) string { return at.In(t.Deps.Location).Format("01-02 15:04") }

// day formats a day for people.
func (t *Turn) day(at time.Time) string { return at.In(t.Deps.Location).Format("01-02") }

var dayRes = []*regexp.Regexp{
	regexp.MustCompile(`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$`),
	regexp.MustCompile(`^(\d{1,2})[-/.月](\d{1,2})[日号]?$`),
}

// ParseDay reads a day as people write it: 2026-12-05, 2026/12/5,
// 12-05, 12/5, 12月5日. A day without a year is this year's, or next
// year's when that is more than half a year behind.
func ParseDay(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	typed := strings.TrimSpace(strings.NewReplacer("。", "", "．", ".").Replace(i18n.Narrow(text)))
	now = now.In(loc)
	var y, m, d int
	if g := dayRes[0].FindStringSubmatch(typed); g != nil {
		y, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		d, _ = strconv.Atoi(g[3])
	} else if g := dayRes[1].FindStringSubmatch(typed); g != nil {
		y = now.Year()
		m, _ = strconv.Atoi(g[1])
		d, _ = strconv.Atoi(g[2])
		if time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc).Before(now.AddDate(0, -6, 0)) {
			y++
		}
	} else {
		return time.Time{}, false
	}
	day := time.Date(y, time.Month(m), d, 12, 0, 0, 0, loc)
	if day.Month() != time.Month(m) || day.Day() != d { // 2-30 and the like
		return time.Time{}, false
	}
	return day, true
}
