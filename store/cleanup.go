package store

import (
	"context"
	"time"
)

// Cleanup deletes what has served its purpose: update keys older than keep
// (a platform redelivers within hours, never weeks), drafts untouched for
// longer than keep, and the photos of such abandoned drafts (never attached
// to a case). It returns how many rows of each went.
func (q *Queries) Cleanup(ctx context.Context, before time.Time) (updates, drafts, photos int64, err error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM processed_updates WHERE processed_at < $1`, before)
	if err != nil {
		return 0, 0, 0, wrap("clean update keys", err)
	}
	updates, _ = res.RowsAffected()
	res, err = q.db.ExecContext(ctx, `DELETE FROM conversation_states WHERE updated_at < $1`, before)
	if err != nil {
		return 0, 0, 0, wrap("clean drafts", err)
	}
	drafts, _ = res.RowsAffected()
	// A photo still in a live draft is younger than that draft's last
	// update, so one older than before and without a case is abandoned.
	res, err = q.db.ExecContext(ctx, `DELETE FROM photos WHERE case_id IS NULL AND ledger_seq IS NULL AND created_at < $1`, before)
	if err != nil {
		return 0, 0, 0, wrap("clean photos", err)
	}
	photos, _ = res.RowsAffected()
	if _, err := q.db.ExecContext(ctx, `DELETE FROM photo_blobs b WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = b.sha256)`); err != nil {
		return 0, 0, 0, wrap("clean photo bytes", err)
	}
	// Messages sent, refused or dropped long ago (a chat's queue row stays:
	// its sequence numbers go on).
	if _, err := q.db.ExecContext(ctx, `DELETE FROM outbox WHERE created_at < $1 AND state <> 'pending' AND done_at < $1`, before); err != nil {
		return 0, 0, 0, wrap("clean the outbox", err)
	}
	return updates, drafts, photos, nil
}
