package trainings

import (
	"context"
	"errors"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Actions are the training buttons (permission table): the invitees'
// answers, the trainer's cancel and attendance, answering a question.
var Actions = []string{"sign", "read", "leave", "cancel", "retime", "attend", "answer"}

// Act handles a pressed training button (the role was checked).
func Act(ctx context.Context, e *conversations.Engine, t *conversations.Turn, a conversations.Pressed) error {
	if a.Action == "answer" {
		return e.StartText(ctx, t, "qanswer", a.ID)
	}
	tr, err := t.Tx.LockTraining(ctx, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("training.not_found"))
		return nil
	}
	if err != nil {
		return err
	}
	switch a.Action {
	case "cancel", "attend", "retime":
		if tr.CreatedBy.Int64 != t.Person.ID && !t.HasRole(model.RoleAdmin) {
			t.Reply(t.T("training.not_yours"))
			return nil
		}
		if a.Action == "cancel" {
			return cancelTraining(ctx, t, tr)
		}
		if tr.Status == "cancelled" {
			t.Reply(t.T("training.cancelled", "title", tr.Title))
			return nil
		}
		if a.Action == "retime" {
			return e.StartText(ctx, t, "retime", tr.ID)
		}
		return e.StartText(ctx, t, "attendance", tr.ID)
	}
	inv, err := t.Tx.InviteOf(ctx, tr.ID, t.Person.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("training.not_invited", "title", tr.Title))
		return nil
	}
	if err != nil {
		return err
	}
	if tr.Status == "cancelled" {
		t.Reply(t.T("training.cancelled", "title", tr.Title))
		return nil
	}
	now := t.Deps.Now()
	if !tr.StartsAt.After(now) && a.Action != "read" {
		t.Reply(t.T("training.started", "title", tr.Title))
		return nil
	}
	switch a.Action {
	case "read":
		if inv.Answer == model.AnswerNone {
			if err := t.Tx.SetAnswer(ctx, tr.ID, t.Person.ID, model.AnswerRead, "", now); err != nil {
				return err
			}
		}
		t.Reply(t.T("training.read", "title", tr.Title))
	case "sign":
		if inv.Answer == model.AnswerSigned || inv.Answer == model.AnswerWaitlist {
			t.Reply(t.T("training.sign.again", "title", tr.Title))
			return nil
		}
		n, err := t.Tx.Signed(ctx, tr.ID)
		if err != nil {
			return err
		}
		if tr.Capacity.Valid && int64(n) >= tr.Capacity.Int64 {
			if err := t.Tx.SetAnswer(ctx, tr.ID, t.Person.ID, model.AnswerWaitlist, "", now); err != nil {
				return err
			}
			t.Reply(t.T("training.full", "title", tr.Title, "n", tr.Capacity.Int64))
			return nil
		}
		if err := t.Tx.SetAnswer(ctx, tr.ID, t.Person.ID, model.AnswerSigned, "", now); err != nil {
			return err
		}
		t.Reply(t.T("training.signed", "title", tr.Title, "at", t.When(tr.StartsAt)))
	case "leave":
		return e.StartText(ctx, t, "tleave", tr.ID)
	}
	return nil
}

func handleTrainingLeave(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	tr, err := t.Tx.LockTraining(ctx, conversations.TextOf(t).ID)
	if err != nil {
		return "", err
	}
	inv, err := t.Tx.InviteOf(ctx, tr.ID, t.Person.ID)
	if err != nil {
		return "", err
	}
	if err := t.Tx.SetAnswer(ctx, tr.ID, t.Person.ID, model.AnswerLeave, text, t.Deps.Now()); err != nil {
		return "", err
	}
	t.Reply(t.T("training.leave.done", "title", tr.Title))
	if inv.Answer == model.AnswerSigned {
		// A place is free: the first on the waiting list gets it.
		next, err := t.Tx.FirstWaiting(ctx, tr.ID)
		if err != nil || next == 0 {
			return conversations.Done, err
		}
		if err := t.Tx.SetAnswer(ctx, tr.ID, next, model.AnswerSigned, "", t.Deps.Now()); err != nil {
			return "", err
		}
		return conversations.Done, t.ToPerson(ctx, next, "training.promoted", []any{"title", tr.Title,
			"at", t.When(tr.StartsAt)}, nil)
	}
	return conversations.Done, nil
}

// handleRetime moves a training to a new time and tells everyone who got
// the notice (the reminders follow the new time).
func handleRetime(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	at, ok := askedWhen(t, in.Text)
	if !ok {
		return conversations.Stay, nil
	}
	tr, err := t.Tx.LockTraining(ctx, conversations.TextOf(t).ID)
	if err != nil {
		return "", err
	}
	old := t.When(tr.StartsAt)
	if err := t.Tx.RetimeTraining(ctx, tr.ID, at); err != nil {
		return "", err
	}
	n, err := tellInvitees(ctx, t, tr.ID, "training.retimed.notice", "title", tr.Title, "old", old, "at", t.When(at))
	if err != nil {
		return "", err
	}
	t.Reply(t.T("training.retimed.done", "title", tr.Title, "at", t.When(at), "n", n))
	return conversations.Done, nil
}

// tellInvitees tells everyone who got a training's notice, in their language.
func tellInvitees(ctx context.Context, t *conversations.Turn, trainingID int64, key string, args ...any) (int, error) {
	invs, err := t.Tx.Invites(ctx, trainingID)
	if err != nil {
		return 0, err
	}
	ids := make([]int64, len(invs))
	for i, inv := range invs {
		ids[i] = inv.PersonID
	}
	accounts, err := t.Tx.AccountsOf(ctx, ids)
	if err != nil {
		return 0, err
	}
	for _, a := range accounts {
		p := bot.Platform(a.Platform)
		if p.Local() && p != t.Update.Platform {
			continue
		}
		t.Say(bot.Message{Platform: p, ChatID: bot.PrivateChatID(p, a.ChatID), Recipient: a.Name,
			Text: i18n.T(i18n.Parse(a.Lang, t.Deps.DefaultLang), key, args...)})
	}
	return len(invs), nil
}

// cancelTraining cancels it and tells everyone who got the notice.
func cancelTraining(ctx context.Context, t *conversations.Turn, tr store.Training) error {
	if tr.Status == "cancelled" {
		t.Reply(t.T("training.cancelled", "title", tr.Title))
		return nil
	}
	if err := t.Tx.SetTrainingStatus(ctx, tr.ID, "cancelled"); err != nil {
		return err
	}
	n, err := tellInvitees(ctx, t, tr.ID, "training.cancelled.notice", "title", tr.Title, "at", t.When(tr.StartsAt))
	if err != nil {
		return err
	}
	t.Reply(t.T("training.cancelled.done", "title", tr.Title, "n", n))
	return nil
}
