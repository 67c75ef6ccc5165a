// Package questions owns /ask: a steward's question put to the exchange
// group, and its answer, told to the asker.
package questions

import (
	"context"
	"errors"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Domain is the question flows (their answer button is the trainings' "t:answer").
func Domain() conversations.Domain {
	return conversations.Domain{Name: "questions", Flows: []*conversations.Flow{
		conversations.TextFlow("ask", conversations.TextStep("text", "question.ask", 4, conversations.MaxReason, handleQuestion)),
		conversations.TextFlow("qanswer", conversations.TextStep("text", "question.ask.answer", 2, conversations.MaxReason, handleQuestionAnswer)),
	}}
}

func handleQuestion(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	id, err := t.Tx.AskQuestion(ctx, t.Person.ID, text, t.Deps.Now())
	if err != nil {
		return "", err
	}
	g := t.Deps.DefaultLang
	if err := t.ToGroups(ctx, model.ChatExchange, audience.Scope{}, i18n.T(g, "question.posted", "name", t.Person.Name, "text", text), nil,
		conversations.FamilyButton("button.question.answer", "t", "answer", id)); err != nil {
		return "", err
	}
	t.Reply(t.T("question.sent"))
	return conversations.Done, nil
}

func handleQuestionAnswer(ctx context.Context, t *conversations.Turn, text string) (string, error) {
	q, err := t.Tx.QuestionByID(ctx, conversations.TextOf(t).ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("question.not_found"))
		return conversations.Done, nil
	}
	if err != nil {
		return "", err
	}
	if err := t.Tx.AnswerQuestion(ctx, q.ID, t.Person.ID, text, t.Deps.Now()); err != nil {
		return "", err
	}
	g := t.Deps.DefaultLang
	if err := t.ToGroups(ctx, model.ChatExchange, audience.Scope{}, i18n.T(g, "question.answered", "name", t.Person.Name,
		"asker", q.PersonName, "question", q.Text, "text", text), nil); err != nil {
		return "", err
	}
	t.Reply(t.T("question.answer.sent", "asker", q.PersonName))
	return conversations.Done, t.ToPerson(ctx, q.PersonID, "question.answer.to_asker", []any{"name", t.Person.Name, "question", q.Text, "text", text}, nil)
}
