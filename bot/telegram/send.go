package telegram

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
)

// Send implements bot.Sender. m.ChatID is the decimal Telegram chat id. A photo
// goes by file_id when it is Telegram's own, else by upload, with the text
// as caption when it fits; a text too long for one message is split at
// line breaks, the buttons under the last part. Errors are
// *RetryAfterError, *PermanentError or transient ones.
func (t *Adapter) Send(ctx context.Context, m bot.Message) error {
	chatID, err := strconv.ParseInt(m.ChatID, 10, 64)
	if err != nil {
		return &bot.PermanentError{Method: "sendMessage", Description: "not a Telegram chat id: " + strconv.Quote(m.ChatID)}
	}
	markup := inlineKeyboard(m.Buttons)
	if file, asFile := photoFile(m.Photo); file != nil {
		var p tgbotapi.Chattable
		method, caption := "sendPhoto", utf16Len(m.Text) <= tgMaxCaption
		if asFile {
			d := tgbotapi.NewDocument(chatID, file)
			if caption {
				d.Caption = m.Text
				if markup != nil {
					d.ReplyMarkup = *markup
				}
			}
			p, method = d, "sendDocument"
		} else {
			ph := tgbotapi.NewPhoto(chatID, file)
			if caption {
				ph.Caption = m.Text
				if markup != nil {
					ph.ReplyMarkup = *markup
				}
			}
			p = ph
		}
		err := t.request(ctx, method, p)
		var perm *bot.PermanentError
		switch {
		case err == nil && caption:
			return nil
		case errors.As(err, &perm) && perm.Code == http.StatusBadRequest && perm.MigrateToChatID == 0:
			// The picture was refused (a stale file_id, a type mismatch):
			// the message still goes, as text with its buttons.
			t.log.Warn("telegram: picture refused, sending the text alone", "chat", chatID, "err", err)
		case err != nil:
			return err
		}
	}
	if strings.TrimSpace(m.Text) == "" {
		if markup != nil {
			return &bot.PermanentError{Method: "sendMessage", Description: "buttons without text"}
		}
		return nil
	}
	parts := splitText(m.Text, tgMaxText)
	for i, part := range parts {
		msg := tgbotapi.NewMessage(chatID, part)
		if i == len(parts)-1 && markup != nil {
			msg.ReplyMarkup = *markup
		}
		if err := t.request(ctx, "sendMessage", msg); err != nil {
			return err
		}
	}
	return nil
}

func inlineKeyboard(rows [][]bot.Button) *tgbotapi.InlineKeyboardMarkup {
	var kb [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			if b.URL != "" {
				r = append(r, tgbotapi.NewInlineKeyboardButtonURL(b.Label, b.URL))
				continue
			}
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Data))
		}
		if len(r) > 0 {
			kb = append(kb, r)
		}
	}
	if len(kb) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: kb}
}

// photoFile is what to send for p: Telegram's own photo by file_id, else
// the bytes uploaded as a photo; asFile when only a document's file_id is
// at hand (it can go back only as a document).
func photoFile(p *bot.Photo) (file tgbotapi.RequestFileData, asFile bool) {
	switch {
	case p == nil:
		return nil, false
	case p.Platform == bot.Telegram && p.FileRef != "" && !p.Document:
		return tgbotapi.FileID(p.FileRef), false
	case len(p.Bytes) > 0:
		mime := p.MIME
		if mime == "" {
			mime = http.DetectContentType(p.Bytes)
		}
		name := "photo.jpg"
		switch mime {
		case "image/png":
			name = "photo.png"
		case "image/gif":
			name = "photo.gif"
		case "image/webp":
			name = "photo.webp"
		}
		return tgbotapi.FileBytes{Name: name, Bytes: p.Bytes}, false
	case p.Platform == bot.Telegram && p.FileRef != "":
		return tgbotapi.FileID(p.FileRef), true
	}
	return nil, false
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// splitText cuts s into parts of at most limit UTF-16 units, at the last
// line break that fits, else at a rune boundary.
func splitText(s string, limit int) []string {
	var parts []string
	for utf16Len(s) > limit {
		cut, n, lastNL := 0, 0, -1
		for i, r := range s {
			if n+utf16.RuneLen(r) > limit {
				cut = i
				break
			}
			n += utf16.RuneLen(r)
			if r == '\n' {
				lastNL = i
			}
		}
		if lastNL > 0 {
			parts = append(parts, s[:lastNL])
			s = s[lastNL+1:]
		} else {
			parts = append(parts, s[:cut])
			s = s[cut:]
		}
	}
	return append(parts, s)
}
