package cases

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// The department's stage while the fix clock runs (seed 三(四)): 报告进展
// with text and photos (the residents and the followers hear it), 申请延期
// (the center 批准 or 拒绝), and 已整改 with after-photos, which stops the
// clock and asks the steward to re-check.

func fixFlows() []*conversations.Flow {
	nd := func() any { return &CaseDraft{} }
	return []*conversations.Flow{
		{Name: "progress", Title: "flow.progress", Action: model.ActProgress, NewData: nd, Steps: []conversations.Step{
			textStep("text", "case.ask.progress", func(ctx context.Context, t *conversations.Turn) (string, error) { return "photos", nil }),
			photosStep("photos", "case.ask.progress_photos", 0, func(ctx context.Context, t *conversations.Turn) (string, error) {
				return conversations.Done, doProgress(ctx, t)
			}),
		}},
		{Name: "extend", Title: "flow.extend", Action: model.ActExtend, NewData: nd, Steps: []conversations.Step{
			{Name: "date", Accepts: conversations.Text, Prompt: promptExtendDate, Handle: handleExtendDate},
			dateOrReason(textStep("reason", "case.ask.extend_reason", func(ctx context.Context, t *conversations.Turn) (string, error) {
				return conversations.Done, doExtend(ctx, t)
			}),
				handleExtendDate),
		}},
		{Name: "fixed", Title: "flow.fixed", Action: model.ActFixed, NewData: nd, Steps: []conversations.Step{
			photosStep("photos", "case.ask.after_photos", 1, func(ctx context.Context, t *conversations.Turn) (string, error) { return "note", nil }),
			{Name: "note", Accepts: conversations.Text | conversations.Choice, Prompt: promptSkippable("case.ask.fixed_note"), Handle: func(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
				if in.Kind == conversations.Text {
					text := strings.TrimSpace(in.Text)
					if n := utf8.RuneCountInString(text); n > conversations.MaxReason {
						t.Reply(t.T("case.text_long", "n", n, "max", conversations.MaxReason))
						return conversations.Stay, nil
					}
					if conversations.Visible(text) > 0 {
						cdraft(t).Text = text
					}
				}
				return conversations.Done, doFixed(ctx, t)
			}},
		}},
	}
}

// --- 进展 -----------------------------------------------------------------

func doProgress(ctx context.Context, t *conversations.Turn) error {
	c, ok, err := relock(ctx, t, model.ActProgress)
	if err != nil || !ok {
		return err
	}
	d := cdraft(t)
	if _, err := event(ctx, t, c, model.Lifecycle[model.ActProgress].Event, d.Text, map[string]any{"photos": len(d.Photos)}, model.PhotoProgress, d.Photos); err != nil {
		return err
	}
	t.Reply(t.T("case.progress.done", "number", c.Number))
	photo, err := t.PhotoByID(ctx, d.Photos)
	if err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	text := i18n.T(g, "notify.progress", "number", c.Number, "department", c.DepartmentName, "alley", c.AlleyName, "text", d.Text)
	if err := t.ToGroups(ctx, model.ChatResident, audience.Scope{Community: c.CommunityID.Int64}, text, photo); err != nil {
		return err
	}
	return tellFollowers(ctx, t, c, "notify.follower.progress", "text", d.Text)
}

// --- 延期 -----------------------------------------------------------------

func promptExtendDate(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	dl, err := t.Tx.CaseDeadlines(ctx, cdraft(t).CaseID)
	if err != nil {
		return conversations.Prompt{}, err
	}
	n, err := caseNumber(ctx, t)
	return conversations.Prompt{Text: t.T("case.ask.extend_date", "number", n, "fix_by", t.When(dl.FixBy), "example", t.ExampleDay(dl.FixBy))}, err
}

func handleExtendDate(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	dl, err := t.Tx.CaseDeadlines(ctx, cdraft(t).CaseID)
	if err != nil {
		return "", err
	}
	end, ok := t.Deadline(in.Text)
	if !ok {
		t.Reply(t.T("case.date.bad_extend", "fix_by", t.When(dl.FixBy), "example", t.ExampleDay(dl.FixBy)))
		return conversations.Stay, nil
	}
	if !end.After(dl.FixBy) {
		t.Reply(t.T("case.date.not_later", "fix_by", t.When(dl.FixBy)))
		return conversations.Stay, nil
	}
	cdraft(t).Date = end
	return "reason", nil
}

func doExtend(ctx context.Context, t *conversations.Turn) error {
	c, ok, err := relock(ctx, t, model.ActExtend)
	if err != nil || !ok {
		return err
	}
	d := cdraft(t)
	extID, err := t.Tx.RequestExtension(ctx, c.ID, t.Person.ID, d.Date, d.Text)
	if errors.Is(err, store.ErrPendingExtension) {
		t.Reply(t.T("case.extend.pending", "number", c.Number))
		return nil
	}
	if err != nil {
		return err
	}
	if err := record(ctx, t, c, model.ActExtend, d.Text, map[string]any{"until": d.Date}); err != nil {
		return err
	}
	t.Reply(t.T("case.extend.requested", "number", c.Number, "until", t.When(d.Date)))
	g := t.Deps.DefaultLang
	return t.ToGroups(ctx, model.ChatCoordinators, audience.Scope{}, i18n.T(g, "notify.extension", "number", c.Number, "department", c.DepartmentName,
		"fix_by", t.When(c.FixBy.Time), "until", t.When(d.Date), "reason", d.Text), nil,
		button("button.approve", model.ActApprove, extID),
		button("button.refuse", model.ActRefuse, extID))
}

// decideExtension is the center's 批准 / 拒绝 of a request (a.ID is the
// request's); an approval moves the fix clock.
func decideExtension(ctx context.Context, t *conversations.Turn, a CaseAction) error {
	ext, err := t.Tx.LockExtension(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("case.extend.unknown"))
		return nil
	}
	if err != nil {
		return err
	}
	c, ok, err := lockFor(ctx, t, ext.CaseID, a.Action)
	if err != nil || !ok {
		return err
	}
	if ext.Status != model.ExtensionPending {
		t.Reply(t.T("case.extend.decided", "number", c.Number, "status", t.T("extension."+string(ext.Status))))
		return nil
	}
	status := model.ExtensionApproved
	if a.Action == model.ActRefuse {
		status = model.ExtensionRefused
	}
	if err := t.Tx.DecideExtension(ctx, ext.ID, status, t.Person.ID); err != nil {
		return err
	}
	if status == model.ExtensionApproved {
		if err := t.Tx.SetFixBy(ctx, c.ID, ext.Until); err != nil {
			return err
		}
	}
	if err := record(ctx, t, c, a.Action, t.When(ext.Until), map[string]any{"until": ext.Until}); err != nil {
		return err
	}
	t.Reply(t.T("case.extend."+string(status), "number", c.Number, "until", t.When(ext.Until)))
	g := t.Deps.DefaultLang
	// The department is asked to go on: the notice carries its buttons.
	return t.ToGroups(ctx, model.ChatDepartment, audience.Scope{Department: c.DepartmentID.Int64}, i18n.T(g, "notify.extension."+string(status), "number", c.Number,
		"until", t.When(ext.Until), "fix_by", t.When(c.FixBy.Time)), nil, deptButtons(c.ID)...)
}

// --- 已整改 ----------------------------------------------------------------

func doFixed(ctx context.Context, t *conversations.Turn) error {
	c, ok, err := relock(ctx, t, model.ActFixed)
	if err != nil || !ok {
		return err
	}
	d := cdraft(t)
	if err := t.Tx.SetFixed(ctx, c.ID, t.Deps.Now()); err != nil {
		return err
	}
	if _, err := event(ctx, t, c, model.Lifecycle[model.ActFixed].Event, d.Text, map[string]any{"photos": len(d.Photos)}, model.PhotoAfter, d.Photos); err != nil {
		return err
	}
	t.Reply(t.T("case.fixed.done", "number", c.Number))
	photo, err := t.PhotoByID(ctx, d.Photos)
	if err != nil {
		return err
	}
	buttons := []conversations.Button{button("button.pass", model.ActPass, c.ID), button("button.fail", model.ActFail, c.ID)}
	args := []any{"number", c.Number, "department", c.DepartmentName, "alley", c.AlleyName, "note", d.Text}
	if c.ReporterID.Valid {
		ok, err := t.Audience().Reachable(ctx, c.ReporterID.Int64)
		if err != nil {
			return err
		}
		if ok {
			return t.ToPerson(ctx, c.ReporterID.Int64, "case.recheck", args, photo, buttons...)
		}
	}
	// The reporter cannot be reached (deactivated, or never bound): the
	// stewards of that alley re-check instead.
	stewards, err := t.Tx.StewardsOfAlley(ctx, c.AlleyID.Int64)
	if err != nil {
		return err
	}
	for _, p := range stewards {
		if err := t.ToPerson(ctx, p.ID, "case.recheck", args, photo, buttons...); err != nil {
			return err
		}
	}
	return nil
}
