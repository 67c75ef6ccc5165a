package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/store"
)

// Two reports queue to the same group: the first's transaction stays open
// while the second's commits, within a deadline it would miss if it waited
// for the first (no queue row is locked until commit). The claim numbers
// the group's messages in the order their transactions committed: the
// second report's first, then the first report's once it commits.
func TestQueueingToOneGroupDoesNotWait(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	msg := func(text string) store.OutboxMessage {
		return store.OutboxMessage{Platform: "telegram", ChatID: "-900", ChatKind: "group", Message: []byte(`{"Text":"` + text + `"}`)}
	}
	queue := func(ctx context.Context, text string) error {
		return st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.EnqueueMessages(ctx, []store.OutboxMessage{msg(text)})
			return err
		})
	}
	// The group's queue row exists (it has been posted to before).
	if err := queue(ctx, "昨天的报告"); err != nil {
		t.Fatal(err)
	}
	claim := func() []string {
		t.Helper()
		rows, err := st.Claim(ctx, "me", []string{"telegram"}, nil, nil, 10, time.Minute, time.Minute, 20)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, string(r.Message))
			if _, _, err := st.Advance(ctx, "me", store.OutboxChat{Platform: r.Platform, ChatID: r.ChatID},
				store.Outcome{ID: r.ID, Seq: r.Seq, State: store.OutboxSent, NextAt: time.Now(), Release: true}, time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		return got
	}
	if got := claim(); strings.Join(got, "") != `{"Text": "昨天的报告"}` {
		t.Fatalf("claimed %q", got)
	}

	began, release, first := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		first <- st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.EnqueueMessages(ctx, []store.OutboxMessage{msg("先开始的报告")}); err != nil {
				return err
			}
			close(began)
			<-release
			return nil
		})
	}()
	<-began
	deadline, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := queue(deadline, "后开始的报告"); err != nil {
		t.Fatalf("the second report waited for the first (still open): %v", err)
	}
	select {
	case err := <-first:
		t.Fatalf("the first report ended before it was let go: %v", err)
	default: // still open: the second committed while it was
	}
	if got := claim(); strings.Join(got, "|") != `{"Text": "后开始的报告"}` {
		t.Errorf("claimed %q while the first report is open, want the second's only", got)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if got := claim(); strings.Join(got, "|") != `{"Text": "先开始的报告"}` {
		t.Errorf("claimed %q after the first report committed", got)
	}
	var seqs []string
	if err := st.DB().Select(&seqs, `SELECT (seq::text || ':' || (message->>'Text')) FROM outbox ORDER BY seq`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(seqs, " ") != "1:昨天的报告 2:后开始的报告 3:先开始的报告" {
		t.Errorf("numbered %v, want in commit order", seqs)
	}
}
