// Package scores is the stewards' scorecards in chat (seed 四(一)):
// /myscore, a steward's own card with the counts behind each component and
// the grade band (never anyone else's), and /scores, the ranking of the
// reader's communities for coordinators, the assessment group and
// supervisors. Both read the stored periods (store/assessment.go): the
// scheduler computes a period once it has ended, `alleybot assess
// recompute` adds a revision. /appeal (appeal.go, answer.go): a steward
// appeals a period's card once; the coordinators of their community keep
// it or correct it, a correction stored as an adjustment beside the card.
package scores

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Domain is the scorecards' domain: the appeal's flows and its button
// family "ap" (维持, 更正).
func Domain() conversations.Domain {
	return conversations.Domain{Name: "scores", Flows: appealFlows(), Buttons: []conversations.ButtonFamily{{
		Prefix: Prefix, Actions: Actions,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "button.appeal."+action) },
		Act:   Act,
	}}}
}

// period is the period the command names (default: the last ended month),
// or false after telling why it is refused.
func period(t *conversations.Turn) (assessment.Period, bool) {
	loc := t.Deps.Location
	now := t.Deps.Now()
	arg := strings.TrimSpace(t.Args)
	if arg == "" {
		return assessment.LastEnded(assessment.Month, now, loc), true
	}
	p, err := assessment.Parse(arg)
	if err != nil {
		t.Reply(t.T("score.bad_period", "period", arg))
		return p, false
	}
	from, to := p.Bounds(loc)
	switch {
	case now.Before(from):
		t.Reply(t.T("score.future", "period", p.String()))
		return p, false
	case now.Before(to):
		t.Reply(t.T("score.not_ended", "period", p.String(), "end", to.In(loc).Format("2006-01-02")))
		return p, false
	}
	return p, true
}

// Mine answers /myscore [PERIOD]: the speaker's own card, its total
// corrected on appeal if it was (the computed one shown too), and the
// appeal's state.
func Mine(ctx context.Context, t *conversations.Turn) error {
	p, ok := period(t)
	if !ok {
		return nil
	}
	hist, err := t.Tx.AssessmentHistory(ctx, t.Person.ID, p.String())
	if err != nil {
		return err
	}
	if len(hist) == 0 {
		t.Reply(t.T("score.none", "period", p.String()))
		return nil
	}
	a := hist[len(hist)-1]
	text, err := Card(t.Lang, t.Deps.Location, a)
	if err != nil {
		return err
	}
	more, err := appealLines(ctx, t, a)
	if err == nil {
		t.Reply(strings.Join(append([]string{text}, more...), "\n"))
	}
	return err
}

// Card renders a stored card in lang: each component with its counts, the
// total (with the period's adjustments) and the grade band, and which
// computation it is.
func Card(lang i18n.Lang, loc *time.Location, a store.Assessment) (string, error) {
	var c assessment.Counts
	var comp assessment.Components
	var s assessment.Settings
	for _, d := range []struct {
		raw json.RawMessage
		v   any
	}{{a.Counts, &c}, {a.Components, &comp}, {a.Settings, &s}} {
		if err := json.Unmarshal(d.raw, d.v); err != nil {
			return "", fmt.Errorf("scorecard %d: %w", a.ID, err)
		}
	}
	total, grade, err := Adjusted(a)
	if err != nil {
		return "", err
	}
	avg := "—"
	if c.Ratings > 0 {
		avg = fmt.Sprintf("%.1f", float64(c.RatingSum)/float64(c.Ratings))
	}
	T := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	detail := ""
	if late, outside := c.PatrolsLate+c.PatrolsLateOutside, c.PatrolsOutside+c.PatrolsLateOutside; late+outside > 0 {
		detail = T("score.patrol_detail", "late", late, "outside", outside)
	}
	lines := []string{
		T("score.header", "period", a.Period, "total", num(total), "grade", T("score.grade."+grade)),
		T("score.attendance", "score", num(comp.Attendance), "done", c.PatrolsDone, "scheduled", c.PatrolsScheduled, "detail", detail,
			"attended", c.TrainingsAttended, "invited", c.TrainingsInvited),
		T("score.reports", "score", num(comp.Reports), "cases", c.Cases, "spot", c.FixedOnSpot, "accepted", c.Accepted),
		T("score.efficiency", "score", num(comp.Efficiency), "rechecks", c.Rechecks, "intime", c.RechecksInTime,
			"within", hours(s.RecheckWithin), "closed", c.ClosedInTime, "due", c.CasesDue),
		T("score.satisfaction", "score", num(comp.Satisfaction), "avg", avg, "ratings", c.Ratings, "complaints", c.ComplaintsUpheld),
		T("score.computed", "revision", a.Revision, "at", a.ComputedAt.In(loc).Format("2006-01-02 15:04"), "by", by(lang, a)),
	}
	return strings.Join(lines, "\n"), nil
}

// Adjusted is a card's total with the period's adjustments (an appeal
// corrected) and its grade band under the card's own bands.
func Adjusted(a store.Assessment) (float64, string, error) {
	total, grade, err := assessment.Adjusted(a.Total, a.Adjustment, a.Grade, a.Settings)
	if err != nil {
		return total, "", fmt.Errorf("scorecard %d: %w", a.ID, err)
	}
	return total, string(grade), nil
}

func by(lang i18n.Lang, a store.Assessment) string {
	if a.ComputedBy == "scheduler" && a.Reason == "" {
		return i18n.T(lang, "score.by_scheduler")
	}
	return i18n.T(lang, "score.by_person", "name", a.ComputedBy, "reason", a.Reason)
}

func num(x float64) string { return fmt.Sprintf("%.1f", x) }

// delta is an adjustment with its sign: +5.0, -2.5.
func delta(x float64) string { return fmt.Sprintf("%+.1f", x) }

func hours(d time.Duration) string { return fmt.Sprintf("%g", d.Hours()) }

// rankers are the roles that see a ranking; a role limited to a community
// sees that community's stewards.
var rankers = []model.Role{model.RoleCoordinator, model.RoleAssessor, model.RoleSupervisor, model.RoleAdmin}

// Ranking answers /scores [PERIOD]: the stewards of the reader's
// communities, best total first.
func Ranking(ctx context.Context, t *conversations.Turn) error {
	p, ok := period(t)
	if !ok {
		return nil
	}
	var communities []int64
	all := false
	for _, r := range t.Roles {
		for _, want := range rankers {
			if r.Role != want {
				continue
			}
			if r.CommunityID.Valid {
				communities = append(communities, r.CommunityID.Int64)
			} else {
				all = true
			}
		}
	}
	if all {
		communities = nil
	}
	as, err := t.Tx.Assessments(ctx, p.String(), communities)
	if err != nil {
		return err
	}
	if len(as) == 0 {
		t.Reply(t.T("scores.none", "period", p.String()))
		return nil
	}
	lines := []string{t.T("scores.header", "period", p.String(), "n", len(as))}
	for i, a := range as {
		community := a.CommunityName
		if community == "" {
			community = "—"
		}
		total, grade, err := Adjusted(a)
		if err != nil {
			return err
		}
		if a.Adjustment != 0 {
			lines = append(lines, t.T("scores.line.adjusted", "rank", i+1, "name", a.PersonName, "community", community,
				"total", num(total), "delta", delta(a.Adjustment), "grade", t.T("score.grade."+grade)))
			continue
		}
		lines = append(lines, t.T("scores.line", "rank", i+1, "name", a.PersonName, "community", community,
			"total", num(total), "grade", t.T("score.grade."+grade)))
	}
	t.Reply(strings.Join(lines, "\n"))
	return nil
}
