package store

import (
	"context"
	"errors"
	"time"

	"github.com/lib/pq"
)

// MetricsSnapshot is what /metrics reads from the database at each scrape
// (ReadMetrics): a few bounded counts over partial indexes, no table scan.
type MetricsSnapshot struct {
	Outbox     []OutboxDepth // per platform with messages pending
	Inbox      int64         // updates stored and not handled yet
	River      map[string]int64
	Clocks     []ClockCount
	OpenByStat map[string]int64 // open cases (closed_at IS NULL) per status
}

// OutboxDepth is a platform's pending messages and the age of its oldest:
// the oldest at the head of a chat's queue or queued and not numbered yet.
type OutboxDepth struct {
	Platform string
	Pending  int64
	Oldest   time.Time
}

// ClockCount counts the running clocks of one kind ("verify": a dispatched
// case's verify_by, "fix": a verified case's fix_by) that are overdue (past)
// or due within the hour.
type ClockCount struct {
	Clock   string
	Overdue int64
	DueHour int64
}

// ReadMetrics reads the scrape-time gauges, each from an index:
//   - the outbox: the chats with numbered work (outbox_chats_due; their
//     count is next_seq - done_seq, and their head's age from the unique
//     (platform, chat_id, seq) index) and the unnumbered pending messages
//     (outbox_unnumbered);
//   - River's jobs not finished, by state (river_job_prioritized_fetching_index);
//     none when River's tables are not there;
//   - the clocks: cases_verify_clock_idx and cases_fix_clock_idx, each a
//     range up to an hour from now;
//   - the open cases by status: cases_open_idx (status) WHERE closed_at IS NULL.
func (s *Store) ReadMetrics(ctx context.Context) (MetricsSnapshot, error) {
	var m MetricsSnapshot
	err := s.db.SelectContext(ctx, &m.Outbox, `
		WITH heads AS (
			SELECT c.platform, c.next_seq - c.done_seq AS n,
				(SELECT o.created_at FROM outbox o WHERE o.platform = c.platform AND o.chat_id = c.chat_id
					AND o.seq = c.done_seq + 1) AS oldest
			FROM outbox_chats c WHERE c.done_seq < c.next_seq
			UNION ALL
			SELECT o.platform, 1, o.created_at FROM outbox o WHERE o.seq IS NULL AND o.state = 'pending')
		SELECT platform, sum(n)::bigint AS pending, coalesce(min(oldest), now()) AS oldest
		FROM heads GROUP BY platform ORDER BY platform`)
	if err != nil {
		return m, wrap("metrics: outbox", err)
	}
	if err := s.db.GetContext(ctx, &m.Inbox, `SELECT count(*) FROM inbox`); err != nil {
		return m, wrap("metrics: inbox", err)
	}
	var counts []struct {
		Key string `db:"key"`
		N   int64  `db:"n"`
	}
	// River's jobs not finished yet (the finished ones, kept for a day,
	// are not a queue).
	err = s.db.SelectContext(ctx, &counts, `SELECT state::text AS key, count(*) AS n FROM river_job
		WHERE state IN ('available', 'pending', 'retryable', 'running', 'scheduled') GROUP BY state`)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P01" {
		err = nil // no River tables (yet): no jobs
	}
	if err != nil {
		return m, wrap("metrics: river", err)
	}
	m.River = map[string]int64{}
	for _, c := range counts {
		m.River[c.Key] = c.N
	}
	err = s.db.SelectContext(ctx, &m.Clocks, `
		SELECT 'verify' AS clock, count(*) FILTER (WHERE verify_by < now()) AS overdue,
			count(*) FILTER (WHERE verify_by >= now()) AS duehour
		FROM cases WHERE status = 'dispatched' AND verify_by < now() + interval '1 hour'
		UNION ALL
		SELECT 'fix', count(*) FILTER (WHERE fix_by < now()), count(*) FILTER (WHERE fix_by >= now())
		FROM cases WHERE status = 'verified' AND fix_by < now() + interval '1 hour'`)
	if err != nil {
		return m, wrap("metrics: clocks", err)
	}
	counts = counts[:0]
	err = s.db.SelectContext(ctx, &counts, `SELECT status AS key, count(*) AS n FROM cases
		WHERE closed_at IS NULL GROUP BY status ORDER BY status`)
	if err != nil {
		return m, wrap("metrics: open cases", err)
	}
	m.OpenByStat = map[string]int64{}
	for _, c := range counts {
		m.OpenByStat[c.Key] = c.N
	}
	return m, nil
}
