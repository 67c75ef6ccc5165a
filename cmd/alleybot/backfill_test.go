package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/scheduler"
)

// TestAssessBackfill: the scheduler stored only August; backfill since
// July stores the first computation (the scheduler's, revision 1) of every
// ended month and quarter beginning then or later, skips August as it
// was, reports each period, and a second run stores nothing; bad input is
// refused with the reason.
func TestAssessBackfill(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, url)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai") // the default time zone
	if _, err := st.DB().Exec(`UPDATE patrol_schedules SET valid_from = '2026-01-01'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by)
		SELECT p.id, a.id, '2026-09-15 08:05+08', '2026-09-15 08:50+08', 'steward' FROM people p, alleys a WHERE p.code = 'S01' AND a.code = 'maoer'`); err != nil {
		t.Fatal(err)
	}
	aug, _ := assessment.Parse("2026-08")
	if _, err := scheduler.AssessPeriod(ctx, &st.Queries, aug, assessment.Default(), loc, time.Date(2026, 9, 1, 0, 5, 0, 0, loc), scheduler.By{}, 0); err != nil {
		t.Fatal(err)
	}
	var augIDs []int64
	if err := st.DB().Select(&augIDs, `SELECT id FROM assessment_periods WHERE period = '2026-08' ORDER BY id`); err != nil || len(augIDs) != 8 {
		t.Fatalf("august: %v %v", augIDs, err)
	}

	// Every month and quarter that began on or after July and has ended by now.
	now := time.Now()
	var want []string
	for m := time.Date(2026, 7, 1, 0, 0, 0, 0, loc); !m.AddDate(0, 1, 0).After(now); m = m.AddDate(0, 1, 0) {
		want = append(want, m.Format("2006-01"))
	}
	for q := time.Date(2026, 7, 1, 0, 0, 0, 0, loc); !q.AddDate(0, 3, 0).After(now); q = q.AddDate(0, 3, 0) {
		want = append(want, q.Format("2006")+"-Q"+string(rune('1'+int(q.Month()-1)/3)))
	}
	if len(want) < 6 { // July–November and 2026-Q3 at the least
		t.Fatalf("expected periods %v", want)
	}

	if code, out, _ := alleybot(t, "", env, "assess", "backfill", "--help"); code != 0 || !strings.Contains(out, "--since") || !strings.Contains(out, "--kinds") {
		t.Errorf("assess backfill --help: %d %q", code, out)
	}
	code, out, errs := alleybot(t, "", env, "assess", "backfill", "--since", "2026-07", "--kinds", "month,quarter")
	if code != 0 {
		t.Fatalf("backfill: %d %q %q", code, out, errs)
	}
	for _, p := range want {
		line := p + ": 8 scorecards stored"
		if p == "2026-08" {
			line = "2026-08: already stored (8 scorecards), skipped"
		}
		if !strings.Contains(out, line+"\n") {
			t.Errorf("no %q in\n%s", line, out)
		}
	}
	if !strings.Contains(out, "periods stored, 1 already stored") {
		t.Errorf("summary: %q", out)
	}
	var rows []struct {
		Period string `db:"period"`
		N      int    `db:"n"`
		First  bool   `db:"first"`
	}
	if err := st.DB().Select(&rows, `SELECT period, count(*) AS n, bool_and(revision = 1 AND computed_by = 'scheduler' AND reason = '') AS first
		FROM assessment_periods GROUP BY period ORDER BY period`); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range rows {
		got[r.Period] = true
		if r.N != 8 || !r.First {
			t.Errorf("%s: %d scorecards, first computations %v", r.Period, r.N, r.First)
		}
	}
	if len(rows) != len(want) || got["2026-06"] || got["2026"] || got["2026-Q2"] {
		t.Errorf("stored periods %v, want %v", rows, want)
	}
	var again []int64
	if err := st.DB().Select(&again, `SELECT id FROM assessment_periods WHERE period = '2026-08' ORDER BY id`); err != nil || len(again) != 8 || again[0] != augIDs[0] {
		t.Errorf("august was recomputed: %v, was %v", again, augIDs)
	}
	var sep json.RawMessage
	if err := st.DB().Get(&sep, `SELECT a.counts FROM assessment_periods a JOIN people p ON p.id = a.person_id WHERE p.code = 'S01' AND a.period = '2026-09'`); err != nil {
		t.Fatal(err)
	}
	var c assessment.Counts
	if err := json.Unmarshal(sep, &c); err != nil || c.PatrolsDone != 1 || c.PatrolsOnTime != 1 || c.PatrolsScheduled == 0 {
		t.Errorf("S01's September counts: %+v %v", c, err)
	}

	code, out, _ = alleybot(t, "", env, "assess", "backfill", "--since", "2026-07", "--kinds", "month,quarter")
	if code != 0 || !strings.Contains(out, "0 periods stored") {
		t.Errorf("a second backfill: %d %q", code, out)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{}, "--since"},
		{[]string{"--since", "2026-Q3"}, "give a month"},
		{[]string{"--since", "七月"}, "give a month"},
		{[]string{"--since", "2026-07", "--kinds", "week"}, `"week" is not month, quarter or year`},
		{[]string{"--since", "2099-01"}, "2099-01 is in the future"},
	} {
		code, _, errs := alleybot(t, "", env, append([]string{"assess", "backfill"}, bad.args...)...)
		if code == 0 || !strings.Contains(errs, bad.want) {
			t.Errorf("backfill %v: %d %q, want refused with %q", bad.args, code, errs, bad.want)
		}
	}
}
