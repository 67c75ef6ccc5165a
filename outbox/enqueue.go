package outbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/store"
)

// Enqueue queues msgs inside tx, in order per chat, in one statement, for
// whichever dispatcher finds them first. Messages for a local platform (the
// console) are not queued: its session prints them itself. Photo bytes are
// not queued: a sender loads them by PhotoID when it needs them.
func Enqueue(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	_, err := enqueue(ctx, tx, msgs)
	return err
}

// enqueue queues msgs and returns the chats queued to.
func enqueue(ctx context.Context, tx *store.Tx, msgs []bot.Message) ([]store.OutboxChat, error) {
	msgs = coalesce(msgs)
	var rows []store.OutboxMessage
	for _, m := range msgs {
		if m.Platform.Local() {
			continue
		}
		if m.Photo != nil && m.Photo.PhotoID != 0 {
			p := *m.Photo
			p.Bytes = nil
			m.Photo = &p
		}
		b, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("queue message: %w", err)
		}
		r := store.OutboxMessage{Platform: string(m.Platform), ChatID: m.ChatID, ChatKind: string(m.Kind), Message: b}
		if m.Prompt != nil {
			r.PromptUser, r.PromptVersion = m.Prompt.UserID, m.Prompt.Version
		}
		rows = append(rows, r)
	}
	return tx.EnqueueMessages(ctx, rows)
}

// maxMerged keeps a merged message well inside Telegram's 4,096 characters.
const maxMerged = 3500

// coalesce merges a plain text into the question that follows it to the
// same chat ("已匹配到帽儿胡同" and the next step's question): one message,
// not two a second apart under the per-chat limit. The text must have no
// buttons and no photo, the question no photo; the merged message keeps the
// question's buttons and conversation version.
func coalesce(msgs []bot.Message) []bot.Message {
	out := make([]bot.Message, 0, len(msgs))
	for _, m := range msgs {
		if n := len(out); n > 0 {
			prev := out[n-1]
			if m.Prompt != nil && prev.Platform == m.Platform && prev.ChatID == m.ChatID && len(prev.Buttons) == 0 &&
				prev.Photo == nil && prev.Prompt == nil && m.Photo == nil && len([]rune(prev.Text))+len([]rune(m.Text)) < maxMerged {
				m.Text = prev.Text + "\n\n" + m.Text
				out[n-1] = m
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// EnqueueSends queues msgs inside tx (handlers.Enqueuer). Once tx commits,
// this dispatcher is woken for the chats queued to: one claim leases those
// idle and free (numbering their messages) and their sends start at once;
// a chat served here reads on from its queue after its current send, and
// one served by another process is that process's (its next Advance finds
// the new messages). The transaction itself locks no chat's queue row.
func (d *Dispatcher) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	queued, err := enqueue(ctx, tx, msgs)
	if err != nil || len(queued) == 0 || !d.running.Load() || d.stopping() {
		return err
	}
	tx.AfterCommit(func() { d.Wake(queued...) })
	return nil
}
