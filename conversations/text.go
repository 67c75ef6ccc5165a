package conversations

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alleybot/alleybot/store"
)

// MaxReason is the most a reason or a note may say (a return, a send-back,
// an extension, a fix note), in characters: enough for any real reason, and
// a case card stays one message.
const MaxReason = 500

// Visible counts the characters of s a reader sees: not spaces, not
// control characters, not format characters (zero-width spaces and
// joiners, bidi marks, a BOM). Four zero-width spaces are no description.
func Visible(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		n++
	}
	return n
}

// Chosen reads a choice that is a row's id and looks the row up: a choice
// that finds none is hinted at, and the step stays (ok false, no error).
func Chosen[R any](ctx context.Context, t *Turn, choice string, find func(context.Context, int64) (R, error)) (int64, R, bool, error) {
	id, _ := strconv.ParseInt(choice, 10, 64)
	r, err := find(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("flow.hint.choice"))
		return id, r, false, nil
	}
	return id, r, err == nil, err
}

// MaxListed is how many items a list command shows (the heading says how
// many there are in all).
const MaxListed = 20

// MaxNamesListed is how many names a list of people says before 等 N 人.
const MaxNamesListed = 20

// TextFits checks a reason or a note: at least min characters a reader
// sees, at most max; what is wrong is told.
func TextFits(t *Turn, text string, min, max int) bool {
	if Visible(text) < min {
		t.Reply(t.T("case.text_short"))
		return false
	}
	if n := utf8.RuneCountInString(text); n > max {
		t.Reply(t.T("case.text_long", "n", n, "max", max))
		return false
	}
	return true
}

// ShortText checks a typed text: not a command, at least min characters
// a reader sees, at most max; what is wrong is told, and the step stays.
func ShortText(t *Turn, text string, min, max int) (string, bool) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "/") {
		t.Reply(t.T("report.description.command", "cmd", strings.Fields(text)[0]))
		return "", false
	}
	if !TextFits(t, text, min, max) {
		return "", false
	}
	return text, true
}

// TextDraft is a one-text flow's state (请假's reason, a question, an
// answer, a notice), with what it is about.
type TextDraft struct {
	ID       int64  `json:"id,omitempty"`
	Text     string `json:"text,omitempty"`
	PhotoID  int64  `json:"photo_id,omitempty"`
	Audience string `json:"audience,omitempty"`
}

// TextOf is the running one-text flow's draft.
func TextOf(t *Turn) *TextDraft { return t.Data.(*TextDraft) }

// StartText starts the one-text flow name about id, privately.
func (e *Engine) StartText(ctx context.Context, t *Turn, name string, id int64) error {
	return e.StartPrivately(ctx, t, e.flows[name], &TextDraft{ID: id})
}

// SimpleKey asks a catalog question.
func SimpleKey(key string) func(context.Context, *Turn) (Prompt, error) {
	return func(ctx context.Context, t *Turn) (Prompt, error) { return Prompt{Text: t.T(key)}, nil }
}

// TextStep asks key and takes a text of min to max characters (ShortText)
// as the answer, handed to take.
func TextStep(name, key string, min, max int, take func(ctx context.Context, t *Turn, text string) (string, error)) Step {
	return Step{Name: name, Accepts: Text, Prompt: SimpleKey(key), Handle: func(ctx context.Context, t *Turn, in Input) (string, error) {
		text, ok := ShortText(t, in.Text, min, max)
		if !ok {
			return Stay, nil
		}
		return take(ctx, t, text)
	}}
}

// TextFlow is a one-text flow (its title "flow.<name>"): its draft is a
// TextDraft, its first step a TextStep.
func TextFlow(name string, steps ...Step) *Flow {
	return &Flow{Name: name, Title: "flow." + name, NewData: func() any { return &TextDraft{} }, Steps: steps}
}

// Description checks a typed description: not a command, at least four
// characters a reader sees (else short is said), at most 1000.
func Description(t *Turn, text, short string) (string, bool) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "/") { // an unknown command mid-flow is not a description
		t.Reply(t.T("report.description.command", "cmd", strings.Fields(text)[0]))
		return "", false
	}
	switch n := utf8.RuneCountInString(text); {
	case Visible(text) < 4:
		t.Reply(t.T(short))
		return "", false
	case n > 1000:
		t.Reply(t.T("report.description.long", "n", n))
		return "", false
	}
	return text, true
}
