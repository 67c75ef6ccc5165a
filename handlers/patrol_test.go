package handlers

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/roster"
)

// TestPatrolCheckInsideReportEnd: a steward checks in inside the alley's
// radius (the alley whose window is now comes first), reports a problem on
// the way (the alley filled in, the case linked), and ends the patrol.
func TestPatrolCheckInsideReportEnd(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 8, 10, 0, 0, cst)) // a Friday, in 王秀兰's 08:00–09:00 window of 帽儿胡同
	s := w.person(t, "S01", "7101")
	s.text("/patrol")
	s.expect("巡查哪条小巷")
	if s.buttons[0].Label != "帽儿胡同(现在)" {
		t.Errorf("the alley whose window is now should come first: %+v", s.buttons)
	}
	s.press("帽儿胡同(现在)")
	s.expect("请分享您现在的位置")
	s.text("我在帽儿胡同") // a check-in needs a location
	s.expect("签到需要位置")
	s.loc(39.93790, 116.39840)
	s.expect("已签到:帽儿胡同", "距中心")
	s.text("/patrol")
	s.expect("还没结束")

	// A report during the patrol: no location step, the case is the patrol's.
	s.text("/report")
	s.press("环境卫生")
	s.photo("p1", 100)
	s.press("完成")
	s.expect("请用文字描述问题")
	s.text("墙角堆着装修垃圾")
	s.press("整条小巷")
	s.press("提交")
	s.expect("已提交,案件编号")
	var alley string
	if err := w.st.DB().Get(&alley, `SELECT a.name FROM cases c JOIN alleys a ON a.id = c.alley_id
		JOIN patrol_checkins p ON p.id = c.patrol_id WHERE p.person_id = c.reporter_id`); err != nil || alley != "帽儿胡同" {
		t.Fatalf("the case is not linked to the patrol: %q %v", alley, err)
	}

	s.text("结束巡查")
	s.expect("本次巡查上报了 1 件问题")
	s.press("结束巡查")
	s.expect("巡查结束:帽儿胡同", "上报 1 件问题")
	if n := count(t, w.st, `SELECT count(*) FROM patrol_checkins WHERE ended_by = 'steward' AND NOT nothing_found`); n != 1 {
		t.Errorf("ended patrols: %d", n)
	}
	s.text("/endpatrol")
	s.expect("没有进行中的巡查")
	s.text("/mypatrols")
	s.expect("11 月巡查", "按时 1", "27✓")
}

// TestPatrolOutsideWithNoteAndNothingFound: a check-in 1 km away is told
// the distance, may go ahead with a note (the coordinator sees it), and a
// patrol that finds nothing still counts.
func TestPatrolOutsideWithNoteAndNothingFound(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 8, 20, 0, 0, cst))
	s := w.person(t, "S01", "7102")
	c := w.person(t, "C01", "7103")
	s.text("巡查")
	s.press("帽儿胡同(现在)")
	s.loc(39.94680, 116.39830) // about 1 km north
	s.expect("超出签到范围(220 米)", "约 100")
	s.press("重新定位")
	s.expect("请分享您现在的位置")
	s.loc(39.94680, 116.39830)
	s.text("手机定位漂移,人在胡同口")
	s.expect("已签到(范围外")
	c.text("/patrols")
	c.expect("王秀兰", "巡查中", "范围外签到", "手机定位漂移")
	s.text("/endpatrol")
	s.press("无问题,结束")
	s.expect("无问题。已记为到岗")
	if n := count(t, w.st, `SELECT count(*) FROM patrol_checkins WHERE nothing_found AND outside AND note <> ''`); n != 1 {
		t.Errorf("patrol rows: %d", n)
	}
	c.text("/patrols")
	c.expect("✓ 已完成")
}

// TestPatrolRefusals: an alley that is not the steward's; a patrol left
// open is ended at the end of its window by the routine.
func TestPatrolRefusals(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 8, 30, 0, 0, cst))
	s := w.person(t, "S01", "7104")
	s.text("/patrol")
	// A forged press for 菊儿胡同 (not 王秀兰's).
	var juer string
	if err := w.st.DB().Get(&juer, `SELECT id::text FROM alleys WHERE code = 'juer'`); err != nil {
		t.Fatal(err)
	}
	s.send(bot.Update{Callback: &bot.Callback{ID: "x", Data: "alley|" + juer}})
	s.expect("不在您的巡查范围")
	if n := count(t, w.st, `SELECT count(*) FROM patrol_checkins`); n != 0 {
		t.Errorf("%d patrols after a refused alley", n)
	}
	s.text("/cancel")
	c := w.person(t, "S02", "7105")
	c.text("/patrols")
	c.expect("只有") // a steward may not see the coordinators' view
}

// TestPatrolAlleyIsSaidAndChangeable: a report during a patrol is filed at
// the patrol's alley only with the steward told so, and 换个位置 files it
// elsewhere (still found on the patrol); a photo whose caption names
// another alley is asked about instead.
func TestPatrolAlleyIsSaidAndChangeable(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 8, 10, 0, 0, cst))
	s := w.person(t, "S01", "7111")
	s.text("/patrol")
	s.press("帽儿胡同(现在)")
	s.loc(39.93790, 116.39840)
	s.expect("已签到:帽儿胡同")

	s.text("/report")
	s.press("环境卫生")
	s.photo("yuer-photo", 100)
	s.press("完成")
	s.expect("位置:按本次巡查记为「帽儿胡同」", "换个位置", "请用文字描述问题")
	s.press("换个位置")
	s.expect("请分享问题所在的位置")
	s.press("雨儿胡同")
	s.expect("请用文字描述问题")
	s.text("雨儿胡同口的垃圾桶满了")
	s.press("整条小巷")
	s.expect("位置:雨儿胡同")
	s.press("提交")
	var alley string
	var patrol bool
	if err := w.st.DB().QueryRow(`SELECT a.name, c.patrol_id IS NOT NULL FROM cases c JOIN alleys a ON a.id = c.alley_id`).Scan(&alley, &patrol); err != nil {
		t.Fatal(err)
	}
	if alley != "雨儿胡同" || !patrol {
		t.Errorf("case filed at %s (on the patrol: %v); want 雨儿胡同, on the patrol", alley, patrol)
	}

	// A photo captioned with another alley's address: which alley is it?
	s.send(bot.Update{Photo: &bot.Photo{Platform: bot.Telegram, FileRef: "juer-photo", Size: 100}, Text: "菊儿胡同3号门口"})
	s.press("环境卫生")
	s.press("完成")
	s.expect("「菊儿胡同3号门口」在哪条小巷")
	if got := labels(s.buttons); !slices.Contains(got, "菊儿胡同") || !slices.Contains(got, "帽儿胡同(本次巡查)") {
		t.Fatalf("offered %v", got)
	}
	s.press("菊儿胡同")
	s.expect("请用文字描述问题")
	if strings.Contains(s.said(), "本次巡查记为") {
		t.Errorf("an alley the steward chose is not the patrol's: %q", s.said())
	}
}

// TestReportAtPatrolEnd: 还要上报问题 at the end of a patrol starts the
// report (on the patrol), and the patrol stays open.
func TestReportAtPatrolEnd(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 8, 10, 0, 0, cst))
	s := w.person(t, "S01", "7112")
	s.text("/patrol")
	s.press("帽儿胡同(现在)")
	s.loc(39.93790, 116.39840)
	s.text("结束巡查")
	s.press("还要上报问题")
	s.expect("请选择问题类别")
	s.text("/back") // the first step of the report: nothing before it
	s.expect("请选择问题类别")
	s.press("秩序管理")
	s.photo("p", 100)
	s.press("完成")
	s.text("三轮车堵住了胡同口")
	s.press("整条小巷")
	s.press("提交")
	s.expect("已提交,案件编号")
	if n := count(t, w.st, `SELECT count(*) FROM cases WHERE patrol_id IS NOT NULL`); n != 1 {
		t.Errorf("cases on the patrol: %d", n)
	}
	s.text("结束巡查")
	s.expect("本次巡查上报了 1 件问题")
}

// TestOfferGivesWayToPatrolEnd: while 要上报这个问题吗? waits, 结束巡查
// (typed, or its button) ends the patrol, not 请按下面的按钮选择.
func TestOfferGivesWayToPatrolEnd(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 8, 10, 0, 0, cst))
	s := w.person(t, "S01", "7113")
	s.text("/patrol")
	s.press("帽儿胡同(现在)")
	s.loc(39.93790, 116.39840)
	s.text("今天胡同里挺干净的")
	s.expect("要上报这个问题吗")
	s.text("结束巡查")
	s.expect("本次巡查没有上报问题")
	if strings.Contains(s.said(), "请按下面的按钮选择") {
		t.Errorf("结束巡查 was taken for an answer: %q", s.said())
	}
	s.press("无问题,结束")
	s.expect("巡查结束:帽儿胡同")

	s.text("/patrol")
	s.press("帽儿胡同(现在)")
	s.loc(39.93790, 116.39840)
	s.text("今天胡同里挺干净的")
	s.press("结束巡查") // the check-in message's button
	s.expect("本次巡查没有上报问题")
}

func labels(bs []bot.Button) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Label)
	}
	return out
}

// TestPatrolCheckInAnywayIsAChoice: outside the radius, 仍然签到 is a
// button (pressed or typed) that asks why; the words 仍然签到 are never
// the note.
func TestPatrolCheckInAnywayIsAChoice(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 8, 20, 0, 0, cst))
	s := w.person(t, "S01", "7106")
	s.text("/patrol")
	s.press("帽儿胡同(现在)")
	s.loc(39.94680, 116.39830) // about 1 km north
	s.expect("超出签到范围")
	if len(s.buttons) != 2 || s.buttons[1].Label != "仍然签到" {
		t.Fatalf("outside the range the buttons are %+v", s.buttons)
	}
	s.text("仍然签到")
	s.expect("请写明为什么在范围外")
	s.text("仍然签到")
	s.expect("请写明为什么在范围外")
	s.text("定位漂移,人在胡同口")
	s.expect("已签到(范围外")
	var note string
	if err := w.st.DB().Get(&note, `SELECT note FROM patrol_checkins WHERE outside`); err != nil || note != "定位漂移,人在胡同口" {
		t.Errorf("the check-in's note is %q (%v)", note, err)
	}
}

// reimportSince imports the example roster again with 王秀兰's (S01's,
// the first steward's) patrols counting from a day.
func reimportSince(t *testing.T, w *world, day string) {
	t.Helper()
	data, err := os.ReadFile("../examples/roster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "since: 2025-01-01", "since: "+day, 1)
	path := filepath.Join(t.TempDir(), "roster.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(context.Background(), w.st, path); err != nil {
		t.Fatal(err)
	}
}

// TestPatrolsCountFromTheSchedule: a steward's patrols count from the day
// the roster gave them: before it nothing is missed, in /mypatrols or in
// the coordinators' /patrols; from it, a window with no check-in is.
func TestPatrolsCountFromTheSchedule(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 10, 0, 0, 0, cst)) // a Friday, after 王秀兰's 08:00–09:00 window
	s := w.person(t, "S01", "7121")
	c := w.person(t, "C01", "7122")
	reimportSince(t, w, "2026-11-28") // she starts tomorrow
	s.text("/mypatrols")
	s.expect("排班 2 次", "缺勤 0", "\n30··\n") // the days line: Monday the 30th only, nothing missed
	c.text("/patrols")
	if got := c.said(); strings.Contains(got, "王秀兰") {
		t.Errorf("/patrols lists a steward before her patrols begin: %q", got)
	}

	reimportSince(t, w, "2026-11-26") // she started yesterday (a Thursday: 帽儿胡同 08:00–09:00)
	s.text("/mypatrols")
	// 26: 帽儿胡同 missed; 27: 帽儿胡同 missed, 鱼儿胡同 16:00 to come; 30 to come.
	s.expect("排班 5 次", "缺勤 2", "\n26✗ 27✗· 30··\n")
	if got := s.said(); strings.Contains(got, "25✗") || strings.Contains(got, " 3✗") {
		t.Errorf("days before the schedule count as missed: %q", got)
	}
	c.text("/patrols")
	c.expect("08:00–09:00 帽儿胡同 · 王秀兰:✗ 缺勤")
}

// TestPatrolOutsideAnyWindowIsShown: a check-in outside any scheduled
// window is in the steward's /mypatrols (its day, time and alley) and in
// the coordinators' /patrols with the steward's name.
func TestPatrolOutsideAnyWindowIsShown(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 11, 0, 0, 0, cst)) // 王秀兰's windows: 08:00–09:00 帽儿胡同, 16:00–17:00 鱼儿胡同
	s := w.person(t, "S01", "7123")
	c := w.person(t, "C01", "7124")
	s.text("/patrol")
	s.press("帽儿胡同")
	s.loc(39.93790, 116.39840)
	s.expect("已签到:帽儿胡同")
	if n := count(t, w.st, `SELECT count(*) FROM patrol_checkins WHERE schedule_id IS NULL`); n != 1 {
		t.Fatalf("check-ins outside any window: %d", n)
	}
	s.text("/mypatrols")
	s.expect("排班外巡查 1 次", "11-27 11:00 帽儿胡同", "巡查中")
	c.text("/patrols")
	c.expect("11:00 帽儿胡同 · 王秀兰:巡查中", "(排班外)")
}
