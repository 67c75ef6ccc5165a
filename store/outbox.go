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

// ReserveSend takes the next send slot under every rule at once, or none:
// it returns 0 when the slot is taken (send now), else how long to wait
// before asking again. The rows are locked in key order, so processes never
// deadlock, and the database clock is the one clock they share.
func (s *Store) ReserveSend(ctx context.Context, paces []Pace) (time.Duration, error) {
	keys := make([]string, len(paces))
	ms := make([]int64, len(paces))
	for i, p := range paces {
		keys[i], ms[i] = p.Key, p.Interval.Microseconds()
	}
	var wait time.Duration
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO send_pacing (key, next_at)
			SELECT k, '2000-01-01'::timestamptz FROM unnest($1::text[]) k ON CONFLICT DO NOTHING`, pq.StringArray(keys)); err != nil {
			return err
		}
		var waitUS float64
		if err := tx.GetContext(ctx, &waitUS, `
			WITH locked AS (SELECT next_at FROM send_pacing WHERE key = ANY($1) ORDER BY key FOR UPDATE)
			SELECT coalesce(greatest(0, extract(epoch FROM max(next_at) - clock_timestamp()) * 1e6), 0) FROM locked`,
			pq.StringArray(keys)); err != nil {
			return err
		}
		if waitUS > 0 {
			wait = time.Duration(waitUS) * time.Microsecond
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE send_pacing p SET next_at = clock_timestamp() + make_interval(secs => r.us / 1e6)
			FROM unnest($1::text[], $2::bigint[]) AS r(key, us) WHERE p.key = r.key`, pq.StringArray(keys), pq.Int64Array(ms))
		return err
	})
	return wait, wrap("reserve send", err)
}

// RecordSendFailure keeps a message a platform refused for good.
func (s *Store) RecordSendFailure(ctx context.Context, platform, chatID, text, msg string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO send_failures (platform, chat_id, text, error) VALUES ($1, $2, $3, $4)`,
		platform, chatID, text, msg)
	return wrap("record send failure", err)
}
