// Package cases owns the case lifecycle (seed 三(三)–(五)): the center's
// 派单, 改派, 退回, 合并; the department's 核实, 进展, 延期, 已整改; the
// steward's re-check; the residents' rating and reopening; the case cards,
// their button family "c", and who is told what about a case.
package cases

import (
	"context"
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
)

// Settings are the case lifecycle's own.
type Settings struct {
	MaxSendbacks int // failed re-checks before the supervisor is told (default 2)
	LowScore     int // a resident's score at or below it reopens a case (default 2)
	// ImmediateFix is 立即整改's clock: working time from the verification.
	ImmediateFix time.Duration
	// ReopenReasonWithin is how long a resident's deep link to give the
	// reason for a low score lives (default 24h).
	ReopenReasonWithin time.Duration
	// DuplicateRadiusM: open cases of the same kind this near a new report
	// are offered as the same problem (default 50).
	DuplicateRadiusM int
}

// duplicateRadius is DuplicateRadiusM in metres (50 unless set).
func (s *Settings) duplicateRadius() float64 {
	if s.DuplicateRadiusM <= 0 {
		return 50
	}
	return float64(s.DuplicateRadiusM)
}

// DuplicateRadius is how near an open case of the same kind is offered as
// the same problem, in metres (a report's summary asks).
func DuplicateRadius(t *conversations.Turn) float64 { return settings(t).duplicateRadius() }

// Of is the lifecycle's settings the engine holds (a test may change them).
func Of(e *conversations.Engine) *Settings { return conversations.SettingsOf[Settings](e) }

func settings(t *conversations.Turn) *Settings { return Of(t.Engine()) }

func defaults(s Settings) *Settings {
	if s.MaxSendbacks == 0 {
		s.MaxSendbacks = 2
	}
	if s.LowScore == 0 {
		s.LowScore = 2
	}
	return &s
}

// Domain is the lifecycle's flows (and the residents' reopening) and the
// case cards' button family "c".
func Domain(s Settings) conversations.Domain {
	return conversations.Domain{Name: "cases", Flows: append(caseFlows(), reopenFlow()), Settings: defaults(s),
		Buttons: []conversations.ButtonFamily{{
			Prefix: "c", Actions: actionNames(), Public: []string{string(model.ActRate), string(model.ActStill)}, Shared: true,
			Parse: func(data string) (conversations.Pressed, bool) {
				a, ok := ParseCaseAction(data)
				return conversations.Pressed{Prefix: "c", Action: string(a.Action), ID: a.ID, Arg: a.Arg}, ok
			},
			Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "action."+action) },
			Act: func(ctx context.Context, e *conversations.Engine, t *conversations.Turn, p conversations.Pressed) error {
				return Act(ctx, e, t, CaseAction{Action: model.Action(p.Action), ID: p.ID, Arg: p.Arg})
			},
		},
			PropertyFamily(),
		}}
}

// actionNames are the case actions with a button, as strings.
func actionNames() []string {
	out := make([]string, len(Actions))
	for i, a := range Actions {
		out[i] = string(a)
	}
	return out
}
