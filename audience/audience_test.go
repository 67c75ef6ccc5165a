package audience_test

import (
	"context"
	"os"
	"testing"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/bot/console"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "audience", func(u string) { dbURL = u }))
}

// rig imports the example roster into a fresh database and binds the
// exchange group on Telegram and WeCom, 王秀兰 (S01) on Telegram, and
// everyone and every group on the console.
func rig(t *testing.T) *store.Store {
	t.Helper()
	st := testdb.OpenPool(t, testdb.Fresh(t, true), 1)
	ctx := context.Background()
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	ex, err := st.ChatByCode(ctx, "exchange")
	if err != nil {
		t.Fatal(err)
	}
	for p, id := range map[bot.Platform]string{bot.Telegram: "-1001", bot.WeCom: "wc-exchange"} {
		if err := st.BindChat(ctx, ex.ID, string(p), id); err != nil {
			t.Fatal(err)
		}
	}
	s01, err := st.FindPerson(ctx, "S01")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.BindIdentity(ctx, string(bot.Telegram), "7001", s01.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.BindLocal(ctx, string(bot.Console), console.GroupPrefix); err != nil {
		t.Fatal(err)
	}
	return st
}

func inTx(t *testing.T, st *store.Store, fn func(tx *store.Tx)) {
	t.Helper()
	if err := st.InTx(context.Background(), func(tx *store.Tx) error { fn(tx); return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestGroups: a group is reached on every messenger it is bound to; the
// console only from a console session.
func TestGroups(t *testing.T) {
	st := rig(t)
	ctx := context.Background()
	for _, c := range []struct {
		here bot.Platform
		want []string
	}{
		{here: "", want: []string{"telegram:-1001", "wecom:wc-exchange"}},
		{here: bot.Telegram, want: []string{"telegram:-1001", "wecom:wc-exchange"}},
		{here: bot.Console, want: []string{"console:group:exchange", "telegram:-1001", "wecom:wc-exchange"}},
	} {
		inTx(t, st, func(tx *store.Tx) {
			got, err := audience.New(tx, c.here, i18n.ZH).Groups(ctx, model.ChatExchange, audience.Scope{}, bot.Message{Text: "你好"})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, m := range got {
				ids = append(ids, string(m.Platform)+":"+m.ChatID)
				if m.Text != "你好" || m.ChatTitle == "" {
					t.Errorf("here %q: message %+v", c.here, m)
				}
			}
			if len(ids) != len(c.want) {
				t.Fatalf("here %q: %v, want %v", c.here, ids, c.want)
			}
			for i := range ids {
				if ids[i] != c.want[i] {
					t.Errorf("here %q: %v, want %v", c.here, ids, c.want)
				}
			}
		})
	}
}

// TestPerson: a person hears a message in their own language on each
// account; someone with no account the bot can use is not reachable.
func TestPerson(t *testing.T) {
	st := rig(t)
	ctx := context.Background()
	s01, _ := st.FindPerson(ctx, "S01")
	s02, _ := st.FindPerson(ctx, "S02")
	if err := st.SetLang(ctx, s01.ID, string(i18n.EN)); err != nil {
		t.Fatal(err)
	}
	render := func(lang i18n.Lang) bot.Message { return bot.Message{Text: i18n.T(lang, "button.pass")} }
	inTx(t, st, func(tx *store.Tx) {
		background := audience.New(tx, "", i18n.ZH)
		got, err := background.Person(ctx, s01.ID, render)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Platform != bot.Telegram || got[0].ChatID != "7001" || got[0].Text != "Pass" || got[0].Recipient != s01.Name {
			t.Errorf("S01 from the scheduler: %+v", got)
		}
		if ok, err := background.Reachable(ctx, s02.ID); err != nil || ok {
			t.Errorf("S02 (console only) reachable from the scheduler: %v %v", ok, err)
		}
		console := audience.New(tx, bot.Console, i18n.ZH)
		got, err = console.Person(ctx, s02.ID, render)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ChatID != bot.PrivateChatID(bot.Console, "S02") || got[0].Text != "通过" {
			t.Errorf("S02 from the console: %+v", got)
		}
		if ok, err := console.Reachable(ctx, s02.ID); err != nil || !ok {
			t.Errorf("S02 not reachable from the console: %v %v", ok, err)
		}
	})
}
