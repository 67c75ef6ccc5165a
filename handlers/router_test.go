package handlers

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "handlers", func(u string) { dbURL = u }))
}

func setup(t *testing.T) (*Router, *store.Store) {
	t.Helper()
	st := testdb.OpenPool(t, testdb.Fresh(t, true), 1)
	if _, err := roster.Import(context.Background(), st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	flows := conversations.New(conversations.Deps{DefaultLang: i18n.ZH}, flows.All(flows.Settings{})...)
	return New(st, flows, slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH), st
}

var seq int

func tgUpdate(user, text string) bot.Update {
	seq++
	return bot.Update{Platform: bot.Telegram, Key: fmt.Sprintf("u%d", seq),
		ChatID: user, ChatKind: bot.Private, UserID: user, UserName: "someone", Text: text, LangHint: "zh-hans"}
}

func texts(msgs []bot.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

func TestInviteBinding(t *testing.T) {
	r, st := setup(t)
	ctx := context.Background()
	p, err := st.FindPerson(ctx, "王秀兰")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := st.CreateInvite(ctx, p.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name, user, text, want string
	}{
		{"unbound user is told how to get an invitation", "1001", "/help", "邀请链接"},
		{"unbound user in English", "1001", "hello", "invitation"},
		{"wrong code", "1001", "/start NOPE", "邀请码无效"},
		{"right code binds", "1001", "/start " + strings.ToLower(inv.Code), "绑定成功!您好,王秀兰"},
		{"bound user gets help", "1001", "/help", "/whoami"},
		{"another account cannot reuse the code", "2002", "/start " + inv.Code, "已经被使用"},
		{"whoami names the account", "1001", "/whoami", "telegram 1001"},
		{"unknown command", "1001", "/fly", "没有 /fly 这个命令"},
		{"command with bot suffix", "1001", "/help@alley_bot", "王秀兰,您可以使用这些命令"},
	}
	for _, s := range steps {
		u := tgUpdate(s.user, s.text)
		if s.name == "unbound user in English" {
			u.LangHint = "en"
		}
		msgs, err := r.Handle(ctx, u)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := texts(msgs); !strings.Contains(got, s.want) {
			t.Errorf("%s: reply %q lacks %q", s.name, got, s.want)
		}
	}
}

func TestDuplicateUpdateChangesNothing(t *testing.T) {
	r, st := setup(t)
	ctx := context.Background()
	p, _ := st.FindPerson(ctx, "S03")
	if err := st.BindIdentity(ctx, string(bot.Telegram), "3003", p.ID); err != nil {
		t.Fatal(err)
	}
	u := tgUpdate("3003", "/lang en")
	first, err := r.Handle(ctx, u)
	if err != nil || len(first) != 1 {
		t.Fatalf("first delivery: %v %v", first, err)
	}
	// Between the deliveries the person switches back; the repeated
	// update must not switch them to English again.
	if err := st.SetLang(ctx, p.ID, "zh"); err != nil {
		t.Fatal(err)
	}
	again, err := r.Handle(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Errorf("duplicate produced messages: %v", again)
	}
	p2, _ := st.PersonByID(ctx, p.ID)
	if p2.Lang != "zh" {
		t.Errorf("duplicate update changed the language to %q", p2.Lang)
	}
}

func TestGroupStrangersAreIgnored(t *testing.T) {
	r, _ := setup(t)
	u := tgUpdate("4004", "大家好")
	u.ChatID, u.ChatKind = "-100200", bot.Group
	msgs, err := r.Handle(context.Background(), u)
	if err != nil || len(msgs) != 0 {
		t.Errorf("stranger small talk in a group: %v %v", msgs, err)
	}
	u = tgUpdate("4004", "/help")
	u.ChatID, u.ChatKind = "-100200", bot.Group
	msgs, _ = r.Handle(context.Background(), u)
	if !strings.Contains(texts(msgs), "邀请链接") {
		t.Errorf("a stranger's command in a group should get the invitation hint: %v", msgs)
	}
}

func TestInactivePersonRefused(t *testing.T) {
	r, st := setup(t)
	ctx := context.Background()
	p, _ := st.FindPerson(ctx, "S04")
	_ = st.BindIdentity(ctx, string(bot.Telegram), "5005", p.ID)
	if _, err := st.DB().ExecContext(ctx, `UPDATE people SET active = false WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	msgs, _ := r.Handle(ctx, tgUpdate("5005", "/help"))
	if !strings.Contains(texts(msgs), "已停用") {
		t.Errorf("inactive person: %v", msgs)
	}
}

func TestWeekdays(t *testing.T) {
	cases := []struct {
		days []int64
		zh   string
	}{
		{[]int64{1, 2, 3, 4, 5, 6, 7}, "每天"},
		{[]int64{1, 2, 3, 4, 5}, "工作日"},
		{[]int64{5, 1, 3}, "周一、周三、周五"},
		{[]int64{6, 7}, "周六、周日"},
	}
	for _, c := range cases {
		if got := Weekdays(i18n.ZH, c.days); got != c.zh {
			t.Errorf("%v: %q, want %q", c.days, got, c.zh)
		}
	}
}
