package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// The outbox (migration 0008): messages queued in the transaction of the
// change that caused them, sent in order per chat. See package outbox for
// the dispatcher that serves it.

// OutboxMessage is a message to queue. Message is the serialised message;
// PromptUser and PromptVersion, when set, mark a flow step's question (it is
// dropped if that person's conversation in the chat has moved on).
type OutboxMessage struct {
	Platform      string
	ChatID        string
	ChatKind      string // "private", "group", or "" (unknown: the platform answers)
	Message       []byte
	PromptUser    string
	PromptVersion int64
}

// OutboxChat names one chat's queue.
type OutboxChat struct {
	Platform string `db:"platform"`
	ChatID   string `db:"chat_id"`
}

// Outbox message states.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"  // refused for good, or given up: also in send_failures
	OutboxDropped = "dropped" // a question whose step had moved on
	OutboxMoved   = "moved"   // requeued on the chat's new id (a supergroup)
)

// EnqueueMessages queues msgs, in the given order per chat, in one
// statement, and returns the chats queued to (in platform, chat order).
// The messages go in unnumbered, and no chat's queue row is locked (one is
// created the first time a chat is queued to): transactions queueing to
// the same chats commit without waiting for each other. The dispatcher that
// claims a chat numbers its messages in the order they became visible, the
// order their transactions committed (Claim). Nobody is told: the caller
// wakes a dispatcher after the commit, or the dispatchers' poll finds them.
func (q *Queries) EnqueueMessages(ctx context.Context, msgs []OutboxMessage) ([]OutboxChat, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	return q.enqueue(ctx, "WITH", nil, msgs)
}

// enqueue is EnqueueMessages's statement after head ("WITH", or a
// data-modifying CTE of the caller's ending in a comma, whose arguments
// extra are numbered from $7).
func (q *Queries) enqueue(ctx context.Context, head string, extra []any, msgs []OutboxMessage) ([]OutboxChat, error) {
	platforms := make(pq.StringArray, len(msgs))
	chats := make(pq.StringArray, len(msgs))
	bodies := make(pq.StringArray, len(msgs))
	users := make(pq.StringArray, len(msgs))
	versions := make(pq.Int64Array, len(msgs))
	kinds := make(pq.StringArray, len(msgs))
	for i, m := range msgs {
		platforms[i], chats[i], bodies[i], users[i], versions[i] = m.Platform, m.ChatID, string(m.Message), m.PromptUser, m.PromptVersion
		kinds[i] = m.ChatKind
	}
	// A chat's queue row is written only when it is missing (or, once, to
	// learn the kind of a chat queued before the kind travelled with it):
	// the NOT EXISTS reads it without a lock, so an existing row is never
	// locked here. Two transactions queueing the very first messages to one
	// chat are the only ones that wait (on the row's insert).
	var queued []OutboxChat
	err := q.db.SelectContext(ctx, &queued, head+`
		m AS (
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
				WITH ORDINALITY AS m(platform, chat_id, message, prompt_user, prompt_version, kind, ord)),
		n AS (SELECT platform, chat_id, max(kind) AS kind FROM m GROUP BY platform, chat_id),
		q AS (
			INSERT INTO outbox_chats AS c (platform, chat_id, kind)
			SELECT platform, chat_id, kind FROM n
			WHERE NOT EXISTS (SELECT 1 FROM outbox_chats c WHERE c.platform = n.platform AND c.chat_id = n.chat_id
				AND (c.kind <> '' OR n.kind = ''))
			ORDER BY platform, chat_id
			ON CONFLICT (platform, chat_id) DO UPDATE SET kind = EXCLUDED.kind WHERE c.kind = ''),
		ins AS (
			INSERT INTO outbox (platform, chat_id, message, prompt_user, prompt_version)
			SELECT platform, chat_id, message::jsonb, nullif(prompt_user, ''), nullif(prompt_version, 0)
			FROM m ORDER BY ord)
		SELECT platform, chat_id FROM n ORDER BY platform, chat_id`,
		append([]any{platforms, chats, bodies, users, versions, kinds}, extra...)...)
	return queued, wrap("enqueue messages", err)
}

// QueuedMessage is a message as a dispatcher gets it. Stale is a question
// whose step has moved on. A claimed chat with nothing to send comes back
// as one row with ID 0.
type QueuedMessage struct {
	ID       int64     `db:"id"`
	Platform string    `db:"platform"`
	ChatID   string    `db:"chat_id"`
	Seq      int64     `db:"seq"`
	Message  []byte    `db:"message"`
	Attempts int       `db:"attempts"`
	Stale    bool      `db:"stale"`
	NextAt   time.Time `db:"next_at"`
	Created  time.Time `db:"created_at"`
	// ChatKind is the chat's kind as queued ("private", "group"), or ""
	// for a chat queued before the kind travelled with it.
	ChatKind string `db:"chat_kind"`
}

// Claim leases to owner up to limit chats that have messages to send, on
// the given platforms, whose next send is due within ahead; with only set,
// just those chats; never those in not (the ones owner serves already). It
// numbers each claimed chat's unnumbered messages, after the ones numbered
// before, in the order they became visible (their transactions' commit
// order; in queue order among those that committed since the last claim),
// and returns its next messages (batch at most), in order. Chats leased to
// someone else, or locked by another dispatcher's statement right now, are
// skipped; a chat leased to owner is claimed again (reading on).
func (s *Store) Claim(ctx context.Context, owner string, platforms []string, only, not []OutboxChat, limit int, ahead, lease time.Duration, batch int) ([]QueuedMessage, error) {
	// The chats with numbered messages to send, and those with unnumbered
	// ones only, are found apart (each from its own partial index; both
	// are few), then the earliest due of both are claimed; the chats named
	// in only (a wake-up after a commit) are looked up by key (their
	// platforms and ids as two arrays: a chat id of one platform also
	// found on another is claimed too if it has work, which does no harm,
	// and the plan does not depend on how many there are).
	args := []any{owner, pq.StringArray(platforms), limit, ahead.Microseconds(), lease.Microseconds(), batch, chatKeys(not)}
	due := `
		WITH numbered_due AS (
			SELECT platform, chat_id, next_seq, next_at FROM outbox_chats c
			WHERE done_seq < next_seq AND ` + claimable + `
			ORDER BY next_at LIMIT $3 FOR UPDATE SKIP LOCKED),
		unnumbered_due AS (
			SELECT platform, chat_id, next_seq, next_at FROM outbox_chats c
			WHERE (platform, chat_id) IN (SELECT platform, chat_id FROM outbox WHERE seq IS NULL AND state = 'pending')
				AND done_seq >= next_seq AND ` + claimable + `
			ORDER BY next_at LIMIT $3 FOR UPDATE SKIP LOCKED),
		due AS (
			SELECT * FROM numbered_due UNION ALL SELECT * FROM unnumbered_due
			ORDER BY next_at LIMIT $3),`
	if only != nil {
		ps, cs := make(pq.StringArray, len(only)), make(pq.StringArray, len(only))
		for i, c := range only {
			ps[i], cs[i] = c.Platform, c.ChatID
		}
		args = append(args, ps, cs)
		due = `
		WITH due AS (
			SELECT c.platform, c.chat_id, c.next_seq, c.next_at FROM outbox_chats c
			WHERE c.platform = ANY($8) AND c.chat_id = ANY($9) AND (c.done_seq < c.next_seq OR EXISTS (SELECT 1 FROM outbox o
				WHERE o.platform = c.platform AND o.chat_id = c.chat_id AND o.seq IS NULL AND o.state = 'pending'))
				AND ` + claimable + `
			ORDER BY c.next_at LIMIT $3 FOR UPDATE OF c SKIP LOCKED),`
	}
	var out []QueuedMessage
	// Numbers are handed out only under the queue row's lock (due), so one
	// claim at a time numbers a chat; next_seq goes to the highest number
	// handed out. The rows numbered here are not seen by the statement's
	// own read of the queue (o), so they are read from numbered.
	err := s.db.SelectContext(ctx, &out, due+`
		u AS (
			SELECT o.id, due.next_seq + row_number() OVER (PARTITION BY o.platform, o.chat_id ORDER BY o.id) AS seq
			FROM due JOIN outbox o ON o.platform = due.platform AND o.chat_id = due.chat_id AND o.seq IS NULL AND o.state = 'pending'),
		numbered AS (
			UPDATE outbox o SET seq = u.seq FROM u WHERE o.id = u.id AND o.seq IS NULL
			RETURNING o.*),
		claimed AS (
			UPDATE outbox_chats c SET lease_owner = $1, lease_until = clock_timestamp() + $5 * interval '1 microsecond',
				next_seq = greatest(c.next_seq, (SELECT max(n.seq) FROM numbered n WHERE n.platform = c.platform AND n.chat_id = c.chat_id))
			FROM due WHERE c.platform = due.platform AND c.chat_id = due.chat_id
			RETURNING c.platform, c.chat_id, c.done_seq, c.next_at, c.kind)
		SELECT coalesce(o.id, 0) AS id, c.platform, c.chat_id, coalesce(o.seq, 0) AS seq,
			coalesce(o.message, 'null') AS message, coalesce(o.attempts, 0) AS attempts, c.next_at,
			coalesce(o.created_at, now()) AS created_at,
			coalesce(o.prompt_user IS NOT NULL AND NOT EXISTS (SELECT 1 FROM conversation_states cs
				WHERE cs.platform = c.platform AND cs.chat_id = c.chat_id AND cs.user_id = o.prompt_user
				AND cs.version = o.prompt_version), false) AS stale, c.kind AS chat_kind
		FROM claimed c LEFT JOIN LATERAL (
			SELECT * FROM (
				(SELECT o.id, o.seq, o.message, o.attempts, o.created_at, o.prompt_user, o.prompt_version FROM outbox o
				WHERE o.platform = c.platform AND o.chat_id = c.chat_id AND o.seq > c.done_seq ORDER BY o.seq LIMIT $6)
				UNION ALL
				SELECT n.id, n.seq, n.message, n.attempts, n.created_at, n.prompt_user, n.prompt_version FROM numbered n
				WHERE n.platform = c.platform AND n.chat_id = c.chat_id) q
			ORDER BY q.seq LIMIT $6) o ON true
		ORDER BY c.platform, c.chat_id, o.seq`, args...)
	return out, wrap("claim chats", err)
}

// claimable is the condition on a queue row (c) that Claim may take:
// due within ahead ($4), on one of the platforms ($2), free or owner's
// ($1), and not among not ($7).
const claimable = `c.next_at <= clock_timestamp() + $4 * interval '1 microsecond'
	AND c.platform = ANY($2) AND (c.lease_until IS NULL OR c.lease_until < clock_timestamp() OR c.lease_owner = $1)
	AND NOT c.platform || E'\x1f' || c.chat_id = ANY($7)`

func chatKeys(cs []OutboxChat) pq.StringArray {
	keys := pq.StringArray{}
	for _, c := range cs {
		keys = append(keys, c.Platform+"\x1f"+c.ChatID)
	}
	return keys
}

// Outcome is what became of a chat's head message.
type Outcome struct {
	ID      int64
	Seq     int64
	State   string    // OutboxSent, OutboxFailed or OutboxDropped
	NextAt  time.Time // no send to the chat before (its pacing gap)
	Release bool      // give the chat up when it has nothing more to send
	Failure string    // for OutboxFailed: why (kept in send_failures with Text)
	Text    string
}

// Advance records the head message's outcome and moves the chat's queue
// past it in one statement, renewing the lease (or, with Release and
// nothing more queued, giving it up). more says the chat has messages
// after it (numbered, or queued since its last claim and not numbered yet); held is false when owner no longer held the chat (its lease
// ran out and another dispatcher took it).
func (s *Store) Advance(ctx context.Context, owner string, c OutboxChat, o Outcome, lease time.Duration) (more, held bool, err error) {
	var rows []bool
	err = s.db.SelectContext(ctx, &rows, `
		WITH m AS (UPDATE outbox SET state = $5, done_at = now() WHERE id = $4 AND state = 'pending'),
		f AS (INSERT INTO send_failures (platform, chat_id, text, error) SELECT $2, $3, $10, $9 WHERE $5 = 'failed'),
		w AS (SELECT EXISTS (SELECT 1 FROM outbox WHERE platform = $2 AND chat_id = $3 AND seq IS NULL AND state = 'pending') AS waiting)
		UPDATE outbox_chats SET done_seq = greatest(done_seq, $6), next_at = $7,
			lease_owner = CASE WHEN $8 AND greatest(done_seq, $6) >= next_seq AND NOT w.waiting THEN NULL ELSE lease_owner END,
			lease_until = CASE WHEN $8 AND greatest(done_seq, $6) >= next_seq AND NOT w.waiting THEN NULL
				ELSE clock_timestamp() + $11 * interval '1 microsecond' END
		FROM w WHERE platform = $2 AND chat_id = $3 AND lease_owner = $1
		RETURNING greatest(done_seq, $6) < next_seq OR w.waiting`,
		owner, c.Platform, c.ChatID, o.ID, o.State, o.Seq, o.NextAt, o.Release, o.Failure, o.Text, lease.Microseconds())
	if err != nil {
		return false, false, wrap("advance", err)
	}
	if len(rows) == 0 {
		return false, false, nil
	}
	return rows[0], true, nil
}

// Defer puts a chat's head message off until at and gives the chat up
// (a 429's retry_after, a backoff after an error); failed counts an attempt.
func (s *Store) Defer(ctx context.Context, owner string, c OutboxChat, id int64, at time.Time, failed bool) error {
	_, err := s.db.ExecContext(ctx, `
		WITH m AS (UPDATE outbox SET attempts = attempts + 1 WHERE id = $4 AND $6)
		UPDATE outbox_chats SET next_at = $5, lease_owner = NULL, lease_until = NULL
		WHERE platform = $2 AND chat_id = $3 AND lease_owner = $1`,
		owner, c.Platform, c.ChatID, id, at, failed)
	return wrap("defer", err)
}

// Renew extends owner's lease on a chat; false when it was lost.
func (s *Store) Renew(ctx context.Context, owner string, c OutboxChat, lease time.Duration) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox_chats SET lease_until = clock_timestamp() + $4 * interval '1 microsecond'
		WHERE platform = $2 AND chat_id = $3 AND lease_owner = $1`, owner, c.Platform, c.ChatID, lease.Microseconds())
	if err != nil {
		return false, wrap("renew lease", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Release gives up owner's leases: one chat's, or with c nil all of them.
func (s *Store) Release(ctx context.Context, owner string, c *OutboxChat) error {
	var err error
	if c == nil {
		_, err = s.db.ExecContext(ctx, `UPDATE outbox_chats SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, owner)
	} else {
		_, err = s.db.ExecContext(ctx, `UPDATE outbox_chats SET lease_owner = NULL, lease_until = NULL
			WHERE platform = $2 AND chat_id = $3 AND lease_owner = $1`, owner, c.Platform, c.ChatID)
	}
	return wrap("release", err)
}

// Heartbeat says dispatcher id is alive and returns how many are (seen
// within live), itself included.
func (s *Store) Heartbeat(ctx context.Context, id string, live time.Duration) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `
		WITH up AS (INSERT INTO outbox_senders (id, seen_at) VALUES ($1, clock_timestamp())
			ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at),
		gone AS (DELETE FROM outbox_senders WHERE seen_at < clock_timestamp() - interval '1 hour')
		SELECT count(*) + 1 FROM outbox_senders WHERE id <> $1 AND seen_at > clock_timestamp() - $2 * interval '1 microsecond'`,
		id, live.Microseconds())
	return n, wrap("heartbeat", err)
}

// Deregister removes a stopping dispatcher, so its share of the rate goes
// back to the others at once.
func (s *Store) Deregister(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM outbox_senders WHERE id = $1`, id)
	return wrap("deregister", err)
}

// RecordSendFailure keeps a message a platform refused for good.
func (q *Queries) RecordSendFailure(ctx context.Context, platform, chatID, text, msg string) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO send_failures (platform, chat_id, text, error) VALUES ($1, $2, $3, $4)`,
		platform, chatID, text, msg)
	return wrap("record send failure", err)
}

// Advancement is one chat's Advance in AdvanceMany.
type Advancement struct {
	Chat    OutboxChat
	Outcome Outcome
}

// Advanced is what AdvanceMany did for one chat (as Advance's results).
type Advanced struct {
	More, Held bool
}

// AdvanceMany is Advance for several chats (each at most once) in one
// statement and one commit: the dispatcher's goroutines that finish a send
// at about the same time share it. The chats' queue rows are locked in
// (platform, chat) order, so two such statements never wait on each other
// in a cycle.
func (s *Store) AdvanceMany(ctx context.Context, owner string, as []Advancement, lease time.Duration) ([]Advanced, error) {
	n := len(as)
	platforms, chats := make(pq.StringArray, n), make(pq.StringArray, n)
	ids, seqs := make(pq.Int64Array, n), make(pq.Int64Array, n)
	states, failures, texts := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
	nextAts := make(pq.StringArray, n)
	releases := make(pq.BoolArray, n)
	for i, a := range as {
		platforms[i], chats[i], ids[i], seqs[i] = a.Chat.Platform, a.Chat.ChatID, a.Outcome.ID, a.Outcome.Seq
		states[i], failures[i], texts[i] = a.Outcome.State, a.Outcome.Failure, a.Outcome.Text
		nextAts[i], releases[i] = a.Outcome.NextAt.UTC().Format(time.RFC3339Nano), a.Outcome.Release
	}
	var rows []struct {
		Platform string `db:"platform"`
		ChatID   string `db:"chat_id"`
		More     bool   `db:"more"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		WITH o AS (
			SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::timestamptz[], $8::bool[], $9::text[], $10::text[])
				AS o(platform, chat_id, id, state, seq, next_at, release, failure, text)),
		lk AS (
			SELECT c.platform, c.chat_id FROM outbox_chats c JOIN o ON o.platform = c.platform AND o.chat_id = c.chat_id
			WHERE c.lease_owner = $1 ORDER BY c.platform, c.chat_id FOR UPDATE OF c),
		m AS (UPDATE outbox SET state = o.state, done_at = now() FROM o JOIN lk ON lk.platform = o.platform AND lk.chat_id = o.chat_id
			WHERE outbox.id = o.id AND outbox.state = 'pending'),
		f AS (INSERT INTO send_failures (platform, chat_id, text, error)
			SELECT o.platform, o.chat_id, o.text, o.failure FROM o JOIN lk ON lk.platform = o.platform AND lk.chat_id = o.chat_id WHERE o.state = 'failed'),
		w AS (SELECT lk.platform, lk.chat_id, EXISTS (SELECT 1 FROM outbox u WHERE u.platform = lk.platform AND u.chat_id = lk.chat_id
			AND u.seq IS NULL AND u.state = 'pending') AS waiting FROM lk)
		UPDATE outbox_chats c SET done_seq = greatest(c.done_seq, o.seq), next_at = o.next_at,
			lease_owner = CASE WHEN o.release AND greatest(c.done_seq, o.seq) >= c.next_seq AND NOT w.waiting THEN NULL ELSE c.lease_owner END,
			lease_until = CASE WHEN o.release AND greatest(c.done_seq, o.seq) >= c.next_seq AND NOT w.waiting THEN NULL
				ELSE clock_timestamp() + $11 * interval '1 microsecond' END
		FROM o JOIN w ON w.platform = o.platform AND w.chat_id = o.chat_id
		WHERE c.platform = o.platform AND c.chat_id = o.chat_id
		RETURNING c.platform, c.chat_id, c.done_seq < c.next_seq OR w.waiting AS more`,
		owner, platforms, chats, ids, states, seqs, nextAts, releases, failures, texts, lease.Microseconds())
	if err != nil {
		return nil, wrap("advance", err)
	}
	out := make([]Advanced, n)
	at := make(map[OutboxChat]int, n)
	for i, a := range as {
		at[a.Chat] = i
	}
	for _, r := range rows {
		if i, ok := at[OutboxChat{Platform: r.Platform, ChatID: r.ChatID}]; ok {
			out[i] = Advanced{More: r.More, Held: true}
		}
	}
	return out, nil
}
