package telegram

import (
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
)

// ToUpdate converts a Telegram update. It returns false for the kinds
// the bot does not act on (edits, channel posts, messages with no sender):
// they are skipped, and Poll moves past them.
func ToUpdate(u tgbotapi.Update, maxPhoto int64) (bot.Update, bool) {
	out := bot.Update{Platform: bot.Telegram, Key: strconv.Itoa(u.UpdateID)}
	var chat *tgbotapi.Chat
	var from *tgbotapi.User
	switch {
	case u.Message != nil:
		m := u.Message
		chat, from = m.Chat, m.From
		out.Time = time.Unix(int64(m.Date), 0)
		out.Text = m.Text
		if out.Text == "" {
			out.Text = m.Caption
		}
		if n := len(m.Photo); n > 0 {
			best := m.Photo[0]
			for _, p := range m.Photo[1:] {
				if p.Width*p.Height > best.Width*best.Height || p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize {
					best = p
				}
			}
			out.Photo = &bot.Photo{Platform: bot.Telegram, FileRef: best.FileID, Size: best.FileSize, TooLarge: maxPhoto > 0 && int64(best.FileSize) > maxPhoto}
		} else if d := m.Document; d != nil && strings.HasPrefix(d.MimeType, "image/") {
			out.Photo = &bot.Photo{Platform: bot.Telegram, FileRef: d.FileID, Size: d.FileSize, MIME: d.MimeType, Document: true,
				TooLarge: maxPhoto > 0 && int64(d.FileSize) > maxPhoto}
		}
		if l := m.Location; l != nil {
			out.Location = &bot.Location{Lat: l.Latitude, Lon: l.Longitude}
		}
		// The service messages of an upgrade to a supergroup: one in the old
		// group, one in the new; either rebinds (the second finds it done).
		if m.Chat != nil && m.MigrateToChatID != 0 {
			out.Moved = &bot.ChatMove{From: strconv.FormatInt(m.Chat.ID, 10), To: strconv.FormatInt(m.MigrateToChatID, 10)}
		}
		if m.Chat != nil && m.MigrateFromChatID != 0 {
			out.Moved = &bot.ChatMove{From: strconv.FormatInt(m.MigrateFromChatID, 10), To: strconv.FormatInt(m.Chat.ID, 10)}
		}
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		if cq.Message == nil {
			return bot.Update{}, false // a press under an inline-mode message: no chat
		}
		chat, from = cq.Message.Chat, cq.From
		out.Time = time.Now()
		out.Callback = &bot.Callback{ID: cq.ID, Data: cq.Data, MessageID: strconv.Itoa(cq.Message.MessageID)}
	default:
		return bot.Update{}, false
	}
	if chat == nil || from == nil || from.IsBot {
		return bot.Update{}, false
	}
	out.ChatID = strconv.FormatInt(chat.ID, 10)
	out.ChatKind = bot.Group
	if chat.Type == "private" {
		out.ChatKind = bot.Private
	}
	out.ChatTitle = chat.Title
	out.UserID = strconv.FormatInt(from.ID, 10)
	out.UserName = from.UserName
	if out.UserName == "" {
		out.UserName = strings.TrimSpace(from.FirstName + " " + from.LastName)
	}
	out.LangHint = from.LanguageCode
	out.Text, out.ChatTitle, out.UserName = bot.Clean(out.Text), bot.Clean(out.ChatTitle), bot.Clean(out.UserName)
	if out.Callback != nil {
		out.Callback.Data = bot.Clean(out.Callback.Data)
	}
	return out, true
}
