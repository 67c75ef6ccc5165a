package handlers

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/store"
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

	// In the center's group it acts.
	c.coordinator.in(c.center).send(bot.Update{Callback: &bot.Callback{Data: "c:dispatch:" + id}})
	c.coordinator.in(c.center).expect("已派单:" + number)

	// The department's buttons count in its own group, not another department's.
	c.dept.in("-1005").send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + id}})
	if got := w.saidTo("-1005"); got != "" {
		t.Errorf("the other department's group was told %q", got)
	}
	c.dept.expect("「核实」按钮只在交道口街道环卫所的群或与我的私聊中有效")
	if st := w.caseView(t, number).Status; st != store.StatusDispatched {
		t.Fatalf("verified from another department's group: %s", st)
	}
	c.dept.in(c.deptGroup).send(bot.Update{Callback: &bot.Callback{Data: "c:verify:" + id}})
	c.dept.expect("整改计划")
	c.dept.press("立即整改")
	if st := w.caseView(t, number).Status; st != store.StatusVerified {
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
