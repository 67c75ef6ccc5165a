package handlers

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Friday 2026-11-27 10:00 in Beijing; working hours 08:30–12:00, 13:30–17:30.
var friday = time.Date(2026, 11, 27, 10, 0, 0, 0, cst)

// cast is the people of the example roster, bound to Telegram.
type cast struct {
	steward, steward2, coordinator, dept, otherDept, supervisor *chatter
	center, deptGroup, residents                                string
}

func newCast(t *testing.T, w *world) cast {
	return cast{
		steward:     w.person(t, "S01", "7001"), // 王秀兰, 帽儿胡同 and 雨儿胡同
		steward2:    w.person(t, "S04", "7004"), // 刘淑珍, also 帽儿胡同
		coordinator: w.person(t, "C01", "7101"),
		dept:        w.person(t, "D01", "7201"), // 郑海涛, 环卫所
		otherDept:   w.person(t, "D02", "7202"), // 何伟, 房管所
		supervisor:  w.person(t, "V01", "7301"),
		center:      "-1003", deptGroup: "-1002", residents: "-1004",
	}
}

// report files a sanitation case in 帽儿胡同 and returns its number.
func (c cast) report(t *testing.T, text string) string {
	t.Helper()
	s := c.steward
	s.text("/report")
	s.press("环境卫生")
	s.photo("before-"+text, 100)
	s.press("完成")
	s.press("帽儿胡同")
	s.text(text)
	s.press("整条小巷")
	s.press("提交")
	for _, m := range s.last {
		if n := caseNumberIn(m.Text); n != "" && m.ChatID == s.chat {
			return n
		}
	}
	t.Fatalf("no case number in %q", s.said())
	return ""
}

func caseNumberIn(s string) string {
	i := strings.Index(s, "案件编号 ")
	if i < 0 {
		return ""
	}
	return s[i+len("案件编号 ") : i+len("案件编号 ")+11]
}

func (w *world) caseView(t *testing.T, number string) store.CaseView {
	t.Helper()
	cv, err := w.st.CaseByNumber(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return cv
}

func (w *world) timeline(t *testing.T, number string) []string {
	t.Helper()
	var kinds []string
	if err := w.st.DB().Select(&kinds, `SELECT e.kind FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number = $1 ORDER BY e.id`, number); err != nil {
		t.Fatal(err)
	}
	return kinds
}

// TestCaseLifecycle plays the script: report → dispatch → verify →
// fix → send back → fix → pass → close → resident feedback, and checks the
// clocks, the states, who is told, and the timeline.
func TestCaseLifecycle(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")

	// The acceptance center sees the case with its buttons and dispatches it.
	center := c.coordinator.in(c.center)
	center.press("派单给交道口街道环卫所")
	center.expect("已派单:" + number + " → 交道口街道环卫所")
	// The residents' group heard of it when it was reported, and now who fixes it by when.
	w.expectChat(t, c.residents, "帽儿胡同的「环境卫生」问题已由小巷管家上报,案件 "+number, "已交交道口街道环卫所处理,整改时限")
	cv := w.caseView(t, number)
	// Sanitation: verify within 2 working hours, fix within 24 (examples/roster.yaml).
	if cv.Status != model.StatusDispatched || !cv.VerifyBy.Time.Equal(friday.Add(2*time.Hour)) ||
		!cv.FixBy.Time.Equal(time.Date(2026, 12, 2, 11, 30, 0, 0, cst)) {
		t.Fatalf("after dispatch: status %s verify_by %v fix_by %v", cv.Status, cv.VerifyBy.Time, cv.FixBy.Time)
	}
	c.steward.expectSent(t, w, "已派给交道口街道环卫所")

	// The department verifies with a date: the past and beyond the limit are refused.
	c.dept.in(c.deptGroup).press("已核实")
	c.dept.expect("整改计划")
	c.dept.press("限期整改")
	c.dept.expect("可选 11-27 至 12-02")
	c.dept.text("11-20")
	c.dept.expect("这个日期已经过去了", "可选 11-27 至 12-02")
	c.dept.text("明天吧")
	c.dept.expect("没看懂这个日期")
	c.dept.text("12-01")
	c.dept.expect("整改方案")
	c.dept.text("环卫所派两名保洁员清运")
	c.dept.expect("整改时限 12-01 17:30")
	for _, m := range w.lastMsgs { // the department's group, the steward, the residents: the deadline once
		if n := strings.Count(m.Text, "12-01"); n > 1 {
			t.Errorf("the deadline %d times to %s: %q", n, m.ChatID, m.Text)
		}
	}
	cv = w.caseView(t, number)
	if cv.Status != model.StatusVerified || !cv.VerifiedAt.Valid || !cv.FixBy.Time.Equal(time.Date(2026, 12, 1, 17, 30, 0, 0, cst)) {
		t.Fatalf("after verify: %+v", cv.Case)
	}

	// Progress goes to the steward and the residents.
	c.dept.in(c.deptGroup).press("报告进展")
	c.dept.text("已安排清运车,下午到")
	c.dept.press("跳过")
	c.dept.expect("进展已通知")
	w.expectChat(t, c.residents, "有新进展", "已安排清运车")

	// Fixed, with an after photo: the steward is asked to re-check.
	c.dept.in(c.deptGroup).press("已整改")
	c.dept.photo("after-1", 100)
	c.dept.press("完成")
	c.dept.press("跳过")
	c.steward.expectSent(t, w, "请到现场复核")

	// Re-checking a case that is not fixed is refused with its state:
	// here the department tries to report it fixed again.
	c.dept.in(c.deptGroup).press("已整改")
	c.dept.in(c.deptGroup).expect("现在是「已整改,待复核」")

	// Not fixed: a reason, sent back with a count.
	c.steward.press("未整改到位")
	c.steward.text("还有一半没清走")
	c.steward.press("跳过")
	c.steward.expect("第 1 次")
	w.expectChat(t, c.deptGroup, "复核未通过(第 1 次):还有一半没清走")
	cv = w.caseView(t, number)
	if cv.Status != model.StatusVerified || cv.SendbackCount != 1 || cv.FixedAt.Valid {
		t.Fatalf("after send-back: %+v", cv.Case)
	}

	// Fixed again; another steward of the same alley may re-check it.
	c.dept.in(c.deptGroup).press("已整改")
	c.dept.photo("after-2", 100)
	c.dept.press("完成")
	c.dept.text("全部清走了")
	c.steward.expectSent(t, w, "全部清走了")
	data := w.lastButton(t, c.steward.chat, "通过")
	c.steward2.send(bot.Update{Callback: &bot.Callback{Data: data}})
	c.steward2.expect("复核通过,已办结")
	cv = w.caseView(t, number)
	if cv.Status != model.StatusClosed || !cv.ClosedAt.Valid {
		t.Fatalf("after pass: %+v", cv.Case)
	}

	// Residents get before and after photos and the question.
	resident := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: c.residents, kind: bot.Group, user: "9999"}
	w.expectChat(t, c.residents, "整改前", "已办结(整改后)", "请打分")
	// The rating buttons are answered only in that group: the same data sent
	// from a private chat or from a group that is not the case's residents'
	// group (a forged callback) is refused and reopens nothing.
	still := w.lastButton(t, c.residents, "仍有问题")
	for _, forger := range []*chatter{
		{t: t, w: w, r: w.r, platform: bot.Telegram, chat: "4242", kind: bot.Private, user: "4242"},
		{t: t, w: w, r: w.r, platform: bot.Telegram, chat: "-100777", kind: bot.Group, user: "4242"},
		{t: t, w: w, r: w.r, platform: bot.Telegram, chat: c.deptGroup, kind: bot.Group, user: "4242"},
	} {
		forger.send(bot.Update{Callback: &bot.Callback{Data: still}})
		forger.expect("居民群里")
		if w.caseView(t, number).Status != model.StatusClosed {
			t.Fatalf("a press from %s reopened the case", forger.chat)
		}
	}
	resident.press("★★★★★")
	resident.expect("谢谢您对案件 " + number + " 的评价")
	resident.press("★★★★") // one rating per resident per closing: the second replaces the first, unposted
	if got := w.saidTo(c.residents); got != "" {
		t.Errorf("a changed rating was posted to the group: %q", got)
	}
	if w.caseView(t, number).Status != model.StatusClosed {
		t.Fatal("a good score reopened the case")
	}
	// 仍有问题 asks why, privately, before anything is reopened.
	w.flows.Deps().BotUsername = func() string { return "alley_test_bot" }
	other := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: c.residents, kind: bot.Group, user: "9998"}
	other.press("仍有问题")
	other.expect("私聊说明", "https://t.me/alley_test_bot?start=rr_")
	if w.caseView(t, number).Status != model.StatusClosed {
		t.Fatal("one tap reopened the case")
	}
	token := regexp.MustCompile(`start=(rr_[0-9a-f]+)`).FindStringSubmatch(other.said())[1]
	stranger := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: "9997", kind: bot.Private, user: "9997"}
	stranger.text("/start " + token)
	stranger.expect("这个链接是别人的")
	priv := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: "9998", kind: bot.Private, user: "9998"}
	priv.text("/start " + token)
	priv.expect("哪里还有问题")
	priv.photo("still-1", 100)
	priv.expect("已收到 1 张照片")
	priv.text("墙角还堆着两袋")
	priv.expect("已重新交给受理中心")
	if w.caseView(t, number).Status != model.StatusSubmitted {
		t.Fatal("the reason did not reopen the case")
	}
	w.expectChat(t, c.center, "居民反馈后重新打开", "最近说明:居民反馈:墙角还堆着两袋")

	want := []string{"submitted", "dispatched", "verified", "progress", "fixed", "sent_back", "fixed", "rechecked", "closed",
		"rated", "rated", "rated", "reopened"}
	if got := w.timeline(t, number); !slices.Equal(got, want) {
		t.Errorf("timeline:\n got %v\nwant %v", got, want)
	}
	// /case prints that timeline.
	c.coordinator.text("/case " + number)
	c.coordinator.expect("处理经过", "郑海涛  现场核实:限期整改", "王秀兰  复核未通过,退回整改:还有一半没清走", "刘淑珍  复核通过", "重新打开")
	var photos []string
	_ = w.st.DB().Select(&photos, `SELECT p.kind FROM photos p JOIN cases c ON c.id = p.case_id WHERE c.number = $1 ORDER BY p.id`, number)
	if !slices.Equal(photos, []string{"before", "after", "after", "check"}) { // the resident's photo with the reason
		t.Errorf("photo kinds: %v", photos)
	}
}

func (c *chatter) expectSent(t *testing.T, w *world, want string) {
	t.Helper()
	w.expectChat(t, c.chat, want)
}

// expectChat checks that the bot said something with all of want to chat.
func (w *world) expectChat(t *testing.T, chat string, want ...string) {
	t.Helper()
	for _, s := range want {
		found := false
		for _, m := range w.sent {
			if m.ChatID == chat && strings.Contains(m.Text, s) {
				found = true
			}
		}
		if !found {
			t.Errorf("chat %s was never told %q", chat, s)
		}
	}
}

func (w *world) lastButton(t *testing.T, chat, label string) string {
	t.Helper()
	for i := len(w.sent) - 1; i >= 0; i-- {
		for _, row := range w.sent[i].Buttons {
			for _, b := range row {
				if w.sent[i].ChatID == chat && b.Label == label {
					return b.Data
				}
			}
		}
	}
	t.Fatalf("no button %q in chat %s", label, chat)
	return ""
}

func TestWrongStateAndScope(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "井盖松动,踩上去会响")
	id := w.caseView(t, number).ID

	// A re-check before the case is fixed: refused, with its state.
	c.steward.send(bot.Update{Callback: &bot.Callback{Data: "c:pass:" + itoa(id)}})
	c.steward.expect("现在是「已提交,待派单」", "不能复核通过")
	// Another department's member cannot verify.
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.otherDept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + itoa(id)}})
	c.otherDept.expect("由交道口街道环卫所负责,不是您的部门")
	// A steward may not dispatch; the refusal says who may.
	c.steward.send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + itoa(id)}})
	c.steward.expect("「派单」只有问题受理中心、管理员可以操作")
	// Dispatching a dispatched case is refused with its state.
	c.coordinator.in(c.center).send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + itoa(id)}})
	c.coordinator.in(c.center).expect("现在是「已派单,待核实」")
	if got := w.timeline(t, number); !slices.Equal(got, []string{"submitted", "dispatched"}) {
		t.Errorf("refusals changed the timeline: %v", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestDoublePress: two coordinators press 派单 on the same case at once; one
// wins, the other is told, and the case is dispatched once.
func TestDoublePress(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "路灯不亮,晚上很黑")
	id := w.caseView(t, number).ID
	admin := w.person(t, "A01", "7102") // 林涛 is a coordinator too
	data := "c:dispatch:" + itoa(id)
	// The presses must really race on the database: a pool of several
	// connections (the world's own has one, which would queue them).
	st := testdb.OpenPool(t, w.url, 4)
	router := New(st, conversations.New(conversations.Deps{DefaultLang: i18n.ZH, Location: cst,
		Now: func() time.Time { return friday }}, flows.All(flows.Settings{})...), w.r.log, i18n.ZH)

	var wg sync.WaitGroup
	replies := make([]string, 2)
	for i, who := range []*chatter{c.coordinator.in(c.center), admin.in(c.center)} {
		wg.Add(1)
		go func(i int, who *chatter) {
			defer wg.Done()
			u := bot.Update{Platform: bot.Telegram, Key: "race-" + itoa(int64(i)), ChatID: who.chat, ChatKind: bot.Group,
				UserID: who.user, Callback: &bot.Callback{Data: data}}
			msgs, err := router.Handle(context.Background(), u)
			if err != nil {
				t.Error(err)
			}
			for _, m := range msgs {
				replies[i] += m.Text + "\n"
			}
		}(i, who)
	}
	wg.Wait()
	won := 0
	for _, r := range replies {
		if strings.Contains(r, "已派单:") {
			won++
		} else if !strings.Contains(r, "现在是「已派单,待核实」") {
			t.Errorf("the loser was not told the state: %q", r)
		}
	}
	if won != 1 {
		t.Errorf("%d presses won:\n%s", won, strings.Join(replies, "---\n"))
	}
	if n := count(t, w.st, `SELECT count(*) FROM case_events WHERE kind = 'dispatched'`); n != 1 {
		t.Errorf("dispatched events: %d", n)
	}
}

func TestReturnMergeNotOursExtension(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	first := c.report(t, "门口堆了建筑垃圾,三天没人清")
	dup := c.report(t, "同一堆建筑垃圾,还在")
	third := c.report(t, "垃圾桶满了,溢到路上")
	center := c.coordinator.in(c.center)

	// 合并: the duplicate closes into the first; the steward is told and follows it.
	center.send(bot.Update{Callback: &bot.Callback{Data: "c:merge:" + itoa(w.caseView(t, dup).ID)}})
	c.coordinator.expect("与哪个未办结的案件重复")
	c.coordinator.text(dup)
	c.coordinator.expect("不能合并到 " + dup)
	c.coordinator.text(first)
	c.coordinator.expect("已合并到 " + first)
	c.steward.expectSent(t, w, "已合并")
	if cv := w.caseView(t, dup); cv.Status != model.StatusMerged || !cv.MergedInto.Valid {
		t.Errorf("duplicate: %+v", cv.Case)
	}

	// 退回: back to the steward with a reason; the steward supplements it.
	center.send(bot.Update{Callback: &bot.Callback{Data: "c:return:" + itoa(w.caseView(t, third).ID)}})
	c.coordinator.text(strings.Repeat("太长的理由", 101)) // 505 characters: over the cap, asked again
	c.coordinator.expect("太长了(505 字)", "500 字以内")
	c.coordinator.text("\u200b\u200b") // nothing visible
	c.coordinator.expect("请多写几个字")
	c.coordinator.text("请补充具体门牌号")
	c.steward.expectSent(t, w, "被受理中心退回:请补充具体门牌号")
	c.steward.press("补充后重新提交")
	c.steward.text("帽儿胡同 23 号")
	c.steward.expect("已补充并重新提交")
	if cv := w.caseView(t, third); cv.Status != model.StatusSubmitted || !strings.Contains(cv.Description, "23 号") {
		t.Errorf("resubmitted: %+v", cv.Case)
	}

	// 非本部门职责: back to the center, which re-dispatches to another department with a copy.
	center.send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + itoa(w.caseView(t, first).ID)}})
	c.dept.in(c.deptGroup).send(bot.Update{Callback: &bot.Callback{Data: "c:notours:" + itoa(w.caseView(t, first).ID)}})
	c.dept.text("属于房屋外立面,归房管所")
	w.expectChat(t, c.center, "部门退回(非本部门职责)", "最近说明:郑海涛:属于房屋外立面,归房管所")
	center.send(bot.Update{Callback: &bot.Callback{Data: "c:redirect:" + itoa(w.caseView(t, first).ID)}})
	c.coordinator.press("东城区房管中心交道口管理所")
	c.coordinator.press("交道口街道环卫所")
	c.coordinator.press("完成")
	c.coordinator.expect("→ 东城区房管中心交道口管理所")
	w.expectChat(t, c.deptGroup, "抄送:案件 "+first)
	if cv := w.caseView(t, first); cv.DepartmentName != "东城区房管中心交道口管理所" {
		t.Errorf("redirected to %q", cv.DepartmentName)
	}

	// 延期: the other department verifies, asks for more time; the center approves.
	id := itoa(w.caseView(t, first).ID)
	c.otherDept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + id}})
	c.otherDept.press("立即整改")
	c.otherDept.send(bot.Update{Callback: &bot.Callback{Data: "c:extend:" + id}})
	c.otherDept.text("12-01") // not later than the deadline (12-02 11:30)
	c.otherDept.expect("必须晚于目前的时限")
	c.otherDept.text("2026-12-31")
	c.otherDept.text("需要协调产权单位")
	c.otherDept.expect("申请已提交受理中心")
	c.otherDept.send(bot.Update{Callback: &bot.Callback{Data: "c:extend:" + id}})
	c.otherDept.text("2027-01-15")
	c.otherDept.text("再延")
	c.otherDept.expect("已有一个待批准的延期申请")
	center.press("批准")
	center.expect("整改时限延至 12-31 17:30")
	// The department hears of it with its buttons: it goes on from there.
	approved := false
	for _, m := range w.sent {
		if m.ChatID == "-1005" && strings.Contains(m.Text, "延期已批准") && len(m.Buttons) > 0 {
			approved = true
		}
	}
	if !approved {
		t.Error("the approval reached the department without its buttons")
	}
	if cv := w.caseView(t, first); !cv.FixBy.Time.Equal(time.Date(2026, 12, 31, 17, 30, 0, 0, cst)) {
		t.Errorf("fix_by after the extension: %v", cv.FixBy.Time)
	}
	center.press("批准")
	center.expect("已经批准")
}

func TestEscalationToSupervisor(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "下水道堵了,污水外溢")
	id := itoa(w.caseView(t, number).ID)
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + id}})
	c.dept.press("立即整改")
	for i := 0; i < 2; i++ {
		c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:fixed:" + id}})
		c.dept.photo("after", 100)
		c.dept.press("完成")
		c.dept.press("跳过")
		c.steward.send(bot.Update{Callback: &bot.Callback{Data: "c:fail:" + id}})
		c.steward.text("还在外溢")
		c.steward.press("跳过")
	}
	c.supervisor.expectSent(t, w, "督办:案件 "+number+" 已被退回 2 次")
	cv := w.caseView(t, number)
	if !cv.Escalated || cv.SendbackCount != 2 {
		t.Errorf("escalation: %+v", cv.Case)
	}
}

// TestPermissionTable checks every command and every case button against
// every role: allowed where the table says, refused (naming who may) elsewhere.
func TestPermissionTable(t *testing.T) {
	roles := []string{"steward", "coordinator", "department", "trainer", "supervisor", "admin", "assessor", "treasurer"}
	allowed := map[string][]string{
		"/myscore": {"steward", "admin"}, "/scores": {"coordinator", "assessor", "supervisor", "admin"},
		"/start": roles, "/help": roles, "/whoami": roles, "/lang": roles, "/case": roles, "/cancel": roles, "/back": roles,
		"/report": {"steward", "admin"}, "/mycases": {"steward", "admin"},
		"/queue": {"coordinator", "supervisor", "admin"}, "/dept": {"department", "admin"},
		"/overdue": {"coordinator", "supervisor", "department", "admin"}, "/bindgroup": {"coordinator", "admin"},
		"/patrol": {"steward", "admin"}, "/endpatrol": {"steward", "admin"}, "/mypatrols": {"steward", "admin"},
		"/patrols": {"coordinator", "supervisor", "admin"}, "/complain": roles, "/contact": roles,
		"button:k:case": {"coordinator", "admin"}, "button:k:answer": {"coordinator", "admin"}, "button:k:reject": {"coordinator", "admin"},
		"button:k:settle": {"supervisor", "admin"},
		"/complaints":     {"coordinator", "supervisor", "admin"},
		"/training":       {"trainer", "admin"}, "/trainings": {"trainer", "coordinator", "supervisor", "admin"},
		"/mytrainings": roles,
		"/ask":         {"steward", "admin"}, "/notice": {"coordinator", "steward", "admin"},
		"button:t:sign": roles, "button:t:read": roles, "button:t:leave": roles,
		"button:t:cancel": {"trainer", "admin"}, "button:t:retime": {"trainer", "admin"}, "button:t:attend": {"trainer", "admin"}, "button:t:answer": {"trainer", "coordinator", "admin"},
		"button:c:dispatch": {"coordinator", "admin"}, "button:c:redirect": {"coordinator", "admin"},
		"button:c:return": {"coordinator", "admin"}, "button:c:merge": {"coordinator", "admin"},
		"button:c:approve": {"coordinator", "admin"}, "button:c:refuse": {"coordinator", "admin"},
		"button:c:verify": {"department", "admin"}, "button:c:notours": {"department", "admin"},
		"button:c:progress": {"department", "admin"}, "button:c:extend": {"department", "admin"},
		"button:c:fixed": {"department", "admin"},
		"button:c:pass":  {"steward", "admin"}, "button:c:fail": {"steward", "admin"}, "button:c:resubmit": {"steward", "admin"},
		"button:c:rate": roles, "button:c:still": roles,
		"/commend": {"coordinator", "admin"}, "/warn": {"coordinator", "admin"}, "/restore": {"admin"},
		"/record": {"coordinator", "supervisor", "assessor", "admin"},

		"button:al:confirm": {"coordinator", "admin"},
		"button:rg:confirm": {"coordinator", "admin"}, "button:rg:edit": {"coordinator", "admin"},
		"/ledger": {"treasurer", "admin"}, "/balance": {"treasurer", "coordinator", "supervisor", "assessor", "admin"},
		"/web":    {"coordinator", "supervisor", "admin", "department", "steward"},
		"/appeal": {"steward", "admin"}, "button:ap:keep": {"coordinator", "admin"}, "button:ap:correct": {"coordinator", "admin"},
		"button:c:urge": {"steward", "admin"}, "/urge": {"steward", "admin"},
		"/suggest": roles, "button:sg:case": {"steward", "coordinator", "admin"}, "button:sg:answer": {"steward", "coordinator", "admin"}, "button:sg:record": {"steward", "coordinator", "admin"},
		"/complain_for":      {"coordinator", "admin"},
		"button:pub:approve": {"coordinator", "admin"}, "button:pub:reject": {"coordinator", "admin"},
		"/activity": {"steward", "coordinator", "admin"}, "button:act:sign": roles, "button:act:unsign": roles,
		"button:act:attend": {"steward", "coordinator", "admin"}, "button:act:count": {"steward", "coordinator", "admin"},
		"button:pm:copy": {"coordinator", "admin"}, "button:pm:dispatch": {"coordinator", "admin"},
		"button:vol:ask": {"coordinator", "steward", "admin"}, "button:vol:yes": {"admin"}, "button:vol:no": {"admin"},
	}
	w := newWorld(t)
	// every command and every action of every registered button family,
	// with who may use it: may for a command, mayPress for a button.
	every := map[string]func([]model.Role) bool{}
	var order []string
	for _, c := range w.r.commandTable() {
		what := "/" + c.Name
		every[what] = func(rs []model.Role) bool { return may(what, rs) }
		order = append(order, what)
	}
	var rate func([]model.Role) bool
	for _, f := range w.r.flows.Families() {
		for _, a := range f.Actions {
			p := conversations.Pressed{Prefix: f.Prefix, Action: a}
			every[p.Key()] = func(rs []model.Role) bool { return mayPress(&f, p, rs) }
			order = append(order, p.Key())
			if a == string(model.ActRate) {
				rate = every[p.Key()]
			}
		}
	}
	for _, what := range order {
		want, ok := allowed[what]
		if !ok {
			t.Errorf("%s is not in this test's table: decide who may use it", what)
			continue
		}
		for _, role := range roles {
			if got := every[what]([]model.Role{model.Role(role)}); got != slices.Contains(want, role) {
				t.Errorf("%s by %s: allowed=%v, want %v", what, role, got, !got)
			}
		}
		if len(whoMay(what)) > 0 && every[what](nil) {
			t.Errorf("%s is allowed to someone with no role", what)
		}
	}
	for what := range allowed {
		if every[what] == nil {
			t.Errorf("%s is in this test's table but is no command and no family's action", what)
		}
	}
	if rate == nil || !rate(nil) {
		t.Error("residents without an account must be able to rate")
	}
	// The refusal names who may, in the person's language.
	trainer := w.person(t, "T01", "7401")
	trainer.text("/queue")
	trainer.expect("/queue 只有问题受理中心、督导、管理员可以使用")
	trainer.text("/lang en")
	trainer.text("/dept")
	trainer.expect("Only a department member or an administrator may use /dept")
	_ = i18n.ZH
}

// TestQueues: /queue, /dept and /overdue show the clocks as working time
// passes.
func TestQueues(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	c.coordinator.text("/queue")
	c.coordinator.expect("待派单 1 件", number, "已超时 0 件")
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")

	c.dept.text("/dept")
	c.dept.expect("交道口街道环卫所未办结 1 件", "核实时限 11-27 12:00(工作时间还剩 2 小时)")
	c.otherDept.text("/dept")
	c.otherDept.expect("东城区房管中心交道口管理所未办结 0 件")

	// Due 12:00; at 14:30 the lunch break (12:00–13:30) does not count: 1 working hour late.
	w.now = friday.Add(4*time.Hour + 30*time.Minute)
	c.coordinator.text("/overdue")
	c.coordinator.expect("超时案件 1 件", "核实已超时 1 小时")
	c.coordinator.text("/queue")
	c.coordinator.expect("已超时 1 件")
	c.dept.text("/overdue")
	c.dept.expect("超时案件 1 件")
	c.otherDept.text("/overdue")
	c.otherDept.expect("没有超时的案件")
	c.steward.text("/overdue")
	c.steward.expect("只有问题受理中心、督导、职能部门、管理员可以使用")
}

// TestRecheckFallsBackToAlleyStewards: when the reporter has left, the
// stewards of the alley get the re-check buttons.
func TestRecheckFallsBackToAlleyStewards(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	id := itoa(w.caseView(t, number).ID)
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + id}})
	c.dept.press("立即整改")
	if _, err := w.st.DB().Exec(`UPDATE people SET active = false WHERE code = 'S01'`); err != nil {
		t.Fatal(err)
	}
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:fixed:" + id}})
	c.dept.photo("after", 100)
	c.dept.press("完成")
	c.dept.press("跳过")
	c.steward2.expectSent(t, w, "请到现场复核") // 刘淑珍 patrols 帽儿胡同 too
	c.steward2.press("通过")
	c.steward2.expect("复核通过,已办结")
}

// TestSendBackClockAndStaleExtension: the fix clock stands still while a
// case waits for its re-check (the department gets its remaining time back
// after a send-back), and an extension still pending when the case is
// reported fixed is cancelled, not approvable later.
func TestSendBackClockAndStaleExtension(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	id := itoa(w.caseView(t, number).ID)
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + id}})
	c.dept.press("立即整改") // fix-by Wed 12-02 11:30: 24 working hours after Friday 10:00
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:extend:" + id}})
	c.dept.text("12-10")
	c.dept.text("材料未到")
	c.dept.expect("申请已提交受理中心")

	// Fixed on Monday 10:00, with 16.5 of its working hours left (to Wed 11:30).
	w.now = time.Date(2026, 11, 30, 10, 0, 0, 0, cst)
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:fixed:" + id}})
	c.dept.photo("after", 100)
	c.dept.press("完成")
	c.dept.press("跳过")
	c.coordinator.in(c.center).press("批准")
	c.coordinator.in(c.center).expect("现在是「已整改,待复核」")

	// Sent back on Thursday 09:00 (after the old fix-by): 16.5 working hours from now, Monday 10:30.
	w.now = time.Date(2026, 12, 3, 9, 0, 0, 0, cst)
	c.steward.press("未整改到位")
	c.steward.text("还有一半没清走")
	c.steward.press("跳过")
	cv := w.caseView(t, number)
	if want := time.Date(2026, 12, 7, 10, 30, 0, 0, cst); !cv.FixBy.Time.Equal(want) {
		t.Errorf("fix-by after the send-back: %v, want %v", cv.FixBy.Time.In(cst), want)
	}
	var status string
	if err := w.st.DB().Get(&status, `SELECT status FROM case_extensions`); err != nil || status != "cancelled" {
		t.Errorf("the pending extension is %q (%v), want cancelled", status, err)
	}
}

// TestGroupUpgradedToSupergroup: Telegram's notice that a group has a new id
// rebinds the roster group; nobody is answered, and the next case card goes
// to the new id.
func TestGroupUpgradedToSupergroup(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	if msgs := c.coordinator.in(c.center).send(bot.Update{Moved: &bot.ChatMove{From: c.center, To: "-1009003"}}); len(msgs) != 0 {
		t.Errorf("a service message was answered: %+v", msgs)
	}
	c.report(t, "路灯不亮")
	var toOld, toNew int
	for _, m := range w.sent {
		switch m.ChatID {
		case c.center:
			toOld++
		case "-1009003":
			toNew++
		}
	}
	if toOld != 0 || toNew == 0 {
		t.Errorf("after the upgrade: %d messages to the old id, %d to the new", toOld, toNew)
	}
}

// TestImmediateFixClock: 立即整改 gets cases.immediate_fix of working time
// (4 hours from Friday 10:00 is 15:30: lunch is not working time), shown as
// such, not the category's 24 hours.
func TestImmediateFixClock(t *testing.T) {
	w := newWorldAt(t, friday)
	cases.Of(w.flows).ImmediateFix = 4 * time.Hour
	c := newCast(t, w)
	number := c.report(t, "井盖被撬开了")
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.dept.in(c.deptGroup).press("已核实")
	c.dept.press("立即整改")
	c.dept.expect("11-27 15:30")
	cv := w.caseView(t, number)
	if want := time.Date(2026, 11, 27, 15, 30, 0, 0, cst); !cv.FixBy.Time.Equal(want) {
		t.Errorf("fix by %v, want %v", cv.FixBy.Time.In(cst), want)
	}
}

// TestListsCarryButtons: /queue, /dept and /case list each case with the
// buttons the reader may press, and a press there acts as on the card.
func TestListsCarryButtons(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "路口的垃圾桶倒了")
	c.coordinator.text("/queue")
	c.coordinator.expect(number)
	c.coordinator.press("派单给交道口街道环卫所")
	c.coordinator.expect("已派单:" + number)
	c.dept.text("/dept")
	c.dept.press("已核实")
	c.dept.expect("整改计划")
	c.dept.press("立即整改")
	c.steward.text("/case " + number)
	c.steward.expect("处理经过")
	for _, row := range c.steward.last[0].Buttons {
		for _, b := range row {
			if b.Label == "催办" { // the reporter's own 催办 (issue 25)
				continue
			}
			t.Errorf("a steward sees %q on a verified case", b.Label)
		}
	}
	c.dept.text("/case " + number)
	c.dept.expect("处理经过")
	if c.dept.buttons[len(c.dept.buttons)-1].Label != "已整改" {
		t.Errorf("the department's /case buttons: %+v", c.dept.buttons)
	}
}

// TestMaybeDuplicateOnePressMerge: the center's card of a report that
// repeats an open case says 疑似重复 and merges it in one press.
func TestMaybeDuplicateOnePressMerge(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	first := c.report(t, "门口堆了建筑垃圾")
	second := c.report(t, "同一堆建筑垃圾还在")
	w.expectChat(t, c.center, "疑似重复:"+first)
	c.coordinator.in(c.center).press("合并到 " + first)
	c.coordinator.in(c.center).expect("已合并到 " + first)
	if cv := w.caseView(t, second); cv.Status != model.StatusMerged {
		t.Errorf("%s is %s, want merged", second, cv.Status)
	}
}

// TestSecondClassAndDanger: a facilities report of 危及安全 with a second
// class goes to the lead department with copies to the others (the safety
// department among them), on the shortest clocks.
func TestSecondClassAndDanger(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	s := c.steward
	s.text("/report")
	s.press("设施维护")
	s.photo("wall", 100)
	s.press("完成")
	s.press("帽儿胡同")
	s.text("墙皮大块脱落,下面是人行道")
	s.press("危及安全")
	s.expect("设施维护、安全隐患") // the safety class came with 危及安全
	s.press("修改")
	s.press("添加类别")
	s.press("环境卫生")
	s.expect("设施维护、环境卫生、安全隐患")
	s.press("提交")
	number := ""
	for _, m := range s.last {
		if n := caseNumberIn(m.Text); n != "" {
			number = n
		}
	}
	c.coordinator.in(c.center).press("派单给东城区房管中心交道口管理所")
	cv := w.caseView(t, number)
	// Safety: verify within 1 h, fix within 8 h (examples/roster.yaml) — the shortest.
	if want := time.Date(2026, 11, 27, 11, 0, 0, 0, cst); !cv.VerifyBy.Time.Equal(want) {
		t.Errorf("verify by %v, want %v (the safety class's hour)", cv.VerifyBy.Time.In(cst), want)
	}
	var copies []string
	_ = w.st.DB().Select(&copies, `SELECT d.code FROM case_departments cd JOIN departments d ON d.id = cd.department_id
		JOIN cases c ON c.id = cd.case_id WHERE c.number = $1 ORDER BY d.code`, number)
	if !slices.Contains(copies, "pingan") || !slices.Contains(copies, "huanwei") {
		t.Errorf("copies: %v", copies)
	}
}

// exampleIn is the first example day (MM-DD) a prompt suggests, read back
// as a day.
func exampleIn(t *testing.T, said string, now time.Time) time.Time {
	t.Helper()
	g := regexp.MustCompile(`(?:例如|e\.g\.|For example) (\d{2}-\d{2})`).FindStringSubmatch(said)
	if g == nil {
		t.Fatalf("no example date in %q", said)
	}
	day, ok := conversations.ParseDay(g[1], now, cst)
	if !ok {
		t.Fatalf("the example %q does not parse", g[1])
	}
	return day
}

// TestDatesInWordsAndExamplesAhead: on Monday 2026-12-21 the date prompts
// suggest days ahead (not 12-05), and a department and a trainer type their
// days in words.
func TestDatesInWordsAndExamplesAhead(t *testing.T) {
	monday := time.Date(2026, 12, 21, 10, 0, 0, 0, cst)
	today := time.Date(2026, 12, 21, 0, 0, 0, 0, cst)
	w := newWorldAt(t, monday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.dept.in(c.deptGroup).press("已核实")
	c.dept.press("限期整改")
	c.dept.expect("可选 12-21 至 12-24")
	if ex := exampleIn(t, c.dept.said(), monday); ex.Before(today) || ex.After(time.Date(2026, 12, 24, 23, 0, 0, 0, cst)) {
		t.Errorf("the date step suggests %v, outside 12-21 … 12-24", ex)
	}
	c.dept.text("下个月") // not a day: the hint's example lies ahead too
	c.dept.expect("没看懂这个日期", "明天")
	if ex := exampleIn(t, c.dept.said(), monday); ex.Before(today) {
		t.Errorf("the hint suggests %v, in the past", ex)
	}
	c.dept.text("后天")
	c.dept.expect("整改方案")
	c.dept.text("环卫所派两名保洁员清运")
	c.dept.expect("整改时限 12-23 17:30")
	if cv := w.caseView(t, number); !cv.FixBy.Time.Equal(time.Date(2026, 12, 23, 17, 30, 0, 0, cst)) {
		t.Errorf("后天 gave fix-by %v", cv.FixBy.Time.In(cst))
	}

	// 申请延期: the example is after the current deadline; 下周一 is 12-28.
	c.dept.in(c.deptGroup).press("申请延期")
	if ex := exampleIn(t, c.dept.said(), monday); !ex.After(time.Date(2026, 12, 23, 17, 30, 0, 0, cst)) {
		t.Errorf("the extension step suggests %v, not after the deadline 12-23", ex)
	}
	c.dept.text("下周一下午2点") // a day with a time: that time
	c.dept.text("需要协调产权单位")
	c.dept.expect("延期到 12-28 14:00 的申请已提交")

	// A trainer: the example is tomorrow, and 12月23日下午2点 is read.
	tr := w.person(t, "T01", "7401")
	tr.text("/training")
	tr.text("垃圾分类实操")
	tr.press("讲座")
	tr.expect("例如 12-22 14:00")
	tr.text("12月23日下午2点")
	tr.expect("多长时间")
	tr.text("/back")
	tr.text("明天下午两点半")
	tr.expect("多长时间")
	tr.press("90 分钟")
	tr.text("交道口街道办三楼会议室")
	tr.press("全部小巷管家")
	tr.text("3")
	tr.press("跳过")
	tr.expect("请核对", "12-22 14:30")
}

// TestReasonStepTakesACorrectedDate: a day typed where a reason is asked is
// the date the department meant, not the reason (issue 20: 12-30 asked for
// a reason, and 12-08 was saved as one).
func TestReasonStepTakesACorrectedDate(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	first := c.report(t, "门口堆了建筑垃圾,三天没人清")
	second := c.report(t, "垃圾桶满了,溢到路上")
	note := func(number, kind string) string {
		t.Helper()
		var n string
		if err := w.st.DB().Get(&n, `SELECT e.note FROM case_events e JOIN cases c ON c.id = e.case_id
			WHERE c.number = $1 AND e.kind = $2 ORDER BY e.id DESC LIMIT 1`, number, kind); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// 12-30 is past the limit (12-02): a reason is asked; 12-01 typed then is
	// the date, within the limit, and needs none.
	center := c.coordinator.in(c.center)
	center.send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + itoa(w.caseView(t, first).ID)}})
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + itoa(w.caseView(t, first).ID)}})
	c.dept.press("限期整改")
	c.dept.text("12-30")
	c.dept.expect("超过了时限 12-02", "请说明需要更长时间的理由")
	c.dept.text("12-01")
	c.dept.expect("整改方案")
	c.dept.text("环卫所派两名保洁员清运")
	c.dept.expect("整改时限 12-01 17:30")
	if cv := w.caseView(t, first); !cv.FixBy.Time.Equal(time.Date(2026, 12, 1, 17, 30, 0, 0, cst)) {
		t.Errorf("fix-by %v, want 12-01 17:30", cv.FixBy.Time.In(cst))
	}
	if n := note(first, "verified"); n != "限期整改,12-01 17:30 前完成;方案:环卫所派两名保洁员清运" {
		t.Errorf("the verification's note is %q", n)
	}

	// A past day at the reason step asks for the date again; a later day
	// still beyond the limit is taken, and the reason asked for it.
	center.send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + itoa(w.caseView(t, second).ID)}})
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + itoa(w.caseView(t, second).ID)}})
	c.dept.press("限期整改")
	c.dept.text("12-30")
	c.dept.text("11-20")
	c.dept.expect("这个日期已经过去了", "请输入整改完成日期")
	c.dept.text("12-31")
	c.dept.expect("请说明需要更长时间的理由")
	c.dept.text("12月8日")
	c.dept.expect("日期已改为 12-08", "请说明需要更长时间的理由")
	c.dept.text("材料要订货")
	c.dept.expect("整改方案")
	c.dept.text("环卫所派两名保洁员清运")
	c.dept.expect("整改时限 12-08 17:30")
	if n := note(second, "verified"); n != "限期整改,12-08 17:30 前完成(材料要订货);方案:环卫所派两名保洁员清运" {
		t.Errorf("the verification's note is %q", n)
	}

	// 申请延期: a day typed for the reason moves the requested day.
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:extend:" + itoa(w.caseView(t, second).ID)}})
	c.dept.text("12-20")
	c.dept.expect("请说明延期理由")
	c.dept.text("12-24")
	c.dept.expect("日期已改为 12-24", "请说明延期理由")
	c.dept.text("12-05") // not after the deadline (12-08): asked for the date again
	c.dept.expect("必须晚于目前的时限", "希望延期到哪一天")
	c.dept.text("12-24")
	c.dept.text("需要协调产权单位")
	c.dept.expect("延期到 12-24 17:30 的申请已提交")
	if n := note(second, "extension_requested"); n != "需要协调产权单位" {
		t.Errorf("the extension's reason is %q", n)
	}
}

// TestCardLabelsKeepWorking: a case card's buttons work while the card is
// current, typed by their label as well as pressed, in a flow and after it;
// /back from a flow's first step returns to the card (issue 20: after 报告进展
// a typed 已整改 said nothing useful; after 改派其他部门 /back said 已经是第一步了
// and 派单 stopped working).
func TestCardLabelsKeepWorking(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.dept.in(c.deptGroup).press("已核实")
	c.dept.press("立即整改")

	// 报告进展 from the group card, then 已整改 typed in the private chat.
	c.dept.in(c.deptGroup).press("报告进展")
	c.dept.text("已安排清运车,下午到")
	c.dept.press("跳过")
	c.dept.expect("进展已通知")
	c.dept.text("已整改")
	c.dept.expect("请发送案件 " + number + " 整改后的照片")
	// /back at that first step: the card again, its buttons pressable.
	c.dept.text("/back")
	c.dept.expect("已退出整改报告,回到案件", number)
	if c.dept.said() == "" || strings.Contains(c.dept.said(), "已经是第一步了") {
		t.Errorf("/back at the first step: %q", c.dept.said())
	}
	var labels []string
	for _, b := range c.dept.buttons {
		labels = append(labels, b.Label)
	}
	if !slices.Equal(labels, []string{"报告进展", "申请延期", "已整改"}) {
		t.Errorf("the card after /back has %v", labels)
	}
	c.dept.text("报告进展")
	c.dept.expect("请写下案件 " + number + " 的进展")
	c.dept.text("已清运一半")
	c.dept.text("已整改") // at the photos step: the card's 已整改, not a wrong input
	c.dept.expect("已取消进展报告", "整改后的照片")
	c.dept.photo("after", 100)
	c.dept.press("完成")
	c.dept.press("跳过")
	c.steward.expectSent(t, w, "请到现场复核")
	// The steward types 通过 for the re-check card.
	c.steward.text("通过")
	c.steward.expect("复核通过,已办结")
	want := []string{"submitted", "dispatched", "verified", "progress", "fixed", "rechecked", "closed"}
	if got := w.timeline(t, number); !slices.Equal(got, want) {
		t.Errorf("timeline:\n got %v\nwant %v", got, want)
	}

	// 改派其他部门, then /back: the card; again, then 派单 typed dispatches.
	second := c.report(t, "垃圾桶满了,溢到路上")
	c.coordinator.in(c.center).press("改派其他部门")
	c.coordinator.expect("派给哪个部门负责")
	c.coordinator.text("/back")
	c.coordinator.expect("已退出改派,回到案件", second)
	c.coordinator.text("改派其他部门")
	c.coordinator.expect("派给哪个部门负责")
	c.coordinator.text("派单给交道口街道环卫所")
	c.coordinator.expect("已取消改派", "已派单:"+second+" → 交道口街道环卫所")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states WHERE user_id = '7101'`); n != 0 {
		t.Errorf("the coordinator still has %d draft(s)", n)
	}
	// The press of 派单 on the card while 改派 runs: the same.
	third := c.report(t, "路灯不亮,晚上很黑")
	c.coordinator.in(c.center).press("改派其他部门")
	c.coordinator.in(c.center).send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + itoa(w.caseView(t, third).ID)}})
	c.coordinator.in(c.center).expect("已派单:" + third)
	c.coordinator.expect("已取消改派") // privately, where the flow ran
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states WHERE user_id = '7101'`); n != 0 {
		t.Errorf("the coordinator still has %d draft(s)", n)
	}

	// Several cases offer the label: the one the person last acted on; none
	// acted on: the cases are listed to choose.
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + itoa(w.caseView(t, second).ID)}})
	c.dept.press("立即整改")
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + itoa(w.caseView(t, third).ID)}})
	c.dept.press("立即整改")
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:progress:" + itoa(w.caseView(t, second).ID)}})
	c.dept.text("材料已到")
	c.dept.press("跳过")
	c.dept.text("已整改")
	c.dept.expect("请发送案件 " + second + " 整改后的照片")
	c.dept.text("/cancel")
	fourth := c.report(t, "井盖松动")
	fifth := c.report(t, "墙皮脱落")
	c.coordinator.text("退回")
	c.coordinator.expect("有 2 个案件可以「退回」", fourth, fifth)
	c.coordinator.press("退回")
	c.coordinator.expect("请写明退回案件 " + fifth)
	c.coordinator.text("/cancel")
	// A steward typing 派单 is told who may.
	c.steward.text("派单")
	c.steward.expect("「派单」只有问题受理中心、管理员可以操作")
}
