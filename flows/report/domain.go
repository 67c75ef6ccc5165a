// Package report owns a steward's report of a problem (seed 二, 三(一)–(三)):
// its flow (class, photos, place, description, impact, summary), the case it
// files, and the offer 「要上报这个问题吗?」 for words or a point sent outside
// any flow.
package report

import (
	"github.com/alleybot/alleybot/conversations"
)

// Settings are the reports' own.
type Settings struct {
	// QuietResidents: residents' groups are not told of a new report
	// (only of its dispatch, progress and result).
	QuietResidents bool
}

// Of is the reports' settings the engine holds (a test may change them).
func Of(e *conversations.Engine) *Settings { return conversations.SettingsOf[Settings](e) }

func settings(t *conversations.Turn) *Settings { return Of(t.Engine()) }

// Domain is the report flow and the offer (「要上报这个问题吗?」).
func Domain(s Settings) conversations.Domain {
	return conversations.Domain{Name: "report", Flows: []*conversations.Flow{Flow(), offerFlow()}, Settings: &s}
}
