package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/internal/backoff"
)

// Poll receives updates by long polling until ctx ends, then returns nil.
// Each update is handled, its callback answered and its replies delivered
// before the next; the offset moves past an update only once its handling
// committed, so a crash redelivers it and the handler's dedupe key drops it.
func (t *Adapter) Poll(ctx context.Context, h bot.Handler, out bot.Outbox) error {
	offset, fails := 0, 0
	for ctx.Err() == nil {
		ups, err := t.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			fails++
			wait := backoff.Of(t.retryBase, t.retryMax, fails)
			var ra *bot.RetryAfterError
			if errors.As(err, &ra) {
				wait = ra.After
			}
			t.log.Warn("telegram getUpdates failed", "err", err, "retry_in", wait)
			sleep(ctx, wait)
			continue
		}
		fails = 0
		for _, raw := range ups {
			var u tgbotapi.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				// A kind our library does not know: skip it, but by its id.
				var id struct {
					UpdateID int `json:"update_id"`
				}
				if json.Unmarshal(raw, &id) != nil || id.UpdateID == 0 {
					t.log.Error("telegram update without id", "err", err)
					continue
				}
				t.log.Warn("telegram update skipped", "update_id", id.UpdateID, "err", err)
				offset = id.UpdateID + 1
				continue
			}
			if !t.process(ctx, u, h, out) {
				return nil
			}
			offset = u.UpdateID + 1
		}
	}
	return nil
}

// getUpdates is one long poll, made by hand so that ctx cancels it.
func (t *Adapter) getUpdates(ctx context.Context, offset int) ([]json.RawMessage, error) {
	form := url.Values{"timeout": {strconv.Itoa(t.pollSecs)}, "allowed_updates": {allowedUpdates}}
	if offset != 0 {
		form.Set("offset", strconv.Itoa(offset))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.endpoint+"/bot"+t.token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", t.mask(err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := t.pollClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", t.mask(err))
	}
	defer resp.Body.Close()
	var r tgbotapi.APIResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("telegram getUpdates: HTTP %d: %w", resp.StatusCode, t.mask(err))
	}
	if !r.Ok {
		code, retry, migrate := r.ErrorCode, 0, int64(0)
		if code == 0 {
			code = resp.StatusCode
		}
		if r.Parameters != nil {
			retry, migrate = r.Parameters.RetryAfter, r.Parameters.MigrateToChatID
		}
		return nil, t.apiError("getUpdates", code, r.Description, retry, migrate)
	}
	var ups []json.RawMessage
	if err := json.Unmarshal(r.Result, &ups); err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %w", err)
	}
	return ups, nil
}

// process handles one update, retrying while the handler fails (each
// failure was rolled back). It returns false when ctx ended first.
func (t *Adapter) process(ctx context.Context, u tgbotapi.Update, h bot.Handler, out bot.Outbox) bool {
	bu, ok := ToUpdate(u, t.maxPhoto)
	if !ok {
		return true
	}
	for attempt := 1; ; attempt++ {
		// A shutdown does not cancel the update in hand: it finishes (or
		// fails on its own), as the README promises, within a bound.
		hctx, hcancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
		msgs, err := h.Handle(hctx, bu)
		hcancel()
		if err == nil {
			// The update is committed: its replies go out even if shutdown
			// has begun, or they would be lost (a redelivery is a duplicate).
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			t.settle(sctx, u, h, msgs, out, true)
			cancel()
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if errors.Is(err, bot.ErrPermanent) || (attempt >= t.attempts && !errors.Is(err, bot.ErrTransient)) {
			t.log.Error("telegram update given up", "update_id", u.UpdateID, "attempts", attempt, "err", err)
			t.settle(ctx, u, h, msgs, out, false)
			return true
		}
		wait := backoff.Of(t.retryBase, t.retryMax, attempt)
		t.log.Warn("telegram update failed, retrying", "update_id", u.UpdateID, "attempt", attempt, "retry_in", wait, "err", err)
		if !sleep(ctx, wait) {
			return false
		}
	}
}

// settle finishes a handled update: the button press is acknowledged and,
// when handled, its keyboard closed, so a stale button cannot be pressed
// twice; then the replies go out. Acknowledging first stops the button's
// spinner as soon as possible.
func (t *Adapter) settle(ctx context.Context, u tgbotapi.Update, h bot.Handler, msgs []bot.Message, out bot.Outbox, handled bool) {
	if cq := u.CallbackQuery; cq != nil {
		if err := t.request(ctx, "answerCallbackQuery", tgbotapi.NewCallback(cq.ID, "")); err != nil {
			// An old query (a redelivered update) can no longer be answered.
			t.log.Info("telegram answerCallbackQuery", "err", err)
		}
		if handled && !shared(h, cq.Data) {
			t.closeKeyboard(ctx, cq)
		}
	}
	t.deliver(ctx, out, msgs)
}

// shared reports a press of a shared card's button (bot.SharedButtons): a
// case card is pressed in the coordinators', a department's or the
// residents' group, a refused press must not take it from the others, and
// the case's state (checked under a lock) already refuses a stale press.
func shared(h bot.Handler, data string) bool {
	s, ok := h.(bot.SharedButtons)
	return ok && s.SharedButton(data)
}

// closeKeyboard edits the message whose button was pressed: it keeps its
// text, adds "→ <label>" and drops the keyboard.
func (t *Adapter) closeKeyboard(ctx context.Context, cq *tgbotapi.CallbackQuery) {
	m := cq.Message
	if m == nil || m.Chat == nil || m.ReplyMarkup == nil {
		return
	}
	label := ""
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && *b.CallbackData == cq.Data {
				label = b.Text
			}
		}
	}
	var edit tgbotapi.Chattable
	method := "editMessageReplyMarkup"
	switch {
	case label != "" && m.Text != "" && utf16Len(m.Text+"\n→ "+label) <= tgMaxText:
		edit, method = tgbotapi.NewEditMessageText(m.Chat.ID, m.MessageID, m.Text+"\n→ "+label), "editMessageText"
	case label != "" && m.Caption != "" && utf16Len(m.Caption+"\n→ "+label) <= tgMaxCaption:
		edit, method = tgbotapi.NewEditMessageCaption(m.Chat.ID, m.MessageID, m.Caption+"\n→ "+label), "editMessageCaption"
	default:
		edit = tgbotapi.NewEditMessageReplyMarkup(m.Chat.ID, m.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	}
	if err := t.request(ctx, method, edit); err != nil {
		// "message is not modified" when a redelivered press is edited again.
		t.log.Info("telegram close keyboard", "chat", m.Chat.ID, "message", m.MessageID, "err", err)
	}
}

// deliver sends msgs through out, retrying the failed ones a few times
// unless Telegram refused them for good.
func (t *Adapter) deliver(ctx context.Context, out bot.Outbox, msgs []bot.Message) {
	for _, m := range msgs {
		if _, ok := out[m.Platform]; !ok {
			t.log.Info("no sender for message", "platform", m.Platform, "chat", m.ChatID)
		}
	}
	for attempt := 1; len(msgs) > 0; attempt++ {
		failed, err := out.Deliver(ctx, msgs)
		if err == nil {
			return
		}
		var perm *bot.PermanentError
		if errors.As(err, &perm) || attempt >= deliverTries || ctx.Err() != nil {
			t.log.Error("deliver messages", "failed", len(failed), "err", err)
			return
		}
		wait := backoff.Of(t.retryBase, t.retryMax, attempt)
		var ra *bot.RetryAfterError
		if errors.As(err, &ra) {
			wait = ra.After
		}
		t.log.Warn("deliver messages, retrying", "failed", len(failed), "retry_in", wait, "err", err)
		if !sleep(ctx, wait) {
			return
		}
		msgs = failed
	}
}

// handleTimeout bounds one update's handling once a shutdown has begun.
const handleTimeout = 30 * time.Second
