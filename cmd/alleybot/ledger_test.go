package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/internal/testdb"
)

// TestLedgerCLI: the shipped example month imports whole and verifies;
// a file with bad rows imports nothing and names every bad row's line
// and reason; a wrong header is refused; add and a correction; an entry
// edited or deleted by someone who switched the triggers off is found.
func TestLedgerCLI(t *testing.T) {
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
	for _, sub := range []string{"add", "import", "verify", "list"} {
		if out := run(0, "ledger", sub, "--help"); !strings.Contains(out, "Usage: alleybot ledger "+sub) {
			t.Errorf("ledger %s --help: %q", sub, out)
		}
	}
	run(2, "ledger")

	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	header := "date,kind,category,amount,counterparty,purpose,community\n"
	bad := write("bad.csv", header+
		"2026-11-02,income,government,100.00,街道,经费,\n"+
		"2026-11-03,income,donation,-5,某公司,捐赠,\n"+
		"2026-11-04,spending,donation,5,某店,购置,\n"+
		"2026-11-05,spending,equipment,1.234,某店,购置,\n"+
		"2026-13-01,spending,equipment,5,某店,购置,\n"+
		"2026-11-06,spending,equipment,5,某店,购置,nowhere\n"+
		"2099-11-06,spending,equipment,5,某店,购置,\n"+
		"2026-11-07,spending,equipment,5,,购置,\n")
	out := run(1, "ledger", "import", bad, "--by", "F01")
	for _, want := range []string{"7 bad row(s), nothing imported", "line 3: amount \"-5\": a negative amount", "line 4: category \"donation\"",
		"line 5: amount \"1.234\": more than two decimals", "line 6: date \"2026-13-01\"", "line 7: community \"nowhere\"",
		"line 8: the date 2099-11-06 is in the future", "line 9: the counterparty is empty"} {
		if !strings.Contains(out, want) {
			t.Errorf("bad import: no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "line 2:") {
		t.Errorf("a good row reported: %s", out)
	}
	if out := run(0, "ledger", "verify"); !strings.Contains(out, "ok 0 entries") {
		t.Errorf("after a refused import: %s", out)
	}
	wrong := write("wrong.csv", "date,kind,category,amount,counterparty,purpose\n2026-11-02,income,government,100.00,街道,经费\n")
	if out := run(1, "ledger", "import", wrong, "--by", "F01"); !strings.Contains(out, "line 1: the header is") {
		t.Errorf("wrong header: %s", out)
	}
	if out := run(1, "ledger", "import", "../../examples/ledger.csv", "--by", "S01"); !strings.Contains(out, "not a treasurer") {
		t.Errorf("a steward imports: %s", out)
	}

	if out := run(0, "ledger", "import", "../../examples/ledger.csv", "--by", "F01"); !strings.Contains(out, "20 entries (1 to 20)") {
		t.Errorf("example import: %s", out)
	}
	out = run(0, "ledger", "add", "--kind", "spending", "--category", "equipment", "--amount", "99.90", "--date", "2026-11-30",
		"--counterparty", "交道口五金日杂店", "--purpose", "雨伞", "--community", "juer", "--by", "F01")
	if !strings.Contains(out, "added entry 21") {
		t.Errorf("add: %s", out)
	}
	run(1, "ledger", "add", "--corrects", "21", "--amount", "9.99", "--date", "2026-11-30", "--purpose", "录错", "--by", "F01")
	if out := run(0, "ledger", "add", "--corrects", "21", "--date", "2026-11-30", "--purpose", "重复购置,退货", "--by", "F01"); !strings.Contains(out, "added entry 22: spending equipment 99.90") {
		t.Errorf("correction: %s", out)
	}
	run(1, "ledger", "add", "--corrects", "21", "--date", "2026-11-30", "--purpose", "再次更正", "--by", "F01")
	out = run(0, "ledger", "list", "--month", "2026-11")
	// 60000 + 3000 + 2500 + 5000 + 800 + 126.35 in, 37766.50 out.
	if !strings.Contains(out, "2026-11: 22 entries; opening balance 0.00, closing balance 33659.85") {
		t.Errorf("list: %s", out)
	}
	if !strings.Contains(run(0, "ledger", "verify"), "ok 22 entries, head ") {
		t.Error("verify after the import")
	}

	st := testdb.Open(t, url)
	for _, q := range []string{`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update`,
		`UPDATE ledger_entries SET amount_fen = 1600000 - 100000 WHERE seq = 19`} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if out := run(1, "ledger", "verify"); !strings.Contains(out, "after 18 good entries: entry 19: its content was changed") {
		t.Errorf("verify after an edit: %s", out)
	}
	if _, err := st.DB().Exec(`UPDATE ledger_entries SET amount_fen = 1600000 WHERE seq = 19`); err != nil {
		t.Fatal(err)
	}
	run(0, "ledger", "verify")
	if _, err := st.DB().Exec(`DELETE FROM ledger_entries WHERE seq = 7`); err != nil {
		t.Fatal(err)
	}
	if out := run(1, "ledger", "verify"); !strings.Contains(out, "entry 8: seq 8 follows seq 6: entry 7 is missing (deleted)") {
		t.Errorf("verify after a deletion: %s", out)
	}
}
