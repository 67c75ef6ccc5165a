package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/config"
	"github.com/alleybot/alleybot/internal/testdb"
)

// TestReportMonthly: report monthly writes November's CSV and four PNG
// charts with progress lines; a month not ended, a quarter, a missing
// --out and a font file that is not there are refused with the reason.
func TestReportMonthly(t *testing.T) {
	if _, err := os.Stat(config.DefaultReportFont); err != nil {
		t.Skipf("no CJK font (scripts/fonts.sh installs it): %v", err)
	}
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, url)
	if _, err := st.DB().Exec(`WITH c AS (INSERT INTO cases (number, alley_id, description, impact, status, source, department_id, verify_by, verified_at, created_at)
			SELECT 'M' || n, (SELECT id FROM alleys WHERE code = 'maoer'), '垃圾', 'alley', 'verified', 'telegram',
				(SELECT id FROM departments WHERE code = 'huanwei'), '2026-11-10 12:00+08', '2026-11-10 11:00+08', '2026-11-10 09:00+08'
			FROM generate_series(1, 3) n RETURNING id)
		INSERT INTO case_events (case_id, kind, at) SELECT id, k, t::timestamptz FROM c,
			(VALUES ('dispatched', '2026-11-10 09:30+08'), ('verified', '2026-11-10 11:00+08')) v(k, t)`); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	code, _, errs := alleybot(t, "", env, "report", "monthly", "--period", "2026-11", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{"computing the figures", "3 cases", "drawing the charts", "wrote ", "done in"} {
		if !strings.Contains(errs, w) {
			t.Errorf("progress %q lacks %q", errs, w)
		}
	}
	csv, err := os.ReadFile(filepath.Join(dir, "monthly-2026-11.csv"))
	if err != nil || !strings.Contains(string(csv), "2026-11,alley,maoer,帽儿胡同,cases,3\n") ||
		!strings.Contains(string(csv), "2026-11,department,huanwei,交道口街道环卫所,verify_median_h,1.5\n") {
		t.Errorf("CSV %v:\n%s", err, csv)
	}
	for _, n := range []string{"monthly-cases-by-category", "monthly-cases-by-alley", "monthly-department-hours", "monthly-rates"} {
		b, err := os.ReadFile(filepath.Join(dir, n+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds().Dx() < 600 || img.Bounds().Dy() < 200 {
			t.Errorf("%s: %v %v", n, err, img.Bounds())
		}
	}

	cfgFile := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfgFile, []byte("reports:\n  font: /nonexistent/wqy.ttc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		args []string
		want []string
	}{
		{[]string{"--period", "2099-01", "--out", dir}, []string{"in the future"}},
		{[]string{"--period", time.Now().Format("2006-01"), "--out", dir}, []string{"has not ended"}},
		{[]string{"--period", "2026-Q4", "--out", dir}, []string{"takes a month"}},
		{[]string{"--period", "2026-11"}, []string{"--out DIR"}},
		{[]string{"--period", "2026-11", "--out", dir, "--config", cfgFile}, []string{"reports.font", cfgFile, "/nonexistent/wqy.ttc"}},
	} {
		code, _, errs := alleybot(t, "", env, append([]string{"report", "monthly"}, bad.args...)...)
		for _, w := range bad.want {
			if code == 0 || !strings.Contains(errs, w) {
				t.Errorf("report monthly %v: %d %q, want refused with %q", bad.args, code, errs, w)
			}
		}
	}
	if code, out, errs := alleybot(t, "", env, "report", "--help"); code != 0 || !strings.Contains(out+errs, "monthly") {
		t.Errorf("report --help: %d %q %q", code, out, errs)
	}
}
