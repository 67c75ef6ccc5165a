package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/worktime"
)

// TestReportAllowance: the config's rule (yuan, read into fen); November
// ended, its scorecards stored by the scheduler with the allowances
// proposed; 南锣鼓巷社区's confirmed by 杨晓燕; the export as CSV (read
// back) and xlsx (opened with excelize: the amount is text, the counts
// numbers), all or --confirmed only; a month not ended, a quarter, a bad
// format refused.
func TestReportAllowance(t *testing.T) {
	url := testdb.Fresh(t, true)
	cfgPath := filepath.Join(t.TempDir(), "alleybot.yaml")
	if err := os.WriteFile(cfgPath, []byte("bot: {timezone: Asia/Shanghai}\nassessment:\n  allowance: {base: \"50.00\", per_patrol: 3.5, per_report: \"12.25\", cap: \"100\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": url, "ALLEYBOT_CONFIG": cfgPath}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	cfg, err := config.Load(cfgPath, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	st := testdb.Open(t, url)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by)
			SELECT p.id, a.id, d, d + interval '40 minutes', 'steward' FROM people p, alleys a,
				unnest(ARRAY['2026-11-02 08:05+08', '2026-11-03 08:05+08', '2026-11-04 08:05+08', '2026-11-27 08:05+08']::timestamptz[]) d
			WHERE p.code = 'S01' AND a.code = 'maoer'`,
		`INSERT INTO cases (number, description, impact, status, reporter_id, source, closed_at, created_at)
			SELECT n, '垃圾', 'alley', s, p.id, 'telegram', '2026-11-10 09:00+08', '2026-11-10 09:00+08' FROM people p,
				(VALUES ('J1', 'closed'), ('J2', 'closed'), ('J3', 'returned')) v(n, s) WHERE p.code = 'S01'`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	loc := cfg.Location()
	now := time.Date(2026, 12, 1, 0, 5, 0, 0, loc)
	s, err := scheduler.New(st, scheduler.Options{InsertOnly: true,
		Pings:   scheduler.PingOptions{Calendar: worktime.Default(loc), Now: func() time.Time { return now }},
		Routine: scheduler.RoutineOptions{SummaryAt: -1, DigestAt: -1},
		Assess: scheduler.AssessOptions{Enabled: true, Settings: assessSettings(cfg), Kinds: []assessment.Kind{assessment.Month},
			Allowance: cfg.Assessment.Allowance.Rule()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRoutines(ctx); err != nil {
		t.Fatal(err)
	}
	c01, _ := st.FindPerson(ctx, "C01")
	var nlgx int64
	if err := st.DB().Get(&nlgx, `SELECT id FROM communities WHERE code = 'nanluoguxiang'`); err != nil {
		t.Fatal(err)
	}
	confirmedAt := time.Date(2026, 12, 2, 10, 30, 0, 0, loc)
	if n, err := st.ConfirmAllowances(ctx, "2026-11", nlgx, c01.ID, confirmedAt); err != nil || n != 4 {
		t.Fatalf("confirmed %d, %v", n, err)
	}

	if code, out, _ := alleybot(t, "", env, "report", "allowance", "--help"); code != 0 || !strings.Contains(out, "--confirmed") ||
		!strings.Contains(out, "report allowance --period") {
		t.Errorf("report allowance --help: %d %q", code, out)
	}
	code, out, errs := alleybot(t, "", env, "report", "allowance", "--period", "2026-11", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("csv: %d %q", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 9 {
		t.Fatalf("csv rows: %v %v", rows, err)
	}
	header := strings.Join(rows[0], ",")
	if header != "period,code,name,community,patrols_done,reports_accepted,amount_yuan,status,confirmed_by,confirmed_at" {
		t.Fatalf("header %s", header)
	}
	// By hand: S01 50.00 + 4 × 3.50 + 2 × 12.25 = 88.50.
	byCode := map[string][]string{}
	for _, r := range rows[1:] {
		byCode[r[1]] = r
	}
	if got := strings.Join(byCode["S01"], ","); got != "2026-11,S01,王秀兰,南锣鼓巷社区,4,2,88.50,confirmed,杨晓燕,2026-12-02 10:30" {
		t.Errorf("S01's row: %s", got)
	}
	if got := strings.Join(byCode["S05"], ","); got != "2026-11,S05,陈国强,菊儿社区,0,0,50.00,proposed,," {
		t.Errorf("S05's row: %s", got)
	}

	path := filepath.Join(t.TempDir(), "allowance.xlsx")
	code, _, errs = alleybot(t, "", env, "report", "allowance", "--period", "2026-11", "--format", "xlsx", "--out", path, "--confirmed")
	if code != 0 || !strings.Contains(errs, "4 allowances (4 confirmed) written to") {
		t.Fatalf("xlsx: %d %q", code, errs)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet, err := x.GetRows("2026-11")
	if err != nil || len(sheet) != 5 {
		t.Fatalf("xlsx rows (confirmed only): %d %v", len(sheet), err)
	}
	for _, r := range sheet[1:] {
		if r[7] != "confirmed" || r[3] != "南锣鼓巷社区" {
			t.Errorf("--confirmed exported %v", r)
		}
	}
	var s01 int
	for i, r := range sheet {
		if r[1] == "S01" {
			s01 = i + 1
		}
	}
	cell := func(col string) (string, excelize.CellType) {
		v, _ := x.GetCellValue("2026-11", col+strconv.Itoa(s01))
		typ, _ := x.GetCellType("2026-11", col+strconv.Itoa(s01))
		return v, typ
	}
	if v, typ := cell("G"); v != "88.50" || typ == excelize.CellTypeNumber {
		t.Errorf("the amount cell is %q (%v), want the text 88.50", v, typ)
	}
	if v, typ := cell("E"); v != "4" || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Errorf("patrols done is %q (%v), want the number 4", v, typ)
	}
	if v, _ := cell("I"); v != "杨晓燕" {
		t.Errorf("confirmed by %q", v)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--period", "2026-12"}, "has not ended"},
		{[]string{"--period", "2099-01"}, "in the future"},
		{[]string{"--period", "2026-Q4"}, "per month"},
		{[]string{"--period", "2026-10"}, "no allowances are proposed for 2026-10"},
		{[]string{"--period", "2026-11", "--format", "pdf"}, "csv or xlsx"},
		{[]string{}, "--period"},
	} {
		code, _, errs := alleybot(t, "", env, append([]string{"report", "allowance"}, bad.args...)...)
		if code == 0 || !strings.Contains(errs, bad.want) {
			t.Errorf("report allowance %v: %d %q, want %q", bad.args, code, errs, bad.want)
		}
	}
}
