package telegram

import (
	"strings"

	"github.com/alleybot/alleybot/bot"
)

func init() { bot.RegisterChats(bot.Telegram, Chats{}) }

// Chats is what Telegram can do for a chat (bot.Chats): a chat id is
// decimal, a group's negative; every chat shows buttons and takes a photo
// by its file_id.
type Chats struct{}

// Kind tells a group (a negative id) from a private chat.
func (Chats) Kind(chatID string) bot.ChatKind {
	if strings.HasPrefix(chatID, "-") {
		return bot.Group
	}
	return bot.Private
}

// PhotoByRef is always true: any chat takes a Telegram photo by its
// file_id.
func (Chats) PhotoByRef(string) bool { return true }

// Buttons is always true: every chat shows an inline keyboard.
func (Chats) Buttons(string) bool { return true }

// LogID is the id itself: a Telegram chat id is no secret.
func (Chats) LogID(chatID string) string { return chatID }
