package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// RecentSends are the times of the latest (at most n, n ≤ 64) messages
// delivered to a chat, oldest first: when the platform had answered them
// (done_at, the time they were recorded). A chat's window (a group's 20 in
// any minute) is counted from them, so it holds across the serve
// processes and their restarts.
func (s *Store) RecentSends(ctx context.Context, c OutboxChat, n int) ([]time.Time, error) {
	n = min(max(n, 1), 64)
	var ts []time.Time
	// Read back from the chat's head (done_seq), along its (platform,
	// chat_id, seq) index: the pending messages after it are not read. The
	// limit is in the text (a generic plan would not know it).
	err := s.db.SelectContext(ctx, &ts, fmt.Sprintf(`
		SELECT o.done_at FROM outbox o
		WHERE o.platform = $1 AND o.chat_id = $2 AND o.state = 'sent'
			AND o.seq <= (SELECT c.done_seq FROM outbox_chats c WHERE c.platform = $1 AND c.chat_id = $2)
		ORDER BY o.seq DESC LIMIT %d`, n), c.Platform, c.ChatID)
	if err != nil {
		return nil, wrap("recent sends", err)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts, nil
}

// StepAside moves a chat's head message, which keeps failing, behind the
// chat's other queued messages (a new sequence number after the last), so
// they go on; it counts the attempt, keeps a note in send_failures (why,
// and that it is retried after the others), puts the chat's next send at
// next and gives the chat up, as Defer does. false, with nothing changed,
// when nothing is queued after it (or owner no longer holds the chat).
func (s *Store) StepAside(ctx context.Context, owner string, c OutboxChat, id, seq int64, next time.Time, failure, text string) (bool, error) {
	var moved []int64
	// Messages queued to the chat since its last claim are numbered first
	// (after those numbered, in queue order, as Claim does), so the failing
	// one goes behind them too. Nothing is numbered unless the head is still
	// pending and the chat still owner's.
	err := s.db.SelectContext(ctx, &moved, `
		WITH lk AS (
			SELECT next_seq FROM outbox_chats
			WHERE platform = $2 AND chat_id = $3 AND lease_owner = $1
				AND EXISTS (SELECT 1 FROM outbox o WHERE o.id = $4 AND o.seq = $5 AND o.state = 'pending')
			FOR UPDATE),
		u AS (
			SELECT o.id, lk.next_seq + row_number() OVER (ORDER BY o.id) AS seq
			FROM lk JOIN outbox o ON o.platform = $2 AND o.chat_id = $3 AND o.seq IS NULL AND o.state = 'pending'),
		nu AS (UPDATE outbox o SET seq = u.seq FROM u WHERE o.id = u.id AND o.seq IS NULL RETURNING o.seq),
		q AS (
			UPDATE outbox_chats c SET next_seq = greatest(lk.next_seq, (SELECT max(seq) FROM nu)) + 1,
				done_seq = greatest(done_seq, $5), next_at = $6, lease_owner = NULL, lease_until = NULL
			FROM lk WHERE c.platform = $2 AND c.chat_id = $3 AND greatest(lk.next_seq, (SELECT max(seq) FROM nu)) > $5
			RETURNING c.next_seq),
		f AS (INSERT INTO send_failures (platform, chat_id, text, error) SELECT $2, $3, $8, $7 FROM q)
		UPDATE outbox SET seq = q.next_seq, attempts = attempts + 1 FROM q WHERE outbox.id = $4
		RETURNING outbox.seq`,
		owner, c.Platform, c.ChatID, id, seq, next, failure, text)
	if err != nil {
		return false, wrap("step aside", err)
	}
	return len(moved) == 1, nil
}
