package store

import "context"

// A Telegram group upgraded to a supergroup gets a new chat id: Telegram
// says so in a service message and in the answer to any send to the old
// id. The roster group follows it, and so do the conversations held in it
// and the messages still queued for it.

// RebindChat moves what is bound to a platform chat id to its new id: the
// roster group's binding (unless the new id is bound already, when the old
// binding just goes) and the conversations in that chat. It reports
// whether a roster group was bound to the old id. Doing it twice is
// harmless.
func (q *Queries) RebindChat(ctx context.Context, platform, from, to string) (bool, error) {
	var bound bool
	err := q.db.GetContext(ctx, &bound, `
		WITH moved AS (
			UPDATE chat_bindings SET external_id = $3 WHERE platform = $1 AND external_id = $2
				AND NOT EXISTS (SELECT 1 FROM chat_bindings WHERE platform = $1 AND external_id = $3)
			RETURNING 1),
		gone AS (
			DELETE FROM chat_bindings WHERE platform = $1 AND external_id = $2 AND NOT EXISTS (SELECT 1 FROM moved)
			RETURNING 1),
		talks AS (
			UPDATE conversation_states s SET chat_id = $3 WHERE platform = $1 AND chat_id = $2
				AND NOT EXISTS (SELECT 1 FROM conversation_states n WHERE n.platform = $1 AND n.chat_id = $3 AND n.user_id = s.user_id))
		SELECT EXISTS (SELECT 1 FROM moved) OR EXISTS (SELECT 1 FROM gone)`, platform, from, to)
	return bound, wrap("rebind chat", err)
}

// MoveChat is a dispatcher's answer to "this group is now chat to": with
// the old chat's lease held by owner, it rebinds the chat (RebindChat) and
// moves the old chat's pending messages, in order (numbered ones first),
// to the end of the new chat's queue, unnumbered (their chat id
// rewritten): the new chat's claim numbers them after what was queued to
// it before. The old ones are marked moved and the old chat's lease is
// given up. It returns how many messages moved.
func (s *Store) MoveChat(ctx context.Context, owner string, c OutboxChat, to string) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.RebindChat(ctx, c.Platform, c.ChatID, to); err != nil {
			return err
		}
		// The queue row first, in its own statement: every numbered message
		// of the old chat was numbered under this lock, so the next
		// statement's snapshot sees them all (moved, not marked done
		// unsent). A message queued to the old id by a transaction that
		// commits later stays unnumbered there: its claim sends it to the
		// old id, and the refusal moves it too.
		var own []int64
		if err := tx.db.SelectContext(ctx, &own, `SELECT next_seq FROM outbox_chats
			WHERE platform = $1 AND chat_id = $2 AND lease_owner = $3 FOR UPDATE`, c.Platform, c.ChatID, owner); err != nil {
			return wrap("lock chat queue", err)
		}
		if len(own) == 0 {
			return nil // not ours any more: its new holder meets the same refusal
		}
		err := tx.db.GetContext(ctx, &n, `
			WITH p AS (
				SELECT id, seq, jsonb_set(message, '{ChatID}', to_jsonb($3::text)) AS message,
					prompt_user, prompt_version, created_at, attempts
				FROM outbox WHERE platform = $1 AND chat_id = $2 AND state = 'pending'),
			n AS (SELECT count(*) AS n FROM p),
			q AS (
				INSERT INTO outbox_chats AS c (platform, chat_id, kind)
				SELECT $1, $3, (SELECT kind FROM outbox_chats WHERE platform = $1 AND chat_id = $2) FROM n WHERE n > 0
				ON CONFLICT (platform, chat_id) DO UPDATE SET kind = EXCLUDED.kind WHERE c.kind = ''),
			ins AS (
				INSERT INTO outbox (platform, chat_id, message, prompt_user, prompt_version, created_at)
				SELECT $1, $3, p.message, p.prompt_user, p.prompt_version, p.created_at
				FROM p ORDER BY p.seq NULLS LAST, p.id),
			old AS (UPDATE outbox SET state = 'moved', done_at = now() WHERE id IN (SELECT id FROM p)),
			done AS (
				UPDATE outbox_chats SET done_seq = next_seq, lease_owner = NULL, lease_until = NULL
				WHERE platform = $1 AND chat_id = $2 AND lease_owner = $4)
			SELECT n FROM n`, c.Platform, c.ChatID, to, owner)
		return wrap("move chat queue", err)
	})
	return n, err
}
