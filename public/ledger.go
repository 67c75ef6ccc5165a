package public

import (
	"context"
	"time"

	"github.com/alleybot/alleybot/i18n"
	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/store"
)

// ledgerView is a month's fund ledger statement (seed 六): the balance
// before and after, what came in and went out, every entry with its
// canonical form and hash, and the chain's head, so anyone can check the
// chain (the template's "如何核验").
type ledgerView struct {
	Month            time.Month
	Current          bool   // this month so far (else last month, complete)
	Other            string // the query that shows the other month
	Opening, Closing string // yuan
	Income, Spending string // yuan, corrections taken off
	Rows             []ledgerRow
	HeadSeq          int64 // the whole chain's last entry
	Head             string
}

// ledgerRow is one entry as published.
type ledgerRow struct {
	book.Entry
	Canonical string // the text its hash is of
}

// KindKey and CategoryKey are the ledger catalog's names of the entry's
// kind and category.
func (r ledgerRow) KindKey() string { return "ledger.kind." + string(r.Kind) }
func (r ledgerRow) CategoryKey() string {
	return "ledger.category." + string(r.Kind) + "." + string(r.Category)
}

// Adds says whether the entry adds to the balance (an income, or the
// correction of a spending).
func (r ledgerRow) Adds() bool { return r.Signed() > 0 }

// Effect is what the entry does to the balance, "+60000.00" or
// "−1276.50" (a correction undoes the entry it names).
func (r ledgerRow) Effect() string {
	if r.Adds() {
		return "+" + book.FormatFen(r.AmountFen)
	}
	return "−" + book.FormatFen(r.AmountFen)
}

// MonthTitle is 「11月」 / "November".
func (l ledgerView) MonthTitle(lang i18n.Lang) string {
	key := "public.month.last"
	if l.Current {
		key = "public.month.current"
	}
	return i18n.T(lang, key, "month", i18n.Month(lang, l.Month))
}

// ledgerSection reads the ledger statement of [from, to).
func ledgerSection(ctx context.Context, st *store.Store, from, to time.Time) (ledgerView, error) {
	v := ledgerView{Month: from.Month()}
	rows, err := st.LedgerBetween(ctx, from, to)
	if err != nil {
		return v, err
	}
	opening, err := st.LedgerBalance(ctx, from)
	if err != nil {
		return v, err
	}
	var in, out int64
	for _, r := range rows {
		e := book.Entry{Seq: r.Seq, Date: r.Date, Kind: book.Kind(r.Kind), Category: book.Category(r.Category),
			AmountFen: r.AmountFen, Community: r.CommunityCode, Counterparty: r.Counterparty, Purpose: r.Purpose,
			Corrects: r.Corrects.Int64, EnteredBy: r.EnteredByCode, Photos: r.PhotoHashes, PrevHash: r.PrevHash, Hash: r.Hash}
		if e.Kind == book.Income {
			in += e.Signed()
		} else {
			out -= e.Signed()
		}
		v.Rows = append(v.Rows, ledgerRow{Entry: e, Canonical: e.Canonical()})
	}
	v.Opening, v.Income, v.Spending, v.Closing = book.FormatFen(opening), book.FormatFen(in), book.FormatFen(out), book.FormatFen(opening+in-out)
	v.HeadSeq, v.Head, err = st.PublicLedgerHead(ctx)
	return v, err
}
