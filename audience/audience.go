// Package audience decides who hears what: the group chats of a kind (the
// exchange group, a department's group, a community's residents …) and a
// person on every account they have, each in their own language. The flows
// and the scheduler ask it; package bot only sends what it returns.
//
// Every messenger is a binding: a roster group is bound to a Telegram
// group, a WeCom chat or a console chat; a person to a Telegram account, a
// WeCom userid or the console. A local platform (the console) has no
// server: it is heard only by the session that handled the update.
package audience

import (
	"context"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Audience is one transaction's view of who can be reached.
type Audience struct {
	tx   *store.Tx
	here bot.Platform // the platform of the update handled ("" for the scheduler)
	lang i18n.Lang    // the language of a person who chose none
}

// New is an audience inside tx for an update from here (or "" for
// background work, which never reaches a local platform).
func New(tx *store.Tx, here bot.Platform, lang i18n.Lang) Audience {
	return Audience{tx: tx, here: here, lang: lang}
}

// Scope narrows the groups of a kind to a community or a department (0: any).
type Scope struct {
	Community  int64
	Department int64
	// NewReport: the notice of a new report, which a residents' group may
	// have turned off (the roster's notify_reports: false).
	NewReport bool
}

// reaches reports whether a binding on platform p can be written to now.
func (a Audience) reaches(p bot.Platform) bool { return !p.Local() || p == a.here }

// Groups copies m to every group chat of kind within scope, on each
// messenger where the group is bound.
func (a Audience) Groups(ctx context.Context, kind model.ChatKind, scope Scope, m bot.Message) ([]bot.Message, error) {
	chats, err := a.tx.ChatsFor(ctx, kind, scope.Community, scope.Department)
	if err != nil {
		return nil, err
	}
	var out []bot.Message
	for _, c := range chats {
		if scope.NewReport && !c.NotifyReports {
			continue // a group that chose not to hear of each new report
		}
		for _, b := range c.Bindings {
			p := bot.Platform(b.Platform)
			if !a.reaches(p) {
				continue
			}
			cm := m
			cm.Platform, cm.ChatID, cm.ChatTitle, cm.Kind = p, b.ExternalID, c.Title, bot.Group
			if p == bot.WeCom && len(m.Buttons) > 0 && !bot.ChatsOf(p).Buttons(b.ExternalID) {
				// A group robot cannot carry buttons: the group reads the
				// card, and each member the group stands for gets it with
				// its buttons in the app.
				cm.Buttons = nil
				members, err := a.tx.WecomMembers(ctx, c.Kind, scope.Community, c.DepartmentID.Int64)
				if err != nil {
					return nil, err
				}
				for _, id := range members {
					pm := m
					pm.Platform, pm.ChatID, pm.ChatTitle, pm.Kind = bot.WeCom, id, "", bot.Private
					out = append(out, pm)
				}
			}
			out = append(out, cm)
		}
	}
	return out, nil
}

// Person renders a message in the person's language and copies it to their
// private chat on each messenger where they have an account.
func (a Audience) Person(ctx context.Context, personID int64, render func(lang i18n.Lang) bot.Message) ([]bot.Message, error) {
	p, err := a.tx.PersonByID(ctx, personID)
	if err != nil {
		return nil, err
	}
	accounts, err := a.accounts(ctx, personID)
	if err != nil || len(accounts) == 0 {
		return nil, err
	}
	m := render(i18n.Parse(p.Lang, a.lang))
	m.Recipient = p.Name
	out := make([]bot.Message, 0, len(accounts))
	for _, id := range accounts {
		cm := m
		cm.Platform = bot.Platform(id.Platform)
		cm.ChatID = bot.PrivateChatID(cm.Platform, id.ExternalID)
		cm.Kind = bot.Private
		out = append(out, cm)
	}
	return out, nil
}

// Role is everyone holding role, each in their language on each account
// (a supervisor told of a complaint about staff, or of a case overdue).
func (a Audience) Role(ctx context.Context, role model.Role, render func(lang i18n.Lang) bot.Message) ([]bot.Message, error) {
	people, err := a.tx.PeopleWithRole(ctx, role)
	if err != nil {
		return nil, err
	}
	var msgs []bot.Message
	for _, p := range people {
		more, err := a.Person(ctx, p.ID, render)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

// Reachable reports whether a person is active and has an account the bot
// can write to now.
func (a Audience) Reachable(ctx context.Context, personID int64) (bool, error) {
	p, err := a.tx.PersonByID(ctx, personID)
	if err != nil || !p.Active {
		return false, err
	}
	accounts, err := a.accounts(ctx, personID)
	return len(accounts) > 0, err
}

func (a Audience) accounts(ctx context.Context, personID int64) ([]store.Identity, error) {
	ids, err := a.tx.IdentitiesOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	out := ids[:0]
	for _, id := range ids {
		if a.reaches(bot.Platform(id.Platform)) {
			out = append(out, id)
		}
	}
	return out, nil
}
