package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/store"
)

// TestStepAsideAndRecentSends: a failing head message goes behind the
// chat's other queued messages (a new number after the last), which then
// come first; with nothing behind it, it stays where it is. The chat's
// recent sends are its delivered messages' times, oldest first.
func TestStepAsideAndRecentSends(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	c := store.OutboxChat{Platform: "telegram", ChatID: "-900"}
	queue := func(texts ...string) {
		var msgs []store.OutboxMessage
		for _, x := range texts {
			msgs = append(msgs, store.OutboxMessage{Platform: c.Platform, ChatID: c.ChatID, ChatKind: "group", Message: []byte(`{"Text":"` + x + `"}`)})
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { _, err := tx.EnqueueMessages(ctx, msgs); return err }); err != nil {
			t.Fatal(err)
		}
	}
	claim := func() []store.QueuedMessage {
		t.Helper()
		rows, err := st.Claim(ctx, "me", []string{"telegram"}, nil, nil, 10, time.Second, time.Minute, 20)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	queue("坏", "甲")
	rows := claim()
	moved, err := st.StepAside(ctx, "me", c, rows[0].ID, rows[0].Seq, time.Now(), "stepped aside: 502", "坏")
	if err != nil || !moved {
		t.Fatalf("step aside: %v, %v", moved, err)
	}
	rows = claim()
	var order []string
	for _, r := range rows {
		order = append(order, string(r.Message))
	}
	if !slices.Equal(order, []string{`{"Text": "甲"}`, `{"Text": "坏"}`}) || rows[1].Attempts != 1 {
		t.Fatalf("after stepping aside: %q (attempts %d)", order, rows[1].Attempts)
	}
	if n := count(t, st, `SELECT count(*) FROM send_failures WHERE chat_id = '-900' AND text = '坏'`); n != 1 {
		t.Errorf("%d notes in send_failures, want 1", n)
	}
	if _, _, err := st.Advance(ctx, "me", c, store.Outcome{ID: rows[0].ID, Seq: rows[0].Seq, State: store.OutboxSent}, time.Minute); err != nil {
		t.Fatal(err)
	}
	// Alone at the head now: nothing to step aside for.
	moved, err = st.StepAside(ctx, "me", c, rows[1].ID, rows[1].Seq, time.Now(), "stepped aside: 502", "坏")
	if err != nil || moved {
		t.Errorf("the last message stepped aside: %v, %v", moved, err)
	}
	ts, err := st.RecentSends(ctx, c, 5)
	if err != nil || len(ts) != 1 {
		t.Fatalf("recent sends %v, %v; want the one sent", ts, err)
	}
	if n := count(t, st, `SELECT count(*) FROM outbox_chats WHERE chat_id = '-900' AND done_seq < next_seq`); n != 1 {
		t.Errorf("the chat has no work left, want the stepped-aside message")
	}
	// A message queued since the last claim (not numbered yet) goes first
	// too: stepping aside numbers it, then puts the failing one behind it.
	queue("乙")
	moved, err = st.StepAside(ctx, "me", c, rows[1].ID, rows[1].Seq, time.Now(), "stepped aside: 502", "坏")
	if err != nil || !moved {
		t.Fatalf("step aside behind an unnumbered message: %v, %v", moved, err)
	}
	order = nil
	for _, r := range claim() {
		order = append(order, string(r.Message))
	}
	if !slices.Equal(order, []string{`{"Text": "乙"}`, `{"Text": "坏"}`}) {
		t.Fatalf("after stepping aside behind a new message: %q", order)
	}
}
