package cases

import (
	"context"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
)

// The department's stage on site (seed 三(四)): 已核实 with a plan, fix now
// (the category's time) or by a date (up to the category's limit; later
// needs a reason), or 非本部门职责 back to the center with a reason.

func verifyFlows() []*conversations.Flow {
	nd := func() any { return &CaseDraft{} }
	return []*conversations.Flow{
		{Name: "verify", Title: "flow.verify", Action: model.ActVerify, NewData: nd, Steps: []conversations.Step{
			{Name: "plan", Accepts: conversations.Choice, Prompt: promptPlan, Handle: handlePlan},
			{Name: "date", Accepts: conversations.Text, Prompt: promptDate, Handle: handleVerifyDate},
			dateOrReason(textStep("reason", "case.ask.beyond_reason", func(ctx context.Context, t *conversations.Turn) (string, error) {
				return "plan_text", nil
			}),
				handleVerifyDate),
			planTextStep(),
		}},
		{Name: "notours", Title: "flow.notours", Action: model.ActNotOurs, NewData: nd, Steps: []conversations.Step{
			textStep("reason", "case.ask.notours_reason", func(ctx context.Context, t *conversations.Turn) (string, error) {
				return conversations.Done, doNotOurs(ctx, t)
			}),
		}},
	}
}

func promptPlan(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	n, err := caseNumber(ctx, t)
	return conversations.Prompt{Text: t.T("case.ask.plan", "number", n), Options: []conversations.Option{
		{Label: t.T("button.plan_now"), Value: string(model.PlanNow)},
		{Label: t.T("button.plan_by_date"), Value: string(model.PlanByDate)},
	}}, err
}

func handlePlan(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := cdraft(t)
	switch model.Plan(in.Choice) {
	case model.PlanNow:
		d.Plan = model.PlanNow
		return conversations.Done, doVerify(ctx, t)
	case model.PlanByDate:
		d.Plan = model.PlanByDate
		return "date", nil
	}
	t.Reply(t.T("flow.hint.choice"))
	return conversations.Stay, nil
}

// dateRange is the span a department may promise: today to the category limit.
func dateRange(ctx context.Context, t *conversations.Turn) (time.Time, time.Time, error) {
	dl, err := t.Tx.CaseDeadlines(ctx, cdraft(t).CaseID)
	return t.Deps.Now(), dl.FixLimit, err
}

func promptDate(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	from, to, err := dateRange(ctx, t)
	if err != nil {
		return conversations.Prompt{}, err
	}
	return conversations.Prompt{Text: t.T("case.ask.date", "example", exampleInRange(t, from, to), "from", t.Day(from), "to", t.Day(to))}, nil
}

// exampleInRange is the example day of the date step: tomorrow, or the
// limit when that is sooner (never a day that has passed).
func exampleInRange(t *conversations.Turn, from, to time.Time) string {
	if ex := from.AddDate(0, 0, 1); !ex.After(t.Deps.Calendar.EndOfDay(to)) {
		return t.Day(ex)
	}
	return t.Day(to)
}

func handleVerifyDate(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	from, to, err := dateRange(ctx, t)
	if err != nil {
		return "", err
	}
	end, ok := t.Deadline(in.Text)
	if !ok {
		t.Reply(t.T("case.date.bad", "example", exampleInRange(t, from, to), "from", t.Day(from), "to", t.Day(to)))
		return conversations.Stay, nil
	}
	if end.Before(from) {
		t.Reply(t.T("case.date.past", "from", t.Day(from), "to", t.Day(to)))
		return conversations.Stay, nil
	}
	d := cdraft(t)
	d.Date = end
	if end.After(t.Deps.Calendar.EndOfDay(to)) {
		t.Reply(t.T("case.date.beyond", "to", t.Day(to)))
		return "reason", nil
	}
	return "plan_text", nil
}

// dateOrReason is a reason step after a date step: a date typed there is a
// correction of the date (12-30 asked for a reason; 12-08 is what was
// meant), handled as the date step would; anything else is the reason.
func dateOrReason(reason conversations.Step, date func(context.Context, *conversations.Turn, conversations.Input) (string, error)) conversations.Step {
	text := reason.Handle
	reason.Handle = func(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
		if _, ok := t.Deadline(in.Text); !ok {
			return text(ctx, t, in)
		}
		said := len(t.Out)
		next, err := date(ctx, t, in)
		switch {
		case err != nil:
			return "", err
		case next == conversations.Stay: // a day it refuses: ask for the date again
			t.Rewind("date")
		case next == reason.Name: // still needs a reason: for the new date, said first
			t.Reply(t.T("case.date.changed", "date", t.When(cdraft(t).Date)))
			changed := t.Out[len(t.Out)-1]
			copy(t.Out[said+1:], t.Out[said:len(t.Out)-1])
			t.Out[said] = changed
		}
		return next, nil
	}
	return reason
}

// doVerify stops the verify clock and sets the fix clock by the plan.
func doVerify(ctx context.Context, t *conversations.Turn) error {
	c, ok, err := relock(ctx, t, model.ActVerify)
	if err != nil || !ok {
		return err
	}
	d := cdraft(t)
	fixBy := c.FixBy.Time
	switch {
	case d.Plan == model.PlanByDate:
		fixBy = d.Date
	case d.Plan == model.PlanNow && settings(t).ImmediateFix > 0:
		// 立即整改 is a short clock (cases.immediate_fix of working time),
		// unless the category's own is shorter still.
		if soon := t.Deps.Calendar.Add(t.Deps.Now(), settings(t).ImmediateFix); !c.FixBy.Valid || soon.Before(fixBy) {
			fixBy = soon
		}
	}
	if err := t.Tx.SetVerified(ctx, c.ID, d.Plan, t.Deps.Now(), fixBy); err != nil {
		return err
	}
	if err := t.Tx.SetPlanText(ctx, c.ID, d.PlanText); err != nil {
		return err
	}
	note := t.T("plan."+string(d.Plan), "date", t.When(fixBy))
	if d.Text != "" {
		note += "(" + d.Text + ")"
	}
	if d.PlanText != "" {
		note += t.T("plan.text_note", "text", d.PlanText)
	}
	if err := record(ctx, t, c, model.ActVerify, note, map[string]any{"plan": d.Plan, "fix_by": fixBy, "reason": d.Text, "plan_text": d.PlanText}); err != nil {
		return err
	}
	// The messages below say the deadline themselves: the plan is named
	// without it (not 限期整改,12-01 前完成。整改时限 12-01).
	plan := "plan." + string(d.Plan)
	if d.Plan == model.PlanByDate {
		plan = "plan.by_date.short"
	}
	g := t.Deps.DefaultLang
	t.Reply(t.T("case.verified.done", "number", c.Number, "fix_by", t.When(fixBy)))
	if err := t.ToGroups(ctx, model.ChatDepartment, audience.Scope{Department: c.DepartmentID.Int64}, i18n.T(g, "notify.verified",
		"number", c.Number, "plan", i18n.T(g, plan), "fix_by", t.When(fixBy)), nil,
		deptButtons(c.ID)...); err != nil {
		return err
	}
	told := t.T(plan)
	if d.Text != "" {
		told += "(" + d.Text + ")"
	}
	if d.PlanText != "" {
		told += t.T("plan.text_note", "text", d.PlanText)
	}
	return tellFollowers(ctx, t, c, "notify.follower.verified", "plan", told, "fix_by", t.When(fixBy))
}

// doNotOurs hands the case back to the center, without a department.
func doNotOurs(ctx context.Context, t *conversations.Turn) error {
	c, ok, err := relock(ctx, t, model.ActNotOurs)
	if err != nil || !ok {
		return err
	}
	reason := cdraft(t).Text
	if err := t.Tx.SetStatus(ctx, c.ID, model.Lifecycle[model.ActNotOurs].To); err != nil {
		return err
	}
	// The center should not be offered 派单 straight back to the department
	// that refused it: it chooses another (改派).
	if err := t.Tx.ClearDepartment(ctx, c.ID); err != nil {
		return err
	}
	if err := record(ctx, t, c, model.ActNotOurs, reason, map[string]any{"department": c.DepartmentID.Int64}); err != nil {
		return err
	}
	t.Reply(t.T("case.notours.done", "number", c.Number))
	c, err = reload(ctx, t, c.ID)
	if err != nil {
		return err
	}
	return CenterCard(ctx, t, c, "notify.center.notours")
}
