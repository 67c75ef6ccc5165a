package outbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/wecom"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/wecomfake"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/store"
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

// lockedBuffer is a log sink the dispatcher's goroutines write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// wecomRig is a store, a fake WeCom and one dispatcher sending through the
// real WeCom adapter, logging to log.
type wecomRig struct {
	fake *wecomfake.Server
	st   *store.Store
	d    *outbox.Dispatcher
	log  *lockedBuffer
}

func newWeComRig(t *testing.T, o wecomfake.Options) *wecomRig {
	t.Helper()
	fake := wecomfake.New(t, o)
	st := testdb.Open(t, testdb.Fresh(t, true))
	logs := &lockedBuffer{}
	lg := slog.New(slog.NewTextHandler(logs, nil))
	a, err := wecom.New(wecom.Options{CorpID: fake.Opts.CorpID, AgentID: strconv.Itoa(fake.Opts.AgentID), Secret: fake.Opts.CorpSecret,
		Token: fake.Opts.Token, EncodingAESKey: fake.Opts.EncodingAESKey, APIEndpoint: fake.URL, Cache: wecom.NewCache(st), Log: lg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { util.SetURIModifier(nil) })
	d := outbox.New(st, outbox.Options{Poll: 20 * time.Millisecond, Lease: time.Second, ID: "wecom-test",
		RetryBase: 30 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		Senders: map[bot.Platform]bot.Sender{bot.WeCom: a},
		Pacing:  map[bot.Platform]outbox.Pacing{bot.WeCom: {Private: 50 * time.Millisecond, Group: 50 * time.Millisecond, All: time.Millisecond}},
		Log:     lg})
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop(context.Background()) })
	return &wecomRig{fake: fake, st: st, d: d, log: logs}
}

func (r *wecomRig) wait(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	if err := r.fake.WaitUntil(ctx, cond); err != nil {
		t.Fatalf("%s: not within %v", what, within)
	}
}

// TestWeComLimitHoldsOnlyItsChat: WeCom's 45009 counts one member's (30 a
// minute) or one robot's (20 a minute) messages: a group whose robot hit
// it, and a steward who got too many, wait their minute; a coordinator's
// confirmation goes at once.
func TestWeComLimitHoldsOnlyItsChat(t *testing.T) {
	r := newWeComRig(t, wecomfake.Options{RobotPerMinute: 1, AppPerUserPerMinute: 1})
	r.fake.AddRobot("robotkey0100")
	r.fake.AddUser("wangxiulan", "yangxiaoyan")
	enqueue(t, r.st, r.d,
		bot.Message{Platform: bot.WeCom, ChatID: wecom.Robot + "robotkey0100", Text: "群一"},
		bot.Message{Platform: bot.WeCom, ChatID: wecom.Robot + "robotkey0100", Text: "群二"},
		bot.Message{Platform: bot.WeCom, ChatID: "wangxiulan", Text: "管家一"},
		bot.Message{Platform: bot.WeCom, ChatID: "wangxiulan", Text: "管家二"})
	limited := func(n int) func() bool {
		return func() bool {
			for _, f := range r.fake.Refused() {
				if f.ErrCode == wecomfake.CodeFreqLimit {
					n--
				}
			}
			return n <= 0
		}
	}
	r.wait(t, "a 45009", 10*time.Second, limited(1))
	start := time.Now()
	enqueue(t, r.st, r.d, bot.Message{Platform: bot.WeCom, ChatID: "yangxiaoyan", Text: "已派单给环卫所"})
	r.wait(t, "the coordinator's confirmation", 5*time.Second, func() bool {
		for _, m := range r.fake.App() {
			if m.ToUser == "yangxiaoyan" {
				return true
			}
		}
		return false
	})
	t.Logf("the coordinator's confirmation went %v after it was queued", time.Since(start).Round(time.Millisecond))
	r.wait(t, "the other limited chat's own 45009", 5*time.Second, limited(2))
	// A send is recorded just after it went out: on a loaded machine the
	// record may lag the fake's answer a moment.
	var held []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		held = nil
		if err := r.st.DB().Select(&held, `SELECT state FROM outbox WHERE chat_id IN ('robot:robotkey0100', 'wangxiulan') ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if strings.Join(held, ",") == "sent,pending,sent,pending" || time.Now().After(deadline) {
			break
		}
	}
	if strings.Join(held, ",") != "sent,pending,sent,pending" {
		t.Errorf("the limited chats' messages: %v, want the second of each waiting (not failed)", held)
	}
	if rb := r.fake.Robot(); len(rb) != 1 {
		t.Errorf("the robot sent %d within its minute", len(rb))
	}
	// The log says which chat waits, but not the robot's key (anyone
	// with it can post to the group).
	if logs := r.log.String(); !strings.Contains(logs, "rate limited") || strings.Contains(logs, "robotkey0100") {
		t.Errorf("log:\n%s", logs)
	}
}

// TestWeComTokenNotLogged: a 502 from WeCom is retried, and the log line
// that says so has no access token (the library's error has the URI).
func TestWeComTokenNotLogged(t *testing.T) {
	r := newWeComRig(t, wecomfake.Options{})
	r.fake.AddUser("wangxiulan")
	r.fake.FailHTTP("/cgi-bin/message/send", 2, http.StatusBadGateway)
	enqueue(t, r.st, r.d, bot.Message{Platform: bot.WeCom, ChatID: "wangxiulan", Text: "网关恢复后送达"})
	r.wait(t, "the message after two 502s", 10*time.Second, func() bool { return len(r.fake.App()) == 1 })
	logs := r.log.String()
	if !strings.Contains(logs, "send failed") || !strings.Contains(logs, "statusCode=502") {
		t.Fatalf("no retry logged:\n%s", logs)
	}
	for _, tok := range r.fake.AccessTokens() {
		if strings.Contains(logs, tok) {
			t.Fatalf("the access token is in the log:\n%s", logs)
		}
	}
	if !strings.Contains(logs, "access_token=<redacted>") {
		t.Errorf("log:\n%s", logs)
	}
}

// TestWeComForwardedPhotoAfterExpiry: a steward's photo came with a WeCom
// MediaId, which WeCom forgets after 3 days; forwarded later (a recheck, a
// digest), it goes up again from its stored bytes.
func TestWeComForwardedPhotoAfterExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := newWeComRig(t, wecomfake.Options{Now: clock, TokenTTL: 1000 * time.Hour})
	r.fake.AddUser("yangxiaoyan")
	png := []byte("\x89PNG\r\n\x1a\n stored bytes of the photo")
	r.fake.AddMedia("MEDIA_FROM_STEWARD", png)
	ctx := context.Background()
	var id int64
	err := r.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = tx.InsertPhoto(ctx, store.NewPhoto{Kind: model.PhotoBefore, Platform: "wecom", FileRef: "MEDIA_FROM_STEWARD"}); err != nil {
			return err
		}
		return tx.SetPhotoBytes(ctx, id, png, "image/png")
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(4 * 24 * time.Hour)
	mu.Unlock()
	enqueue(t, r.st, r.d, bot.Message{Platform: bot.WeCom, ChatID: "yangxiaoyan", Text: "请复核:案件 2026-000001",
		Photo: &bot.Photo{Platform: bot.WeCom, FileRef: "MEDIA_FROM_STEWARD", PhotoID: id}})
	r.wait(t, "the photo and its text", 10*time.Second, func() bool { return len(r.fake.App()) >= 2 })
	app := r.fake.App()
	if app[0].MsgType != "image" || app[0].MediaID == "MEDIA_FROM_STEWARD" || app[1].Content != "请复核:案件 2026-000001" {
		t.Errorf("sent: %+v", app)
	}
	if f := r.fake.Refused(); len(f) > 0 {
		t.Errorf("refused: %+v", f)
	}
}
