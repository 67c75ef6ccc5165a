package handlers

import (
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/flows/notices"
	"github.com/alleybot/alleybot/i18n"
)

// withSettings rebuilds the world's engine and router with s.
func (w *world) withSettings(s flows.Settings) {
	w.flows = conversations.New(conversations.Deps{DefaultLang: i18n.ZH, Location: cst, Now: func() time.Time { return w.now }}, flows.All(s)...)
	w.r = New(w.st, w.flows, slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH)
}

// communityID is a community's id by its name.
func (w *world) communityID(t *testing.T, name string) int64 {
	t.Helper()
	cs, err := w.st.Communities(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c.ID
		}
	}
	t.Fatalf("no community %s", name)
	return 0
}

func menuLabels(c *chatter) string {
	var ls []string
	for _, b := range c.buttons {
		ls = append(ls, b.Label)
	}
	return strings.Join(ls, " ")
}

// TestStewardNotice (二(四)1): 王秀兰 (S01, 南锣鼓巷社区) is offered her own
// community's residents' group only; 菊儿社区's (pressed from an old
// keyboard) is refused with the reason, the step staying; her own is posted
// to res-nlgx.
func TestStewardNotice(t *testing.T) {
	w := newWorldAt(t, friday)
	s := w.person(t, "S01", "7601")
	s.text("/notice")
	s.text("本周六上午胡同清洁日,欢迎居民参加")
	s.press("跳过")
	if got := menuLabels(s); !strings.Contains(got, "南锣鼓巷社区居民群") || strings.Contains(got, "菊儿") || strings.Contains(got, "全部居民群") {
		t.Errorf("a steward's choice of groups: %q; want her own community's alone", got)
	}
	juer := w.communityID(t, "菊儿社区")
	s.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: "groups|" + strconv.FormatInt(juer, 10)}})
	s.expect("只能发往您负责的小巷所在社区的居民群")
	s.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: "groups|0"}})
	s.expect("只能发往您负责的小巷所在社区的居民群")
	if n := len(sentTo(w, "-1004", "胡同清洁日")); n != 0 {
		t.Fatalf("posted %d times before a right choice", n)
	}
	s.press("南锣鼓巷社区居民群")
	s.expect("已排队发往 1 个群")
	w.expectChat(t, "-1004", "宣传通知", "胡同清洁日")
}

// TestStewardNoticeApproval: with publicity.needs_approval the steward's
// notice goes to the acceptance center first; 驳回 tells her and posts
// nothing, 批准 posts it and tells her; a second press is refused.
func TestStewardNoticeApproval(t *testing.T) {
	w := newWorldAt(t, friday)
	w.withSettings(flows.Settings{Publicity: notices.Publicity{NeedsApproval: true}})
	s := w.person(t, "S01", "7601")
	c := w.person(t, "C01", "7402")
	center := c.in("-1003")
	send := func(text string) {
		s.text("/notice")
		s.text(text)
		s.press("跳过")
		s.press("南锣鼓巷社区居民群")
		s.expect("已提交问题受理中心审核")
		w.expectChat(t, "-1003", "小巷管家 王秀兰 申请发布宣传通知", text)
	}
	send("周日下午垃圾分类宣传")
	center.press("驳回")
	center.expect("已驳回 王秀兰 的通知")
	s.expectSent(t, w, "您的宣传通知未获批准")
	if n := len(sentTo(w, "-1004", "垃圾分类宣传")); n != 0 {
		t.Fatalf("a rejected notice reached the residents %d times", n)
	}
	send("周六上午胡同清洁日")
	center.press("批准")
	center.expect("已批准 王秀兰 的通知,已排队发往 1 个群")
	s.expectSent(t, w, "您的宣传通知已由 杨晓燕 批准")
	w.expectChat(t, "-1004", "宣传通知", "周六上午胡同清洁日")
	center.press("批准")
	center.expect("这条通知已经审核过了")
	if n := len(sentTo(w, "-1004", "胡同清洁日")); n != 1 {
		t.Errorf("the approved notice was posted %d times, want 1", n)
	}
}
