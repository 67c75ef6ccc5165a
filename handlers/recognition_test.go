package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

// toWorld is the scheduler's outbox in a chat world: what it queues is
// what the bot said.
type toWorld struct{ w *world }

func (o toWorld) EnqueueSends(_ context.Context, _ *store.Tx, msgs []bot.Message) error {
	o.w.sent = append(o.w.sent, msgs...)
	o.w.lastMsgs = msgs
	return nil
}

// TestMonthlyRecognition (四(二)): November has ended and its scorecards
// are stored: 王秀兰 (95) and 李建国 (92) of 南锣鼓巷社区 are excellent,
// nobody of 菊儿社区 is. The scheduler proposes both to the coordinators
// (once, however often it scans), and tells them 菊儿社区 has nobody;
// 杨晓燕 edits the list down to 王秀兰 (a steward of another community
// and a stranger refused, the step staying) and confirms: one
// commendation, in /record, told to 王秀兰 and announced in the exchange
// group. A second confirmation, hers or another coordinator's, is refused
// naming her.
func TestMonthlyRecognition(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 12, 1, 9, 0, 0, 0, cst))
	ctx := context.Background()
	for code, card := range map[string]struct {
		total float64
		grade string
	}{"S01": {95, "excellent"}, "S02": {92, "excellent"}, "S03": {80, "good"}, "S04": {65, "pass"},
		"S05": {85, "good"}, "S06": {70, "pass"}, "S07": {50, "fail"}, "S08": {40, "fail"}} {
		if _, err := w.st.DB().Exec(`INSERT INTO assessment_periods (person_id, period, revision, community_id, period_from, period_to,
				counts, components, settings, total, grade, computed_by)
			SELECT p.id, '2026-11', 1, pr.community_id, '2026-11-01 00:00+08', '2026-12-01 00:00+08', '{}', '{}', '{}', $2, $3, 'scheduler'
			FROM people p JOIN person_roles pr ON pr.person_id = p.id AND pr.role = 'steward' WHERE p.code = $1`,
			code, card.total, card.grade); err != nil {
			t.Fatal(err)
		}
	}
	c := w.person(t, "C01", "8801") // 杨晓燕, coordinator
	admin := w.person(t, "A01", "8802")
	s1 := w.person(t, "S01", "8803")
	s2 := w.person(t, "S02", "8804")

	sched, err := scheduler.New(w.st, scheduler.Options{Outbox: toWorld{w},
		Pings:   scheduler.PingOptions{Calendar: worktime.Default(cst), Now: func() time.Time { return w.now }},
		Routine: scheduler.RoutineOptions{SummaryAt: -1, DigestAt: -1},
		Assess: scheduler.AssessOptions{Enabled: true, Settings: assessment.Default(), Kinds: []assessment.Kind{assessment.Month},
			RecognitionTop: 3}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second scan proposes nothing again
		if err := sched.ScanRoutines(ctx); err != nil {
			t.Fatal(err)
		}
	}
	proposal := sentTo(w, c.chat, "月度表彰建议")
	if len(proposal) != 1 {
		t.Fatalf("the coordinator got %d proposals: %v", len(proposal), w.sent)
	}
	for _, want := range []string{"2026-11 月度表彰建议 · 南锣鼓巷社区", "1. 王秀兰 · 95.0 分 · 优秀", "2. 李建国 · 92.0 分 · 优秀"} {
		if !strings.Contains(proposal[0].Text, want) {
			t.Errorf("proposal %q; want %q", proposal[0].Text, want)
		}
	}
	if labels := buttonLabels(proposal[0]); labels != "确认表彰,调整名单" {
		t.Errorf("proposal buttons %q", labels)
	}
	if none := sentTo(w, c.chat, "菊儿社区:本月无优秀管家"); len(none) != 1 || len(none[0].Buttons) != 0 {
		t.Errorf("菊儿社区's word: %v", none)
	}
	if n := len(sentTo(w, admin.chat, "月度表彰建议")); n != 1 {
		t.Errorf("the admin (a coordinator too) got %d proposals", n)
	}
	if n := len(sentTo(w, s1.chat, "表彰")); n != 0 {
		t.Errorf("a steward heard of the proposal: %d messages", n)
	}

	s1.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: proposal[0].Buttons[0][1].Data}})
	s1.expect("调整名单") // refused: a steward may not
	if strings.Contains(s1.said(), "请输入") {
		t.Errorf("a steward edits the list: %q", s1.said())
	}
	c.press("调整名单")
	c.expect("月度表彰名单 · 南锣鼓巷社区(当前)", "请输入要表彰的南锣鼓巷社区小巷管家")
	c.text("王秀兰、陈国强,张三")
	c.expect("以下姓名不是南锣鼓巷社区的小巷管家:陈国强、张三")
	c.text("王秀兰")
	c.expect("(已调整)", "1. 王秀兰 · 95.0 分 · 优秀")
	if strings.Contains(c.said(), "李建国") {
		t.Errorf("李建国 is still on the edited list: %q", c.said())
	}
	c.press("确认表彰")
	c.expect("已确认 2026-11 · 南锣鼓巷社区 的月度表彰:王秀兰")
	s1.expect("您受到了表彰(杨晓燕):2026-11 月度考核优秀")
	if got := sentTo(w, "-1001", "2026-11 月度表彰 · 南锣鼓巷社区:王秀兰"); len(got) != 1 {
		t.Errorf("exchange group announcements: %v", got)
	}
	if n := count(t, w.st, `SELECT count(*) FROM steward_record WHERE kind = 'commendation' AND announced`); n != 1 {
		t.Errorf("commendations recorded: %d", n)
	}
	if n := len(sentTo(w, s2.chat, "表彰")); n != 0 {
		t.Errorf("李建国, taken off the list, was told: %d", n)
	}

	c.text("/record 王秀兰")
	c.expect("表彰 1", "表彰:2026-11 月度考核优秀(已通报)(记录:杨晓燕)")
	c.text("/record 李建国")
	c.expect("李建国 还没有奖惩记录")

	c.press("确认表彰")
	c.expect("已由 杨晓燕", "不能再次确认")
	admin.press("确认表彰") // on the proposal as it first came
	admin.expect("已由 杨晓燕", "不能再次确认")
	admin.press("调整名单")
	admin.expect("不能再次确认或调整")
	if n := count(t, w.st, `SELECT count(*) FROM steward_record`); n != 1 {
		t.Errorf("record entries after the refused confirmations: %d", n)
	}
}

// sentTo is what the bot said to a chat containing text, oldest first.
func sentTo(w *world, chat, text string) []bot.Message {
	var out []bot.Message
	for _, m := range w.sent {
		if m.ChatID == chat && strings.Contains(m.Text, text) {
			out = append(out, m)
		}
	}
	return out
}

func buttonLabels(m bot.Message) string {
	var ls []string
	for _, row := range m.Buttons {
		for _, b := range row {
			ls = append(ls, b.Label)
		}
	}
	return strings.Join(ls, ",")
}
