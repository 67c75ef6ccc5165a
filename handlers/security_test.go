package handlers

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/model"
)

// saidTo is what the last update made the bot say to chat.
func (w *world) saidTo(chat string) string {
	var b strings.Builder
	for _, m := range w.lastMsgs {
		if m.ChatID == chat {
			b.WriteString(m.Text + "\n")
		}
	}
	return b.String()
}

// TestCaseButtonCountsOnlyWhereSent: a case card's button counts in the
// chat its card was sent to (the center's group, the case's department's
// group) or in the presser's private chat. Pressed in a residents' group,
// the exchange group, another department's group or a group the roster
// does not know, it changes nothing and says nothing there; the presser is
// told privately where it counts.
func TestCaseButtonCountsOnlyWhereSent(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.report(t, "门口堆了建筑垃圾,三天没人清")
	id := itoa(w.caseView(t, number).ID)

	// The coordinator presses the center card's 退回 in the residents' group.
	c.coordinator.in(c.residents).send(bot.Update{Callback: &bot.Callback{Data: "c:return:" + id}})
	if got := w.saidTo(c.residents); got != "" {
		t.Errorf("the residents' group was told %q", got)
	}
	c.coordinator.expect("案件 "+number+" 的「退回」按钮只在问题受理中心的群或与我的私聊中有效", "案件没有任何改变")
	if n := count(t, w.st, `SELECT count(*) FROM conversation_states`); n != 0 {
		t.Errorf("a flow was started from the residents' group: %d conversation(s)", n)
	}
	// Nor in the exchange group, nor in a group the roster does not know.
	for _, group := range []string{"-1001", "-1999"} {
		c.coordinator.in(group).send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + id}})
		if got := w.saidTo(group); got != "" {
			t.Errorf("group %s was told %q", group, got)
		}
		c.coordinator.expect("「派单」按钮只在问题受理中心的群或与我的私聊中有效")
	}
	if got := w.timeline(t, number); !slices.Equal(got, []string{"submitted"}) {
		t.Fatalf("presses in the wrong chats changed the case: %v", got)
	}

	// A card shown in a group carries only the buttons that count there.
	buttonsTo := func(chat string) int {
		n := 0
		for _, m := range w.lastMsgs {
			if m.ChatID == chat {
				for _, row := range m.Buttons {
					n += len(row)
				}
			}
		}
		return n
	}
	c.coordinator.in(c.residents).text("/case " + number)
	if n := buttonsTo(c.residents); n != 0 {
		t.Errorf("/case in the residents' group showed %d buttons", n)
	}
	c.coordinator.in(c.center).text("/case " + number)
	if n := buttonsTo(c.center); n == 0 {
		t.Error("/case in the center's group showed no buttons")
	}

	// In the center's group it acts.
	c.coordinator.in(c.center).send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + id}})
	c.coordinator.in(c.center).expect("已派单:" + number)

	// The department's buttons count in its own group, not another department's.
	c.dept.in("-1005").send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + id}})
	if got := w.saidTo("-1005"); got != "" {
		t.Errorf("the other department's group was told %q", got)
	}
	c.dept.expect("「核实」按钮只在交道口街道环卫所的群或与我的私聊中有效")
	if st := w.caseView(t, number).Status; st != model.StatusDispatched {
		t.Fatalf("verified from another department's group: %s", st)
	}
	c.dept.in(c.deptGroup).send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + id}})
	c.dept.expect("整改计划")
	c.dept.press("立即整改")
	if st := w.caseView(t, number).Status; st != model.StatusVerified {
		t.Fatalf("verify from the department's group: %s", st)
	}
	// In the presser's private chat every case button counts.
	c.dept.send(bot.Update{Callback: &bot.Callback{Data: "c:progress:" + id}})
	c.dept.expect("进展")
}

// TestBoundAccountRedeemingAnotherCodeIsRefused: a coordinator who opens a
// steward's invitation link stays the coordinator, is told who the account
// is bound to and how to move it deliberately; the invitation stays good
// for the steward; 确认换绑 moves the account, and only then.
func TestBoundAccountRedeemingAnotherCodeIsRefused(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	ctx := context.Background()
	invite := func(code string) string {
		p, err := w.st.FindPerson(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := w.st.CreateInvite(ctx, p.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return inv.Code
	}
	boundTo := func(tgID string) string {
		p, err := w.st.PersonByIdentity(ctx, string(bot.Telegram), tgID)
		if err != nil {
			t.Fatal(err)
		}
		return p.Code
	}
	coordinator := c.coordinator

	// 确认换绑 with nothing pending changes nothing.
	coordinator.text("确认换绑")
	coordinator.expect("没有待确认的换绑")

	// The coordinator opens 李建国's (S02) invitation link.
	li := invite("S02")
	coordinator.text("/start " + li)
	coordinator.expect("这个账号已绑定为 ", "(问题受理中心)", "这个邀请码是给 李建国 的,所以没有换绑", "回复「确认换绑」", "alleybot unbind C01")
	if got := boundTo("7101"); got != "C01" {
		t.Fatalf("the account was moved to %s", got)
	}
	coordinator.text("/queue")
	coordinator.expect("待派单")
	// The invitation is still good for 李建国's own account.
	li2 := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: "7902", kind: bot.Private, user: "7902"}
	li2.text("/start " + li)
	li2.expect("绑定成功!您好,李建国")
	// Now it is used: the coordinator's 确认换绑 is refused and changes nothing.
	coordinator.text("确认换绑")
	coordinator.expect("已经被使用")
	if got := boundTo("7101"); got != "C01" {
		t.Fatalf("a used code moved the account to %s", got)
	}

	// Confirmed deliberately, the account moves.
	zhang := invite("S03")
	coordinator.text("/start " + zhang)
	coordinator.expect("这个邀请码是给 ")
	coordinator.text("确认换绑")
	coordinator.expect("换绑过来")
	if got := boundTo("7101"); got != "S03" {
		t.Fatalf("after 确认换绑 the account is %s's", got)
	}
	coordinator.text("/queue")
	coordinator.expect("只有")
}

// closeCase takes a new case through to its closing: the residents' group
// gets the rating buttons.
func (c cast) closeCase(t *testing.T, w *world, text string) string {
	t.Helper()
	number := c.report(t, text)
	c.coordinator.in(c.center).press("派单给交道口街道环卫所")
	c.dept.in(c.deptGroup).press("已核实")
	c.dept.press("立即整改")
	c.dept.in(c.deptGroup).press("已整改")
	c.dept.photo("after-"+text, 100)
	c.dept.press("完成")
	c.dept.press("跳过")
	c.steward.press("通过")
	if cv := w.caseView(t, number); cv.Status != model.StatusClosed {
		t.Fatalf("case %s not closed: %s", number, cv.Status)
	}
	return number
}

// groupPosts counts what the bot said to chat since the index from of w.sent.
func (w *world) groupPosts(chat string, from int) []string {
	var out []string
	for _, m := range w.sent[from:] {
		if m.ChatID == chat {
			out = append(out, m.Text)
		}
	}
	return out
}

// TestOneResidentCannotFloodAGroup: the same rating pressed again is
// nothing new; a changed rating is recorded but not posted to the group
// again; one resident pressing a thousand times is cut off after the burst
// with one answer, the others are heard, and a minute later so is they.
func TestOneResidentCannotFloodAGroup(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	number := c.closeCase(t, w, "门口堆了建筑垃圾,三天没人清")
	rated := func() int {
		return count(t, w.st, `SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number = $1 AND e.kind = 'rated'`, number)
	}
	five, four := w.lastButton(t, c.residents, "★★★★★"), w.lastButton(t, c.residents, "★★★★")
	one, two := w.lastButton(t, c.residents, "★"), w.lastButton(t, c.residents, "★★")
	press := func(who *chatter, data string) { who.send(bot.Update{Callback: &bot.Callback{Data: data}}) }

	// One resident: a thank-you once; the same score again is nothing; a
	// changed score is recorded, not posted.
	res := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: c.residents, kind: bot.Group, user: "9999", name: "居民甲"}
	from := len(w.sent)
	press(res, five)
	press(res, five)
	press(res, four)
	if got := rated(); got != 2 {
		t.Errorf("★★★★★, ★★★★★, ★★★★: %d rated events, want 2 (the same answer again is nothing new)", got)
	}
	if posts := w.groupPosts(c.residents, from); len(posts) != 1 || !strings.Contains(posts[0], "谢谢您对案件 "+number) {
		t.Errorf("the group got %q; want one thank-you", posts)
	}
	// A low score asks why once (a link in the group); changing it again
	// does not ask again.
	w.flows.Deps().BotUsername = func() string { return "alley_test_bot" }
	from = len(w.sent)
	press(res, one)
	press(res, two)
	press(res, one)
	if posts := w.groupPosts(c.residents, from); len(posts) != 1 || !strings.Contains(posts[0], "start=rr_") {
		t.Errorf("the group got %q; want one question with its link", posts)
	}

	// A thousand presses in no time by one resident.
	clock := friday
	w.r.WithRateLimit(30, 20, func() time.Time { return clock })
	flooder := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: c.residents, kind: bot.Group, user: "6666", name: "居民乙"}
	before, from := rated(), len(w.sent)
	for i := range 1000 {
		press(flooder, []string{five, four}[i%2])
	}
	if got := rated() - before; got != 20 {
		t.Errorf("%d of 1000 presses were recorded; want the burst of 20", got)
	}
	posts := w.groupPosts(c.residents, from)
	if len(posts) != 2 || !strings.Contains(posts[1], "居民乙,您的操作太频繁了,请 2 秒后再试") {
		t.Errorf("the group got %d posts %q; want a thank-you and one answer to the flood", len(posts), posts)
	}
	if n := count(t, w.st, `SELECT count(*) FROM processed_updates`); n > 1000 {
		t.Errorf("%d updates stored: presses over the limit reached the database", n)
	}
	// Another resident is heard at once.
	other := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: c.residents, kind: bot.Group, user: "7777"}
	press(other, five)
	other.expect("谢谢您对案件 " + number)
	// A minute later the flooder is heard again.
	clock = clock.Add(time.Minute)
	before = rated()
	press(flooder, five)
	if rated() != before+1 {
		t.Error("a minute later the resident's press was still refused")
	}
}

// TestOnePersonCannotFillAGroupsQueue: within the rate limit, one person's
// replies to a group are capped at their share (60 waiting, draining at
// the group's pace of 20 a minute); the others are still answered there.
func TestOnePersonCannotFillAGroupsQueue(t *testing.T) {
	w := newWorldAt(t, friday)
	c := newCast(t, w)
	clock := friday
	w.r.WithRateLimit(100000, 100000, func() time.Time { return clock }) // the rate limit itself out of the way
	res := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: c.residents, kind: bot.Group, user: "6666", name: "居民乙"}
	from := len(w.sent)
	for range 200 {
		res.text("投诉")
	}
	if got := len(w.groupPosts(c.residents, from)); got != 60 {
		t.Errorf("200 complaints in the group by one person queued %d replies there; want their share, 60", got)
	}
	other := &chatter{t: t, w: w, r: w.r, platform: bot.Telegram, chat: c.residents, kind: bot.Group, user: "7777", name: "居民丙"}
	other.text("投诉")
	other.expect("居民丙")
	// Three minutes later the group has sent them: the person has room again.
	clock = clock.Add(3 * time.Minute)
	from = len(w.sent)
	for range 100 {
		res.text("投诉")
	}
	if got := len(w.groupPosts(c.residents, from)); got != 60 {
		t.Errorf("three minutes later: %d replies; want 60", got)
	}
}
