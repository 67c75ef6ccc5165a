package handlers

import (
	"regexp"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/complaints"
	"github.com/alleybot/alleybot/model"
)

var linkRe = regexp.MustCompile(`start=(cmp_[0-9a-f]+)`)

func resident(t *testing.T, w *world, id string) *chatter {
	return &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: id, kind: bot.Private, user: id, name: "用户" + id}
}

// TestComplaintBecomesCaseAndResidentFollows: a resident asks in the
// residents' group, is answered there with a link for them alone, files
// the complaint privately (anonymous), the center turns it into a case,
// and the resident is told of each step, and rates the closing privately.
func TestComplaintBecomesCaseAndResidentFollows(t *testing.T) {
	w := newWorldAt(t, friday)
	w.flows.Deps().BotUsername = func() string { return "alley_test_bot" }
	c := newCast(t, w)
	res := resident(t, w, "8001")
	other := resident(t, w, "8009")

	inGroup := res.in(c.residents)
	inGroup.text("投诉")
	inGroup.expect("私聊继续投诉", "https://t.me/alley_test_bot?start=cmp_")
	link := linkRe.FindStringSubmatch(inGroup.said())[1]

	other.text("/start " + link)
	other.expect("这个链接是别人的")
	res.text("/start cmp_0000")
	res.expect("链接已失效")

	res.text("/start " + link)
	res.expect("您要投诉什么")
	res.press("小巷里的问题")
	res.text("短")
	res.expect("至少 4 个字")
	res.text("帽儿胡同口的垃圾三天没人收,味道很大")
	res.expect("在哪里")
	res.press("帽儿胡同")
	res.expect("有照片吗")
	res.photo("k1", 100)
	res.press("完成")
	res.expect("是否匿名")
	res.press("匿名")
	res.expect("已收到您的投诉,编号 T2026-000001")

	card := w.lastButton(t, c.center, "转为案件")
	w.expectChat(t, c.center, "新投诉待处理", "匿名居民")
	for _, m := range w.sent {
		if m.ChatID == c.center && strings.Contains(m.Text, "用户8001") {
			t.Errorf("an anonymous resident's name reached the center: %q", m.Text)
		}
	}
	// Only coordinators decide.
	c.steward.send(bot.Update{Callback: &bot.Callback{Data: card}})
	c.steward.expect("只有")
	// The card's buttons count in the center's group (or privately), not
	// in the residents' group: nothing is said there, nothing starts.
	c.coordinator.in(c.residents).send(bot.Update{Callback: &bot.Callback{Data: card}})
	if got := w.saidTo(c.residents); got != "" {
		t.Errorf("the residents' group was told %q", got)
	}
	c.coordinator.expect("投诉 T2026-000001 的「转为案件」按钮只在问题受理中心的群或与我的私聊中有效")
	center := c.coordinator.in(c.center)
	center.send(bot.Update{Callback: &bot.Callback{Data: card}})
	c.coordinator.expect("处理投诉", "请选择问题类别")
	c.coordinator.press("环境卫生")
	c.coordinator.expect("已转为案件 2026-000001")
	res.expectSent(t, w, "已立为案件 2026-000001")
	w.expectChat(t, c.center, "新案件待派单")
	center.send(bot.Update{Callback: &bot.Callback{Data: card}})
	center.expect("已处理(已转为案件)")

	// The case runs its course; the resident hears of each step.
	center.press("派单给交道口街道环卫所")
	res.expectSent(t, w, "已派给交道口街道环卫所")
	c.dept.in(c.deptGroup).press("已核实")
	c.dept.press("立即整改")
	res.expectSent(t, w, "已现场核实")
	c.dept.in(c.deptGroup).press("已整改")
	c.dept.photo("after", 100)
	c.dept.press("完成")
	c.dept.press("跳过")
	// The case has no steward reporter: a steward of the alley re-checks.
	data := w.lastButton(t, c.steward.chat, "通过")
	c.steward.send(bot.Update{Callback: &bot.Callback{Data: data}})
	c.steward.expect("复核通过,已办结")
	res.expectSent(t, w, "已办结。请为处理结果打分")
	rate := w.lastButton(t, res.chat, "★★★★")
	res.send(bot.Update{Callback: &bot.Callback{Data: rate}})
	res.expect("谢谢您对案件 2026-000001 的评价")
	other.send(bot.Update{Callback: &bot.Callback{Data: rate}}) // not theirs, not in the group
	other.expect("居民群里")
	var photos int
	_ = w.st.DB().Get(&photos, `SELECT count(*) FROM photos p JOIN cases c ON c.id = p.case_id WHERE c.number = '2026-000001' AND p.complaint_id IS NOT NULL`)
	if photos != 1 {
		t.Errorf("the complaint's photo on the case: %d", photos)
	}
}

// TestComplaintAboutStaffReachesSupervisorsOnly: a complaint about a
// steward goes to the supervisors alone (not the center, not the steward),
// who record the outcome; the resident is told.
func TestComplaintAboutStaffReachesSupervisorsOnly(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	res := resident(t, w, "8002")
	res.text("投诉")
	res.press("投诉工作人员")
	res.text("小巷管家上门态度很差")
	res.expect("投诉的对象")
	res.text("王秀兰")
	res.press("匿名")
	res.expect("只交给督导处理")
	w.expectChat(t, c.supervisor.chat, "仅督导可见", "王秀兰", "用户8002(匿名,账号 telegram 8002)")
	for _, m := range w.sent {
		if m.ChatID == c.center || m.ChatID == c.steward.chat || m.ChatID == c.coordinator.chat {
			if strings.Contains(m.Text, "态度很差") {
				t.Errorf("the complaint about the staff reached %s: %q", m.ChatID, m.Text)
			}
		}
	}
	settle := w.lastButton(t, c.supervisor.chat, "记录处理结果")
	c.coordinator.send(bot.Update{Callback: &bot.Callback{Data: settle}})
	c.coordinator.expect("只有")
	c.supervisor.send(bot.Update{Callback: &bot.Callback{Data: settle}})
	c.supervisor.expect("是否属实")
	c.supervisor.press("不属实")
	c.supervisor.text("经核实,当时为正常劝导")
	c.supervisor.expect("已记录投诉", "不属实")
	res.expectSent(t, w, "已由督导处理。核实结果:不属实。说明:经核实,当时为正常劝导")
	if n := count(t, w.st, `SELECT count(*) FROM complaints WHERE status = $1 AND verdict = $2 AND about_person IS NULL
		AND answer = '经核实,当时为正常劝导'`, model.ComplaintSettled, model.ComplaintNotUpheld); n != 1 {
		t.Errorf("settled complaints: %d", n)
	}
}

// TestComplaintLimitsAndAnswers: three an hour, then a polite refusal with
// the time; the center may answer directly or decline with a reason.
func TestComplaintLimitsAndAnswers(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	complaints.Of(w.flows).PerHour = 3
	res := resident(t, w, "8003")
	file := func(what string) {
		t.Helper()
		res.text("/complain")
		res.press("小巷里的问题")
		res.text(what)
		res.press("福祥胡同")
		res.press("跳过")
		res.press("留名")
		res.expect("已收到您的投诉")
	}
	file("路灯坏了一周了")
	file("下水道有异味很久")
	file("电动车乱停堵住路口")
	res.text("投诉")
	res.expect("一小时内已投诉 3 次", "11:00 以后")
	if n := count(t, w.st, `SELECT count(*) FROM complaints`); n != 3 {
		t.Errorf("%d complaints filed, want 3", n)
	}
	center := c.coordinator.in(c.center)
	answer := w.lastButton(t, c.center, "直接答复")
	center.send(bot.Update{Callback: &bot.Callback{Data: answer}})
	c.coordinator.text("已通知物业,今天下午清理")
	c.coordinator.expect("已答复投诉")
	res.expectSent(t, w, "已答复:已通知物业,今天下午清理")
	w.expectChat(t, c.center, "投诉人:用户8003") // named: the center sees who
	_ = c
	res.text("/contact")
	res.expect("尚未公布")

	// A barred sender is told so; nothing is started.
	banned := resident(t, w, "8004")
	if _, err := w.st.DB().Exec(`INSERT INTO complaint_bans (platform, user_id, until, reason) VALUES ('telegram', '8004', '2099-01-01', '骚扰')`); err != nil {
		t.Fatal(err)
	}
	banned.text("投诉")
	banned.expect("暂时不能通过这里投诉")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states WHERE user_id = '8004'`); n != 0 {
		t.Errorf("a barred sender's flow was started")
	}
}

// TestResidentWithoutAccount: on Telegram someone not in the roster who
// asks for help is told what residents can do (complain, follow a case by
// its number, the contact), with one line for staff on how to bind; a case
// number gets its progress; a complaint number its state, to the one who
// filed it alone.
func TestResidentWithoutAccount(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	res := resident(t, w, "8005")
	for _, help := range []string{"/help", "帮助", "/start"} {
		res.text(help)
		res.expect("居民可以在这里", "发送「投诉」", "案件编号", "联系方式", "工作人员:请向管理员索取邀请链接")
		if len(res.last) != 1 {
			t.Errorf("%s: %d messages, want one", help, len(res.last))
		}
	}
	res.text(number)
	res.expect("案件 "+number+"(2026-11-27 上报)", "小巷:帽儿胡同", "状态:已提交,待派单")
	res.text("/case " + number)
	res.expect("状态:已提交,待派单")

	res.text("投诉")
	res.press("小巷里的问题")
	res.text("路灯坏了一周了")
	res.press("福祥胡同")
	res.press("跳过")
	res.press("留名")
	res.text("T2026-000001")
	res.expect("投诉 T2026-000001:待处理")
	other := resident(t, w, "8006")
	other.text("t2026-000001")
	other.expect("没有找到您的投诉 T2026-000001")
	if strings.Contains(other.said(), "路灯") {
		t.Errorf("someone else's complaint was shown: %s", other.said())
	}
}

// TestComplaintCaseNamesWhoActed: a case made of a complaint names its
// source, and a resident's rating names a resident, not an empty name.
func TestComplaintCaseNamesWhoActed(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	res := resident(t, w, "8001")
	res.text("投诉")
	res.press("小巷里的问题")
	res.text("帽儿胡同口的垃圾三天没人收,味道很大")
	res.press("帽儿胡同")
	res.press("跳过")
	res.press("匿名")
	center := c.coordinator.in(c.center)
	center.press("转为案件")
	c.coordinator.press("环境卫生")
	center.press("派单给交道口街道环卫所")
	c.dept.in(c.deptGroup).press("已核实")
	c.dept.press("立即整改")
	c.dept.in(c.deptGroup).press("已整改")
	c.dept.photo("after", 100)
	c.dept.press("完成")
	c.dept.press("跳过")
	c.steward.send(bot.Update{Callback: &bot.Callback{Data: w.lastButton(t, c.steward.chat, "通过")}})
	res.send(bot.Update{Callback: &bot.Callback{Data: w.lastButton(t, res.chat, "★★")}})
	c.coordinator.text("/case 2026-000001")
	c.coordinator.expect("上报:居民投诉 11-27 10:00", "居民投诉  提交上报", "居民  居民评价")
	for _, line := range strings.Split(c.coordinator.said(), "\n") {
		if strings.Contains(line, ":  ") || strings.Contains(line, "    ") || strings.HasSuffix(line, ": ") || strings.HasSuffix(line, ":") && strings.HasPrefix(line, "上报") {
			t.Errorf("a line with an empty name: %q", line)
		}
	}
}
