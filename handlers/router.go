// Package handlers routes an Update: who is speaking (person, roles, chat
// kind), which command or button it is, and whether that role may use it. It
// is thin: flows live in package conversations, SQL in package store.
package handlers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Enqueuer puts outgoing messages into the update's transaction (River
// jobs); the scheduler sends them later, paced.
type Enqueuer interface {
	EnqueueSends(ctx context.Context, tx *sql.Tx, msgs []bot.Message) error
}

// Router implements bot.Handler.
type Router struct {
	outbox      Enqueuer
	store       *store.Store
	flows       *conversations.Engine
	log         *slog.Logger
	defaultLang i18n.Lang
	commands    []Command
	byName      map[string]*Command
}

func New(st *store.Store, flows *conversations.Engine, log *slog.Logger, defaultLang i18n.Lang) *Router {
	r := &Router{store: st, flows: flows, log: log, defaultLang: defaultLang}
	r.commands = r.commandTable()
	r.byName = map[string]*Command{}
	for i := range r.commands {
		c := &r.commands[i]
		r.byName[c.Name] = c
		for _, a := range c.Aliases {
			r.byName[a] = c
		}
	}
	return r
}

// WithOutbox makes the router queue every message for a messenger inside
// the update's transaction instead of returning it; console messages are
// still returned (the console prints them at once).
func (r *Router) WithOutbox(e Enqueuer) *Router {
	r.outbox = e
	return r
}

// Ctx is what a command sees: the update, the speaker, the open transaction
// and the replies it has queued.
type Ctx struct {
	context.Context
	Tx     *sqlx.Tx
	Update bot.Update
	Person store.Person
	Roles  []store.PersonRole
	Lang   i18n.Lang
	Args   string
	// Session is the conversation view of this update (nil before the
	// speaker is known).
	Session *conversations.Session
	out     []bot.Message
}

// T renders a catalog message in the speaker's language.
func (c *Ctx) T(key string, args ...any) string { return i18n.T(c.Lang, key, args...) }

// Reply queues a text to the chat the update came from.
func (c *Ctx) Reply(text string) {
	c.out = append(c.out, bot.Message{Platform: c.Update.Platform, ChatID: c.Update.ChatID, Text: text})
}

// HasRole reports whether the speaker holds role.
func (c *Ctx) HasRole(role string) bool {
	for _, r := range c.Roles {
		if r.Role == role {
			return true
		}
	}
	return false
}

// Handle processes one update in one transaction: its dedupe key, its
// effects and its replies commit together or not at all. A duplicate update
// returns no messages.
func (r *Router) Handle(ctx context.Context, u bot.Update) (msgs []bot.Message, err error) {
	defer func() {
		// A bug in one update must not take the process down: it is logged,
		// rolled back (the deferred Rollback in InTx has run) and apologised for.
		if p := recover(); p != nil {
			r.log.Error("panic handling update", "platform", u.Platform, "key", u.Key, "panic", p, "stack", string(debug.Stack()))
			lang := i18n.Parse(u.LangHint, r.defaultLang)
			msgs = []bot.Message{{Platform: u.Platform, ChatID: u.ChatID, Text: i18n.T(lang, "error.internal")}}
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	var out []bot.Message
	err = r.store.InTx(ctx, func(tx *sqlx.Tx) error {
		// One person's updates in one chat are handled one at a time, even
		// when the draft row does not exist yet (two photos of an album);
		// the update's key is stored with its effects (exactly once).
		if u.Key == "" {
			if err := r.store.LockConversation(ctx, tx, u.Platform, u.ChatID, u.UserID); err != nil {
				return err
			}
		} else {
			first, err := r.store.BeginUpdate(ctx, tx, u.Platform, u.ChatID, u.UserID, u.Key)
			if err != nil {
				return err
			}
			if !first {
				r.log.Info("duplicate update ignored", "platform", u.Platform, "key", u.Key)
				return nil
			}
		}
		c := &Ctx{Context: ctx, Tx: tx, Update: u, Lang: i18n.Parse(u.LangHint, r.defaultLang)}
		if err := r.dispatch(c); err != nil {
			return err
		}
		out = c.out
		if r.outbox == nil {
			return nil
		}
		var queued []bot.Message
		out = nil
		for _, m := range c.out {
			if m.Platform == bot.Console {
				out = append(out, m)
			} else {
				queued = append(queued, m)
			}
		}
		return r.outbox.EnqueueSends(ctx, tx.Tx, queued)
	})
	if err != nil {
		r.log.Error("handle update", "platform", u.Platform, "key", u.Key, "err", err)
		lang := i18n.Parse(u.LangHint, r.defaultLang)
		return []bot.Message{{Platform: u.Platform, ChatID: u.ChatID, Text: i18n.T(lang, "error.internal")}}, err
	}
	return out, nil
}

func (r *Router) dispatch(c *Ctx) error {
	name, args := splitCommand(c.Update.Text)
	if c.Update.Photo != nil || c.Update.Location != nil || c.Update.Callback != nil {
		name, args = "", "" // a caption is not a command
	}
	c.Args = args
	var action conversations.CaseAction
	isAction := false
	if c.Update.Callback != nil {
		action, isAction = conversations.ParseCaseAction(c.Update.Callback.Data)
	}
	p, err := r.store.PersonByIdentity(c, c.Tx, c.Update.Platform, c.Update.UserID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if isAction && may("button:"+action.Action, nil) {
			// Residents answer the satisfaction question without an account.
			c.Session = r.flows.NewSession(c, c.Tx, c.Update, store.Person{}, nil, c.Lang)
			defer func() { c.out = append(c.out, c.Session.Out...) }()
			return r.flows.Act(c.Session, action)
		}
		if name == "start" && args != "" {
			return r.redeem(c, args)
		}
		if c.Update.ChatKind == bot.Group && name == "" {
			return nil // strangers chatting in a group are not spoken to
		}
		c.Reply(c.T("start.unbound"))
		return nil
	case err != nil:
		return err
	}
	c.Person = p
	c.Lang = i18n.Parse(p.Lang, r.defaultLang)
	if !p.Active {
		c.Reply(c.T("person.inactive"))
		return nil
	}
	if c.Roles, err = r.store.RolesOf(c, c.Tx, p.ID); err != nil {
		return err
	}
	c.Session = r.flows.NewSession(c, c.Tx, c.Update, p, c.Roles, c.Lang)
	defer func() { c.out = append(c.out, c.Session.Out...) }()

	if isAction {
		what := "button:" + action.Action
		if !may(what, roleCodes(c.Roles)) {
			c.Reply(c.T("action.forbidden", "action", c.T("action."+action.Action), "roles", r.roleList(c.Lang, whoMay(what))))
			return nil
		}
		return r.flows.Act(c.Session, action)
	}
	if cmd, ok := r.byName[name]; ok && (cmd.Name == "cancel" || cmd.Name == "back") {
		return cmd.Run(c) // these work even on a draft that cannot be read
	}
	active, err := r.flows.Active(c.Session)
	if err != nil {
		return err
	}
	if active {
		cmd, known := r.byName[name]
		switch {
		case name == "":
			return r.flows.Handle(c.Session, conversations.InputOf(c.Update))
		case !known:
			c.Reply(c.T("cmd.unknown", "cmd", "/"+name))
			return r.flows.Reprompt(c.Session)
		case cmd.Flow != "":
			c.Reply(c.T("flow.busy", "flow", c.Session.FlowTitle()))
			return r.flows.Reprompt(c.Session)
		}
		return r.run(c, cmd) // a query mid-flow leaves the draft where it is
	}
	if name == "" {
		if cmd, ok := r.byName[strings.TrimSpace(c.Update.Text)]; ok && c.Update.Callback == nil && !isASCII(c.Update.Text) {
			return r.run(c, cmd) // 上报, 帮助 ... typed without the slash
		}
		switch {
		case c.Update.Callback != nil:
			c.Reply(c.T("flow.stale_button"))
		case c.Update.Photo != nil && c.Update.ChatKind == bot.Private && may("/report", roleCodes(c.Roles)):
			in := conversations.InputOf(c.Update)
			return r.run(c, r.byName["report"], &in) // a photo alone starts a report
		case c.Update.ChatKind == bot.Group:
			// group small talk is not for the bot
		default:
			c.Reply(c.T("text.unexpected"))
		}
		return nil
	}
	cmd, ok := r.byName[name]
	if !ok {
		c.Reply(c.T("cmd.unknown", "cmd", "/"+name))
		return nil
	}
	return r.run(c, cmd)
}

// run checks the role and runs a command or starts its flow.
func (r *Router) run(c *Ctx, cmd *Command, initial ...*conversations.Input) error {
	if !r.allowed(cmd, c) {
		c.Reply(c.T("cmd.forbidden", "cmd", "/"+cmd.Name, "roles", r.roleList(c.Lang, whoMay("/"+cmd.Name))))
		return nil
	}
	if cmd.Flow != "" {
		var in *conversations.Input
		if len(initial) > 0 {
			in = initial[0]
		}
		return r.flows.Start(c.Session, cmd.Flow, in)
	}
	return cmd.Run(c)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// splitCommand parses "/cmd@botname args" into ("cmd", "args"); a text that
// is not a command gives ("", text).
func splitCommand(text string) (string, string) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return "", text
	}
	name, args, _ := strings.Cut(text[1:], " ")
	name, _, _ = strings.Cut(name, "@")
	return strings.ToLower(name), strings.TrimSpace(args)
}

func (r *Router) redeem(c *Ctx, code string) error {
	p, err := r.store.RedeemInvite(c, c.Tx, code, c.Update.Platform, c.Update.UserID, c.Update.UserName)
	switch {
	case errors.Is(err, store.ErrInviteUnknown):
		c.Reply(c.T("invite.unknown"))
		return nil
	case errors.Is(err, store.ErrInviteUsed):
		c.Reply(c.T("invite.used"))
		return nil
	case errors.Is(err, store.ErrInviteExpired):
		c.Reply(c.T("invite.expired"))
		return nil
	case err != nil:
		return err
	}
	c.Person = p
	c.Lang = i18n.Parse(p.Lang, r.defaultLang)
	if c.Roles, err = r.store.RolesOf(c, c.Tx, p.ID); err != nil {
		return err
	}
	c.Reply(c.T("start.bound", "name", p.Name, "roles", RoleNames(c.Lang, c.Roles)))
	return nil
}
