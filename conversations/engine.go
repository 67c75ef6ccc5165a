// Package conversations owns the flow engine: a flow is a list of named
// steps, each with its prompt, the input it accepts and its next step; a
// button family is a domain's buttons outside any step. The domains (the
// packages under flows/) hand the engine their flows, button families and
// settings (Domain); this package imports none of them, and keeps what they
// share: the turn, dates, texts, photos and who is told. State lives in
// PostgreSQL per (platform, chat, user), written in the same transaction
// as the update's other effects, so a restart loses nothing and two
// stewards in one group never share a draft.
package conversations

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

// Kind is a set of input kinds a step accepts.
type Kind uint8

const (
	Text Kind = 1 << iota
	Choice
	Photo
	Location
)

// Input is what a person sent, reduced to what a step can use. Choice is the
// value of a pressed button, or of a numbered menu answered by number or label.
type Input struct {
	Kind     Kind
	Text     string
	Choice   string
	Photo    *bot.Photo
	Location *bot.Location
	notYours bool // a group button pressed by someone it was not for
}

// Option is one choice of a step's prompt: Label is the text shown (in
// the speaker's language), Value what the step is given back.
type Option struct {
	Label string
	Value string
}

// Prompt is what a step says when it is reached (or repeated).
type Prompt struct {
	Text    string
	Options []Option
}

// Next values a step handler may return besides a step name.
const (
	Stay = ""         // repeat the current step's prompt
	Done = "\x00done" // the flow is over; the handler has said what is needed
)

// Step is one stage of a flow.
type Step struct {
	Name    string
	Accepts Kind
	Prompt  func(ctx context.Context, t *Turn) (Prompt, error)
	Handle  func(ctx context.Context, t *Turn, in Input) (next string, err error)
	Hint    string // catalog key said before the prompt when input is not accepted
}

// Flow is a named list of steps; the first is where it starts.
type Flow struct {
	Name    string
	Title   string       // catalog key, e.g. "flow.report"
	Action  model.Action // the case button that starts it, if any
	NewData func() any   // the flow's draft, stored as JSON
	Steps   []Step
}

func (f *Flow) step(name string) *Step {
	for i := range f.Steps {
		if f.Steps[i].Name == name {
			return &f.Steps[i]
		}
	}
	return nil
}

// PhotoQueue enqueues a photo download in the caller's transaction.
type PhotoQueue interface {
	EnqueuePhotoFetch(ctx context.Context, tx *store.Tx, photoID int64) error
}

// Deps is what every flow needs from the rest of the program; a domain's
// own settings are its Settings (Domain.Settings).
type Deps struct {
	Photos        PhotoQueue // nil: photos without bytes are kept as references only
	ResumeAfter   time.Duration
	Location      *time.Location
	MaxPhotoBytes int64
	DefaultLang   i18n.Lang
	Now           func() time.Time
	Calendar      *worktime.Calendar // working time for the case clocks
	BotUsername   func() string      // Telegram's @username for deep links ("" unknown)
}

// Engine runs flows.
type Engine struct {
	deps     Deps
	flows    map[string]*Flow
	byAction map[model.Action]*Flow
	families []ButtonFamily
	settings []any // each domain's settings (a pointer to its Settings)
}

// New builds the engine with every domain's flows and button families.
func New(d Deps, domains ...Domain) *Engine {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.BotUsername == nil {
		d.BotUsername = func() string { return "" }
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	if d.MaxPhotoBytes == 0 {
		d.MaxPhotoBytes = 10 << 20
	}
	if d.Calendar == nil {
		d.Calendar = worktime.Default(d.Location)
	}
	e := &Engine{deps: d, flows: map[string]*Flow{}, byAction: map[model.Action]*Flow{}}
	for _, dom := range domains {
		for _, f := range dom.Flows {
			if _, dup := e.flows[f.Name]; dup {
				panic("conversations: two flows named " + f.Name)
			}
			e.flows[f.Name] = f
			if f.Action != "" {
				e.byAction[f.Action] = f
			}
		}
		if dom.Settings != nil {
			e.settings = append(e.settings, dom.Settings)
		}
		for _, b := range dom.Buttons {
			for _, have := range e.families {
				if have.Prefix == b.Prefix {
					panic("conversations: two button families with prefix " + b.Prefix)
				}
			}
			e.families = append(e.families, b)
		}
	}
	return e
}

// Deps are the engine's settings (the clock, the calendar …), for the
// handlers' queries.
func (e *Engine) Deps() *Deps { return &e.deps }

// Active loads the running flow of this chat user, if any.
func (e *Engine) Active(ctx context.Context, t *Turn) (bool, error) {
	st, err := t.Tx.ConversationFor(ctx, string(t.Update.Platform), t.Update.ChatID, t.Update.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	f, ok := e.flows[st.Flow]
	if !ok { // a flow removed by an upgrade: drop the draft
		return false, t.Tx.DeleteConversation(ctx, st.Platform, st.ChatID, st.UserID)
	}
	t.state, t.flow = &st, f
	t.Data = f.NewData()
	if err := json.Unmarshal(st.Data, t.Data); err != nil {
		return false, fmt.Errorf("conversation data: %w", err)
	}
	return true, nil
}

// Flow is the flow named name (nil: none), for a domain that starts
// another's flow by its name.
func (e *Engine) Flow(name string) *Flow { return e.flows[name] }

// FlowFor is the flow a case button starts (nil: none).
func (e *Engine) FlowFor(action model.Action) *Flow { return e.byAction[action] }

// SettingsOf is the settings a domain handed the engine (its *S), found
// by their type; a zero S when no domain did.
func SettingsOf[S any](e *Engine) *S {
	for _, s := range e.settings {
		if v, ok := s.(*S); ok {
			return v
		}
	}
	return new(S)
}

// HasFlow reports whether name is a flow.
func (e *Engine) HasFlow(name string) bool { _, ok := e.flows[name]; return ok }

// TitleKey is the catalog key naming a flow for people ("offer" is a
// report), or the generic one for a flow this build does not know.
func (e *Engine) TitleKey(name string) string {
	if f, ok := e.flows[name]; ok {
		return f.Title
	}
	return "flow.generic"
}

// Start begins flow name (replacing nothing: the caller checks Active
// first). An initial input, such as the photo that started a report, is
// given to the flow's first step that accepts it.
func (e *Engine) Start(ctx context.Context, t *Turn, name string, initial *Input) error {
	f := e.flows[name]
	t.flow = f
	t.Data = f.NewData()
	t.state = &store.ConversationState{Platform: string(t.Update.Platform), ChatID: t.Update.ChatID, UserID: t.Update.UserID,
		Flow: f.Name, Step: f.Steps[0].Name}
	// A flow's data may prepare itself (a report started with a photo, or
	// during a patrol); Begin gets the starting input, if any.
	if starter, ok := t.Data.(interface {
		Begin(context.Context, *Turn, Input) error
	}); ok {
		var in Input
		if initial != nil {
			in = *initial
		}
		if err := starter.Begin(ctx, t, in); err != nil {
			return err
		}
	}
	return e.enter(ctx, t, f.Steps[0].Name, false)
}

// Handle feeds one input to the running flow.
func (e *Engine) Handle(ctx context.Context, t *Turn, in Input) error {
	st := t.state
	if st.Step == resumeStep {
		return e.handleResume(ctx, t, in)
	}
	if e.deps.ResumeAfter > 0 && e.deps.Now().Sub(st.UpdatedAt) > e.deps.ResumeAfter {
		return e.offerResume(ctx, t, in)
	}
	step := t.flow.step(st.Step)
	if step == nil {
		return e.enter(ctx, t, t.flow.Steps[0].Name, false)
	}
	in, stale := e.accept(ctx, t, step, in)
	if in.notYours {
		t.Reply(t.T("flow.not_your_button"))
		return nil
	}
	if stale {
		t.Reply(t.T("flow.stale_button"))
		return e.prompt(ctx, t)
	}
	if in.Kind&step.Accepts == 0 {
		hint := step.Hint
		if hint == "" {
			hint = hintFor(step.Accepts)
		}
		t.Reply(t.T(hint))
		return e.prompt(ctx, t)
	}
	next, err := step.Handle(ctx, t, in)
	if err != nil {
		return err
	}
	switch next {
	case Done:
		return t.Tx.DeleteConversation(ctx, st.Platform, st.ChatID, st.UserID)
	case Stay:
		if err := e.save(ctx, t); err != nil {
			return err
		}
		return e.prompt(ctx, t)
	}
	return e.enter(ctx, t, next, true)
}

// accept turns a pressed button or a numbered answer into a Choice for this
// step; stale is true for a button of another step.
func (e *Engine) accept(ctx context.Context, t *Turn, step *Step, in Input) (Input, bool) {
	if in.Kind == Choice {
		parts := strings.Split(in.Choice, "|")
		if len(parts) == 3 && parts[2] != t.Update.UserID {
			in.notYours = true
			return in, false
		}
		if len(parts) < 2 || parts[0] != step.Name {
			return in, true
		}
		in.Choice = parts[1]
		return in, false
	}
	if in.Kind == Text && step.Accepts&Choice != 0 {
		p, err := step.Prompt(ctx, t)
		if err != nil {
			return in, false
		}
		typed := strings.TrimSpace(in.Text)
		if n, err := strconv.Atoi(typed); err == nil && n >= 1 && n <= len(p.Options) {
			return Input{Kind: Choice, Choice: p.Options[n-1].Value}, false
		}
		for _, o := range p.Options {
			if strings.EqualFold(o.Label, typed) {
				return Input{Kind: Choice, Choice: o.Value}, false
			}
		}
		for _, o := range p.Options { // 帽儿胡同 for 帽儿胡同(现在)
			if typed != "" && strings.HasPrefix(o.Label, typed+"(") {
				return Input{Kind: Choice, Choice: o.Value}, false
			}
		}
	}
	return in, false
}

func hintFor(k Kind) string {
	switch {
	case k&Choice != 0 && k&Location != 0:
		return "flow.hint.location_or_choice"
	case k&Photo != 0:
		return "flow.hint.photo"
	case k&Choice != 0:
		return "flow.hint.choice"
	case k&Location != 0:
		return "flow.hint.location"
	}
	return "flow.hint.text"
}

// enter moves to step next (remembering the current one for /back when
// push), saves, and prompts.
func (e *Engine) enter(ctx context.Context, t *Turn, next string, push bool) error {
	if t.flow.step(next) == nil {
		return fmt.Errorf("flow %s: no step %q", t.flow.Name, next)
	}
	if push && t.state.Step != next {
		t.state.History = append(t.state.History, t.state.Step)
	}
	t.state.Step = next
	if err := e.save(ctx, t); err != nil {
		return err
	}
	return e.prompt(ctx, t)
}

// Save stores the running flow's draft (after a domain filled it in).
func (e *Engine) Save(ctx context.Context, t *Turn) error { return e.save(ctx, t) }

func (e *Engine) save(ctx context.Context, t *Turn) error {
	b, err := json.Marshal(t.Data)
	if err != nil {
		return err
	}
	t.state.Data = b
	was := t.state.Version
	if t.state.Version, err = t.Tx.SaveConversation(ctx, *t.state); err != nil {
		return err
	}
	// A question this turn asked at the step the conversation is still at
	// (a draft filled in after Start) is the current one: it goes out
	// marked with the version saved last, or the dispatcher would drop it
	// as stale.
	for i := range t.Out {
		if p := t.Out[i].Prompt; p != nil && t.asked == t.state.Step && p.UserID == t.state.UserID && p.Version == was {
			p.Version = t.state.Version
		}
	}
	return nil
}

func (e *Engine) prompt(ctx context.Context, t *Turn) error {
	if t.state.Step == resumeStep {
		return e.promptResume(ctx, t)
	}
	step := t.flow.step(t.state.Step)
	p, err := step.Prompt(ctx, t)
	if err != nil {
		return err
	}
	t.ask(p.Text, p.Options...)
	return nil
}

// Cancel drops the running flow, if any. It does not decode the draft, so
// it works even on one an upgrade can no longer read.
func (e *Engine) Cancel(ctx context.Context, t *Turn) error {
	st, err := t.Tx.ConversationFor(ctx, string(t.Update.Platform), t.Update.ChatID, t.Update.UserID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("cancel.nothing"))
		return nil
	}
	if err != nil {
		return err
	}
	if err := t.Tx.DeleteConversation(ctx, st.Platform, st.ChatID, st.UserID); err != nil {
		return err
	}
	title := "flow.generic"
	if f, ok := e.flows[st.Flow]; ok {
		title = f.Title
	}
	t.Reply(t.T("flow.cancelled", "flow", t.T(title)))
	return nil
}

// Back returns to the previous step. At the first step of a flow begun
// from a case card (改派其他部门, 报告进展 …) it leaves the flow and returns
// that case's id: the caller shows the card again, whose buttons go on
// working.
func (e *Engine) Back(ctx context.Context, t *Turn) (int64, error) {
	ok, err := e.Active(ctx, t)
	if err != nil {
		return 0, err
	}
	if !ok {
		t.Reply(t.T("cancel.nothing"))
		return 0, nil
	}
	h := t.state.History
	if t.state.Step != resumeStep && len(h) == 0 && t.flow.Action != "" && t.FlowCase() != 0 {
		id := t.FlowCase()
		if err := t.Tx.DeleteConversation(ctx, t.state.Platform, t.state.ChatID, t.state.UserID); err != nil {
			return 0, err
		}
		t.Reply(t.T("flow.back_to_card", "flow", t.T(t.flow.Title)))
		t.state, t.flow, t.Data = nil, nil, nil
		return id, nil
	}
	if t.state.Step == resumeStep || len(h) == 0 {
		if t.state.Step != resumeStep {
			t.Reply(t.T("flow.first_step"))
		}
		return 0, e.prompt(ctx, t)
	}
	t.state.Step = h[len(h)-1]
	t.state.History = h[:len(h)-1]
	if err := e.save(ctx, t); err != nil {
		return 0, err
	}
	return 0, e.prompt(ctx, t)
}

// Takes reports whether the running flow's step takes in as it is (a
// typed answer that is one of its options counts): what it would refuse
// with a hint may be meant for something else, such as a case card's
// button typed by its label.
func (e *Engine) Takes(ctx context.Context, t *Turn, in Input) bool {
	if t.state == nil || t.flow == nil || t.state.Step == resumeStep {
		return true
	}
	step := t.flow.step(t.state.Step)
	if step == nil || step.Accepts&in.Kind != 0 {
		return true // (a step that takes text takes any)
	}
	in, stale := e.accept(ctx, t, step, in)
	return stale || in.notYours || in.Kind&step.Accepts != 0
}

// Reprompt repeats the current step (after /help inside a flow, say).
func (e *Engine) Reprompt(ctx context.Context, t *Turn) error { return e.prompt(ctx, t) }

// StartPrivately starts flow f with its draft data, from a button. A flow
// begun from a button in a group goes on in the person's private chat: the
// group is not cluttered, and a bot in Telegram's privacy mode would not
// see typed answers in a group anyway. A flow already running is asked
// again instead.
func (e *Engine) StartPrivately(ctx context.Context, t *Turn, f *Flow, data any) error {
	if t.Update.ChatKind == bot.Group {
		t.Reply(t.T("flow.moved_private", "name", t.Person.Name, "flow", t.T(f.Title)))
		t.Update.ChatID = bot.PrivateChatID(t.Update.Platform, t.Update.UserID)
		t.Update.ChatKind, t.Update.ChatTitle = bot.Private, ""
	}
	busy, err := e.Active(ctx, t)
	if err != nil {
		return err
	}
	if busy {
		t.Reply(t.T("flow.busy", "flow", t.FlowTitle()))
		return e.prompt(ctx, t)
	}
	t.flow, t.Data = f, data
	t.state = &store.ConversationState{Platform: string(t.Update.Platform), ChatID: t.Update.ChatID, UserID: t.Update.UserID,
		Flow: f.Name, Step: f.Steps[0].Name}
	return e.enter(ctx, t, f.Steps[0].Name, false)
}

// Drop ends the running flow without a word (a waiting offer dropped for
// a command that is to do what it says instead).
func (e *Engine) Drop(ctx context.Context, t *Turn) error {
	if t.state == nil {
		return nil
	}
	if err := t.Tx.DeleteConversation(ctx, t.state.Platform, t.state.ChatID, t.state.UserID); err != nil {
		return err
	}
	t.flow, t.state, t.Data = nil, nil, nil
	return nil
}

// Forget drops a stored conversation of the person (another chat's, or
// this one's: then the turn has no running flow any more).
func (e *Engine) Forget(ctx context.Context, t *Turn, st store.ConversationState) error {
	if err := t.Tx.DeleteConversation(ctx, st.Platform, st.ChatID, st.UserID); err != nil {
		return err
	}
	if t.state != nil && t.state.ChatID == st.ChatID {
		t.state, t.flow, t.Data = nil, nil, nil
	}
	return nil
}

// InputOf reduces an update to a step input.
func InputOf(u bot.Update) Input {
	switch {
	case u.Callback != nil:
		return Input{Kind: Choice, Choice: u.Callback.Data}
	case u.Photo != nil:
		return Input{Kind: Photo, Photo: u.Photo, Text: u.Text}
	case u.Location != nil && u.Location.Valid():
		return Input{Kind: Location, Location: u.Location}
	}
	return Input{Kind: Text, Text: u.Text}
}
