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

// TestLedgerStatementCLI: `ledger statement --month 2026-11` prints the
// month's statement of the imported example (an entry and its correction
// change no figure but the count), --out writes its chart; a month not
// ended, or in the future, is refused with the reason.
func TestLedgerStatementCLI(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := alleybot(t, "", env, args...)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\nout %s\nerr %s", args, code, want, out, errs)
		}
		return out + errs
	}
	run(0, "import", "../../examples/roster.yaml")
	if out := run(0, "ledger", "statement", "--help"); !strings.Contains(out, "Usage: alleybot ledger statement") {
		t.Errorf("--help: %q", out)
	}
	run(2, "ledger", "statement")
	run(2, "ledger", "statement", "--month", "2026-Q4")
	run(0, "ledger", "import", "../../examples/ledger.csv", "--by", "F01")
	run(0, "ledger", "add", "--kind", "spending", "--category", "equipment", "--amount", "99999.90", "--date", "2026-11-30",
		"--counterparty", "某店", "--purpose", "录错", "--by", "F01")
	run(0, "ledger", "add", "--corrects", "21", "--date", "2026-11-30", "--purpose", "更正", "--by", "F01")

	out := run(0, "ledger", "statement", "--month", "2026-11")
	for _, want := range []string{"【2026-11 小巷管家工作经费收支公示】", "月初结余:¥0.00", "本月收入:¥71,426.35", "本月支出:¥37,766.50",
		"  装备购置:¥3,676.50(5 笔)", "月末结余:¥33,659.85", "1. 2026-11-02 收入·政府财政拨款 ¥60,000.00", "本月共 22 笔"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "99,999.90") {
		t.Errorf("a corrected entry among the largest:\n%s", out)
	}
	this := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	for month, why := range map[string]string{this: "has not ended yet", "2099-12": "is in the future"} {
		if out := run(1, "ledger", "statement", "--month", month); !strings.Contains(out, "refused: "+month+" "+why) {
			t.Errorf("%s: %s", month, out)
		}
	}

	if _, err := os.Stat(config.DefaultReportFont); err != nil {
		t.Skipf("no CJK font (scripts/fonts.sh installs it): %v", err)
	}
	dir := t.TempDir()
	run(0, "ledger", "statement", "--month", "2026-11", "--out", dir)
	b, err := os.ReadFile(filepath.Join(dir, "ledger-statement-2026-11.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() < 600 || img.Bounds().Dy() < 300 {
		t.Errorf("chart: %v", err)
	}
}
