package trainings

import (
	"context"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// publishTraining records the training and its invitees (two statements)
// and queues one private notice per account plus the exchange group's post
// (one more): the trainer's command returns as soon as it is queued; the
// routine reports the progress.
func publishTraining(ctx context.Context, t *conversations.Turn, tr store.Training, people []int64) error {
	id, tokens, err := t.Tx.CreateTraining(ctx, tr, people)
	if err != nil {
		return err
	}
	tr.ID = id
	accounts, err := t.Tx.AccountsOf(ctx, people)
	if err != nil {
		return err
	}
	name := "training:" + strconv.FormatInt(id, 10)
	msgs := make([]bot.Message, 0, len(accounts))
	reached := make(map[int64]bool, len(people))
	for _, a := range accounts {
		p := bot.Platform(a.Platform)
		if p.Local() && p != t.Update.Platform {
			continue
		}
		lang := i18n.Parse(a.Lang, t.Deps.DefaultLang)
		m := bot.Message{Platform: p, ChatID: bot.PrivateChatID(p, a.ChatID), Recipient: a.Name, Broadcast: name,
			Text: i18n.T(lang, "training.notice", "card", trainingText(lang, t.Deps.Location, tr)),
			Buttons: conversations.Render(lang, []conversations.Button{trainingButton("button.training.sign", "sign", id),
				trainingButton("button.training.read", "read", id), trainingButton("button.training.leave", "leave", id)})}
		if tr.Link != "" {
			link := tr.Link
			if settings(t).PublicURL != "" {
				link = strings.TrimRight(settings(t).PublicURL, "/") + "/l/" + tokens[a.PersonID]
			}
			m.Buttons = append(m.Buttons, []bot.Button{{Label: i18n.T(lang, "button.training.link"), URL: link}})
		}
		msgs = append(msgs, m)
		reached[a.PersonID] = true
	}
	t.Say(msgs...)
	// The routine's progress counts the messages queued, not the invitees:
	// someone with no messenger account gets nothing.
	queued := 0
	for _, m := range msgs {
		if !m.Platform.Local() {
			queued++
		}
	}
	if err := t.Tx.SetTrainingSent(ctx, id, queued); err != nil {
		return err
	}
	g := t.Deps.DefaultLang
	if err := t.ToGroups(ctx, model.ChatExchange, audience.Scope{}, i18n.T(g, "training.exchange", "card", trainingText(g, t.Deps.Location, tr),
		"n", len(reached)), nil); err != nil {
		return err
	}
	t.Reply(t.T("training.published", "id", id, "n", len(reached), "eta", conversations.ETA(settings(t).BroadcastPace, len(msgs))))
	var unreached []int64
	for _, p := range people {
		if !reached[p] {
			unreached = append(unreached, p)
		}
	}
	if len(unreached) == 0 {
		return nil
	}
	// Who could not be reached, by name (the first few of a long list).
	names, err := t.Tx.NamesOf(ctx, unreached[:min(len(unreached), conversations.MaxNamesListed)])
	if err != nil {
		return err
	}
	list := strings.Join(names, t.T("list.sep"))
	if len(unreached) > len(names) {
		list = t.T("names.more", "names", list, "n", len(unreached))
	}
	t.Reply(t.T("training.unreached", "n", len(unreached), "names", list))
	return nil
}

func trainingButton(key, action string, id int64) conversations.Button {
	return conversations.FamilyButton(key, "t", action, id)
}
