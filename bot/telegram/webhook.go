package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
)

// failed counts a failed delivery of a webhook update and returns the count
// so far. The table is this process's memory, bounded: it is emptied when
// it grows past maxFailures (a count restarts, never a wedge).
func (t *Adapter) failed(updateID int) int {
	const maxFailures = 4096
	t.failMu.Lock()
	defer t.failMu.Unlock()
	if len(t.failures) >= maxFailures {
		clear(t.failures)
	}
	t.failures[updateID]++
	return t.failures[updateID]
}

// WebhookHandler receives updates Telegram POSTs. It answers 401 unless the
// secret header matches (an empty secret refuses everything), handles the
// update synchronously, and answers 500 when handling failed, so Telegram
// delivers it again (the handler rolled it back). A failure that will pass
// (ErrTransient: the database away) is answered 500 however often it comes;
// an update that fails for good (ErrPermanent), or WebhookAttempts times for
// an unknown reason, is apologised for and answered 200, so it does not
// wedge the chat. After the 200 it
// acknowledges the press and delivers the replies before returning.
func (t *Adapter) WebhookHandler(secret string, h bot.Handler, out bot.Outbox) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(secretHeader)
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			t.log.Warn("telegram webhook: bad secret", "remote", r.RemoteAddr)
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, webhookBody))
		if err != nil {
			http.Error(w, "body too large or unreadable", http.StatusBadRequest)
			return
		}
		var u tgbotapi.Update
		if err := json.Unmarshal(body, &u); err != nil {
			t.log.Warn("telegram webhook: malformed update", "err", err)
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		bu, ok := ToUpdate(u, t.maxPhoto)
		if !ok {
			w.WriteHeader(http.StatusOK)
			return
		}
		msgs, err := h.Handle(r.Context(), bu)
		if err != nil && errors.Is(err, bot.ErrTransient) {
			// It will pass: Telegram delivers it again, however often.
			t.log.Warn("telegram webhook: handling will pass, asking for it again", "update_id", u.UpdateID, "err", err)
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		if err != nil {
			n := t.failed(u.UpdateID)
			if n < t.hookTries && !errors.Is(err, bot.ErrPermanent) {
				t.log.Error("telegram webhook: handle", "update_id", u.UpdateID, "attempt", n, "err", err)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				return
			}
			t.log.Error("telegram webhook: update given up, apologised", "update_id", u.UpdateID, "attempts", n, "err", err)
		}
		w.WriteHeader(http.StatusOK)
		_ = http.NewResponseController(w).Flush()
		// Telegram may hang up once it has its 200: the replies must still go.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
		defer cancel()
		t.settle(ctx, u, h, msgs, out, err == nil)
	})
}

// SetWebhook makes Telegram POST updates to url with secret in the
// X-Telegram-Bot-Api-Secret-Token header.
func (t *Adapter) SetWebhook(ctx context.Context, url, secret string) error {
	api, d := t.with(ctx)
	_, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": url, "secret_token": secret, "allowed_updates": allowedUpdates})
	if err != nil {
		return t.fail("setWebhook", d.status, err)
	}
	return nil
}

// DeleteWebhook removes the webhook, so Poll can receive updates; pending
// updates are kept.
func (t *Adapter) DeleteWebhook(ctx context.Context) error {
	api, d := t.with(ctx)
	if _, err := api.MakeRequest("deleteWebhook", nil); err != nil {
		return t.fail("deleteWebhook", d.status, err)
	}
	return nil
}
