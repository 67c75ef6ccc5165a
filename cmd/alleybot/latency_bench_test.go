package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/tgload"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// arrivals is a light Bot API for load: it answers what the bot calls,
// notes when each message arrives in which chat, and counts the sends that
// break Telegram's limits as they are counted on arrival (about 1 a second
// per private chat with short bursts, taken as 3 in any 3 s; 20 in any
// minute per group; 30 in any second in all), answering those with 429 as
// Telegram does.
type arrivals struct {
	tgload.Waiters
	mu      sync.Mutex
	perChat map[int64][]time.Time
	all     []time.Time
	sent    atomic.Int64
	over    atomic.Int64
	enforce bool
}

// arrive is tgload.BotAPI.Sent: a send within the limits is counted and
// its chat's waiter told; one beyond them is refused when enforcing.
func (a *arrivals) arrive(chat int64, _ string, now time.Time) bool {
	if !a.admit(chat, now) {
		return false
	}
	a.sent.Add(1)
	a.Arrived(chat, now)
	return true
}

// admit reports whether a send arriving now keeps within the limits.
func (a *arrivals) admit(chat int64, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	window, n := 3*time.Second, 3
	if chat < 0 {
		window, n = time.Minute, 20
	}
	recent := a.perChat[chat]
	for len(recent) > 0 && now.Sub(recent[0]) >= window {
		recent = recent[1:]
	}
	for len(a.all) > 0 && now.Sub(a.all[0]) >= time.Second {
		a.all = a.all[1:]
	}
	if len(recent) >= n || len(a.all) >= 30 {
		a.over.Add(1)
		a.perChat[chat] = recent
		if a.enforce {
			return false
		}
	}
	a.perChat[chat] = append(recent, now)
	a.all = append(a.all, now)
	return true
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

// BenchmarkLatency is closed-loop stewards reporting through the real
// webhook HTTP path of a serve process: each posts an update, waits for the
// next message the bot sends to its chat, notes the time from the POST to
// that message's arrival at the Bot API, thinks for THINK_MIN–THINK_MAX
// (1–3 s: a human pace), and goes on with the next step of a report. The
// exchange, center, department and committee groups are bound, so every
// report also posts to groups. STEWARDS (50) for DURATION (60 s); PACING=off
// turns the pacing off (a saturation run, with THINK_MAX=0). The first
// WARMUP (10 s), when every steward starts at once, is not counted.
// BROADCAST (0) queues a training notice to that many other stewards'
// private chats before the stewards start, as 发布 does: it is still going
// out at 30 a second while they report, and the replies to them go ahead
// of it. bench/latency.sh runs it.
func BenchmarkLatency(b *testing.B) {
	stewards := envInt("STEWARDS", 50)
	duration := envDuration("DURATION", time.Minute)
	thinkMin, thinkMax := envDuration("THINK_MIN", time.Second), envDuration("THINK_MAX", 3*time.Second)
	pacing := os.Getenv("PACING") != "off"
	warmup := envDuration("WARMUP", 10*time.Second) // every steward starts in the first few seconds: not the steady state

	fake := &arrivals{perChat: map[int64][]time.Time{}, enforce: pacing}
	srv := httptest.NewServer(&tgload.BotAPI{Username: "load_bot", Sent: fake.arrive})
	defer srv.Close()
	url := testdb.Fresh(b, true)
	st := testdb.OpenPool(b, url, 16)
	ctx := context.Background()
	if _, err := roster.Import(ctx, st, "../../examples/roster.yaml"); err != nil {
		b.Fatal(err)
	}
	db := st.DB()
	var sanitation int64
	if err := db.Get(&sanitation, `SELECT id FROM categories WHERE code = 'sanitation'`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'telegram', '-100' || id, id FROM chats`); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < stewards; i++ {
		if _, err := db.Exec(`
			WITH p AS (INSERT INTO people (code, name) VALUES ($1, $2) RETURNING id),
			     r AS (INSERT INTO person_roles (person_id, role) SELECT id, 'steward' FROM p)
			INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', $3, id FROM p`,
			fmt.Sprintf("L%03d", i), fmt.Sprintf("压测管家%03d", i), strconv.Itoa(900000+i)); err != nil {
			b.Fatal(err)
		}
	}
	cfg := config.Default()
	cfg.Database.URL = url
	cfg.Database.MaxOpenConns = 16
	cfg.Telegram.Token, cfg.Telegram.APIEndpoint, cfg.Telegram.Mode = "1:load", srv.URL, "webhook"
	cfg.Telegram.WebhookSecret = "s3cret-s3cret-s3cret"
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Bot.RatePerMinute = 0 // closed-loop stewards send as fast as the bot answers
	if !pacing {
		cfg.Telegram.PacePrivate, cfg.Telegram.PaceGroup, cfg.Telegram.PaceAll = time.Microsecond, time.Microsecond, time.Microsecond
	}
	cfg.Telegram.PacePrivate = envDuration("PACE_PRIVATE", cfg.Telegram.PacePrivate)
	cfg.Telegram.PaceGroup = envDuration("PACE_GROUP", cfg.Telegram.PaceGroup)
	cfg.Telegram.PaceAll = envDuration("PACE_ALL", cfg.Telegram.PaceAll)
	a, err := newApp(ctx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if n := envInt("BROADCAST", 0); n > 0 {
		// The notices as a training's 发布 queues them, in one transaction.
		msgs := make([]bot.Message, n)
		for i := range msgs {
			msgs[i] = bot.Message{Platform: bot.Telegram, ChatID: strconv.Itoa(5_000_000 + i), Kind: bot.Private,
				Text: fmt.Sprintf("培训通知 %d", i), Broadcast: "training:1"}
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return outbox.Enqueue(ctx, tx, msgs) }); err != nil {
			b.Fatal(err)
		}
	}
	hook := "http://" + a.ln.Addr().String() + "/telegram/webhook"
	a.cfg.Telegram.WebhookURL = hook
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.serve(runCtx) }()
	defer func() { cancel(); <-done }()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: stewards}, Timeout: 30 * time.Second}
	updates := tgload.New(20_000_001)
	post := func(body string) error {
		req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", cfg.Telegram.WebhookSecret)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	steps := func(user int64) []string { return updates.Report(user, sanitation, "load-photo") }
	var mu sync.Mutex
	var lat, posts []time.Duration
	byStep := make([][]time.Duration, 8)
	var lost atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for s := 0; s < stewards; s++ {
		wg.Add(1)
		go func(user int64) {
			defer wg.Done()
			arrived := fake.Wait(user)
			time.Sleep(time.Duration(rand.Int64N(int64(max(thinkMax, time.Millisecond))))) // not all at once
			var mine, myPosts []time.Duration
			var mySteps [8][]time.Duration
			for time.Since(start) < duration {
				for i, body := range steps(user) {
					for len(arrived) > 0 { // what came late for the step before
						<-arrived
					}
					sent := time.Now()
					if err := post(body); err != nil {
						b.Error(err)
						return
					}
					myPosts = append(myPosts, time.Since(sent))
					select {
					case at := <-arrived:
						if sent.Sub(start) >= warmup {
							mine = append(mine, at.Sub(sent))
							mySteps[i] = append(mySteps[i], at.Sub(sent))
						}
					case <-time.After(30 * time.Second):
						lost.Add(1)
					}
					if thinkMax > 0 {
						time.Sleep(thinkMin + time.Duration(rand.Int64N(int64(thinkMax-thinkMin)+1)))
					}
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			posts = append(posts, myPosts...)
			for i := range mySteps {
				byStep[i] = append(byStep[i], mySteps[i]...)
			}
			mu.Unlock()
		}(int64(900000 + s))
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		b.Fatal("no replies")
	}
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(float64(len(lat)-1)*q)].Microseconds()) / 1000 }
	slices.Sort(posts)
	b.Logf("webhook answered: p50 %v p99 %v", posts[len(posts)/2], posts[int(float64(len(posts)-1)*0.99)])
	for i, ds := range byStep { // where the slow replies are: p50 and p99 by step of the report
		if len(ds) > 0 {
			slices.Sort(ds)
			b.Logf("step %d: p50 %v p99 %v (%d)", i+1, ds[len(ds)/2], ds[int(float64(len(ds)-1)*0.99)], len(ds))
		}
	}
	var cases int
	_ = db.Get(&cases, `SELECT count(*) FROM cases`)
	b.ReportMetric(p(0.50), "p50_ms")
	b.ReportMetric(p(0.99), "p99_ms")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(fake.sent.Load())/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(fake.sent.Load()), "msgs")
	b.ReportMetric(float64(cases), "cases")
	b.ReportMetric(float64(fake.over.Load()), "over_limit")
	b.ReportMetric(float64(lost.Load()), "no_reply_30s")
	var broadcast int
	_ = db.Get(&broadcast, `SELECT count(*) FROM outbox WHERE state = 'sent' AND message->>'Broadcast' <> ''`)
	b.ReportMetric(float64(broadcast), "broadcast_sent")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
