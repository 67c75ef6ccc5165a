package ledger_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alleybot/alleybot/flows/ledger"
	"github.com/alleybot/alleybot/internal/testdb"
	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/store"
)

var cst = time.FixedZone("CST", 8*3600)

var now = time.Date(2026, 11, 30, 10, 0, 0, 0, cst)

func day(s string) time.Time {
	d, _ := time.ParseInLocation(book.DateLayout, s, cst)
	return d.Add(12 * time.Hour)
}

// world is a fresh database with one treasurer.
func world(t *testing.T, conns int) (*store.Store, store.Person) {
	t.Helper()
	st := testdb.OpenPool(t, testdb.Fresh(t, true), conns)
	db := st.DB()
	for _, q := range []string{
		`INSERT INTO people (code, name) VALUES ('F01', '钱慧')`,
		`INSERT INTO person_roles (person_id, role) SELECT id, 'treasurer' FROM people WHERE code = 'F01'`,
		`INSERT INTO communities (code, name, name_en) VALUES ('juer', '菊儿社区', 'Ju''er')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	p, err := st.FindPerson(context.Background(), "F01")
	if err != nil {
		t.Fatal(err)
	}
	return st, p
}

func add(t *testing.T, st *store.Store, n ledger.New) (store.LedgerEntry, error) {
	t.Helper()
	var e store.LedgerEntry
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		e, err = ledger.Add(context.Background(), tx, n, now, cst)
		return err
	})
	return e, err
}

func income(by store.Person, fen int64) ledger.New {
	return ledger.New{Date: day("2026-11-02"), Kind: book.Income, Category: book.Government, AmountFen: fen,
		Counterparty: "交道口街道办事处", Purpose: "第四季度专项经费", By: by}
}

// TestChainAppendVerify: entries chain from genesis; a correction reverses
// its entry once and whole; the balance counts it; refusals say why.
func TestChainAppendVerify(t *testing.T) {
	ctx := context.Background()
	st, f := world(t, 2)
	first, err := add(t, st, income(f, 5000000))
	if err != nil || first.Seq != 1 || first.PrevHash != book.Genesis {
		t.Fatalf("first entry: %+v, %v", first, err)
	}
	sp := ledger.New{Date: day("2026-11-05"), Kind: book.Spending, Category: book.Equipment, AmountFen: 128000,
		Counterparty: "劳保用品店", Purpose: "雨衣 20 件", By: f}
	second, err := add(t, st, sp)
	if err != nil || second.Seq != 2 || second.PrevHash != first.Hash {
		t.Fatalf("second entry: %+v, %v", second, err)
	}
	for _, c := range []struct {
		name string
		n    ledger.New
		key  string
	}{
		{"future", func() ledger.New { n := income(f, 1); n.Date = day("2026-12-01"); return n }(), "ledger.refused.future"},
		{"wrong category", func() ledger.New { n := income(f, 1); n.Category = book.Training; return n }(), "ledger.refused.category"},
		{"no purpose", func() ledger.New { n := income(f, 1); n.Purpose = " \u200b"; return n }(), "ledger.refused.empty"},
		{"zero", income(f, 0), "ledger.refused.amount"},
		{"unknown target", ledger.New{Date: day("2026-11-06"), Purpose: "x", Corrects: 9, By: f}, "ledger.refused.corrects_unknown"},
		{"partial reversal", ledger.New{Date: day("2026-11-06"), AmountFen: 1000, Purpose: "x", Corrects: 2, By: f}, "ledger.refused.not_reversal"},
	} {
		_, err := add(t, st, c.n)
		var r *ledger.Refusal
		if !errors.As(err, &r) || r.Key != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
	fix, err := add(t, st, ledger.New{Date: day("2026-11-06"), Purpose: "重复录入", Corrects: 2, By: f})
	if err != nil || fix.Kind != "spending" || fix.AmountFen != 128000 || fix.Counterparty != "劳保用品店" {
		t.Fatalf("correction: %+v, %v", fix, err)
	}
	for _, seq := range []int64{2, 3} {
		_, err := add(t, st, ledger.New{Date: day("2026-11-06"), Purpose: "再次更正", Corrects: seq, By: f})
		var r *ledger.Refusal
		if !errors.As(err, &r) {
			t.Errorf("correcting entry %d again: %v", seq, err)
		}
	}
	if bal, err := st.LedgerBalance(ctx, time.Time{}); err != nil || bal != 5000000 {
		t.Errorf("balance %d, %v; want 5000000 (the spending reversed)", bal, err)
	}
	n, head, err := ledger.Verify(ctx, &st.Queries)
	if err != nil || n != 3 || head != fix.Hash {
		t.Errorf("verify: %d %s %v", n, head, err)
	}
	// The triggers refuse UPDATE, DELETE and TRUNCATE, and an INSERT
	// that does not continue the chain.
	for _, q := range []string{`UPDATE ledger_entries SET amount_fen = 1 WHERE seq = 1`, `DELETE FROM ledger_entries WHERE seq = 3`,
		`TRUNCATE ledger_entries CASCADE`,
		`INSERT INTO ledger_entries (seq, entry_date, kind, category, amount_fen, counterparty, purpose, entered_by, entered_by_code, prev_hash, hash)
			SELECT 9, '2026-11-07', 'income', 'other', 1, 'x', 'x', id, 'F01', repeat('0', 64), repeat('1', 64) FROM people WHERE code = 'F01'`,
	} {
		if _, err := st.DB().Exec(q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
}

// TestTamperFound: someone with the database password switches the
// triggers off and edits a row, deletes one, swaps two; verify names the
// first row changed each time.
func TestTamperFound(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		sql    []string
		seq    int64
		reason string
	}{
		{"edited", []string{`UPDATE ledger_entries SET amount_fen = 12800 WHERE seq = 3`}, 3, "changed"},
		{"edited and rehashed", []string{`UPDATE ledger_entries SET purpose = 'x', hash = repeat('a', 64) WHERE seq = 2`}, 2, "changed"},
		{"deleted", []string{`DELETE FROM ledger_entries WHERE seq = 2`}, 3, "entry 2 is missing"},
		{"reordered", []string{`UPDATE ledger_entries SET seq = seq + 100 WHERE seq IN (2, 3)`,
			`UPDATE ledger_entries SET seq = CASE seq WHEN 102 THEN 3 ELSE 2 END WHERE seq > 100`}, 2, "prev_hash"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, f := world(t, 2)
			for i := 0; i < 4; i++ {
				if _, err := add(t, st, income(f, int64(100*(i+1)))); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := ledger.Verify(ctx, &st.Queries); err != nil {
				t.Fatal(err)
			}
			tamper := append([]string{`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update`}, c.sql...)
			for _, q := range tamper {
				if _, err := st.DB().Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			_, _, err := ledger.Verify(ctx, &st.Queries)
			var p *book.Problem
			if !errors.As(err, &p) || p.Seq != c.seq || !strings.Contains(p.Reason, c.reason) {
				t.Errorf("verify after %s: %v; want entry %d …%s…", c.name, err, c.seq, c.reason)
			}
		})
	}
}

// TestConcurrentAdds: entries added at once from several connections
// still form one chain.
func TestConcurrentAdds(t *testing.T) {
	st, f := world(t, 8)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := add(t, st, income(f, int64(i+1)))
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n, _, err := ledger.Verify(context.Background(), &st.Queries)
	if err != nil || n != 40 {
		t.Fatalf("verify after concurrent adds: %d, %v", n, err)
	}
}
