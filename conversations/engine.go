// Package conversations owns the flow engine and the flows. A flow is a list
// of named steps, each with its prompt, the input it accepts and its next
// step. State lives in PostgreSQL per (platform, chat, user), written in the
// same transaction as the update's other effects, so a restart loses nothing
// and two stewards in one group never share a draft.
package conversations

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
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
	Action  store.Action // the case button that starts it, if any
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

// Deps is what the flows need from the rest of the program.
type Deps struct {
	Photos        PhotoQueue // nil: photos without bytes are kept as references only
	ResumeAfter   time.Duration
	Location      *time.Location
	MaxPhotoBytes int64
	DefaultLang   i18n.Lang
	Now           func() time.Time
	Calendar      *worktime.Calendar // working time for the case clocks
	MaxSendbacks  int                // failed re-checks before the supervisor is told
	LowScore      int                // a resident's score at or below it reopens a case
	// Complaints: at most ComplaintsPerHour from one sender (0: no limit);
	// the center answers within ComplaintAnswerWithin of working time.
	ComplaintsPerHour     int
	ComplaintAnswerWithin time.Duration
	Hotline, Mailbox      string // the complaint contact (/contact)
	// BroadcastPace is the platform's global pace (one message per pace):
	// what a broadcast's time is estimated from. PublicURL is where serve
	// answers from outside (course links /l/<token>; "" sends the link as it is).
	BroadcastPace time.Duration
	PublicURL     string
	// ImmediateFix is 立即整改's clock: working time from the verification.
	ImmediateFix time.Duration
	// QuietResidents: residents' groups are not told of a new report
	// (only of its dispatch, progress and result).
	QuietResidents bool
	// ReopenReasonWithin is how long a resident's deep link to give the
	// reason for a low score lives (default 24h).
	ReopenReasonWithin time.Duration
	// DuplicateRadiusM: open cases of the same kind this near a new report
	// are offered as the same problem (default 50).
	DuplicateRadiusM int
	BotUsername      func() string // Telegram's @username for deep links ("" unknown)
}

// Engine runs flows.
type Engine struct {
	deps     Deps
	flows    map[string]*Flow
	byAction map[store.Action]*Flow
	families []ButtonFamily
}

// New builds the engine with every flow: those still in this package and
// each domain's.
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
	if d.MaxSendbacks == 0 {
		d.MaxSendbacks = 2
	}
	if d.LowScore == 0 {
		d.LowScore = 2
	}
	e := &Engine{deps: d, flows: map[string]*Flow{}, byAction: map[store.Action]*Flow{}}
	for _, dom := range append(builtIn(), domains...) {
		for _, f := range dom.Flows {
			if _, dup := e.flows[f.Name]; dup {
				panic("conversations: two flows named " + f.Name)
			}
			e.flows[f.Name] = f
			if f.Action != "" {
				e.byAction[f.Action] = f
			}
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

	state *store.ConversationState
	flow  *Flow
}

// NewTurn starts the work on one update inside tx.
func (e *Engine) NewTurn(tx *store.Tx, u bot.Update, lang i18n.Lang) *Turn {
	return &Turn{Tx: tx, Update: u, Lang: lang, Deps: &e.deps}
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
func (t *Turn) HasRole(role store.Role) bool {
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

// switchFlow hands the conversation to another flow (an offer becoming a
// report), at its first step: the handler returns that step's name. The old
// flow's steps leave the history, so /back stays in the new flow.
func (t *Turn) switchFlow(f *Flow, data any) {
	t.flow, t.Data = f, data
	t.state.Flow, t.state.Step, t.state.History = f.Name, f.Steps[0].Name, nil
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

// resumeStep is the engine's own step, asking to continue an old draft.
const resumeStep = "~resume"

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

func (e *Engine) save(ctx context.Context, t *Turn) error {
	b, err := json.Marshal(t.Data)
	if err != nil {
		return err
	}
	t.state.Data = b
	if t.state.Version, err = t.Tx.SaveConversation(ctx, *t.state); err != nil {
		return err
	}
	return nil
}

// ask says a step's question, marked with the conversation's version: if
// the person has moved on before it goes out, it is not sent late.
func (t *Turn) ask(text string, opts ...Option) {
	t.Reply(text, opts...)
	if t.state != nil {
		t.Out[len(t.Out)-1].Prompt = &bot.Prompt{UserID: t.state.UserID, Version: t.state.Version}
	}
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

// FlowCase is the case the running flow is about (0: none).
func (t *Turn) FlowCase() int64 {
	if d, ok := t.Data.(*CaseDraft); ok && t.flow != nil {
		return d.CaseID
	}
	return 0
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

// FlowTitle names the running flow for messages.
func (t *Turn) FlowTitle() string {
	if t.flow == nil {
		return ""
	}
	return t.T(t.flow.Title)
}

// offerResume parks the flow on the resume question: a draft left for
// longer than ResumeAfter is kept, and the person chooses.
func (e *Engine) offerResume(ctx context.Context, t *Turn, in Input) error {
	t.state.History = append(t.state.History, t.state.Step)
	t.state.Step = resumeStep
	if b, err := json.Marshal(in); err == nil {
		t.state.Pending = b // handled after 继续, not lost
	}
	if err := e.save(ctx, t); err != nil {
		return err
	}
	return e.promptResume(ctx, t)
}

func (e *Engine) promptResume(ctx context.Context, t *Turn) error {
	started := t.state.StartedAt.In(e.deps.Location).Format("15:04")
	if t.state.StartedAt.In(e.deps.Location).YearDay() != e.deps.Now().In(e.deps.Location).YearDay() {
		started = t.state.StartedAt.In(e.deps.Location).Format("01-02 15:04")
	}
	t.ask(t.T("flow.resume", "time", started, "flow", t.T(t.flow.Title)),
		Option{Label: t.T("flow.resume.continue"), Value: "continue"}, Option{Label: t.T("flow.resume.discard"), Value: "discard"})
	return nil
}

func (e *Engine) handleResume(ctx context.Context, t *Turn, in Input) error {
	choice := ""
	switch in.Kind {
	case Choice:
		parts := strings.Split(in.Choice, "|")
		if len(parts) == 3 && parts[2] != t.Update.UserID {
			t.Reply(t.T("flow.not_your_button"))
			return nil
		}
		if len(parts) >= 2 {
			choice = parts[1]
		}
	case Text:
		typed := strings.TrimSpace(in.Text)
		switch {
		case typed == "1" || typed == t.T("flow.resume.continue"):
			choice = "continue"
		case typed == "2" || typed == t.T("flow.resume.discard"):
			choice = "discard"
		}
	}
	switch choice {
	case "continue":
		h := t.state.History
		t.state.Step, t.state.History = h[len(h)-1], slices.Clone(h[:len(h)-1])
		pending := t.state.Pending
		t.state.Pending = nil
		t.state.UpdatedAt = e.deps.Now()
		if err := e.save(ctx, t); err != nil {
			return err
		}
		var in Input
		if len(pending) > 0 && json.Unmarshal(pending, &in) == nil && in.Kind != 0 && !(in.Kind == Text && strings.HasPrefix(in.Text, "/")) {
			return e.Handle(ctx, t, in) // the message that found the old draft
		}
		return e.prompt(ctx, t)
	case "discard":
		if err := t.Tx.DeleteConversation(ctx, t.state.Platform, t.state.ChatID, t.state.UserID); err != nil {
			return err
		}
		t.Reply(t.T("flow.discarded", "flow", t.T(t.flow.Title)))
		return nil
	}
	t.Reply(t.T("flow.hint.choice"))
	return e.promptResume(ctx, t)
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

// DuplicateRadius is DuplicateRadiusM in metres (50 unless set).
func (d *Deps) DuplicateRadius() float64 {
	if d.DuplicateRadiusM <= 0 {
		return 50
	}
	return float64(d.DuplicateRadiusM)
}
