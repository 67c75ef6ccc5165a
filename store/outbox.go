package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// Pace is one pacing rule: at most one send per Interval under Key.
type Pace struct {
	Key      string
	Interval time.Duration
}

// ReserveSend books the next send slot under every rule at once. The slot
// is the first moment all the rules allow; when it is at most maxWait away
// it is booked (each rule's next moment moves one interval past it) and
// ok is true: the caller waits until then and sends. Further away, nothing
// is booked and the caller comes back later. Booking ahead lets many
// workers share one limit without polling it; the rows are locked in key
// order (no deadlocks between processes) and the database clock is the one
// clock every process shares.
func (s *Store) ReserveSend(ctx context.Context, paces []Pace, maxWait time.Duration) (wait time.Duration, ok bool, err error) {
	keys := make([]string, len(paces))
	us := make([]int64, len(paces))
	for i, p := range paces {
		keys[i], us[i] = p.Key, p.Interval.Microseconds()
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		var row struct {
			Rows   int       `db:"rows"`
			Slot   time.Time `db:"slot"`
			WaitUS float64   `db:"wait_us"`
		}
		// A platform's retry_after (held_until) counts like a booked slot.
		query := `
			WITH locked AS (SELECT next_at, held_until FROM send_pacing WHERE key = ANY($1) ORDER BY key FOR UPDATE),
			     slot AS (SELECT count(*) AS n, greatest(clock_timestamp(), max(next_at), max(held_until)) AS t FROM locked)
			SELECT n AS rows, t AS slot, extract(epoch FROM t - clock_timestamp()) * 1e6 AS wait_us FROM slot`
		if err := tx.tx.GetContext(ctx, &row, query, pq.StringArray(keys)); err != nil {
			return err
		}
		if row.Rows < len(keys) { // a rule seen for the first time: create its row, then book
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO send_pacing (key, next_at)
				SELECT k, '2000-01-01' FROM unnest($1::text[]) k ON CONFLICT DO NOTHING`, pq.StringArray(keys)); err != nil {
				return err
			}
			if err := tx.tx.GetContext(ctx, &row, query, pq.StringArray(keys)); err != nil {
				return err
			}
		}
		wait = max(0, time.Duration(row.WaitUS)*time.Microsecond)
		if wait > maxWait {
			return nil
		}
		ok = true
		_, err := tx.tx.ExecContext(ctx, `UPDATE send_pacing p SET next_at = $3::timestamptz + make_interval(secs => r.us / 1e6)
			FROM unnest($1::text[], $2::bigint[]) AS r(key, us) WHERE p.key = r.key`, pq.StringArray(keys), pq.Int64Array(us), row.Slot)
		return err
	})
	return wait, ok, wrap("reserve send", err)
}

// RecordSendFailure keeps a message a platform refused for good.
func (s *Store) RecordSendFailure(ctx context.Context, platform, chatID, text, msg string) error {
	_, err := s.pool.ExecContext(ctx, `INSERT INTO send_failures (platform, chat_id, text, error) VALUES ($1, $2, $3, $4)`,
		platform, chatID, text, msg)
	return wrap("record send failure", err)
}

// SendProgress is how many messages of a send job went out already.
func (s *Store) SendProgress(ctx context.Context, jobID int64) (int, error) {
	var n int
	err := s.pool.GetContext(ctx, &n, `SELECT coalesce((SELECT sent FROM send_progress WHERE job_id = $1), 0)`, jobID)
	return n, wrap("send progress", err)
}

// SetSendProgress records that the first n messages of a job went out.
func (s *Store) SetSendProgress(ctx context.Context, jobID int64, n int) error {
	_, err := s.pool.ExecContext(ctx, `INSERT INTO send_progress (job_id, sent) VALUES ($1, $2)
		ON CONFLICT (job_id) DO UPDATE SET sent = EXCLUDED.sent`, jobID, n)
	return wrap("set send progress", err)
}

// ClearSendProgress forgets a finished job's progress.
func (s *Store) ClearSendProgress(ctx context.Context, jobID int64) error {
	_, err := s.pool.ExecContext(ctx, `DELETE FROM send_progress WHERE job_id = $1`, jobID)
	return wrap("clear send progress", err)
}

// HoldSends keeps every rule's next slot at least until until: a platform's
// retry_after holds the whole chat (and the platform), not just one job.
func (s *Store) HoldSends(ctx context.Context, keys []string, until time.Duration) error {
	_, err := s.pool.ExecContext(ctx, `UPDATE send_pacing SET
		next_at = greatest(next_at, clock_timestamp() + make_interval(secs => $2::float8)),
		held_until = greatest(held_until, clock_timestamp() + make_interval(secs => $2::float8))
		WHERE key = ANY($1)`, pq.StringArray(keys), until.Seconds())
	return wrap("hold sends", err)
}

// Held says how long a platform's retry_after still holds any of keys
// (0: not held). A slot booked before the hold must still wait for it.
func (s *Store) Held(ctx context.Context, keys []string) (time.Duration, error) {
	var us float64
	err := s.pool.GetContext(ctx, &us, `SELECT coalesce(greatest(0, extract(epoch FROM max(held_until) - clock_timestamp()) * 1e6), 0)
		FROM send_pacing WHERE key = ANY($1)`, pq.StringArray(keys))
	return time.Duration(us) * time.Microsecond, wrap("held", err)
}
