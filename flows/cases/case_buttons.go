package cases

import (
	"context"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// The button protocol of a case card. A card's buttons are not tied to a
// step of anybody's flow: their data is "c:<action>:<id>[:<arg>]", and
// whoever may press them does (the role is checked by the handlers, the
// state and the scope by the action).

// Actions lists every case action that has a button (for the permission
// table and its test).
var Actions = []model.Action{model.ActDispatch, model.ActRedirect, model.ActReturn, model.ActMerge, model.ActVerify,
	model.ActNotOurs, model.ActProgress, model.ActExtend, model.ActFixed, model.ActPass, model.ActFail, model.ActResubmit,
	model.ActApprove, model.ActRefuse, model.ActRate, model.ActStill}

// CaseAction is a parsed case button.
type CaseAction struct {
	Action model.Action
	ID     int64 // the case's (an extension request's for 批准/拒绝)
	Arg    string
}

// Data is the button data of the action.
func (a CaseAction) Data() string {
	d := "c:" + string(a.Action) + ":" + strconv.FormatInt(a.ID, 10)
	if a.Arg != "" {
		d += ":" + a.Arg
	}
	return d
}

// ParseCaseAction reads a case button's data.
func ParseCaseAction(data string) (CaseAction, bool) {
	parts := strings.SplitN(data, ":", 4)
	if len(parts) < 3 || parts[0] != "c" {
		return CaseAction{}, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return CaseAction{}, false
	}
	a := CaseAction{Action: model.Action(parts[1]), ID: id}
	if !isAction(a.Action) {
		return CaseAction{}, false
	}
	if len(parts) == 4 {
		a.Arg = parts[3]
	}
	return a, true
}

func isAction(a model.Action) bool {
	for _, x := range Actions {
		if x == a {
			return true
		}
	}
	return false
}

func button(key string, action model.Action, id int64, args ...any) conversations.Button {
	return conversations.Button{Key: key, Args: args, Data: CaseAction{Action: action, ID: id}.Data()}
}

// CardButtons are a case's buttons for its state, as its cards carry them
// (the reader's role is the caller's to filter: /queue, /dept, /case show
// a reader only what they may press).
func CardButtons(lang i18n.Lang, c store.CaseView) []bot.Button {
	var bs []conversations.Button
	switch c.Status {
	case model.StatusSubmitted:
		if c.DepartmentID.Valid {
			bs = append(bs, button("button.dispatch_to", model.ActDispatch, c.ID, "department", c.DepartmentName))
		}
		bs = append(bs, button("button.redirect", model.ActRedirect, c.ID), button("button.return", model.ActReturn, c.ID),
			button("button.merge", model.ActMerge, c.ID))
	case model.StatusDispatched:
		bs = append(bs, button("button.verify", model.ActVerify, c.ID), button("button.notours", model.ActNotOurs, c.ID))
	case model.StatusVerified:
		bs = deptButtons(c.ID)
	case model.StatusFixed:
		bs = append(bs, button("button.pass", model.ActPass, c.ID), button("button.fail", model.ActFail, c.ID))
	case model.StatusReturned:
		bs = append(bs, button("button.resubmit", model.ActResubmit, c.ID))
	}
	bs = append(bs, urgeButton(c)...)
	var out []bot.Button
	for _, row := range conversations.Render(lang, bs) {
		out = append(out, row...)
	}
	return out
}

// typedActions are the case actions whose card buttons may be typed by
// their label (WeCom's app chat, the console, anyone who types what they
// read). 批准 / 拒绝 and the ratings act on a request or a closing, not on
// a card a person holds, and are pressed only.
var typedActions = []model.Action{model.ActDispatch, model.ActRedirect, model.ActReturn, model.ActMerge, model.ActVerify,
	model.ActNotOurs, model.ActProgress, model.ActExtend, model.ActFixed, model.ActPass, model.ActFail, model.ActResubmit}

var typedLabels = map[model.Action]string{model.ActDispatch: "button.dispatch_to", model.ActRedirect: "button.redirect",
	model.ActReturn: "button.return", model.ActMerge: "button.merge", model.ActVerify: "button.verify",
	model.ActNotOurs: "button.notours", model.ActProgress: "button.progress", model.ActExtend: "button.extend",
	model.ActFixed: "button.fixed", model.ActPass: "button.pass", model.ActFail: "button.fail", model.ActResubmit: "button.resubmit"}

// TypedAction is the case action text names, in either language: a card
// button's label (已整改; 派单给 and a department) or the action's name
// (派单, 复核通过). Which case it is for is the caller's to find.
func TypedAction(text string) (model.Action, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", false
	}
	for _, a := range typedActions {
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			label := i18n.T(lang, typedLabels[a], "department", "\x00")
			before, after, param := strings.Cut(label, "\x00")
			switch {
			case strings.EqualFold(text, i18n.T(lang, "action."+string(a))), !param && strings.EqualFold(text, label),
				param && len(text) > len(before)+len(after) && hasPrefixFold(text, before) && hasSuffixFold(text, after):
				return a, true
			}
		}
	}
	return "", false
}

func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }
func hasSuffixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[len(s)-len(p):], p)
}

// CardAction is the button of case cv's card that text presses: its label
// in either language, or the action's name, while the card offers it.
func CardAction(cv store.CaseView, text string) (CaseAction, bool) {
	text = strings.TrimSpace(text)
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		for _, b := range CardButtons(lang, cv) {
			a, ok := ParseCaseAction(b.Data)
			if ok && (strings.EqualFold(b.Label, text) || strings.EqualFold(i18n.T(lang, "action."+string(a.Action)), text)) {
				return a, true
			}
		}
	}
	return CaseAction{}, false
}

// cardHome is where the cards carrying an action's button are sent: the
// center's group (派单, 退回, 批准 …), the case's department's group (已核实,
// 已整改 …), or "" for a person's private chat alone (复核, 补充). The
// residents' buttons (★, 仍有问题) have their own rule, ratesHere.
var cardHome = map[model.Action]model.ChatKind{
	model.ActDispatch: model.ChatCoordinators, model.ActRedirect: model.ChatCoordinators,
	model.ActReturn: model.ChatCoordinators, model.ActMerge: model.ChatCoordinators,
	model.ActApprove: model.ChatCoordinators, model.ActRefuse: model.ChatCoordinators,
	model.ActVerify: model.ChatDepartment, model.ActNotOurs: model.ChatDepartment,
	model.ActProgress: model.ChatDepartment, model.ActExtend: model.ChatDepartment,
	model.ActFixed: model.ChatDepartment,
}

// CountsIn reports whether a case action's button counts in a group of
// kind (of department dept, for a department's group): only in the kind of
// group its cards are sent to. In a private chat every button counts.
func CountsIn(action model.Action, kind model.ChatKind, dept, caseDept int64) bool {
	home, ok := cardHome[action]
	if !ok || home != kind {
		return false
	}
	return kind != model.ChatDepartment || dept == 0 || caseDept == 0 || dept == caseDept
}

// pressedHere checks that a case button counts in the chat it was pressed
// in: the presser's private chat, or a roster group of the kind its card is
// sent to (the center's group; the case's department's group). A card's
// button pressed anywhere else (a residents' group, the exchange group, a
// group the roster does not know, a forged callback) changes nothing and
// says nothing there: the presser is told privately where it counts.
func pressedHere(ctx context.Context, t *conversations.Turn, c store.CaseView, action model.Action) (bool, error) {
	if action == model.ActRate || action == model.ActStill {
		return true, nil
	}
	if ok, err := t.GroupIs(ctx, cardHome[action], c.DepartmentID.Int64); err != nil || ok {
		return ok, err
	}
	where := t.T("case.button.where.private")
	switch cardHome[action] {
	case model.ChatCoordinators:
		where = t.T("case.button.where.center")
	case model.ChatDepartment:
		where = t.T("case.button.where.department", "department", c.DepartmentName)
	}
	t.ToPrivate()
	t.Reply(t.T("case.button.not_here", "number", c.Number, "action", t.T("action."+string(action)), "where", where))
	return false, nil
}
