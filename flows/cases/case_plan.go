package cases

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/alleybot/alleybot/conversations"
)

// A department's plan in a sentence (issue 25, seed 三(四)2): 限期整改 asks,
// after the date, what will be done and by whom (4–200 characters); it is
// kept on the case (cases.plan_text), shown on its card and the desk, and
// told to whoever is told of the deadline.

// Plan text bounds, in characters.
const (
	planMin = 4
	planMax = 200
)

// planTextStep asks for the plan; then 已核实 is done.
func planTextStep() conversations.Step {
	return conversations.Step{Name: "plan_text", Accepts: conversations.Text, Prompt: simplePrompt("case.ask.plan_text"),
		Handle: func(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
			text := strings.Join(strings.Fields(in.Text), " ")
			if strings.HasPrefix(text, "/") {
				t.Reply(t.T("report.description.command", "cmd", strings.Fields(text)[0]))
				return conversations.Stay, nil
			}
			if n := utf8.RuneCountInString(text); conversations.Visible(text) < planMin || n > planMax {
				t.Reply(t.T("case.plan_text.bad", "min", planMin, "max", planMax, "n", n))
				return conversations.Stay, nil
			}
			cdraft(t).PlanText = text
			return conversations.Done, doVerify(ctx, t)
		}}
}
