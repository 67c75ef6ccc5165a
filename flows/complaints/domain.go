// Package complaints owns residents' complaints (seed 七): the complaint
// flow, the center's decisions (转为案件, 答复, 不予受理, 记录处理结果),
// /complaints, and their button family "k".
package complaints

import (
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
)

// Settings are the complaints' own.
type Settings struct {
	// At most PerHour complaints from one sender (0: no limit); the center
	// answers within AnswerWithin of working time.
	PerHour      int
	AnswerWithin time.Duration
	Hotline      string // the complaint contact (/contact)
	Mailbox      string
}

// Of is the complaints' settings the engine holds (a test may change them).
func Of(e *conversations.Engine) *Settings { return conversations.SettingsOf[Settings](e) }

func settings(t *conversations.Turn) *Settings { return Of(t.Engine()) }

// Domain is the complaint flows and their button family "k".
func Domain(s Settings) conversations.Domain {
	return conversations.Domain{Name: "complaints", Flows: flows(), Settings: &s, Buttons: []conversations.ButtonFamily{{
		Prefix: "k", Actions: Actions,
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "button.complaint."+action) },
		Act:   Act,
	}}}
}
