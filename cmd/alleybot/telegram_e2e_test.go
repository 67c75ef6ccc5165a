package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/tgfake"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// tgRig is a serve process wired exactly as `alleybot serve` wires it, with
// Telegram replaced by the fake at its HTTP boundary.
type tgRig struct {
	t    testing.TB
	fake *tgfake.Server
	st   *store.Store
	app  *app
	stop func()
}

func newTgRig(t testing.TB, mode string) *tgRig {
	t.Helper()
	return newTgRigWith(t, mode, nil)
}

// newTgRigWith is newTgRig with the fake prepared by before (failures to
// answer at start-up) before the app starts.
func newTgRigWith(t testing.TB, mode string, before func(*tgfake.Server)) *tgRig {
	t.Helper()
	return newTgRigOn(t, mode, before, testdb.Fresh(t, true))
}

// newTgRigOn is newTgRigWith on the database at url (which may be reached
// through a pgproxy that a test cuts).
func newTgRigOn(t testing.TB, mode string, before func(*tgfake.Server), url string) *tgRig {
	t.Helper()
	st := testdb.Open(t, url)
	ctx := context.Background()
	if _, err := roster.Import(ctx, st, "../../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	fake := tgfake.New(t, "")
	if before != nil {
		before(fake)
	}
	cfg := config.Default()
	cfg.Database.URL = url
	cfg.Telegram.Token = fake.Token
	cfg.Telegram.APIEndpoint = fake.URL
	cfg.Telegram.Mode = mode
	cfg.Telegram.WebhookSecret = "s3cret-s3cret-s3cret"
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Jobs.PollInterval = 20 * time.Millisecond
	cfg.Jobs.RetryBase = 20 * time.Millisecond
	// Pacing is exercised by the scheduler's tests and bench/; here it only slows the story.
	cfg.Telegram.PacePrivate, cfg.Telegram.PaceGroup, cfg.Telegram.PaceAll = time.Millisecond, time.Millisecond, time.Millisecond
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := newApp(ctx, cfg, st, log)
	if err != nil {
		t.Fatal(err)
	}
	a.cfg.Telegram.WebhookURL = "http://" + a.ln.Addr().String() + "/telegram/webhook"
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.serve(runCtx) }()
	r := &tgRig{t: t, fake: fake, st: st, app: a}
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
	}
	t.Cleanup(func() {
		if r.stop != nil {
			r.stop()
		}
	})
	return r
}

// waitSent waits until the bot has said something containing want to chat
// and returns that message.
func (r *tgRig) waitSent(chat int64, want string) tgfake.SentMessage {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var found tgfake.SentMessage
	err := r.fake.WaitUntil(ctx, func() bool {
		for _, m := range r.fake.Sent() {
			if m.ChatID == chat && strings.Contains(m.Text, want) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		var said []string
		for _, m := range r.fake.Sent() {
			if m.ChatID == chat {
				said = append(said, m.Text)
			}
		}
		r.t.Fatalf("the bot never said %q to %d; it said:\n%s", want, chat, strings.Join(said, "\n---\n"))
	}
	return found
}

// press finds the newest message to chat with a button labelled label and presses it.
func (r *tgRig) press(chat, user int64, label string) {
	r.t.Helper()
	sent := r.fake.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		m := sent[i]
		if m.ChatID != chat {
			continue
		}
		for _, row := range m.Keyboard {
			for _, b := range row {
				if b.Text == label {
					r.fake.PushUpdate(r.fake.CallbackUpdate(chat, m.MessageID, user, b.Data))
					return
				}
			}
		}
	}
	r.t.Fatalf("no button %q in chat %d", label, chat)
}

func (r *tgRig) count(query string, args ...any) int {
	r.t.Helper()
	var n int
	if err := r.st.DB().Get(&n, query, args...); err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *tgRig) invite(code string) string {
	r.t.Helper()
	p, err := r.st.FindPerson(context.Background(), code)
	if err != nil {
		r.t.Fatal(err)
	}
	inv, err := r.st.CreateInvite(context.Background(), p.ID, time.Hour)
	if err != nil {
		r.t.Fatal(err)
	}
	return inv.Code
}

// TestTelegramPollingReport is the end-to-end test over real HTTP:
// invite and bind, bind the exchange group, report with two photos and a
// location, then check the case, its photos' bytes (downloaded by the
// background job after getFile failed twice), the steward's reply and the
// exchange group's message.
func TestTelegramPollingReport(t *testing.T) {
	r := newTgRig(t, "polling")
	const steward, admin, exchange = int64(9001), int64(9002), int64(-100100)
	photoA := bytes.Repeat([]byte("A"), 3000)
	photoB := bytes.Repeat([]byte("B"), 5000)
	r.fake.AddFile("ph-a", "photos/a.jpg", photoA)
	r.fake.AddFile("ph-b", "photos/b.jpg", photoB)
	r.fake.FailNext("getFile", 2, http.StatusInternalServerError)

	r.fake.PushUpdate(tgfake.TextUpdate(steward, steward, "/start "+r.invite("S01")))
	r.waitSent(steward, "绑定成功!您好,王秀兰")
	r.fake.PushUpdate(tgfake.TextUpdate(admin, admin, "/start "+r.invite("A01")))
	r.waitSent(admin, "绑定成功")
	r.fake.PushUpdate(tgfake.TextUpdate(exchange, admin, "/bindgroup@alley_test_bot exchange"))
	r.waitSent(exchange, "本群已登记为「交道口街道小巷管家工作交流群」")

	r.fake.PushUpdate(tgfake.TextUpdate(steward, steward, "/report"))
	r.waitSent(steward, "请选择问题类别")
	r.press(steward, steward, "环境卫生")
	r.waitSent(steward, "请发送现场照片")
	r.fake.PushUpdate(tgfake.PhotoUpdate(steward, steward, "ph-a", len(photoA), ""))
	r.waitSent(steward, "已收到 1 张照片")
	r.fake.PushUpdate(tgfake.PhotoUpdate(steward, steward, "ph-b", len(photoB), ""))
	r.waitSent(steward, "已收到 2 张照片")
	r.press(steward, steward, "完成")
	r.waitSent(steward, "请分享问题所在的位置")
	r.fake.PushUpdate(tgfake.LocationUpdate(steward, steward, 39.93680, 116.39860))
	r.waitSent(steward, "定位到:雨儿胡同")
	r.fake.PushUpdate(tgfake.TextUpdate(steward, steward, "雨儿胡同 12 号门口的垃圾桶满了,溢到路上"))
	r.waitSent(steward, "影响范围")
	r.press(steward, steward, "整条小巷")
	r.waitSent(steward, "请核对")
	r.press(steward, steward, "提交")
	reply := r.waitSent(steward, "已提交,案件编号 "+firstCase)
	if !strings.Contains(reply.Text, "位置:雨儿胡同(南锣鼓巷社区)") {
		t.Errorf("steward's reply: %s", reply.Text)
	}
	group := r.waitSent(exchange, "📢 新上报")
	if group.Method != "sendPhoto" || group.PhotoFileID != "ph-a" {
		t.Errorf("exchange group message should carry the first photo by file_id: %+v", group)
	}
	// A pressed button's keyboard is answered and closed. The adapter answers
	// the press after its update's transaction; the reply, sent at once after
	// the commit, may arrive first.
	actx, acancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer acancel()
	if err := r.fake.WaitUntil(actx, func() bool { return r.fake.Calls("answerCallbackQuery") >= 4 }); err != nil {
		t.Errorf("answerCallbackQuery calls: %d", r.fake.Calls("answerCallbackQuery"))
	}

	cv, err := r.st.CaseByNumber(context.Background(), firstCase)
	if err != nil {
		t.Fatal(err)
	}
	if cv.AlleyName != "雨儿胡同" || cv.Impact != "alley" || cv.PhotoCount != 2 || cv.Source != "telegram" || cv.ReporterName != "王秀兰" {
		t.Errorf("case: %+v", cv)
	}
	// The photos' bytes arrive by the background job, after two failures.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for r.count(`SELECT count(*) FROM photos WHERE case_id = $1 AND sha256 IS NOT NULL`, cv.ID) < 2 {
		if ctx.Err() != nil {
			var errs []string
			_ = r.st.DB().Select(&errs, `SELECT fetch_error FROM photos`)
			t.Fatalf("photos not downloaded; errors: %v", errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	photos, err := r.st.CasePhotos(context.Background(), cv.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]byte{photoA, photoB} {
		got, _, err := r.st.PhotoBytes(context.Background(), photos[i].ID)
		sum := sha256.Sum256(want)
		if err != nil || !bytes.Equal(got, want) || !bytes.Equal(photos[i].SHA256, sum[:]) {
			t.Errorf("photo %d: %d bytes, err %v", i, len(got), err)
		}
	}
	if n := r.fake.Calls("getFile"); n < 4 {
		t.Errorf("getFile calls: %d, want 2 failures + 2 successes", n)
	}
	// The download URL was built from api_endpoint, not api.telegram.org.
	if r.fake.Calls(tgfake.Download) != 2 {
		t.Errorf("downloads: %d", r.fake.Calls(tgfake.Download))
	}
}

// TestTelegramWebhook: a forged secret is refused with 401 and stores
// nothing; the same update delivered twice is handled once.
func TestTelegramWebhook(t *testing.T) {
	r := newTgRig(t, "webhook")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.fake.WaitUntil(ctx, func() bool { u, _ := r.fake.Webhook(); return u != "" }); err != nil {
		t.Fatal("the webhook was never registered")
	}
	hook, secret := r.fake.Webhook()
	if secret != "s3cret-s3cret-s3cret" || !strings.HasSuffix(hook, "/telegram/webhook") {
		t.Fatalf("setWebhook got url %q secret %q", hook, secret)
	}
	const steward = int64(9101)
	body := `{"update_id": 555001, "message": {"message_id": 1, "date": 1795000000, "chat": {"id": 9101, "type": "private"},
		"from": {"id": 9101, "is_bot": false, "first_name": "王"}, "text": "/start ` + r.invite("S02") + `"}}`
	post := func(secret, body string) int {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hook, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("forged-forged-forged", body); code != http.StatusUnauthorized {
		t.Errorf("forged secret: %d, want 401", code)
	}
	if code := post("", body); code != http.StatusUnauthorized {
		t.Errorf("missing secret: %d, want 401", code)
	}
	if n := r.count(`SELECT count(*) FROM processed_updates`); n != 0 {
		t.Errorf("a forged request stored %d updates", n)
	}
	if n := r.count(`SELECT count(*) FROM identities WHERE platform = 'telegram'`); n != 0 {
		t.Errorf("a forged request bound %d accounts", n)
	}
	if code := post(secret, `{"update_id": 1, "message": `); code != http.StatusBadRequest {
		t.Errorf("malformed body: %d, want 400", code)
	}
	for i := 0; i < 2; i++ {
		if code := post(secret, body); code != http.StatusOK {
			t.Fatalf("delivery %d: %d", i+1, code)
		}
	}
	r.waitSent(steward, "绑定成功!您好,李建国")
	bound := 0
	for _, m := range r.fake.Sent() {
		if m.ChatID == steward && strings.Contains(m.Text, "绑定成功") {
			bound++
		}
	}
	if bound != 1 {
		t.Errorf("the repeated update was answered %d times", bound)
	}
	if n := r.count(`SELECT count(*) FROM processed_updates WHERE platform = 'telegram' AND update_key = '555001'`); n != 1 {
		t.Errorf("processed keys: %d", n)
	}

	// Health endpoints on the same server.
	base := strings.TrimSuffix(hook, "/telegram/webhook")
	// And the public page, mounted by serve (public.enabled is on by default;
	// show_photos off: no photo), and Open311 (open311.enabled, on by default).
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/public/": 200, "/public/photo/1": 404,
		"/open311/v2/services.json": 200, "/open311/v2/requests.json": 200} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

// TestTelegramLifecycle: the same case as the console script, on Telegram
// over real HTTP: group cards with buttons, flows moving to private chats,
// the steward's re-check, the case closed.
func TestTelegramLifecycle(t *testing.T) {
	r := newTgRig(t, "polling")
	const steward, coord, dept = int64(9001), int64(9003), int64(9004)
	const centerGroup, deptGroup = int64(-100200), int64(-100300)
	r.fake.AddFile("ph", "photos/ph.jpg", []byte("jpeg"))
	r.fake.AddFile("after", "photos/after.jpg", []byte("jpeg after"))
	for user, code := range map[int64]string{steward: "S01", coord: "C01", dept: "D01"} {
		r.fake.PushUpdate(tgfake.TextUpdate(user, user, "/start "+r.invite(code)))
		r.waitSent(user, "绑定成功")
	}
	r.fake.PushUpdate(tgfake.TextUpdate(centerGroup, coord, "/bindgroup center"))
	r.waitSent(centerGroup, "本群已登记为「问题受理中心值班群」")
	r.fake.PushUpdate(tgfake.TextUpdate(deptGroup, coord, "/bindgroup dept-huanwei"))
	r.waitSent(deptGroup, "本群已登记为「环卫所工作群」")

	r.fake.PushUpdate(tgfake.TextUpdate(steward, steward, "/report"))
	r.waitSent(steward, "请选择问题类别")
	r.press(steward, steward, "环境卫生")
	r.waitSent(steward, "请发送现场照片")
	r.fake.PushUpdate(tgfake.PhotoUpdate(steward, steward, "ph", 4, ""))
	r.waitSent(steward, "已收到 1 张照片")
	r.press(steward, steward, "完成")
	r.waitSent(steward, "请分享问题所在的位置")
	r.press(steward, steward, "帽儿胡同")
	r.waitSent(steward, "请用文字描述问题")
	r.fake.PushUpdate(tgfake.TextUpdate(steward, steward, "门口堆了建筑垃圾,三天没人清"))
	r.waitSent(steward, "影响范围")
	r.press(steward, steward, "整条小巷")
	r.waitSent(steward, "请核对")
	r.press(steward, steward, "提交")
	r.waitSent(steward, "已提交,案件编号 "+firstCase)

	r.waitSent(centerGroup, "新案件待派单")
	r.press(centerGroup, coord, "派单给交道口街道环卫所")
	r.waitSent(centerGroup, "已派单:"+firstCase)
	r.waitSent(deptGroup, "派单给本部门")
	r.press(deptGroup, dept, "已核实")
	r.waitSent(deptGroup, "请在与我的私聊中继续核实")
	r.waitSent(dept, "整改计划")
	r.press(dept, dept, "立即整改")
	r.waitSent(dept, "已记录核实")
	r.waitSent(deptGroup, "已核实:立即整改")
	r.press(deptGroup, dept, "已整改")
	r.waitSent(dept, "整改后的照片")
	r.fake.PushUpdate(tgfake.PhotoUpdate(dept, dept, "after", 10, ""))
	r.waitSent(dept, "已收到 1 张照片")
	r.press(dept, dept, "完成")
	r.waitSent(dept, "有需要说明的吗")
	r.press(dept, dept, "跳过")
	recheck := r.waitSent(steward, "请到现场复核")
	if recheck.Method != "sendPhoto" || recheck.PhotoFileID != "after" {
		t.Errorf("the re-check should show the after photo: %+v", recheck)
	}
	r.press(steward, steward, "通过")
	r.waitSent(steward, "复核通过,已办结")
	cv, err := r.st.CaseByNumber(context.Background(), firstCase)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Status != "closed" || !cv.VerifiedAt.Valid || !cv.FixedAt.Valid {
		t.Errorf("case after the lifecycle on Telegram: %+v", cv.Case)
	}
}

// firstCase is the number of the first case of the year: numbers carry the
// year of the clock, which here is the real one.
var firstCase = fmt.Sprintf("%d-000001", time.Now().In(shanghai).Year())

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// TestShutdownDuringBurstLosesNothing: serve is stopped (SIGTERM cancels its
// context) in the middle of a burst of queued messages; a new serve process
// on the same database sends the rest. Every message arrives, none twice.
func TestShutdownDuringBurstLosesNothing(t *testing.T) {
	url := testdb.Fresh(t, true)
	st := testdb.Open(t, url)
	fake := tgfake.New(t, "")
	cfg := config.Default()
	cfg.Database.URL = url
	cfg.Telegram.Token, cfg.Telegram.APIEndpoint = fake.Token, fake.URL
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Jobs.PollInterval = 20 * time.Millisecond
	cfg.Telegram.PaceAll = 10 * time.Millisecond // 100 a second: the burst lasts about a second
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func() (*app, func()) {
		a, err := newApp(context.Background(), cfg, st, log)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.serve(ctx) }()
		return a, func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	}
	a, stop := start()
	const n = 150
	var msgs []bot.Message
	for i := 0; i < n; i++ {
		msgs = append(msgs, bot.Message{Platform: bot.Telegram, ChatID: fmt.Sprint(10000 + i), Text: fmt.Sprintf("第 %d 条", i)})
	}
	if err := st.InTx(context.Background(), func(tx *store.Tx) error { return a.out.EnqueueSends(context.Background(), tx, msgs) }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := fake.WaitUntil(ctx, func() bool { return len(fake.Sent()) >= 20 }); err != nil {
		t.Fatal("the burst never started")
	}
	stop() // SIGTERM mid-burst: in-flight sends finish, the rest stay queued
	stoppedAt := len(fake.Sent())
	if stoppedAt >= n {
		t.Skipf("the burst finished before the stop (%d sent); nothing to check", stoppedAt)
	}
	_, stop2 := start()
	defer stop2()
	if err := fake.WaitUntil(ctx, func() bool { return len(fake.Sent()) >= n }); err != nil {
		t.Fatalf("after the restart only %d of %d arrived", len(fake.Sent()), n)
	}
	time.Sleep(200 * time.Millisecond) // a duplicate, if any, would arrive now
	seen := map[int64]int{}
	for _, m := range fake.Sent() {
		seen[m.ChatID]++
	}
	for i := 0; i < n; i++ {
		if c := seen[int64(10000+i)]; c != 1 {
			t.Errorf("chat %d got %d messages", 10000+i, c)
		}
	}
	t.Logf("%d sent before the stop, %d after the restart", stoppedAt, n-stoppedAt)
}

// TestServeStartsWhileTelegramIsDown: the Bot API failing at start-up does
// not stop serve: HTTP answers (/readyz says what it waits for), getMe is
// retried in the background, and once it answers the bot polls and replies.
func TestServeStartsWhileTelegramIsDown(t *testing.T) {
	r := newTgRigWith(t, "polling", func(f *tgfake.Server) { f.FailNext("getMe", 2, http.StatusBadGateway) })
	base := "http://" + r.app.ln.Addr().String()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz during the outage: %d", code)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "telegram") {
		t.Errorf("/readyz during the outage: %d %q, want 503 naming telegram", code, body)
	}
	r.fake.PushUpdate(tgfake.TextUpdate(5550001, 5550001, "/help"))
	r.waitSent(5550001, "邀请链接") // a stranger: what residents can do, and how staff bind
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after Telegram came back: %d %q", code, body)
	}
	if n := r.fake.Calls("getMe"); n < 3 {
		t.Errorf("getMe called %d times, want the failures retried", n)
	}
}

// TestServeRefusesAWrongToken: a token Telegram refuses (401) is a config
// mistake, not an outage: serve stops at once, naming the key.
func TestServeRefusesAWrongToken(t *testing.T) {
	url := testdb.Fresh(t, true)
	st := testdb.Open(t, url)
	fake := tgfake.New(t, "")
	cfg := config.Default()
	cfg.Database.URL = url
	cfg.Telegram.Token = "123:wrong"
	cfg.Telegram.APIEndpoint = fake.URL
	cfg.HTTP.Listen = "127.0.0.1:0"
	_, err := newApp(context.Background(), cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "telegram.token") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("err = %v, want a refusal naming telegram.token without the token", err)
	}
}

// TestTelegramComplaint: a resident asks in the residents' group, follows
// the deep link the bot answers with, files the complaint privately; the
// center makes it a case, the case runs its course, and the resident is
// told at the close and rates it privately, over real HTTP.
func TestTelegramComplaint(t *testing.T) {
	r := newTgRig(t, "polling")
	const steward, coord, dept, res = int64(9001), int64(9003), int64(9004), int64(9501)
	const centerGroup, deptGroup, resGroup = int64(-100200), int64(-100300), int64(-100400)
	r.fake.AddFile("after", "photos/after.jpg", []byte("jpeg after"))
	for user, code := range map[int64]string{steward: "S01", coord: "C01", dept: "D01"} {
		r.fake.PushUpdate(tgfake.TextUpdate(user, user, "/start "+r.invite(code)))
		r.waitSent(user, "绑定成功")
	}
	for group, code := range map[int64]string{centerGroup: "center", deptGroup: "dept-huanwei", resGroup: "res-nlgx"} {
		r.fake.PushUpdate(tgfake.TextUpdate(group, coord, "/bindgroup "+code))
		r.waitSent(group, "本群已登记为")
	}

	r.fake.PushUpdate(tgfake.TextUpdate(resGroup, res, "投诉"))
	ack := r.waitSent(resGroup, "start=cmp_")
	link := ack.Text[strings.Index(ack.Text, "start=")+len("start="):]
	link = strings.Fields(link)[0]
	r.fake.PushUpdate(tgfake.TextUpdate(res, res, "/start "+link))
	r.waitSent(res, "您要投诉什么")
	r.press(res, res, "小巷里的问题")
	r.waitSent(res, "请描述发生了什么")
	r.fake.PushUpdate(tgfake.TextUpdate(res, res, "帽儿胡同口的垃圾三天没人收"))
	r.waitSent(res, "在哪里")
	r.press(res, res, "帽儿胡同")
	r.waitSent(res, "有照片吗")
	r.press(res, res, "跳过")
	r.waitSent(res, "是否匿名")
	r.press(res, res, "留名")
	r.waitSent(res, "已收到您的投诉,编号 T")

	r.waitSent(centerGroup, "新投诉待处理")
	r.press(centerGroup, coord, "转为案件")
	r.waitSent(coord, "请选择问题类别")
	r.press(coord, coord, "环境卫生")
	r.waitSent(res, "已立为案件 "+firstCase)
	// Each chat's messages arrive on their own: wait for the card to press.
	r.waitSent(centerGroup, "新案件待派单")
	r.press(centerGroup, coord, "派单给交道口街道环卫所")
	r.waitSent(res, "已派给交道口街道环卫所")
	r.waitSent(deptGroup, "派单给本部门")
	r.press(deptGroup, dept, "已核实")
	r.waitSent(dept, "整改计划")
	r.press(dept, dept, "立即整改")
	r.waitSent(res, "已现场核实")
	r.waitSent(deptGroup, "已核实:立即整改")
	r.press(deptGroup, dept, "已整改")
	r.waitSent(dept, "整改后的照片")
	r.fake.PushUpdate(tgfake.PhotoUpdate(dept, dept, "after", 10, ""))
	r.waitSent(dept, "已收到 1 张照片")
	r.press(dept, dept, "完成")
	r.waitSent(dept, "有需要说明的吗")
	r.press(dept, dept, "跳过")
	r.waitSent(steward, "请到现场复核")
	r.press(steward, steward, "通过")
	r.waitSent(res, "已办结。请为处理结果打分")
	r.press(res, res, "★★★★★")
	r.waitSent(res, "谢谢您对案件 "+firstCase+" 的评价")
}

// TestCourseLinkRedirect: /l/<token> records the open and forwards to the
// course; an unknown token is a 404.
func TestCourseLinkRedirect(t *testing.T) {
	r := newTgRig(t, "polling")
	ctx := context.Background()
	var ids []int64
	_ = r.st.DB().Select(&ids, `SELECT id FROM people WHERE code = 'S01'`)
	var tokens map[int64]string
	err := r.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		_, tokens, err = tx.CreateTraining(ctx, store.Training{Title: "线上课", Kind: "online", StartsAt: time.Now().Add(time.Hour),
			Minutes: 60, Link: "https://learn.example.org/c/42"}, ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "http://" + r.app.ln.Addr().String()
	resp, err := client.Get(base + "/l/" + tokens[ids[0]])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "https://learn.example.org/c/42" {
		t.Errorf("redirect: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := r.count(`SELECT count(*) FROM training_invites WHERE opened_at IS NOT NULL`); n != 1 {
		t.Errorf("opens recorded: %d", n)
	}
	resp, err = client.Get(base + "/l/guessed0000")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown token: %d", resp.StatusCode)
	}
	// A training in person has no course: its token is a 404, not a
	// redirect to nowhere, and no open is counted.
	err = r.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		_, tokens, err = tx.CreateTraining(ctx, store.Training{Title: "线下讲座", Kind: "lecture", StartsAt: time.Now().Add(time.Hour),
			Minutes: 60, Place: "街道办三楼会议室"}, ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = client.Get(base + "/l/" + tokens[ids[0]])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Location") != "" {
		t.Errorf("an in-person training's link: %d %q, want 404", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := r.count(`SELECT count(*) FROM training_invites WHERE opened_at IS NOT NULL`); n != 1 {
		t.Errorf("opens recorded: %d, want only the online course's", n)
	}
}
