package conversations

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
)

// resumeStep is the engine's own step, asking to continue an old draft.
const resumeStep = "~resume"

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
	started := FormatTime(t.state.StartedAt, e.deps.Location)
	if t.state.StartedAt.In(e.deps.Location).YearDay() != e.deps.Now().In(e.deps.Location).YearDay() {
		started = FormatWhen(t.state.StartedAt, e.deps.Location)
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
