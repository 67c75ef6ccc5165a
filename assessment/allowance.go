package assessment

import (
	"errors"
	"strconv"
	"strings"
)

// AllowanceRule is how a steward's monthly allowance (工作补贴, seed 六(二)1)
// is proposed from the month's counts, in fen (0.01 yuan) so no amount
// is ever a float: Base a month, PerPatrol for each scheduled patrol done,
// PerReport for each accepted report, the sum at most Cap (0: no cap).
type AllowanceRule struct {
	PerPatrol int64 `json:"per_patrol"`
	PerReport int64 `json:"per_report"`
	Base      int64 `json:"base"`
	Cap       int64 `json:"cap"`
}

// On reports whether the rule proposes anything (all zero: allowances off).
func (r AllowanceRule) On() bool { return r.PerPatrol > 0 || r.PerReport > 0 || r.Base > 0 }

// AllowanceLine is one line of a proposal: Count × Each = Amount (the cap
// line's Amount is what the cap takes off, negative).
type AllowanceLine struct {
	Item   string `json:"item"` // base, patrols, reports, cap
	Count  int    `json:"count"`
	Each   int64  `json:"each"`
	Amount int64  `json:"amount"`
}

// Allowance is the allowance the rule gives a steward's counts, in fen,
// with the lines it is made of (lines of zero amount left out).
func Allowance(c Counts, r AllowanceRule) (int64, []AllowanceLine) {
	var lines []AllowanceLine
	var sum int64
	for _, l := range []AllowanceLine{
		{Item: "base", Count: 1, Each: r.Base},
		{Item: "patrols", Count: c.PatrolsDone, Each: r.PerPatrol},
		{Item: "reports", Count: c.Accepted, Each: r.PerReport},
	} {
		l.Amount = int64(l.Count) * l.Each
		if l.Amount > 0 {
			lines = append(lines, l)
			sum += l.Amount
		}
	}
	if r.Cap > 0 && sum > r.Cap {
		lines = append(lines, AllowanceLine{Item: "cap", Count: 1, Each: r.Cap, Amount: r.Cap - sum})
		sum = r.Cap
	}
	return sum, lines
}

// maxYuanDigits bounds the whole yuan of an amount (a trillion yuan is
// more than any allowance, and far from overflowing int64 fen).
const maxYuanDigits = 12

// Errors of ParseYuan.
var (
	ErrNegativeAmount = errors.New("must not be negative")
	ErrFenDigits      = errors.New("has more than two decimals (the smallest unit is the fen, 0.01)")
	ErrNotAmount      = errors.New("is not an amount in yuan such as 20 or 20.00")
)

// ParseYuan reads a decimal amount of yuan ("20", "20.5", "20.00") into
// fen, exactly: no float on the way. Negative amounts, more than two
// decimals, signs, exponents and anything else are refused.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		return 0, ErrNegativeAmount
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !digits(whole) || len(whole) > maxYuanDigits || (dot && frac == "") || (frac != "" && !digits(frac)) {
		return 0, ErrNotAmount
	}
	if len(frac) > 2 {
		return 0, ErrFenDigits
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrNotAmount
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	return y*100 + f, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// FormatYuan writes fen as yuan with two decimals: 12345 → "123.45".
func FormatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + strconv.FormatInt(fen/100, 10) + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
}
