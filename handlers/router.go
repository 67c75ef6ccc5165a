// Package handlers routes an Update: who is speaking (person, roles, chat
// kind), which command or button it is, and whether that role may use it. It
// is thin: flows live in package conversations, SQL in package store.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/flows/complaints"
	"github.com/alleybot/alleybot/flows/report"
	"github.com/alleybot/alleybot/flows/trainings"
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

// capGroup drops the replies to the update's group past the person's
// share of it (groupShare); everything else goes as it is.
func (r *Router) capGroup(u bot.Update, msgs []bot.Message) []bot.Message {
	if r.share == nil || u.ChatKind != bot.Group || u.Platform.Local() || u.UserID == "" {
		return msgs
	}
	n := 0
	for _, m := range msgs {
		if m.Platform == u.Platform && m.ChatID == u.ChatID {
			n++
		}
	}
	if n == 0 {
		return msgs
	}
	room := r.share.room(string(u.Platform)+":"+u.UserID+"@"+u.ChatID, n)
	if room == n {
		return msgs
	}
	r.log.Warn("group share: replies to the group not queued", "platform", u.Platform, "user", u.UserID, "chat", u.ChatID, "dropped", n-room)
	out := msgs[:0:0]
	for _, m := range msgs {
		if m.Platform == u.Platform && m.ChatID == u.ChatID {
			if room == 0 {
				continue
			}
			room--
		}
		out = append(out, m)
	}
	return out
}

// limited reports an update over its person's rate limit, with the answer
// (once a minute while over). A local platform (the console) is not limited.
func (r *Router) limited(u bot.Update) (bool, []bot.Message) {
	if r.limit == nil || u.Platform.Local() || u.UserID == "" || u.Moved != nil {
		return false, nil
	}
	ok, tell, wait := r.limit.allow(string(u.Platform) + ":" + u.UserID)
	if ok {
		return false, nil
	}
	if !tell {
		return true, nil
	}
	r.log.Warn("rate limit: updates of this person dropped", "platform", u.Platform, "user", u.UserID, "chat", u.ChatID)
	lang := i18n.Parse(u.LangHint, r.defaultLang)
	seconds := max(1, int(math.Ceil(wait.Seconds())))
	text := i18n.T(lang, "rate.limited", "seconds", seconds)
	if u.UserName != "" {
		text = i18n.T(lang, "rate.limited.named", "name", u.UserName, "seconds", seconds)
	}
	return true, []bot.Message{{Platform: u.Platform, ChatID: u.ChatID, ChatTitle: u.ChatTitle, Text: text}}
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
			msgs = r.apology(u)
			err = fmt.Errorf("%w: panic: %v", bot.ErrPermanent, p)
		}
	}()
	if over, answer := r.limited(u); over {
		// Not handled: no transaction at all. The answer goes out with
		// the update's (the adapter sends what Handle returns).
		return answer, nil
	}
	var out []bot.Message
	for attempt := 1; ; attempt++ {
		out = nil
		err = r.store.InTx(ctx, func(tx *store.Tx) error {
			// One statement: one person's updates in one chat are handled one
			// at a time, even when the draft row does not exist yet (two
			// photos of an album); the update's key is stored with its
			// effects (exactly once); the speaker, their roles and the
			// conversation come back with it.
			begun, err := tx.BeginTurn(ctx, string(u.Platform), u.ChatID, u.UserID, u.Key)
			if err != nil {
				return err
			}
			if !begun.First {
				r.log.Info("duplicate update ignored", "platform", u.Platform, "key", u.Key)
				return nil
			}
			t := r.flows.NewTurn(tx, u, i18n.Parse(u.LangHint, r.defaultLang))
			if err := r.dispatch(ctx, t, begun); err != nil {
				return err
			}
			if r.outbox == nil {
				out = r.capGroup(u, t.Out)
				return tx.FinishState(ctx)
			}
			var queued []bot.Message
			for _, m := range r.capGroup(u, t.Out) {
				if m.Platform.Local() {
					out = append(out, m)
				} else {
					queued = append(queued, m)
				}
			}
			if u.Platform.Local() && len(queued) > 0 {
				// The console says what went elsewhere, once per update.
				out = append(out, bot.Message{Platform: u.Platform, ChatID: u.ChatID, Text: i18n.T(t.Lang, "console.queued", "n", len(queued),
					"platforms", platformsOf(queued))})
			}
			// The queued messages and the conversation's new state go in one
			// statement (or the state alone when nothing is queued).
			if err := r.outbox.EnqueueSends(ctx, tx, queued); err != nil {
				return err
			}
			return tx.FinishState(ctx)
		})
		// A conversation another update of this person started while this
		// one read it as missing: run again, seeing it.
		if !errors.Is(err, store.ErrTurnRace) || attempt == 3 {
			break
		}
		r.log.Info("update raced another of the same person; running it again", "platform", u.Platform, "key", u.Key)
	}
	if err != nil {
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
	return out, nil
}

// apology is the answer to an update that failed.
func (r *Router) apology(u bot.Update) []bot.Message {
	lang := i18n.Parse(u.LangHint, r.defaultLang)
	return []bot.Message{{Platform: u.Platform, ChatID: u.ChatID, Text: i18n.T(lang, "error.internal")}}
}

func (r *Router) dispatch(ctx context.Context, t *conversations.Turn, begun store.Begun) error {
	u := t.Update
	if u.Moved != nil {
		// The group has a new id (a supergroup): its roster group, its
		// conversations and (in the outbox) its queue follow. Nobody is
		// answered: it is a service message.
		bound, err := t.Tx.RebindChat(ctx, string(u.Platform), u.Moved.From, u.Moved.To)
		if err == nil && bound {
			r.log.Info("group moved to a new chat id", "platform", u.Platform, "from", u.Moved.From, "to", u.Moved.To)
		}
		return err
	}
	name, args := splitCommand(u.Text)
	if u.Photo != nil || u.Location != nil || u.Callback != nil {
		name, args = "", "" // a caption is not a command
	}
	if u.Callback != nil && strings.HasPrefix(u.Callback.Data, "/") {
		// A command button (结束巡查 → /endpatrol): pressed, it is the
		// command typed.
		name, args = splitCommand(u.Callback.Data)
		u.Callback, u.Text = nil, u.Callback.Data
		t.Update = u
	}
	t.Args = args
	var action cases.CaseAction
	var kaction conversations.Pressed
	var taction conversations.Pressed
	isAction, isComplaint, isTraining := false, false, false
	if u.Callback != nil {
		action, isAction = cases.ParseCaseAction(u.Callback.Data)
		kaction, isComplaint = complaints.ParseAction(u.Callback.Data)
		taction, isTraining = trainings.ParseAction(u.Callback.Data)
	}
	// Who is speaking, with their roles: read by BeginTurn.
	var p store.Person
	var roles []store.PersonRole
	var err error
	if begun.Person == nil {
		err = store.ErrNotFound
	} else {
		p, roles = *begun.Person, begun.Roles
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		if isAction && may(buttonKey(action.Action), nil) {
			// Residents answer the satisfaction question without an account.
			return cases.Act(ctx, r.flows, t, action)
		}
		// Residents complain without an account, and continue the flow.
		if done, err := r.residentTurn(ctx, t, name, args); done || err != nil {
			return err
		}
		if name == "start" && args != "" {
			return r.redeem(ctx, t, args)
		}
		if u.ChatKind == bot.Group && name == "" {
			return nil // strangers chatting in a group are not spoken to
		}
		if u.Platform == bot.WeCom {
			// WeCom people are matched by the roster's wecom_userid: no
			// invitation; someone not in it is told whom to ask.
			admins, err := t.Tx.NamesWithRole(ctx, store.RoleAdmin)
			if err != nil {
				return err
			}
			t.Reply(t.T("start.unbound.wecom", "userid", u.UserID, "admins", strings.Join(admins, t.T("list.sep"))))
			return nil
		}
		// Anyone else not in the roster is most likely a resident: what
		// residents can do, on every channel (staff are told how to bind).
		return r.resident(ctx, t)
	case err != nil:
		return err
	}
	t.Person = p
	t.Lang = i18n.Parse(p.Lang, r.defaultLang)
	if !p.Active {
		t.Reply(t.T("person.inactive"))
		return nil
	}
	t.Roles = roles

	if name == "" && u.Callback == nil && u.Photo == nil && u.Location == nil && isRebindWord(u.Text) {
		return r.confirmRebind(ctx, t) // 确认换绑: the code this account was refused a moment ago
	}
	if isTraining {
		what := "button:t:" + taction.Action
		if !may(what, roleCodes(t.Roles)) {
			t.Reply(t.T("action.forbidden", "action", t.T("button.training."+taction.Action), "roles", r.roleList(t.Lang, whoMay(what))))
			return nil
		}
		return trainings.Act(ctx, r.flows, t, taction)
	}
	if isComplaint {
		what := "button:k:" + kaction.Action
		if !may(what, roleCodes(t.Roles)) {
			t.Reply(t.T("action.forbidden", "action", t.T("button.complaint."+kaction.Action), "roles", r.roleList(t.Lang, whoMay(what))))
			return nil
		}
		return complaints.Act(ctx, r.flows, t, kaction)
	}
	if isAction {
		what := buttonKey(action.Action)
		if !may(what, roleCodes(t.Roles)) {
			t.Reply(t.T("action.forbidden", "action", t.T("action."+string(action.Action)), "roles", r.roleList(t.Lang, whoMay(what))))
			return nil
		}
		return cases.Act(ctx, r.flows, t, action)
	}
	if cmd, ok := r.byName[name]; ok && (cmd.Name == "cancel" || cmd.Name == "back") {
		return cmd.Run(ctx, t) // these work even on a draft that cannot be read
	}
	if cmd, ok := r.byName[strings.TrimSpace(u.Text)]; ok && name == "" && u.Callback == nil && u.Photo == nil && u.Location == nil &&
		(cmd.Name == "cancel" || cmd.Name == "back") {
		return cmd.Run(ctx, t) // 取消 and 返回 typed without the slash, in a flow too
	}
	active, err := r.flows.Active(ctx, t)
	if err != nil {
		return err
	}
	alias, isAlias := r.byName[strings.TrimSpace(u.Text)]
	isAlias = isAlias && name == "" && u.Callback == nil && u.Photo == nil && u.Location == nil && !isASCII(u.Text)
	caseNumber, isCase := "", false
	if name == "" && u.Callback == nil && u.Photo == nil && u.Location == nil {
		caseNumber, isCase = caseReference(u.Text, u.ChatKind == bot.Group)
	}
	if active && (name != "" && name != "report" || isAlias && alias.Name != "report" || isCase) {
		// 要上报这个问题吗? is a question, not a task: a command (结束巡查,
		// /case …) or a case number sent instead of the answer does what it
		// says, and the offer is dropped (上报 is its answer).
		dropped, err := report.DropOffer(ctx, r.flows, t)
		if err != nil {
			return err
		}
		active = active && !dropped
	}
	if active && name == "report" {
		if answered, err := report.AnswerOffer(ctx, r.flows, t); answered || err != nil {
			return err // /report while 要上报这个问题吗? waits: its 上报
		}
	}
	if active {
		cmd, known := r.byName[name]
		switch {
		case name == "":
			in := conversations.InputOf(u)
			if in.Kind == conversations.Text && !r.flows.Takes(ctx, t, in) {
				// Not an answer to this step: perhaps a case card's button, typed.
				if done, err := r.typedLabel(ctx, t, u.Text); done || err != nil {
					return err
				}
			}
			return r.flows.Handle(ctx, t, in)
		case !known:
			t.Reply(t.T("cmd.unknown", "cmd", "/"+name))
			return r.flows.Reprompt(ctx, t)
		case cmd.Flow != "":
			t.Reply(t.T("flow.busy", "flow", t.FlowTitle()))
			return r.flows.Reprompt(ctx, t)
		}
		return r.run(ctx, t, cmd) // a query mid-flow leaves the draft where it is
	}
	if name == "" {
		if cmd, ok := r.byName[strings.TrimSpace(u.Text)]; ok && u.Callback == nil && !isASCII(u.Text) {
			return r.run(ctx, t, cmd) // 上报, 帮助 ... typed without the slash
		}
		if isCase { // 2026-000123, 查看案件 2026-000123: the case, not a problem to report
			t.Args = caseNumber
			return r.run(ctx, t, r.byName["case"])
		}
		if u.Callback == nil && u.Photo == nil && u.Location == nil {
			if done, err := r.typedLabel(ctx, t, u.Text); done || err != nil {
				return err // 已整改, 通过 ... a case card's button typed
			}
		}
		switch {
		case u.Callback != nil:
			t.Reply(t.T("flow.stale_button"))
		case u.Photo != nil && u.ChatKind == bot.Private && may("/report", roleCodes(t.Roles)):
			in := conversations.InputOf(u)
			return r.run(ctx, t, r.byName["report"], &in) // a photo alone starts a report
		case u.ChatKind == bot.Group:
			// group small talk is not for the bot
		case u.Location != nil && may("/report", roleCodes(t.Roles)):
			lat, lon := u.Location.Lat, u.Location.Lon
			return report.Offer(ctx, r.flows, t, "", &lat, &lon) // a point: report something there?
		case conversations.Visible(u.Text) >= 4 && may("/report", roleCodes(t.Roles)):
			return report.Offer(ctx, r.flows, t, u.Text, nil, nil) // words: a problem to report?
		default:
			t.Reply(t.T("text.unexpected"))
		}
		return nil
	}
	cmd, ok := r.byName[name]
	if !ok {
		t.Reply(t.T("cmd.unknown", "cmd", "/"+name))
		return nil
	}
	return r.run(ctx, t, cmd)
}

// run checks the role and runs a command or starts its flow.
func (r *Router) run(ctx context.Context, t *conversations.Turn, cmd *Command, initial ...*conversations.Input) error {
	if !may("/"+cmd.Name, roleCodes(t.Roles)) {
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

func (r *Router) redeem(ctx context.Context, t *conversations.Turn, code string) error {
	p, err := t.Tx.RedeemInvite(ctx, code, string(t.Update.Platform), t.Update.UserID, t.Update.UserName)
	switch {
	case errors.Is(err, store.ErrInviteUnknown):
		t.Reply(t.T("invite.unknown"))
		return nil
	case errors.Is(err, store.ErrInviteUsed):
		t.Reply(t.T("invite.used"))
		return nil
	case errors.Is(err, store.ErrInviteExpired):
		t.Reply(t.T("invite.expired"))
		return nil
	case err != nil:
		return err
	}
	t.Person = p
	t.Lang = i18n.Parse(p.Lang, r.defaultLang)
	if t.Roles, err = t.Tx.RolesOf(ctx, p.ID); err != nil {
		return err
	}
	t.Reply(t.T("start.bound", "name", p.Name, "roles", RoleNames(t.Lang, t.Roles)))
	return nil
}

// Rebinding. An account bound to one person that redeems another
// person's code is refused, with who it is bound to and the two deliberate
// ways to move it: the person answers 确认换绑 within rebindWithin, or an
// administrator runs `alleybot unbind NAME` and the code is used again.
// A coordinator who opens a steward's invitation link stays the
// coordinator.

const rebindWithin = 10 * time.Minute

func rebindKey(t *conversations.Turn) string {
	return "rebind:" + string(t.Update.Platform) + ":" + t.Update.UserID
}

// isRebindWord is 确认换绑 (or its English), typed.
func isRebindWord(text string) bool {
	text = strings.TrimSpace(text)
	return text == i18n.T(i18n.ZH, "invite.rebind.word") || strings.EqualFold(text, i18n.T(i18n.EN, "invite.rebind.word"))
}

// redeemBound is /start CODE from an account already bound: its own
// person's code binds as before (a new code, the link pressed again);
// another person's is refused and remembered for 确认换绑.
func (r *Router) redeemBound(ctx context.Context, t *conversations.Turn, code string) error {
	holder, err := t.Tx.InviteHolder(ctx, code)
	if errors.Is(err, store.ErrInviteUsed) && holder.ID != t.Person.ID {
		t.Reply(t.T("invite.used"))
		return nil
	}
	if err != nil || holder.ID == t.Person.ID {
		return r.redeem(ctx, t, code) // its errors are told there
	}
	if err := t.Tx.CacheSet(ctx, rebindKey(t), code, rebindWithin); err != nil {
		return err
	}
	t.Reply(t.T("invite.bound_other", "name", t.Person.Name, "roles", RoleNames(t.Lang, t.Roles), "other", holder.Name,
		"word", t.T("invite.rebind.word"), "minutes", int(rebindWithin.Minutes()), "code", t.Person.Code))
	return nil
}

// confirmRebind moves this account to the person of the code it was
// refused for.
func (r *Router) confirmRebind(ctx context.Context, t *conversations.Turn) error {
	code, ok, err := t.Tx.CacheGet(ctx, rebindKey(t))
	if err != nil {
		return err
	}
	if !ok {
		t.Reply(t.T("invite.rebind.none"))
		return nil
	}
	if err := t.Tx.CacheDelete(ctx, rebindKey(t)); err != nil {
		return err
	}
	old := t.Person
	if err := r.redeem(ctx, t, code); err != nil || t.Person.ID == old.ID {
		return err // a code used or expired meanwhile was told
	}
	r.log.Info("account moved to another person", "platform", t.Update.Platform, "user", t.Update.UserID, "from", old.Code, "to", t.Person.Code)
	t.Reply(t.T("invite.rebound", "old", old.Name))
	return nil
}

// resident answers someone with no account (a resident on WeChat customer
// service, Telegram or the console): 帮助 / help gives what residents can
// do, a case number its public state (number, status, place, kind; no
// names), a complaint number its state to the one who filed it, else the
// welcome. Where staff bind an account by invitation (Telegram), the
// answer ends with how.
func (r *Router) resident(ctx context.Context, t *conversations.Turn) error {
	reply, err := r.residentReply(ctx, t)
	if err != nil {
		return err
	}
	if p := t.Update.Platform; p != bot.WeChat && !p.Local() {
		reply += "\n" + t.T("resident.staff")
	}
	t.Reply(reply)
	return nil
}

func (r *Router) residentReply(ctx context.Context, t *conversations.Turn) (string, error) {
	text := strings.TrimSpace(t.Update.Text)
	if n := residentComplaintRe.FindString(strings.ToUpper(i18n.Narrow(text))); n != "" {
		return r.residentComplaint(ctx, t, n)
	}
	if n := residentCaseRe.FindString(i18n.Narrow(text)); n != "" {
		c, err := t.Tx.CaseByNumber(ctx, n)
		if errors.Is(err, store.ErrNotFound) {
			return t.T("resident.case.unknown", "number", n), nil
		}
		if err != nil {
			return "", err
		}
		cats := strings.Join(c.Categories, "、")
		if t.Lang == i18n.EN {
			cats = strings.Join(c.CategoriesEn, ", ")
		}
		return t.T("resident.case", "number", c.Number, "status", t.T("status."+string(c.Status)),
			"alley", c.AlleyName, "category", cats, "date", c.CreatedAt.In(r.flows.Deps().Location).Format("2006-01-02")), nil
	}
	if name, _ := splitCommand(text); name == "help" || name == "start" {
		return t.T("resident.help"), nil // /help@bot in a group too
	}
	switch strings.ToLower(text) {
	case "帮助", "help", "?", "？":
		return t.T("resident.help"), nil
	}
	return t.T("resident.welcome"), nil
}

var (
	residentCaseRe      = regexp.MustCompile(`\d{4}-\d{6}`)
	residentComplaintRe = regexp.MustCompile(`T\d{4}-\d{6}`)
)

// residentComplaint tells a resident how their complaint stands (someone
// else's is not found: a complaint may be about a person).
func (r *Router) residentComplaint(ctx context.Context, t *conversations.Turn, number string) (string, error) {
	k, err := t.Tx.ComplaintByNumber(ctx, number)
	if errors.Is(err, store.ErrNotFound) || err == nil && (k.Platform != string(t.Update.Platform) || k.UserID != t.Update.UserID) {
		return t.T("resident.complaint.unknown", "number", number), nil
	}
	if err != nil {
		return "", err
	}
	text := t.T("resident.complaint", "number", k.Number, "status", t.T("complaint.status."+k.Status))
	if k.CaseID.Valid {
		n, err := t.Tx.CaseNumber(ctx, k.CaseID.Int64)
		if err != nil {
			return "", err
		}
		text += "\n" + t.T("resident.complaint.case_number", "number", n)
	}
	return text, nil
}

// residentTurn is what someone without an account may do: complain (in a
// group: an acknowledgement and a deep link to continue privately), follow
// a complaint deep link, go on with the complaint flow, ask for the
// contact. done is false for anything else.
func (r *Router) residentTurn(ctx context.Context, t *conversations.Turn, name, args string) (bool, error) {
	u := t.Update
	text := strings.TrimSpace(u.Text)
	switch {
	case name == "start" && strings.HasPrefix(args, complaintLinkPrefix):
		return true, r.complaintLink(ctx, t, strings.TrimPrefix(args, complaintLinkPrefix))
	case name == "start" && strings.HasPrefix(args, cases.ReopenLinkPrefix):
		return true, cases.FollowReopenLink(ctx, r.flows, t, strings.TrimPrefix(args, cases.ReopenLinkPrefix))
	case name == "complain" || (name == "" && u.Callback == nil && text == "投诉") || r.mentioned(t):
		return true, r.complain(ctx, t)
	case name == "contact" || (name == "" && text == "联系方式"):
		return true, r.cmdContact(ctx, t)
	case name == "cancel" || (name == "" && text == "取消"):
		if active, err := r.flows.Active(ctx, t); err != nil || !active {
			return active, err
		}
		return true, r.flows.Cancel(ctx, t)
	}
	active, err := r.flows.Active(ctx, t)
	if err != nil || !active {
		return false, err
	}
	if name != "" {
		t.Reply(t.T("cmd.unknown", "cmd", "/"+name))
		return true, r.flows.Reprompt(ctx, t)
	}
	return true, r.flows.Handle(ctx, t, conversations.InputOf(u))
}

const complaintLinkPrefix = "cmp_"

// mentioned reports a message in a group that names the bot (@username).
func (r *Router) mentioned(t *conversations.Turn) bool {
	u := t.Update
	name := t.Deps.BotUsername()
	return u.ChatKind == bot.Group && name != "" && u.Callback == nil && strings.Contains(u.Text, "@"+name)
}

// complain starts a complaint: privately at once; from a group, with a
// short acknowledgement there and a deep link (only for the one who asked)
// to continue privately, so the group is not flooded. The console, which
// has no links, moves to the private chat directly.
func (r *Router) complain(ctx context.Context, t *conversations.Turn) error {
	u := t.Update
	if u.ChatKind != bot.Group {
		return complaints.Start(ctx, r.flows, t, 0)
	}
	var community int64
	if chat, err := t.Tx.ChatByBinding(ctx, string(u.Platform), u.ChatID); err == nil {
		community = chat.CommunityID.Int64
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if u.Platform.Local() {
		t.Reply(t.T("complaint.group_ack.console", "name", u.UserName))
		t.Update.ChatID = bot.PrivateChatID(u.Platform, u.UserID)
		t.Update.ChatKind, t.Update.ChatTitle = bot.Private, ""
		return complaints.Start(ctx, r.flows, t, community)
	}
	botName := t.Deps.BotUsername()
	if u.Platform != bot.Telegram || botName == "" {
		t.Reply(t.T("complaint.group_ack.private", "name", u.UserName))
		return nil
	}
	token, err := t.Tx.ComplaintLink(ctx, string(u.Platform), u.UserID, community, 24*time.Hour, t.Deps.Now())
	if err != nil {
		return err
	}
	link := "https://t.me/" + botName + "?start=" + complaintLinkPrefix + token
	t.Reply(t.T("complaint.group_ack", "name", u.UserName, "link", link))
	return nil
}

// complaintLink follows a group's deep link: it must be the asker's own and
// fresh.
func (r *Router) complaintLink(ctx context.Context, t *conversations.Turn, token string) error {
	owner, community, expired, err := t.Tx.LinkOf(ctx, token, t.Deps.Now())
	switch {
	case errors.Is(err, store.ErrNotFound) || expired:
		t.Reply(t.T("complaint.link.stale"))
		return nil
	case err != nil:
		return err
	case owner != t.Update.UserID:
		t.Reply(t.T("complaint.link.not_yours"))
		return nil
	}
	return complaints.Start(ctx, r.flows, t, community)
}

func (r *Router) cmdComplain(ctx context.Context, t *conversations.Turn) error {
	return r.complain(ctx, t)
}

// cmdContact gives the complaint hotline and mailbox (七(二)).
func (r *Router) cmdContact(ctx context.Context, t *conversations.Turn) error {
	d := complaints.Of(r.flows)
	if d.Hotline == "" && d.Mailbox == "" {
		t.Reply(t.T("complaint.contact.none"))
		return nil
	}
	t.Reply(t.T("complaint.contact", "hotline", orDash(d.Hotline), "mailbox", orDash(d.Mailbox)))
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
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
