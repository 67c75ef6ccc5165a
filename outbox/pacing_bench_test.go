package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/telegram"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/store"
)

// limitFake is a Bot API that enforces Telegram's limits on sendMessage,
// as they are counted on arrival: about 1 a second per private chat with
// short bursts (taken as 3 in any 3 s, the outbox's default), 20 in any
// minute per group, 30 in any second in all. A send over a limit gets 429
// with retry_after, as Telegram answers.
type limitFake struct {
	mu       sync.Mutex
	perChat  map[int64][]time.Time
	all      []time.Time
	ok, over int
	first    time.Time
	last     time.Time
}

func (f *limitFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = r.ParseForm()
	switch {
	case len(r.URL.Path) > 5 && r.URL.Path[len(r.URL.Path)-5:] == "getMe":
		fmt.Fprint(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"bot","username":"limit_bot"}}`)
		return
	}
	chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	count := func(ts []time.Time, window time.Duration) int {
		n := 0
		for _, t := range ts {
			if now.Sub(t) < window {
				n++
			}
		}
		return n
	}
	hist := f.perChat[chat]
	violated := count(f.all, time.Second) >= 30
	if chat > 0 && count(hist, privateWindow) >= privateBurst {
		violated = true
	}
	if chat < 0 && count(hist, time.Minute) >= 20 {
		violated = true
	}
	if violated {
		f.over++
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
		return
	}
	f.ok++
	if f.first.IsZero() {
		f.first = now
	}
	f.last = now
	f.perChat[chat] = append(hist, now)
	f.all = append(f.all, now)
	if len(f.all) > 200 {
		f.all = f.all[len(f.all)-100:]
	}
	res, _ := json.Marshal(map[string]any{"ok": true, "result": map[string]any{"message_id": f.ok, "date": now.Unix(),
		"chat": map[string]any{"id": chat, "type": "private"}, "text": r.FormValue("text")}})
	w.Write(res)
}

// Telegram's tolerance of a private chat's bursts, as the fake models it.
const (
	privateBurst  = 3
	privateWindow = 3 * time.Second
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkPacing sends PACING_MSGS messages (default 10,000) to PACING_CHATS
// chats (500) of which PACING_GROUPS are groups (20), round-robin, through
// the real dispatcher and Telegram adapter into limitFake, and reports the
// total time against the least the limits allow, and the 429s (want 0).
// One run takes minutes: bench/pacing.sh runs it once (-benchtime 1x).
func BenchmarkPacing(b *testing.B) {
	nMsgs, nChats, nGroups := envInt("PACING_MSGS", 10000), envInt("PACING_CHATS", 500), envInt("PACING_GROUPS", 20)
	fake := &limitFake{perChat: map[int64][]time.Time{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	st := testdb.Open(b, testdb.Fresh(b, true))
	tg, err := telegram.New(context.Background(), telegram.Options{Token: "1:bench", APIEndpoint: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	s := outbox.New(st, outbox.Options{Senders: map[bot.Platform]bot.Sender{bot.Telegram: tg},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	chatID := func(i int) string {
		c := i % nChats
		if c < nGroups {
			return strconv.Itoa(-1000 - c)
		}
		return strconv.Itoa(1000 + c)
	}
	// Every message queued before the clock starts.
	err = st.InTx(context.Background(), func(tx *store.Tx) error {
		var msgs []bot.Message
		for i := 0; i < nMsgs; i++ {
			msgs = append(msgs, bot.Message{Platform: bot.Telegram, ChatID: chatID(i), Text: fmt.Sprintf("消息 %d", i)})
		}
		return outbox.Enqueue(context.Background(), tx, msgs)
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	for {
		fake.mu.Lock()
		done := fake.ok
		fake.mu.Unlock()
		if done >= nMsgs {
			break
		}
		if time.Since(start) > 30*time.Minute {
			b.Fatalf("only %d of %d delivered in 30 minutes", done, nMsgs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := fake.last.Sub(start)
	b.StopTimer()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = s.Stop(ctx)

	// The least time the limits allow: the busiest rule decides. A rule of
	// k sends in any window w lets n sends go in (n-1)/k whole windows (the
	// first k at once): 30 in any second in all, 3 in any 3 s to a private
	// chat, 20 in any minute to a group.
	perChat := map[string]int{}
	for i := 0; i < nMsgs; i++ {
		perChat[chatID(i)]++
	}
	minimum := time.Duration((nMsgs-1)/30) * time.Second
	for id, n := range perChat {
		k, w := privateBurst, privateWindow
		if id[0] == '-' {
			k, w = 20, time.Minute
		}
		if d := time.Duration((n-1)/k) * w; d > minimum {
			minimum = d
		}
	}
	if os.Getenv("PACING_TRACE") != "" {
		for c, ts := range fake.perChat {
			var offs []string
			for _, t := range ts {
				offs = append(offs, fmt.Sprintf("%.3f", t.Sub(start).Seconds()))
			}
			b.Logf("chat %d: %v", c, offs)
		}
	}
	b.ReportMetric(elapsed.Seconds(), "total_s")
	b.ReportMetric(minimum.Seconds(), "minimum_s")
	b.ReportMetric(elapsed.Seconds()/minimum.Seconds(), "x_minimum")
	b.ReportMetric(float64(fake.over), "429s")
	b.ReportMetric(float64(fake.ok), "delivered")
}
