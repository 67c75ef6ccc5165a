package desk

import (
	"context"
	"errors"
	"net/http"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/weblogin"
	"github.com/alleybot/alleybot/i18n"
)

// errNoRouter: the desk was mounted without a router (read-only).
var errNoRouter = errors.New("desk: no router to act through")

// update is what a form on the desk sends the router: an update from the
// viewer's web account (platform web, their roster code) in their private
// web chat. Its key is the form's nonce, fresh on each page drawn, so a
// form sent twice (a double click, a reload) is one update: the second
// changes and says nothing.
func (h *handler) update(r *http.Request, v *viewer) bot.Update {
	return bot.Update{Platform: bot.Web, Key: "desk:" + weblogin.Hash(v.Session.IDHash+"|"+r.PostFormValue("nonce")),
		ChatID: bot.PrivateChatID(bot.Web, v.Session.Code), ChatKind: bot.Private, UserID: v.Session.Code, UserName: v.Session.Name,
		LangHint: string(h.langOf(r, v)), Time: h.o.Now()}
}

// Press sends a button's data (the case card's c:<action>:<id>[:<arg>])
// through the router as the viewer; it returns what the bot said to the
// viewer (its texts and the buttons it offered), to show on the page. dup
// reports a form already handled.
func (h *handler) press(ctx context.Context, r *http.Request, v *viewer, data string) (said []bot.Message, dup bool, err error) {
	u := h.update(r, v)
	u.Callback = &bot.Callback{ID: u.Key, Data: data}
	return h.send(ctx, v, u)
}

// say sends a text the viewer typed (the answer to a step the bot asked,
// a reason, a date) through the router.
func (h *handler) say(ctx context.Context, r *http.Request, v *viewer, text string) (said []bot.Message, dup bool, err error) {
	u := h.update(r, v)
	u.Text = text
	return h.send(ctx, v, u)
}

func (h *handler) send(ctx context.Context, v *viewer, u bot.Update) ([]bot.Message, bool, error) {
	if h.o.Router == nil {
		return nil, false, errNoRouter
	}
	if len(u.Key) == 0 || u.Key == "desk:" {
		return nil, false, errors.New("desk: a form without a nonce")
	}
	msgs, err := h.o.Router.Handle(ctx, u)
	if err != nil && len(msgs) == 0 {
		return nil, false, err
	}
	var said []bot.Message
	for _, m := range msgs {
		if m.Platform == bot.Web && m.ChatID == u.ChatID && (m.Text != "" || len(m.Buttons) > 0) {
			said = append(said, m)
		}
	}
	// A duplicate update returns nothing at all; a handled one says
	// something (every press is answered).
	return said, len(msgs) == 0, nil
}

// nonce is a fresh form nonce for a page.
func nonce() string {
	n, _ := weblogin.NewToken()
	return n[:22]
}

// dupNote is what a form sent twice shows.
func dupNote(lang i18n.Lang) string { return i18n.T(lang, "desk.duplicate") }
