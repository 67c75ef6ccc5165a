package store

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// TestUpgradeMovesQueuedSends: messages still queued as River "send" jobs
// when a database is upgraded to the outbox (migration 0008) move into it,
// in order per chat, less what a half-sent job had sent; nothing is lost.
func TestUpgradeMovesQueuedSends(t *testing.T) {
	ctx := context.Background()
	st := emptyDatabase(t, "alleybot_test_upgrade_")
	if _, err := st.migrateTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	// River's job table as far as the migration reads it, with three send
	// jobs: two to one chat (the first half sent), one to another, and a
	// finished one that must stay sent.
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := st.pool.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE TABLE river_job (id bigserial PRIMARY KEY, kind text NOT NULL, state text NOT NULL, args jsonb NOT NULL)`)
	job := func(state, chat string, texts ...string) {
		var msgs []string
		for _, tx := range texts {
			msgs = append(msgs, `{"Platform":"telegram","ChatID":"`+chat+`","Text":"`+tx+`"}`)
		}
		exec(`INSERT INTO river_job (kind, state, args) VALUES ('send', $1, $2)`, state,
			`{"platform":"telegram","chat_id":"`+chat+`","messages":[`+strings.Join(msgs, ",")+`]}`)
	}
	job("retryable", "1", "一", "二", "三")
	job("available", "1", "四")
	job("available", "2", "甲")
	job("completed", "2", "早就发了")
	exec(`INSERT INTO send_progress (job_id, sent) VALUES (1, 1)`)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Chat string         `db:"chat_id"`
		Seq  int64          `db:"seq"`
		Text sql.NullString `db:"text"`
	}
	if err := st.pool.Select(&got, `SELECT chat_id, seq, message->>'Text' AS text FROM outbox ORDER BY chat_id, seq`); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, g := range got {
		lines = append(lines, g.Chat+":"+g.Text.String)
	}
	if strings.Join(lines, " ") != "1:二 1:三 1:四 2:甲" {
		t.Errorf("outbox after the upgrade: %v", lines)
	}
	var left, pending int
	_ = st.pool.Get(&left, `SELECT count(*) FROM river_job WHERE kind = 'send'`)
	_ = st.pool.Get(&pending, `SELECT count(*) FROM outbox_chats WHERE done_seq < next_seq`)
	if left != 0 || pending != 2 {
		t.Errorf("send jobs left %d, chats with work %d (want 0, 2)", left, pending)
	}
}

// emptyDatabase creates a database of its own for a test that migrates it
// step by step (dropped when the test ends), and opens it.
func emptyDatabase(t *testing.T, prefix string) *Store {
	t.Helper()
	admin := os.Getenv("ALLEYBOT_TEST_DATABASE_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx := context.Background()
	a, err := Open(ctx, admin, 1)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Cleanup(func() { a.Close() })
	name := prefix + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	if _, err := a.pool.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.pool.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) }) //nolint:errcheck
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	st, err := Open(ctx, u.String(), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
