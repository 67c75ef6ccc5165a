package handlers

import (
	"strings"
	"testing"

	"github.com/alleybot/alleybot/bot"
)

// TestSuggestionAnsweredInGroup: a resident's 建议 in 南锣鼓巷's residents'
// group is acknowledged there with its number, reaches the community's
// steward privately and the center's group (without the resident's
// name), is answered by the steward, and the answer comes back to the
// group; a second press says who handled it.
func TestSuggestionAnsweredInGroup(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	res := resident(t, w, "8001")
	inGroup := res.in(c.residents)

	inGroup.text("建议 帽儿胡同口加装一盏路灯,晚上太黑")
	inGroup.expect("已收到您的建议,编号 J2026-000001")
	c.steward.expectSent(t, w, "新的居民建议")
	w.expectChat(t, c.steward.chat, "加装一盏路灯")
	w.expectChat(t, c.center, "居民建议 J2026-000001", "加装一盏路灯")
	for _, m := range w.sent {
		if m.ChatID != c.residents && m.ChatID != res.chat && strings.Contains(m.Text, "用户8001") {
			t.Errorf("the resident's name reached %s: %q", m.ChatID, m.Text)
		}
	}

	answer := w.lastButton(t, c.steward.chat, "已答复")
	c.steward.send(bot.Update{Callback: &bot.Callback{Data: answer}})
	c.steward.expect("处理建议", "请写下给居民的答复")
	c.steward.text("已联系街道,下周安装路灯")
	c.steward.expect("建议 J2026-000001 已答复")
	w.expectChat(t, c.residents, "关于您的建议 J2026-000001", "下周安装路灯")

	// A second press, by the coordinator on the center's card.
	card := w.lastButton(t, c.center, "记录")
	center := c.coordinator.in(c.center)
	center.send(bot.Update{Callback: &bot.Callback{Data: card}})
	center.expect("建议 J2026-000001 已由 王秀兰 处理(已答复")
	if n := count(t, w.st, `SELECT count(*) FROM suggestions WHERE status = 'answered' AND answer LIKE '%下周安装%'`); n != 1 {
		t.Errorf("answered suggestions: %d", n)
	}
}

// TestSuggestionBecomesCase: 转为案件 makes a case of the chosen kind in
// the chosen alley (the group names only the community); the resident is
// told its number; 记录 on another records it without an answer.
func TestSuggestionBecomesCase(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	res := resident(t, w, "8001").in(c.residents)
	res.text("/suggest 雨儿胡同的垃圾桶太少,建议增加两个")
	res.expect("已收到您的建议")
	card := w.lastButton(t, c.center, "转为案件")
	center := c.coordinator.in(c.center)
	center.send(bot.Update{Callback: &bot.Callback{Data: card}})
	c.coordinator.expect("请选择问题类别")
	c.coordinator.press("环境卫生")
	c.coordinator.expect("这条建议是关于哪条小巷的")
	c.coordinator.press("雨儿胡同")
	c.coordinator.expect("建议 J2026-000001 已转为案件 2026-000001")
	w.expectChat(t, c.residents, "已立为案件 2026-000001")
	w.expectChat(t, c.center, "新案件待派单")
	if n := count(t, w.st, `SELECT count(*) FROM cases WHERE source = 'suggestion' AND description LIKE '%垃圾桶太少%'`); n != 1 {
		t.Errorf("cases from the suggestion: %d", n)
	}

	res.text("建议:周末组织一次胡同清洁活动")
	res.expect("J2026-000002")
	record := w.lastButton(t, c.center, "记录")
	center.send(bot.Update{Callback: &bot.Callback{Data: record}})
	center.expect("建议 J2026-000002 已记录")
	if n := count(t, w.st, `SELECT count(*) FROM suggestions WHERE status = 'recorded' AND handled_by IS NOT NULL`); n != 1 {
		t.Errorf("recorded suggestions: %d", n)
	}
	// A department may not press it.
	d := w.person(t, "D01", "7201")
	d.send(bot.Update{Callback: &bot.Callback{Data: record}})
	d.expect("只有")
}

// TestSuggestionEmojiRefused: only emoji or zero-width characters, or
// nothing after 建议, is refused with the reason; nothing is filed.
func TestSuggestionEmojiRefused(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	res := resident(t, w, "8001")
	res.in(c.residents).text("建议 😀😀👍")
	res.in(c.residents).expect("只有表情或不可见字符")
	res.text("建议 \u200b\u200b\u200d")
	res.expect("请在「建议」后面写下您的建议内容")
	res.text("/suggest")
	res.expect("请在「建议」后面写下您的建议内容")
	if n := count(t, w.st, `SELECT count(*) FROM suggestions`); n != 0 {
		t.Errorf("suggestions filed: %d", n)
	}
	// Privately, a real one is taken (no alley: the coordinators get it).
	res.text("建议 菊儿胡同增加几把长椅")
	res.expect("已收到您的建议,编号 J2026-000001")
	w.expectChat(t, c.center, "增加几把长椅")
}

// TestComplaintInOneMessage: 投诉 with its text goes on past the
// description: the flow asks the kind, then where.
func TestComplaintInOneMessage(t *testing.T) {
	w := newWorldAt(t, friday)
	newCast(t, w)
	res := resident(t, w, "8001")
	res.text("投诉 胡同口天天有人乱停车")
	res.expect("您要投诉什么")
	res.press("小巷里的问题")
	res.expect("在哪里")
	res.press("帽儿胡同")
	res.press("跳过")
	res.press("留名")
	res.expect("已收到您的投诉,编号 T2026-000001")
	if n := count(t, w.st, `SELECT count(*) FROM complaints WHERE description = '胡同口天天有人乱停车'`); n != 1 {
		t.Errorf("complaints with the one-message text: %d", n)
	}
	res.text("/complain 雨儿胡同的路灯坏了一个月")
	res.expect("您要投诉什么")
	res.press("小巷里的问题")
	res.expect("在哪里")
}

// TestComplaintInOneMessageInGroup: in a Telegram residents' group the
// text written after 投诉 travels with the private link, so the private
// chat does not ask for it again.
func TestComplaintInOneMessageInGroup(t *testing.T) {
	w := newWorldAt(t, friday)
	w.flows.Deps().BotUsername = func() string { return "alley_test_bot" }
	c := newCast(t, w)
	res := resident(t, w, "8001")
	inGroup := res.in(c.residents)
	inGroup.text("投诉 胡同口天天有人乱停车")
	inGroup.expect("私聊继续投诉", "https://t.me/alley_test_bot?start=cmp_")
	link := linkRe.FindStringSubmatch(inGroup.said())[1]
	res.text("/start " + link)
	res.expect("您要投诉什么")
	res.press("小巷里的问题")
	res.expect("在哪里")
	res.press("帽儿胡同")
	res.press("跳过")
	res.press("留名")
	res.expect("已收到您的投诉,编号 T2026-000001")
	if n := count(t, w.st, `SELECT count(*) FROM complaints WHERE description = '胡同口天天有人乱停车'`); n != 1 {
		t.Errorf("complaints with the group's one-message text: %d", n)
	}
}
