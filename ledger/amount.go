package ledger

import (
	"errors"
	"strconv"
	"strings"
)

// Why an amount is refused (ParseAmount wraps none of them: compare with
// errors.Is).
var (
	ErrAmountEmpty    = errors.New("no amount")
	ErrAmountSyntax   = errors.New("not an amount like 1234.50")
	ErrAmountNegative = errors.New("a negative amount (a correction is a reversing entry)")
	ErrAmountZero     = errors.New("a zero amount")
	ErrAmountDecimals = errors.New("more than two decimals (amounts are in yuan and fen)")
	ErrAmountTooLarge = errors.New("too large an amount")
)

// MaxFen is the largest amount one entry may carry (one hundred billion
// yuan): far beyond any real entry, and far from int64's end, so that
// sums never overflow.
const MaxFen = 100_000_000_000_00

// ParseAmount reads an amount in yuan exactly, in fen, never through a
// float: digits with an optional point and one or two decimals ("1234",
// "1234.5", "1234.50", ".5"), optionally after ¥ or before 元; full-width
// digits and point as a Chinese keyboard types them are read too.
// A negative or zero amount, one with more than two decimals, or anything
// else is refused with the reason.
func ParseAmount(s string) (int64, error) {
	s = strings.TrimSpace(narrow(s))
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥"), "元"))
	if s == "" {
		return 0, ErrAmountEmpty
	}
	if s[0] == '-' {
		if strings.HasPrefix(s[1:], "-") || strings.HasPrefix(s[1:], "+") {
			return 0, ErrAmountSyntax
		}
		if _, err := ParseAmount(s[1:]); err != nil {
			return 0, err
		}
		return 0, ErrAmountNegative
	}
	s = strings.TrimPrefix(s, "+")
	whole, frac, dotted := strings.Cut(s, ".")
	if !digits(whole) || !digits(frac) || (whole == "" && frac == "") || (dotted && frac == "") {
		return 0, ErrAmountSyntax
	}
	if len(frac) > 2 {
		return 0, ErrAmountDecimals
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 12 {
		return 0, ErrAmountTooLarge
	}
	fen := int64(0)
	if whole != "" {
		w, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return 0, ErrAmountSyntax
		}
		fen = w * 100
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	fen += f
	switch {
	case fen == 0:
		return 0, ErrAmountZero
	case fen > MaxFen:
		return 0, ErrAmountTooLarge
	}
	return fen, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// narrow turns full-width digits, point, plus and minus into ASCII.
func narrow(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．' || r == '。':
			return '.'
		case r == '－':
			return '-'
		case r == '＋':
			return '+'
		}
		return r
	}, s)
}

// FormatFen writes fen as yuan with two decimals: 123450 → "1234.50",
// -5 → "-0.05".
func FormatFen(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign, u = "-", uint64(-fen)
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + string(rune('0'+u%100/10)) + string(rune('0'+u%10))
}

// Yuan writes fen as yuan for people to read, exactly, with the sign ¥
// and thousands separated: 1234560 → "¥12,345.60", -5 → "-¥0.05".
func Yuan(fen int64) string {
	s := FormatFen(fen)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + "¥" + b.String() + "." + frac
}
