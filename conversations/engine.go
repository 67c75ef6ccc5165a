// Package conversations owns the flow engine and the flows. A flow is a list
// of named steps, each with its prompt, the input it accepts and its next
// step. State lives in PostgreSQL per (platform, chat, user), written in the
// same transaction as the update's other effects, so a restart loses nothing
// and two stewards in one group never share a draft.
package conversations

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

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

// Option is one button of a prompt: Label shown, Value given back. Data,
// when set, is sent back verbatim instead (a case action button, which is
// not tied to a step).
type Option struct {
	Label string
	Value string
	Data  string
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
	Prompt  func(s *Session) (Prompt, error)
	Handle  func(s *Session, in Input) (next string, err error)
	Hint    string // catalog key said before the prompt when input is not accepted
}

// Flow is a named list of steps; the first is where it starts.
type Flow struct {
	Name    string
	Title   string     // catalog key, e.g. "flow.report"
	NewData func() any // the flow's draft, stored as JSON
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
	EnqueuePhotoFetch(ctx context.Context, tx *sql.Tx, photoID int64) error
}

// Deps is what the flows need from the rest of the program.
type Deps struct {
	Store         *store.Store
	Photos        PhotoQueue // nil: photos without bytes are kept as references only
	ResumeAfter   time.Duration
	Location      *time.Location
	MaxPhotoBytes int64
	DefaultLang   i18n.Lang
	Now           func() time.Time
	Calendar      *worktime.Calendar // working time for the case clocks
	MaxSendbacks  int                // failed re-checks before the supervisor is told
	LowScore      int                // a resident's score at or below it reopens a case
}

// Engine runs flows.
type Engine struct {
	deps  Deps
	flows map[string]*Flow
}

func New(d Deps) *Engine {
	if d.Now == nil {
		d.Now = time.Now
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
	e := &Engine{deps: d, flows: map[string]*Flow{}}
	for _, f := range append([]*Flow{reportFlow()}, lifecycleFlows()...) {
		e.flows[f.Name] = f
	}
	return e
}

// Session is one update's view of a conversation.
type Session struct {
	context.Context
	Tx     *sqlx.Tx
	Deps   *Deps
	Update bot.Update
	Person store.Person
	Roles  []store.PersonRole
	Lang   i18n.Lang
	Data   any
	state  *store.ConversationState
	flow   *Flow
	Out    []bot.Message
}

// NewSession is made by the handlers for one update.
func (e *Engine) NewSession(ctx context.Context, tx *sqlx.Tx, u bot.Update, p store.Person, roles []store.PersonRole, lang i18n.Lang) *Session {
	return &Session{Context: ctx, Tx: tx, Deps: &e.deps, Update: u, Person: p, Roles: roles, Lang: lang}
}

func (s *Session) T(key string, args ...any) string { return i18n.T(s.Lang, key, args...) }

// Store is a shortcut for the flows.
func (s *Session) Store() *store.Store { return s.Deps.Store }

// Reply says text in the chat the update came from.
func (s *Session) Reply(text string, opts ...Option) {
	s.Out = append(s.Out, bot.Message{Platform: s.Update.Platform, ChatID: s.Update.ChatID, ChatTitle: s.Update.ChatTitle,
		Text: text, Buttons: s.buttons(opts)})
}

// Say adds a ready message (to a group, or with a photo).
func (s *Session) Say(m bot.Message) { s.Out = append(s.Out, m) }

// buttons encodes each option as "<step>|<value>" so a button from an older
// prompt is recognised as stale rather than taken for the current step.
func (s *Session) buttons(opts []Option) [][]bot.Button {
	if len(opts) == 0 {
		return nil
	}
	step := ""
	if s.state != nil {
		step = s.state.Step
	}
	var rows [][]bot.Button
	var row []bot.Button
	owner := ""
	if s.Update.ChatKind == bot.Group {
		owner = "|" + s.Update.UserID // in a group, a step's buttons are for its owner only
	}
	for _, o := range opts {
		b := bot.Button{Label: o.Label, Data: step + "|" + o.Value + owner}
		if o.Data != "" {
			b.Data = o.Data
		}
		wide := len([]rune(o.Label)) > 8
		if wide || len(row) == 2 {
			if len(row) > 0 {
				rows = append(rows, row)
			}
			row = nil
		}
		row = append(row, b)
		if wide {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// Active loads the running flow of this chat user, if any.
func (e *Engine) Active(s *Session) (bool, error) {
	st, err := s.Store().ConversationFor(s, s.Tx, s.Update.Platform, s.Update.ChatID, s.Update.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	f, ok := e.flows[st.Flow]
	if !ok { // a flow removed by an upgrade: drop the draft
		return false, s.Store().DeleteConversation(s, s.Tx, st.Platform, st.ChatID, st.UserID)
	}
	s.state, s.flow = &st, f
	s.Data = f.NewData()
	if err := json.Unmarshal(st.Data, s.Data); err != nil {
		return false, fmt.Errorf("conversation data: %w", err)
	}
	return true, nil
}

// HasFlow reports whether name is a flow.
func (e *Engine) HasFlow(name string) bool { _, ok := e.flows[name]; return ok }

// Start begins flow name (replacing nothing: the caller checks Active
// first). An initial input, such as the photo that started a report, is
// given to the flow's first step that accepts it.
func (e *Engine) Start(s *Session, name string, initial *Input) error {
	f := e.flows[name]
	s.flow = f
	s.Data = f.NewData()
	s.state = &store.ConversationState{Platform: s.Update.Platform, ChatID: s.Update.ChatID, UserID: s.Update.UserID,
		Flow: f.Name, Step: f.Steps[0].Name}
	if initial != nil {
		if starter, ok := s.Data.(interface{ Begin(*Session, Input) error }); ok {
			if err := starter.Begin(s, *initial); err != nil {
				return err
			}
		}
	}
	return e.enter(s, f.Steps[0].Name, false)
}

// resumeStep is the engine's own step, asking to continue an old draft.
const resumeStep = "~resume"

// Handle feeds one input to the running flow.
func (e *Engine) Handle(s *Session, in Input) error {
	st := s.state
	if st.Step == resumeStep {
		return e.handleResume(s, in)
	}
	if e.deps.ResumeAfter > 0 && e.deps.Now().Sub(st.UpdatedAt) > e.deps.ResumeAfter {
		return e.offerResume(s, in)
	}
	step := s.flow.step(st.Step)
	if step == nil {
		return e.enter(s, s.flow.Steps[0].Name, false)
	}
	in, stale := e.accept(s, step, in)
	if in.notYours {
		s.Reply(s.T("flow.not_your_button"))
		return nil
	}
	if stale {
		s.Reply(s.T("flow.stale_button"))
		return e.prompt(s)
	}
	if in.Kind&step.Accepts == 0 {
		hint := step.Hint
		if hint == "" {
			hint = hintFor(step.Accepts)
		}
		s.Reply(s.T(hint))
		return e.prompt(s)
	}
	next, err := step.Handle(s, in)
	if err != nil {
		return err
	}
	switch next {
	case Done:
		return s.Store().DeleteConversation(s, s.Tx, st.Platform, st.ChatID, st.UserID)
	case Stay:
		if err := e.save(s); err != nil {
			return err
		}
		return e.prompt(s)
	}
	return e.enter(s, next, true)
}

// accept turns a pressed button or a numbered answer into a Choice for this
// step; stale is true for a button of another step.
func (e *Engine) accept(s *Session, step *Step, in Input) (Input, bool) {
	if in.Kind == Choice {
		parts := strings.Split(in.Choice, "|")
		if len(parts) == 3 && parts[2] != s.Update.UserID {
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
		p, err := step.Prompt(s)
		if err != nil {
			return in, false
		}
		t := strings.TrimSpace(in.Text)
		if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= len(p.Options) {
			return Input{Kind: Choice, Choice: p.Options[n-1].Value}, false
		}
		for _, o := range p.Options {
			if strings.EqualFold(o.Label, t) {
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
func (e *Engine) enter(s *Session, next string, push bool) error {
	if s.flow.step(next) == nil {
		return fmt.Errorf("flow %s: no step %q", s.flow.Name, next)
	}
	if push && s.state.Step != next {
		s.state.History = append(s.state.History, s.state.Step)
	}
	s.state.Step = next
	if err := e.save(s); err != nil {
		return err
	}
	return e.prompt(s)
}

func (e *Engine) save(s *Session) error {
	b, err := json.Marshal(s.Data)
	if err != nil {
		return err
	}
	s.state.Data = b
	return s.Store().SaveConversation(s, s.Tx, *s.state)
}

func (e *Engine) prompt(s *Session) error {
	if s.state.Step == resumeStep {
		return e.promptResume(s)
	}
	step := s.flow.step(s.state.Step)
	p, err := step.Prompt(s)
	if err != nil {
		return err
	}
	s.Reply(p.Text, p.Options...)
	return nil
}

// Cancel drops the running flow, if any. It does not decode the draft, so
// it works even on one an upgrade can no longer read.
func (e *Engine) Cancel(s *Session) error {
	st, err := s.Store().ConversationFor(s, s.Tx, s.Update.Platform, s.Update.ChatID, s.Update.UserID)
	if errors.Is(err, store.ErrNotFound) {
		s.Reply(s.T("cancel.nothing"))
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.Store().DeleteConversation(s, s.Tx, st.Platform, st.ChatID, st.UserID); err != nil {
		return err
	}
	title := "flow.generic"
	if f, ok := e.flows[st.Flow]; ok {
		title = f.Title
	}
	s.Reply(s.T("flow.cancelled", "flow", s.T(title)))
	return nil
}

// Back returns to the previous step.
func (e *Engine) Back(s *Session) error {
	ok, err := e.Active(s)
	if err != nil {
		return err
	}
	if !ok {
		s.Reply(s.T("cancel.nothing"))
		return nil
	}
	h := s.state.History
	if s.state.Step == resumeStep || len(h) == 0 {
		if s.state.Step != resumeStep {
			s.Reply(s.T("flow.first_step"))
		}
		return e.prompt(s)
	}
	s.state.Step = h[len(h)-1]
	s.state.History = h[:len(h)-1]
	if err := e.save(s); err != nil {
		return err
	}
	return e.prompt(s)
}

// Reprompt repeats the current step (after /help inside a flow, say).
func (e *Engine) Reprompt(s *Session) error { return e.prompt(s) }

// FlowTitle names the running flow for messages.
func (s *Session) FlowTitle() string {
	if s.flow == nil {
		return ""
	}
	return s.T(s.flow.Title)
}

// offerResume parks the flow on the resume question: a draft left for
// longer than ResumeAfter is kept, and the person chooses.
func (e *Engine) offerResume(s *Session, in Input) error {
	s.state.History = append(s.state.History, s.state.Step)
	s.state.Step = resumeStep
	if b, err := json.Marshal(in); err == nil {
		s.state.Pending = b // handled after 继续, not lost
	}
	if err := e.save(s); err != nil {
		return err
	}
	return e.promptResume(s)
}

func (e *Engine) promptResume(s *Session) error {
	started := s.state.StartedAt.In(e.deps.Location).Format("15:04")
	if s.state.StartedAt.In(e.deps.Location).YearDay() != e.deps.Now().In(e.deps.Location).YearDay() {
		started = s.state.StartedAt.In(e.deps.Location).Format("01-02 15:04")
	}
	s.Out = append(s.Out, bot.Message{Platform: s.Update.Platform, ChatID: s.Update.ChatID, ChatTitle: s.Update.ChatTitle,
		Text:    s.T("flow.resume", "time", started, "flow", s.T(s.flow.Title)),
		Buttons: s.buttons([]Option{{Label: s.T("flow.resume.continue"), Value: "continue"}, {Label: s.T("flow.resume.discard"), Value: "discard"}})})
	return nil
}

func (e *Engine) handleResume(s *Session, in Input) error {
	choice := ""
	switch in.Kind {
	case Choice:
		parts := strings.Split(in.Choice, "|")
		if len(parts) == 3 && parts[2] != s.Update.UserID {
			s.Reply(s.T("flow.not_your_button"))
			return nil
		}
		if len(parts) >= 2 {
			choice = parts[1]
		}
	case Text:
		t := strings.TrimSpace(in.Text)
		switch {
		case t == "1" || t == s.T("flow.resume.continue"):
			choice = "continue"
		case t == "2" || t == s.T("flow.resume.discard"):
			choice = "discard"
		}
	}
	switch choice {
	case "continue":
		h := s.state.History
		s.state.Step, s.state.History = h[len(h)-1], slices.Clone(h[:len(h)-1])
		pending := s.state.Pending
		s.state.Pending = nil
		s.state.UpdatedAt = e.deps.Now()
		if err := e.save(s); err != nil {
			return err
		}
		var in Input
		if len(pending) > 0 && json.Unmarshal(pending, &in) == nil && in.Kind != 0 && !(in.Kind == Text && strings.HasPrefix(in.Text, "/")) {
			return e.Handle(s, in) // the message that found the old draft
		}
		return e.prompt(s)
	case "discard":
		if err := s.Store().DeleteConversation(s, s.Tx, s.state.Platform, s.state.ChatID, s.state.UserID); err != nil {
			return err
		}
		s.Reply(s.T("flow.discarded", "flow", s.T(s.flow.Title)))
		return nil
	}
	s.Reply(s.T("flow.hint.choice"))
	return e.promptResume(s)
}

// InputOf reduces an update to a step input.
func InputOf(u bot.Update) Input {
	switch {
	case u.Callback != nil:
		return Input{Kind: Choice, Choice: u.Callback.Data}
	case u.Photo != nil:
		return Input{Kind: Photo, Photo: u.Photo, Text: u.Text}
	case u.Location != nil:
		return Input{Kind: Location, Location: u.Location}
	}
	return Input{Kind: Text, Text: u.Text}
}
