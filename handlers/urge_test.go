package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/weblogin"
	"github.com/alleybot/alleybot/model"
)

// countTo counts the messages the bot said to chat with text in them.
func (w *world) countTo(chat, text string) int {
	n := 0
	for _, m := range w.sent {
		if m.ChatID == chat && strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

func (w *world) kindCount(t *testing.T, number string, kind model.EventKind) int {
	t.Helper()
	n := 0
	for _, k := range w.timeline(t, number) {
		if k == string(kind) {
			n++
		}
	}
	return n
}

// TestUrge (issue 25, 三(五)1): the reporting steward presses 催办 on their
// dispatched case: the department's group and the exchange group are told
// once, with the clock, and the timeline has it; a second 催办 the same day
// is refused with the reason and tells nobody; the next day it may again;
// another steward, a department member, or 催办 on a closed case: refused.
func TestUrge(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	id := itoa(w.caseView(t, number).ID)

	// Not dispatched yet: no 催办.
	c.steward.text("/urge " + number)
	c.steward.expect("不能催办")
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")

	// The card the steward reads has 催办.
	c.steward.text("/case " + number)
	if !strings.Contains(w.lastButton(t, c.steward.chat, "催办"), "c:urge:"+id) {
		t.Fatal("no 催办 on the reporting steward's card")
	}
	c.steward.press("催办")
	c.steward.expect("已催办案件 " + number)
	if n := w.countTo(c.deptGroup, "【催办】王秀兰 催办案件 "+number); n != 1 {
		t.Errorf("the department's group told %d times, want 1", n)
	}
	if n := w.countTo("-1001", "【催办】王秀兰 催办案件 "+number); n != 1 {
		t.Errorf("the exchange group told %d times, want 1", n)
	}
	w.expectChat(t, c.deptGroup, "核实时限") // the clock
	if n := w.kindCount(t, number, model.EventUrged); n != 1 {
		t.Errorf("urged on the timeline %d times, want 1", n)
	}
	c.steward.text("/case " + number)
	c.steward.expect("小巷管家催办")

	// Again the same day (by the button, then the command): refused.
	w.now = friday.Add(5 * time.Hour)
	c.steward.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: "c:urge:" + id}})
	c.steward.expect("今天已经催办过了")
	c.steward.text("/urge " + number)
	c.steward.expect("今天已经催办过了")
	if n := w.countTo(c.deptGroup, "【催办】"); n != 1 {
		t.Errorf("after a refused 催办 the department's group was told %d times", n)
	}
	if n := w.kindCount(t, number, model.EventUrged); n != 1 {
		t.Errorf("a refused 催办 is on the timeline: %d", n)
	}

	// Another steward of the same alley: not their case.
	c.steward2.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: "c:urge:" + id}})
	c.steward2.expect("不是您上报的")
	// A department member may not press it at all.
	before := w.kindCount(t, number, model.EventUrged)
	c.dept.send(bot.Update{Callback: &bot.Callback{ID: "cb", Data: "c:urge:" + id}})
	if w.kindCount(t, number, model.EventUrged) != before {
		t.Error("a department member's 催办 was recorded")
	}

	// The next calendar day (Saturday, in Beijing): once more.
	w.now = time.Date(2026, 11, 28, 0, 30, 0, 0, cst)
	c.steward.text("/urge " + number)
	c.steward.expect("已催办案件 " + number)
	if n := w.countTo(c.deptGroup, "【催办】"); n != 2 {
		t.Errorf("the next day's 催办 told the department %d times in all, want 2", n)
	}

	// Closed: refused with the reason.
	if _, err := w.st.DB().Exec(`UPDATE cases SET status = 'closed', closed_at = now() WHERE number = $1`, number); err != nil {
		t.Fatal(err)
	}
	w.now = time.Date(2026, 11, 30, 9, 0, 0, 0, cst)
	c.steward.text("/urge " + number)
	c.steward.expect("不能催办")
	if n := w.kindCount(t, number, model.EventUrged); n != 2 {
		t.Errorf("urged %d times, want 2", n)
	}
}

// TestPlanWithDeadline (issue 25, 三(四)2): 限期整改 asks for the plan in a
// sentence after the date; too short is refused; the plan is kept, on the
// card, and told to the steward with the deadline.
func TestPlanWithDeadline(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.dept.in(c.deptGroup).press("已核实")
	c.dept.press("限期整改")
	c.dept.text("12-01")
	c.dept.expect("整改方案")
	c.dept.text("清运")
	c.dept.expect("4–200 个字")
	if cv := w.caseView(t, number); cv.Status != model.StatusDispatched {
		t.Fatalf("verified before the plan was given: %s", cv.Status)
	}
	c.dept.text(strings.Repeat("清", 201))
	c.dept.expect("4–200 个字")
	c.dept.text("环卫所派两名保洁员周一上午清运")
	c.dept.expect("整改时限 12-01 17:30")
	cv := w.caseView(t, number)
	if cv.Status != model.StatusVerified || cv.PlanText != "环卫所派两名保洁员周一上午清运" {
		t.Fatalf("after the plan: %s %q", cv.Status, cv.PlanText)
	}
	c.steward.expectSent(t, w, "方案:环卫所派两名保洁员周一上午清运")
	c.coordinator.text("/case " + number)
	c.coordinator.expect("整改方案:环卫所派两名保洁员周一上午清运")
}

// TestCommitteeCopyLinksTheWorkOrder (issue 25, 三(三)2): with the desk's
// address known, the committee's copy of a new case carries the link to
// its printable work order.
func TestCommitteeCopyLinksTheWorkOrder(t *testing.T) {
	w := newWorldAt(t, friday)
	conversations.SettingsOf[weblogin.Settings](w.flows).BaseURL = "https://alley.example.org/"
	jwh, err := w.st.ChatByCode(context.Background(), "jwh-nlgx")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.BindChat(context.Background(), jwh.ID, string(bot.Telegram), "-1006"); err != nil {
		t.Fatal(err)
	}
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	w.expectChat(t, "-1006", number, "https://alley.example.org/desk/case/"+number+"/print")
}
