package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/wecomfake"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// wcRig is a serve process wired as `alleybot serve` wires it, with WeCom
// replaced by the fake at its HTTP boundary and no Telegram.
type wcRig struct {
	t     *testing.T
	fake  *wecomfake.Server
	st    *store.Store
	app   *app
	hook  string
	msgID int64
	stop  func()
}

func newWcRig(t *testing.T, url string, fake *wecomfake.Server) *wcRig {
	t.Helper()
	st := testdb.Open(t, url)
	cfg := config.Default()
	cfg.Database.URL = url
	cfg.WeCom = config.WeComConfig{CorpID: fake.Opts.CorpID, AgentID: strconv.Itoa(fake.Opts.AgentID), Secret: fake.Opts.CorpSecret,
		Token: fake.Opts.Token, EncodingAESKey: fake.Opts.EncodingAESKey, APIEndpoint: fake.URL, KfSecret: fake.Opts.KfSecret,
		KfAccounts: []string{"wkKF1"}, PacePrivate: time.Millisecond, PaceGroup: time.Millisecond, PaceAll: time.Millisecond}
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Jobs.PollInterval = 20 * time.Millisecond
	cfg.Jobs.RetryBase = 20 * time.Millisecond
	ctx := context.Background()
	a, err := newApp(ctx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.serve(runCtx) }()
	r := &wcRig{t: t, fake: fake, st: st, app: a, hook: "http://" + a.ln.Addr().String() + "/wecom/callback", msgID: 5000}
	r.stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30s")
		}
		util.SetURIModifier(nil)
	}
	t.Cleanup(func() {
		if r.stop != nil {
			r.stop()
			r.stop = nil
		}
	})
	return r
}

// wcWorld is a migrated database with the example roster, the center's and
// the sanitation department's WeCom groups bound to robots, and the
// department's 郑海涛 on WeCom.
func wcWorld(t *testing.T) (string, *wecomfake.Server) {
	t.Helper()
	url := testdb.Fresh(t, true)
	st := testdb.Open(t, url)
	ctx := context.Background()
	if _, err := roster.Import(ctx, st, "../../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE people SET wecom_userid = 'zhenghaitao' WHERE code = 'D01'`,
		`INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'wecom', 'robot:centerkey0001', id FROM chats WHERE code = 'center'`,
		`INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'wecom', 'robot:deptkey00001', id FROM chats WHERE code = 'dept-huanwei'`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	fake := wecomfake.New(t, wecomfake.Options{})
	fake.AddUser("wangxiulan", "yangxiaoyan", "zhenghaitao", "lijianguo")
	fake.AddRobot("centerkey0001", "deptkey00001")
	fake.AddKf("wkKF1")
	return url, fake
}

func (r *wcRig) say(from, text string) {
	r.t.Helper()
	r.msgID++
	r.post(r.fake.TextMsg(from, text, r.msgID))
}

func (r *wcRig) post(xml []byte) {
	r.t.Helper()
	status, body, err := r.fake.Post(context.Background(), r.hook, xml)
	if err != nil || status != 200 || body != "success" {
		r.t.Fatalf("callback: %d %q %v", status, body, err)
	}
}

// waitApp waits until the bot has said something containing want to user
// (a text, or a card's title and subtitle) and returns it.
func (r *wcRig) waitApp(user, want string) wecomfake.AppMessage {
	r.t.Helper()
	var found wecomfake.AppMessage
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := r.fake.WaitUntil(ctx, func() bool {
		for _, m := range r.fake.App() {
			if m.ToUser == user && strings.Contains(appText(m), want) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		var said []string
		for _, m := range r.fake.App() {
			if m.ToUser == user {
				said = append(said, appText(m))
			}
		}
		r.t.Fatalf("the bot never said %q to %s; it said:\n%s", want, user, strings.Join(said, "\n---\n"))
	}
	return found
}

func appText(m wecomfake.AppMessage) string {
	if m.Card != nil {
		var b []string
		for _, bt := range m.Card.Buttons {
			b = append(b, "["+bt.Text+"]")
		}
		return m.Card.Title + "\n" + m.Card.SubTitle + "\n" + strings.Join(b, " ")
	}
	return m.Content
}

// press presses the button labelled label on the newest card to user; it
// returns the event, to send again (a second press of the same card).
func (r *wcRig) press(user, label string) []byte {
	r.t.Helper()
	app := r.fake.App()
	for i := len(app) - 1; i >= 0; i-- {
		if app[i].ToUser != user || app[i].Card == nil {
			continue
		}
		for _, b := range app[i].Card.Buttons {
			if b.Text == label {
				ev := r.fake.CardEvent(user, b.Key, app[i].Card.TaskID, "")
				r.post(ev)
				return ev
			}
		}
	}
	var cards []string
	for _, m := range app {
		if m.ToUser == user && m.Card != nil {
			cards = append(cards, appText(m))
		}
	}
	r.t.Fatalf("no card button %q for %s among %q", label, user, cards)
	return nil
}

func (r *wcRig) waitRobot(key, want string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.fake.WaitUntil(ctx, func() bool {
		for _, m := range r.fake.Robot() {
			if m.Key == key && strings.Contains(m.Content, want) {
				return true
			}
		}
		return false
	}); err != nil {
		r.t.Fatalf("robot %s never posted %q (posted %d)", key, want, len(r.fake.Robot()))
	}
}

// TestWeComReportAndLifecycle: a steward reports on WeCom (cards as
// buttons, a photo fetched by its MediaId, a shared location), the center's
// robot posts the case and the coordinator dispatches from the card in the
// app (pressed twice: one dispatch), the department verifies, fixes with a
// photo, the steward re-checks and closes.
func TestWeComReportAndLifecycle(t *testing.T) {
	url, fake := wcWorld(t)
	r := newWcRig(t, url, fake)
	jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 200)...)
	fake.AddMedia("MEDIA-BEFORE", jpeg)
	fake.AddMedia("MEDIA-AFTER", jpeg)

	r.say("wangxiulan", "/report")
	r.waitApp("wangxiulan", "请选择问题类别")
	r.press("wangxiulan", "环境卫生")
	r.waitApp("wangxiulan", "请发送现场照片")
	r.msgID++
	r.post(fake.ImageMsg("wangxiulan", "http://wework.qpic.cn/p.jpg", "MEDIA-BEFORE", r.msgID))
	r.waitApp("wangxiulan", "已收到 1 张照片")
	r.press("wangxiulan", "完成")
	r.waitApp("wangxiulan", "请分享问题所在的位置")
	r.msgID++
	r.post(fake.LocationMsg("wangxiulan", 39.93680, 116.39860, "雨儿胡同", r.msgID))
	r.waitApp("wangxiulan", "定位到:雨儿胡同")
	r.say("wangxiulan", "雨儿胡同 12 号门口的垃圾桶满了,溢到路上")
	r.waitApp("wangxiulan", "影响范围")
	r.press("wangxiulan", "整条小巷")
	r.waitApp("wangxiulan", "请核对")
	r.press("wangxiulan", "提交")
	r.waitApp("wangxiulan", "已提交,案件编号 "+firstCase)

	// The photo's bytes were fetched by MediaId.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for r.count(`SELECT count(*) FROM photos WHERE sha256 IS NOT NULL AND platform = 'wecom'`) < 1 {
		if ctx.Err() != nil {
			t.Fatal("the WeCom photo was not fetched")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The center's robot posts the case; the coordinator gets the card.
	r.waitRobot("centerkey0001", "新案件待派单")
	// "派单给交道口街道环卫所" is longer than WeCom advises for a button:
	// the card lists it whole and its button is numbered and shortened.
	r.waitApp("yangxiaoyan", "① 派单给交道口街道环卫所")
	r.waitApp("yangxiaoyan", "[①派单给…街道环卫所]")
	ev := r.press("yangxiaoyan", "①派单给…街道环卫所")
	r.waitApp("yangxiaoyan", "已派单:"+firstCase)
	r.post(ev) // the same press again (WeCom's retry): stored once
	// A second press of the card: refused with the case's state.
	r.press("yangxiaoyan", "①派单给…街道环卫所")
	r.waitApp("yangxiaoyan", "现在是「已派单")
	if n := r.count(`SELECT count(*) FROM case_events WHERE kind = 'dispatched'`); n != 1 {
		t.Errorf("%d dispatch events, want 1", n)
	}
	// Pressed cards were updated so they cannot be pressed again.
	if len(fake.CardUpdates()) == 0 {
		t.Error("no card was updated after its press")
	}

	r.waitRobot("deptkey00001", "派单给本部门")
	r.waitApp("zhenghaitao", "已核实")
	r.press("zhenghaitao", "已核实")
	r.waitApp("zhenghaitao", "整改计划")
	r.press("zhenghaitao", "立即整改")
	r.waitApp("zhenghaitao", "已记录核实")
	r.waitApp("zhenghaitao", "已整改")
	r.press("zhenghaitao", "已整改")
	r.waitApp("zhenghaitao", "整改后的照片")
	r.msgID++
	r.post(fake.ImageMsg("zhenghaitao", "http://wework.qpic.cn/a.jpg", "MEDIA-AFTER", r.msgID))
	r.waitApp("zhenghaitao", "已收到 1 张照片")
	r.press("zhenghaitao", "完成")
	r.waitApp("zhenghaitao", "有需要说明的吗")
	r.press("zhenghaitao", "跳过")
	r.waitApp("wangxiulan", "请到现场复核")
	r.press("wangxiulan", "通过")
	r.waitApp("wangxiulan", "复核通过,已办结")
	cv, err := r.st.CaseByNumber(context.Background(), firstCase)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Status != "closed" || cv.Source != "wecom" || cv.ReporterName != "王秀兰" {
		t.Errorf("case after the lifecycle on WeCom: %+v", cv.Case)
	}
	// WeCom refused nothing but the card update of the replayed press (its
	// response_code was used by the first).
	for _, f := range fake.Refused() {
		if f.Path != "/cgi-bin/message/update_template_card" {
			t.Errorf("WeCom refused a call: %+v", f)
		}
	}
}

// TestWeComStrangerAndRetries: an unknown userid is told whom to ask; the
// same MsgId three times is one update; a forged callback stores nothing.
func TestWeComStrangerAndRetries(t *testing.T) {
	url, fake := wcWorld(t)
	fake.AddUser("stranger")
	r := newWcRig(t, url, fake)
	r.say("stranger", "你好")
	r.waitApp("stranger", "不在小巷管家名册里")
	r.waitApp("stranger", "林涛") // the admin to ask
	msg := fake.TextMsg("wangxiulan", "/whoami", 9999)
	for range 3 {
		r.post(msg)
	}
	r.waitApp("wangxiulan", "王秀兰")
	time.Sleep(300 * time.Millisecond) // let any duplicate arrive before counting
	n := 0
	for _, m := range fake.App() {
		if m.ToUser == "wangxiulan" && strings.Contains(m.Content, "编号:S01") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("/whoami sent three times by WeCom answered %d times, want 1", n)
	}
}

// TestWeComResidentOnWeChat: a resident writes to customer service; the
// messages are read from the cursor (which survives a restart: nothing is
// read twice), 帮助 gets the help text, a case number its state.
func TestWeComResidentOnWeChat(t *testing.T) {
	url, fake := wcWorld(t)
	r := newWcRig(t, url, fake)
	fake.KfCustomerSays("wkKF1", "wmRes1", "text", map[string]any{"content": "帮助"})
	r.post(fake.KfEvent("wkKF1", "sync-1"))
	r.waitKf("wmRes1", "居民可以在这里")

	// A restart: the next process reads on from the stored cursor.
	r.stop()
	r.stop = nil
	r2 := newWcRig(t, url, fake)
	fake.KfCustomerSays("wkKF1", "wmRes1", "text", map[string]any{"content": "2099-000001"})
	r2.post(fake.KfEvent("wkKF1", "sync-2"))
	r2.waitKf("wmRes1", "没有找到案件 2099-000001")
	time.Sleep(300 * time.Millisecond)
	help := 0
	for _, m := range fake.Kf() {
		if strings.Contains(m.Content, "居民可以在这里") {
			help++
		}
	}
	if help != 1 {
		t.Errorf("the help was sent %d times (a message read twice?)", help)
	}
}

func (r *wcRig) waitKf(user, want string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.fake.WaitUntil(ctx, func() bool {
		for _, m := range r.fake.Kf() {
			if m.ToUser == user && strings.Contains(m.Content, want) {
				return true
			}
		}
		return false
	}); err != nil {
		var said []string
		for _, m := range r.fake.Kf() {
			said = append(said, m.Content)
		}
		r.t.Fatalf("customer service never said %q to %s; it said %q", want, user, said)
	}
}

func (r *wcRig) count(query string, args ...any) int {
	r.t.Helper()
	var n int
	if err := r.st.DB().Get(&n, query, args...); err != nil {
		r.t.Fatal(err)
	}
	return n
}
