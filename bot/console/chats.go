package console

import (
	"strings"

	"github.com/alleybot/alleybot/bot"
)

func init() { bot.RegisterChats(bot.Console, Chats{}) }

// Chats is what the console can do for a chat (bot.Chats): "group:<code>"
// is a roster group, any other chat a person's; every chat shows its
// buttons as a numbered menu.
type Chats struct{}

// Kind tells a roster group ("group:…") from a person's chat.
func (Chats) Kind(chatID string) bot.ChatKind {
	if strings.HasPrefix(chatID, GroupPrefix) {
		return bot.Group
	}
	return bot.Private
}

// PhotoByRef is always true: the console prints a photo's reference (its
// path).
func (Chats) PhotoByRef(string) bool { return true }

// Buttons is always true: a numbered menu, in every chat.
func (Chats) Buttons(string) bool { return true }

// LogID is the id itself: a console chat id is no secret.
func (Chats) LogID(chatID string) string { return chatID }
