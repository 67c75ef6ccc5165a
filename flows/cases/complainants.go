package cases

import (
	"context"
	"strings"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// The residents whose complaint became a case follow it: they hear its
// news in their private chat and rate it there.

// tellComplainants tells the residents whose complaints became case c of
// its news; at the closing they are asked for the rating (once per
// closing, from their own account).
func tellComplainants(ctx context.Context, t *conversations.Turn, c store.CaseView, key string, args ...any) error {
	ks, err := t.Tx.ComplaintsOfCase(ctx, c.ID)
	if err != nil {
		return err
	}
	rkey := "resident." + strings.TrimPrefix(key, "notify.")
	for _, k := range ks {
		if bot.Platform(k.Platform).Local() && bot.Platform(k.Platform) != t.Update.Platform {
			continue
		}
		m := bot.Message{Platform: bot.Platform(k.Platform), ChatID: k.ChatID, Recipient: k.ResidentName,
			Text: i18n.T(t.Deps.DefaultLang, rkey, append([]any{"number", c.Number, "complaint", k.Number}, args...)...)}
		if key == "notify.follower.closed" {
			m.Buttons = conversations.Render(t.Deps.DefaultLang, ratingButtons(c.ID))
		}
		t.Say(m)
	}
	return nil
}

// IsComplainant reports whether the speaker filed a complaint that became
// case caseID (a rating from them counts, in their private chat).
func IsComplainant(ctx context.Context, t *conversations.Turn, caseID int64) (bool, error) {
	ks, err := t.Tx.ComplaintsOfCase(ctx, caseID)
	if err != nil {
		return false, err
	}
	for _, k := range ks {
		if k.Platform == string(t.Update.Platform) && k.UserID == t.Update.UserID {
			return true, nil
		}
	}
	return false, nil
}
