package conversations

import (
	"strings"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Turn is one update's work, shared by the handlers and the flows: what
// came in, who sent it, the open transaction, and everything the bot says
// back, in order. The context is passed beside it, never kept in it.
type Turn struct {
	Tx     *store.Tx
	Update bot.Update
	Person store.Person // zero until the speaker is known (a resident has none)
	Roles  []store.PersonRole
	Lang   i18n.Lang
	Args   string        // a command's arguments
	Out    []bot.Message // what the bot says, in order
	Deps   *Deps
	Data   any // the running flow's draft

	state  *store.ConversationState
	flow   *Flow
	engine *Engine
	asked  string // the step whose question this turn asked last
}

// NewTurn starts the work on one update inside tx.
func (e *Engine) NewTurn(tx *store.Tx, u bot.Update, lang i18n.Lang) *Turn {
	return &Turn{Tx: tx, Update: u, Lang: lang, Deps: &e.deps, engine: e}
}

// T renders a catalog message in the speaker's language.
func (t *Turn) T(key string, args ...any) string { return i18n.T(t.Lang, key, args...) }

// OnPlatform is key's variant for the update's platform (key.wecom, say:
// how to share a location differs) when the catalog has one, else key.
func (t *Turn) OnPlatform(key string) string {
	if k := key + "." + string(t.Update.Platform); i18n.Has(k) {
		return k
	}
	return key
}

// HasRole reports whether the speaker holds role.
func (t *Turn) HasRole(role model.Role) bool {
	for _, r := range t.Roles {
		if r.Role == role {
			return true
		}
	}
	return false
}

// Reply says text in the chat the update came from.
func (t *Turn) Reply(text string, opts ...Option) {
	t.Out = append(t.Out, bot.Message{Platform: t.Update.Platform, ChatID: t.Update.ChatID, ChatTitle: t.Update.ChatTitle,
		Kind: t.Update.ChatKind, Text: text, Buttons: t.buttons(opts)})
}

// Say adds ready messages (to a group, to another person, with a photo).
func (t *Turn) Say(ms ...bot.Message) { t.Out = append(t.Out, ms...) }

// Audience is who this update's messages can reach.
func (t *Turn) Audience() audience.Audience {
	return audience.New(t.Tx, t.Update.Platform, t.Deps.DefaultLang)
}

// buttons encodes each option as "<step>|<value>" so a button from an older
// prompt is recognised as stale rather than taken for the current step; a
// value that is a command ("/endpatrol") is the button's data as it is.
func (t *Turn) buttons(opts []Option) [][]bot.Button {
	if len(opts) == 0 {
		return nil
	}
	step := ""
	if t.state != nil {
		step = t.state.Step
	}
	owner := ""
	if t.Update.ChatKind == bot.Group {
		owner = "|" + t.Update.UserID // in a group, a step's buttons are for its owner only
	}
	bs := make([]bot.Button, len(opts))
	for i, o := range opts {
		bs[i] = bot.Button{Label: o.Label, Data: step + "|" + o.Value + owner}
		if strings.HasPrefix(o.Value, "/") {
			bs[i].Data = o.Value // a command button (结束巡查 → /endpatrol): any time
		}
	}
	return layout(bs)
}

// SwitchFlow hands the conversation to another flow (an offer becoming a
// report), at its first step: the handler returns that step's name. The old
// flow's steps leave the history, so /back stays in the new flow.
func (t *Turn) SwitchFlow(f *Flow, data any) {
	t.flow, t.Data = f, data
	t.state.Flow, t.state.Step, t.state.History = f.Name, f.Steps[0].Name, nil
}

// ask says a step's question, marked with the conversation's version: if
// the person has moved on before it goes out, it is not sent late.
func (t *Turn) ask(text string, opts ...Option) {
	t.Reply(text, opts...)
	if t.state != nil {
		t.Out[len(t.Out)-1].Prompt = &bot.Prompt{UserID: t.state.UserID, Version: t.state.Version}
		t.asked = t.state.Step
	}
}

// FlowCase is the case the running flow is about (0: none): a draft
// that is about a case says which.
func (t *Turn) FlowCase() int64 {
	if d, ok := t.Data.(interface{ AboutCase() int64 }); ok && t.flow != nil {
		return d.AboutCase()
	}
	return 0
}

// Engine is the engine running this turn (a button's domain starts
// another's flow with it).
func (t *Turn) Engine() *Engine { return t.engine }

// FlowName is the running flow's name ("" for none).
func (t *Turn) FlowName() string {
	if t.flow == nil || t.state == nil {
		return ""
	}
	return t.flow.Name
}

// StepName is the running flow's current step ("" for none).
func (t *Turn) StepName() string {
	if t.state == nil {
		return ""
	}
	return t.state.Step
}

// Rewind makes step the current one again, as if it had not been left (a
// correction typed at the next step that the step refuses).
func (t *Turn) Rewind(step string) {
	if h := t.state.History; len(h) > 0 && h[len(h)-1] == step {
		t.state.History = h[:len(h)-1]
	}
	t.state.Step = step
}

// FlowTitle names the running flow for messages.
func (t *Turn) FlowTitle() string {
	if t.flow == nil {
		return ""
	}
	return t.T(t.flow.Title)
}
