package handlers

import (
	"strings"
	"testing"

	"github.com/alleybot/alleybot/bot"
)

// TestComplaintByPhone (七(二)1): a coordinator records a complaint taken
// on the hotline (/complain_for): a number that is not a phone is refused;
// the center gets it like a resident's, without the caller's name or
// phone, which the supervisor alone sees; answering it records the
// call-back (电话回访) with its time, and nothing is sent to the caller.
func TestComplaintByPhone(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	co := c.coordinator
	c.steward.text("/complain_for")
	c.steward.expect("只有")

	co.text("/complain_for")
	co.expect("投诉是怎么收到的")
	co.press("电话")
	co.expect("投诉人的姓名")
	co.text("赵大爷")
	co.expect("投诉人的电话")
	for _, bad := range []string{"12345", "2381234567", "138123456789", "打过来"} {
		co.text(bad)
		co.expect("不是有效的电话号码")
	}
	co.text("+86 139 0101 8888")
	co.expect("投诉的内容")
	co.text("帽儿胡同口天天有人乱停车,消防通道堵了")
	co.expect("在哪条小巷")
	co.press("帽儿胡同")
	co.expect("已登记电话投诉,编号 T2026-000001")

	w.expectChat(t, c.center, "新投诉待处理", "乱停车", "电话投诉(投诉人信息仅督办可见)")
	secret := func(who string) {
		t.Helper()
		for _, m := range w.sent {
			if m.ChatID != c.supervisor.chat && (strings.Contains(m.Text, "13901018888") || strings.Contains(m.Text, "赵大爷")) {
				t.Errorf("%s: the caller reached chat %s: %q", who, m.ChatID, m.Text)
			}
		}
	}
	secret("filed")
	co.text("/complaints")
	co.expect("T2026-000001", "仅督办可见")
	secret("listed to the coordinator")
	c.supervisor.text("/complaints")
	c.supervisor.expect("电话投诉:赵大爷,电话 13901018888")

	card := w.lastButton(t, c.center, "直接答复")
	co.in(c.center).send(bot.Update{Callback: &bot.Callback{Data: card}})
	co.expect("请写答复")
	co.text("已联系交通队,本周起早晚巡查")
	co.expect("无法自动通知", "已答复投诉 T2026-000001")
	var answer string
	if err := w.st.DB().Get(&answer, `SELECT answer FROM complaints WHERE number = 'T2026-000001' AND status = 'answered'`); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(answer, "电话回访(2026-") || !strings.Contains(answer, "本周起早晚巡查") {
		t.Errorf("the recorded answer: %q", answer)
	}
	for _, m := range w.sent {
		if m.Platform == bot.Offline {
			t.Errorf("something was sent to the offline caller: %q", m.Text)
		}
	}
	secret("answered")

	// A second phone complaint made a case: the call-back is recorded too.
	co.text("/complain_for")
	co.press("来信")
	co.text("钱女士")
	co.text("010-6401 2345")
	co.text("雨儿胡同的路灯坏了一个月")
	co.press("雨儿胡同")
	co.expect("已登记来信投诉,编号 T2026-000002")
	w.expectChat(t, c.center, "来信投诉(投诉人信息仅督办可见)")
	card = w.lastButton(t, c.center, "转为案件")
	co.in(c.center).send(bot.Update{Callback: &bot.Callback{Data: card}})
	co.press("设施维护")
	co.expect("无法自动通知", "已转为案件 2026-000001")
	if err := w.st.DB().Get(&answer, `SELECT answer FROM complaints WHERE number = 'T2026-000002' AND status = 'case'`); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(answer, "电话回访(2026-") || !strings.Contains(answer, "已立为案件 2026-000001") {
		t.Errorf("the recorded case answer: %q", answer)
	}
	for _, m := range w.sent {
		if m.ChatID != c.supervisor.chat && strings.Contains(m.Text, "01064012345") {
			t.Errorf("the caller's landline reached chat %s: %q", m.ChatID, m.Text)
		}
	}
}
