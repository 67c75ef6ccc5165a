package tgfake_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/internal/tgfake"
)

// call POSTs a form to method and decodes the Bot API envelope.
func call(t *testing.T, ctx context.Context, s *tgfake.Server, token, method string, form url.Values) (int, tgbotapi.APIResponse) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/bot"+token+"/"+method, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r tgbotapi.APIResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, r
}

func TestLibraryTalksToFake(t *testing.T) {
	s := tgfake.New(t, "")
	api, err := tgbotapi.NewBotAPIWithClient(s.Token, s.URL+"/bot%s/%s", http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if api.Self.UserName != s.Me.UserName {
		t.Errorf("getMe: %q", api.Self.UserName)
	}
	msg := tgbotapi.NewMessage(42, "你好")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("是", "yes")))
	m, err := api.Send(msg)
	if err != nil || m.Text != "你好" || m.Chat.ID != 42 || m.MessageID == 0 {
		t.Fatalf("sendMessage: %+v, %v", m, err)
	}
	want := tgfake.SentMessage{Method: "sendMessage", ChatID: 42, MessageID: m.MessageID, Text: "你好", Keyboard: [][]tgfake.Button{{{Text: "是", Data: "yes"}}}}
	if got := s.Sent(); len(got) != 1 || got[0].Text != want.Text || got[0].Keyboard[0][0] != want.Keyboard[0][0] {
		t.Errorf("Sent = %+v", got)
	}

	s.FailNext("sendMessage", 1, http.StatusForbidden)
	_, err = api.Send(msg)
	var te *tgbotapi.Error
	if !asTG(err, &te) || te.Code != 403 || !strings.HasPrefix(te.Message, "Forbidden") {
		t.Errorf("403: %#v", err)
	}
	s.Fail("sendMessage", 1, tgfake.Failure{Status: 429, RetryAfter: 5})
	_, err = api.Send(msg)
	if !asTG(err, &te) || te.Code != 429 || te.RetryAfter != 5 {
		t.Errorf("429: %#v", err)
	}
	if got := s.Calls("sendMessage"); got != 3 {
		t.Errorf("Calls(sendMessage) = %d, want 3 (failures count)", got)
	}

	// An unknown file_id is refused, as Telegram does.
	if _, err := api.Send(tgbotapi.NewPhoto(42, tgbotapi.FileID("nope"))); err == nil {
		t.Error("sendPhoto with an unknown file_id succeeded")
	}
	up, err := api.Send(tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "a.jpg", Bytes: []byte("JPEGDATA")}))
	if err != nil {
		t.Fatal(err)
	}
	// An uploaded photo can be fetched back by its new file_id.
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: up.Photo[0].FileID})
	if err != nil || f.FileSize != len("JPEGDATA") {
		t.Errorf("getFile of an upload: %+v, %v", f, err)
	}
}

func asTG(err error, te **tgbotapi.Error) bool {
	e, ok := err.(*tgbotapi.Error)
	*te = e
	return ok
}

func TestGetUpdatesLongPollAndOffset(t *testing.T) {
	s := tgfake.New(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A long poll wakes when an update is pushed.
	done := make(chan []tgbotapi.Update, 1)
	go func() {
		_, r := call(t, ctx, s, s.Token, "getUpdates", url.Values{"timeout": {"30"}})
		var ups []tgbotapi.Update
		_ = json.Unmarshal(r.Result, &ups)
		done <- ups
	}()
	if err := s.WaitUntil(ctx, func() bool { return s.Polling() == 1 }); err != nil {
		t.Fatal(err)
	}
	id := s.PushUpdate(tgfake.TextUpdate(1, 1, "a"))
	var ups []tgbotapi.Update
	select {
	case ups = <-done:
	case <-ctx.Done():
		t.Fatal("long poll not woken by an update")
	}
	if len(ups) != 1 || ups[0].UpdateID != id || ups[0].Message.Text != "a" {
		t.Fatalf("updates = %+v", ups)
	}

	// Without an offset the update comes again; with one it is confirmed.
	s.PushUpdate(`{"message":{"message_id":5,"date":1,"chat":{"id":1,"type":"private"},"text":"raw"}}`)
	_, r := call(t, ctx, s, s.Token, "getUpdates", url.Values{"timeout": {"0"}})
	_ = json.Unmarshal(r.Result, &ups)
	if len(ups) != 2 || ups[1].UpdateID != id+1 || ups[1].Message.Text != "raw" {
		t.Fatalf("without offset: %+v", ups)
	}
	_, r = call(t, ctx, s, s.Token, "getUpdates", url.Values{"offset": {strconv.Itoa(id + 1)}, "timeout": {"0"}})
	_ = json.Unmarshal(r.Result, &ups)
	if len(ups) != 1 || ups[0].UpdateID != id+1 || s.Pending() != 1 || s.Confirmed() != id+1 {
		t.Fatalf("offset %d: %d updates, %d pending, confirmed %d", id+1, len(ups), s.Pending(), s.Confirmed())
	}

	// A wrong token is refused; a webhook forbids polling.
	if status, r := call(t, ctx, s, "1:bad", "getUpdates", nil); status != 401 || r.Ok || r.ErrorCode != 401 {
		t.Errorf("wrong token: %d %+v", status, r)
	}
	call(t, ctx, s, s.Token, "setWebhook", url.Values{"url": {"https://example.org/hook"}, "secret_token": {"x"}})
	if status, r := call(t, ctx, s, s.Token, "getUpdates", nil); status != 409 || r.ErrorCode != 409 {
		t.Errorf("getUpdates with a webhook: %d %+v", status, r)
	}
}

func TestCloseEndsLongPoll(t *testing.T) {
	s := tgfake.New(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/bot"+s.Token+"/getUpdates?timeout=50", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	if err := s.WaitUntil(ctx, func() bool { return s.Polling() == 1 }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("Close left a long poll hanging")
	}
}

func TestEditAndNotModified(t *testing.T) {
	s := tgfake.New(t, "")
	ctx := context.Background()
	kb := `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`
	_, r := call(t, ctx, s, s.Token, "sendMessage", url.Values{"chat_id": {"-5"}, "text": {"menu"}, "reply_markup": {kb}})
	var m tgbotapi.Message
	_ = json.Unmarshal(r.Result, &m)
	if m.Chat.Type != "group" {
		t.Errorf("negative chat id is a %q", m.Chat.Type)
	}
	edit := url.Values{"chat_id": {"-5"}, "message_id": {strconv.Itoa(m.MessageID)}, "text": {"menu\n→ A"}}
	if status, _ := call(t, ctx, s, s.Token, "editMessageText", edit); status != 200 {
		t.Fatalf("edit: %d", status)
	}
	now, _ := s.Message(-5, m.MessageID)
	if now.Text != "menu\n→ A" || now.ReplyMarkup != nil {
		t.Errorf("after edit: %q %+v", now.Text, now.ReplyMarkup)
	}
	if status, r := call(t, ctx, s, s.Token, "editMessageText", edit); status != 400 || !strings.Contains(r.Description, "not modified") {
		t.Errorf("same edit again: %d %q", status, r.Description)
	}
	long := url.Values{"chat_id": {"1"}, "text": {strings.Repeat("字", 4097)}}
	if status, _ := call(t, ctx, s, s.Token, "sendMessage", long); status != 400 {
		t.Errorf("4097 characters: %d, want 400", status)
	}
}
