package outbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
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

// BenchmarkWeComRobots sends ROBOT_MSGS (500) messages spread over
// ROBOT_GROUPS (10) WeCom groups through their robots, at the default
// WeCom pacing, to a fake that enforces WeCom's 20 a minute per robot, and
// reports the makespan against the limit's minimum ((per group - 1) × 3 s)
// and the 45009s. bench/wecom-robots.sh runs it.
func BenchmarkWeComRobots(b *testing.B) {
	total, groups := envInt("ROBOT_MSGS", 500), envInt("ROBOT_GROUPS", 10)
	for range b.N {
		fake := wecomfake.New(b, wecomfake.Options{})
		st := testdb.Open(b, testdb.Fresh(b, true))
		a, err := wecom.New(wecom.Options{CorpID: fake.Opts.CorpID, AgentID: strconv.Itoa(fake.Opts.AgentID), Secret: fake.Opts.CorpSecret,
			Token: fake.Opts.Token, EncodingAESKey: fake.Opts.EncodingAESKey, APIEndpoint: fake.URL, Cache: wecom.NewCache(st),
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		d := outbox.New(st, outbox.Options{ID: "bench", Senders: map[bot.Platform]bot.Sender{bot.WeCom: a},
			Pacing: map[bot.Platform]outbox.Pacing{bot.WeCom: outbox.DefaultPacing[bot.WeCom]},
			Log:    slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err := d.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		var msgs []bot.Message
		for i := range total {
			key := fmt.Sprintf("robotkey%04d", i%groups)
			fake.AddRobot(key)
			msgs = append(msgs, bot.Message{Platform: bot.WeCom, ChatID: wecom.Robot + key, Text: fmt.Sprintf("消息 %d", i)})
		}
		start := time.Now()
		enqueue(b, st, d, msgs...)
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		tick := time.NewTicker(10 * time.Second)
		done := make(chan struct{})
		go func() {
			for {
				select {
				case <-tick.C:
					fmt.Fprintf(os.Stderr, "wecom robots: %d / %d sent, %v\n", len(fake.Robot()), total, time.Since(start).Round(time.Second))
				case <-done:
					return
				}
			}
		}()
		err = fake.WaitUntil(ctx, func() bool { return len(fake.Robot()) == total })
		close(done)
		tick.Stop()
		cancel()
		if err != nil {
			b.Fatalf("%d of %d sent", len(fake.Robot()), total)
		}
		makespan := time.Since(start)
		perGroup := (total + groups - 1) / groups
		minimum := time.Duration(perGroup-1) * 3 * time.Second
		refused := 0
		for _, r := range fake.Refused() {
			if r.ErrCode == 45009 {
				refused++
			}
		}
		b.ReportMetric(makespan.Seconds(), "makespan_s")
		b.ReportMetric(minimum.Seconds(), "minimum_s")
		b.ReportMetric(makespan.Seconds()/minimum.Seconds(), "ratio")
		b.ReportMetric(float64(refused), "errcode_45009")
		_ = d.Stop(context.Background())
		util.SetURIModifier(nil)
	}
}
