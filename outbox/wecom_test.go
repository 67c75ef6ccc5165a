package outbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/wecom"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/wecomfake"
	"github.com/alleybot/alleybot/outbox"
)

// TestWeComRobotsPaced: messages to WeCom groups (their robots) keep the
// group gap, in order, with no 45009 from WeCom. (How close the makespan
// comes to the limit is bench/wecom-robots.sh's to measure.)
func TestWeComRobotsPaced(t *testing.T) {
	fake := wecomfake.New(t, wecomfake.Options{})
	st := testdb.Open(t, testdb.Fresh(t, true))
	a, err := wecom.New(wecom.Options{CorpID: fake.Opts.CorpID, AgentID: strconv.Itoa(fake.Opts.AgentID), Secret: fake.Opts.CorpSecret,
		Token: fake.Opts.Token, EncodingAESKey: fake.Opts.EncodingAESKey, APIEndpoint: fake.URL, Cache: wecom.NewCache(st),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { util.SetURIModifier(nil) })
	const groups, each, gap = 3, 6, 150 * time.Millisecond
	d := outbox.New(st, outbox.Options{Poll: 20 * time.Millisecond, Lease: time.Second, ID: "wecom-test",
		Senders: map[bot.Platform]bot.Sender{bot.WeCom: a},
		Pacing:  map[bot.Platform]outbox.Pacing{bot.WeCom: {Private: 100 * time.Millisecond, Group: gap, All: time.Millisecond}},
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop(context.Background()) })
	var msgs []bot.Message
	for i := range each {
		for g := range groups {
			key := fmt.Sprintf("robotkey%04d", g)
			fake.AddRobot(key)
			msgs = append(msgs, bot.Message{Platform: bot.WeCom, ChatID: wecom.Robot + key, Text: fmt.Sprintf("%d-%d", g, i)})
		}
	}
	start := time.Now()
	enqueue(t, st, d, msgs...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := fake.WaitUntil(ctx, func() bool { return len(fake.Robot()) == groups*each }); err != nil {
		t.Fatalf("%d of %d robot messages", len(fake.Robot()), groups*each)
	}
	makespan := time.Since(start)
	last := map[string]time.Time{}
	next := map[string]int{}
	for _, m := range fake.Robot() {
		g, _ := strconv.Atoi(m.Key[len(m.Key)-4:])
		if want := fmt.Sprintf("%d-%d", g, next[m.Key]); m.Content != want {
			t.Errorf("robot %s got %q, want %q (order)", m.Key, m.Content, want)
		}
		next[m.Key]++
		if prev, ok := last[m.Key]; ok && m.Time.Sub(prev) < gap-10*time.Millisecond {
			t.Errorf("robot %s: two messages %v apart, want at least %v", m.Key, m.Time.Sub(prev), gap)
		}
		last[m.Key] = m.Time
	}
	if refused := fake.Refused(); len(refused) > 0 {
		t.Errorf("WeCom refused: %+v", refused)
	}
	t.Logf("makespan %v for %d groups × %d (one group's minimum: %v)", makespan, groups, each, time.Duration(each-1)*gap)
}
