package handlers

import (
	"context"
	"slices"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// A case card's buttons keep working while the card is current: pressed,
// or typed by their label (已整改, 派单给交道口街道环卫所) or the action's
// name (派单) in a private chat, in a flow or after one, as people do on
// WeCom's app chat and on the console. /back from the first step of a
// flow begun on a card returns to that card.

// back goes a step back; from the first step of a flow begun on a case
// card it shows that card again, with the buttons the person may press.
func (r *Router) back(ctx context.Context, t *conversations.Turn) error {
	id, err := r.flows.Back(ctx, t)
	if err != nil || id == 0 {
		return err
	}
	cv, err := t.Tx.CaseByID(ctx, id)
	if err != nil {
		return err
	}
	here, err := countsHere(ctx, t)
	if err != nil {
		return err
	}
	t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle,
		Text: cases.CaseSummary(t.Lang, r.flows.Deps().Location, cv), Buttons: r.allowed(t, cv, here)})
	return nil
}

// typedLabel acts on a case button typed in a private chat. The case is
// the running flow's, if its card offers the button; else the one case in
// the person's reach whose card offers it, or of several the one the
// person last acted on; else the person is shown those cases to choose.
// done is false for text that names no case button (it is handled as
// text).
func (r *Router) typedLabel(ctx context.Context, t *conversations.Turn, text string) (bool, error) {
	if t.Update.ChatKind != bot.Private {
		return false, nil // a group's talk is not for the bot
	}
	action, ok := cases.TypedAction(text)
	if !ok {
		return false, nil
	}
	what := buttonKey(action)
	if !may(what, roleCodes(t.Roles)) {
		if suspended, err := r.suspendedFrom(ctx, t, what, t.T("action."+string(action))); suspended || err != nil {
			return true, err
		}
		t.Reply(t.T("action.forbidden", "action", t.T("action."+string(action)), "roles", r.roleList(t.Lang, whoMay(what))))
		return true, nil
	}
	if id := t.FlowCase(); id != 0 {
		cv, err := t.Tx.CaseByID(ctx, id)
		if err != nil {
			return false, err
		}
		if a, ok := cases.CardAction(cv, text); ok {
			return true, cases.Act(ctx, r.flows, t, a)
		}
	}
	cs, err := r.reach(ctx, t, action)
	if err != nil {
		return false, err
	}
	var found []store.CaseView
	var acts []cases.CaseAction
	for _, cv := range cs {
		if a, ok := cases.CardAction(cv, text); ok {
			found, acts = append(found, cv), append(acts, a)
		}
	}
	switch len(found) {
	case 0:
		t.Reply(t.T("label.no_case", "action", t.T("action."+string(action))))
		return true, nil
	case 1:
		return true, cases.Act(ctx, r.flows, t, acts[0])
	}
	ids := make([]int64, len(found))
	for i, cv := range found {
		ids[i] = cv.ID
	}
	last, err := t.Tx.LastActedOn(ctx, t.Person.ID, ids)
	if err != nil {
		return false, err
	}
	if i := slices.Index(ids, last); i >= 0 {
		return true, cases.Act(ctx, r.flows, t, acts[i])
	}
	return true, r.listCases(ctx, t, t.T("label.which_case", "action", t.T("action."+string(action)), "n", len(found)), found, len(found))
}

// reach is the open cases whose card would offer the person action: the
// center's new cases, a department's own, a steward's re-checks and
// returned reports.
func (r *Router) reach(ctx context.Context, t *conversations.Turn, action model.Action) ([]store.CaseView, error) {
	status := map[model.Action]model.Status{model.ActDispatch: model.StatusSubmitted, model.ActRedirect: model.StatusSubmitted,
		model.ActReturn: model.StatusSubmitted, model.ActMerge: model.StatusSubmitted, model.ActVerify: model.StatusDispatched,
		model.ActNotOurs: model.StatusDispatched, model.ActProgress: model.StatusVerified, model.ActExtend: model.StatusVerified,
		model.ActFixed: model.StatusVerified, model.ActPass: model.StatusFixed, model.ActFail: model.StatusFixed,
		model.ActResubmit: model.StatusReturned}[action]
	q := store.CaseQuery{Statuses: []model.Status{status}}
	admin := t.HasRole(model.RoleAdmin)
	switch {
	case admin || status == model.StatusSubmitted:
		return t.Tx.FindCases(ctx, q)
	case status == model.StatusDispatched || status == model.StatusVerified:
		var out []store.CaseView
		for _, role := range t.Roles {
			if role.Role != model.RoleDepartment || !role.DepartmentID.Valid {
				continue
			}
			q.DepartmentID = role.DepartmentID.Int64
			cs, err := t.Tx.FindCases(ctx, q)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
		return out, nil
	}
	cs, err := t.Tx.FindCases(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []store.CaseView
	for _, cv := range cs { // a re-check: the reporter, or a steward of that alley; a supplement: the reporter
		mine := cv.ReporterID.Valid && cv.ReporterID.Int64 == t.Person.ID
		if !mine && status == model.StatusFixed && cv.AlleyID.Valid {
			if mine, err = t.Tx.PatrolsAlley(ctx, t.Person.ID, cv.AlleyID.Int64); err != nil {
				return nil, err
			}
		}
		if mine {
			out = append(out, cv)
		}
	}
	return out, nil
}
