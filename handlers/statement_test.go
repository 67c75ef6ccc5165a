package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/flows/ledger"
	"github.com/alleybot/alleybot/i18n"
	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

// ledgerExample adds examples/ledger.csv's rows (November 2026) through
// ledger.Add, entered by the treasurer F01.
func ledgerExample(t *testing.T, st *store.Store, now time.Time) {
	t.Helper()
	f, err := os.Open("../examples/ledger.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	by, _ := st.FindPerson(ctx, "F01")
	cs, _ := st.Communities(ctx)
	err = st.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range rows[1:] {
			date, _ := time.Parse(book.DateLayout, r[0])
			fen, err := book.ParseAmount(r[3])
			if err != nil {
				return err
			}
			n := ledger.New{Date: date, Kind: book.Kind(r[1]), Category: book.Category(r[2]), AmountFen: fen,
				Counterparty: r[4], Purpose: r[5], By: by}
			for i := range cs {
				if cs[i].Code == r[6] {
					n.Community = &cs[i]
				}
			}
			if _, err := ledger.Add(ctx, tx, n, now, cst); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLedgerStatementSent (六, 资金公示): once November has ended, every
// residents' group gets the month's statement (figures recomputed by hand
// from examples/ledger.csv, in exact yuan) and its chart as a stored PNG,
// once; the next scan sends nothing; a month not ended is refused.
func TestLedgerStatementSent(t *testing.T) {
	if _, err := os.Stat(config.DefaultReportFont); err != nil {
		t.Skipf("no CJK font (scripts/fonts.sh installs it): %v", err)
	}
	font, err := evaluation.LoadFont(config.DefaultReportFont)
	if err != nil {
		t.Fatal(err)
	}
	w := newWorldAt(t, time.Date(2026, 11, 30, 23, 50, 0, 0, cst))
	ctx := context.Background()
	juer, _ := w.st.ChatByCode(ctx, "res-juer")
	if err := w.st.BindChat(ctx, juer.ID, string(bot.Telegram), "-1006"); err != nil {
		t.Fatal(err)
	}
	ledgerExample(t, w.st, w.now)
	s, err := scheduler.New(w.st, scheduler.Options{InsertOnly: true,
		Pings:   scheduler.PingOptions{Calendar: worktime.Default(cst), Now: func() time.Time { return w.now }, Lang: i18n.ZH},
		Routine: scheduler.RoutineOptions{SummaryAt: -1, DigestAt: -1},
		Reports: scheduler.ReportOptions{Monthly: true, Font: font}})
	if err != nil {
		t.Fatal(err)
	}
	scan := func(now time.Time) map[string][]bot.Message {
		t.Helper()
		w.now = now
		if err := s.ScanRoutines(ctx); err != nil {
			t.Fatal(err)
		}
		var raw []string
		if err := w.st.DB().Select(&raw, `DELETE FROM outbox RETURNING message::text`); err != nil {
			t.Fatal(err)
		}
		out := map[string][]bot.Message{}
		for _, a := range raw {
			var m bot.Message
			if err := json.Unmarshal([]byte(a), &m); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(m.Text, "收支公示") || strings.Contains(m.Text, "收入来源与支出用途") {
				out[m.ChatID] = append(out[m.ChatID], m)
			}
		}
		return out
	}
	if got := scan(w.now); len(got) > 0 {
		t.Errorf("November not ended: %v", got)
	}
	_, err = ledger.ComputeStatement(ctx, &w.st.Queries, assessment.Period{Kind: assessment.Month, Year: 2026, Index: 11}, w.now, cst)
	if err == nil {
		t.Error("a statement of a month not ended")
	}

	got := scan(time.Date(2026, 12, 1, 0, 5, 0, 0, cst))
	// By hand from examples/ledger.csv: income 60000 + 3000 + 2500 + 5000 +
	// 800 + 126.35; spending 1200 + 650, 16000 + 1200, 1840 + 1276.50 + 560,
	// 3860 + 4200 + 1500, 2450 + 980 + 1730, 320.
	want := []string{"【2026-11 小巷管家工作经费收支公示】", "月初结余:¥0.00", "本月收入:¥71,426.35",
		"  政府财政拨款:¥60,000.00(1 笔)", "  社会捐赠:¥5,800.00(2 笔)", "  社区自筹:¥5,500.00(2 笔)", "  其他收入:¥126.35(1 笔)",
		"本月支出:¥37,766.50", "  培训:¥1,850.00(2 笔)", "  工作补贴:¥17,200.00(2 笔)", "  装备购置:¥3,676.50(3 笔)",
		"  环境整治:¥9,560.00(3 笔)", "  设施维护:¥5,160.00(3 笔)", "  其他支出:¥320.00(1 笔)", "月末结余:¥33,659.85",
		"本月金额最大的 10 笔:", "1. 2026-11-02 收入·政府财政拨款 ¥60,000.00 交道口街道办事处",
		"2. 2026-11-30 支出·工作补贴 ¥16,000.00 小巷管家 8 人", "10. 2026-11-25 支出·设施维护 ¥1,730.00", "(所属:南锣鼓巷社区)", "(所属:全街道)",
		"本月共 20 笔"}
	for _, chat := range []string{"-1004", "-1006"} {
		ms := got[chat]
		if len(ms) != 2 {
			t.Fatalf("%s was told %d messages: %+v", chat, len(ms), ms)
		}
		for _, s := range want {
			if !strings.Contains(ms[0].Text, s) {
				t.Errorf("%s: the statement lacks %q:\n%s", chat, s, ms[0].Text)
			}
		}
		if strings.Contains(ms[0].Text, "11. ") || strings.Contains(ms[0].Text, "¥1,500.00") {
			t.Errorf("more than ten items:\n%s", ms[0].Text)
		}
		p := ms[1].Photo
		if p == nil || p.PhotoID == 0 || ms[1].Text != "2026-11 收入来源与支出用途(元)" {
			t.Fatalf("%s: chart message %+v", chat, ms[1])
		}
		b, mime, err := w.st.PhotoBytes(ctx, p.PhotoID)
		if err != nil || mime != "image/png" {
			t.Fatalf("photo %d: %v %s", p.PhotoID, err, mime)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds().Dx() < 600 || img.Bounds().Dy() < 300 {
			t.Errorf("chart: %v", err)
		}
	}
	if len(got) != 2 {
		t.Errorf("sent to %d chats, want the two residents' groups", len(got))
	}
	if again := scan(time.Date(2026, 12, 1, 0, 10, 0, 0, cst)); len(again) > 0 {
		t.Errorf("sent twice: %v", again)
	}
}

// TestAllowanceConfirmedIntoLedger (六(二)1 → 六): confirming a
// community's allowances enters one spending of 工作补贴 per steward in
// the fund ledger, with the exact amounts, the steward as counterparty,
// the confirming coordinator as enterer, no voucher; the chain still
// verifies; a second press adds nothing.
func TestAllowanceConfirmedIntoLedger(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 12, 1, 9, 0, 0, 0, cst))
	ctx := context.Background()
	allowanceMonth(t, w.st)
	ledgerExample(t, w.st, w.now)
	s, err := scheduler.New(w.st, scheduler.Options{InsertOnly: true,
		Pings:   scheduler.PingOptions{Calendar: worktime.Default(cst), Now: func() time.Time { return w.now }, Lang: i18n.ZH},
		Routine: scheduler.RoutineOptions{SummaryAt: -1, DigestAt: -1},
		Assess: scheduler.AssessOptions{Enabled: true, Settings: assessment.Default(), Kinds: []assessment.Kind{assessment.Month},
			Allowance: allowanceRule}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRoutines(ctx); err != nil {
		t.Fatal(err)
	}
	as, err := w.st.Allowances(ctx, "2026-11", false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{} // counterparty → fen, 南锣鼓巷社区's
	var nl int64
	for _, a := range as {
		if a.CommunityName == "南锣鼓巷社区" {
			want[a.PersonName], nl = a.AmountFen, a.CommunityID.Int64
		}
	}
	if len(want) != 4 || want["王秀兰"] != 8850 {
		t.Fatalf("南锣鼓巷社区's allowances %v", want)
	}
	press := "al:confirm:" + itoa(nl) + ":2026-11"
	c := w.person(t, "C01", "7101").in("-1003")
	c.send(bot.Update{Callback: &bot.Callback{Data: press}})
	c.expect("杨晓燕 确认了 2026-11 南锣鼓巷社区 4 人的工作补贴,合计 238.50 元")

	entries := func() []store.LedgerEntry {
		t.Helper()
		es, err := w.st.LedgerEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []store.LedgerEntry
		for _, e := range es {
			if e.Seq > 20 {
				out = append(out, e)
			}
		}
		return out
	}
	es := entries()
	if len(es) != 4 {
		t.Fatalf("%d ledger entries after the confirmation, want 4", len(es))
	}
	for _, e := range es {
		if e.AmountFen != want[e.Counterparty] || e.Kind != "spending" || e.Category != "allowance" || e.CommunityCode != "nanluoguxiang" ||
			e.Purpose != "2026-11 工作补贴" || e.EnteredByCode != "C01" || e.Date.Format(book.DateLayout) != "2026-12-01" || len(e.PhotoIDs) != 0 {
			t.Errorf("entry %d: %+v", e.Seq, e)
		}
		delete(want, e.Counterparty)
	}
	if len(want) != 0 {
		t.Errorf("no entry for %v", want)
	}
	if n, _, err := ledger.Verify(ctx, &w.st.Queries); err != nil || n != 24 {
		t.Errorf("verify: %d entries, %v", n, err)
	}

	a01 := w.person(t, "A01", "7103").in("-1003")
	a01.send(bot.Update{Callback: &bot.Callback{Data: press}})
	a01.expect("不能重复确认")
	if n := len(entries()); n != 4 {
		t.Errorf("a second press: %d entries, want 4", n)
	}
	if bal, _ := w.st.LedgerBalance(ctx, time.Time{}); bal != 3365985-23850 {
		t.Errorf("balance %s after 238.50 of allowances", book.FormatFen(bal))
	}
}
