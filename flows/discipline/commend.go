package discipline

import (
	"context"
	"database/sql"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
)

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func promptReward(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("discipline.ask.reward"),
		Options: []conversations.Option{{Label: t.T("button.discipline.no_reward"), Value: "none"}}}, nil
}

func handleReward(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	if in.Kind == conversations.Choice && in.Choice == "none" {
		draft(t).Reward = ""
		return "announce", nil
	}
	text, ok := conversations.ShortText(t, in.Text, 1, conversations.MaxReason)
	if !ok {
		return conversations.Stay, nil
	}
	draft(t).Reward = text
	return "announce", nil
}

func promptAnnounce(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("discipline.ask.announce", "name", draft(t).Name), Options: []conversations.Option{
		{Label: t.T("button.discipline.announce"), Value: "yes"}, {Label: t.T("button.discipline.quiet"), Value: "no"}}}, nil
}

// handleAnnounce records the commendation, tells the steward privately and,
// if asked, announces it to the exchange group.
func handleAnnounce(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := draft(t)
	e := d.by(t)
	e.Kind, e.Announced = model.RecordCommendation, in.Choice == "yes"
	if _, err := t.Tx.AddRecord(ctx, e); err != nil {
		return "", err
	}
	reward := func(lang i18n.Lang) string {
		if d.Reward == "" {
			return ""
		}
		return i18n.T(lang, "discipline.reward", "reward", d.Reward)
	}
	key := "discipline.commended.to_steward"
	if d.Reward != "" {
		key += "_reward"
	}
	if err := t.ToPerson(ctx, d.PersonID, key, []any{"by", t.Person.Name, "reason", d.Reason, "reward", d.Reward}, nil); err != nil {
		return "", err
	}
	if e.Announced {
		g := t.Deps.DefaultLang
		if err := t.ToGroups(ctx, model.ChatExchange, audience.Scope{}, i18n.T(g, "discipline.commended.announce", "name", d.Name,
			"reason", d.Reason, "reward", reward(g)), nil); err != nil {
			return "", err
		}
		t.Reply(t.T("discipline.commended.announced", "name", d.Name))
		return conversations.Done, nil
	}
	t.Reply(t.T("discipline.commended", "name", d.Name))
	return conversations.Done, nil
}
