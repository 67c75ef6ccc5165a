package assessment

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is a period's length.
type Kind string

// The periods of an assessment: month by default, quarter and year too.
const (
	Month   Kind = "month"
	Quarter Kind = "quarter"
	Year    Kind = "year"
)

// Kinds lists every kind of period.
var Kinds = []Kind{Month, Quarter, Year}

// Period is one assessment period: a calendar month ("2026-11"), quarter
// ("2026-Q4") or year ("2026") in the configured time zone.
type Period struct {
	Kind  Kind
	Year  int
	Index int // month 1–12, quarter 1–4; 0 for a year
}

// String is the period's name as people type it and as it is stored.
func (p Period) String() string {
	switch p.Kind {
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Index)
	case Year:
		return fmt.Sprintf("%04d", p.Year)
	default:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Index)
	}
}

// Parse reads "2026-11", "2026-Q4" (or "2026q4") or "2026".
func Parse(s string) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := fmt.Errorf("%q is not a period (a month 2026-11, a quarter 2026-Q4 or a year 2026)", s)
	y, rest, _ := strings.Cut(s, "-")
	if rest == "" && strings.Contains(y, "Q") {
		y, rest, _ = strings.Cut(s, "Q")
		rest = "Q" + rest
	}
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || year < 2000 || year > 2999 {
		return Period{}, bad
	}
	switch {
	case rest == "" && !strings.Contains(s, "-"):
		return Period{Kind: Year, Year: year}, nil
	case strings.HasPrefix(rest, "Q"):
		q, err := strconv.Atoi(rest[1:])
		if err != nil || q < 1 || q > 4 {
			return Period{}, bad
		}
		return Period{Kind: Quarter, Year: year, Index: q}, nil
	default:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 || len(rest) > 2 {
			return Period{}, bad
		}
		return Period{Kind: Month, Year: year, Index: m}, nil
	}
}

// Bounds is the period's [from, to) in loc.
func (p Period) Bounds(loc *time.Location) (from, to time.Time) {
	switch p.Kind {
	case Quarter:
		from = time.Date(p.Year, time.Month(3*p.Index-2), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 3, 0)
	case Year:
		from = time.Date(p.Year, 1, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(1, 0, 0)
	default:
		from = time.Date(p.Year, time.Month(p.Index), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 1, 0)
	}
}

// Months is how many months the period spans.
func (p Period) Months() int {
	switch p.Kind {
	case Quarter:
		return 3
	case Year:
		return 12
	default:
		return 1
	}
}

// Ended reports whether the period is over at now.
func (p Period) Ended(now time.Time, loc *time.Location) bool {
	_, to := p.Bounds(loc)
	return !now.Before(to)
}

// CheckEnded refuses a period that has not ended yet, with the reason.
func (p Period) CheckEnded(now time.Time, loc *time.Location) error {
	from, to := p.Bounds(loc)
	switch {
	case now.Before(from):
		return fmt.Errorf("%s is in the future", p)
	case now.Before(to):
		return fmt.Errorf("%s has not ended yet (it ends %s)", p, to.Format("2006-01-02 15:04"))
	}
	return nil
}

// LastEnded is the latest period of kind that has ended by now.
func LastEnded(kind Kind, now time.Time, loc *time.Location) Period {
	now = now.In(loc)
	y, m := now.Year(), int(now.Month())
	switch kind {
	case Quarter:
		q := (m-1)/3 + 1 - 1
		if q == 0 {
			return Period{Kind: Quarter, Year: y - 1, Index: 4}
		}
		return Period{Kind: Quarter, Year: y, Index: q}
	case Year:
		return Period{Kind: Year, Year: y - 1}
	default:
		if m == 1 {
			return Period{Kind: Month, Year: y - 1, Index: 12}
		}
		return Period{Kind: Month, Year: y, Index: m - 1}
	}
}

// Containing is the period of kind that t falls in (in loc).
func Containing(kind Kind, t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	switch kind {
	case Quarter:
		return Period{Kind: Quarter, Year: t.Year(), Index: (int(t.Month())-1)/3 + 1}
	case Year:
		return Period{Kind: Year, Year: t.Year()}
	default:
		return Period{Kind: Month, Year: t.Year(), Index: int(t.Month())}
	}
}

// Next is the period of the same kind after p.
func (p Period) Next() Period {
	last := map[Kind]int{Month: 12, Quarter: 4}[p.Kind]
	switch {
	case p.Kind == Year:
		return Period{Kind: Year, Year: p.Year + 1}
	case p.Index == last:
		return Period{Kind: p.Kind, Year: p.Year + 1, Index: 1}
	default:
		return Period{Kind: p.Kind, Year: p.Year, Index: p.Index + 1}
	}
}

// EndedSince lists the periods of kind that begin at or after since and
// have ended by now, oldest first.
func EndedSince(kind Kind, since, now time.Time, loc *time.Location) []Period {
	p := Containing(kind, since, loc)
	if from, _ := p.Bounds(loc); from.Before(since) {
		p = p.Next()
	}
	var ps []Period
	for ; p.Ended(now, loc); p = p.Next() {
		ps = append(ps, p)
	}
	return ps
}
