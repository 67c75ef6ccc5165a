package handlers

import (
	"context"
	"strings"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/report"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// An update goes through the stages in order; the first that takes it
// answers it, and the rest do not run. Each reads the route, which the
// earlier stages filled in: the command typed, the button pressed, the
// person speaking.

// route is one update on its way through the stages.
type route struct {
	t     *conversations.Turn
	begun store.Begun
	name  string // the command, without its slash; "" when it is none
	args  string // what follows the command
	// family and pressed: the family's button pressed (nil: none).
	family  *conversations.ButtonFamily
	pressed conversations.Pressed
}

// plain reports a message of text alone: no button, no photo, no point.
func (rt *route) plain() bool {
	u := rt.t.Update
	return u.Callback == nil && u.Photo == nil && u.Location == nil
}

// stage takes the update (done) or passes it on to the next stage.
type stage func(ctx context.Context, rt *route) (done bool, err error)

// stages are the router's stages, in the order they run.
func (r *Router) stages() []stage {
	return []stage{
		r.chatMoved,     // a group with a new id: nobody is answered
		r.commandButton, // what was typed or pressed: a command, a family's button
		r.identify,      // who is speaking: a resident, a stranger, an inactive person, 确认换绑
		r.button,        // a family's button, by whoever may press it
		r.cancelBack,    // /cancel, /back, 取消, 返回: even on a draft that cannot be read
		r.activeFlow,    // a flow waiting for the person's answer
		r.command,       // a command
		r.freeInput,     // anything else: a command's word, a case number, a photo, words
	}
}

func (r *Router) dispatch(ctx context.Context, t *conversations.Turn, begun store.Begun) error {
	rt := &route{t: t, begun: begun}
	for _, s := range r.stages() {
		if done, err := s(ctx, rt); done || err != nil {
			return err
		}
	}
	return nil
}

// chatMoved: the group has a new id (a supergroup): its roster group, its
// conversations and (in the outbox) its queue follow. Nobody is answered:
// it is a service message.
func (r *Router) chatMoved(ctx context.Context, rt *route) (bool, error) {
	u := rt.t.Update
	if u.Moved == nil {
		return false, nil
	}
	bound, err := rt.t.Tx.RebindChat(ctx, string(u.Platform), u.Moved.From, u.Moved.To)
	if err == nil && bound {
		r.log.Info("group moved to a new chat id", "platform", u.Platform, "from", u.Moved.From, "to", u.Moved.To)
	}
	return true, err
}

// commandButton reads the command typed and the button pressed. It never
// takes the update.
func (r *Router) commandButton(_ context.Context, rt *route) (bool, error) {
	t := rt.t
	u := t.Update
	rt.name, rt.args = splitCommand(u.Text)
	if u.Photo != nil || u.Location != nil || u.Callback != nil {
		rt.name, rt.args = "", "" // a caption is not a command
	}
	if u.Callback != nil && strings.HasPrefix(u.Callback.Data, "/") {
		// A command button (结束巡查 → /endpatrol): pressed, it is the
		// command typed.
		rt.name, rt.args = splitCommand(u.Callback.Data)
		u.Callback, u.Text = nil, u.Callback.Data
		t.Update = u
	}
	t.Args = rt.args
	if u.Callback != nil {
		rt.family, rt.pressed, _ = r.flows.Button(u.Callback.Data)
	}
	return false, nil
}

// identify: who is speaking, with their roles (read by BeginTurn). Someone
// without an account is answered here, unless they pressed a button anyone
// may press (the satisfaction question in a resident group).
func (r *Router) identify(ctx context.Context, rt *route) (bool, error) {
	t := rt.t
	if rt.begun.Person == nil {
		if rt.family != nil && rt.family.IsPublic(rt.pressed.Action) {
			// Residents answer the satisfaction question without an account.
			return false, nil
		}
		return true, r.stranger(ctx, rt)
	}
	p := *rt.begun.Person
	t.Person = p
	t.Lang = i18n.Parse(p.Lang, r.defaultLang)
	if !p.Active {
		t.Reply(t.T("person.inactive"))
		return true, nil
	}
	t.Roles = rt.begun.Roles
	if rt.name == "" && rt.plain() && isRebindWord(t.Update.Text) {
		return true, r.confirmRebind(ctx, t) // 确认换绑: the code this account was refused a moment ago
	}
	return false, nil
}

// button: a family's button, pressed by whoever may press it (the family's
// Act checks state and scope); anyone else is told who may.
func (r *Router) button(ctx context.Context, rt *route) (bool, error) {
	f, p, t := rt.family, rt.pressed, rt.t
	if f == nil {
		return false, nil
	}
	if !mayPress(f, p, roleCodes(t.Roles)) {
		if suspended, err := r.suspendedFrom(ctx, t, p.Key(), f.Label(t.Lang, p.Action)); suspended || err != nil {
			return true, err
		}
		t.Reply(t.T("action.forbidden", "action", f.Label(t.Lang, p.Action), "roles", r.roleList(t.Lang, whoMay(p.Key()))))
		return true, nil
	}
	return true, f.Act(ctx, r.flows, t, p)
}

// cancelBack: /cancel and /back work even on a draft that cannot be read;
// 取消 and 返回 typed without the slash too, in a flow or not.
func (r *Router) cancelBack(ctx context.Context, rt *route) (bool, error) {
	if cmd, ok := r.byName[rt.name]; ok && (cmd.Name == "cancel" || cmd.Name == "back") {
		return true, cmd.Run(ctx, rt.t) // these work even on a draft that cannot be read
	}
	if cmd, ok := r.byName[strings.TrimSpace(rt.t.Update.Text)]; ok && rt.name == "" && rt.plain() &&
		(cmd.Name == "cancel" || cmd.Name == "back") {
		return true, cmd.Run(ctx, rt.t) // 取消 and 返回 typed without the slash, in a flow too
	}
	return false, nil
}

// typedCommand is the command whose word (上报, 帮助 ...) the text is, typed
// without the slash.
func (r *Router) typedCommand(rt *route) (*Command, bool) {
	cmd, ok := r.byName[strings.TrimSpace(rt.t.Update.Text)]
	return cmd, ok && rt.name == "" && rt.plain() && !isASCII(rt.t.Update.Text)
}

// caseNumber is the case number the text asks for (2026-000123, 查看案件
// 2026-000123), if it does.
func (rt *route) caseNumber() (string, bool) {
	if rt.name != "" || !rt.plain() {
		return "", false
	}
	return caseReference(rt.t.Update.Text, rt.t.Update.ChatKind == bot.Group)
}

// activeFlow: a flow waits for the person's answer.
func (r *Router) activeFlow(ctx context.Context, rt *route) (bool, error) {
	t, name := rt.t, rt.name
	active, err := r.flows.Active(ctx, t)
	if err != nil || !active {
		return false, err
	}
	alias, isAlias := r.typedCommand(rt)
	_, isCase := rt.caseNumber()
	if name != "" && name != "report" || isAlias && alias.Name != "report" || isCase {
		// 要上报这个问题吗? is a question, not a task: a command (结束巡查,
		// /case …) or a case number sent instead of the answer does what it
		// says, and the offer is dropped (上报 is its answer).
		dropped, err := report.DropOffer(ctx, r.flows, t)
		if err != nil || dropped {
			return false, err
		}
	}
	if name == "report" {
		if answered, err := report.AnswerOffer(ctx, r.flows, t); answered || err != nil {
			return true, err // /report while 要上报这个问题吗? waits: its 上报
		}
	}
	return true, r.inFlow(ctx, rt)
}

// inFlow answers the running flow: its input, or a command sent instead.
func (r *Router) inFlow(ctx context.Context, rt *route) error {
	t, name := rt.t, rt.name
	cmd, known := r.byName[name]
	switch {
	case name == "":
		in := conversations.InputOf(t.Update)
		if in.Kind == conversations.Text && !r.flows.Takes(ctx, t, in) {
			// Not an answer to this step: perhaps a case card's button, typed.
			if done, err := r.typedLabel(ctx, t, t.Update.Text); done || err != nil {
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

// command: a command, outside a flow.
func (r *Router) command(ctx context.Context, rt *route) (bool, error) {
	if rt.name == "" {
		return false, nil
	}
	cmd, ok := r.byName[rt.name]
	if !ok {
		rt.t.Reply(rt.t.T("cmd.unknown", "cmd", "/"+rt.name))
		return true, nil
	}
	return true, r.run(ctx, rt.t, cmd)
}

// freeInput: anything but a command, outside a flow.
func (r *Router) freeInput(ctx context.Context, rt *route) (bool, error) {
	t := rt.t
	u := t.Update
	if cmd, ok := r.byName[strings.TrimSpace(u.Text)]; ok && u.Callback == nil && !isASCII(u.Text) {
		return true, r.run(ctx, t, cmd) // 上报, 帮助 ... typed without the slash
	}
	if number, isCase := rt.caseNumber(); isCase { // 2026-000123, 查看案件 2026-000123: the case, not a problem to report
		t.Args = number
		return true, r.run(ctx, t, r.byName["case"])
	}
	if rt.plain() {
		if done, err := r.typedLabel(ctx, t, u.Text); done || err != nil {
			return true, err // 已整改, 通过 ... a case card's button typed
		}
	}
	return true, r.unexpected(ctx, rt)
}

// unexpected answers a button no longer current, a photo, a point, words.
func (r *Router) unexpected(ctx context.Context, rt *route) error {
	t := rt.t
	u := t.Update
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
