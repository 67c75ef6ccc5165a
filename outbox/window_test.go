package outbox_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/outbox"
)

// crowded returns the first span of more than n arrivals within window,
// as "i..j in d", or "" when every window holds at most n.
func crowded(ts []time.Time, n int, window time.Duration) string {
	for i := n; i < len(ts); i++ {
		if d := ts[i].Sub(ts[i-n]); d < window {
			return fmt.Sprintf("sends %d..%d within %v", i-n+1, i+1, d)
		}
	}
	return ""
}

func groupMsg(chat int64, text string) bot.Message {
	m := tgMsg(chat, text)
	m.Kind = bot.Group
	return m
}

// windowPace is Telegram's shape, shrunk: a group 5 in any second, a
// private chat 3 in any 300 ms.
var windowPace = outbox.Pacing{Private: 100 * time.Millisecond, PrivateBurst: 3, Group: 200 * time.Millisecond, GroupBurst: 5,
	All: time.Millisecond}

// TestGroupWindowAcrossProcesses: a group's limit is a window (5 in any
// second here, 20 in any minute on Telegram), not a gap: two serve
// processes queueing to one group send its first five at once, then keep
// the window between them, in order. (The 5 ms margin is the clocks': a
// window runs from the send's recorded answer, in the database's time.)
func TestGroupWindowAcrossProcesses(t *testing.T) {
	st, fake, s := sendRig(t, 2, windowPace)
	const n = 12
	for i := range n {
		enqueue(t, st, s[i%2], groupMsg(-810, fmt.Sprintf("第%d条", i)))
	}
	got := waitSends(t, fake, -810, n)
	for i, m := range got {
		if want := fmt.Sprintf("第%d条", i); m.Text != want {
			t.Errorf("message %d is %q, want %q (order)", i, m.Text, want)
		}
	}
	ts := sendTimes(fake, -810)
	if len(ts) != n {
		t.Errorf("sent %d, want %d (each once)", len(ts), n)
	}
	if c := crowded(ts, 5, time.Second-5*time.Millisecond); c != "" {
		t.Errorf("a group got more than 5 in a second: %s", c)
	}
}

// TestGroupWindowAfterRestart: the window is counted from the sends in the
// database, not from a process's memory: a process that starts after
// another sent three to a group sends two at once, then waits for the
// window of the first.
func TestGroupWindowAfterRestart(t *testing.T) {
	st, fake, s := sendRig(t, 2, windowPace)
	for i := range 3 {
		enqueue(t, st, s[0], groupMsg(-820, fmt.Sprintf("前%d", i)))
	}
	waitSends(t, fake, -820, 3)
	waitState(t, st, "sent", "sent", "sent")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s[0].Stop(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		enqueue(t, st, s[1], groupMsg(-820, fmt.Sprintf("后%d", i)))
	}
	got := waitSends(t, fake, -820, 8)
	if got[3].Text != "后0" || got[7].Text != "后4" {
		t.Errorf("order: %q then %q", got[3].Text, got[7].Text)
	}
	if c := crowded(sendTimes(fake, -820), 5, time.Second-5*time.Millisecond); c != "" {
		t.Errorf("the process after the restart broke the group's window: %s", c)
	}
}

// TestPrivateShortBurst: a private chat gets a short burst (3 in any
// 300 ms here; 3 in any 3 s on Telegram), never more.
func TestPrivateShortBurst(t *testing.T) {
	st, fake, s := sendRig(t, 1, windowPace)
	var msgs []bot.Message
	for i := range 7 {
		msgs = append(msgs, tgMsg(830, fmt.Sprintf("私%d", i)))
	}
	enqueue(t, st, s[0], msgs...)
	got := waitSends(t, fake, 830, 7)
	if got[0].Text != "私0" || got[6].Text != "私6" {
		t.Errorf("order: %q … %q", got[0].Text, got[6].Text)
	}
	if c := crowded(sendTimes(fake, 830), 3, 300*time.Millisecond-5*time.Millisecond); c != "" {
		t.Errorf("a private chat got more than 3 in 300ms: %s", c)
	}
}

// TestGroupBurstAtTelegramsLimits: with Telegram's own pacing, six
// messages to a group go in one burst (the window allows 20), where a 3 s
// gap between sends would take 15 s; the bound (one old gap for all six)
// leaves a loaded machine a hundred times what the sends need.
func TestGroupBurstAtTelegramsLimits(t *testing.T) {
	st, fake, s := sendRig(t, 1, outbox.DefaultPacing[bot.Telegram])
	var msgs []bot.Message
	for i := range 6 {
		msgs = append(msgs, groupMsg(-840, fmt.Sprintf("群%d", i)))
	}
	enqueue(t, st, s[0], msgs...)
	waitSends(t, fake, -840, 6)
	ts := sendTimes(fake, -840)
	if span := ts[5].Sub(ts[0]); span >= 3*time.Second {
		t.Errorf("six messages to a group took %v: paced one by one, not in a burst", span)
	}
}

// TestFailingGroupPostStepsAside: a group post that keeps failing (5xx)
// steps aside after StepAside attempts: the group's later messages go on,
// in their order, and it is retried after them; the step aside is noted in
// send_failures. A private chat's message does not: its order is the
// conversation's.
func TestFailingGroupPostStepsAside(t *testing.T) {
	st, fake, s := sendRig(t, 1, testPace, func(o *outbox.Options) { o.StepAside = 3 })
	fake.FailNext("sendMessage", 3, http.StatusBadGateway)
	enqueue(t, st, s[0], groupMsg(-850, "坏"), groupMsg(-850, "甲"), groupMsg(-850, "乙"))
	got := waitSends(t, fake, -850, 3)
	var texts []string
	for _, m := range got {
		texts = append(texts, m.Text)
	}
	if !slices.Equal(texts, []string{"甲", "乙", "坏"}) {
		t.Errorf("sent %q, want 甲 乙 (in order), then the failing 坏", texts)
	}
	waitState(t, st, "sent", "sent", "sent")
	if _, attempts := rows(t, st); attempts[0] != 3 {
		t.Errorf("the failing post's attempts: %d, want 3", attempts[0])
	}
	var notes []struct {
		Text  string `db:"text"`
		Error string `db:"error"`
	}
	if err := st.DB().Select(&notes, `SELECT text, error FROM send_failures WHERE chat_id = '-850'`); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Text != "坏" || !strings.Contains(notes[0].Error, "stepped aside after 3 attempts") {
		t.Errorf("send_failures: %+v", notes)
	}

	t.Run("a private chat keeps its order", func(t *testing.T) {
		fake.FailNext("sendMessage", 3, http.StatusBadGateway)
		enqueue(t, st, s[0], tgMsg(851, "一"), tgMsg(851, "二"))
		got := waitSends(t, fake, 851, 2)
		if got[0].Text != "一" || got[1].Text != "二" {
			t.Errorf("sent %q then %q", got[0].Text, got[1].Text)
		}
	})
}
