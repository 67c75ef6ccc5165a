package cases

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// The acceptance center's stage (seed 三(三)): 派单 to the suggested
// department at once, 改派 to a lead department and copies, 退回 to the
// steward with a reason (who may 补充后重新提交), 合并 into an open case.

func dispatchFlows() []*conversations.Flow {
	nd := func() any { return &CaseDraft{} }
	return []*conversations.Flow{
		{Name: "redirect", Title: "flow.redirect", Action: model.ActRedirect, NewData: nd, Steps: []conversations.Step{
			{Name: "lead", Accepts: conversations.Choice, Prompt: promptLead, Handle: handleLead},
			{Name: "copies", Accepts: conversations.Choice, Prompt: promptCopies, Handle: handleCopies},
		}},
		{Name: "return", Title: "flow.return", Action: model.ActReturn, NewData: nd, Steps: []conversations.Step{
			textStep("reason", "case.ask.return_reason", func(ctx context.Context, t *conversations.Turn) (string, error) {
				return conversations.Done, doReturn(ctx, t)
			}),
		}},
		{Name: "resubmit", Title: "flow.resubmit", Action: model.ActResubmit, NewData: nd, Steps: []conversations.Step{
			textStep("text", "case.ask.supplement", func(ctx context.Context, t *conversations.Turn) (string, error) {
				return conversations.Done, doResubmit(ctx, t)
			}),
		}},
		{Name: "merge", Title: "flow.merge", Action: model.ActMerge, NewData: nd, Steps: []conversations.Step{
			{Name: "target", Accepts: conversations.Text, Prompt: simplePrompt("case.ask.merge_target"), Handle: handleMergeTarget},
		}},
	}
}

// --- 派单, 改派 -------------------------------------------------------------

// doDispatch starts both clocks, from the lead category's limits, and
// tells the department (and the copied ones) and the followers.
func doDispatch(ctx context.Context, t *conversations.Turn, c store.CaseView, lead int64, copies []int64) error {
	cats, err := t.Tx.CaseCategories(ctx, c.ID)
	if err != nil {
		return err
	}
	if len(cats) == 0 {
		return store.ErrNotFound
	}
	// Several classes (seed 三(二)): the shortest clocks of them all, and
	// the other classes' departments get a copy (unless the center chose).
	verifyMin, fixMin := cats[0].VerifyWithinMinutes, cats[0].FixWithinMinutes
	auto := copies == nil
	for _, cat := range cats[1:] {
		verifyMin, fixMin = min(verifyMin, cat.VerifyWithinMinutes), min(fixMin, cat.FixWithinMinutes)
		if auto && cat.DepartmentID.Valid && cat.DepartmentID.Int64 != lead && !slices.Contains(copies, cat.DepartmentID.Int64) {
			copies = append(copies, cat.DepartmentID.Int64)
		}
	}
	cal, now := t.Deps.Calendar, t.Deps.Now()
	verifyBy := cal.Add(now, time.Duration(verifyMin)*time.Minute)
	fixBy := cal.Add(now, time.Duration(fixMin)*time.Minute)
	if err := t.Tx.Dispatch(ctx, c.ID, lead, copies, now, verifyBy, fixBy); err != nil {
		return err
	}
	dept, err := t.Tx.DepartmentByID(ctx, lead)
	if err != nil {
		return err
	}
	if err := record(ctx, t, c, model.ActDispatch, dept.Name, map[string]any{"department": lead, "copies": copies,
		"verify_by": verifyBy, "fix_by": fixBy}); err != nil {
		return err
	}
	c, err = reload(ctx, t, c.ID)
	if err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	t.Reply(t.T("case.dispatched", "number", c.Number, "department", dept.Name, "verify_by", t.When(verifyBy), "fix_by", t.When(fixBy)))
	if err := t.ToGroups(ctx, model.ChatDepartment, audience.Scope{Department: lead}, i18n.T(g, "notify.dispatched",
		"summary", CaseSummary(g, t.Deps.Location, c), "verify_by", t.When(verifyBy), "fix_by", t.When(fixBy)), nil,
		button("button.verify", model.ActVerify, c.ID), button("button.notours", model.ActNotOurs, c.ID)); err != nil {
		return err
	}
	for _, d := range copies {
		if d != lead {
			if err := t.ToGroups(ctx, model.ChatDepartment, audience.Scope{Department: d}, i18n.T(g, "notify.copied", "number", c.Number,
				"department", dept.Name, "summary", CaseSummary(g, t.Deps.Location, c)), nil); err != nil {
				return err
			}
		}
	}
	// Residents: who will fix it, and by when (三(四)3).
	if err := t.ToGroups(ctx, model.ChatResident, audience.Scope{Community: c.CommunityID.Int64}, i18n.T(g, "notify.residents.dispatched",
		"number", c.Number, "alley", c.AlleyName, "department", dept.Name, "fix_by", t.When(fixBy)), nil); err != nil {
		return err
	}
	return tellFollowers(ctx, t, c, "notify.follower.dispatched", "department", dept.Name, "verify_by", t.When(verifyBy))
}

func promptLead(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	ds, err := t.Tx.Departments(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	n, err := caseNumber(ctx, t)
	if err != nil {
		return conversations.Prompt{}, err
	}
	p := conversations.Prompt{Text: t.T("case.ask.lead", "number", n)}
	for _, d := range ds {
		p.Options = append(p.Options, conversations.Option{Label: d.Name, Value: strconv.FormatInt(d.ID, 10)})
	}
	return p, nil
}

func handleLead(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	id, _, ok, err := conversations.Chosen(ctx, t, in.Choice, t.Tx.DepartmentByID)
	if !ok {
		return conversations.Stay, err
	}
	if refused, err := propertyRefused(ctx, t, id); refused || err != nil {
		return conversations.Stay, err
	}
	cdraft(t).Lead = id
	return "copies", nil
}

func promptCopies(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	ds, err := t.Tx.Departments(ctx)
	if err != nil {
		return conversations.Prompt{}, err
	}
	d := cdraft(t)
	p := conversations.Prompt{Text: t.T("case.ask.copies")}
	for _, dep := range ds {
		if dep.ID == d.Lead {
			continue
		}
		label := dep.Name
		if slices.Contains(d.Copies, dep.ID) {
			label = "✓ " + label
		}
		p.Options = append(p.Options, conversations.Option{Label: label, Value: strconv.FormatInt(dep.ID, 10)})
	}
	p.Options = append(p.Options, conversations.Option{Label: t.T("button.done"), Value: "done"})
	return p, nil
}

func handleCopies(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := cdraft(t)
	if in.Choice == "done" {
		c, ok, err := relock(ctx, t, model.ActRedirect)
		if err != nil || !ok {
			return conversations.Done, err
		}
		return conversations.Done, doDispatch(ctx, t, c, d.Lead, d.Copies)
	}
	id, _ := strconv.ParseInt(in.Choice, 10, 64)
	if i := slices.Index(d.Copies, id); i >= 0 {
		d.Copies = slices.Delete(d.Copies, i, i+1)
	} else if id != 0 && id != d.Lead {
		d.Copies = append(d.Copies, id)
	}
	return conversations.Stay, nil
}

// --- 退回, 补充, 合并 ---------------------------------------------------------

func doReturn(ctx context.Context, t *conversations.Turn) error {
	c, ok, err := relock(ctx, t, model.ActReturn)
	if err != nil || !ok {
		return err
	}
	reason := cdraft(t).Text
	if err := t.Tx.SetStatus(ctx, c.ID, model.Lifecycle[model.ActReturn].To); err != nil {
		return err
	}
	if err := record(ctx, t, c, model.ActReturn, reason, nil); err != nil {
		return err
	}
	t.Reply(t.T("case.returned.done", "number", c.Number))
	if c.ReporterID.Valid {
		return t.ToPerson(ctx, c.ReporterID.Int64, "case.returned.reporter", []any{"number", c.Number, "reason", reason}, nil,
			button("button.resubmit", model.ActResubmit, c.ID))
	}
	return nil
}

func doResubmit(ctx context.Context, t *conversations.Turn) error {
	c, ok, err := relock(ctx, t, model.ActResubmit)
	if err != nil || !ok {
		return err
	}
	text := cdraft(t).Text
	if err := t.Tx.AppendDescription(ctx, c.ID, text); err != nil {
		return err
	}
	if err := t.Tx.SetStatus(ctx, c.ID, model.Lifecycle[model.ActResubmit].To); err != nil {
		return err
	}
	if err := record(ctx, t, c, model.ActResubmit, text, nil); err != nil {
		return err
	}
	t.Reply(t.T("case.resubmitted", "number", c.Number))
	c, err = reload(ctx, t, c.ID)
	if err != nil {
		return err
	}
	return CenterCard(ctx, t, c, "notify.center.resubmitted")
}

var caseNumberRe = regexp.MustCompile(`\d{4}-\d{6}`)

// handleMergeTarget merges the case into the one whose number was typed;
// the steward follows that case instead.
func handleMergeTarget(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	number := caseNumberRe.FindString(in.Text)
	if number == "" {
		t.Reply(t.T("case.usage"))
		return conversations.Stay, nil
	}
	c, ok, err := relock(ctx, t, model.ActMerge)
	if err != nil || !ok {
		return conversations.Done, err
	}
	if stay, err := mergeInto(ctx, t, c, number); stay || err != nil {
		return conversations.Stay, err
	}
	return conversations.Done, nil
}

// mergeInto merges locked case c into the open case number; stay is true
// when that is not a case it can go into (told).
func mergeInto(ctx context.Context, t *conversations.Turn, c store.CaseView, number string) (bool, error) {
	target, err := t.Tx.CaseByNumber(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("case.not_found", "number", number))
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if target.ID == c.ID || target.ClosedAt.Valid {
		t.Reply(t.T("case.merge.bad_target", "number", number, "status", statusName(t.Lang, target.Status)))
		return true, nil
	}
	if err := t.Tx.SetMerged(ctx, c.ID, target.ID); err != nil {
		return false, err
	}
	if err := record(ctx, t, c, model.ActMerge, target.Number, map[string]any{"into": target.ID}); err != nil {
		return false, err
	}
	if _, err := t.Tx.AddCaseEvent(ctx, target.ID, t.Person.ID, model.EventDuplicateMerged, c.Number, nil); err != nil {
		return false, err
	}
	if c.ReporterID.Valid {
		if err := t.Tx.Subscribe(ctx, target.ID, c.ReporterID.Int64); err != nil {
			return false, err
		}
		if err := t.ToPerson(ctx, c.ReporterID.Int64, "case.merged.reporter", []any{"number", c.Number, "target", target.Number}, nil); err != nil {
			return false, err
		}
	}
	t.Reply(t.T("case.merged.done", "number", c.Number, "target", target.Number))
	return false, nil
}
