package ledger

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in   string
		fen  int64
		fail error
	}{
		{"1234.50", 123450, nil},
		{"1234.5", 123450, nil},
		{"1234", 123400, nil},
		{"0.01", 1, nil},
		{".5", 50, nil},
		{"0.1", 10, nil},
		{" 88 ", 8800, nil},
		{"¥12.30", 1230, nil},
		{"12.30元", 1230, nil},
		{"１２３４．５", 123450, nil},
		{"+3", 300, nil},
		{"00012.07", 1207, nil},
		{"99999999999.99", 9999999999999, nil},
		{"100000000000", MaxFen, nil},
		{"100000000000.01", 0, ErrAmountTooLarge},
		{"1000000000000", 0, ErrAmountTooLarge},
		{"99999999999999999999", 0, ErrAmountTooLarge},
		{"1234.567", 0, ErrAmountDecimals},
		{"0.001", 0, ErrAmountDecimals},
		{"-5", 0, ErrAmountNegative},
		{"-0.50", 0, ErrAmountNegative},
		{"－5", 0, ErrAmountNegative},
		{"0", 0, ErrAmountZero},
		{"0.00", 0, ErrAmountZero},
		{"-0", 0, ErrAmountZero},
		{"", 0, ErrAmountEmpty},
		{"  ", 0, ErrAmountEmpty},
		{"1,234.50", 0, ErrAmountSyntax},
		{"1e3", 0, ErrAmountSyntax},
		{"12.", 0, ErrAmountSyntax},
		{".", 0, ErrAmountSyntax},
		{"1.2.3", 0, ErrAmountSyntax},
		{"abc", 0, ErrAmountSyntax},
		{"NaN", 0, ErrAmountSyntax},
		{"0x10", 0, ErrAmountSyntax},
		{"1 000", 0, ErrAmountSyntax},
		{"--5", 0, ErrAmountSyntax},
	} {
		fen, err := ParseAmount(c.in)
		if c.fail != nil {
			if !errors.Is(err, c.fail) {
				t.Errorf("ParseAmount(%q) = %d, %v; want %v", c.in, fen, err, c.fail)
			}
			continue
		}
		if err != nil || fen != c.fen {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", c.in, fen, err, c.fen)
		}
	}
}

func TestFormatFen(t *testing.T) {
	for fen, want := range map[int64]string{123450: "1234.50", 1: "0.01", 0: "0.00", -5: "-0.05", -123456: "-1234.56", 1000: "10.00"} {
		if got := FormatFen(fen); got != want {
			t.Errorf("FormatFen(%d) = %q, want %q", fen, got, want)
		}
	}
}

// FuzzParseAmount: whatever is typed, an accepted amount is positive, at
// most MaxFen, and reads back the same from its formatted form.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1234.50", "0.01", "-5", "1.234", "１２．５", "¥3元", ".5", "99999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseAmount(s)
		if err != nil {
			return
		}
		if fen <= 0 || fen > MaxFen {
			t.Fatalf("ParseAmount(%q) = %d", s, fen)
		}
		if again, err := ParseAmount(FormatFen(fen)); err != nil || again != fen {
			t.Fatalf("ParseAmount(FormatFen(%d)) = %d, %v", fen, again, err)
		}
	})
}

func day(s string) time.Time {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

// chain is three entries chained from genesis.
func chain() []Entry {
	es := []Entry{
		{Date: day("2026-11-02"), Kind: Income, Category: Government, AmountFen: 5000000, Counterparty: "交道口街道办事处", Purpose: "2026年第四季度专项经费", EnteredBy: "F01"},
		{Date: day("2026-11-05"), Kind: Spending, Category: Equipment, AmountFen: 128000, Community: "juer", Counterparty: "某劳保用品店", Purpose: "雨衣|手电", EnteredBy: "F01", Photos: []string{strings.Repeat("ab", 32)}},
		{Date: day("2026-11-06"), Kind: Spending, Category: Equipment, AmountFen: 128000, Community: "juer", Counterparty: "某劳保用品店", Purpose: "重复录入", EnteredBy: "F01", Corrects: 2},
	}
	for i := range es {
		if i == 0 {
			es[i].Chain(nil)
		} else {
			es[i].Chain(&es[i-1])
		}
	}
	return es
}

func TestCanonicalForm(t *testing.T) {
	es := chain()
	want := "2|2026-11-05|spending|equipment|128000|juer|某劳保用品店|雨衣\\|手电|0|F01|" + strings.Repeat("ab", 32) + "|" + es[0].Hash
	if got := es[1].Canonical(); got != want {
		t.Errorf("canonical form\n got %s\nwant %s", got, want)
	}
	if es[0].PrevHash != Genesis || len(es[0].Hash) != 64 || es[2].PrevHash != es[1].Hash {
		t.Errorf("chain: %+v", es)
	}
	// A "|" in a field cannot shift the others: these two differ.
	a := Entry{Counterparty: "甲|乙", Purpose: "丙"}
	b := Entry{Counterparty: "甲", Purpose: "乙|丙"}
	if a.Sum() == b.Sum() {
		t.Error("fields run into each other")
	}
	var total int64
	for _, e := range es {
		total += e.Signed()
	}
	if total != 5000000 {
		t.Errorf("balance after a spending and its reversal: %d", total)
	}
}

func TestVerify(t *testing.T) {
	n, head, err := Verify(chain())
	if err != nil || n != 3 || head != chain()[2].Hash {
		t.Fatalf("Verify(valid) = %d, %s, %v", n, head, err)
	}
	if n, head, err := Verify(nil); err != nil || n != 0 || head != Genesis {
		t.Errorf("Verify(empty) = %d, %s, %v", n, head, err)
	}
	for _, c := range []struct {
		name   string
		tamper func([]Entry) []Entry
		seq    int64
		reason string
	}{
		{"amount edited", func(es []Entry) []Entry { es[1].AmountFen = 12800; return es }, 2, "changed"},
		{"purpose edited", func(es []Entry) []Entry { es[0].Purpose = "x"; return es }, 1, "changed"},
		{"edited and rehashed", func(es []Entry) []Entry { es[0].Purpose = "x"; es[0].Hash = es[0].Sum(); return es }, 2, "entry 1 was replaced"},
		{"deleted", func(es []Entry) []Entry { return append(es[:1], es[2:]...) }, 3, "entry 2 is missing"},
		{"first deleted", func(es []Entry) []Entry { return es[1:] }, 2, "entry 1 is missing"},
		{"reordered", func(es []Entry) []Entry { es[1], es[2] = es[2], es[1]; return es }, 3, "seq 3 follows seq 1"},
		{"swapped seqs", func(es []Entry) []Entry { es[1].Seq, es[2].Seq = 3, 2; es[1], es[2] = es[2], es[1]; return es }, 2, "prev_hash"},
		{"duplicated", func(es []Entry) []Entry { return append(es[:2], es[1], es[2]) }, 2, "inserted out of order"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Verify(c.tamper(chain()))
			var p *Problem
			if !errors.As(err, &p) || p.Seq != c.seq || !strings.Contains(p.Reason, c.reason) {
				t.Errorf("Verify = %v; want entry %d: …%s…", err, c.seq, c.reason)
			}
		})
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{1234560: "¥12,345.60", 1: "¥0.01", 0: "¥0.00", -5: "-¥0.05", 10000000: "¥100,000.00",
		12345678901: "¥123,456,789.01", 99999: "¥999.99"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}
