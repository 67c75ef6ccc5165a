package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/scheduler"
)

// appealWorld is December 5th with November's cards stored, and a
// coordinator of 菊儿社区 alone (K02) beside the center's (C01, A01).
func appealWorld(t *testing.T) *world {
	t.Helper()
	w := newWorldAt(t, time.Date(2026, 12, 5, 10, 0, 0, 0, cst))
	for _, q := range []string{
		`INSERT INTO people (code, name) VALUES ('K02', '菊儿协调员')`,
		`INSERT INTO person_roles (person_id, role, community_id) SELECT p.id, 'coordinator', c.id FROM people p, communities c WHERE p.code = 'K02' AND c.code = 'juer'`,
	} {
		if _, err := w.st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	nov, _ := assessment.Parse("2026-11")
	if n, err := scheduler.AssessPeriod(context.Background(), &w.st.Queries, nov, assessment.Default(), cst, w.now, scheduler.By{}, 0); err != nil || n != 8 {
		t.Fatalf("assessed %d, %v", n, err)
	}
	return w
}

// storedCards is every stored card of November, as it was computed.
func storedCards(t *testing.T, w *world) string {
	t.Helper()
	var rows []string
	if err := w.st.DB().Select(&rows, `SELECT concat_ws('|', id, person_id, revision, total, grade, computed_at, computed_by)
		FROM assessment_periods ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n")
}

// TestAppealCorrected (四(一)): 王秀兰 appeals November; the coordinators
// of her community (the center's, not 菊儿's) get the card with 维持 and
// 更正; 杨晓燕 corrects it by +5 with a reason; she is told, /myscore shows
// the corrected total and grade with the correction and the computed
// total, /scores ranks by it; the stored card is untouched; a second
// appeal and a second answer are refused.
func TestAppealCorrected(t *testing.T) {
	w := appealWorld(t)
	before := storedCards(t, w)
	s := w.person(t, "S01", "7901")
	c := w.person(t, "C01", "7902")
	a := w.person(t, "A01", "7903")
	k := w.person(t, "K02", "7904")
	var computed float64
	if err := w.st.DB().Get(&computed, `SELECT a.total FROM assessment_periods a JOIN people p ON p.id = a.person_id WHERE p.code = 'S01'`); err != nil {
		t.Fatal(err)
	}
	want := computed + 5
	if want > 100 {
		t.Fatalf("S01's computed total %.1f leaves no room for +5", computed)
	}
	grade := map[assessment.Grade]string{"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}[assessment.Default().Bands.GradeOf(want)]
	if computed != 70 || grade != "良好" {
		// 70.0 合格 corrected to 75.0 良好: the band is recomputed.
		t.Fatalf("S01's November: %.1f, corrected %s; the scenario wants 70.0 → 良好", computed, grade)
	}

	s.text("/appeal 2026-11")
	s.expect("申诉 2026-11 的考核结果", "请写明申诉理由(5–500 字)")
	s.text("太短")
	s.expect("申诉理由至少 5 个字")
	from := len(w.sent)
	s.text("11月27日以外我还巡查了三次,签到时定位失败没有记上")
	s.expect("已提交对 2026-11 考核的申诉")
	for _, who := range []*chatter{c, a} {
		if got := strings.Join(w.groupPosts(who.chat, from), "\n"); !strings.Contains(got, "考核申诉:王秀兰(南锣鼓巷社区)对 2026-11") ||
			!strings.Contains(got, "定位失败没有记上") || !strings.Contains(got, "巡查 0/34 次") {
			t.Errorf("coordinator %s was told %q", who.chat, got)
		}
	}
	if got := w.groupPosts(k.chat, from); len(got) != 0 {
		t.Errorf("a coordinator of another community was told: %q", got)
	}
	if n := count(t, w.st, `SELECT count(*) FROM score_appeals WHERE status = 'pending' AND assessment_id =
		(SELECT a.id FROM assessment_periods a JOIN people p ON p.id = a.person_id WHERE p.code = 'S01')`); n != 1 {
		t.Fatalf("pending appeals of S01's card: %d", n)
	}
	// 菊儿's coordinator presses the button anyway (the data guessed).
	id := count(t, w.st, `SELECT id FROM score_appeals`)
	k.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: fmt.Sprintf("ap:correct:%d", id)}})
	k.expect("由其所在社区的协调员处理")

	c.press("更正")
	c.expect("王秀兰 对 2026-11 考核的申诉", "定位失败", "请输入更正后的总分")
	c.text("五分")
	c.expect("不是分数")
	c.text(fmt.Sprintf("%.1f", computed))
	c.expect("与当前相同")
	c.text("+200")
	c.expect("不在 0–100 之间")
	c.text("+5")
	c.expect(fmt.Sprintf("将更正为 %.1f 分 · %s(调整 +5.0)", want, grade))
	from = len(w.sent)
	c.text("核对定位日志,补记三次巡查")
	c.expect(fmt.Sprintf("更正为 %.1f 分", want), "原考核记录保留不变")
	if got := strings.Join(w.groupPosts(s.chat, from), "\n"); !strings.Contains(got, fmt.Sprintf("总分更正为 %.1f 分 · %s(调整 +5.0,原 %.1f 分)", want, grade, computed)) ||
		!strings.Contains(got, "答复(杨晓燕):核对定位日志,补记三次巡查") {
		t.Errorf("the steward was told %q", got)
	}

	s.text("/myscore 2026-11")
	s.expect(fmt.Sprintf("2026-11 考核:%.1f 分 · %s", want, grade), "申诉更正 +5.0(协调员 杨晓燕,理由:核对定位日志,补记三次巡查)",
		fmt.Sprintf("原计算总分 %.1f 分", computed), "巡查 0/34 次")
	if after := storedCards(t, w); after != before {
		t.Errorf("the stored cards changed:\n%s\nwant\n%s", after, before)
	}
	if n := count(t, w.st, `SELECT count(*) FROM assessment_adjustments WHERE delta = 5 AND reason = '核对定位日志,补记三次巡查'
		AND appeal_id = $1 AND by_person = (SELECT id FROM people WHERE code = 'C01')`, id); n != 1 {
		t.Errorf("adjustment rows: %d", n)
	}
	if _, err := w.st.DB().Exec(`UPDATE assessment_adjustments SET delta = 50`); err == nil {
		t.Error("an adjustment was edited")
	}

	s.text("/appeal 2026-11")
	s.expect("已于 2026-12-05 对 2026-11 的考核提出申诉,结果:已更正(杨晓燕:核对定位日志")
	c.press("更正") // the card's button again
	c.expect("王秀兰 对 2026-11 考核的申诉已处理(杨晓燕 已更正)")
	a.press("维持")
	a.expect("已处理")
	if n := count(t, w.st, `SELECT count(*) FROM assessment_adjustments`); n != 1 {
		t.Errorf("adjustments after the second presses: %d", n)
	}

	c.text("/scores 2026-11")
	c.expect(fmt.Sprintf("王秀兰 · 南锣鼓巷社区 · %.1f 分(含申诉更正 +5.0)· %s", want, grade))
}

// TestAppealKeptAndRefused: 维持 tells the steward the answer and leaves
// the score; an appeal of a period not ended, in the future, mistyped or
// without a card is refused with the reason, as is one by a non-steward;
// a second appeal names the first's outcome.
func TestAppealKeptAndRefused(t *testing.T) {
	w := appealWorld(t)
	s := w.person(t, "S05", "7911") // 陈国强, 菊儿社区
	k := w.person(t, "K02", "7912")
	c := w.person(t, "C01", "7913")

	for arg, want := range map[string]string{"2026-12": "2026-12 还没有结束", "2027-03": "2027-03 还没有到", "十一月": "不是考核期",
		"2026-10": "2026-10 没有您的考核结果,无从申诉"} {
		s.text("/appeal " + arg)
		s.expect(want)
	}
	c.text("/appeal")
	c.expect("/appeal 只有小巷管家")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("a refused appeal started a flow: %d", n)
	}

	s.text("/appeal") // last month
	s.expect("申诉 2026-11 的考核结果")
	s.text("满意度的评分统计有误,请复核")
	s.expect("已提交")
	s.text("/appeal 2026-11")
	s.expect("正在等待协调员处理", "每个考核期只能申诉一次")
	s.text("/myscore")
	s.expect("已于 2026-12-05 申诉,等待协调员处理")

	k.press("维持")
	k.expect("陈国强 对 2026-11 考核的申诉", "请写给 陈国强 的答复")
	from := len(w.sent)
	k.text("评分来自居民评价,核对无误")
	k.expect("已维持 陈国强 2026-11 的考核结果")
	w.expectChat(t, s.chat, "申诉已处理:维持原分", "答复(菊儿协调员):评分来自居民评价,核对无误")
	if got := w.groupPosts(s.chat, from); len(got) != 1 {
		t.Errorf("the steward was told %d times: %q", len(got), got)
	}
	c.press("更正")
	c.expect("已处理(菊儿协调员 维持原分)")
	if n := count(t, w.st, `SELECT count(*) FROM assessment_adjustments`); n != 0 {
		t.Errorf("a kept appeal stored %d adjustments", n)
	}
	s.text("/myscore")
	s.expect("申诉已处理:维持原分(菊儿协调员:评分来自居民评价,核对无误)")
	if strings.Contains(s.said(), "申诉更正") {
		t.Errorf("a kept score shows a correction: %q", s.said())
	}
	s.text("/appeal 2026-11")
	s.expect("结果:维持原分(菊儿协调员:评分来自居民评价,核对无误)")
}
