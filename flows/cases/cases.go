package cases

import (
	"fmt"
	"strings"
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// CaseSummary renders a case in a few lines, for the steward, the groups and /case.
func CaseSummary(lang i18n.Lang, loc *time.Location, c store.CaseView) string {
	cats := c.Categories
	if lang == i18n.EN && len(c.CategoriesEn) > 0 {
		cats = c.CategoriesEn
	}
	community, department := c.CommunityName, c.DepartmentName
	if lang == i18n.EN {
		community, department = c.CommunityNameEn, c.DepartmentNameEn
	}
	place := c.AlleyName
	if community != "" {
		place = i18n.T(lang, "case.place", "alley", c.AlleyName, "community", community)
	}
	if c.Address != "" {
		place = i18n.T(lang, "case.place_address", "place", place, "address", c.Address)
	}
	lines := []string{
		i18n.T(lang, "case.head", "number", c.Number, "categories", strings.Join(cats, i18n.T(lang, "list.sep"))),
		i18n.T(lang, "case.where", "place", place),
		i18n.T(lang, "case.what", "description", c.Description),
		i18n.T(lang, "case.impact", "impact", i18n.T(lang, "impact."+c.Impact)),
		i18n.T(lang, "case.photos", "n", c.PhotoCount),
		i18n.T(lang, "case.by", "name", ReporterName(lang, c), "time", conversations.FormatWhen(c.CreatedAt, loc)),
	}
	if department != "" {
		lines = append(lines, i18n.T(lang, "case.department", "department", department))
	}
	if c.PlanText != "" {
		lines = append(lines, i18n.T(lang, "case.plan_text", "plan", c.PlanText))
	}
	lines = append(lines, i18n.T(lang, "case.status", "status", statusName(lang, c.Status)))
	if c.LastReason != "" && c.Status != model.StatusClosed && c.Status != model.StatusMerged {
		lines = append(lines, i18n.T(lang, "case.last_reason", "reason", c.LastReason))
	}
	return strings.Join(lines, "\n")
}

// ReporterName is who reported a case: the steward, or a resident's
// complaint (a case the center made of one has no reporter).
func ReporterName(lang i18n.Lang, c store.CaseView) string {
	switch {
	case c.ReporterName != "":
		return c.ReporterName
	case c.Source == "complaint":
		return i18n.T(lang, "case.by.complaint")
	}
	return i18n.T(lang, "actor.system")
}

// ActorName is who took a step of the timeline: a person of the roster, a
// resident (a rating, a reopening, a case made of a complaint: no
// account), or the bot itself.
func ActorName(lang i18n.Lang, e store.CaseEvent) string {
	switch {
	case e.ActorName != "":
		return e.ActorName
	case e.Kind == model.EventRated || e.Kind == model.EventReopened:
		return i18n.T(lang, "complaint.resident")
	case e.Kind == model.EventSubmitted:
		return i18n.T(lang, "case.by.complaint")
	}
	return i18n.T(lang, "actor.system")
}

// Timeline renders a case's events, one line each.
func Timeline(lang i18n.Lang, loc *time.Location, es []store.CaseEvent) string {
	lines := []string{i18n.T(lang, "case.timeline")}
	for _, e := range es {
		what := string(e.Kind)
		if key := "event." + what; i18n.Has(key) {
			what = i18n.T(lang, key)
		}
		line := fmt.Sprintf("%s  %s  %s", conversations.FormatWhen(e.At, loc), ActorName(lang, e), what)
		if e.Note != "" {
			line += ":" + e.Note
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// CaseLine is one case in a list.
func CaseLine(lang i18n.Lang, loc *time.Location, c store.CaseView) string {
	cats := c.Categories
	if lang == i18n.EN && len(c.CategoriesEn) > 0 {
		cats = c.CategoriesEn
	}
	return i18n.T(lang, "case.line", "number", c.Number, "categories", strings.Join(cats, i18n.T(lang, "list.sep")),
		"alley", c.AlleyName, "status", statusName(lang, c.Status), "time", conversations.FormatWhen(c.CreatedAt, loc))
}

// Clock says how a case's running clock stands: the deadline and the
// working time left, or how far past it is.
func Clock(lang i18n.Lang, d *conversations.Deps, c store.CaseView) string {
	if c.Status == model.StatusFixed {
		return i18n.T(lang, "clock.recheck")
	}
	clock, due, ok := c.RunningClock()
	if !ok {
		return ""
	}
	key := string(clock)
	now := d.Now()
	at := conversations.FormatWhen(due, d.Location)
	if now.Before(due) {
		return i18n.T(lang, "clock."+key, "at", at, "left", i18n.WorkingTime(lang, d.Calendar.Between(now, due), d.Calendar.DayLength()))
	}
	return i18n.T(lang, "clock."+key+".over", "at", at, "over", i18n.WorkingTime(lang, d.Calendar.Between(due, now), d.Calendar.DayLength()))
}
