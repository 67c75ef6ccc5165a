package assessment

import (
	"errors"
	"testing"
)

func TestAllowance(t *testing.T) {
	rule := AllowanceRule{PerPatrol: 2000, PerReport: 1550, Base: 10001, Cap: 80000}
	for _, tc := range []struct {
		name  string
		c     Counts
		r     AllowanceRule
		want  int64
		items []string
	}{
		// 100.01 + 12 × 20.00 + 3 × 15.50 = 100.01 + 240.00 + 46.50 = 386.51
		{"exact fen", Counts{PatrolsDone: 12, PatrolsScheduled: 20, Cases: 5, Accepted: 3}, rule, 38651, []string{"base", "patrols", "reports"}},
		// 100.01 + 30 × 20.00 + 20 × 15.50 = 1010.01, capped at 800.00
		{"capped", Counts{PatrolsDone: 30, Accepted: 20}, rule, 80000, []string{"base", "patrols", "reports", "cap"}},
		{"exactly the cap", Counts{PatrolsDone: 35}, AllowanceRule{PerPatrol: 2000, Cap: 70000}, 70000, []string{"patrols"}},
		{"nothing done: the base", Counts{PatrolsScheduled: 20, Cases: 2}, rule, 10001, []string{"base"}},
		{"rule off", Counts{PatrolsDone: 30, Accepted: 20}, AllowanceRule{}, 0, nil},
		{"no cap", Counts{PatrolsDone: 1000}, AllowanceRule{PerPatrol: 1}, 1000, []string{"patrols"}},
	} {
		got, lines := Allowance(tc.c, tc.r)
		if got != tc.want {
			t.Errorf("%s: %d fen, want %d", tc.name, got, tc.want)
		}
		var items []string
		var sum int64
		for _, l := range lines {
			items = append(items, l.Item)
			sum += l.Amount
			if l.Item != "cap" && l.Amount != int64(l.Count)*l.Each {
				t.Errorf("%s: line %+v does not add up", tc.name, l)
			}
		}
		if sum != got {
			t.Errorf("%s: lines add to %d, the amount is %d", tc.name, sum, got)
		}
		if len(items) != len(tc.items) {
			t.Errorf("%s: lines %v, want %v", tc.name, items, tc.items)
			continue
		}
		for i := range items {
			if items[i] != tc.items[i] {
				t.Errorf("%s: lines %v, want %v", tc.name, items, tc.items)
			}
		}
	}
	if (AllowanceRule{Cap: 100}).On() || !(AllowanceRule{Base: 1}).On() {
		t.Error("On: a cap alone proposes nothing; a base does")
	}
}

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]int64{"20.00": 2000, "20": 2000, "20.5": 2050, "0.01": 1, "0": 0, " 7.10 ": 710,
		"0.29": 29, "1234.56": 123456, "999999999999.99": 99999999999999} {
		got, err := ParseYuan(in)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]error{"20.005": ErrFenDigits, "0.001": ErrFenDigits, "-1": ErrNegativeAmount, "-0.50": ErrNegativeAmount,
		"": ErrNotAmount, "abc": ErrNotAmount, "1e3": ErrNotAmount, "+5": ErrNotAmount, "20.": ErrNotAmount, ".5": ErrNotAmount,
		"1,000": ErrNotAmount, "¥20": ErrNotAmount, "1000000000000": ErrNotAmount, "20.0a": ErrNotAmount} {
		if got, err := ParseYuan(in); !errors.Is(err, want) {
			t.Errorf("ParseYuan(%q) = %d, %v; want %v", in, got, err, want)
		}
	}
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 10: "0.10", 2000: "20.00", 38651: "386.51", -150: "-1.50"} {
		if got := FormatYuan(fen); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}
