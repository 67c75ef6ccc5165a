package handlers

import "github.com/alleybot/alleybot/bot"

// SharedButton reports a press of a shared card's button (a family
// registered Shared, the case cards): the adapter keeps the card's
// keyboard for the others (bot.SharedButtons).
func (r *Router) SharedButton(data string) bool {
	f, _, ok := r.flows.Button(data)
	return ok && f.Shared
}

var _ bot.SharedButtons = (*Router)(nil)
