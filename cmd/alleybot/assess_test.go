package main

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/scheduler"
)

// TestAssessRecomputeAndReportScores: November's cards stored by the
// scheduler; an admin recomputes them (who and why recorded, the first
// kept); bad input is refused with the reason; the export as CSV (with a
// byte order mark) and as xlsx, opened with excelize.
func TestAssessRecomputeAndReportScores(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, url)
	ctx := context.Background()
	if _, err := st.DB().Exec(`INSERT INTO cases (number, description, impact, status, reporter_id, source, fixed_on_spot, closed_at, created_at)
		SELECT 'J1', '垃圾', 'alley', 'closed', id, 'telegram', true, '2026-11-10 09:00+08', '2026-11-10 09:00+08' FROM people WHERE code = 'S01'`); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	nov, _ := assessment.Parse("2026-11")
	if _, err := scheduler.AssessPeriod(ctx, &st.Queries, nov, assessment.Default(), loc, time.Date(2026, 12, 1, 0, 5, 0, 0, loc), scheduler.By{}, 0); err != nil {
		t.Fatal(err)
	}

	if code, out, _ := alleybot(t, "", env, "assess", "recompute", "--help"); code != 0 || !strings.Contains(out, "--reason") {
		t.Errorf("assess --help: %d %q", code, out)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--period", "2026-11", "--by", "A01"}, "--reason"},
		{[]string{"--period", "2099-01", "--by", "A01", "--reason", "x"}, "in the future"},
		{[]string{"--period", "2026-13", "--by", "A01", "--reason", "x"}, "is not a period"},
		{[]string{"--period", "2026-11", "--by", "S01", "--reason", "x"}, "not an admin"},
		{[]string{"--period", "2026-11", "--by", "无名氏", "--reason", "x"}, "not in the roster"},
		{[]string{"--period", "2026-11", "--by", "A01", "--reason", "x", "--steward", "C01"}, "not a steward"},
		{[]string{"--period", "2026-11", "--by", "A01", "--reason", "x", "--steward", "无名氏"}, "not in the roster"},
	} {
		code, _, errs := alleybot(t, "", env, append([]string{"assess", "recompute"}, bad.args...)...)
		if code == 0 || !strings.Contains(errs, bad.want) {
			t.Errorf("assess %v: %d %q, want refused with %q", bad.args, code, errs, bad.want)
		}
	}
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM assessment_periods`); err != nil || n != 8 {
		t.Fatalf("refused recomputes stored something: %d rows", n)
	}
	code, out, errs := alleybot(t, "", env, "assess", "recompute", "--period", "2026-11", "--by", "林涛", "--reason", "补录了巡查")
	if code != 0 || !strings.Contains(out, "8 scorecards recomputed by 林涛") {
		t.Fatalf("recompute: %d %q %q", code, out, errs)
	}
	s01, _ := st.FindPerson(ctx, "S01")
	hist, err := st.AssessmentHistory(ctx, s01.ID, "2026-11")
	if err != nil || len(hist) != 2 || hist[0].ComputedBy != "scheduler" || hist[1].ComputedBy != "林涛" || hist[1].Reason != "补录了巡查" {
		t.Fatalf("history: %+v %v", hist, err)
	}

	// 王秀兰's appeal was corrected by +5 (an adjustment beside the card).
	if _, err := st.DB().Exec(`WITH ap AS (INSERT INTO score_appeals (person_id, period, assessment_id, reason, status, answer, answered_by, answered_at)
			SELECT $1, '2026-11', $2, '漏记巡查', 'corrected', '补记', id, now() FROM people WHERE code = 'C01' RETURNING id, answered_by)
		INSERT INTO assessment_adjustments (person_id, period, appeal_id, delta, reason, by_person) SELECT $1, '2026-11', id, 5, '补记', answered_by FROM ap`,
		s01.ID, hist[1].ID); err != nil {
		t.Fatal(err)
	}

	code, out, errs = alleybot(t, "", env, "report", "scores", "--period", "2026-11", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("csv: %d %q", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 9 || rows[0][0] != "rank" {
		t.Fatalf("csv rows: %v %v", rows, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	found := false
	for _, r := range rows[1:] {
		if r[col["code"]] == "S01" {
			found = true
			if r[col["cases"]] != "1" || r[col["fixed_on_spot"]] != "1" || r[col["revision"]] != "2" || r[col["computed_by"]] != "林涛" {
				t.Errorf("S01's row: %v", r)
			}
			computed := strconv.FormatFloat(hist[1].Total, 'f', 1, 64)
			adjusted := strconv.FormatFloat(min(hist[1].Total+5, 100), 'f', 1, 64)
			if r[col["adjustment"]] != "5.0" || r[col["computed_total"]] != computed || r[col["total"]] != adjusted {
				t.Errorf("S01's row: total %s, adjustment %s, computed %s; want %s, 5.0, %s",
					r[col["total"]], r[col["adjustment"]], r[col["computed_total"]], adjusted, computed)
			}
		}
	}
	if !found {
		t.Errorf("no S01 in %v", rows)
	}
	for i := 2; i < len(rows); i++ { // best adjusted total first
		a, _ := strconv.ParseFloat(rows[i-1][col["total"]], 64)
		if b, _ := strconv.ParseFloat(rows[i][col["total"]], 64); a < b {
			t.Errorf("row %d (%v) ranks above a better total: %v", i-1, rows[i-1], rows[i])
		}
	}

	path := filepath.Join(t.TempDir(), "scores.xlsx")
	if code, _, errs := alleybot(t, "", env, "report", "scores", "--period", "2026-11", "--format", "xlsx", "--out", path); code != 0 {
		t.Fatalf("xlsx: %q", errs)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheetRows, err := x.GetRows("2026-11")
	if err != nil || len(sheetRows) != 9 {
		t.Fatalf("xlsx rows: %d %v", len(sheetRows), err)
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			got, _ := x.GetCellValue("2026-11", cell)
			gf, gerr := strconv.ParseFloat(got, 64)
			vf, verr := strconv.ParseFloat(v, 64)
			if got != v && (gerr != nil || verr != nil || gf != vf) {
				t.Errorf("xlsx %s = %q, csv has %q", cell, got, v)
			}
		}
	}
	if typ, _ := x.GetCellType("2026-11", "G2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("the total is not a number: %v", typ)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--period", "2099-01"}, "in the future"},
		{[]string{"--period", "2026-10"}, "no scorecards are stored for 2026-10"},
		{[]string{"--period", "2026-11", "--format", "pdf"}, "csv or xlsx"},
		{[]string{}, "--period"},
	} {
		code, _, errs := alleybot(t, "", env, append([]string{"report", "scores"}, bad.args...)...)
		if code == 0 || !strings.Contains(errs, bad.want) {
			t.Errorf("report scores %v: %d %q, want %q", bad.args, code, errs, bad.want)
		}
	}
}
