package handlers

import (
	"strconv"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/worktime"
)

// TestActivity (二(四)2): 王秀兰 (S01) posts a clean-up day to 南锣鼓巷社区's
// residents' group (a time past and 0 places refused); two residents sign
// up from the group with no account, one of them twice (refused), a third
// waits and moves up when the first cancels; the group is reminded the day
// before and an hour before (each once) naming those signed up; after the
// start a late sign-up is refused, she is asked for the attendance, marks
// one present by name and types the count, and it is on her record.
func TestActivity(t *testing.T) {
	w := newWorldAt(t, friday) // Friday 11-27 10:00
	s := w.person(t, "S01", "7601")
	s.text("/activity")
	s.text("胡同清洁日")
	s.text("11-26 09:00")
	s.expect("已经过去了")
	s.text("11-29 09:00")
	s.text("雨儿胡同东口")
	s.text("0")
	s.expect("名额要写一个大于 0 的数字")
	s.text("2")
	s.press("南锣鼓巷社区居民群")
	s.expect("活动 #1 已发往 1 个居民群")
	w.expectChat(t, "-1004", "活动报名", "胡同清洁日", "雨儿胡同东口", "名额:2 人")

	r1 := resident(t, w, "8001").in("-1004")
	r2 := resident(t, w, "8002").in("-1004")
	r3 := resident(t, w, "8003").in("-1004")
	r1.press("报名")
	r1.expect("用户8001 报名「胡同清洁日」成功(1/2)")
	r1.press("报名")
	r1.expect("用户8001 已经报名了「胡同清洁日」")
	r2.press("报名")
	r2.expect("用户8002 报名「胡同清洁日」成功(2/2)")
	r3.press("报名")
	r3.expect("名额已满,用户8003 在「胡同清洁日」的候补名单第 1 位")
	r1.press("取消报名")
	r1.expect("用户8001 已取消报名「胡同清洁日」;候补的 用户8003 递补报名成功")
	r1.press("取消报名")
	r1.expect("用户8001 没有报名「胡同清洁日」")
	if n := count(t, w.st, `SELECT count(*) FROM activity_signups WHERE cancelled_at IS NULL`); n != 2 {
		t.Errorf("live sign-ups: %d, want 2", n)
	}

	sched, err := scheduler.New(w.st, scheduler.Options{Outbox: toWorld{w},
		Pings:   scheduler.PingOptions{Calendar: worktime.Default(cst), Lang: i18n.ZH, Now: func() time.Time { return w.now }},
		Routine: scheduler.RoutineOptions{SummaryAt: -1, DigestAt: -1}})
	if err != nil {
		t.Fatal(err)
	}
	scan := func(at time.Time) {
		t.Helper()
		w.now = at
		for range 2 { // a second scan sends nothing again
			if err := sched.ScanRoutines(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
	}
	scan(time.Date(2026, 11, 27, 18, 0, 0, 0, cst)) // more than a day before: nothing
	if n := len(sentTo(w, "-1004", "活动提醒")); n != 0 {
		t.Errorf("reminded %d times more than a day before", n)
	}
	scan(time.Date(2026, 11, 28, 9, 30, 0, 0, cst))
	if day := sentTo(w, "-1004", "明天的活动提醒"); len(day) != 1 {
		t.Errorf("day-before reminders: %d, want 1", len(day))
	}
	w.expectChat(t, "-1004", "已报名:用户8002、用户8003")
	scan(time.Date(2026, 11, 29, 8, 15, 0, 0, cst))
	if hour := sentTo(w, "-1004", "活动一小时后开始"); len(hour) != 1 {
		t.Errorf("hour-before reminders: %d, want 1", len(hour))
	}
	scan(time.Date(2026, 11, 29, 9, 5, 0, 0, cst))
	if ask := sentTo(w, "7601", "已开始,报名 2 人"); len(ask) != 1 {
		t.Fatalf("attendance questions to the organiser: %d, want 1", len(ask))
	}
	r1.press("报名")
	r1.expect("「胡同清洁日」已经开始,报名已截止")

	s.press("✓ 用户8002")
	s.expect("已记录 用户8002 到场。「胡同清洁日」目前到场 1 人")
	s.press("输入人数")
	s.expect("实际到场多少人")
	s.text("2")
	s.expect("已记录「胡同清洁日」到场 2 人")
	if n := count(t, w.st, `SELECT attended FROM activities WHERE id = 1`); n != 2 {
		t.Errorf("attendance stored: %d, want 2", n)
	}
	c := w.person(t, "C01", "7402")
	c.text("/record S01")
	c.expect("组织活动「胡同清洁日」:报名 2 人,到场 2")
}

// TestActivityOtherCommunity: a steward of 菊儿社区 (S05) is offered her own
// community's group alone; 南锣鼓巷社区's, pressed from an old keyboard, is
// refused with the reason and nothing is stored or posted.
func TestActivityOtherCommunity(t *testing.T) {
	w := newWorldAt(t, friday)
	s := w.person(t, "S05", "7605")
	s.text("/activity")
	s.text("楼道清理")
	s.text("11-29 09:00")
	s.text("菊儿胡同口")
	s.text("5")
	if got := menuLabels(s); got != "菊儿社区居民群" {
		t.Errorf("a steward's groups: %q, want her own community's alone", got)
	}
	nlgx := w.communityID(t, "南锣鼓巷社区")
	s.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: "groups|" + strconv.FormatInt(nlgx, 10)}})
	s.expect("只能发往您负责的小巷所在社区的居民群")
	if n := count(t, w.st, `SELECT count(*) FROM activities`); n != 0 {
		t.Errorf("activities stored: %d, want 0", n)
	}
	if n := len(sentTo(w, "-1004", "楼道清理")); n != 0 {
		t.Errorf("posted to 南锣鼓巷社区's group %d times", n)
	}
}
