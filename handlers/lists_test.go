package handlers

import (
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/complaints"
)

// TestComplaintsList: once a complaint's card has scrolled away in the
// center's group, /queue says how many wait and /complaints lists them
// with their buttons, oldest first; a complaint about the staff is listed
// to the supervisors alone.
func TestComplaintsList(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	complaints.Of(w.flows).AnswerWithin = 8 * time.Hour
	res := resident(t, w, "8003")
	res.text("/complain")
	res.press("小巷里的问题")
	res.text("路灯坏了一周了")
	res.press("福祥胡同")
	res.press("跳过")
	res.press("留名")
	res.expect("已收到您的投诉")
	res.text("投诉")
	res.press("投诉工作人员")
	res.text("小巷管家上门态度很差")
	res.text("王秀兰")
	res.press("匿名")

	c.coordinator.text("/queue")
	c.coordinator.expect("待处理投诉 1 件", "/complaints")
	msgs := c.coordinator.text("/complaints")
	c.coordinator.expect("待处理投诉 1 件", "路灯坏了一周了", "答复时限 11-30 10:30") // 8 working hours
	if strings.Contains(texts(msgs), "态度很差") {
		t.Errorf("the center was shown a complaint about the staff: %s", texts(msgs))
	}
	c.coordinator.press("直接答复")
	c.coordinator.text("已通知路灯所,明天修好")
	c.coordinator.expect("已答复投诉")
	res.expectSent(t, w, "已答复:已通知路灯所,明天修好")
	c.coordinator.text("/complaints")
	c.coordinator.expect("没有待处理的投诉")

	c.supervisor.text("/complaints")
	c.supervisor.expect("待处理投诉 1 件", "态度很差", "匿名,账号 telegram 8003")
	c.supervisor.press("记录处理结果")
	c.supervisor.press("不属实")
	c.supervisor.text("经核实,当时为正常劝导")
	c.supervisor.expect("已记录投诉")

	c.steward.text("/complaints")
	c.steward.expect("/complaints 只有问题受理中心、督导、管理员可以使用")
	c.coordinator.text("/help")
	c.coordinator.expect("/complaints — 待处理的投诉")
	if c.steward.text("/help"); strings.Contains(c.steward.said(), "/complaints") {
		t.Errorf("a steward's /help offers /complaints")
	}
}

// TestMyTrainings: a steward whose training notice scrolled away finds it
// with /mytrainings, with their answer and the buttons, and answers there.
func TestMyTrainings(t *testing.T) {
	w := newWorldAt(t, friday)
	tr := w.person(t, "T01", "7401")
	s1 := w.person(t, "S01", "7601")
	s1.text("/help")
	s1.expect("/mytrainings — 我收到的培训通知")
	s1.text("/mytrainings")
	s1.expect("近期没有收到培训通知")
	tr.text("/training")
	tr.text("垃圾分类实操")
	tr.press("讲座")
	tr.text("11-30 14:00")
	tr.press("90 分钟")
	tr.text("交道口街道办三楼会议室")
	tr.press("指定人员")
	tr.text("王秀兰")
	tr.press("不限")
	tr.press("跳过")
	tr.press("发布")
	for i := 0; i < 3; i++ { // the notice scrolls away
		s1.text("/whoami")
	}
	s1.text("/mytrainings")
	s1.expect("收到的培训通知(1 个)", "垃圾分类实操", "11-30 14:00", "您的回复:未回复")
	s1.press("报名")
	s1.expect("已报名「垃圾分类实操」")
	s1.text("我的培训")
	s1.expect("您的回复:已报名")

	w.now = time.Date(2026, 11, 30, 16, 0, 0, 0, cst) // after it: no buttons
	msgs := s1.text("/mytrainings")
	s1.expect("已经开始或结束")
	for _, m := range msgs {
		if len(m.Buttons) > 0 {
			t.Errorf("a training that has started still offers %v", m.Buttons)
		}
	}
	tr.text("/mytrainings")
	tr.expect("近期没有收到培训通知")
	_ = bot.Private
}

// TestListsReadWell: an unscheduled patrol names its steward in
// /patrols; an empty list's heading ends without a colon; months are named
// in English.
func TestListsReadWell(t *testing.T) {
	w := newWorldAt(t, friday) // 10:00: 王秀兰 patrols 雨儿胡同 16:00–17:00, not now
	s := w.person(t, "S01", "7001")
	c := w.person(t, "C01", "7101")
	d := w.person(t, "D02", "7202")
	s.text("/patrol")
	s.press("雨儿胡同")
	s.loc(39.93680, 116.39860)
	s.expect("已签到:雨儿胡同")
	c.text("/patrols")
	found := false
	for _, line := range strings.Split(c.said(), "\n") {
		if strings.HasPrefix(line, "10:00 雨儿胡同") {
			found = true
			if !strings.Contains(line, "王秀兰") {
				t.Errorf("an unscheduled patrol without its steward: %q", line)
			}
		}
	}
	if !found {
		t.Errorf("no line of the unscheduled patrol: %s", c.said())
	}

	s.text("/mycases")
	s.expect("11 月已办结 0 件,其中当场解决 0 件(计入您的成绩)")
	d.text("/dept")
	d.expect("东城区房管中心交道口管理所未办结 0 件")
	c.text("/queue")
	c.expect("待派单 0 件", "已超时 0 件", "待复核 0 件")
	for _, said := range []string{s.said(), d.said(), c.said()} {
		for _, line := range strings.Split(strings.TrimSpace(said), "\n") {
			if strings.HasSuffix(line, ":") || strings.HasSuffix(line, "\uff1a") {
				t.Errorf("an empty list's heading ends with a colon: %q", line)
			}
		}
	}

	s.text("/lang en")
	s.text("/mycases")
	s.expect("Closed in November: 0")
	s.text("/mypatrols")
	s.expect("Patrols in November:")
	if strings.Contains(s.said(), "month 11") {
		t.Errorf("a month said as a number: %s", s.said())
	}
}
