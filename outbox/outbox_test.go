package outbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/telegram"
	"github.com/alleybot/alleybot/internal/pgproxy"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/tgfake"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/store"
)

// sendRig is a store, a fake Telegram and n dispatchers (n serve
// processes) sending through the real Telegram adapter.
func sendRig(t *testing.T, n int, pace outbox.Pacing, tune ...func(*outbox.Options)) (*store.Store, *tgfake.Server, []*outbox.Dispatcher) {
	t.Helper()
	url := testdb.Fresh(t, true)
	fake := tgfake.New(t, "")
	var out []*outbox.Dispatcher
	st := testdb.Open(t, url)
	for i := 0; i < n; i++ {
		sti := testdb.Open(t, url)
		tg, err := telegram.New(context.Background(), telegram.Options{Token: fake.Token, APIEndpoint: fake.URL})
		if err != nil {
			t.Fatal(err)
		}
		opts := outbox.Options{Poll: 20 * time.Millisecond, RetryBase: 30 * time.Millisecond, RetryMax: 200 * time.Millisecond,
			Lease: time.Second, Senders: map[bot.Platform]bot.Sender{bot.Telegram: tg},
			Pacing: map[bot.Platform]outbox.Pacing{bot.Telegram: pace}, ID: fmt.Sprintf("test-%d", i),
			Log: slog.New(slog.NewTextHandler(os.Stderr, nil))}
		for _, f := range tune {
			f(&opts)
		}
		d := outbox.New(sti, opts)
		if err := d.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = d.Stop(ctx)
		})
		out = append(out, d)
	}
	return st, fake, out
}

func enqueue(t testing.TB, st *store.Store, s *outbox.Dispatcher, msgs ...bot.Message) {
	t.Helper()
	err := st.InTx(context.Background(), func(tx *store.Tx) error { return s.EnqueueSends(context.Background(), tx, msgs) })
	if err != nil {
		t.Fatal(err)
	}
}

func tgMsg(chat int64, text string) bot.Message {
	return bot.Message{Platform: bot.Telegram, ChatID: strconv.FormatInt(chat, 10), Text: text}
}

// waitSends waits until the fake has accepted n sendMessage calls to chat.
func waitSends(t *testing.T, fake *tgfake.Server, chat int64, n int) []tgfake.SentMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got []tgfake.SentMessage
	err := fake.WaitUntil(ctx, func() bool {
		got = nil
		for _, m := range fake.Sent() {
			if m.ChatID == chat {
				got = append(got, m)
			}
		}
		return len(got) >= n
	})
	if err != nil {
		t.Fatalf("chat %d got %d of %d messages", chat, len(got), n)
	}
	return got
}

func sendTimes(fake *tgfake.Server, chat int64) []time.Time {
	var ts []time.Time
	for _, c := range fake.CallsTo("sendMessage") {
		if c.Status == http.StatusOK && c.Params["chat_id"] == strconv.FormatInt(chat, 10) {
			ts = append(ts, c.Time)
		}
	}
	return ts
}

func minGap(ts []time.Time) time.Duration {
	gap := time.Hour
	for i := 1; i < len(ts); i++ {
		if d := ts[i].Sub(ts[i-1]); d < gap {
			gap = d
		}
	}
	return gap
}

var testPace = outbox.Pacing{Private: 200 * time.Millisecond, Group: 400 * time.Millisecond, All: time.Millisecond}

func TestSendInOrderAndPaced(t *testing.T) {
	st, fake, s := sendRig(t, 1, testPace)
	enqueue(t, st, s[0], tgMsg(501, "一"), tgMsg(501, "二"), tgMsg(501, "三"), tgMsg(-502, "群一"), tgMsg(-502, "群二"))
	got := waitSends(t, fake, 501, 3)
	for i, want := range []string{"一", "二", "三"} {
		if got[i].Text != want {
			t.Errorf("message %d: %q, want %q", i, got[i].Text, want)
		}
	}
	waitSends(t, fake, -502, 2)
	// The pacing rule is a limit, not a speed: slots are booked one interval
	// apart; arrivals may come a little closer (one send delayed on a loaded
	// machine, the next on time), hence 15% slack here and the margins in
	// DefaultPacing. Without pacing they would be milliseconds apart.
	if g := minGap(sendTimes(fake, 501)); g < 170*time.Millisecond {
		t.Errorf("private chat: two sends %v apart, limit 200ms", g)
	}
	if g := minGap(sendTimes(fake, -502)); g < 340*time.Millisecond {
		t.Errorf("group: two sends %v apart, limit 400ms", g)
	}
}

// TestPacingByQueuedKind: the chat's kind travels with the message into
// its queue row, and the pacing follows it, not the chat id's look: a
// message marked a group's is paced as a group's; one without a kind (a
// row queued before the kind travelled) is the platform's to tell.
func TestPacingByQueuedKind(t *testing.T) {
	st, fake, s := sendRig(t, 1, testPace)
	m := func(text string) bot.Message {
		msg := tgMsg(503, text)
		msg.Kind = bot.Group
		return msg
	}
	enqueue(t, st, s[0], m("一"), m("二"), m("三"), tgMsg(504, "私聊"))
	waitSends(t, fake, 503, 3)
	waitSends(t, fake, 504, 1)
	var kinds []string
	if err := st.DB().Select(&kinds, `SELECT kind FROM outbox_chats WHERE chat_id IN ('503', '504') ORDER BY chat_id`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kinds, []string{"group", ""}) {
		t.Errorf("queued kinds %q, want group and none", kinds)
	}
	if g := minGap(sendTimes(fake, 503)); g < 340*time.Millisecond {
		t.Errorf("a chat queued as a group: two sends %v apart, limit 400ms", g)
	}
}

// TestPacingAcrossProcesses: two schedulers share one database's pacing.
func TestPacingAcrossProcesses(t *testing.T) {
	st, fake, s := sendRig(t, 2, testPace)
	for i := 0; i < 6; i++ {
		enqueue(t, st, s[i%2], tgMsg(-600, fmt.Sprintf("第%d条", i)))
	}
	waitSends(t, fake, -600, 6)
	if g := minGap(sendTimes(fake, -600)); g < 340*time.Millisecond {
		t.Errorf("two processes sent to one group %v apart, limit 400ms", g)
	}
	if n := len(sendTimes(fake, -600)); n != 6 {
		t.Errorf("sent %d, want 6 (each once)", n)
	}
}

// rows are the outbox's messages: their states and attempts, in order.
func rows(t *testing.T, st *store.Store) (states []string, attempts []int) {
	t.Helper()
	var rs []struct {
		State    string `db:"state"`
		Attempts int    `db:"attempts"`
	}
	if err := st.DB().Select(&rs, `SELECT state, attempts FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		states, attempts = append(states, r.State), append(attempts, r.Attempts)
	}
	return states, attempts
}

func TestSendFailures(t *testing.T) {
	t.Run("429 waits retry_after and is not a failure", func(t *testing.T) {
		st, fake, s := sendRig(t, 1, testPace)
		fake.Fail("sendMessage", 1, tgfake.Failure{Status: http.StatusTooManyRequests, RetryAfter: 1})
		start := time.Now()
		enqueue(t, st, s[0], tgMsg(701, "限流"))
		waitSends(t, fake, 701, 1)
		if waited := time.Since(start); waited < 900*time.Millisecond {
			t.Errorf("sent %v after a 429 with retry_after 1s", waited)
		}
		waitState(t, st, "sent")
		if _, errs := rows(t, st); errs[0] != 0 {
			t.Errorf("the 429 was recorded as %d errors", errs[0])
		}
	})
	t.Run("a 429 holds the chat for every job, not just its own", func(t *testing.T) {
		st, fake, s := sendRig(t, 1, testPace)
		fake.Fail("sendMessage", 1, tgfake.Failure{Status: http.StatusTooManyRequests, RetryAfter: 2})
		enqueue(t, st, s[0], tgMsg(706, "一"))
		enqueue(t, st, s[0], tgMsg(706, "二")) // another update's job to the same chat
		waitSends(t, fake, 706, 2)
		var first429 time.Time
		for _, c := range fake.CallsTo("sendMessage") {
			if c.Status == http.StatusTooManyRequests {
				first429 = c.Time
			}
		}
		for _, ts := range sendTimes(fake, 706) {
			if ts.Sub(first429) < 1900*time.Millisecond {
				t.Errorf("a message went %v after the 429 (retry_after 2s)", ts.Sub(first429))
			}
		}
	})
	t.Run("5xx retries with backoff", func(t *testing.T) {
		st, fake, s := sendRig(t, 1, testPace)
		fake.FailNext("sendMessage", 2, http.StatusBadGateway)
		enqueue(t, st, s[0], tgMsg(702, "重试"))
		waitSends(t, fake, 702, 1)
		waitState(t, st, "sent")
		if _, errs := rows(t, st); errs[0] != 2 {
			t.Errorf("errors recorded: %d, want 2", errs[0])
		}
	})
	t.Run("a permanent refusal is recorded, not retried", func(t *testing.T) {
		st, fake, s := sendRig(t, 1, testPace)
		fake.Fail("sendMessage", 5, tgfake.Failure{Status: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"})
		enqueue(t, st, s[0], tgMsg(703, "被屏蔽"), tgMsg(703, "也被屏蔽"))
		waitState(t, st, "failed", "failed")
		if n := fake.Calls("sendMessage"); n != 2 {
			t.Errorf("sendMessage tried %d times, want 2 (each message once)", n)
		}
		var lost []string
		if err := st.DB().Select(&lost, `SELECT text FROM send_failures WHERE chat_id = '703' ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if len(lost) != 2 || lost[0] != "被屏蔽" {
			t.Errorf("send_failures: %v", lost)
		}
	})
	t.Run("a group upgraded to a supergroup is rebound and its queue resent there", func(t *testing.T) {
		st, fake, s := sendRig(t, 1, testPace)
		db := st.DB()
		if _, err := db.Exec(`WITH c AS (INSERT INTO chats (code, kind, title) VALUES ('g1', 'resident', '居民群') RETURNING id)
			INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'telegram', '-100500', id FROM c`); err != nil {
			t.Fatal(err)
		}
		fake.MigrateChat(-100500, -100600)
		first := tgMsg(-100500, "一")
		first.Kind = bot.Group // the queue row is a group's: the moved one stays so
		enqueue(t, st, s[0], first, tgMsg(-100500, "二"))
		enqueue(t, st, s[0], tgMsg(-100500, "三"))
		got := waitSends(t, fake, -100600, 3)
		if got[0].Text != "一" || got[1].Text != "二" || got[2].Text != "三" {
			t.Errorf("sent to the supergroup: %+v", got)
		}
		var bound []string
		if err := db.Select(&bound, `SELECT external_id FROM chat_bindings WHERE platform = 'telegram'`); err != nil {
			t.Fatal(err)
		}
		if len(bound) != 1 || bound[0] != "-100600" {
			t.Errorf("bindings after the upgrade: %v", bound)
		}
		var kind string
		if err := db.Get(&kind, `SELECT kind FROM outbox_chats WHERE platform = 'telegram' AND chat_id = '-100600'`); err != nil {
			t.Fatal(err)
		}
		if kind != string(bot.Group) {
			t.Errorf("the supergroup's queue has kind %q, want the group's kind to move with it", kind)
		}
		var failures int
		if err := db.Get(&failures, `SELECT count(*) FROM send_failures`); err != nil {
			t.Fatal(err)
		}
		if failures != 0 {
			t.Errorf("%d send failures recorded for a moved group", failures)
		}
		// Later messages for the group (found through its binding) go to the new id.
		enqueue(t, st, s[0], tgMsg(-100600, "四"))
		waitSends(t, fake, -100600, 4)
	})
	t.Run("a photo sent as a file goes to a group from its stored bytes", func(t *testing.T) {
		st, fake, s := sendRig(t, 1, testPace)
		fake.AddDocument("DOC1", "documents/a.png", []byte("png"))
		var id int64
		err := st.InTx(context.Background(), func(tx *store.Tx) error {
			var err error
			if id, err = tx.InsertPhoto(context.Background(), store.NewPhoto{Kind: model.PhotoBefore, Platform: "telegram", FileRef: "DOC1", Document: true}); err != nil {
				return err
			}
			return tx.SetPhotoBytes(context.Background(), id, []byte("stored bytes"), "image/png")
		})
		if err != nil {
			t.Fatal(err)
		}
		m := tgMsg(-100708, "新案件")
		m.Photo = &bot.Photo{Platform: bot.Telegram, FileRef: "DOC1", Document: true, PhotoID: id}
		enqueue(t, st, s[0], m)
		got := waitSends(t, fake, -100708, 1)
		if got[0].Method != "sendPhoto" || string(got[0].PhotoBytes) != "stored bytes" || got[0].Text != "新案件" {
			t.Errorf("sent %+v", got[0])
		}
	})
	t.Run("a 429 half-way does not send the first message twice", func(t *testing.T) {
		st, fake, s := sendRig(t, 1, testPace)
		fake.AddFile("pic", "photos/pic.jpg", []byte("jpeg"))
		// The photo goes by sendPhoto; the 429 hits the text after it.
		fake.Fail("sendMessage", 1, tgfake.Failure{Status: http.StatusTooManyRequests, RetryAfter: 1})
		photo := tgMsg(705, "甲")
		photo.Photo = &bot.Photo{Platform: bot.Telegram, FileRef: "pic"}
		enqueue(t, st, s[0], photo, tgMsg(705, "乙"))
		got := waitSends(t, fake, 705, 2)
		if got[0].Text != "甲" || got[1].Text != "乙" || len(got) != 2 {
			t.Errorf("sent %+v", got)
		}
		if n := fake.Calls("sendPhoto"); n != 1 {
			t.Errorf("the photo before the 429 was sent %d times", n)
		}
	})
}

// waitState waits until the outbox's messages are in the given states.
func waitState(t *testing.T, st *store.Store, want ...string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		states, _ := rows(t, st)
		if strings.Join(states, ",") == strings.Join(want, ",") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	states, _ := rows(t, st)
	t.Fatalf("outbox states %v, want %v", states, want)
}

// TestWakeWithoutPolling: the process that commits sends at once (it is
// woken after the commit and claims the chat); the poll (an hour here) is
// not what sends.
func TestWakeWithoutPolling(t *testing.T) {
	st, fake, d := sendRig(t, 1, testPace, func(o *outbox.Options) { o.Poll = time.Hour })
	time.Sleep(50 * time.Millisecond) // the start-up claim has run on an empty queue
	enqueue(t, st, d[0], tgMsg(801, "马上"))
	if got := waitSends(t, fake, 801, 1); got[0].Text != "马上" {
		t.Errorf("sent %+v", got)
	}
}

// TestOrderAcrossUpdates: a later update's message to a chat waits while
// an earlier one is retried after 5xx.
func TestOrderAcrossUpdates(t *testing.T) {
	st, fake, d := sendRig(t, 1, testPace)
	fake.FailNext("sendMessage", 2, http.StatusInternalServerError)
	enqueue(t, st, d[0], tgMsg(802, "先"))
	enqueue(t, st, d[0], tgMsg(802, "后"))
	got := waitSends(t, fake, 802, 2)
	if len(got) != 2 || got[0].Text != "先" || got[1].Text != "后" {
		t.Errorf("sent %+v, want 先 then 后", got)
	}
}

// TestStalePromptDropped: a question whose conversation has moved on by
// the time it would go out is dropped; the newer one and ordinary messages
// go.
func TestStalePromptDropped(t *testing.T) {
	st, fake, d := sendRig(t, 1, testPace, func(o *outbox.Options) { o.Poll = time.Hour })
	time.Sleep(50 * time.Millisecond)
	ctx := context.Background()
	state := store.ConversationState{Platform: "telegram", ChatID: "803", UserID: "803", Flow: "report", Step: "photos"}
	save := func() int64 {
		var v int64
		if err := st.InTx(ctx, func(tx *store.Tx) (err error) { v, err = tx.SaveConversation(ctx, state); return err }); err != nil {
			t.Fatal(err)
		}
		return v
	}
	queue := func(msgs ...bot.Message) {
		if err := st.InTx(ctx, func(tx *store.Tx) error { return outbox.Enqueue(ctx, tx, msgs) }); err != nil {
			t.Fatal(err)
		}
	}
	ask := func(text string, v int64) bot.Message {
		m := tgMsg(803, text)
		m.Prompt = &bot.Prompt{UserID: "803", Version: v}
		return m
	}
	v1 := save()
	queue(ask("请发照片", v1))
	v2 := save() // the person answered: the first question is stale
	queue(tgMsg(803, "收到"))
	queue(ask("还有照片吗", v2))
	d[0].Wake(store.OutboxChat{Platform: "telegram", ChatID: "803"})
	waitState(t, st, "dropped", "sent", "sent")
	var texts []string
	for _, m := range fake.Sent() {
		texts = append(texts, m.Text)
	}
	if strings.Join(texts, "|") != "收到|还有照片吗" {
		t.Errorf("sent %q", texts)
	}
}

// TestTakeOverAfterCrash: a chat claimed by a process that died (its lease
// is never renewed) is served by another once the lease runs out, in
// order, each message once.
func TestTakeOverAfterCrash(t *testing.T) {
	st, fake, _ := sendRig(t, 0, testPace)
	ctx := context.Background()
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return outbox.Enqueue(ctx, tx, []bot.Message{tgMsg(804, "一"), tgMsg(804, "二"), tgMsg(804, "三")})
	}); err != nil {
		t.Fatal(err)
	}
	claimed, err := st.Claim(ctx, "dead", []string{"telegram"}, nil, nil, 10, time.Second, time.Second, 20)
	if err != nil || len(claimed) != 3 {
		t.Fatalf("the dead process claimed %d messages: %v", len(claimed), err)
	}
	tg, err := telegram.New(ctx, telegram.Options{Token: fake.Token, APIEndpoint: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	d := outbox.New(st, outbox.Options{Poll: 20 * time.Millisecond, Lease: time.Second, Senders: map[bot.Platform]bot.Sender{bot.Telegram: tg},
		Pacing: map[bot.Platform]outbox.Pacing{bot.Telegram: testPace}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer d.Stop(ctx) //nolint:errcheck
	got := waitSends(t, fake, 804, 3)
	if len(got) != 3 || got[0].Text != "一" || got[1].Text != "二" || got[2].Text != "三" {
		t.Errorf("sent %+v", got)
	}
	waitState(t, st, "sent", "sent", "sent")
}

// TestCoalesce: a plain text before a question to the same chat goes as
// one message with it; anything else stays as it is.
func TestCoalesce(t *testing.T) {
	st, fake, d := sendRig(t, 1, testPace)
	ctx := context.Background()
	var v int64
	if err := st.InTx(ctx, func(tx *store.Tx) (err error) {
		v, err = tx.SaveConversation(ctx, store.ConversationState{Platform: "telegram", ChatID: "805", UserID: "805", Flow: "report", Step: "description"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ask := tgMsg(805, "请描述问题")
	ask.Prompt = &bot.Prompt{UserID: "805", Version: v}
	enqueue(t, st, d[0], tgMsg(805, "已匹配到帽儿胡同"), ask, tgMsg(-806, "群里"), tgMsg(805, "再说一句"))
	got := waitSends(t, fake, 805, 2)
	if len(got) != 2 || got[0].Text != "已匹配到帽儿胡同\n\n请描述问题" || got[1].Text != "再说一句" {
		t.Errorf("sent %+v", got)
	}
	waitSends(t, fake, -806, 1)
}

// TestReadOnWhileServing: messages queued to a chat while this dispatcher
// is sending to it (the goroutine waits for the chat's gap) are read on by
// that goroutine; they go in order, each once, and a question followed by
// a newer one to the same person is dropped.
func TestReadOnWhileServing(t *testing.T) {
	st, fake, d := sendRig(t, 1, testPace, func(o *outbox.Options) { o.Poll = time.Hour })
	time.Sleep(50 * time.Millisecond)
	ctx := context.Background()
	state := store.ConversationState{Platform: "telegram", ChatID: "804", UserID: "804", Flow: "report", Step: "photos"}
	save := func() int64 {
		var v int64
		if err := st.InTx(ctx, func(tx *store.Tx) (err error) { v, err = tx.SaveConversation(ctx, state); return err }); err != nil {
			t.Fatal(err)
		}
		return v
	}
	ask := func(text string, v int64) bot.Message {
		m := tgMsg(804, text)
		m.Prompt = &bot.Prompt{UserID: "804", Version: v}
		return m
	}
	enqueue(t, st, d[0], tgMsg(804, "一"), tgMsg(804, "二")) // 二 waits 200 ms behind 一
	waitSends(t, fake, 804, 1)
	enqueue(t, st, d[0], tgMsg(804, "三"))
	enqueue(t, st, d[0], ask("请发照片", save()))
	enqueue(t, st, d[0], ask("还有照片吗", save()))
	waitState(t, st, "sent", "sent", "sent", "dropped", "sent")
	var texts []string
	for _, m := range fake.Sent() {
		texts = append(texts, m.Text)
	}
	if strings.Join(texts, "|") != "一|二|三|还有照片吗" {
		t.Errorf("sent %q", texts)
	}
}

// cutAfter is a sender that cuts the database off right after the send of
// text went out, and brings it back after outage: the message was
// delivered, but its outcome cannot be recorded for a while.
type cutAfter struct {
	bot.Sender
	text   string
	proxy  *pgproxy.Proxy
	outage time.Duration
	once   sync.Once
}

func (c *cutAfter) Send(ctx context.Context, m bot.Message) error {
	err := c.Sender.Send(ctx, m)
	if err == nil && m.Text == c.text {
		c.once.Do(func() {
			c.proxy.Down()
			time.AfterFunc(c.outage, func() { _ = c.proxy.Up() })
		})
	}
	return err
}

// TestDatabaseAwayAfterASend: the database goes away between a send and
// its record, for longer than the chat's lease. The dispatcher keeps
// trying to record it rather than dropping the chat (whose next claim
// would send it again): every message arrives once, in order, and is
// recorded sent.
func TestDatabaseAwayAfterASend(t *testing.T) {
	direct := testdb.Fresh(t, true)
	proxy, viaProxy, err := pgproxy.ForURL(direct)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	st := testdb.Open(t, direct)
	ctx := context.Background()
	fake := tgfake.New(t, "")
	tg, err := telegram.New(ctx, telegram.Options{Token: fake.Token, APIEndpoint: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	sender := &cutAfter{Sender: tg, text: "二", proxy: proxy, outage: 2500 * time.Millisecond}
	d := outbox.New(testdb.Open(t, viaProxy), outbox.Options{Poll: 20 * time.Millisecond, Lease: time.Second,
		RetryBase: 30 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		Senders: map[bot.Platform]bot.Sender{bot.Telegram: sender},
		Pacing:  map[bot.Platform]outbox.Pacing{bot.Telegram: testPace}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer d.Stop(ctx) //nolint:errcheck
	enqueue(t, st, d, tgMsg(805, "一"), tgMsg(805, "二"), tgMsg(805, "三"))
	got := waitSends(t, fake, 805, 3)
	time.Sleep(500 * time.Millisecond) // a second 二 would come about now
	var texts []string
	for _, m := range fake.Sent() {
		if m.ChatID == 805 {
			texts = append(texts, m.Text)
		}
	}
	if len(got) != 3 || strings.Join(texts, " ") != "一 二 三" {
		t.Errorf("the chat got %q, want 一 二 三 (each once)", texts)
	}
	waitState(t, st, "sent", "sent", "sent")
}

// TestReportsToOneGroupDoNotWait: two reports post to the same group. The
// first's transaction stays open; the second's commits meanwhile (within a
// deadline it would miss if it waited for the first) and its message goes
// out while the first is still open. The first's goes once it commits:
// the group gets them in commit order, each once.
func TestReportsToOneGroupDoNotWait(t *testing.T) {
	st, fake, d := sendRig(t, 1, testPace, func(o *outbox.Options) { o.Poll = time.Hour })
	time.Sleep(50 * time.Millisecond) // the start-up claim has run on an empty queue
	ctx := context.Background()
	group := func(text string) bot.Message {
		m := tgMsg(-807, text)
		m.Kind = bot.Group
		return m
	}
	enqueue(t, st, d[0], group("昨天的报告"))
	waitSends(t, fake, -807, 1)
	began, release, first := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		first <- st.InTx(ctx, func(tx *store.Tx) error {
			if err := d[0].EnqueueSends(ctx, tx, []bot.Message{group("先开始的报告")}); err != nil {
				return err
			}
			close(began)
			<-release
			return nil
		})
	}()
	<-began
	deadline, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := st.InTx(deadline, func(tx *store.Tx) error {
		return d[0].EnqueueSends(deadline, tx, []bot.Message{group("后开始的报告")})
	}); err != nil {
		t.Fatalf("the second report waited for the first (still open): %v", err)
	}
	got := waitSends(t, fake, -807, 2)
	select {
	case err := <-first:
		t.Fatalf("the first report ended before it was let go: %v", err)
	default: // still open: the second was committed and sent while it was
	}
	if got[1].Text != "后开始的报告" {
		t.Errorf("sent %+v while the first report is open", got)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	got = waitSends(t, fake, -807, 3)
	waitState(t, st, "sent", "sent", "sent")
	var texts []string
	for _, m := range got {
		texts = append(texts, m.Text)
	}
	if strings.Join(texts, "|") != "昨天的报告|后开始的报告|先开始的报告" {
		t.Errorf("the group got %q, want them in commit order", texts)
	}
}
