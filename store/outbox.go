package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
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
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO send_pacing (key, next_at)
			SELECT k, '2000-01-01' FROM unnest($1::text[]) k ON CONFLICT DO NOTHING`, pq.StringArray(keys)); err != nil {
			return err
		}
		var row struct {
			Slot   time.Time `db:"slot"`
			WaitUS float64   `db:"wait_us"`
		}
		if err := tx.GetContext(ctx, &row, `
			WITH locked AS (SELECT next_at FROM send_pacing WHERE key = ANY($1) ORDER BY key FOR UPDATE),
			     slot AS (SELECT greatest(clock_timestamp(), max(next_at)) AS t FROM locked)
			SELECT t AS slot, extract(epoch FROM t - clock_timestamp()) * 1e6 AS wait_us FROM slot`,
			pq.StringArray(keys)); err != nil {
			return err
		}
		wait = max(0, time.Duration(row.WaitUS)*time.Microsecond)
		if wait > maxWait {
			return nil
		}
		ok = true
		_, err := tx.ExecContext(ctx, `UPDATE send_pacing p SET next_at = $3::timestamptz + make_interval(secs => r.us / 1e6)
			FROM unnest($1::text[], $2::bigint[]) AS r(key, us) WHERE p.key = r.key`, pq.StringArray(keys), pq.Int64Array(us), row.Slot)
		return err
	})
	return wait, ok, wrap("reserve send", err)
}

// RecordSendFailure keeps a message a platform refused for good.
func (s *Store) RecordSendFailure(ctx context.Context, platform, chatID, text, msg string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO send_failures (platform, chat_id, text, error) VALUES ($1, $2, $3, $4)`,
		platform, chatID, text, msg)
	return wrap("record send failure", err)
}
