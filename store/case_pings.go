package store

import (
	"context"
	"time"
)

// DueClocks locks up to limit cases whose clock needs a look now; another
// process scanning at the same moment skips them (SKIP LOCKED).
func (q *Queries) DueClocks(ctx context.Context, now time.Time, limit int) ([]CaseView, error) {
	var cs []CaseView
	// The lock is on the outer query, so the rows read are the versions
	// locked (a case verified a moment ago is seen verified).
	err := q.db.SelectContext(ctx, &cs, caseViewSelect+`
		WHERE c.next_ping_at <= $1 ORDER BY c.next_ping_at LIMIT $2 FOR UPDATE OF c SKIP LOCKED`, now, limit)
	return cs, wrap("due clocks", err)
}

// RecordPing notes a ping; false when it was sent already.
func (q *Queries) RecordPing(ctx context.Context, caseID int64, key string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO case_pings (case_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, key)
	if err != nil {
		return false, wrap("record ping", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PingsOf lists the pings a case has had.
func (q *Queries) PingsOf(ctx context.Context, caseID int64) ([]string, error) {
	var keys []string
	err := q.db.SelectContext(ctx, &keys, `SELECT key FROM case_pings WHERE case_id = $1 ORDER BY at, key`, caseID)
	return keys, wrap("pings", err)
}

// SetNextPing sets when the case's clock next needs a look (nil: never).
func (q *Queries) SetNextPing(ctx context.Context, caseID int64, at *time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET next_ping_at = $2 WHERE id = $1`, caseID, at)
	return wrap("set next ping", err)
}
