package report

import (
	"testing"

	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
)

// TestCodesHaveText: every status, event, action, impact and plan code a
// person can meet has a catalog text, so no raw code reaches them.
func TestCodesHaveText(t *testing.T) {
	var keys []string
	for _, s := range model.Statuses {
		keys = append(keys, "status."+string(s))
	}
	for _, e := range model.EventKinds {
		keys = append(keys, "event."+string(e))
	}
	for _, a := range cases.Actions {
		keys = append(keys, "action."+string(a))
	}
	for _, im := range Impacts {
		keys = append(keys, "impact."+im)
	}
	for _, f := range cases.Domain(cases.Settings{}).Flows {
		keys = append(keys, f.Title)
	}
	keys = append(keys, "plan.now", "plan.by_date", "extension.pending", "extension.approved", "extension.refused", Flow().Title)
	for _, k := range keys {
		if !i18n.Has(k) {
			t.Errorf("no catalog text for %s", k)
		}
	}
}
