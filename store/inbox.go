package store

import (
	"context"
	"time"
)

// The inbox (migration 0010): updates a platform pushes and wants
// acknowledged within seconds (WeCom's callbacks, WeChat customer service's
// sync_msg) are stored first and handled after.

// InboxUpdate is a stored update: Body is the serialised bot.Update.
type InboxUpdate struct {
	ID       int64  `db:"id"`
	Platform string `db:"platform"`
	Key      string `db:"update_key"`
	ChatID   string `db:"chat_id"`
	UserID   string `db:"user_id"`
	Body     []byte `db:"body"`
	Attempts int    `db:"attempts"`
}

// AcceptUpdate stores an update unless one with its key is stored already
// (a platform's retry); it reports whether this call stored it.
func (q *Queries) AcceptUpdate(ctx context.Context, u InboxUpdate) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO inbox (platform, update_key, chat_id, user_id, body)
		VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (platform, update_key) DO NOTHING`,
		u.Platform, u.Key, u.ChatID, u.UserID, string(u.Body))
	if err != nil {
		return false, wrap("accept update", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ClaimUpdates leases to owner up to limit due updates, each the oldest
// waiting of its person in its chat (so one person's updates are handled
// in order, one at a time, across processes).
func (s *Store) ClaimUpdates(ctx context.Context, owner string, limit int, lease time.Duration) ([]InboxUpdate, error) {
	var out []InboxUpdate
	err := s.db.SelectContext(ctx, &out, `
		WITH heads AS (
			SELECT DISTINCT ON (platform, chat_id, user_id) id
			FROM inbox ORDER BY platform, chat_id, user_id, id),
		due AS (
			-- The conditions are on i, so a row another process claimed
			-- after this statement's snapshot is re-checked when locked.
			SELECT i.id FROM inbox i JOIN heads h ON h.id = i.id
			WHERE i.next_at <= now() AND (i.lease_until IS NULL OR i.lease_until < clock_timestamp())
			ORDER BY i.id LIMIT $2 FOR UPDATE OF i SKIP LOCKED)
		UPDATE inbox i SET lease_owner = $1, lease_until = now() + $3 * interval '1 microsecond'
		FROM due WHERE i.id = due.id
		RETURNING i.id, i.platform, i.update_key, i.chat_id, i.user_id, i.body, i.attempts`,
		owner, limit, lease.Microseconds())
	return out, wrap("claim updates", err)
}

// FinishUpdate removes a handled update.
func (s *Store) FinishUpdate(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM inbox WHERE id = $1`, id)
	return wrap("finish update", err)
}

// RetryUpdate gives a failed update back, to be tried again at next;
// counted says whether the try counts towards giving up (a failure that
// will pass, such as the database away, does not).
func (s *Store) RetryUpdate(ctx context.Context, id int64, next time.Time, counted bool) error {
	_, err := s.db.ExecContext(ctx, `UPDATE inbox SET attempts = attempts + CASE WHEN $3::boolean THEN 1 ELSE 0 END, next_at = $2,
		lease_owner = NULL, lease_until = NULL WHERE id = $1`, id, next, counted)
	return wrap("retry update", err)
}

// PendingUpdates counts the updates not handled yet (for tests and /readyz).
func (s *Store) PendingUpdates(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM inbox`)
	return n, wrap("pending updates", err)
}

// KfCursor is where sync_msg stopped for a customer-service account ("" at
// first).
func (q *Queries) KfCursor(ctx context.Context, openKfID string) (string, error) {
	var c []string
	err := q.db.SelectContext(ctx, &c, `SELECT cursor FROM kf_cursors WHERE open_kfid = $1 FOR UPDATE`, openKfID)
	if err != nil || len(c) == 0 {
		return "", wrap("kf cursor", err)
	}
	return c[0], nil
}

// SetKfCursor moves the cursor (in the transaction that stored the
// messages it covers).
func (q *Queries) SetKfCursor(ctx context.Context, openKfID, cursor string) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO kf_cursors (open_kfid, cursor) VALUES ($1, $2)
		ON CONFLICT (open_kfid) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`, openKfID, cursor)
	return wrap("set kf cursor", err)
}

// LockKf serialises the customer-service readers of one account across
// processes for the transaction.
func (q *Queries) LockKf(ctx context.Context, openKfID string) error {
	_, err := q.db.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 9931))`, "kf\x1f"+openKfID)
	return wrap("lock kf", err)
}

// MarkProcessed records an update's key inside the transaction of its
// effects. It reports false when the key was already there: the caller then
// rolls back and sends nothing.
func (q *Queries) MarkProcessed(ctx context.Context, platform, key string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `
		INSERT INTO processed_updates (platform, update_key) VALUES ($1, $2) ON CONFLICT DO NOTHING`, platform, key)
	if err != nil {
		return false, wrap("mark processed", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
