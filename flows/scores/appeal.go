package scores

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// A steward's appeal of a scorecard (seed 四(一)): /appeal [PERIOD] (the
// last ended month by default) asks for the reason; the appeal is stored
// (one per steward and period) and sent to the coordinators of the
// steward's community, privately, with the card and the buttons 维持 and
// 更正 (answer.go).

// Prefix is the appeal buttons' family prefix ("ap:<action>:<appeal id>").
const Prefix = "ap"

// Actions are the appeal buttons, for the permission table.
var Actions = []string{"keep", "correct"}

// The reason's length, in characters.
const (
	minAppealReason = 5
	maxAppealReason = 500
)

// AppealDraft is the appeal flow's state: the period appealed.
type AppealDraft struct {
	Period string `json:"period"`
}

// AppealDecision is a coordinator's answer's state: the appeal, and the
// correction decided (更正).
type AppealDecision struct {
	AppealID int64   `json:"appeal_id"`
	Delta    float64 `json:"delta,omitempty"`
}

func decision(t *conversations.Turn) *AppealDecision { return t.Data.(*AppealDecision) }

func appealFlows() []*conversations.Flow {
	nd := func() any { return &AppealDecision{} }
	return []*conversations.Flow{
		{Name: "appeal", Title: "flow.appeal", NewData: func() any { return &AppealDraft{} }, Steps: []conversations.Step{
			{Name: "reason", Accepts: conversations.Text, Prompt: promptAppealReason, Handle: handleAppealReason},
		}},
		{Name: "apkeep", Title: "flow.apkeep", NewData: nd, Steps: []conversations.Step{
			{Name: "answer", Accepts: conversations.Text, Prompt: deciding("appeal.ask.keep"), Handle: handleKeep},
		}},
		{Name: "apcorrect", Title: "flow.apcorrect", NewData: nd, Steps: []conversations.Step{
			{Name: "total", Accepts: conversations.Text, Prompt: deciding("appeal.ask.total"), Handle: handleCorrectTotal},
			{Name: "answer", Accepts: conversations.Text, Prompt: promptCorrectAnswer, Handle: handleCorrect},
		}},
	}
}

// Appeal answers /appeal [PERIOD]: refused with the reason for a period
// not ended, in the future or mistyped, one with no card of the speaker's,
// or one they appealed already (naming the first appeal's outcome);
// otherwise the appeal flow asks for the reason, privately.
func Appeal(ctx context.Context, e *conversations.Engine, t *conversations.Turn) error {
	p, ok := period(t)
	if !ok {
		return nil
	}
	card, ok, err := currentCard(ctx, t, t.Person.ID, p.String())
	if err != nil || !ok {
		return err
	}
	if done, err := appealedAlready(ctx, t, card.Period); err != nil || done {
		return err
	}
	return e.StartPrivately(ctx, t, e.Flow("appeal"), &AppealDraft{Period: card.Period})
}

// currentCard is a steward's current card of a period; none is told.
func currentCard(ctx context.Context, t *conversations.Turn, personID int64, period string) (store.Assessment, bool, error) {
	hist, err := t.Tx.AssessmentHistory(ctx, personID, period)
	if err != nil || len(hist) == 0 {
		if err == nil {
			t.Reply(t.T("appeal.no_card", "period", period))
		}
		return store.Assessment{}, false, err
	}
	return hist[len(hist)-1], true, nil
}

// appealedAlready tells (and reports) that the speaker has appealed the
// period already, and how it stands.
func appealedAlready(ctx context.Context, t *conversations.Turn, period string) (bool, error) {
	ap, err := t.Tx.AppealOf(ctx, t.Person.ID, period)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	t.Reply(t.T("appeal.already."+string(ap.Status), "period", period, "date", ap.CreatedAt.In(t.Deps.Location).Format(time.DateOnly),
		"by", ap.AnsweredName, "answer", ap.Answer))
	return true, nil
}

func promptAppealReason(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	period := t.Data.(*AppealDraft).Period
	hist, err := t.Tx.AssessmentHistory(ctx, t.Person.ID, period)
	if err != nil || len(hist) == 0 {
		return conversations.Prompt{}, errors.Join(err, errors.New("appeal: the card is gone"))
	}
	total, grade, err := Adjusted(hist[len(hist)-1])
	return conversations.Prompt{Text: t.T("appeal.ask.reason", "period", period, "total", num(total),
		"grade", t.T("score.grade."+grade), "min", minAppealReason, "max", maxAppealReason)}, err
}

// handleAppealReason stores the appeal (of the current card) and sends it
// to the coordinators of the steward's community.
func handleAppealReason(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	text := strings.TrimSpace(in.Text)
	if conversations.Visible(text) < minAppealReason && !strings.HasPrefix(text, "/") {
		t.Reply(t.T("appeal.reason_short", "min", minAppealReason))
		return conversations.Stay, nil
	}
	text, ok := conversations.ShortText(t, text, minAppealReason, maxAppealReason)
	if !ok {
		return conversations.Stay, nil
	}
	period := t.Data.(*AppealDraft).Period
	card, ok, err := currentCard(ctx, t, t.Person.ID, period)
	if err != nil || !ok {
		return conversations.Done, err
	}
	id, added, err := t.Tx.AddAppeal(ctx, store.Appeal{PersonID: t.Person.ID, Period: period, AssessmentID: card.ID,
		Reason: text, CreatedAt: t.Deps.Now()})
	if err != nil {
		return "", err
	}
	if !added { // appealed meanwhile, in another chat
		_, err := appealedAlready(ctx, t, period)
		return conversations.Done, err
	}
	ap, err := t.Tx.AppealByID(ctx, id)
	if err != nil {
		return "", err
	}
	if err := toCoordinators(ctx, t, ap, card); err != nil {
		return "", err
	}
	t.Reply(t.T("appeal.filed", "period", period))
	return conversations.Done, nil
}

// toCoordinators sends an appeal to each coordinator of the card's
// community (and those of every community), privately, in their
// language, with the card and the buttons 维持 and 更正.
func toCoordinators(ctx context.Context, t *conversations.Turn, ap store.Appeal, card store.Assessment) error {
	cs, err := t.Tx.CoordinatorsOf(ctx, card.CommunityID.Int64)
	if err != nil {
		return err
	}
	community := card.CommunityName
	if community == "" {
		community = "—"
	}
	buttons := []conversations.Button{conversations.FamilyButton("button.appeal.keep", Prefix, "keep", ap.ID),
		conversations.FamilyButton("button.appeal.correct", Prefix, "correct", ap.ID)}
	var failed error
	for _, c := range cs {
		err := tell(ctx, t, c.ID, func(lang i18n.Lang) (string, error) {
			text, err := Card(lang, t.Deps.Location, card)
			return i18n.T(lang, "appeal.notify", "name", ap.PersonName, "community", community, "period", ap.Period,
				"reason", ap.Reason, "card", text), err
		}, buttons...)
		failed = errors.Join(failed, err)
	}
	return failed
}

// tell says a text rendered in the person's language to them, privately.
func tell(ctx context.Context, t *conversations.Turn, personID int64, render func(lang i18n.Lang) (string, error), buttons ...conversations.Button) error {
	var failed error
	msgs, err := t.Audience().Person(ctx, personID, func(lang i18n.Lang) bot.Message {
		text, err := render(lang)
		failed = err
		return bot.Message{Text: text, Buttons: conversations.Render(lang, buttons)}
	})
	if err = errors.Join(err, failed); err != nil {
		return err
	}
	t.Say(msgs...)
	return nil
}

// appealLines are what /myscore adds about an appeal of the card: each
// correction (by whom, why) with the computed total, or the appeal's state.
func appealLines(ctx context.Context, t *conversations.Turn, a store.Assessment) ([]string, error) {
	js, err := t.Tx.AdjustmentsOf(ctx, a.PersonID, a.Period)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, j := range js {
		lines = append(lines, t.T("score.adjustment", "delta", delta(j.Delta), "by", j.ByName, "reason", j.Reason))
	}
	if len(js) > 0 {
		lines = append(lines, t.T("score.original", "total", num(a.Total), "grade", t.T("score.grade."+a.Grade)))
	}
	ap, err := t.Tx.AppealOf(ctx, a.PersonID, a.Period)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return lines, nil
	case err != nil:
		return nil, err
	case ap.Status == model.AppealPending:
		lines = append(lines, t.T("score.appeal.pending", "date", ap.CreatedAt.In(t.Deps.Location).Format(time.DateOnly)))
	case ap.Status == model.AppealUpheld:
		lines = append(lines, t.T("score.appeal.upheld", "by", ap.AnsweredName, "answer", ap.Answer))
	}
	return lines, nil
}
