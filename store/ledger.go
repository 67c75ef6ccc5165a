package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"
)

// LedgerEntry is one row of the fund ledger (ledger_entries, migration
// 0024): package ledger owns its meaning (kinds, categories, the canonical
// form its Hash is of); the store only keeps it, in order.
type LedgerEntry struct {
	Seq           int64          `db:"seq"`
	Date          time.Time      `db:"entry_date"`
	Kind          string         `db:"kind"`
	Category      string         `db:"category"`
	AmountFen     int64          `db:"amount_fen"`
	CommunityID   sql.NullInt64  `db:"community_id"`
	CommunityCode string         `db:"community_code"`
	Counterparty  string         `db:"counterparty"`
	Purpose       string         `db:"purpose"`
	Corrects      sql.NullInt64  `db:"corrects"`
	EnteredBy     int64          `db:"entered_by"`
	EnteredByCode string         `db:"entered_by_code"`
	PhotoIDs      pq.Int64Array  `db:"photo_ids"`
	PhotoHashes   pq.StringArray `db:"photo_hashes"`
	PrevHash      string         `db:"prev_hash"`
	Hash          string         `db:"hash"`
	CreatedAt     time.Time      `db:"created_at"`
	// Read with the row, for people: names of today's roster.
	EnteredByName string        `db:"entered_by_name"`
	CommunityName string        `db:"community_name"`
	CorrectedBy   sql.NullInt64 `db:"corrected_by"` // the entry reversing this one
}

const ledgerCols = `l.seq, l.entry_date, l.kind, l.category, l.amount_fen, l.community_id, l.community_code, l.counterparty,
	l.purpose, l.corrects, l.entered_by, l.entered_by_code, l.photo_ids, l.photo_hashes, l.prev_hash, l.hash, l.created_at,
	coalesce(p.name, '') AS entered_by_name, coalesce(c.name, '') AS community_name,
	(SELECT r.seq FROM ledger_entries r WHERE r.corrects = l.seq) AS corrected_by`

const ledgerFrom = ` FROM ledger_entries l LEFT JOIN people p ON p.id = l.entered_by LEFT JOIN communities c ON c.id = l.community_id `

// ledgerLock is the advisory lock every append holds until its
// transaction ends: appends take the chain's next seq one at a time.
const ledgerLock = 0x1ed6e7

// AppendLedgerEntry adds e at the end of the chain. Under the lock it sets
// e.Seq to the next number and e.PrevHash to the last row's hash ("" when
// e is the first), then calls seal, which checks e against the rows (a
// correction's target) and sets e.Hash; then the row is written, its
// voucher photos marked as the entry's. It needs a transaction (the lock
// is held until it ends).
func (t *Tx) AppendLedgerEntry(ctx context.Context, e *LedgerEntry, seal func(e *LedgerEntry) error) error {
	if _, err := t.db.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, ledgerLock); err != nil {
		return wrap("lock the ledger", err)
	}
	var last struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	err := t.db.GetContext(ctx, &last, `SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1`)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return wrap("ledger head", err)
	}
	e.Seq, e.PrevHash = last.Seq+1, last.Hash
	if err := seal(e); err != nil {
		return err
	}
	if e.PhotoIDs == nil {
		e.PhotoIDs = pq.Int64Array{}
	}
	if e.PhotoHashes == nil {
		e.PhotoHashes = pq.StringArray{}
	}
	if _, err := t.db.ExecContext(ctx, `INSERT INTO ledger_entries (seq, entry_date, kind, category, amount_fen, community_id,
			community_code, counterparty, purpose, corrects, entered_by, entered_by_code, photo_ids, photo_hashes, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		e.Seq, e.Date.Format(time.DateOnly), e.Kind, e.Category, e.AmountFen, e.CommunityID, e.CommunityCode, e.Counterparty,
		e.Purpose, e.Corrects, e.EnteredBy, e.EnteredByCode, e.PhotoIDs, e.PhotoHashes, e.PrevHash, e.Hash); err != nil {
		return wrap("append ledger entry", err)
	}
	if len(e.PhotoIDs) > 0 {
		if _, err := t.db.ExecContext(ctx, `UPDATE photos SET ledger_seq = $1 WHERE id = ANY($2)`, e.Seq, e.PhotoIDs); err != nil {
			return wrap("ledger vouchers", err)
		}
	}
	return nil
}

// LedgerEntries is the whole ledger in order of seq, as stored (for
// verification).
func (q *Queries) LedgerEntries(ctx context.Context) ([]LedgerEntry, error) {
	var es []LedgerEntry
	err := q.db.SelectContext(ctx, &es, `SELECT `+ledgerCols+ledgerFrom+`ORDER BY l.seq`)
	return es, wrap("ledger", err)
}

// LedgerBetween are the entries dated from from up to (not including) to,
// in order of date then seq.
func (q *Queries) LedgerBetween(ctx context.Context, from, to time.Time) ([]LedgerEntry, error) {
	var es []LedgerEntry
	err := q.db.SelectContext(ctx, &es, `SELECT `+ledgerCols+ledgerFrom+`WHERE l.entry_date >= $1 AND l.entry_date < $2 ORDER BY l.entry_date, l.seq`,
		from.Format(time.DateOnly), to.Format(time.DateOnly))
	return es, wrap("ledger between", err)
}

// LedgerEntryBySeq reads one entry.
func (q *Queries) LedgerEntryBySeq(ctx context.Context, seq int64) (LedgerEntry, error) {
	var e LedgerEntry
	err := q.db.GetContext(ctx, &e, `SELECT `+ledgerCols+ledgerFrom+`WHERE l.seq = $1`, seq)
	return e, wrap("ledger entry", notFound(err))
}

// ledgerSigned is an entry's effect on the balance: an income adds, a
// spending takes away, a correction undoes the entry it names.
const ledgerSigned = `CASE WHEN (kind = 'income') = (corrects IS NULL) THEN amount_fen ELSE -amount_fen END`

// LedgerBalance is the balance, in fen, of the entries dated before
// (zero time: of every entry).
func (q *Queries) LedgerBalance(ctx context.Context, before time.Time) (int64, error) {
	var fen int64
	var err error
	if before.IsZero() {
		err = q.db.GetContext(ctx, &fen, `SELECT coalesce(sum(`+ledgerSigned+`), 0) FROM ledger_entries`)
	} else {
		err = q.db.GetContext(ctx, &fen, `SELECT coalesce(sum(`+ledgerSigned+`), 0) FROM ledger_entries WHERE entry_date < $1`,
			before.Format(time.DateOnly))
	}
	return fen, wrap("ledger balance", err)
}

// LedgerTotal is what a category of a kind came to: corrections taken
// off, positive for both kinds.
type LedgerTotal struct {
	Kind     string `db:"kind"`
	Category string `db:"category"`
	Fen      int64  `db:"fen"`
	Entries  int    `db:"entries"`
}

// LedgerTotals are the totals by kind and category of the entries dated
// from from up to (not including) to.
func (q *Queries) LedgerTotals(ctx context.Context, from, to time.Time) ([]LedgerTotal, error) {
	var ts []LedgerTotal
	err := q.db.SelectContext(ctx, &ts, `SELECT kind, category,
			sum(CASE WHEN corrects IS NULL THEN amount_fen ELSE -amount_fen END) AS fen, count(*) AS entries
		FROM ledger_entries WHERE entry_date >= $1 AND entry_date < $2 GROUP BY kind, category ORDER BY kind, category`,
		from.Format(time.DateOnly), to.Format(time.DateOnly))
	return ts, wrap("ledger totals", err)
}

// LedgerEntryCountBefore is how many entries are dated before before.
func (q *Queries) LedgerEntryCountBefore(ctx context.Context, before time.Time) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM ledger_entries WHERE entry_date < $1`, before.Format(time.DateOnly))
	return n, wrap("ledger count", err)
}
