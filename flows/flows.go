// Package flows gathers every domain's flows and button families for the
// engine: the program (cmd/alleybot) and the tests build the engine with
// conversations.New(deps, flows.All(settings)...).
package flows

import (
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/activities"
	"github.com/alleybot/alleybot/flows/allowance"
	"github.com/alleybot/alleybot/flows/attendance"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/complaints"
	"github.com/alleybot/alleybot/flows/discipline"
	"github.com/alleybot/alleybot/flows/ledger"
	"github.com/alleybot/alleybot/flows/notices"
	"github.com/alleybot/alleybot/flows/parties"
	"github.com/alleybot/alleybot/flows/patrols"
	"github.com/alleybot/alleybot/flows/questions"
	"github.com/alleybot/alleybot/flows/report"
	"github.com/alleybot/alleybot/flows/scores"
	"github.com/alleybot/alleybot/flows/suggestions"
	"github.com/alleybot/alleybot/flows/trainings"
	"github.com/alleybot/alleybot/flows/weblogin"
)

// Settings are each domain's own settings, side by side (the zero value:
// every domain's defaults).
type Settings struct {
	Cases      cases.Settings
	Report     report.Settings
	Complaints complaints.Settings
	Trainings  trainings.Settings
	Notices    notices.Settings
	Discipline discipline.Settings
	Web        weblogin.Settings
	Publicity  notices.Publicity
}

// All are every domain, for conversations.New.
func All(s Settings) []conversations.Domain {
	return []conversations.Domain{
		report.Domain(s.Report),
		cases.Domain(s.Cases),
		complaints.Domain(s.Complaints),
		patrols.Domain(),
		trainings.Domain(s.Trainings),
		attendance.Domain(),
		questions.Domain(),
		notices.Domain(s.Notices),
		scores.Domain(),
		discipline.Domain(s.Discipline),
		allowance.Domain(),
		ledger.Domain(),
		weblogin.Domain(s.Web),
		suggestions.Domain(),
		notices.PublicityDomain(s.Publicity),
		activities.Domain(),
		parties.Domain(),
	}
}
