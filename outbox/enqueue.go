package outbox

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/store"
)

// Enqueue queues msgs inside tx, in order per chat, in one statement, for
// whichever dispatcher finds them first. Messages for a local platform (the
// console) are not queued: its session prints them itself. Photo bytes are
// not queued: a sender loads them by PhotoID when it needs them.
func Enqueue(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	_, err := enqueue(ctx, tx, msgs, "", 0)
	return err
}

// enqueue queues msgs; with owner set, the chats whose queues were idle are
// leased to owner and their new messages returned.
func enqueue(ctx context.Context, tx *store.Tx, msgs []bot.Message, owner string, lease time.Duration) ([]store.QueuedMessage, error) {
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
	return tx.EnqueueMessages(ctx, rows, owner, lease)
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

// EnqueueSends queues msgs inside tx (handlers.Enqueuer). The chats whose
// queues were idle are leased to this dispatcher in the same statement, and
// once tx commits it sends their messages at once, without claiming them.
func (d *Dispatcher) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	owner := ""
	if d.running.Load() && !d.stopping() {
		owner = d.opts.ID
	}
	mine, err := enqueue(ctx, tx, msgs, owner, d.opts.Lease)
	if err != nil || len(mine) == 0 {
		return err
	}
	tx.AfterCommit(func() { d.handOver(mine) })
	return nil
}

// handOver serves chats leased to this dispatcher by the transaction that
// queued their messages.
func (d *Dispatcher) handOver(rows []store.QueuedMessage) {
	for _, batch := range byChat(rows) {
		c := store.OutboxChat{Platform: batch[0].Platform, ChatID: batch[0].ChatID}
		if batch[0].Busy {
			// Queued behind messages this dispatcher is sending: the
			// goroutine serving the chat reads on from them, not from the
			// database; with none serving it, a claim does.
			d.mu.Lock()
			serving := d.serving[c]
			if serving && len(d.inbox[c]) < maxInbox {
				// At most a few batches wait in memory; past that the
				// goroutine reads on from the database (a gap sends it there).
				d.inbox[c] = append(d.inbox[c], batch...)
			}
			d.mu.Unlock()
			if !serving {
				d.Wake(c)
			}
			continue
		}
		if !d.start(c, batch) {
			// Served here already, or no room: the chat is ours, so the claim
			// after a wake-up takes it (now, or when its goroutine ends).
			d.Wake(c)
		}
	}
}

// maxInbox is how many handed-over messages a chat keeps in memory.
const maxInbox = 64

// takeInbox takes the messages handed over for chat c that follow seq
// last without a gap (the rest wait, or a claim reads them). A question
// followed by a newer one to the same person is stale, as the claim would
// find it.
func (d *Dispatcher) takeInbox(c store.OutboxChat, last int64) []store.QueuedMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	rows := d.inbox[c]
	i := 0
	for i < len(rows) && rows[i].Seq <= last {
		i++ // sent already (a claim read them first)
	}
	rows = rows[i:]
	slices.SortFunc(rows, func(x, y store.QueuedMessage) int { return cmp.Compare(x.Seq, y.Seq) })
	n := 0
	for n < len(rows) && rows[n].Seq == last+1+int64(n) {
		n++
	}
	take := slices.Clone(rows[:n])
	for j := range take {
		for _, later := range rows[j+1:] {
			if take[j].PromptUser != "" && later.PromptUser == take[j].PromptUser {
				take[j].Stale = true
			}
		}
	}
	if len(rows[n:]) > 0 {
		d.inbox[c] = slices.Clone(rows[n:])
	} else {
		delete(d.inbox, c)
	}
	return take
}
