package wecom_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/wecom"
	"github.com/alleybot/alleybot/inbox"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/internal/wecomfake"
	"github.com/alleybot/alleybot/store"
)

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "wecom", func(u string) { dbURL = u }))
}

type rig struct {
	fake  *wecomfake.Server
	st    *store.Store
	a     *wecom.Adapter
	in    *inbox.Inbox
	hook  string // the callback URL
	kfHit chan string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigWith(t, wecomfake.Options{})
}

func newRigWith(t *testing.T, o wecomfake.Options) *rig {
	t.Helper()
	fake := wecomfake.New(t, o)
	st := testdb.Open(t, testdb.Fresh(t, true))
	a, err := wecom.New(wecom.Options{CorpID: fake.Opts.CorpID, AgentID: strconv.Itoa(fake.Opts.AgentID),
		Secret: fake.Opts.CorpSecret, Token: fake.Opts.Token, EncodingAESKey: fake.Opts.EncodingAESKey,
		KfSecret: fake.Opts.KfSecret, APIEndpoint: fake.URL, Cache: wecom.NewCache(st),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { util.SetURIModifier(nil) })
	r := &rig{fake: fake, st: st, a: a, kfHit: make(chan string, 10)}
	r.in = inbox.New(st, nil, nil, inbox.Options{}) // stores only: no workers started
	srv := httptest.NewServer(a.CallbackHandler(r.in, func(token, openKfID string) { r.kfHit <- openKfID + "/" + token }))
	t.Cleanup(srv.Close)
	r.hook = srv.URL + "/wecom/callback"
	return r
}

func (r *rig) stored(t *testing.T) []store.InboxUpdate {
	t.Helper()
	var ups []store.InboxUpdate
	if err := r.st.DB().Select(&ups, `SELECT id, platform, update_key, chat_id, user_id, body, attempts FROM inbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return ups
}

func TestURLVerification(t *testing.T) {
	r := newRig(t)
	status, body, err := r.fake.VerifyURL(context.Background(), r.hook, "echo-1234567890")
	if err != nil || status != http.StatusOK || body != "echo-1234567890" {
		t.Fatalf("verify: %d %q %v", status, body, err)
	}
}

// TestCallbackStoresOnceAndRefusesForgeries: a message is stored before
// the answer and once however often WeCom retries it; forged, stale and
// foreign callbacks are refused with nothing stored.
func TestCallbackStoresOnceAndRefusesForgeries(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	msg := r.fake.TextMsg("wangxiulan", "/report", 7001)
	for range 3 {
		if status, body, err := r.fake.Post(ctx, r.hook, msg); err != nil || status != 200 || body != "success" {
			t.Fatalf("post: %d %q %v", status, body, err)
		}
	}
	ups := r.stored(t)
	if len(ups) != 1 || ups[0].Platform != "wecom" || ups[0].UserID != "wangxiulan" || !strings.Contains(string(ups[0].Body), "/report") {
		t.Fatalf("stored: %+v", ups)
	}
	for _, m := range [][]byte{r.fake.ImageMsg("wangxiulan", "http://x/p.jpg", "MEDIA1", 7002),
		r.fake.LocationMsg("wangxiulan", 39.9366, 116.4034, "南锣鼓巷", 7003),
		r.fake.CardEvent("wangxiulan", "c:dispatch:1", "t1", "")} {
		if status, _, err := r.fake.Post(ctx, r.hook, m); err != nil || status != 200 {
			t.Fatalf("post: %d %v", status, err)
		}
	}
	ups = r.stored(t)
	if len(ups) != 4 || !strings.Contains(string(ups[1].Body), "MEDIA1") || !strings.Contains(string(ups[2].Body), "39.9366") ||
		!strings.Contains(string(ups[3].Body), "c:dispatch:1") {
		t.Fatalf("stored: %d %s", len(ups), ups[len(ups)-1].Body)
	}

	// Opening the app is acknowledged and changes nothing.
	if status, _, _ := r.fake.Post(ctx, r.hook, r.fake.EventMsg("wangxiulan", "enter_agent", "")); status != 200 || len(r.stored(t)) != 4 {
		t.Errorf("enter_agent: %d, %d stored", status, len(r.stored(t)))
	}
	body, encrypt, err := r.fake.Envelope(r.fake.TextMsg("wangxiulan", "伪造", 7009))
	if err != nil {
		t.Fatal(err)
	}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	stale := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	for _, tc := range []struct {
		name       string
		body       []byte
		sig, ts    string
		wantStatus int
	}{
		{"forged signature", body, "0123456789abcdef0123456789abcdef01234567", now, 401},
		{"no signature", body, "", now, 401},
		{"stale timestamp", body, r.fake.Sign(stale, "n", encrypt), stale, 401},
		{"not XML", []byte("hello"), r.fake.Sign(now, "n", ""), now, 400},
		{"does not decrypt", []byte("<xml><Encrypt>AAAA</Encrypt></xml>"), r.fake.Sign(now, "n", "AAAA"), now, 400},
	} {
		status, _, err := r.fake.PostSigned(ctx, r.hook, tc.body, tc.sig, tc.ts, "n")
		if err != nil || status != tc.wantStatus {
			t.Errorf("%s: %d %v, want %d", tc.name, status, err, tc.wantStatus)
		}
	}
	// Encrypted for another corp: the signature is right, the corp is not.
	other := wecomfake.New(t, wecomfake.Options{CorpID: "wwothercorp"})
	obody, oenc, _ := other.Envelope(other.TextMsg("wangxiulan", "别家", 7010))
	if status, _, _ := r.fake.PostSigned(ctx, r.hook, obody, r.fake.Sign(now, "n", oenc), now, "n"); status != 400 {
		t.Errorf("another corp's message: %d, want 400", status)
	}
	if n := len(r.stored(t)); n != 4 {
		t.Errorf("refused callbacks stored something: %d updates", n)
	}
	// A customer-service event starts a sync, and stores nothing itself.
	if status, _, _ := r.fake.Post(ctx, r.hook, r.fake.KfEvent("wkKF1", "sync-token")); status != 200 {
		t.Errorf("kf event: %d", status)
	}
	select {
	case got := <-r.kfHit:
		if got != "wkKF1/sync-token" {
			t.Errorf("kf event: %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Error("the kf event did not reach the syncer")
	}
}

func TestSend(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.fake.AddUser("wangxiulan", "yangxiaoyan")
	r.fake.AddRobot("robotkey0001")
	msg := func(chat, text string) bot.Message { return bot.Message{Platform: bot.WeCom, ChatID: chat, Text: text} }

	if err := r.a.Send(ctx, msg("wangxiulan", "你好")); err != nil {
		t.Fatal(err)
	}
	card := msg("yangxiaoyan", "新案件 2026-000001\n帽儿胡同 建筑垃圾")
	card.Buttons = [][]bot.Button{{{Label: "派单给环卫所", Data: "c:dispatch:1"}, {Label: "改派", Data: "c:redirect:1"}}, {{Label: "退回", Data: "c:return:1"}}}
	if err := r.a.Send(ctx, card); err != nil {
		t.Fatal(err)
	}
	many := msg("wangxiulan", "请选择小巷")
	for i := range 8 {
		many.Buttons = append(many.Buttons, []bot.Button{{Label: "小巷" + strconv.Itoa(i+1), Data: "alley|" + strconv.Itoa(i)}})
	}
	if err := r.a.Send(ctx, many); err != nil {
		t.Fatal(err)
	}
	photo := msg("wangxiulan", "现场照片")
	photo.Photo = &bot.Photo{Platform: bot.Telegram, FileRef: "tg-file", Bytes: pngBytes()}
	if err := r.a.Send(ctx, photo); err != nil {
		t.Fatal(err)
	}
	app := r.fake.App()
	if len(app) != 5 {
		t.Fatalf("%d app messages: %+v", len(app), app)
	}
	if app[0].MsgType != "text" || app[0].Content != "你好" {
		t.Errorf("text: %+v", app[0])
	}
	if c := app[1].Card; app[1].MsgType != "template_card" || c == nil || c.Title != "新案件 2026-000001" ||
		len(c.Buttons) != 3 || c.Buttons[0].Key != "c:dispatch:1" || c.Buttons[2].Text != "退回" || c.SubTitle != "帽儿胡同 建筑垃圾" {
		t.Errorf("card: %+v %+v", app[1], app[1].Card)
	}
	if app[2].MsgType != "text" || !strings.Contains(app[2].Content, "8. 小巷8") {
		t.Errorf("more buttons than a card holds: %+v", app[2])
	}
	if app[3].MsgType != "image" || app[3].MediaID == "" || app[4].Content != "现场照片" {
		t.Errorf("photo: %+v %+v", app[3], app[4])
	}
	// The same picture to someone else is not uploaded again.
	photo.ChatID = "yangxiaoyan"
	if err := r.a.Send(ctx, photo); err != nil {
		t.Fatal(err)
	}
	if n := r.fake.Calls("/cgi-bin/media/upload"); n != 1 {
		t.Errorf("%d uploads of one picture", n)
	}

	// Groups through their robot, with @mentions.
	group := msg(wecom.Robot+"robotkey0001", "【提醒】案件 2026-000001 还有 1 小时到期")
	group.Mentions = []string{"zhenghaitao"}
	if err := r.a.Send(ctx, group); err != nil {
		t.Fatal(err)
	}
	if rb := r.fake.Robot(); len(rb) != 1 || rb[0].Content != group.Text || len(rb[0].Mentioned) != 1 || rb[0].Mentioned[0] != "zhenghaitao" {
		t.Errorf("robot: %+v", rb)
	}

	// Errcodes: a rate limit waits, an unknown member or robot is permanent.
	var ra *bot.RetryAfterError
	var perm *bot.PermanentError
	r.fake.FailNext("/cgi-bin/message/send", 1, 45009, "")
	if err := r.a.Send(ctx, msg("wangxiulan", "限流")); !errors.As(err, &ra) || !ra.Chat {
		t.Errorf("45009: %v, want RetryAfterError for that chat alone", err)
	}
	if err := r.a.Send(ctx, msg("nobody", "不存在")); !errors.As(err, &perm) || perm.Code != 81013 {
		t.Errorf("unknown member: %v, want PermanentError 81013", err)
	}
	if err := r.a.Send(ctx, msg(wecom.Robot+"wrongkey0001", "x")); !errors.As(err, &perm) || perm.Code != 93000 {
		t.Errorf("unknown robot: %v, want PermanentError 93000", err)
	}

	// An expired token is replaced once for everyone, and the send goes.
	before := r.fake.TokensIssued()
	r.fake.ExpireTokens()
	if err := r.a.Send(ctx, msg("wangxiulan", "换了令牌")); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
	if n := r.fake.TokensIssued() - before; n != 1 {
		t.Errorf("%d new tokens, want 1", n)
	}
}

func TestRobotPacedLimit(t *testing.T) {
	r := newRig(t)
	r.fake.AddRobot("robotkey0002")
	var ra *bot.RetryAfterError
	for i := range 21 {
		err := r.a.Send(context.Background(), bot.Message{Platform: bot.WeCom, ChatID: wecom.Robot + "robotkey0002", Text: "第" + strconv.Itoa(i+1) + "条"})
		if i < 20 && err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
		if i == 20 && !errors.As(err, &ra) {
			t.Fatalf("the 21st in a minute: %v, want RetryAfterError (45009)", err)
		}
	}
}

func TestUpdateCardOnce(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.fake.AddUser("wangxiulan")
	r.fake.CardEvent("wangxiulan", "c:pass:1", "t9", "resp-1")
	if err := r.a.UpdateCard(ctx, "wangxiulan", "resp-1", "已处理"); err != nil {
		t.Fatal(err)
	}
	if err := r.a.UpdateCard(ctx, "wangxiulan", "resp-1", "已处理"); err == nil {
		t.Error("a response_code used twice was accepted")
	}
	if u := r.fake.CardUpdates(); len(u) != 1 || u[0].ReplaceName != "已处理" {
		t.Errorf("updates: %+v", u)
	}
}

func TestFetchFile(t *testing.T) {
	r := newRig(t)
	img := pngBytes()
	r.fake.AddMedia("MEDIA9", img)
	data, mime, err := r.a.FetchFile(context.Background(), "MEDIA9")
	if err != nil || string(data) != string(img) || mime != "image/png" {
		t.Fatalf("fetch: %d bytes %q %v", len(data), mime, err)
	}
	var perm *bot.PermanentError
	if _, _, err := r.a.FetchFile(context.Background(), "NOPE"); !errors.As(err, &perm) {
		t.Errorf("unknown media: %v, want permanent", err)
	}
}

// TestKfConversation: a resident's messages are read from the cursor; the
// replies go within the window, the fifth says it closes, a sixth is
// refused for good.
func TestKfConversation(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.fake.KfCustomerSays("wkKF1", "wmResident1", "text", map[string]any{"content": "帮助"})
	r.fake.KfCustomerSays("wkKF1", "wmResident1", "text", map[string]any{"content": "2026-000001"})
	ups, cursor, more, err := r.a.SyncKf(ctx, "wkKF1", "", "tok")
	if err != nil || len(ups) != 2 || more || cursor == "" {
		t.Fatalf("sync: %+v %q %v %v", ups, cursor, more, err)
	}
	if ups[0].Platform != bot.WeChat || ups[0].ChatID != "wkKF1|wmResident1" || ups[0].Text != "帮助" || ups[1].Text != "2026-000001" {
		t.Errorf("updates: %+v", ups)
	}
	again, _, _, err := r.a.SyncKf(ctx, "wkKF1", cursor, "")
	if err != nil || len(again) != 0 {
		t.Errorf("from the cursor: %+v %v", again, err)
	}
	r.a.KfHeard(ups[1].ChatID, time.Now())
	for i := range 5 {
		if err := r.a.Send(ctx, bot.Message{Platform: bot.WeChat, ChatID: "wkKF1|wmResident1", Text: "回复" + strconv.Itoa(i+1)}); err != nil {
			t.Fatalf("reply %d: %v", i+1, err)
		}
	}
	kf := r.fake.Kf()
	if len(kf) != 5 || kf[0].Content != "回复1" || !strings.Contains(kf[4].Content, "回复次数已用完") {
		t.Errorf("replies: %+v", kf)
	}
	var perm *bot.PermanentError
	if err := r.a.Send(ctx, bot.Message{Platform: bot.WeChat, ChatID: "wkKF1|wmResident1", Text: "第六条"}); !errors.As(err, &perm) {
		t.Errorf("a sixth reply: %v, want permanent", err)
	}
}

func pngBytes() []byte {
	return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
}

// TestSecretsNotInErrors: an HTTP error from WeCom (a 502 from its gateway)
// carries the request's URI in the library's error; what the adapter
// returns (and the outbox logs and records) has no access token, secret or
// robot key in it.
func TestSecretsNotInErrors(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.fake.AddUser("wangxiulan")
	r.fake.AddRobot("robotkey0003")
	if err := r.a.Send(ctx, bot.Message{Platform: bot.WeCom, ChatID: "wangxiulan", Text: "先取令牌"}); err != nil {
		t.Fatal(err)
	}
	leaks := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		secrets := append(r.fake.AccessTokens(), r.fake.Opts.CorpSecret, r.fake.Opts.KfSecret, "robotkey0003")
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%s: the error carries a secret: %v", what, err)
			}
		}
		if !strings.Contains(err.Error(), "502") || !strings.Contains(err.Error(), "<redacted>") {
			t.Errorf("%s: %v, want the status and the URI with its secret redacted", what, err)
		}
	}
	r.fake.FailHTTP("/cgi-bin/message/send", 1, http.StatusBadGateway)
	leaks("message/send", r.a.Send(ctx, bot.Message{Platform: bot.WeCom, ChatID: "wangxiulan", Text: "网关出错"}))
	r.fake.FailHTTP("/cgi-bin/webhook/send", 1, http.StatusBadGateway)
	leaks("webhook/send", r.a.Send(ctx, bot.Message{Platform: bot.WeCom, ChatID: wecom.Robot + "robotkey0003", Text: "网关出错"}))
	r.fake.FailHTTP("/cgi-bin/media/get", 1, http.StatusServiceUnavailable)
	r.fake.AddMedia("MEDIA7", pngBytes())
	_, _, err := r.a.FetchFile(ctx, "MEDIA7")
	if err == nil || strings.Contains(err.Error(), r.fake.AccessTokens()[0]) {
		t.Errorf("media/get: %v", err)
	}
	// A 5xx from sync_msg is not a refused token: the token is kept.
	r.fake.KfCustomerSays("wkKF1", "wmResident1", "text", map[string]any{"content": "你好"})
	if _, _, _, err := r.a.SyncKf(ctx, "wkKF1", "", ""); err != nil {
		t.Fatal(err)
	}
	issued := r.fake.TokensIssued()
	r.fake.FailHTTP("/cgi-bin/kf/sync_msg", 1, http.StatusBadGateway)
	_, _, _, err = r.a.SyncKf(ctx, "wkKF1", "", "")
	leaks("kf/sync_msg", err)
	if n := r.fake.TokensIssued(); n != issued {
		t.Errorf("a 502 from sync_msg fetched %d new tokens", n-issued)
	}
	// The secret itself, when fetching a token fails.
	r.fake.ExpireTokens()
	r.fake.FailHTTP("/cgi-bin/gettoken", 1, http.StatusBadGateway)
	leaks("gettoken", r.a.Send(ctx, bot.Message{Platform: bot.WeCom, ChatID: "wangxiulan", Text: "取令牌出错"}))
}

// TestRequestShapes: what WeCom checks of a request's shape: agentid an
// integer, a robot text without mentions has no mentioned_list (not null).
func TestRequestShapes(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.fake.AddUser("wangxiulan")
	r.fake.AddRobot("robotkey0004")
	card := bot.Message{Platform: bot.WeCom, ChatID: "wangxiulan", Text: "新案件", Buttons: [][]bot.Button{{{Label: "派单", Data: "c:dispatch:1"}}}}
	for _, m := range []bot.Message{{Platform: bot.WeCom, ChatID: "wangxiulan", Text: "你好"}, card,
		{Platform: bot.WeCom, ChatID: wecom.Robot + "robotkey0004", Text: "群通知,无人被@"}} {
		if err := r.a.Send(ctx, m); err != nil {
			t.Errorf("%s: %v", m.Text, err)
		}
	}
	if refused := r.fake.Refused(); len(refused) > 0 {
		t.Errorf("WeCom refused: %+v", refused)
	}
	if rb := r.fake.Robot(); len(rb) != 1 || rb[0].Mentioned != nil {
		t.Errorf("robot: %+v", rb)
	}
	if _, err := wecom.New(wecom.Options{CorpID: "c", AgentID: "app", Secret: "s", Token: "t",
		EncodingAESKey: r.fake.Opts.EncodingAESKey, Cache: wecom.NewCache(r.st)}); err == nil || !strings.Contains(err.Error(), "agent_id") {
		t.Errorf("agent_id not a number: %v", err)
	}
}

// TestCardLongLabels: a button label longer than WeCom advises (10
// characters) is shortened on the card, numbered, and the text lists it
// whole; the buttons still answer with their data.
func TestCardLongLabels(t *testing.T) {
	r := newRig(t)
	r.fake.AddUser("yangxiaoyan")
	m := bot.Message{Platform: bot.WeCom, ChatID: "yangxiaoyan", Text: "新案件 2026-000001", Buttons: [][]bot.Button{
		{{Label: "派单给东城区房管中心交道口管理所", Data: "c:dispatch:1:7"}, {Label: "派单给东城区房管中心北新桥管理所", Data: "c:dispatch:1:8"}},
		{{Label: "退回", Data: "c:return:1"}}}}
	if err := r.a.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var card *wecomfake.Card
	var text string
	for _, a := range r.fake.App() {
		if a.Card != nil {
			card = a.Card
		}
		text += a.Content
	}
	if card == nil || len(card.Buttons) != 3 {
		t.Fatalf("card: %+v", r.fake.App())
	}
	text += card.Title + "\n" + card.SubTitle
	for i, b := range card.Buttons {
		if n := len([]rune(b.Text)); n > 10 {
			t.Errorf("button %d: %q is %d characters, WeCom advises at most 10", i, b.Text, n)
		}
		if b.Key != m.Buttons[i/2][i%2].Data {
			t.Errorf("button %d key %q", i, b.Key)
		}
	}
	if card.Buttons[0].Text == card.Buttons[1].Text || !strings.HasPrefix(card.Buttons[0].Text, "①") {
		t.Errorf("the two departments' buttons: %q %q", card.Buttons[0].Text, card.Buttons[1].Text)
	}
	if !strings.Contains(text, "① 派单给东城区房管中心交道口管理所") || !strings.Contains(text, "② 派单给东城区房管中心北新桥管理所") {
		t.Errorf("the full labels are not in the message: %q", text)
	}
}

// TestKfMenuLimits: a customer-service menu holds at most 10 items; more
// choices go as a numbered list (answered by number), and a menu WeCom
// refuses for its size (45098) is sent again as that list, not lost.
func TestKfMenuLimits(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.fake.KfCustomerSays("wkKF1", "wmResident2", "text", map[string]any{"content": "投诉"})
	chat := "wkKF1|wmResident2"
	r.a.KfHeard(chat, time.Now())
	menu := func(n int) bot.Message {
		m := bot.Message{Platform: bot.WeChat, ChatID: chat, Text: "在哪里?请选择小巷"}
		for i := range n {
			m.Buttons = append(m.Buttons, []bot.Button{{Label: "小巷" + strconv.Itoa(i+1), Data: "where|" + strconv.Itoa(i+1)}})
		}
		return m
	}
	if err := r.a.Send(ctx, menu(10)); err != nil {
		t.Fatalf("10 items: %v", err)
	}
	if err := r.a.Send(ctx, menu(12)); err != nil {
		t.Fatalf("12 items: %v", err)
	}
	r.fake.FailNext("/cgi-bin/kf/send_msg", 1, wecomfake.CodeMenuTooLong, "")
	if err := r.a.Send(ctx, menu(3)); err != nil {
		t.Fatalf("a menu refused with 45098: %v", err)
	}
	kf := r.fake.Kf()
	if len(kf) != 3 {
		t.Fatalf("%d messages: %+v", len(kf), kf)
	}
	if kf[0].MsgType != "msgmenu" || len(kf[0].Menu) != 10 || kf[0].Menu[9].ID != "where|10" {
		t.Errorf("10 items: %+v", kf[0])
	}
	if kf[1].MsgType != "text" || !strings.Contains(kf[1].Content, "在哪里") || !strings.Contains(kf[1].Content, "12. 小巷12") {
		t.Errorf("12 items: %+v", kf[1])
	}
	if kf[2].MsgType != "text" || !strings.Contains(kf[2].Content, "3. 小巷3") {
		t.Errorf("after 45098: %+v", kf[2])
	}
	for _, f := range r.fake.Refused() {
		if f.ErrCode != wecomfake.CodeMenuTooLong {
			t.Errorf("refused: %+v", f)
		}
	}
}

// TestExpiredMediaID: a WeCom photo whose bytes are not stored goes by its
// MediaId; once WeCom has forgotten it (3 days), the message still goes,
// without the picture.
func TestExpiredMediaID(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := newRigWith(t, wecomfake.Options{Now: clock})
	r.fake.AddUser("yangxiaoyan")
	r.fake.AddMedia("MEDIA_OLD", pngBytes())
	mu.Lock()
	now = now.Add(73 * time.Hour)
	mu.Unlock()
	m := bot.Message{Platform: bot.WeCom, ChatID: "yangxiaoyan", Text: "现场照片(转发)", Photo: &bot.Photo{Platform: bot.WeCom, FileRef: "MEDIA_OLD"}}
	if err := r.a.Send(context.Background(), m); err != nil {
		t.Fatalf("send: %v", err)
	}
	if app := r.fake.App(); len(app) != 1 || app[0].Content != "现场照片(转发)" {
		t.Errorf("sent: %+v", app)
	}
}
