package telegram_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/telegram"
	"github.com/alleybot/alleybot/internal/tgfake"
)

// recorder is a handler that keeps what reached it.
type recorder struct {
	mu  sync.Mutex
	got []bot.Update
}

func (r *recorder) Handle(_ context.Context, u bot.Update) ([]bot.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, u)
	return nil, nil
}

// FuzzWebhook posts any body, with the right secret, to the webhook: it
// answers 200 or 400, never panics, and hands the router only clean
// updates (valid UTF-8, no NUL).
func FuzzWebhook(f *testing.F) {
	for _, s := range []string{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"a"},"text":"/start\u0000x"}}`,
		`{"update_id":2,"callback_query":{"id":"q","from":{"id":5,"first_name":"a"},"data":"c:still:1","message":{"message_id":7,"date":1,"chat":{"id":5,"type":"private"}}}}`,
		`{"update_id":3,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"\xff\xfe"},"text":"\u202e反"}}`,
		`{"update_id": 7, "message": `, `[]`, `"x"`, ``, `{"update_id":1e400}`,
	} {
		f.Add([]byte(s))
	}
	fake := tgfake.New(f, "")
	tg, err := telegram.New(context.Background(), telegram.Options{Token: fake.Token, APIEndpoint: fake.URL,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	rec := &recorder{}
	h := tg.WebhookHandler("fuzz-secret", rec, bot.Outbox{})
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/telegram/webhook", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "fuzz-secret")
		w := httptest.NewRecorder()
		rec.mu.Lock()
		rec.got = nil
		rec.mu.Unlock()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Errorf("status %d for %q", w.Code, body)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for _, u := range rec.got {
			if !utf8.ValidString(u.Text) || bytes.ContainsRune([]byte(u.Text), 0) || !utf8.ValidString(u.UserName) {
				t.Errorf("an unclean update reached the router: %+v", u)
			}
		}
	})
}
