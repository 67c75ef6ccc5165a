package cases

import (
	"context"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// The steward's re-check (seed 三(五)): 通过 closes the case and asks the
// residents, with the before and after photos; 未整改到位 sends it back
// to the department with a reason (and a photo), and after
// cases.max_sendbacks of those the supervisors are told.

func recheckFlows() []*conversations.Flow {
	nd := func() any { return &CaseDraft{} }
	return []*conversations.Flow{
		{Name: "sendback", Title: "flow.sendback", Action: model.ActFail, NewData: nd, Steps: []conversations.Step{
			textStep("reason", "case.ask.sendback_reason", func(ctx context.Context, t *conversations.Turn) (string, error) { return "photo", nil }),
			photosStep("photo", "case.ask.check_photo", 0, func(ctx context.Context, t *conversations.Turn) (string, error) {
				return conversations.Done, doSendBack(ctx, t)
			}),
		}},
	}
}

// doPass closes the case (通过).
func doPass(ctx context.Context, t *conversations.Turn, c store.CaseView) error {
	if err := t.Tx.SetStatus(ctx, c.ID, model.Lifecycle[model.ActPass].To); err != nil {
		return err
	}
	if err := record(ctx, t, c, model.ActPass, "", nil); err != nil {
		return err
	}
	if _, err := event(ctx, t, c, model.EventClosed, "", nil, "", nil); err != nil {
		return err
	}
	t.Reply(t.T("case.closed.done", "number", c.Number))
	c, err := reload(ctx, t, c.ID)
	if err != nil {
		return err
	}
	// Residents are told, with the before and after photos and a question.
	photos, err := t.Tx.CasePhotos(ctx, c.ID)
	if err != nil {
		return err
	}
	var before, after *bot.Photo
	for _, p := range photos {
		if p.Kind == model.PhotoBefore && before == nil {
			if before, err = t.Photo(ctx, p); err != nil {
				return err
			}
		}
		if p.Kind == model.PhotoAfter && after == nil {
			if after, err = t.Photo(ctx, p); err != nil {
				return err
			}
		}
	}
	g := t.Deps.DefaultLang
	if before != nil {
		if err := t.ToGroups(ctx, model.ChatResident, audience.Scope{Community: c.CommunityID.Int64}, i18n.T(g, "notify.before", "number", c.Number), before); err != nil {
			return err
		}
	}
	rate := ratingButtons(c.ID)
	if err := t.ToGroups(ctx, model.ChatResident, audience.Scope{Community: c.CommunityID.Int64}, i18n.T(g, "notify.closed",
		"summary", CaseSummary(g, t.Deps.Location, c)), after, rate...); err != nil {
		return err
	}
	return tellFollowers(ctx, t, c, "notify.follower.closed")
}

// doSendBack returns the case to the department (未整改到位).
func doSendBack(ctx context.Context, t *conversations.Turn) error {
	c, ok, err := relock(ctx, t, model.ActFail)
	if err != nil || !ok {
		return err
	}
	d := cdraft(t)
	n, err := t.Tx.SendBack(ctx, c.ID)
	if err != nil {
		return err
	}
	// The fix clock stood still while the case waited for this re-check:
	// the department gets back the working time it had left when it said
	// fixed (none, if it was already late).
	if c.FixedAt.Valid && c.FixBy.Valid {
		cal := t.Deps.Calendar
		fixBy := cal.Add(t.Deps.Now(), cal.Between(c.FixedAt.Time, c.FixBy.Time))
		if !c.FixBy.Time.After(c.FixedAt.Time) {
			fixBy = c.FixBy.Time
		}
		if err := t.Tx.SetFixBy(ctx, c.ID, fixBy); err != nil {
			return err
		}
		c.FixBy.Time = fixBy
	}
	if _, err := event(ctx, t, c, model.Lifecycle[model.ActFail].Event, d.Text, map[string]any{"count": n}, model.PhotoCheck, d.Photos); err != nil {
		return err
	}
	t.Reply(t.T("case.sentback.done", "number", c.Number, "n", n))
	photo, err := t.PhotoByID(ctx, d.Photos)
	if err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	if err := t.ToGroups(ctx, model.ChatDepartment, audience.Scope{Department: c.DepartmentID.Int64}, i18n.T(g, "notify.sentback", "number", c.Number, "n", n,
		"reason", d.Text, "fix_by", t.When(c.FixBy.Time)), photo, deptButtons(c.ID)...); err != nil {
		return err
	}
	if n >= settings(t).MaxSendbacks && !c.Escalated {
		if err := t.Tx.SetEscalated(ctx, c.ID); err != nil {
			return err
		}
		if _, err := event(ctx, t, c, model.EventEscalated, t.T("event.escalated.note", "n", n), nil, "", nil); err != nil {
			return err
		}
		c, err = reload(ctx, t, c.ID)
		if err != nil {
			return err
		}
		return t.ToRole(ctx, model.RoleSupervisor, func(lang i18n.Lang) bot.Message {
			return bot.Message{Text: i18n.T(lang, "notify.escalated", "number", c.Number, "n", n, "department", c.DepartmentName,
				"summary", CaseSummary(lang, t.Deps.Location, c))}
		})
	}
	return nil
}

// ratingButtons are the residents' answer to a closing: ★1–5, 仍有问题.
func ratingButtons(caseID int64) []conversations.Button {
	var rate []conversations.Button
	for i := 1; i <= 5; i++ {
		rate = append(rate, conversations.Button{Symbols: strings.Repeat("★", i),
			Data: CaseAction{Action: model.ActRate, ID: caseID, Arg: strconv.Itoa(i)}.Data()})
	}
	return append(rate, button("button.still", model.ActStill, caseID))
}
