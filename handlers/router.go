// Package handlers routes an Update: who is speaking (person, roles, chat
// kind), which command or button it is, and whether that role may use it. It
// is thin: flows live in package conversations, SQL in package store.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Enqueuer puts outgoing messages into the update's transaction; the
// scheduler sends them later, paced.
type Enqueuer interface {
	EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error
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
	limit       *limiter
	share       *groupShare
	observe     Observer
}

// Observer is told of every update Handle returns from: its platform, its
// outcome ("handled", "duplicate", "limited", "transient", "failed") and
// how long it took (/metrics).
type Observer func(p bot.Platform, outcome string, took time.Duration)

// WithObserver sets the observer of handled updates.
func (r *Router) WithObserver(o Observer) *Router {
	r.observe = o
	return r
}

// observed tells the observer how an update ended.
func (r *Router) observed(u bot.Update, start time.Time, how string, err error) {
	if r.observe == nil {
		return
	}
	switch {
	case errors.Is(err, bot.ErrTransient):
		how = "transient"
	case err != nil:
		how = "failed"
	}
	r.observe(u.Platform, how, time.Since(start))
}

// New makes the router over the store and the flows.
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
// the update's transaction instead of returning it; messages for a local
// platform (the console) are still returned: it prints them at once.
func (r *Router) WithOutbox(e Enqueuer) *Router {
	r.outbox = e
	return r
}

// WithRateLimit limits each person (platform account, with or without a
// roster entry) to burst updates at once and perMinute a minute after
// that; now is the clock (nil: the real one). perMinute 0 sets no limit.
func (r *Router) WithRateLimit(perMinute, burst int, now func() time.Time) *Router {
	r.limit, r.share = nil, nil
	if perMinute > 0 {
		r.limit = newLimiter(perMinute, burst, now)
		r.share = &groupShare{now: r.limit.now, buckets: map[string]*level{}}
	}
	return r
}

// Handle processes one update in one transaction: its dedupe key, its
// effects and its replies commit together or not at all. A duplicate update
// returns no messages.
func (r *Router) Handle(ctx context.Context, u bot.Update) (msgs []bot.Message, err error) {
	start, how := time.Now(), "handled"
	defer func() { r.observed(u, start, how, err) }()
	defer func() {
		// A bug in one update must not take the process down: it is logged,
		// rolled back (the deferred Rollback in InTx has run) and apologised for.
		if p := recover(); p != nil {
			r.log.Error("panic handling update", "platform", u.Platform, "key", u.Key, "panic", p, "stack", string(debug.Stack()))
			msgs = r.apology(u)
			err = fmt.Errorf("%w: panic: %v", bot.ErrPermanent, p)
		}
	}()
	if over, answer := r.limited(u); over {
		// Not handled: no transaction at all. The answer goes out with
		// the update's (the adapter sends what Handle returns).
		how = "limited"
		return answer, nil
	}
	var out []bot.Message
	for attempt := 1; ; attempt++ {
		out = nil
		err = r.store.InTx(ctx, func(tx *store.Tx) error {
			var err error
			var first bool
			out, first, err = r.turn(ctx, tx, u)
			if err == nil && !first {
				how = "duplicate"
			}
			return err
		})
		// A conversation another update of this person started while this
		// one read it as missing: run again, seeing it.
		if !errors.Is(err, store.ErrTurnRace) || attempt == 3 {
			break
		}
		r.log.Info("update raced another of the same person; running it again", "platform", u.Platform, "key", u.Key)
	}
	if err != nil {
		return r.failed(u, err)
	}
	return out, nil
}

// turn is the update inside its transaction; it returns the messages
// Handle returns (with an outbox, those for a local platform).
func (r *Router) turn(ctx context.Context, tx *store.Tx, u bot.Update) ([]bot.Message, bool, error) {
	out, err := r.turnFirst(ctx, tx, u)
	return out, err != errDuplicate, nilIfDuplicate(err)
}

// errDuplicate is turnFirst's word for an update handled before (no
// error: nothing to do).
var errDuplicate = errors.New("duplicate update")

func nilIfDuplicate(err error) error {
	if err == errDuplicate {
		return nil
	}
	return err
}

// turnFirst is turn; errDuplicate when the update was handled before.
func (r *Router) turnFirst(ctx context.Context, tx *store.Tx, u bot.Update) ([]bot.Message, error) {
	// One statement: one person's updates in one chat are handled one
	// at a time, even when the draft row does not exist yet (two
	// photos of an album); the update's key is stored with its
	// effects (exactly once); the speaker, their roles and the
	// conversation come back with it.
	begun, err := tx.BeginTurn(ctx, string(u.Platform), u.ChatID, u.UserID, u.Key)
	if err != nil {
		return nil, err
	}
	if !begun.First {
		r.log.Info("duplicate update ignored", "platform", u.Platform, "key", u.Key)
		return nil, errDuplicate
	}
	t := r.flows.NewTurn(tx, u, i18n.Parse(u.LangHint, r.defaultLang))
	if err := r.dispatch(ctx, t, begun); err != nil {
		return nil, err
	}
	if r.outbox == nil {
		return r.capGroup(u, t.Out), tx.FinishState(ctx)
	}
	var out, queued []bot.Message
	for _, m := range r.capGroup(u, t.Out) {
		if m.Platform.Local() {
			out = append(out, m)
		} else {
			// The answer to the person who just wrote, in their private
			// chat, goes ahead of bulk sends (bot.Message.Reply).
			m.Reply = m.Platform == u.Platform && m.ChatID == u.ChatID && u.ChatKind != bot.Group && m.Broadcast == ""
			queued = append(queued, m)
		}
	}
	if u.Platform.Local() && len(queued) > 0 {
		// The console says what went elsewhere, once per update.
		key := "console.queued"
		if u.Platform == bot.Web {
			key = "web.queued"
		}
		out = append(out, bot.Message{Platform: u.Platform, ChatID: u.ChatID, Text: i18n.T(t.Lang, key, "n", len(queued),
			"platforms", platformsOf(queued))})
	}
	// The queued messages and the conversation's new state go in one
	// statement (or the state alone when nothing is queued).
	if err := r.outbox.EnqueueSends(ctx, tx, queued); err != nil {
		return nil, err
	}
	return out, tx.FinishState(ctx)
}

// failed is what Handle returns for an update that failed.
func (r *Router) failed(u bot.Update, err error) ([]bot.Message, error) {
	switch {
	case store.IsPermanent(err):
		err = fmt.Errorf("%w: %w", bot.ErrPermanent, err)
	case store.IsTransient(err):
		// The database is away or the update lost a race: it will be
		// delivered again, so nobody is told anything yet.
		r.log.Warn("handle update: will pass, to be delivered again", "platform", u.Platform, "key", u.Key, "err", err)
		return nil, fmt.Errorf("%w: %w", bot.ErrTransient, err)
	}
	r.log.Error("handle update", "platform", u.Platform, "key", u.Key, "err", err)
	return r.apology(u), err
}

// apology is the answer to an update that failed.
func (r *Router) apology(u bot.Update) []bot.Message {
	lang := i18n.Parse(u.LangHint, r.defaultLang)
	return []bot.Message{{Platform: u.Platform, ChatID: u.ChatID, Text: i18n.T(lang, "error.internal")}}
}

// run checks the role and runs a command or starts its flow.
func (r *Router) run(ctx context.Context, t *conversations.Turn, cmd *Command, initial ...*conversations.Input) error {
	if !may("/"+cmd.Name, roleCodes(t.Roles)) {
		if suspended, err := r.suspendedFrom(ctx, t, "/"+cmd.Name, "/"+cmd.Name); suspended || err != nil {
			return err
		}
		t.Reply(t.T("cmd.forbidden", "cmd", "/"+cmd.Name, "roles", r.roleList(t.Lang, whoMay("/"+cmd.Name))))
		return nil
	}
	if cmd.Flow != "" {
		var in *conversations.Input
		if len(initial) > 0 {
			in = initial[0]
		}
		return r.flows.Start(ctx, t, cmd.Flow, in)
	}
	return cmd.Run(ctx, t)
}

// caseRef is a case asked for in words: a case number alone
// (2026-000123), or after 查看案件 / 案件 / 查看 / case.
var caseRef = regexp.MustCompile(`^(?i:(?:查看案件|查看|案件|case)\s*[:#]?\s*(\d{1,4}(?:-\d{1,7})?)|(\d{4}-\d{6,7}))$`)

// caseReference is the case number a text asks for, if it is one; in a
// group only after 查看案件 (a number alone there is people talking).
func caseReference(text string, group bool) (string, bool) {
	m := caseRef.FindStringSubmatch(strings.TrimSpace(i18n.Narrow(text)))
	switch {
	case m == nil:
		return "", false
	case m[1] != "":
		return m[1], true
	}
	return m[2], !group
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

// platformsOf names the platforms of msgs, in order of first appearance.
func platformsOf(msgs []bot.Message) string {
	var names []string
	seen := map[bot.Platform]bool{}
	for _, m := range msgs {
		if !seen[m.Platform] {
			seen[m.Platform] = true
			names = append(names, string(m.Platform))
		}
	}
	return strings.Join(names, ", ")
}
