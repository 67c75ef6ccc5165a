package handlers

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/allowance"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

// allowanceRule is 50.00 a month + 3.50 a patrol + 12.25 an accepted
// report, at most 100.00.
var allowanceRule = assessment.AllowanceRule{Base: 5000, PerPatrol: 350, PerReport: 1225, Cap: 10000}

// allowanceMonth writes November 2026 for two stewards: 王秀兰 (S01)
// patrols 帽儿胡同 four times and reports three cases, one of them
// returned; 陈国强 (S05) patrols 菊儿胡同 fifteen times. The others did
// nothing.
func allowanceMonth(t *testing.T, st *store.Store) {
	t.Helper()
	qs := []string{
		`INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by)
			SELECT p.id, a.id, d, d + interval '40 minutes', 'steward' FROM people p, alleys a,
				unnest(ARRAY['2026-11-02 08:05+08', '2026-11-03 08:05+08', '2026-11-04 08:05+08', '2026-11-27 08:05+08']::timestamptz[]) d
			WHERE p.code = 'S01' AND a.code = 'maoer'`,
		`INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by)
			SELECT p.id, a.id, d, d + interval '40 minutes', 'steward' FROM people p, alleys a,
				generate_series('2026-11-02 08:10+08'::timestamptz, '2026-11-20 08:10+08', interval '1 day') d
			WHERE p.code = 'S05' AND a.code = 'juer' AND extract(isodow FROM d AT TIME ZONE 'Asia/Shanghai') < 6`,
	}
	for i, status := range []string{"closed", "closed", "returned"} {
		qs = append(qs, `INSERT INTO cases (number, description, impact, status, reporter_id, source, closed_at, created_at)
			SELECT 'J2026-11-000`+string(rune('1'+i))+`', '垃圾', 'alley', '`+status+`', id, 'telegram', '2026-11-10 09:00+08', '2026-11-10 09:00+08'
			FROM people WHERE code = 'S01'`)
	}
	for _, q := range qs {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestAllowanceProposedAndConfirmed (六(二)1): November has ended; the
// scheduler stores the scorecards and, by the rule, proposes each
// steward's allowance from the card's counts, listing each community's to
// the coordinators with 确认补贴; a coordinator confirms 南锣鼓巷社区's
// (who and when recorded); a second press is refused naming who
// confirmed; a coordinator of another community and a steward may not.
func TestAllowanceProposedAndConfirmed(t *testing.T) {
	w := newWorldAt(t, time.Date(2026, 12, 1, 9, 0, 0, 0, cst))
	ctx := context.Background()
	allowanceMonth(t, w.st)
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

	// By hand: S01 50.00 + 4 × 3.50 + 2 × 12.25 = 88.50; S05 50.00 +
	// 15 × 3.50 = 102.50, capped at 100.00; everyone else 50.00.
	want := map[string]int64{"S01": 8850, "S05": 10000, "S02": 5000, "S03": 5000, "S04": 5000, "S06": 5000, "S07": 5000, "S08": 5000}
	as, err := w.st.Allowances(ctx, "2026-11", false)
	if err != nil || len(as) != len(want) {
		t.Fatalf("%d allowances, %v; want %d", len(as), err, len(want))
	}
	for _, a := range as {
		if a.AmountFen != want[a.PersonCode] || a.Status != "proposed" || a.ConfirmedBy.Valid {
			t.Errorf("%s: %d fen %s, want %d proposed", a.PersonCode, a.AmountFen, a.Status, want[a.PersonCode])
		}
		d, err := allowance.DetailOf(a)
		if err != nil || d.Rule != allowanceRule || d.AssessmentID == 0 {
			t.Errorf("%s: detail %+v %v", a.PersonCode, d, err)
		}
		if a.PersonCode == "S01" && (d.Counts.PatrolsDone != 4 || d.Counts.Accepted != 2 || d.Counts.Cases != 3) {
			t.Errorf("S01's counts %+v", d.Counts)
		}
	}

	// Listed to the coordinators' group: one card per community.
	var raw []json.RawMessage
	if err := w.st.DB().Select(&raw, `SELECT message FROM outbox WHERE chat_id = '-1003' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	cards := map[string]bot.Message{}
	for _, r := range raw {
		var m bot.Message
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"南锣鼓巷社区", "菊儿社区"} {
			if strings.Contains(m.Text, "2026-11 工作补贴(拟)· "+c) {
				cards[c] = m
			}
		}
	}
	nl, juer := cards["南锣鼓巷社区"], cards["菊儿社区"]
	for _, s := range []string{"4 人,合计 238.50 元", "规则:每月 50.00 元 + 每次巡查 3.50 元 + 每件被采纳的上报 12.25 元,每人每月至多 100.00 元",
		"王秀兰(S01):巡查 4 次,被采纳上报 2 件 → 88.50 元", "李建国(S02):巡查 0 次,被采纳上报 0 件 → 50.00 元"} {
		if !strings.Contains(nl.Text, s) {
			t.Errorf("南锣鼓巷社区's card %q lacks %q", nl.Text, s)
		}
	}
	if !strings.Contains(juer.Text, "陈国强(S05):巡查 15 次,被采纳上报 0 件 → 100.00 元(已封顶)") || strings.Contains(juer.Text, "王秀兰") {
		t.Errorf("菊儿社区's card %q", juer.Text)
	}
	button := func(m bot.Message) string {
		if len(m.Buttons) != 1 || len(m.Buttons[0]) != 1 || m.Buttons[0][0].Label != "确认补贴" {
			t.Fatalf("card buttons %+v", m.Buttons)
		}
		return m.Buttons[0][0].Data
	}
	nlPress, juerPress := button(nl), button(juer)

	// Proposing again (a second scan, the notice gone) adds and says nothing.
	nov, _ := assessment.Parse("2026-11")
	if err := w.st.InTx(ctx, func(tx *store.Tx) error {
		again, err := allowance.Propose(ctx, tx, audience.New(tx, "", i18n.ZH), i18n.ZH, nov, allowanceRule, w.now)
		if len(again) != 0 {
			t.Errorf("proposed again: %d messages", len(again))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// A steward may not confirm; a coordinator of 菊儿社区 not 南锣鼓巷社区's.
	steward := w.person(t, "S01", "7001")
	steward.send(bot.Update{Callback: &bot.Callback{Data: nlPress}})
	steward.expect("「确认补贴」只有问题受理中心、管理员可以操作")
	if _, err := w.st.DB().Exec(`INSERT INTO people (code, name) VALUES ('C02', '菊儿协调员');
		INSERT INTO person_roles (person_id, role, community_id) SELECT p.id, 'coordinator', c.id FROM people p, communities c WHERE p.code = 'C02' AND c.code = 'juer'`); err != nil {
		t.Fatal(err)
	}
	juerCoordinator := w.person(t, "C02", "7102")
	juerCoordinator.send(bot.Update{Callback: &bot.Callback{Data: nlPress}})
	juerCoordinator.expect("您不是南锣鼓巷社区的问题受理中心人员")

	c := w.person(t, "C01", "7101").in("-1003")
	c.send(bot.Update{Callback: &bot.Callback{Data: nlPress}})
	c.expect("杨晓燕 确认了 2026-11 南锣鼓巷社区 4 人的工作补贴,合计 238.50 元")
	w.now = w.now.Add(time.Hour)
	a01 := w.person(t, "A01", "7103").in("-1003")
	a01.send(bot.Update{Callback: &bot.Callback{Data: nlPress}})
	a01.expect("2026-11 南锣鼓巷社区 的工作补贴已由 杨晓燕 于 2026-12-01 09:00 确认,不能重复确认")
	juerCoordinator.send(bot.Update{Callback: &bot.Callback{Data: juerPress}})
	juerCoordinator.expect("菊儿协调员 确认了 2026-11 菊儿社区 4 人的工作补贴,合计 250.00 元")

	as, _ = w.st.Allowances(ctx, "2026-11", true)
	c01, _ := w.st.FindPerson(ctx, "C01")
	for _, a := range as {
		if a.CommunityName == "南锣鼓巷社区" && (a.ConfirmedBy.Int64 != c01.ID || !a.ConfirmedAt.Time.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, cst))) {
			t.Errorf("%s confirmed by %d at %v", a.PersonCode, a.ConfirmedBy.Int64, a.ConfirmedAt.Time)
		}
	}
	if len(as) != 8 {
		t.Errorf("%d confirmed, want 8", len(as))
	}
	if _, err := w.st.DB().Exec(`UPDATE allowances SET amount_fen = 1`); err == nil {
		t.Error("a confirmed allowance was changed")
	}
}
