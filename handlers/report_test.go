package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

var updateSeq atomic.Int64

var cst = time.FixedZone("CST", 8*3600)

// chatter plays one person in one chat, keeping the buttons it was shown.
type chatter struct {
	t        *testing.T
	w        *world
	r        *Router
	platform bot.Platform
	chat     string
	kind     bot.ChatKind
	user     string
	name     string // the platform's display name (residents)
	buttons  []bot.Button
	last     []bot.Message
}

func (c *chatter) send(u bot.Update) []bot.Message {
	c.t.Helper()
	u.Platform, u.ChatID, u.ChatKind, u.UserID = c.platform, c.chat, c.kind, c.user
	if c.name != "" {
		u.UserName = c.name
	}
	u.Key = fmt.Sprintf("k%d", updateSeq.Add(1))
	msgs, err := c.r.Handle(context.Background(), u)
	if err != nil {
		c.t.Fatalf("handle %+v: %v", u, err)
	}
	c.last = msgs
	if c.w != nil {
		c.w.sent = append(c.w.sent, msgs...)
		c.w.lastMsgs = msgs
	}
	for _, m := range msgs {
		if m.ChatID == c.chat && len(m.Buttons) > 0 {
			c.buttons = nil
			for _, row := range m.Buttons {
				c.buttons = append(c.buttons, row...)
			}
		}
	}
	return msgs
}

func (c *chatter) text(s string) []bot.Message { return c.send(bot.Update{Text: s}) }

func (c *chatter) press(label string) []bot.Message {
	c.t.Helper()
	for _, b := range c.buttons { // this person's own menu first
		if b.Label == label {
			return c.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: b.Data}})
		}
	}
	if c.w != nil { // the newest message to this chat with that button, whoever caused it
		for i := len(c.w.sent) - 1; i >= 0; i-- {
			m := c.w.sent[i]
			if m.ChatID != c.chat {
				continue
			}
			for _, row := range m.Buttons {
				for _, b := range row {
					if b.Label == label {
						return c.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: b.Data}})
					}
				}
			}
		}
	}
	for _, b := range c.buttons {
		if b.Label == label {
			return c.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: b.Data}})
		}
	}
	c.t.Fatalf("no button %q among %v", label, c.buttons)
	return nil
}

func (c *chatter) photo(ref string, size int) []bot.Message {
	return c.send(bot.Update{Photo: &bot.Photo{Platform: c.platform, FileRef: ref, Size: size}})
}

func (c *chatter) loc(lat, lon float64) []bot.Message {
	return c.send(bot.Update{Location: &bot.Location{Lat: lat, Lon: lon}})
}

// said is everything the bot said to this chat in the last exchange.
func (c *chatter) said() string {
	var b strings.Builder
	last := c.last
	if c.w != nil {
		// Also whatever the latest update (anyone's) said here: a flow begun
		// in a group goes on in the private chat.
		last = append(slices.Clone(last), c.w.lastMsgs...)
	}
	for _, m := range last {
		if m.ChatID == c.chat {
			b.WriteString(m.Text + "\n")
		}
	}
	return b.String()
}

func (c *chatter) expect(want ...string) {
	c.t.Helper()
	got := c.said()
	for _, w := range want {
		if !strings.Contains(got, w) {
			c.t.Errorf("bot said %q; want it to contain %q", got, w)
		}
	}
}

type world struct {
	url      string
	sent     []bot.Message // everything the bot said, in order
	lastMsgs []bot.Message // what the last update made it say
	st       *store.Store
	r        *Router
	now      time.Time
	flows    *conversations.Engine
}

func newWorld(t *testing.T) *world { return newWorldAt(t, time.Time{}) }

// newWorldAt is a world whose clock stands at now (zero: the real clock),
// so deadlines in working time can be checked exactly.
func newWorldAt(t *testing.T, now time.Time) *world {
	t.Helper()
	url := testdb.Fresh(t, true)
	st := testdb.OpenPool(t, url, 1)
	ctx := context.Background()
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	w := &world{st: st, now: now, url: url}
	clock, resume := time.Now, 30*time.Minute
	if !now.IsZero() {
		clock, resume = func() time.Time { return w.now }, 0
	}
	w.flows = conversations.New(conversations.Deps{DefaultLang: i18n.ZH, ResumeAfter: resume,
		Location: cst, Now: clock}, flows.All(flows.Settings{})...)
	w.r = New(st, w.flows, slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH)
	// Bind the exchange group and the sanitation department's group on Telegram.
	for code, ext := range map[string]string{"exchange": "-1001", "dept-huanwei": "-1002", "center": "-1003",
		"res-nlgx": "-1004", "dept-fangguan": "-1005"} {
		c, err := st.ChatByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.BindChat(ctx, c.ID, string(bot.Telegram), ext); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// person binds a Telegram account to a roster person and returns a chatter
// in their private chat.
func (w *world) person(t *testing.T, code, tgID string) *chatter {
	t.Helper()
	p, err := w.st.FindPerson(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.BindIdentity(context.Background(), string(bot.Telegram), tgID, p.ID); err != nil {
		t.Fatal(err)
	}
	return &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: tgID, kind: bot.Private, user: tgID}
}

// in is the same person speaking in a group chat.
func (c *chatter) in(group string) *chatter {
	g := *c
	g.chat, g.kind, g.buttons = group, bot.Group, nil
	return &g
}

func count(t *testing.T, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReportFlowEndToEnd(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7001")

	s.text("/report")
	s.expect("请选择问题类别")
	s.press("环境卫生")
	s.expect("请发送现场照片")
	s.photo("file-a", 2048)
	s.expect("已收到 1 张照片")
	s.photo("file-b", 4096)
	s.expect("已收到 2 张照片")
	s.press("完成")
	s.expect("请分享问题所在的位置")
	s.loc(39.93782, 116.39829) // the centre of 帽儿胡同
	s.expect("定位到:帽儿胡同", "请用文字描述问题")
	s.text("门口堆了建筑垃圾,三天没人清")
	s.expect("影响范围")
	s.press("整条小巷")
	s.expect("请核对", "类别:环境卫生", "位置:帽儿胡同", "照片:2 张", "影响:整条小巷")
	msgs := s.press("提交")
	s.expect("已提交,案件编号 " + firstCase)

	// The groups hear of it: exchange with the first photo, the center, the department.
	groups := map[string]bot.Message{}
	for _, m := range msgs {
		if m.ChatID != s.chat {
			groups[m.ChatID] = m
		}
	}
	if m, ok := groups["-1001"]; !ok || !strings.Contains(m.Text, "新上报") || m.Photo == nil || m.Photo.FileRef != "file-a" {
		t.Errorf("exchange group message: %+v", m)
	}
	if m, ok := groups["-1003"]; !ok || !strings.Contains(m.Text, "新案件待派单") {
		t.Errorf("acceptance center message: %+v", m)
	}
	if m, ok := groups["-1002"]; !ok || !strings.Contains(m.Text, "责任部门为本部门") {
		t.Errorf("department message: %+v", m)
	}

	cv, err := w.st.CaseByNumber(context.Background(), firstCase)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Status != model.StatusSubmitted || cv.AlleyName != "帽儿胡同" || cv.Impact != "alley" || cv.PhotoCount != 2 ||
		cv.DepartmentName != "交道口街道环卫所" || !cv.Lat.Valid || cv.Source != string(bot.Telegram) {
		t.Errorf("case row: %+v", cv)
	}
	if n := count(t, w.st, `SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'submitted'`, cv.ID); n != 1 {
		t.Errorf("submitted events: %d", n)
	}
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("the draft should be gone after submit; %d states left", n)
	}

	s.text("/case " + firstCase)
	s.expect("【"+firstCase+"】环境卫生", "处理经过", "王秀兰  提交上报")
	s.text("/mycases")
	s.expect(firstCase + " 环境卫生 帽儿胡同")
}

func TestNumberedMenuAndLabels(t *testing.T) {
	// WeCom has no inline buttons: a menu is answered by its number or label.
	w := newWorld(t)
	s := w.person(t, "S02", "7002")
	s.text("上报") // the Chinese alias without a slash
	s.expect("请选择问题类别")
	s.text("2")
	s.expect("请发送现场照片")
	s.photo("f1", 100)
	s.text("完成")
	s.expect("请分享问题所在的位置")
	s.text("雨儿胡同")
	s.expect("请用文字描述问题")
	s.text("路灯不亮了,晚上很黑")
	s.text("4")
	s.expect("影响:危及安全", "类别:设施维护", "位置:雨儿胡同")
}

func TestCancelBackAndWrongInput(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S03", "7003")
	s.text("/cancel")
	s.expect("目前没有进行中的操作")
	s.text("/report")
	s.text("随便说点什么")
	s.expect("请按下面的按钮选择", "请选择问题类别")
	s.press("安全隐患")
	s.loc(39.9, 116.4)
	s.expect("请发送照片", "请发送现场照片(1–9 张)")
	s.send(bot.Update{Callback: &bot.Callback{Data: "photos|done"}}) // 完成 before any photo
	s.expect("请至少发送一张照片")
	s.photo("f", 10)
	s.text("/back")
	s.expect("请选择问题类别")
	s.press("秩序管理")
	s.expect("已收到 1 张照片") // the photo was kept
	s.press("完成")
	s.loc(1.0, 1.0)
	s.expect("不在任何小巷的范围内")
	s.press("福祥胡同")
	s.text("短")
	s.expect("描述太短了")
	s.text("\u200b\u200b\u200b\u200b\u200b") // zero-width spaces say nothing
	s.expect("描述太短了")
	s.text("/fly")
	s.expect("没有 /fly 这个命令", "请用文字描述问题")
	s.text("/whoami") // a query mid-flow leaves the draft alone
	s.expect("张桂芳")
	s.text("/report")
	s.expect("还有一份未完成的问题上报")
	s.text("返回") // the word works like /back inside a flow
	s.expect("请分享问题所在的位置")
	s.text("取消") // and like /cancel
	s.expect("已取消问题上报")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("states after cancel: %d", n)
	}
	if n := count(t, w.st, `SELECT count(*) FROM cases`); n != 0 {
		t.Errorf("cases after cancel: %d", n)
	}
}

func TestStaleButton(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7011")
	s.text("/report")
	old := s.buttons
	s.press("环境卫生")
	s.buttons = old // press a category button again, from the first message
	s.press("设施维护")
	s.expect("这个按钮已经过期了", "请发送现场照片")
}

func TestTwoStewardsInOneGroup(t *testing.T) {
	w := newWorld(t)
	a := w.person(t, "S01", "7021")
	b := w.person(t, "S02", "7022")
	a.chat, a.kind = "-5000", bot.Group
	b.chat, b.kind = "-5000", bot.Group
	a.text("/report")
	b.text("/report")
	a.press("环境卫生")
	b.press("安全隐患")
	a.photo("pa", 10)
	b.photo("pb", 10)
	a.press("完成")
	a.expect("请分享问题所在的位置")
	b.expect("已收到 1 张照片")
	// B presses A's 完成 (a group shows everyone's buttons): it is not B's.
	b.send(bot.Update{Callback: &bot.Callback{Data: a.buttons[0].Data}})
	b.expect("这个按钮是给别人的")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states WHERE chat_id = '-5000'`); n != 2 {
		t.Errorf("want two drafts in the group, got %d", n)
	}
}

func TestPhotoAloneStartsReportAndTooLarge(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S04", "7031")
	s.photo("big", 11<<20)
	s.expect("照片太大了", "请选择问题类别")
	s.press("环境卫生")
	s.expect("请发送现场照片") // the big one was not kept
	s.send(bot.Update{Photo: &bot.Photo{Platform: bot.Telegram, FileRef: "huge", TooLarge: true}})
	s.expect("照片太大了")
	if n := count(t, w.st, `SELECT count(*) FROM photos`); n != 0 {
		t.Errorf("too-large photos were stored: %d", n)
	}
	s.text("/cancel")
	s.photo("ok", 1000)
	s.expect("请选择问题类别")
	s.press("环境卫生")
	s.expect("已收到 1 张照片")
}

func TestFixedOnTheSpot(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S05", "7041")
	s.text("/report")
	s.press("环境卫生")
	s.photo("x", 10)
	s.press("完成")
	s.press("菊儿胡同")
	s.text("垃圾桶倒了,已扶起并清扫")
	s.press("个别住户")
	s.press("已当场解决")
	s.expect("已记录为当场解决")
	cv, err := w.st.CaseByNumber(context.Background(), firstCase)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Status != model.StatusClosed || !cv.FixedOnSpot || !cv.ClosedAt.Valid || cv.PhotoCount != 1 {
		t.Errorf("fixed-on-the-spot case: %+v", cv)
	}
	// It does not vanish from the steward's history: it counts for them.
	s.text("/mycases")
	s.expect("没有未办结的案件", "已办结 1 件,其中当场解决 1 件", firstCase)
}

func TestEditFromSummary(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7051")
	s.text("/report")
	s.press("环境卫生")
	s.photo("p1", 10)
	s.press("完成")
	s.press("帽儿胡同")
	s.text("井盖松动,踩上去会响")
	s.press("个别住户")
	s.press("修改")
	s.press("类别")
	s.press("设施维护")
	s.expect("请核对", "类别:设施维护", "描述:井盖松动") // back to the summary, not on to photos
	s.press("修改")
	s.press("照片(重新发送)")
	s.photo("p2", 10)
	s.photo("p3", 10)
	s.press("完成")
	s.expect("照片:2 张")
	s.press("提交")
	cv, _ := w.st.CaseByNumber(context.Background(), firstCase)
	if cv.PhotoCount != 2 || cv.Categories[0] != "设施维护" {
		t.Errorf("edited case: %+v", cv)
	}
}

func TestResumeOldDraft(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7061")
	s.text("/report")
	s.press("环境卫生")
	// The draft is left for an hour.
	if _, err := w.st.DB().Exec(`UPDATE conversation_states SET updated_at = now() - interval '1 hour', started_at = now() - interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	s.photo("late", 10)
	s.expect("继续", "的问题上报吗")
	s.press("继续")
	s.expect("已收到 1 张照片") // the photo that found the old draft is kept, not lost
	s.photo("p", 10)
	s.expect("已收到 2 张照片")

	if _, err := w.st.DB().Exec(`UPDATE conversation_states SET updated_at = now() - interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	s.text("hello")
	s.text("2") // 放弃, by number
	s.expect("已放弃之前的问题上报草稿")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("draft not discarded")
	}
}

func TestDraftSurvivesRestart(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7071")
	s.text("/report")
	s.press("环境卫生")
	// A new process: new engine and router over the same database.
	flows := conversations.New(conversations.Deps{DefaultLang: i18n.ZH}, flows.All(flows.Settings{})...)
	s.r = New(w.st, flows, slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH)
	s.photo("p", 10)
	s.expect("已收到 1 张照片")
}

func TestReportNeedsSteward(t *testing.T) {
	w := newWorld(t)
	c := w.person(t, "C01", "7081")
	c.text("/report")
	c.expect("/report 只有小巷管家、管理员可以使用")
	c.photo("p", 10) // a photo from a coordinator does not start a report either
	c.expect("目前没有进行中的操作")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("a coordinator's photo started a draft")
	}
}

// firstCase is the number of the first case of the year on the real clock.
var firstCase = fmt.Sprintf("%d-000001", time.Now().In(cst).Year())

// TestTypedProblemOffersReport: words (or a point) outside a flow are
// offered as a report; 上报 carries them into it, 不用 leaves nothing behind.
func TestTypedProblemOffersReport(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7901")
	s.text("帽儿胡同23号门口有一堆建筑垃圾")
	s.expect("要上报这个问题吗", "帽儿胡同23号门口有一堆建筑垃圾")
	s.press("上报")
	s.expect("请选择问题类别")
	s.press("环境卫生")
	s.photo("p", 100)
	s.press("完成")
	s.expect("请分享问题所在的位置")
	s.press("帽儿胡同")
	s.expect("影响范围") // the description came with the offer
	s.press("整条小巷")
	s.expect("帽儿胡同23号门口有一堆建筑垃圾")
	s.press("提交")
	s.expect("已提交,案件编号")

	s.loc(39.93790, 116.39840)
	s.expect("要上报这个位置的问题吗")
	s.press("上报")
	s.press("秩序管理")
	s.photo("q", 100)
	s.press("完成")
	s.expect("请用文字描述问题") // the location came with the offer
	s.text("/cancel")

	s.text("今天天气真不错啊")
	s.press("不用")
	s.expect("需要时发送 /report")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("%d drafts left after 不用", n)
	}
}

// TestOfferIsNoTrap: a case number (or 查看案件 N) shows the case rather
// than offering it as a problem; while 要上报这个问题吗? waits, a photo
// starts the report with it, more words join the text, a command does
// what it says.
func TestOfferIsNoTrap(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7905")
	s.text("/report")
	s.press("环境卫生")
	s.photo("p", 100)
	s.press("完成")
	s.press("帽儿胡同")
	s.text("门口堆了建筑垃圾,三天没人清")
	s.press("整条小巷")
	s.press("提交")
	s.expect("已提交,案件编号 " + firstCase)

	for _, asked := range []string{firstCase, "查看案件 " + firstCase, "查看案件" + firstCase, "案件 " + firstCase} {
		s.text(asked)
		s.expect("【"+firstCase+"】环境卫生", "处理经过")
		if strings.Contains(s.said(), "要上报这个问题吗") {
			t.Errorf("%q was offered as a problem to report", asked)
		}
	}
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("%d drafts after asking for a case", n)
	}

	// The offer waits; the case is asked for: it is shown, and the offer goes.
	s.text("胡同口的路灯坏了")
	s.expect("要上报这个问题吗")
	s.text("查看案件 " + firstCase)
	s.expect("【" + firstCase + "】环境卫生")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("the offer is still waiting after a case was asked for")
	}

	// More words join the offer; a photo is a yes, and joins the report.
	s.text("胡同口的路灯坏了")
	s.text("晚上一片漆黑")
	s.expect("要上报这个问题吗", "胡同口的路灯坏了 晚上一片漆黑")
	s.photo("lamp", 100)
	s.expect("已收到 1 张照片", "请选择问题类别")
	if strings.Contains(s.said(), "请按下面的按钮选择") {
		t.Errorf("the photo was refused: %q", s.said())
	}
	s.press("设施维护")
	s.expect("已收到 1 张照片")
	s.press("完成")
	s.press("帽儿胡同")
	s.expect("影响范围")
	s.text("/back") // back within the report, never into the offer
	s.expect("请分享问题所在的位置")
	s.press("帽儿胡同")
	s.press("整条小巷")
	s.expect("描述:胡同口的路灯坏了 晚上一片漆黑", "照片:1 张")
	s.press("提交")
	s.expect("已提交,案件编号")

	// A command while the offer waits does what it says; /report is its 上报.
	s.text("墙上有人乱贴小广告")
	s.text("/whoami")
	s.expect("王秀兰")
	s.text("墙上有人乱贴小广告")
	s.text("/report")
	s.expect("请选择问题类别")
	s.press("秩序管理")
	s.photo("ad", 100)
	s.press("完成")
	s.press("帽儿胡同")
	s.expect("影响范围") // the offered words are the description
}

// TestTypedAddress: the location step takes a typed address, matches the
// alley's name in it, and keeps the address with the description; 其他小巷
// lists every alley.
func TestTypedAddress(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7902")
	s.text("/report")
	s.press("环境卫生")
	s.photo("p", 100)
	s.press("完成")
	s.text("火星路1号")
	s.expect("没有找到「火星路1号」所在的小巷")
	s.press("其他小巷")
	var labels []string
	for _, b := range s.buttons {
		labels = append(labels, b.Label)
	}
	if !slices.Contains(labels, "菊儿胡同") || !slices.Contains(labels, "前圆恩寺胡同") {
		t.Errorf("其他小巷 offers %v", labels)
	}
	s.text("菊儿胡同3号")
	s.expect("定位到:菊儿胡同")
	s.text("门口的路灯不亮了")
	s.press("整条小巷")
	s.press("提交")
	s.expect("已提交", "位置:菊儿胡同(菊儿社区),地址:菊儿胡同3号")
	var desc, address, alley string
	if err := w.st.DB().QueryRow(`SELECT c.description, c.address, a.name FROM cases c JOIN alleys a ON a.id = c.alley_id`).Scan(&desc, &address, &alley); err != nil {
		t.Fatal(err)
	}
	if alley != "菊儿胡同" || address != "菊儿胡同3号" || desc != "门口的路灯不亮了" {
		t.Errorf("case: %s / %s / %s", alley, address, desc)
	}
}

// TestRefusedWordIsNoAddress: a word the location step refused (完成 typed
// once too often) is not the case's address when a point is shared after
// it; an address typed in English is kept without the reporter's
// language, and each group reads it labelled in its own.
func TestRefusedWordIsNoAddress(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7903")
	s.text("/report")
	s.press("环境卫生")
	s.photo("p", 100)
	s.text("完成")
	s.text("完成") // a second time, at the location step
	s.expect("没有找到「完成」所在的小巷")
	s.loc(39.93782, 116.39829)
	s.expect("定位到:帽儿胡同")
	s.text("门口堆了建筑垃圾,三天没人清")
	s.press("整条小巷")
	s.expect("位置:帽儿胡同\n")
	msgs := s.press("提交")
	for _, m := range msgs {
		if strings.Contains(m.Text, "完成。") || strings.Contains(m.Text, "地址") {
			t.Errorf("%s was told of an address: %q", m.ChatID, m.Text)
		}
	}
	var address, desc string
	if err := w.st.DB().QueryRow(`SELECT address, description FROM cases`).Scan(&address, &desc); err != nil {
		t.Fatal(err)
	}
	if address != "" || desc != "门口堆了建筑垃圾,三天没人清" {
		t.Errorf("the refused word was kept: address %q, description %q", address, desc)
	}

	// In English: the groups (Chinese) read 地址, never "Address:".
	s.text("/lang en")
	s.text("/report")
	s.press("Sanitation")
	s.photo("q", 100)
	s.press("Done")
	s.text("菊儿胡同3号")
	s.expect("Located: 菊儿胡同")
	s.text("The street lamp is out")
	s.press("The whole alley")
	s.expect("Where: 菊儿胡同; address: 菊儿胡同3号")
	msgs = s.press("Submit")
	groups := 0
	for _, m := range msgs {
		if m.ChatID == s.chat {
			continue
		}
		groups++
		if strings.Contains(m.Text, "Address") || strings.Contains(m.Text, "address") {
			t.Errorf("the reporter's language reached group %s: %q", m.ChatID, m.Text)
		}
		if strings.Contains(m.Text, "描述:") && !strings.Contains(m.Text, "地址:菊儿胡同3号") {
			t.Errorf("group %s does not read the address: %q", m.ChatID, m.Text)
		}
	}
	if groups == 0 {
		t.Error("no group heard of the report")
	}
	if err := w.st.DB().QueryRow(`SELECT address, description FROM cases ORDER BY id DESC LIMIT 1`).Scan(&address, &desc); err != nil {
		t.Fatal(err)
	}
	if address != "菊儿胡同3号" || desc != "The street lamp is out" {
		t.Errorf("stored: address %q, description %q", address, desc)
	}
}

// TestLocationOutsideOffersNearest: a point outside every alley's range is
// told the nearest alley and how far it is, and offered it first; an
// alley with a line (a long hutong) holds a point far from its centre but
// near the line.
func TestLocationOutsideOffersNearest(t *testing.T) {
	w := newWorld(t)
	s := w.person(t, "S01", "7904")
	s.text("/report")
	s.press("环境卫生")
	s.photo("p", 100)
	s.press("完成")
	s.loc(39.93300, 116.40150) // about 322 m south of 福祥胡同's centre (range 180 m)
	s.expect("不在任何小巷的范围内", "最近的是「福祥胡同」,约 322 米(范围 180 米)")
	if len(s.buttons) == 0 || s.buttons[0].Label != "福祥胡同(约 322 米)" {
		t.Fatalf("the nearest alley is not offered first: %+v", s.buttons)
	}
	s.press("福祥胡同(约 322 米)")
	s.expect("请用文字描述问题")
	s.text("路面塌了一个坑")
	s.press("整条小巷")
	s.press("提交")
	var alley string
	var lat float64
	if err := w.st.DB().QueryRow(`SELECT a.name, c.lat FROM cases c JOIN alleys a ON a.id = c.alley_id`).Scan(&alley, &lat); err != nil {
		t.Fatal(err)
	}
	if alley != "福祥胡同" || lat != 39.93300 {
		t.Errorf("case at %s, lat %v; want 福祥胡同 at the point shared", alley, lat)
	}

	// The same point shared outside a flow, then 上报: the nearest is offered too.
	s.loc(39.93300, 116.40150)
	s.expect("要上报这个位置的问题吗")
	s.press("上报")
	s.press("环境卫生")
	s.photo("p1", 100)
	s.press("完成")
	s.expect("请分享问题所在的位置")
	if len(s.buttons) == 0 || s.buttons[0].Label != "福祥胡同(约 322 米)" {
		t.Fatalf("the nearest alley is not offered first after the offer: %+v", s.buttons)
	}
	s.text("/cancel")

	// 帽儿胡同 as a line along its length, 40 m either side.
	if _, err := w.st.DB().Exec(`UPDATE alleys SET line = '{39.9378, 116.3935, 39.9378, 116.3990}', radius_m = 40 WHERE code = 'maoer'`); err != nil {
		t.Fatal(err)
	}
	s.text("/report")
	s.press("环境卫生")
	s.photo("p2", 100)
	s.press("完成")
	s.loc(39.93785, 116.39450) // 325 m west of the centre, on the line
	s.expect("定位到:帽儿胡同(距胡同约 6 米)")
	s.text("/back")
	s.loc(39.93840, 116.39450) // 67 m north of the line
	s.expect("最近的是「帽儿胡同」,约 67 米(范围 40 米)")
}

// TestDuplicateOffered: a second report of the same kind in the same alley
// is shown the open case; 是同一个问题 makes the steward follow it, recorded
// as a confirmation, and files nothing new.
func TestDuplicateOffered(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	first := c.report(t, "门口堆了建筑垃圾")
	s := c.steward2 // 刘淑珍, also 帽儿胡同
	s.text("/report")
	s.press("环境卫生")
	s.photo("dup", 100)
	s.press("完成")
	s.press("帽儿胡同")
	s.text("胡同口一堆建筑垃圾")
	s.press("整条小巷")
	s.expect("附近已有相同问题", first)
	s.press("是同一个问题:" + first)
	s.expect("已记为对案件 " + first + " 的确认")
	if n := count(t, w.st, `SELECT count(*) FROM cases`); n != 1 {
		t.Errorf("%d cases, want the first only", n)
	}
	if got := w.timeline(t, first); !slices.Contains(got, "confirmed") {
		t.Errorf("timeline %v lacks the confirmation", got)
	}
	// A different kind in the same alley is no duplicate.
	s.text("/report")
	s.press("设施维护")
	s.photo("other", 100)
	s.press("完成")
	s.press("帽儿胡同")
	s.text("路灯不亮已经三天")
	s.press("整条小巷")
	if strings.Contains(s.said(), "附近已有相同问题") {
		t.Errorf("another kind was offered as the same problem: %q", s.said())
	}
}

// TestAliasAndQuietGroup: a typed address naming an alley by its roster
// alias finds it; a residents' group with notify_reports off hears of the
// dispatch, not of the report.
func TestAliasAndQuietGroup(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	if _, err := w.st.DB().Exec(`UPDATE chats SET notify_reports = false WHERE code = 'res-nlgx'`); err != nil {
		t.Fatal(err)
	}
	s := c.steward
	s.text("/report")
	s.press("环境卫生")
	s.photo("a", 100)
	s.press("完成")
	s.text("菊儿小区5号楼下")
	s.expect("定位到:菊儿胡同")
	s.text("/cancel")
	number := c.report(t, "门口堆了建筑垃圾")
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	w.expectChat(t, c.residents, "已交交道口街道环卫所处理")
	for _, m := range w.sent {
		if m.ChatID == c.residents && strings.Contains(m.Text, "已由小巷管家上报") {
			t.Errorf("a quiet group was told of the report of %s", number)
		}
	}
}

// TestLocationPromptPerPlatform: the report's location question says how
// to share a location on the messenger the steward uses: 📎 on Telegram,
// ⊕ in WeCom (which has no 📎); never another platform's way.
func TestLocationPromptPerPlatform(t *testing.T) {
	w := newWorld(t)
	tg := w.person(t, "S01", "7001")
	p, err := w.st.FindPerson(context.Background(), "S01")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.BindIdentity(context.Background(), string(bot.WeCom), "wangxiulan", p.ID); err != nil {
		t.Fatal(err)
	}
	wc := &chatter{t: t, w: w, r: w.r, platform: bot.WeCom, chat: "wangxiulan", kind: bot.Private, user: "wangxiulan"}
	for _, c := range []*chatter{tg, wc} {
		c.text("/report")
		c.press("环境卫生")
		c.photo("file-"+c.chat, 2048)
		c.press("完成")
		c.expect("请分享问题所在的位置")
	}
	if got := tg.said(); !strings.Contains(got, "📎") {
		t.Errorf("Telegram: %q", got)
	}
	if got := wc.said(); strings.Contains(got, "Telegram") || strings.Contains(got, "📎") || !strings.Contains(got, "⊕ → 位置") {
		t.Errorf("WeCom: %q", got)
	}
}
