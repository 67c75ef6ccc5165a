package handlers

import (
	"strings"
	"testing"
	"time"
)

// Seed 四(二)–(三): coordinators commend and warn stewards; repeated
// warnings suspend the steward's role; an admin restores it; /record
// shows it all.

// TestWarningRefusals: a warning needs a steward who exists and a reason;
// a steward may not warn.
func TestWarningRefusals(t *testing.T) {
	w := newWorldAt(t, friday)
	c := w.person(t, "C01", "7801")
	s := w.person(t, "S02", "7802")
	c.text("/warn")
	c.expect("请写明警告谁")
	c.text("/warn 无名氏")
	c.expect("名册里没有「无名氏」")
	c.text("/warn 郑海涛") // a department member
	c.expect("郑海涛 不是小巷管家")
	c.text("/warn 王秀兰")
	c.expect("批评/警告 王秀兰 的理由")
	c.text("差")
	c.expect("警告必须写明理由", "没有理由的警告不予记录")
	c.text("\u200b\u200b\u200b")
	c.expect("警告必须写明理由")
	if n := count(t, w.st, `SELECT count(*) FROM steward_record`); n != 0 {
		t.Errorf("%d record entries after warnings without a reason", n)
	}
	c.text("/cancel")
	s.text("/warn 王秀兰")
	s.expect("只有")
	c.text("/restore 王秀兰")
	c.expect("只有") // restoring is an admin's
	a := w.person(t, "A01", "7803")
	a.text("/restore 李建国")
	a.expect("李建国 的小巷管家资格没有被暂停")
	a.text("/restore 高明")
	a.expect("高明 不是小巷管家")
}

// TestCommendation: told privately; announced to the exchange group only
// when the coordinator says so.
func TestCommendation(t *testing.T) {
	w := newWorldAt(t, friday)
	c := w.person(t, "C01", "7811")
	s := w.person(t, "S01", "7812")
	c.text("/commend S01")
	c.expect("表彰 王秀兰 的理由")
	c.text("连续三个月巡查全勤,主动劝导占道经营")
	c.expect("奖励内容")
	c.text("荣誉证书一张")
	c.expect("要在工作交流群通报表彰 王秀兰 吗")
	from := len(w.sent)
	c.press("在交流群通报")
	c.expect("已私下告知本人,并在工作交流群通报")
	w.expectChat(t, s.chat, "您受到了表彰(杨晓燕):连续三个月巡查全勤", "奖励:荣誉证书一张")
	if posts := w.groupPosts("-1001", from); len(posts) != 1 || !strings.Contains(posts[0], "表彰:小巷管家 王秀兰") ||
		!strings.Contains(posts[0], "奖励:荣誉证书一张") {
		t.Errorf("exchange group: %q", posts)
	}

	c.text("/commend 王秀兰")
	c.text("雨天坚持巡查")
	c.press("无奖励")
	from = len(w.sent)
	c.press("不通报")
	c.expect("已记录对 王秀兰 的表彰,并已私下告知本人。")
	if posts := w.groupPosts("-1001", from); len(posts) != 0 {
		t.Errorf("a commendation not to be announced was: %q", posts)
	}
	if !strings.Contains(strings.Join(w.groupPosts(s.chat, from), "\n"), "您受到了表彰(杨晓燕):雨天坚持巡查") {
		t.Error("the steward was not told of the second commendation")
	}
	if n := count(t, w.st, `SELECT count(*) FROM steward_record WHERE kind = 'commendation' AND announced`); n != 1 {
		t.Errorf("announced commendations: %d", n)
	}
}

// TestWarningsSuspendAndRestore: with the defaults (3 warnings within 90
// days), a warning of 100 days ago does not count; the third within the
// window suspends 王秀兰's role: she is told, the center and the exchange
// group get the 通报, her steward commands are refused, her alleys are
// uncovered in /patrols. An admin restores the role with a reason, and
// /record shows everything in the reader's language.
func TestWarningsSuspendAndRestore(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 11, 27, 8, 10, 0, 0, cst))
	c := w.person(t, "C01", "7821")
	s := w.person(t, "S01", "7822")
	a := w.person(t, "A01", "7823")
	v := w.person(t, "V01", "7824")
	if _, err := w.st.DB().Exec(`INSERT INTO steward_record (person_id, kind, reason, by_person, at)
		SELECT s.id, 'warning', '早先的警告', c.id, $1 FROM people s, people c WHERE s.code = 'S01' AND c.code = 'C01'`,
		w.now.AddDate(0, 0, -100)); err != nil {
		t.Fatal(err)
	}
	warn := func(reason string) {
		t.Helper()
		c.text("/warn 王秀兰")
		c.text(reason)
	}
	warn("连续两周未按时巡查")
	c.expect("已记录对 王秀兰 的警告", "第 1 次")
	w.expectChat(t, s.chat, "您受到批评/警告(杨晓燕):连续两周未按时巡查", "第 1 次警告;达到 3 次")
	warn("上报照片与现场不符")
	c.expect("第 2 次")
	from := len(w.sent)
	warn("巡查签到后未巡查即离开")
	c.expect("第 3 次", "小巷管家资格已暂停")
	if !strings.Contains(strings.Join(w.groupPosts(s.chat, from), "\n"), "小巷管家资格即日起暂停") {
		t.Errorf("the steward was not told of the suspension: %q", w.groupPosts(s.chat, from))
	}
	for _, g := range []string{"-1003", "-1001"} { // the center, the exchange group
		if posts := strings.Join(w.groupPosts(g, from), "\n"); !strings.Contains(posts, "通报:小巷管家 王秀兰 近 90 天内受到 3 次警告") {
			t.Errorf("group %s was not given the 通报: %q", g, posts)
		}
	}

	s.text("/patrol")
	s.expect("您的小巷管家资格已暂停,不能使用 /patrol")
	s.text("/report")
	s.expect("资格已暂停")
	s.text("/whoami") // not a steward's command: answered
	s.expect("王秀兰")
	c.text("/patrols")
	c.expect("08:00–09:00 帽儿胡同 · 王秀兰:无人巡查(小巷管家资格暂停)")
	warn("暂停后又一次警告") // recorded; no second suspension
	if n := count(t, w.st, `SELECT count(*) FROM steward_record WHERE kind = 'suspension'`); n != 1 {
		t.Errorf("suspensions: %d", n)
	}

	a.text("/restore 王秀兰")
	a.expect("恢复 王秀兰 小巷管家资格的理由")
	from = len(w.sent)
	a.text("已约谈,本人承诺整改")
	a.expect("已恢复 王秀兰 的小巷管家资格")
	if !strings.Contains(strings.Join(w.groupPosts(s.chat, from), "\n"), "您的小巷管家资格已恢复(林涛):已约谈,本人承诺整改") {
		t.Error("the steward was not told of the restoration")
	}
	w.expectChat(t, "-1003", "小巷管家 王秀兰 的资格已恢复")
	s.text("/patrol")
	s.expect("巡查哪条小巷")
	s.text("/cancel")
	c.text("/patrols")
	if strings.Contains(c.said(), "无人巡查") {
		t.Errorf("restored, the alley is still uncovered: %q", c.said())
	}
	warn("恢复后的第一次警告") // a restored steward starts afresh
	c.expect("第 1 次")

	v.text("/record 王秀兰")
	v.expect("王秀兰(S01)的奖惩记录 · 资格正常", "表彰 0 · 警告 6 · 暂停 1 · 恢复 1",
		"2026-08-19 警告:早先的警告(记录:杨晓燕)", "2026-11-27 警告:连续两周未按时巡查(记录:杨晓燕)",
		"资格暂停:累计 3 次警告(记录:杨晓燕)", "资格恢复:已约谈,本人承诺整改(记录:林涛)")
	v.text("/lang en")
	v.text("/record S01")
	v.expect("王秀兰 (S01): record · role active", "warnings 6 · suspensions 1 · restorations 1", "role restored: 已约谈")
	s.text("/record 王秀兰")
	s.expect("只有")
}
