package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/telegram"
	"github.com/alleybot/alleybot/internal/tgfake"
)

// A private chat is the user's id; a group's id is negative.
const (
	alice    = int64(5550001)
	group    = int64(-100777)
	secret   = "s3cret-webhook"
	maxPhoto = 1 << 20
)

// echo is a stand-in for the router: it answers each kind of update in a
// way a test can recognise, and can fail on demand.
type echo struct {
	mu      sync.Mutex
	calls   []bot.Update   // every Handle call, failed ones included
	handled map[string]int // successful handles by key
	failFor map[string]int // key → how many more calls fail
	poison  map[string]bool
	outage  map[string]int // key → how many more calls meet a database that is away
}

func newEcho() *echo {
	return &echo{handled: map[string]int{}, failFor: map[string]int{}, poison: map[string]bool{}, outage: map[string]int{}}
}

func (e *echo) Handle(_ context.Context, u bot.Update) ([]bot.Message, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, u)
	msg := bot.Message{Platform: u.Platform, ChatID: u.ChatID}
	if e.poison[u.Key] {
		msg.Text = "sorry"
		return []bot.Message{msg}, fmt.Errorf("%w: invalid byte sequence", bot.ErrPermanent)
	}
	if e.outage[u.Key] > 0 {
		e.outage[u.Key]--
		return nil, fmt.Errorf("%w: dial tcp 127.0.0.1:5432: connect: connection refused", bot.ErrTransient)
	}
	if e.failFor[u.Key] > 0 {
		e.failFor[u.Key]--
		msg.Text = "sorry"
		return []bot.Message{msg}, errors.New("database is down")
	}
	e.handled[u.Key]++
	switch {
	case u.Callback != nil:
		msg.Text = "pressed " + u.Callback.Data
	case u.Photo != nil:
		msg.Text = "photo " + u.Photo.FileRef
	case u.Location != nil:
		msg.Text = fmt.Sprintf("loc %.4f,%.4f", u.Location.Lat, u.Location.Lon)
	case u.Text == "card":
		msg.Text = "案件卡片"
		msg.Buttons = [][]bot.Button{{{Label: "派单", Data: "c:dispatch:1"}}}
	case u.Text == "menu":
		msg.Text = "choose"
		msg.Buttons = [][]bot.Button{{{Label: "一", Data: "b1"}, {Label: "二", Data: "b2"}}}
	default:
		msg.Text = u.Text
	}
	return []bot.Message{msg}, nil
}

// SharedButton: like the router, a case card ("c:" buttons) is shared.
func (e *echo) SharedButton(data string) bool { return strings.HasPrefix(data, "c:") }

func (e *echo) callsFor(key string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, u := range e.calls {
		if u.Key == key {
			n++
		}
	}
	return n
}

func (e *echo) snapshot() ([]bot.Update, map[string]int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	h := map[string]int{}
	for k, v := range e.handled {
		h[k] = v
	}
	return append([]bot.Update(nil), e.calls...), h
}

// logBuf collects the adapter's log, to check the token never reaches it.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type env struct {
	fake *tgfake.Server
	tg   *telegram.Adapter
	log  *logBuf
	out  bot.Outbox
}

func setup(t *testing.T, mod func(*telegram.Options)) *env {
	t.Helper()
	fake := tgfake.New(t, "")
	logs := &logBuf{}
	opts := telegram.Options{
		Token:         fake.Token,
		APIEndpoint:   fake.URL,
		HTTPClient:    &http.Client{Timeout: 10 * time.Second},
		MaxPhotoBytes: maxPhoto,
		Log:           slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		PollTimeout:   2 * time.Second,
		RetryBase:     time.Millisecond,
		RetryMax:      10 * time.Millisecond,
	}
	if mod != nil {
		mod(&opts)
	}
	tg, err := telegram.New(context.Background(), opts)
	if err != nil {
		t.Fatalf("telegram.New: %v", err)
	}
	if tg.Username() != fake.Me.UserName {
		t.Fatalf("Username = %q, want %q", tg.Username(), fake.Me.UserName)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), fake.Token) {
			t.Errorf("the token is in the log:\n%s", logs.String())
		}
	})
	return &env{fake: fake, tg: tg, log: logs, out: bot.Outbox{bot.Telegram: tg}}
}

// waitFor waits for cond on the fake; the deadline is only a safety net.
func waitFor(t *testing.T, fake *tgfake.Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := fake.WaitUntil(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// poll runs Poll until the returned stop is called; stop checks it
// returned nil.
func (e *env) poll(t *testing.T, h bot.Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.tg.Poll(ctx, h, e.out) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Poll returned %v, want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("Poll did not return after cancel")
		}
	}
	t.Cleanup(stop)
	return stop
}

func texts(sent []tgfake.SentMessage, method string) []string {
	var out []string
	for _, m := range sent {
		if method == "" || m.Method == method {
			out = append(out, m.Text)
		}
	}
	return out
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTelegramUpdate(t *testing.T) {
	date := time.Date(2025, 3, 1, 8, 30, 0, 0, time.UTC)
	at := func(u tgbotapi.Update) tgbotapi.Update {
		u.UpdateID = 42
		if u.Message != nil {
			u.Message.MessageID = 9
			u.Message.Date = int(date.Unix())
		}
		return u
	}
	private := bot.Update{Platform: bot.Telegram, Key: "42", ChatID: strconv.FormatInt(alice, 10), ChatKind: bot.Private,
		UserID: strconv.FormatInt(alice, 10), UserName: "user5550001", LangHint: "zh-hans", Time: date}
	inGroup := private
	inGroup.ChatID, inGroup.ChatKind, inGroup.ChatTitle = strconv.FormatInt(group, 10), bot.Group, "群100777"

	shuffled := tgfake.PhotoUpdate(alice, alice, "BIG", 300_000, "井盖坏了")
	p := shuffled.Message.Photo
	p[0], p[2] = p[2], p[0] // the largest first: order must not matter

	noUsername := tgfake.TextUpdate(alice, alice, "hi")
	noUsername.Message.From.UserName = ""

	fromBot := tgfake.TextUpdate(group, alice, "hi")
	fromBot.Message.From.IsBot = true

	callback := tgbotapi.Update{UpdateID: 42, CallbackQuery: &tgbotapi.CallbackQuery{
		ID: "cq1", From: tgfake.User(alice), Data: "b2",
		Message: &tgbotapi.Message{MessageID: 77, Chat: tgfake.Chat(group), Text: "choose", Date: int(date.Unix())},
	}}
	inlineCallback := tgbotapi.Update{UpdateID: 42, CallbackQuery: &tgbotapi.CallbackQuery{ID: "cq2", From: tgfake.User(alice), InlineMessageID: "x", Data: "b1"}}

	inOld, inNew := tgfake.MigrationUpdates(group, -1001777, alice)
	inSuper := inGroup
	inSuper.ChatID, inSuper.ChatTitle = "-1001777", "群1001777"

	tests := []struct {
		name string
		in   tgbotapi.Update
		ok   bool
		want func(bot.Update) bot.Update // applied to the expected base
		base bot.Update
	}{
		{"private text", at(tgfake.TextUpdate(alice, alice, "/help")), true,
			func(u bot.Update) bot.Update { u.Text = "/help"; return u }, private},
		{"group text", at(tgfake.TextUpdate(group, alice, "/report@alley_test_bot")), true,
			func(u bot.Update) bot.Update { u.Text = "/report@alley_test_bot"; return u }, inGroup},
		{"name without username", at(noUsername), true,
			func(u bot.Update) bot.Update { u.Text, u.UserName = "hi", "用户 5550001"; return u }, private},
		{"photo: largest size, caption as text", at(shuffled), true,
			func(u bot.Update) bot.Update {
				u.Text = "井盖坏了"
				u.Photo = &bot.Photo{Platform: bot.Telegram, FileRef: "BIG", Size: 300_000}
				return u
			}, private},
		{"photo over the limit", at(tgfake.PhotoUpdate(alice, alice, "HUGE", maxPhoto+1, "")), true,
			func(u bot.Update) bot.Update {
				u.Photo = &bot.Photo{Platform: bot.Telegram, FileRef: "HUGE", Size: maxPhoto + 1, TooLarge: true}
				return u
			}, private},
		{"image document", at(tgfake.DocumentUpdate(alice, alice, "DOC", "image/png", 5000, "原图")), true,
			func(u bot.Update) bot.Update {
				u.Text = "原图"
				u.Photo = &bot.Photo{Platform: bot.Telegram, FileRef: "DOC", Size: 5000, MIME: "image/png", Document: true}
				return u
			}, private},
		{"other document is no photo", at(tgfake.DocumentUpdate(alice, alice, "PDF", "application/pdf", 5000, "报表")), true,
			func(u bot.Update) bot.Update { u.Text = "报表"; return u }, private},
		{"location", at(tgfake.LocationUpdate(group, alice, 31.2304, 121.4737)), true,
			func(u bot.Update) bot.Update { u.Location = &bot.Location{Lat: 31.2304, Lon: 121.4737}; return u }, inGroup},
		{"callback in a group", callback, true,
			func(u bot.Update) bot.Update {
				u.Callback = &bot.Callback{ID: "cq1", Data: "b2", MessageID: "77"}
				return u
			}, inGroup},
		{"group upgraded: the old group's notice", at(inOld), true,
			func(u bot.Update) bot.Update { u.Moved = &bot.ChatMove{From: "-100777", To: "-1001777"}; return u }, inGroup},
		{"group upgraded: the supergroup's notice", at(inNew), true,
			func(u bot.Update) bot.Update { u.Moved = &bot.ChatMove{From: "-100777", To: "-1001777"}; return u }, inSuper},
		{"edited message", tgbotapi.Update{UpdateID: 42, EditedMessage: tgfake.TextUpdate(alice, alice, "x").Message}, false, nil, bot.Update{}},
		{"channel post", tgbotapi.Update{UpdateID: 42, ChannelPost: tgfake.TextUpdate(group, alice, "x").Message}, false, nil, bot.Update{}},
		{"callback under an inline message", inlineCallback, false, nil, bot.Update{}},
		{"message from a bot", at(fromBot), false, nil, bot.Update{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := telegram.ToUpdate(tc.in, maxPhoto)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			want := tc.want(tc.base)
			if got.Callback != nil {
				// A press carries no date: any recent time will do.
				if time.Since(got.Time) > time.Minute || got.Time.IsZero() {
					t.Errorf("callback Time = %v, want now", got.Time)
				}
				got.Time = want.Time
			}
			if !got.Time.Equal(want.Time) {
				t.Errorf("Time = %v, want %v", got.Time, want.Time)
			}
			got.Time = want.Time
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
				if got.Photo != nil || want.Photo != nil {
					t.Errorf("photo got %+v want %+v", got.Photo, want.Photo)
				}
			}
		})
	}
}

func TestPollRepliesOnceInOrder(t *testing.T) {
	e := setup(t, nil)
	h := newEcho()
	ids := []int{
		e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "你好")),
		e.fake.PushUpdate(tgfake.LocationUpdate(alice, alice, 31.2304, 121.4737)),
		e.fake.PushUpdate(tgbotapi.Update{EditedMessage: tgfake.TextUpdate(alice, alice, "改过").Message}),
		e.fake.PushUpdate(tgfake.PhotoUpdate(group, alice, "P1", 1000, "")),
	}
	stop := e.poll(t, h)
	waitFor(t, e.fake, "three replies", func() bool { return len(e.fake.Sent()) >= 3 })
	// One more after the first batch, so a second long poll must happen.
	ids = append(ids, e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "再见")))
	last := ids[len(ids)-1]
	waitFor(t, e.fake, "the last update confirmed", func() bool { return e.fake.Confirmed() == last+1 })
	stop()

	sent := e.fake.Sent()
	want := []string{"你好", "loc 31.2304,121.4737", "photo P1", "再见"}
	if got := texts(sent, ""); !reflect.DeepEqual(got, want) {
		t.Fatalf("replies = %q, want %q", got, want)
	}
	if sent[2].ChatID != group || sent[0].ChatID != alice {
		t.Errorf("reply chats = %d, %d; want %d, %d", sent[0].ChatID, sent[2].ChatID, alice, group)
	}
	calls, handled := h.snapshot()
	if len(calls) != 4 {
		t.Errorf("Handle called %d times, want 4 (the edit skipped, nothing twice)", len(calls))
	}
	for i, id := range ids {
		key := strconv.Itoa(id)
		want := 1
		if i == 2 {
			want = 0 // the edited message
		}
		if handled[key] != want {
			t.Errorf("update %d handled %d times, want %d", id, handled[key], want)
		}
	}
	prev := 0
	for _, c := range e.fake.CallsTo("getUpdates") {
		off, _ := strconv.Atoi(c.Params["offset"])
		if off < prev {
			t.Errorf("offset went back from %d to %d", prev, off)
		}
		prev = off
		if c.Params["allowed_updates"] != `["message","callback_query"]` {
			t.Errorf("allowed_updates = %q", c.Params["allowed_updates"])
		}
	}
	if n := e.fake.Pending(); n != 0 {
		t.Errorf("%d updates left unconfirmed", n)
	}
}

func TestPollSkipsUndecodableUpdate(t *testing.T) {
	e := setup(t, nil)
	h := newEcho()
	// A field of a type the library does not expect: the update cannot be
	// decoded, but its id can, so Poll moves past it instead of looping.
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "之前"))
	bad := e.fake.PushUpdate(`{"message":{"message_id":"not a number","chat":{"id":1,"type":"private"}}}`)
	e.poll(t, h)
	waitFor(t, e.fake, "the bad update confirmed", func() bool { return e.fake.Confirmed() == bad+1 })
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "之后"))
	waitFor(t, e.fake, "the next reply", func() bool { return len(e.fake.Sent()) == 2 })
	if got := texts(e.fake.Sent(), ""); !reflect.DeepEqual(got, []string{"之前", "之后"}) {
		t.Errorf("replies = %q", got)
	}
	if n := h.callsFor(strconv.Itoa(bad)); n != 0 {
		t.Errorf("undecodable update handled %d times", n)
	}
	if !strings.Contains(e.log.String(), "update_id="+strconv.Itoa(bad)) {
		t.Errorf("the skipped update is not logged:\n%s", e.log.String())
	}
}

func TestPollButtonPressClosesKeyboard(t *testing.T) {
	e := setup(t, nil)
	h := newEcho()
	e.poll(t, h)
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "menu"))
	waitFor(t, e.fake, "the menu", func() bool { return len(e.fake.Sent()) == 1 })
	menu := e.fake.Sent()[0]
	wantKB := [][]tgfake.Button{{{Text: "一", Data: "b1"}, {Text: "二", Data: "b2"}}}
	if !reflect.DeepEqual(menu.Keyboard, wantKB) {
		t.Fatalf("keyboard = %+v, want %+v", menu.Keyboard, wantKB)
	}

	press := e.fake.CallbackUpdate(alice, menu.MessageID, alice, "b2")
	e.fake.PushUpdate(press)
	waitFor(t, e.fake, "the press answered and replied", func() bool {
		return e.fake.Calls("answerCallbackQuery") == 1 && len(texts(e.fake.Sent(), "sendMessage")) == 2
	})

	if got := e.fake.CallsTo("answerCallbackQuery")[0].Params["callback_query_id"]; got != press.CallbackQuery.ID {
		t.Errorf("answered %q, want %q", got, press.CallbackQuery.ID)
	}
	if got := texts(e.fake.Sent(), "sendMessage"); got[1] != "pressed b2" {
		t.Errorf("reply = %q, want %q", got[1], "pressed b2")
	}
	m, _ := e.fake.Message(alice, menu.MessageID)
	if m.Text != "choose\n→ 二" || m.ReplyMarkup != nil {
		t.Errorf("menu after the press: text %q, keyboard %+v; want %q and none", m.Text, m.ReplyMarkup, "choose\n→ 二")
	}
	calls, _ := h.snapshot()
	cb := calls[len(calls)-1].Callback
	if cb == nil || cb.Data != "b2" || cb.MessageID != strconv.Itoa(menu.MessageID) || cb.ID != press.CallbackQuery.ID {
		t.Errorf("handler saw callback %+v", cb)
	}

	// A photo with buttons keeps its photo: the caption gets the label.
	e.fake.AddFile("PH", "photos/ph.png", pngBytes(t))
	err := e.tg.Send(context.Background(), bot.Message{Platform: bot.Telegram, ChatID: strconv.FormatInt(alice, 10), Text: "看图",
		Photo: &bot.Photo{Platform: bot.Telegram, FileRef: "PH"}, Buttons: [][]bot.Button{{{Label: "好", Data: "ok"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sent := e.fake.Sent()
	photo := sent[len(sent)-1]
	e.fake.PushUpdate(e.fake.CallbackUpdate(alice, photo.MessageID, alice, "ok"))
	waitFor(t, e.fake, "the photo press answered", func() bool { return e.fake.Calls("editMessageCaption") == 1 })
	m, _ = e.fake.Message(alice, photo.MessageID)
	if m.Caption != "看图\n→ 好" || m.ReplyMarkup != nil {
		t.Errorf("photo after the press: caption %q, keyboard %+v", m.Caption, m.ReplyMarkup)
	}
}

// TestSharedCardKeepsKeyboard: a case card is shared (the handler says so,
// bot.SharedButtons): a press, by poll or by webhook, is answered, but the
// card keeps its text and its buttons for the others.
func TestSharedCardKeepsKeyboard(t *testing.T) {
	e := setup(t, nil)
	h := newEcho()
	srv := httptest.NewServer(e.tg.WebhookHandler(secret, h, e.out))
	defer srv.Close()
	ctx := context.Background()
	wantKB := [][]tgfake.Button{{{Text: "派单", Data: "c:dispatch:1"}}}
	check := func(mode string, card tgfake.SentMessage) {
		t.Helper()
		m, _ := e.fake.Message(group, card.MessageID)
		if m.Text != "案件卡片" || m.ReplyMarkup == nil {
			t.Errorf("%s: card after the press: text %q, keyboard %+v; want it kept", mode, m.Text, m.ReplyMarkup)
		}
		if n := e.fake.Calls("editMessageText") + e.fake.Calls("editMessageReplyMarkup"); n != 0 {
			t.Errorf("%s: %d edits of a shared card", mode, n)
		}
	}

	if err := e.tg.SetWebhook(ctx, srv.URL+"/telegram", secret); err != nil {
		t.Fatal(err)
	}
	if status, err := e.fake.PostWebhook(ctx, tgfake.TextUpdate(group, alice, "card")); err != nil || status != 200 {
		t.Fatalf("card: %d, %v", status, err)
	}
	card := e.fake.Sent()[0]
	if !reflect.DeepEqual(card.Keyboard, wantKB) {
		t.Fatalf("keyboard = %+v, want %+v", card.Keyboard, wantKB)
	}
	if status, err := e.fake.PostWebhook(ctx, e.fake.CallbackUpdate(group, card.MessageID, alice, "c:dispatch:1")); err != nil || status != 200 {
		t.Fatalf("press: %d, %v", status, err)
	}
	if e.fake.Calls("answerCallbackQuery") != 1 {
		t.Errorf("webhook: %d answers, want 1", e.fake.Calls("answerCallbackQuery"))
	}
	check("webhook", card)

	if err := e.tg.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	e.poll(t, h)
	e.fake.PushUpdate(e.fake.CallbackUpdate(group, card.MessageID, alice, "c:dispatch:1"))
	waitFor(t, e.fake, "the press answered and replied", func() bool {
		return e.fake.Calls("answerCallbackQuery") == 2 && len(texts(e.fake.Sent(), "sendMessage")) == 3
	})
	check("poll", card)
}

func TestPollSurvivesGetUpdatesFailures(t *testing.T) {
	e := setup(t, nil)
	e.fake.FailNext("getUpdates", 2, http.StatusInternalServerError)
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "还在吗"))
	e.poll(t, newEcho())
	waitFor(t, e.fake, "the reply", func() bool { return len(e.fake.Sent()) == 1 })
	if got := e.fake.Sent()[0].Text; got != "还在吗" {
		t.Errorf("reply = %q", got)
	}
	calls := e.fake.CallsTo("getUpdates")
	if len(calls) < 3 || calls[0].Status != 500 || calls[1].Status != 500 || calls[2].Status != 200 {
		t.Errorf("getUpdates statuses: want 500, 500, 200; got %d calls", len(calls))
	}
}

func TestPollHonoursRetryAfter(t *testing.T) {
	e := setup(t, nil)
	e.fake.Fail("getUpdates", 1, tgfake.Failure{Status: http.StatusTooManyRequests, RetryAfter: 1})
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "慢点"))
	e.poll(t, newEcho())
	waitFor(t, e.fake, "the reply", func() bool { return len(e.fake.Sent()) == 1 })
	calls := e.fake.CallsTo("getUpdates")
	// The backoff is milliseconds here: only retry_after makes it wait 1s.
	if gap := calls[1].Time.Sub(calls[0].Time); gap < time.Second {
		t.Errorf("retried after %v, before retry_after's 1s", gap)
	}
}

func TestPollRetriesFailedHandle(t *testing.T) {
	e := setup(t, nil)
	h := newEcho()
	first := e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "一"))
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "二"))
	h.failFor[strconv.Itoa(first)] = 2
	e.poll(t, h)
	waitFor(t, e.fake, "both replies", func() bool { return len(e.fake.Sent()) == 2 })
	if got := texts(e.fake.Sent(), ""); !reflect.DeepEqual(got, []string{"一", "二"}) {
		t.Errorf("replies = %q, want 一, 二 (no apology, in order)", got)
	}
	if n := h.callsFor(strconv.Itoa(first)); n != 3 {
		t.Errorf("first update handled %d times, want 3", n)
	}
}

func TestPollGivesUpOnPoisonedUpdate(t *testing.T) {
	e := setup(t, func(o *telegram.Options) { o.HandleAttempts = 2 })
	h := newEcho()
	first := e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "毒"))
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "好"))
	h.failFor[strconv.Itoa(first)] = 100
	e.poll(t, h)
	waitFor(t, e.fake, "the apology and the next reply", func() bool { return len(e.fake.Sent()) == 2 })
	if got := texts(e.fake.Sent(), ""); !reflect.DeepEqual(got, []string{"sorry", "好"}) {
		t.Errorf("replies = %q, want the apology once, then 好", got)
	}
	if n := h.callsFor(strconv.Itoa(first)); n != 2 {
		t.Errorf("poisoned update tried %d times, want 2", n)
	}
}

// TestPollWaitsOutAnOutage: an update that fails because the database is
// away is tried however many times it takes (past HandleAttempts), in
// order, and nobody is apologised to: nothing was dropped.
func TestPollWaitsOutAnOutage(t *testing.T) {
	e := setup(t, func(o *telegram.Options) { o.HandleAttempts = 2 })
	h := newEcho()
	first := e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "一"))
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "二"))
	h.outage[strconv.Itoa(first)] = 12
	e.poll(t, h)
	waitFor(t, e.fake, "both replies", func() bool { return len(e.fake.Sent()) == 2 })
	if got := texts(e.fake.Sent(), ""); !reflect.DeepEqual(got, []string{"一", "二"}) {
		t.Errorf("replies = %q, want 一, 二 (no apology, in order)", got)
	}
	if n := h.callsFor(strconv.Itoa(first)); n != 13 {
		t.Errorf("first update tried %d times, want 13 (12 during the outage)", n)
	}
}

func TestPollGivesUpOnPermanentFailureAtOnce(t *testing.T) {
	e := setup(t, nil)
	h := newEcho()
	first := e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "毒"))
	e.fake.PushUpdate(tgfake.TextUpdate(alice, alice, "好"))
	h.poison[strconv.Itoa(first)] = true
	e.poll(t, h)
	waitFor(t, e.fake, "the apology and the next reply", func() bool { return len(e.fake.Sent()) == 2 })
	if n := h.callsFor(strconv.Itoa(first)); n != 1 {
		t.Errorf("a permanent failure was tried %d times, want 1", n)
	}
}

func TestWebhook(t *testing.T) {
	e := setup(t, nil)
	h := newEcho()
	srv := httptest.NewServer(e.tg.WebhookHandler(secret, h, e.out))
	defer srv.Close()
	ctx := context.Background()

	if err := e.tg.SetWebhook(ctx, srv.URL+"/telegram", secret); err != nil {
		t.Fatal(err)
	}
	if url, sec := e.fake.Webhook(); url != srv.URL+"/telegram" || sec != secret {
		t.Fatalf("webhook = %q, %q", url, sec)
	}
	if got := e.fake.CallsTo("setWebhook")[0].Params["allowed_updates"]; got != `["message","callback_query"]` {
		t.Errorf("allowed_updates = %q", got)
	}

	status, err := e.fake.PostWebhook(ctx, tgfake.TextUpdate(alice, alice, "你好"))
	if err != nil || status != http.StatusOK {
		t.Fatalf("good update: %d, %v", status, err)
	}
	if got := texts(e.fake.Sent(), ""); !reflect.DeepEqual(got, []string{"你好"}) {
		t.Fatalf("replies = %q", got)
	}

	// A press through the webhook is answered and its keyboard closed.
	if status, err := e.fake.PostWebhook(ctx, tgfake.TextUpdate(alice, alice, "menu")); err != nil || status != 200 {
		t.Fatalf("menu: %d, %v", status, err)
	}
	menu := e.fake.Sent()[1]
	if status, err := e.fake.PostWebhook(ctx, e.fake.CallbackUpdate(alice, menu.MessageID, alice, "b1")); err != nil || status != 200 {
		t.Fatalf("press: %d, %v", status, err)
	}
	if m, _ := e.fake.Message(alice, menu.MessageID); e.fake.Calls("answerCallbackQuery") != 1 || m.Text != "choose\n→ 一" {
		t.Errorf("press: %d answers, menu now %q", e.fake.Calls("answerCallbackQuery"), m.Text)
	}

	// An update of a kind the bot ignores is acknowledged and not handled.
	h.mu.Lock()
	before := len(h.calls)
	h.mu.Unlock()
	if status, _ := e.fake.PostWebhook(ctx, tgbotapi.Update{EditedMessage: tgfake.TextUpdate(alice, alice, "x").Message}); status != 200 {
		t.Errorf("edited message: %d, want 200", status)
	}

	good, _ := json.Marshal(tgfake.TextUpdate(alice, alice, "不该处理"))
	huge := append([]byte(`{"update_id":1,"message":{"text":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	huge = append(huge, `"}}`...)
	bad := []struct {
		name   string
		method string
		secret *string
		body   []byte
		want   int
	}{
		{"GET", http.MethodGet, ptr(secret), nil, http.StatusMethodNotAllowed},
		{"wrong secret", http.MethodPost, ptr("guess"), good, http.StatusUnauthorized},
		{"secret of another length", http.MethodPost, ptr(secret + "x"), good, http.StatusUnauthorized},
		{"no secret", http.MethodPost, nil, good, http.StatusUnauthorized},
		{"malformed JSON", http.MethodPost, ptr(secret), []byte(`{"update_id": 7, "message": `), http.StatusBadRequest},
		{"too large", http.MethodPost, ptr(secret), huge, http.StatusBadRequest},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+"/telegram", bytes.NewReader(tc.body))
			if tc.secret != nil {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", *tc.secret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	h.mu.Lock()
	after := len(h.calls)
	h.mu.Unlock()
	if after != before {
		t.Errorf("the handler was called %d times by refused or ignored requests", after-before)
	}

	// A failed handling answers 500 so Telegram sends it again, and says nothing.
	sentBefore := len(e.fake.Sent())
	fail := tgfake.TextUpdate(alice, alice, "失败")
	fail.UpdateID = 9001
	h.mu.Lock()
	h.failFor["9001"] = 1
	h.mu.Unlock()
	if status, _ := e.fake.PostWebhook(ctx, fail); status != http.StatusInternalServerError {
		t.Errorf("failed handling: %d, want 500", status)
	}
	if n := len(e.fake.Sent()); n != sentBefore {
		t.Errorf("%d messages sent for a failed update", n-sentBefore)
	}
	if status, _ := e.fake.PostWebhook(ctx, fail); status != http.StatusOK {
		t.Errorf("redelivery: %d, want 200", status)
	}

	// The database away: 500 every time, however many deliveries (past
	// WebhookAttempts), nothing said, then handled once it is back.
	down := tgfake.TextUpdate(alice, alice, "停库")
	down.UpdateID = 9003
	h.mu.Lock()
	h.outage["9003"] = 10
	h.mu.Unlock()
	sentBefore = len(e.fake.Sent())
	for i := 0; i < 10; i++ {
		if status, _ := e.fake.PostWebhook(ctx, down); status != http.StatusInternalServerError {
			t.Fatalf("delivery %d during the outage: %d, want 500", i+1, status)
		}
	}
	if n := len(e.fake.Sent()); n != sentBefore {
		t.Errorf("%d messages sent during the outage", n-sentBefore)
	}
	if status, _ := e.fake.PostWebhook(ctx, down); status != http.StatusOK {
		t.Errorf("after the outage: %d, want 200", status)
	}
	if got := texts(e.fake.Sent()[sentBefore:], ""); !reflect.DeepEqual(got, []string{"停库"}) {
		t.Errorf("after the outage the bot said %q, want the reply alone", got)
	}

	// An update that keeps failing is answered 500 twice, then apologised
	// for and acknowledged: Telegram stops resending it.
	stuck := tgfake.TextUpdate(alice, alice, "总失败")
	stuck.UpdateID = 9002
	h.mu.Lock()
	h.failFor["9002"] = 1000
	h.mu.Unlock()
	sentBefore = len(e.fake.Sent())
	for i, want := range []int{500, 500, 200} {
		if status, _ := e.fake.PostWebhook(ctx, stuck); status != want {
			t.Errorf("delivery %d of a failing update: %d, want %d", i+1, status, want)
		}
	}
	if got := texts(e.fake.Sent()[sentBefore:], ""); !reflect.DeepEqual(got, []string{"sorry"}) {
		t.Errorf("after giving up: sent %q, want the apology once", got)
	}
	// A failure the handler marks permanent is given up at once.
	poisoned := tgfake.TextUpdate(alice, alice, "毒")
	poisoned.UpdateID = 9003
	h.mu.Lock()
	h.poison["9003"] = true
	h.mu.Unlock()
	sentBefore = len(e.fake.Sent())
	if status, _ := e.fake.PostWebhook(ctx, poisoned); status != http.StatusOK {
		t.Errorf("permanent failure: %d, want 200", status)
	}
	if got := texts(e.fake.Sent()[sentBefore:], ""); !reflect.DeepEqual(got, []string{"sorry"}) {
		t.Errorf("permanent failure: sent %q, want the apology", got)
	}

	if err := e.tg.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	if url, _ := e.fake.Webhook(); url != "" {
		t.Errorf("webhook still %q", url)
	}
}

func ptr[T any](v T) *T { return &v }

func TestSend(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	chat := strconv.FormatInt(alice, 10)
	img := pngBytes(t)
	e.fake.AddFile("TGPHOTO", "photos/tg.jpg", img)
	e.fake.AddDocument("TGDOC", "documents/tg.png", img)
	buttons := [][]bot.Button{{{Label: "确认", Data: "ok:1"}, {Label: "取消", Data: "no:1"}}, {{Label: "稍后", Data: "later:1"}}}
	wantKB := [][]tgfake.Button{{{Text: "确认", Data: "ok:1"}, {Text: "取消", Data: "no:1"}}, {{Text: "稍后", Data: "later:1"}}}
	long := strings.Repeat("巡查记录第一行。\n", 600) // 5400 units: two messages

	tests := []struct {
		name string
		msg  bot.Message
		want []tgfake.SentMessage // MessageID ignored
	}{
		{"text with buttons", bot.Message{Text: "请确认", Buttons: buttons},
			[]tgfake.SentMessage{{Method: "sendMessage", ChatID: alice, Text: "请确认", Keyboard: wantKB}}},
		{"telegram photo by file_id", bot.Message{Text: "现场照片", Buttons: buttons, Photo: &bot.Photo{Platform: bot.Telegram, FileRef: "TGPHOTO", Bytes: []byte("ignored")}},
			[]tgfake.SentMessage{{Method: "sendPhoto", ChatID: alice, Text: "现场照片", Keyboard: wantKB, PhotoFileID: "TGPHOTO"}}},
		{"console photo uploaded", bot.Message{Text: "控制台照片", Photo: &bot.Photo{Platform: bot.Console, FileRef: "/tmp/a.png", Bytes: img}},
			[]tgfake.SentMessage{{Method: "sendPhoto", ChatID: alice, Text: "控制台照片", PhotoBytes: img}}},
		{"telegram photo without file_id uploaded", bot.Message{Text: "x", Photo: &bot.Photo{Platform: bot.Telegram, Bytes: img}},
			[]tgfake.SentMessage{{Method: "sendPhoto", ChatID: alice, Text: "x", PhotoBytes: img}}},
		{"photo without bytes or id: text only", bot.Message{Text: "只有文字", Photo: &bot.Photo{Platform: bot.WeCom, FileRef: "media-1"}},
			[]tgfake.SentMessage{{Method: "sendMessage", ChatID: alice, Text: "只有文字"}}},
		{"caption too long: photo, then text with buttons", bot.Message{Text: strings.Repeat("长", 1025), Buttons: buttons, Photo: &bot.Photo{Platform: bot.Telegram, FileRef: "TGPHOTO"}},
			[]tgfake.SentMessage{
				{Method: "sendPhoto", ChatID: alice, PhotoFileID: "TGPHOTO"},
				{Method: "sendMessage", ChatID: alice, Text: strings.Repeat("长", 1025), Keyboard: wantKB},
			}},
		{"long text split at a line break, buttons last", bot.Message{Text: long, Buttons: buttons},
			[]tgfake.SentMessage{
				{Method: "sendMessage", ChatID: alice, Text: strings.TrimSuffix(strings.Repeat("巡查记录第一行。\n", 455), "\n")},
				{Method: "sendMessage", ChatID: alice, Text: strings.Repeat("巡查记录第一行。\n", 145), Keyboard: wantKB},
			}},
		{"a photo sent as a file goes back as a file", bot.Message{Text: "文件照片", Buttons: buttons, Photo: &bot.Photo{Platform: bot.Telegram, FileRef: "TGDOC", Document: true}},
			[]tgfake.SentMessage{{Method: "sendDocument", ChatID: alice, Text: "文件照片", Keyboard: wantKB, PhotoFileID: "TGDOC"}}},
		{"a photo sent as a file, with its bytes, goes up as a photo", bot.Message{Text: "文件照片", Photo: &bot.Photo{Platform: bot.Telegram, FileRef: "TGDOC", Document: true, Bytes: img}},
			[]tgfake.SentMessage{{Method: "sendPhoto", ChatID: alice, Text: "文件照片", PhotoBytes: img}}},
		{"a refused picture: the text and buttons still go", bot.Message{Text: "群内通报", Buttons: buttons, Photo: &bot.Photo{Platform: bot.Telegram, FileRef: "TGDOC"}},
			[]tgfake.SentMessage{{Method: "sendMessage", ChatID: alice, Text: "群内通报", Keyboard: wantKB}}},
		{"nothing to say", bot.Message{Text: "  "}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(e.fake.Sent())
			tc.msg.Platform, tc.msg.ChatID = bot.Telegram, chat
			if err := e.tg.Send(ctx, tc.msg); err != nil {
				t.Fatal(err)
			}
			got := e.fake.Sent()[before:]
			for i := range got {
				got[i].MessageID = 0
			}
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("sent:\n%+v\nwant:\n%+v", got, tc.want)
			}
		})
	}
	uploads := e.fake.CallsTo("sendPhoto")
	if up := uploads[1].Files["photo"]; !bytes.Equal(up.Data, img) || up.Name != "photo.png" {
		t.Errorf("upload part: name %q, %d bytes", up.Name, len(up.Data))
	}

	t.Run("not a telegram chat", func(t *testing.T) {
		err := e.tg.Send(ctx, bot.Message{Platform: bot.Telegram, ChatID: "console:wang", Text: "x"})
		var perm *bot.PermanentError
		if !errors.As(err, &perm) {
			t.Errorf("err = %v, want *PermanentError", err)
		}
	})
}

func TestSendErrors(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	img := pngBytes(t)
	text := bot.Message{Platform: bot.Telegram, ChatID: strconv.FormatInt(alice, 10), Text: "hi"}
	upload := text
	upload.Photo = &bot.Photo{Bytes: img}

	type check func(t *testing.T, err error)
	retryAfter := func(want time.Duration) check {
		return func(t *testing.T, err error) {
			var ra *bot.RetryAfterError
			if !errors.As(err, &ra) || ra.After != want {
				t.Errorf("err = %v, want *RetryAfterError after %v", err, want)
			}
		}
	}
	permanent := func(code int) check {
		return func(t *testing.T, err error) {
			var perm *bot.PermanentError
			if !errors.As(err, &perm) || perm.Code != code {
				t.Errorf("err = %v, want *PermanentError %d", err, code)
			}
		}
	}
	transient := func(t *testing.T, err error) {
		var ra *bot.RetryAfterError
		var perm *bot.PermanentError
		if err == nil || errors.As(err, &ra) || errors.As(err, &perm) {
			t.Errorf("err = %v (%T), want a plain error", err, err)
		}
	}
	tests := []struct {
		name   string
		method string
		fail   tgfake.Failure
		msg    bot.Message
		check  check
	}{
		{"429 text", "sendMessage", tgfake.Failure{Status: 429, RetryAfter: 7}, text, retryAfter(7 * time.Second)},
		{"429 upload", "sendPhoto", tgfake.Failure{Status: 429, RetryAfter: 3}, upload, retryAfter(3 * time.Second)},
		{"403 blocked", "sendMessage", tgfake.Failure{Status: 403}, text, permanent(403)},
		{"400 chat not found", "sendMessage", tgfake.Failure{Status: 400}, text, permanent(400)},
		// A refused picture does not lose the message: its text goes alone.
		{"400 picture refused, text sent", "sendPhoto", tgfake.Failure{Status: 400}, upload, func(t *testing.T, err error) {
			if err != nil {
				t.Errorf("err = %v, want the text sent", err)
			}
		}},
		{"500", "sendMessage", tgfake.Failure{Status: 500}, text, transient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.fake.Fail(tc.method, 1, tc.fail)
			err := e.tg.Send(ctx, tc.msg)
			tc.check(t, err)
			if err != nil && strings.Contains(err.Error(), e.fake.Token) {
				t.Errorf("token in %q", err)
			}
		})
	}
	if got := texts(e.fake.Sent(), "sendMessage"); !reflect.DeepEqual(got, []string{"hi"}) {
		t.Errorf("sent %q, want only the text of the refused picture", got)
	}
}

func TestFetchFile(t *testing.T) {
	ctx := context.Background()
	img := pngBytes(t)

	t.Run("from APIEndpoint", func(t *testing.T) {
		e := setup(t, nil)
		e.fake.AddFile("F1", "photos/file_1.png", img)
		data, mime, err := e.tg.FetchFile(ctx, "F1")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, img) || mime != "image/png" {
			t.Errorf("got %d bytes of %q", len(data), mime)
		}
		dl := e.fake.CallsTo(tgfake.Download)
		if len(dl) != 1 || dl[0].Path != "photos/file_1.png" {
			t.Errorf("downloads = %+v", dl)
		}
	})

	for _, method := range []string{"getFile", tgfake.Download} {
		t.Run(method+" failing twice", func(t *testing.T) {
			e := setup(t, nil)
			e.fake.AddFile("F1", "photos/file_1.png", img)
			e.fake.FailNext(method, 2, http.StatusInternalServerError)
			for i := range 2 {
				if _, _, err := e.tg.FetchFile(ctx, "F1"); err == nil {
					t.Fatalf("call %d succeeded through a 500", i+1)
				} else if strings.Contains(err.Error(), e.fake.Token) {
					t.Errorf("token in %q", err)
				}
			}
			data, _, err := e.tg.FetchFile(ctx, "F1")
			if err != nil || !bytes.Equal(data, img) {
				t.Errorf("third call: %d bytes, %v", len(data), err)
			}
		})
	}

	t.Run("too large by getFile", func(t *testing.T) {
		e := setup(t, func(o *telegram.Options) { o.MaxPhotoBytes = 10 })
		e.fake.AddFile("F1", "photos/file_1.png", img)
		if _, _, err := e.tg.FetchFile(ctx, "F1"); !errors.Is(err, bot.ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
		if n := e.fake.Calls(tgfake.Download); n != 0 {
			t.Errorf("downloaded %d times a file known to be too large", n)
		}
	})

	t.Run("too large by its bytes", func(t *testing.T) {
		e := setup(t, func(o *telegram.Options) { o.MaxPhotoBytes = 10 })
		e.fake.AddFile("F1", "photos/file_1.png", img)
		e.fake.SetReportedSize("F1", -1)
		if _, _, err := e.tg.FetchFile(ctx, "F1"); !errors.Is(err, bot.ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
	})

	t.Run("unknown file", func(t *testing.T) {
		e := setup(t, nil)
		_, _, err := e.tg.FetchFile(ctx, "nope")
		var perm *bot.PermanentError
		if !errors.As(err, &perm) {
			t.Errorf("err = %v, want *PermanentError", err)
		}
	})
}

// TestTokenMasked checks errors and logs from a Telegram that is gone: the
// HTTP errors carry the URL, and the URL carries the token.
func TestTokenMasked(t *testing.T) {
	e := setup(t, nil)
	ctx := context.Background()
	token := e.fake.Token
	e.fake.AddFile("F1", "photos/a.png", pngBytes(t))

	e.fake.FailNext(tgfake.Download, 1, 500)
	_, _, dlErr := e.tg.FetchFile(ctx, "F1")
	e.fake.Close()

	_, _, fetchErr := e.tg.FetchFile(ctx, "F1")
	sendErr := e.tg.Send(ctx, bot.Message{Platform: bot.Telegram, ChatID: "1", Text: "x"})
	uploadErr := e.tg.Send(ctx, bot.Message{Platform: bot.Telegram, ChatID: "1", Text: "x", Photo: &bot.Photo{Bytes: []byte("jpeg")}})
	hookErr := e.tg.SetWebhook(ctx, "https://example.org/tg", secret)
	_, newErr := telegram.New(ctx, telegram.Options{Token: token, APIEndpoint: e.fake.URL})

	errs := map[string]error{"download 500": dlErr, "fetch": fetchErr, "send": sendErr, "upload": uploadErr, "setWebhook": hookErr, "new": newErr}
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error from a closed server", name)
			continue
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("%s: token in %q", name, err)
		}
	}
	// The connection errors did carry the URL: masked, not dropped.
	if !strings.Contains(sendErr.Error(), "/bot<token>/sendMessage") {
		t.Errorf("send error %q does not show the masked URL", sendErr)
	}

	// Poll logs its failures; the log is checked for the token at cleanup.
	e.poll(t, newEcho())
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(e.log.String(), "getUpdates failed") {
		if time.Now().After(deadline) {
			t.Fatal("Poll logged no failure against a closed server")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(e.log.String(), "<token>") {
		t.Errorf("the log shows no masked URL:\n%s", e.log.String())
	}
}

func TestNewTelegramBadToken(t *testing.T) {
	fake := tgfake.New(t, "")
	_, err := telegram.New(context.Background(), telegram.Options{Token: "999:wrong", APIEndpoint: fake.URL})
	if err == nil || strings.Contains(err.Error(), "999:wrong") {
		t.Errorf("err = %v, want an error without the token", err)
	}
	if fake.Calls("getMe") != 1 {
		t.Errorf("getMe called %d times", fake.Calls("getMe"))
	}
}
