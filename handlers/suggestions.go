package handlers

import (
	"context"
	"strings"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/suggestions"
)

// suggestionText is a resident's suggestion in a message: "/suggest …" or
// a message that starts with 建议 (ok false for anything else).
func suggestionText(name, args, text string) (string, bool) {
	switch {
	case name == "suggest":
		return args, true
	case name == "" && strings.HasPrefix(text, "建议"):
		return text, true
	}
	return "", false
}

// suggest files a suggestion (refused, with the reason, when it has no
// words).
func (r *Router) suggest(ctx context.Context, t *conversations.Turn, text string) error {
	text, ok := suggestions.Clean(t, text)
	if !ok {
		return nil
	}
	return suggestions.Submit(ctx, t, text)
}

func (r *Router) cmdSuggest(ctx context.Context, t *conversations.Turn) error {
	return r.suggest(ctx, t, t.Args)
}

// complaintInline is a complaint written in one message ("投诉 胡同口…",
// "/complain …"): the text after 投诉 ("" for none).
func complaintInline(name, args, text string) string {
	switch {
	case name == "complain":
		return args
	case name == "" && strings.HasPrefix(text, "投诉") && text != "投诉":
		rest := strings.TrimSpace(strings.TrimPrefix(text, "投诉"))
		return strings.TrimSpace(strings.TrimLeft(rest, ":：,， "))
	}
	return ""
}
