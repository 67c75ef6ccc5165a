package telegram_test

import (
	"context"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/telegram"
	"github.com/alleybot/alleybot/internal/tgfake"
)

// TestTelegramUpdateCleansText: a NUL (which PostgreSQL refuses, so the
// update failed every time it was redelivered), other control characters,
// bidirectional overrides and invalid UTF-8 never get past the adapter;
// tabs and line breaks do.
func TestTelegramUpdateCleansText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"/start\x00", "/start"},
		{"帽儿胡同\x00 23 号", "帽儿胡同 23 号"},
		{"a\x07b\x1bc\x7fd", "abcd"},
		{"第一行\n第二行\t完", "第一行\n第二行\t完"},
		{"\u202e垃圾\u202c 堆", "垃圾 堆"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	} {
		u := tgbotapi.Update{UpdateID: 1, Message: &tgbotapi.Message{MessageID: 1, Text: c.in,
			Chat: &tgbotapi.Chat{ID: 5, Type: "private"}, From: &tgbotapi.User{ID: 5, FirstName: "x\x00"}}}
		got, ok := telegram.ToUpdate(u, 0)
		if !ok || got.Text != c.want || got.UserName != "x" {
			t.Errorf("%q: text %q, user %q, want %q", c.in, got.Text, got.UserName, c.want)
		}
	}
	press := tgbotapi.Update{UpdateID: 2, CallbackQuery: &tgbotapi.CallbackQuery{ID: "q", Data: "c:rate:1:5\x00",
		From: &tgbotapi.User{ID: 5}, Message: &tgbotapi.Message{MessageID: 3, Chat: &tgbotapi.Chat{ID: 5, Type: "private"}}}}
	if got, ok := telegram.ToUpdate(press, 0); !ok || got.Callback.Data != "c:rate:1:5" {
		t.Errorf("callback data %q", got.Callback.Data)
	}
}

// slowHandler takes a while over each update and notes whether its context
// was cancelled meanwhile.
type slowHandler struct {
	started   chan struct{}
	cancelled chan bool
}

func (h *slowHandler) Handle(ctx context.Context, u bot.Update) ([]bot.Message, error) {
	close(h.started)
	select {
	case <-ctx.Done():
		h.cancelled <- true
		return nil, ctx.Err()
	case <-time.After(300 * time.Millisecond):
		h.cancelled <- false
		return []bot.Message{{Platform: bot.Telegram, ChatID: u.ChatID, Text: "完成了"}}, nil
	}
}

// TestShutdownLetsTheUpdateFinish: stopping the poll loop (SIGTERM) while
// an update is being handled does not cancel it: it commits and its reply
// goes out.
func TestShutdownLetsTheUpdateFinish(t *testing.T) {
	e := setup(t, nil)
	h := &slowHandler{started: make(chan struct{}), cancelled: make(chan bool, 1)}
	stop := e.poll(t, h)
	e.fake.PushUpdate(tgfake.TextUpdate(42, 42, "你好"))
	<-h.started
	stop()
	if <-h.cancelled {
		t.Fatal("the update in hand was cancelled by the shutdown")
	}
	waitFor(t, e.fake, "the reply", func() bool { return len(e.fake.Sent()) == 1 })
}
