package trainings

import (
	"context"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/model"
)

// List renders /trainings: each training's numbers, with the
// trainer's buttons.
func List(ctx context.Context, t *conversations.Turn) error {
	mine := t.Person.ID
	if t.HasRole(model.RoleAdmin) || t.HasRole(model.RoleCoordinator) || t.HasRole(model.RoleSupervisor) {
		mine = 0
	}
	ts, err := t.Tx.Trainings(ctx, mine, 10)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		t.Reply(t.T("training.none"))
		return nil
	}
	for _, tr := range ts {
		s, err := t.Tx.StatsOf(ctx, tr.ID)
		if err != nil {
			return err
		}
		text := t.T("training.line", "id", tr.ID, "title", tr.Title, "at", t.When(tr.StartsAt),
			"status", t.T("training.status."+string(tr.Status)), "sent", s.Sent, "read", s.Read, "signed", s.Signed, "waitlist", s.Waitlist,
			"leave", s.Leave, "came", s.Came, "opened", s.Opened)
		var bs []conversations.Button
		if tr.CreatedBy.Int64 == t.Person.ID || t.HasRole(model.RoleAdmin) {
			if tr.Status == "published" {
				bs = append(bs, trainingButton("button.training.attend", "attend", tr.ID))
				if tr.StartsAt.After(t.Deps.Now()) {
					bs = append(bs, trainingButton("button.training.retime", "retime", tr.ID),
						trainingButton("button.training.cancel", "cancel", tr.ID))
				}
			}
		}
		t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle,
			Text: text, Buttons: conversations.Render(t.Lang, bs)})
	}
	return nil
}

// Mine renders /mytrainings: the trainings the person was invited to
// (from a day ago on, soonest first), each as its notice with their answer
// and, while it can still be answered, 报名 / 已读 / 请假: a notice that
// scrolled away is found again.
func Mine(ctx context.Context, t *conversations.Turn) error {
	now := t.Deps.Now()
	ts, err := t.Tx.TrainingsOf(ctx, t.Person.ID, now.Add(-24*time.Hour), conversations.MaxListed)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		t.Reply(t.T("mytrainings.none"))
		return nil
	}
	t.Reply(t.T("mytrainings.header", "n", len(ts)))
	for _, it := range ts {
		tr := it.Training
		text := trainingText(t.Lang, t.Deps.Location, tr) + "\n" + t.T("mytrainings.answer", "answer", t.T("training.answer."+string(it.Answer)))
		var bs [][]bot.Button
		switch {
		case tr.Status == "cancelled":
			text += "\n" + t.T("training.cancelled", "title", tr.Title)
		case !tr.StartsAt.After(now):
			text += "\n" + t.T("training.started", "title", tr.Title)
		default:
			bs = conversations.Render(t.Lang, []conversations.Button{trainingButton("button.training.sign", "sign", tr.ID),
				trainingButton("button.training.read", "read", tr.ID), trainingButton("button.training.leave", "leave", tr.ID)})
		}
		if tr.Link != "" && tr.Status != "cancelled" {
			link := tr.Link
			if settings(t).PublicURL != "" {
				link = strings.TrimRight(settings(t).PublicURL, "/") + "/l/" + it.Token
			}
			bs = append(bs, []bot.Button{{Label: t.T("button.training.link"), URL: link}})
		}
		t.Say(bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle, Text: text, Buttons: bs})
	}
	return nil
}
