package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestUpgradeKeepsNumberedQueue: messages queued before migration 0035
// (numbered under their chat row's lock) stay queued as they are, and go
// before those queued after the upgrade (unnumbered, numbered by the
// claim); a chat whose queue was done is not woken by the upgrade.
func TestUpgradeKeepsNumberedQueue(t *testing.T) {
	ctx := context.Background()
	st := emptyDatabase(t, "alleybot_test_upgrade35_")
	if _, err := st.migrateTo(ctx, 34); err != nil {
		t.Fatal(err)
	}
	// Chat 1: one message sent, two queued; chat 2: all sent.
	for _, q := range []string{
		`INSERT INTO outbox_chats (platform, chat_id, next_seq, done_seq, kind) VALUES ('telegram', '1', 3, 1, 'group'), ('telegram', '2', 1, 1, 'private')`,
		`INSERT INTO outbox (platform, chat_id, seq, message, state) VALUES
			('telegram', '1', 1, '{"Text":"一"}', 'sent'), ('telegram', '1', 2, '{"Text":"二"}', 'pending'),
			('telegram', '1', 3, '{"Text":"三"}', 'pending'), ('telegram', '2', 1, '{"Text":"甲"}', 'sent')`,
	} {
		if _, err := st.pool.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *Tx) error {
		_, err := tx.EnqueueMessages(ctx, []OutboxMessage{{Platform: "telegram", ChatID: "1", Message: []byte(`{"Text":"四"}`)}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := st.Claim(ctx, "me", []string{"telegram"}, nil, nil, 10, time.Minute, time.Minute, 20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.ChatID+":"+string(r.Message))
	}
	if strings.Join(got, " ") != `1:{"Text": "二"} 1:{"Text": "三"} 1:{"Text": "四"}` {
		t.Errorf("claimed after the upgrade: %v", got)
	}
}
