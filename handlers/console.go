package handlers

import (
	"context"
	"errors"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/console"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// ConsoleRoster is the roster as the console channel sees it
// (bot.Directory). Speaking as someone binds the console like any
// messenger: every person gets a console account under their roster code,
// every roster group a console chat, so the flows address the console the
// way they address Telegram.
type ConsoleRoster struct {
	Store *store.Store
	Flows *conversations.Engine // names an unfinished flow
}

// Speaker finds a person by roster code or name and binds the console.
func (c ConsoleRoster) Speaker(ctx context.Context, who string) (bot.Speaker, error) {
	p, err := c.Store.FindPerson(ctx, who)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrAmbiguous) {
		people, lerr := c.Store.People(ctx)
		if lerr != nil {
			return bot.Speaker{}, lerr
		}
		none := &bot.NoSpeakerError{Who: who}
		for _, p := range people {
			none.Names = append(none.Names, p.Name+"("+p.Code+")")
			if p.Name == who && errors.Is(err, store.ErrAmbiguous) {
				none.Same = append(none.Same, p.Name+"("+p.Code+")")
			}
		}
		return bot.Speaker{}, none
	}
	if err != nil {
		return bot.Speaker{}, err
	}
	if err := c.Store.BindLocal(ctx, string(bot.Console), console.GroupPrefix); err != nil {
		return bot.Speaker{}, err
	}
	roles, err := c.Store.RolesOf(ctx, p.ID)
	if err != nil {
		return bot.Speaker{}, err
	}
	sp := bot.Speaker{Code: p.Code, Name: p.Name, Lang: p.Lang}
	for _, r := range roles {
		sp.Roles = append(sp.Roles, "role."+string(r.Role))
	}
	return sp, nil
}

// Group finds a roster group by its title (or code) for a console line
// "[群名] text": its console chat id and title, or "" and the titles there
// are.
func (c ConsoleRoster) Group(ctx context.Context, title string) (string, string, []string, error) {
	chats, err := c.Store.Chats(ctx)
	if err != nil {
		return "", "", nil, err
	}
	titles := make([]string, 0, len(chats))
	for _, ch := range chats {
		if ch.Title == title || ch.Code == title {
			return console.GroupChatID(ch.Code), ch.Title, nil, nil
		}
		titles = append(titles, ch.Title)
	}
	return "", "", titles, nil
}

// Unfinished reports the flow (its title key) a console speaker left open.
func (c ConsoleRoster) Unfinished(ctx context.Context, chatID, userID string) (string, bool, error) {
	st, err := c.Store.ConversationFor(ctx, string(bot.Console), chatID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if c.Flows != nil {
		return c.Flows.TitleKey(st.Flow), true, nil
	}
	if key := "flow." + st.Flow; i18n.Has(key) {
		return key, true, nil
	}
	return "flow.generic", true, nil
}
