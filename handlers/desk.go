package handlers

import (
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// What the web desk (package desk) asks the router, so that its case page
// offers what a private chat's /case card would, by the same table.

// CaseButtons are case cv's card buttons that someone holding roles may
// press, as /case shows them in a private chat (where every button
// counts); with a pending extension request (extension ≠ 0) its 批准 and
// 拒绝 too, as the center's card of the request carries them.
func (r *Router) CaseButtons(lang i18n.Lang, roles []store.PersonRole, cv store.CaseView, extension int64) []bot.Button {
	codes := roleCodes(roles)
	bs := cases.CardButtons(lang, cv)
	if extension != 0 && cv.Status == model.StatusVerified {
		bs = append(bs,
			bot.Button{Label: i18n.T(lang, "button.approve"), Data: cases.CaseAction{Action: model.ActApprove, ID: extension}.Data()},
			bot.Button{Label: i18n.T(lang, "button.refuse"), Data: cases.CaseAction{Action: model.ActRefuse, ID: extension}.Data()})
	}
	var out []bot.Button
	for _, b := range bs {
		if a, ok := cases.ParseCaseAction(b.Data); ok && may(buttonKey(a.Action), codes) {
			out = append(out, b)
		}
	}
	return out
}

// CaseClock says how case cv's running clock stands now, as /queue shows
// it (working time left, or how far past): "" when none runs.
func (r *Router) CaseClock(lang i18n.Lang, cv store.CaseView) string {
	return cases.Clock(lang, r.flows.Deps(), cv)
}
