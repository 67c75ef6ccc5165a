// Package ledger is the fund ledger's chat side and its one way in (seed
// 六): Add appends an entry (from /ledger, `alleybot ledger add` and
// `ledger import` alike) after the checks every entry meets, Verify reads
// the chain back, /ledger is the treasurer's flow and /balance this
// month's totals. The rules themselves (amounts, the canonical form, the
// chain) are package ledger's, imported here as book.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/i18n"
	book "github.com/alleybot/alleybot/ledger"
	"github.com/alleybot/alleybot/store"
)

// Refusal is why an entry is not added: a catalog message, so that the
// chat says it in the speaker's language and the command line in English.
type Refusal struct {
	Key  string
	Args []any
}

func (r *Refusal) Error() string { return i18n.T(i18n.EN, r.Key, r.Args...) }

// In is the text in the speaker's language.
func (r *Refusal) In(lang i18n.Lang) string { return i18n.T(lang, r.Key, r.Args...) }

func refuse(key string, args ...any) error { return &Refusal{Key: key, Args: args} }

// The longest counterparty and purpose an entry takes.
const (
	MaxCounterparty = 100
	MaxPurpose      = 300
)

// New is an entry to add. A correction (Corrects) takes the kind, the
// category, the amount and the community of the entry it reverses when
// they are left empty, and must match them when they are not.
type New struct {
	Date         time.Time
	Kind         book.Kind
	Category     book.Category
	AmountFen    int64
	Community    *store.Community // nil: the whole district
	Counterparty string
	Purpose      string
	Corrects     int64
	By           store.Person
	PhotoIDs     []int64
}

// check refuses what no entry may be: today is the day now falls on
// (book.DateLayout).
func (n *New) check(today string) error {
	switch {
	case n.Date.IsZero():
		return refuse("ledger.refused.no_date")
	case n.Date.Format(book.DateLayout) > today:
		return refuse("ledger.refused.future", "date", n.Date.Format(book.DateLayout))
	case n.Kind != book.Income && n.Kind != book.Spending:
		return refuse("ledger.refused.kind", "kind", string(n.Kind))
	}
	if _, err := book.ParseCategory(n.Kind, string(n.Category)); err != nil {
		return refuse("ledger.refused.category", "category", string(n.Category), "kind", string(n.Kind))
	}
	if n.AmountFen <= 0 || n.AmountFen > book.MaxFen {
		return refuse("ledger.refused.amount", "amount", book.FormatFen(n.AmountFen))
	}
	n.Counterparty, n.Purpose = strings.TrimSpace(n.Counterparty), strings.TrimSpace(n.Purpose)
	if err := fits("ledger.field.counterparty", n.Counterparty, MaxCounterparty); err != nil {
		return err
	}
	return fits("ledger.field.purpose", n.Purpose, MaxPurpose)
}

func fits(field, text string, max int) error {
	if conversations.Visible(text) == 0 {
		return refuse("ledger.refused.empty", "field", i18n.T(i18n.EN, field))
	}
	if n := utf8.RuneCountInString(text); n > max {
		return refuse("ledger.refused.long", "field", i18n.T(i18n.EN, field), "n", n, "max", max)
	}
	return nil
}

// Add appends n to the ledger in tx, after the checks: a date not after
// today (in loc), a kind and one of its categories, an amount, a
// counterparty and a purpose; a correction names an entry that exists, is
// not itself a correction and has not been corrected, and reverses it
// whole. What is refused is a *Refusal.
//
// Add checks neither who enters (the treasurer or an admin: the callers'
// rule, /ledger's and the command line's) nor vouchers (the /ledger flow
// asks a spending for one): the one entry made without either is the
// system's, a confirmed allowance (flows/allowance), entered by the
// confirming coordinator with the confirmation as its voucher.
func Add(ctx context.Context, tx *store.Tx, n New, now time.Time, loc *time.Location) (store.LedgerEntry, error) {
	var target store.LedgerEntry
	if n.Corrects != 0 {
		var err error
		if target, err = tx.LedgerEntryBySeq(ctx, n.Corrects); errors.Is(err, store.ErrNotFound) {
			return store.LedgerEntry{}, refuse("ledger.refused.corrects_unknown", "seq", n.Corrects)
		} else if err != nil {
			return store.LedgerEntry{}, err
		}
		if err := n.reverse(target); err != nil {
			return store.LedgerEntry{}, err
		}
	}
	if err := n.check(now.In(loc).Format(book.DateLayout)); err != nil {
		return store.LedgerEntry{}, err
	}
	photos, err := tx.PhotosByIDs(ctx, n.PhotoIDs)
	if err != nil {
		return store.LedgerEntry{}, err
	}
	e := store.LedgerEntry{Date: n.Date, Kind: string(n.Kind), Category: string(n.Category), AmountFen: n.AmountFen,
		Counterparty: n.Counterparty, Purpose: n.Purpose, EnteredBy: n.By.ID, EnteredByCode: n.By.Code,
		PhotoIDs: pq.Int64Array(n.PhotoIDs), PhotoHashes: pq.StringArray{}}
	for _, p := range photos {
		e.PhotoHashes = append(e.PhotoHashes, book.PhotoToken(p.SHA256, p.Platform, p.FileRef))
	}
	if n.Community != nil {
		e.CommunityID, e.CommunityCode = sql.NullInt64{Int64: n.Community.ID, Valid: true}, n.Community.Code
	}
	if n.Corrects != 0 {
		e.Corrects = sql.NullInt64{Int64: n.Corrects, Valid: true}
	}
	err = tx.AppendLedgerEntry(ctx, &e, func(e *store.LedgerEntry) error {
		if n.Corrects != 0 { // read again under the lock: corrected once only
			t, err := tx.LedgerEntryBySeq(ctx, n.Corrects)
			if err != nil {
				return err
			}
			if t.CorrectedBy.Valid {
				return refuse("ledger.refused.corrected_twice", "seq", n.Corrects, "by", t.CorrectedBy.Int64)
			}
		}
		if e.PrevHash == "" {
			e.PrevHash = book.Genesis
		}
		e.Hash = Entry(*e).Sum()
		return nil
	})
	return e, err
}

// reverse fills a correction from the entry it reverses, refusing one
// that does not reverse it whole.
func (n *New) reverse(t store.LedgerEntry) error {
	switch {
	case t.Corrects.Valid:
		return refuse("ledger.refused.corrects_correction", "seq", t.Seq, "of", t.Corrects.Int64)
	case t.CorrectedBy.Valid:
		return refuse("ledger.refused.corrected_twice", "seq", t.Seq, "by", t.CorrectedBy.Int64)
	}
	if n.Kind == "" {
		n.Kind = book.Kind(t.Kind)
	}
	if n.Category == "" {
		n.Category = book.Category(t.Category)
	}
	if n.AmountFen == 0 {
		n.AmountFen = t.AmountFen
	}
	if n.Counterparty == "" {
		n.Counterparty = t.Counterparty
	}
	community := ""
	if n.Community != nil {
		community = n.Community.Code
	}
	if n.Community == nil && t.CommunityID.Valid {
		n.Community, community = &store.Community{ID: t.CommunityID.Int64, Code: t.CommunityCode}, t.CommunityCode
	}
	if string(n.Kind) != t.Kind || string(n.Category) != t.Category || n.AmountFen != t.AmountFen || community != t.CommunityCode {
		return refuse("ledger.refused.not_reversal", "seq", t.Seq, "kind", t.Kind, "category", t.Category,
			"amount", book.FormatFen(t.AmountFen), "community", orDash(t.CommunityCode))
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Entry is a stored row as package ledger hashes it.
func Entry(e store.LedgerEntry) book.Entry {
	return book.Entry{Seq: e.Seq, Date: e.Date, Kind: book.Kind(e.Kind), Category: book.Category(e.Category),
		AmountFen: e.AmountFen, Community: e.CommunityCode, Counterparty: e.Counterparty, Purpose: e.Purpose,
		Corrects: e.Corrects.Int64, EnteredBy: e.EnteredByCode, Photos: e.PhotoHashes, PrevHash: e.PrevHash, Hash: e.Hash}
}

// Verify reads the whole ledger and walks its chain (book.Verify): the
// number of entries and the head's hash, or the first *book.Problem.
func Verify(ctx context.Context, q *store.Queries) (int, string, error) {
	rows, err := q.LedgerEntries(ctx)
	if err != nil {
		return 0, "", err
	}
	es := make([]book.Entry, len(rows))
	for i, r := range rows {
		es[i] = Entry(r)
	}
	return book.Verify(es)
}
