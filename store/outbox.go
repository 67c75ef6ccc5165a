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
// statement: each chat's sequence numbers are taken under its queue row's
// lock, so the numbers of one chat commit in order. With owner set, a chat
// whose queue was empty and free is leased to owner at once, and its new
// messages are returned: once the transaction commits, that dispatcher
// sends them without claiming the chat; the messages of a chat it was
// serving already come back too (Busy), for the goroutine serving it. Call
// it last in the transaction:
// the chat rows stay locked until the commit.
func (q *Queries) EnqueueMessages(ctx context.Context, msgs []OutboxMessage, owner string, lease time.Duration) ([]QueuedMessage, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	return q.enqueue(ctx, "WITH", nil, msgs, owner, lease)
}

// enqueue is EnqueueMessages's statement after head ("WITH", or a
// data-modifying CTE of the caller's ending in a comma, whose arguments
// extra are numbered from $9).
func (q *Queries) enqueue(ctx context.Context, head string, extra []any, msgs []OutboxMessage, owner string, lease time.Duration) ([]QueuedMessage, error) {
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
	var mine []QueuedMessage
	err := q.db.SelectContext(ctx, &mine, head+`
		m AS (
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $8::text[])
				WITH ORDINALITY AS m(platform, chat_id, message, prompt_user, prompt_version, kind, ord)),
		n AS (SELECT platform, chat_id, count(*) AS n, max(kind) AS kind FROM m GROUP BY platform, chat_id ORDER BY platform, chat_id),
		q AS (
			INSERT INTO outbox_chats AS c (platform, chat_id, next_seq, lease_owner, lease_until, kind)
			SELECT platform, chat_id, n, nullif($6, ''), CASE WHEN $6 <> '' THEN clock_timestamp() + $7 * interval '1 microsecond' END, kind FROM n
			ON CONFLICT (platform, chat_id) DO UPDATE SET next_seq = c.next_seq + EXCLUDED.next_seq,
				kind = CASE WHEN EXCLUDED.kind <> '' THEN EXCLUDED.kind ELSE c.kind END,
				lease_owner = CASE WHEN $6 <> '' AND c.done_seq = c.next_seq AND (c.lease_until IS NULL OR c.lease_until < clock_timestamp())
					THEN EXCLUDED.lease_owner ELSE c.lease_owner END,
				lease_until = CASE WHEN $6 <> '' AND c.done_seq = c.next_seq AND (c.lease_until IS NULL OR c.lease_until < clock_timestamp())
					THEN EXCLUDED.lease_until ELSE c.lease_until END
			RETURNING platform, chat_id, next_seq, next_at, kind, $6 <> '' AND lease_owner = $6 AS mine,
				done_seq = next_seq - (SELECT n FROM n WHERE n.platform = c.platform AND n.chat_id = c.chat_id) AS idle),
		ins AS (
			INSERT INTO outbox (platform, chat_id, seq, message, prompt_user, prompt_version)
			SELECT m.platform, m.chat_id, q.next_seq - n.n + row_number() OVER (PARTITION BY m.platform, m.chat_id ORDER BY m.ord),
				m.message::jsonb, nullif(m.prompt_user, ''), nullif(m.prompt_version, 0)
			FROM m JOIN n USING (platform, chat_id) JOIN q USING (platform, chat_id)
			RETURNING id, platform, chat_id, seq, message, created_at, prompt_user)
		SELECT ins.id, ins.platform, ins.chat_id, ins.seq, ins.message, 0 AS attempts, false AS stale, q.next_at, ins.created_at,
			NOT q.idle AS busy, coalesce(ins.prompt_user, '') AS prompt_user, q.kind AS chat_kind
		FROM ins JOIN q USING (platform, chat_id) WHERE q.mine
		ORDER BY ins.platform, ins.chat_id, ins.seq`,
		append([]any{platforms, chats, bodies, users, versions, owner, lease.Microseconds(), kinds}, extra...)...)
	return mine, wrap("enqueue messages", err)
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
	// From EnqueueMessages: Busy is a message queued to a chat this
	// dispatcher was serving already (not idle); PromptUser marks a
	// question (whose an older one to the same person makes stale).
	Busy       bool   `db:"busy"`
	PromptUser string `db:"prompt_user"`
	// ChatKind is the chat's kind as queued ("private", "group"), or ""
	// for a chat queued before the kind travelled with it.
	ChatKind string `db:"chat_kind"`
}

// Claim leases to owner up to limit chats that have messages to send, on
// the given platforms, whose next send is due within ahead; with only set,
// just those chats; never those in not (the ones owner serves already). It
// returns each claimed chat's next messages (batch at most), in order.
// Chats leased to someone else, or locked by a writer right now, are
// skipped; a chat leased to owner is claimed again (reading on).
func (s *Store) Claim(ctx context.Context, owner string, platforms []string, only, not []OutboxChat, limit int, ahead, lease time.Duration, batch int) ([]QueuedMessage, error) {
	var keys pq.StringArray
	if only != nil {
		keys = chatKeys(only)
	}
	var out []QueuedMessage
	err := s.db.SelectContext(ctx, &out, `
		WITH due AS (
			SELECT platform, chat_id FROM outbox_chats
			WHERE done_seq < next_seq AND next_at <= clock_timestamp() + $5 * interval '1 microsecond'
				AND platform = ANY($2) AND (lease_until IS NULL OR lease_until < clock_timestamp() OR lease_owner = $1)
				AND ($3::text[] IS NULL OR platform || E'\x1f' || chat_id = ANY($3))
				AND NOT platform || E'\x1f' || chat_id = ANY($8)
			ORDER BY next_at LIMIT $4 FOR UPDATE SKIP LOCKED),
		claimed AS (
			UPDATE outbox_chats c SET lease_owner = $1, lease_until = clock_timestamp() + $6 * interval '1 microsecond'
			FROM due WHERE c.platform = due.platform AND c.chat_id = due.chat_id
			RETURNING c.platform, c.chat_id, c.done_seq, c.next_at, c.kind)
		SELECT coalesce(o.id, 0) AS id, c.platform, c.chat_id, coalesce(o.seq, 0) AS seq,
			coalesce(o.message, 'null') AS message, coalesce(o.attempts, 0) AS attempts, c.next_at,
			coalesce(o.created_at, now()) AS created_at,
			coalesce(o.prompt_user IS NOT NULL AND NOT EXISTS (SELECT 1 FROM conversation_states cs
				WHERE cs.platform = o.platform AND cs.chat_id = o.chat_id AND cs.user_id = o.prompt_user
				AND cs.version = o.prompt_version), false) AS stale, c.kind AS chat_kind
		FROM claimed c LEFT JOIN LATERAL (
			SELECT * FROM outbox o WHERE o.platform = c.platform AND o.chat_id = c.chat_id AND o.seq > c.done_seq
			ORDER BY o.seq LIMIT $7) o ON true
		ORDER BY c.platform, c.chat_id, o.seq`,
		owner, pq.StringArray(platforms), keys, limit, ahead.Microseconds(), lease.Microseconds(), batch, chatKeys(not))
	return out, wrap("claim chats", err)
}

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
// after it; held is false when owner no longer held the chat (its lease
// ran out and another dispatcher took it).
func (s *Store) Advance(ctx context.Context, owner string, c OutboxChat, o Outcome, lease time.Duration) (more, held bool, err error) {
	var rows []bool
	err = s.db.SelectContext(ctx, &rows, `
		WITH m AS (UPDATE outbox SET state = $5, done_at = now() WHERE id = $4 AND state = 'pending'),
		f AS (INSERT INTO send_failures (platform, chat_id, text, error) SELECT $2, $3, $10, $9 WHERE $5 = 'failed')
		UPDATE outbox_chats SET done_seq = greatest(done_seq, $6), next_at = $7,
			lease_owner = CASE WHEN $8 AND greatest(done_seq, $6) >= next_seq THEN NULL ELSE lease_owner END,
			lease_until = CASE WHEN $8 AND greatest(done_seq, $6) >= next_seq THEN NULL
				ELSE clock_timestamp() + $11 * interval '1 microsecond' END
		WHERE platform = $2 AND chat_id = $3 AND lease_owner = $1
		RETURNING greatest(done_seq, $6) < next_seq`,
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
// (platform, chat) order, the order EnqueueMessages locks them in, so the
// two never wait on each other in a cycle.
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
			SELECT o.platform, o.chat_id, o.text, o.failure FROM o JOIN lk ON lk.platform = o.platform AND lk.chat_id = o.chat_id WHERE o.state = 'failed')
		UPDATE outbox_chats c SET done_seq = greatest(c.done_seq, o.seq), next_at = o.next_at,
			lease_owner = CASE WHEN o.release AND greatest(c.done_seq, o.seq) >= c.next_seq THEN NULL ELSE c.lease_owner END,
			lease_until = CASE WHEN o.release AND greatest(c.done_seq, o.seq) >= c.next_seq THEN NULL
				ELSE clock_timestamp() + $11 * interval '1 microsecond' END
		FROM o JOIN lk ON lk.platform = o.platform AND lk.chat_id = o.chat_id
		WHERE c.platform = o.platform AND c.chat_id = o.chat_id
		RETURNING c.platform, c.chat_id, c.done_seq < c.next_seq AS more`,
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
