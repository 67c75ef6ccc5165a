package cases

import (
	"context"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// 催办 (issue 25, seed 三(五)1): the steward who reported a case whose
// clock runs (派单 or 已核实) presses the department, at most once a
// calendar day (in the config's location) per case. The department's
// group and the exchange group are told with the clock; the timeline
// records it (urged). The button is on the reporter's card (/case,
// /mycases): "c:urge:<id>"; /urge CASE does the same.

func init() { Actions = append(Actions, model.ActUrge) }

// urgeButton is 催办 on a case's card, while its clock runs.
func urgeButton(c store.CaseView) []conversations.Button {
	if !model.Lifecycle[model.ActUrge].Allows(c.Status) {
		return nil
	}
	return []conversations.Button{button("button.urge", model.ActUrge, c.ID)}
}

// doUrge presses the department of locked case c, once a day.
func doUrge(ctx context.Context, t *conversations.Turn, c store.CaseView) error {
	day := t.Deps.Now().In(t.Deps.Location).Format(time.DateOnly)
	n, err := t.Tx.CaseEventsOnDay(ctx, c.ID, model.EventUrged, day)
	if err != nil {
		return err
	}
	if n > 0 {
		t.Reply(t.T("urge.again", "number", c.Number))
		return nil
	}
	if err := record(ctx, t, c, model.ActUrge, "", map[string]any{"day": day}); err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	clock := Clock(g, t.Deps, c)
	text := i18n.T(g, "notify.urged", "number", c.Number, "name", t.Person.Name, "department", c.DepartmentName,
		"description", c.Description, "clock", clock)
	if err := t.ToGroups(ctx, model.ChatDepartment, audience.Scope{Department: c.DepartmentID.Int64}, text, nil); err != nil {
		return err
	}
	if err := t.ToGroups(ctx, model.ChatExchange, audience.Scope{}, text, nil); err != nil {
		return err
	}
	t.Reply(t.T("urge.done", "number", c.Number, "department", c.DepartmentName, "clock", Clock(t.Lang, t.Deps, c)))
	return nil
}
