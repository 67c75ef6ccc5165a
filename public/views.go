package public

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// monthView is one month's figures.
type monthView struct {
	Month   time.Month
	Current bool
	store.PublicFigures
}

// Title is 「12月(截至今天)」 or 「11月」.
func (m monthView) Title(lang i18n.Lang) string {
	key := "public.month.last"
	if m.Current {
		key = "public.month.current"
	}
	return i18n.T(lang, key, "month", i18n.Month(lang, m.Month))
}

// InTimeShare is the closed cases closed in time, "87.5%".
func (m monthView) InTimeShare() string { return evaluation.Rate{N: m.InTime, Of: m.Fixed}.Percent() }

// Average is the residents' average score, "4.25".
func (m monthView) Average() string { return strconv.FormatFloat(m.RatingAvg, 'f', 2, 64) }

// alleyView is an alley's recently closed cases.
type alleyView struct {
	Code, Name string
	Cases      []caseView
}

// caseView is a case as the templates show it.
type caseView struct {
	store.PublicCase
	Short string // the description, cut for the list
	Steps []step
}

type step struct {
	Key string // public.step.*
	At  time.Time
}

// Kind is the case's lead category in lang.
func (c caseView) Kind(lang i18n.Lang) string {
	if lang == i18n.EN {
		return c.CategoryEn
	}
	return c.Category
}

// Dept is the responsible department in lang.
func (c caseView) Dept(lang i18n.Lang) string {
	if lang == i18n.EN {
		return c.DepartmentEn
	}
	return c.Department
}

// StatusText is the case's status as the bot says it.
func (c caseView) StatusText(lang i18n.Lang) string { return i18n.T(lang, "status."+string(c.Status)) }

// shortLen is how much of a description the list shows.
const shortLen = 60

func (h *handler) caseView(c store.PublicCase) caseView {
	loc := h.o.Location
	c.CreatedAt = c.CreatedAt.In(loc)
	v := caseView{PublicCase: c, Short: c.Description}
	if utf8.RuneCountInString(v.Short) > shortLen {
		v.Short = string([]rune(v.Short)[:shortLen]) + "…"
	}
	v.Steps = append(v.Steps, step{"public.step.reported", c.CreatedAt})
	for _, s := range []struct {
		key   string
		at    time.Time
		valid bool
	}{{"public.step.dispatched", c.DispatchedAt.Time, c.DispatchedAt.Valid}, {"public.step.verified", c.VerifiedAt.Time, c.VerifiedAt.Valid},
		{"public.step.fixed", c.FixedAt.Time, c.FixedAt.Valid}, {"public.step.closed", c.ClosedAt.Time, c.ClosedAt.Valid}} {
		if s.valid {
			v.Steps = append(v.Steps, step{s.key, s.at.In(loc)})
		}
	}
	if c.ClosedAt.Valid {
		v.ClosedAt.Time = c.ClosedAt.Time.In(loc)
	}
	if !h.o.ShowPhotos {
		v.BeforePhotos, v.AfterPhotos = nil, nil
	}
	return v
}
