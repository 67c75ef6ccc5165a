package wecom

import (
	"strings"

	"github.com/alleybot/alleybot/bot"
)

func init() {
	bot.RegisterChats(bot.WeCom, Chats{})
	bot.RegisterChats(bot.WeChat, Chats{})
}

// Chats is what WeCom can do for a chat (bot.Chats): a group is reached
// through its robot ("robot:<key>") or as a group the app created
// ("appchat:<chatid>"); any other id is a member's userid (or, on WeChat,
// a customer-service chat "<open_kfid>|<external_userid>").
type Chats struct{}

// Kind tells a group (a robot's or an app's) from a person.
func (Chats) Kind(chatID string) bot.ChatKind {
	if strings.HasPrefix(chatID, Robot) || strings.HasPrefix(chatID, AppChat) {
		return bot.Group
	}
	return bot.Private
}

// PhotoByRef is false for a group robot: it takes only bytes (base64),
// whatever the photo's origin.
func (Chats) PhotoByRef(chatID string) bool { return !strings.HasPrefix(chatID, Robot) }

// Buttons is false for a group robot: it cannot carry buttons.
func (Chats) Buttons(chatID string) bool { return !strings.HasPrefix(chatID, Robot) }

// LogID cuts a group robot's id short: it is its webhook key, which lets
// anyone post to the group, so only its first characters are shown.
func (Chats) LogID(chatID string) string {
	if key, ok := strings.CutPrefix(chatID, Robot); ok && len(key) > 6 {
		return Robot + key[:6] + "…"
	}
	return chatID
}
