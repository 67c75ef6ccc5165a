// Package parties owns the volunteers' side of seed 二(三)2: a
// coordinator or steward asks the volunteers of a case's alley to help
// (请志愿者协助); each volunteer is asked privately (可以 / 不行); each
// answer is recorded, told to the asker and put on the case's timeline.
// Its button family is "vol": "vol:ask:<case id>", "vol:yes:<ask id>",
// "vol:no:<ask id>". (The property managers' side is a department's: see
// flows/cases, family "pm".)
package parties

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Prefix is the volunteers' button family prefix.
const Prefix = "vol"

// The family's actions.
const (
	ActAsk = "ask"
	ActYes = "yes"
	ActNo  = "no"
)

// Domain is the volunteers' button family.
func Domain() conversations.Domain {
	return conversations.Domain{Name: "parties", Buttons: []conversations.ButtonFamily{{
		Prefix: Prefix, Actions: []string{ActAsk, ActYes, ActNo},
		Label: func(lang i18n.Lang, action string) string { return i18n.T(lang, "volunteers.action."+action) },
		Act: func(ctx context.Context, _ *conversations.Engine, t *conversations.Turn, p conversations.Pressed) error {
			if p.Action == ActAsk {
				return askForCase(ctx, t, p.ID)
			}
			return answer(ctx, t, p.ID, p.Action)
		},
	}}}
}

// AskVolunteers asks every volunteer of an alley to help with subject (an
// activity's, say): each gets 可以 / 不行 privately, and their answers are
// told to the person of the turn. It returns how many were asked.
func AskVolunteers(ctx context.Context, t *conversations.Turn, alleyID int64, subject string) (int, error) {
	n, _, err := ask(ctx, t, alleyID, sql.NullInt64{}, subject)
	return n, err
}

// ask records an ask and sends it to the alley's volunteers.
func ask(ctx context.Context, t *conversations.Turn, alleyID int64, caseID sql.NullInt64, subject string) (int, int64, error) {
	vs, err := t.Tx.VolunteersOf(ctx, alleyID)
	if err != nil || len(vs) == 0 {
		return 0, 0, err
	}
	asker := sql.NullInt64{Int64: t.Person.ID, Valid: t.Person.ID != 0}
	id, err := t.Tx.AddVolunteerAsk(ctx, store.VolunteerAsk{AlleyID: alleyID, CaseID: caseID, Subject: subject, AskedBy: asker}, vs, t.Deps.Now())
	if err != nil {
		return 0, 0, err
	}
	for _, v := range vs {
		if err := t.ToPerson(ctx, v, "volunteers.asked", []any{"name", t.Person.Name, "subject", subject}, nil,
			button("volunteers.action.yes", ActYes, id), button("volunteers.action.no", ActNo, id)); err != nil {
			return 0, 0, err
		}
	}
	return len(vs), id, nil
}

func button(key, action string, id int64) conversations.Button {
	return conversations.Button{Key: key, Data: Prefix + ":" + action + ":" + strconv.FormatInt(id, 10)}
}

// askForCase asks the volunteers of a case's alley (请志愿者协助 on its card).
func askForCase(ctx context.Context, t *conversations.Turn, caseID int64) error {
	c, err := t.Tx.CaseByID(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("case.not_found", "number", strconv.FormatInt(caseID, 10)))
		return nil
	}
	if err != nil {
		return err
	}
	if c.ClosedAt.Valid || !c.AlleyID.Valid {
		t.Reply(t.T("volunteers.none", "number", c.Number, "alley", c.AlleyName))
		return nil
	}
	g := t.Deps.DefaultLang
	subject := i18n.T(g, "volunteers.subject.case", "number", c.Number, "alley", c.AlleyName, "description", c.Description)
	n, _, err := ask(ctx, t, c.AlleyID.Int64, sql.NullInt64{Int64: c.ID, Valid: true}, subject)
	if err != nil {
		return err
	}
	if n == 0 {
		t.Reply(t.T("volunteers.none", "number", c.Number, "alley", c.AlleyName))
		return nil
	}
	if _, err := t.Tx.AddCaseEvent(ctx, c.ID, t.Person.ID, model.EventVolunteersAsked, strconv.Itoa(n), nil); err != nil {
		return err
	}
	t.Reply(t.T("volunteers.sent", "number", c.Number, "n", n))
	return nil
}

// answer records a volunteer's 可以 / 不行 (once) and tells the asker.
func answer(ctx context.Context, t *conversations.Turn, askID int64, action string) error {
	a, err := t.Tx.VolunteerAskByID(ctx, askID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("volunteers.not_asked"))
		return nil
	}
	if err != nil {
		return err
	}
	asked, already, err := t.Tx.AnswerVolunteerAsk(ctx, askID, t.Person.ID, action, t.Deps.Now())
	if err != nil {
		return err
	}
	switch {
	case !asked:
		t.Reply(t.T("volunteers.not_asked"))
		return nil
	case already:
		t.Reply(t.T("volunteers.already"))
		return nil
	}
	t.Reply(t.T("volunteers.thanks." + action))
	if a.CaseID.Valid {
		if _, err := t.Tx.AddCaseEvent(ctx, a.CaseID.Int64, t.Person.ID, model.EventVolunteerAnswered,
			i18n.T(t.Deps.DefaultLang, "volunteers.answer."+action), nil); err != nil {
			return err
		}
	}
	if !a.AskedBy.Valid || a.AskedBy.Int64 == t.Person.ID {
		return nil
	}
	return t.ToPerson(ctx, a.AskedBy.Int64, "volunteers.told."+action, []any{"name", t.Person.Name, "subject", a.Subject}, nil)
}
