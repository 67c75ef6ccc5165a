package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/lib/pq"
)

// ConversationState is one chat user's running flow.
type ConversationState struct {
	Platform  string          `db:"platform"`
	ChatID    string          `db:"chat_id"`
	UserID    string          `db:"user_id"`
	Flow      string          `db:"flow"`
	Step      string          `db:"step"`
	Data      json.RawMessage `db:"data"`
	History   pq.StringArray  `db:"history"`
	Pending   []byte          `db:"pending"`
	StartedAt time.Time       `db:"started_at"`
	UpdatedAt time.Time       `db:"updated_at"`
	Version   int64           `db:"version"` // a new number at every save
}

// ConversationFor locks and returns the state of (platform, chat, user), or
// ErrNotFound. The row lock serialises two updates of one person racing.
func (q *Queries) ConversationFor(ctx context.Context, platform, chatID, userID string) (ConversationState, error) {
	var st ConversationState
	err := q.db.GetContext(ctx, &st, `
		SELECT platform, chat_id, user_id, flow, step, data, history, pending, started_at, updated_at, version
		FROM conversation_states WHERE platform = $1 AND chat_id = $2 AND user_id = $3 FOR UPDATE`,
		platform, chatID, userID)
	return st, wrap("conversation", notFound(err))
}

// SaveConversation writes a state (insert or replace) and returns its new
// version (nextval × 16: versionsPerTurn, as a turn numbers its saves).
func (q *Queries) SaveConversation(ctx context.Context, st ConversationState) (int64, error) {
	if st.Data == nil {
		st.Data = json.RawMessage(`{}`)
	}
	if st.History == nil {
		st.History = pq.StringArray{}
	}
	var pending sql.NullString
	if len(st.Pending) > 0 {
		pending = sql.NullString{String: string(st.Pending), Valid: true}
	}
	var version int64
	err := q.db.GetContext(ctx, &version, `
		INSERT INTO conversation_states AS s (platform, chat_id, user_id, flow, step, data, history, pending, started_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, coalesce($9, now()), now(), nextval('conversation_versions') * 16)
		ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET flow = EXCLUDED.flow, step = EXCLUDED.step,
			data = EXCLUDED.data, history = EXCLUDED.history, pending = EXCLUDED.pending,
			started_at = EXCLUDED.started_at, updated_at = now(), version = EXCLUDED.version
		RETURNING version`,
		st.Platform, st.ChatID, st.UserID, st.Flow, st.Step, string(st.Data), st.History, pending,
		sql.NullTime{Time: st.StartedAt, Valid: !st.StartedAt.IsZero()})
	return version, wrap("save conversation", err)
}

// DeleteConversation ends the flow of (platform, chat, user).
func (q *Queries) DeleteConversation(ctx context.Context, platform, chatID, userID string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM conversation_states WHERE platform = $1 AND chat_id = $2 AND user_id = $3`,
		platform, chatID, userID)
	return wrap("delete conversation", err)
}
