package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// newAlley makes a community and an alley to report in.
func newAlley(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var alley int64
	if err := st.DB().Get(&alley, `
		WITH c AS (INSERT INTO communities (code, name) VALUES ('c1', '社区') RETURNING id)
		INSERT INTO alleys (code, community_id, name, lat, lon, radius_m) SELECT 'a1', id, '帽儿胡同', 39.94, 116.40, 150 FROM c RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return alley
}

// Two submits at once do not wait for each other's number: the second is
// numbered while the first is still open (lock_timeout makes a wait an
// error), and the numbers are the year's next two.
func TestCaseNumbersNeverWait(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	alley := newAlley(t, st)
	at := time.Now()
	newCase := func(tx *store.Tx) (store.Case, error) {
		return tx.CreateCase(ctx, store.NewCase{AlleyID: alley, Description: "堆物", Impact: "alley", Source: "test", At: at})
	}
	var a, b store.Case
	err := st.InTx(ctx, func(first *store.Tx) (err error) {
		if a, err = newCase(first); err != nil {
			return err
		}
		// The first is still open.
		return st.InTx(ctx, func(second *store.Tx) error {
			if _, err := second.SQL().ExecContext(ctx, `SET LOCAL lock_timeout = '1s'`); err != nil {
				return err
			}
			b, err = newCase(second)
			return err
		})
	})
	if err != nil {
		t.Fatalf("a submit waited for another's open transaction: %v", err)
	}
	if want := at.Format("2006") + "-000001"; a.Number != want {
		t.Errorf("first number %s, want %s", a.Number, want)
	}
	if want := at.Format("2006") + "-000002"; b.Number != want {
		t.Errorf("second number %s, want %s", b.Number, want)
	}
}

// A year with no sequence numbers from its counter row; EnsureCaseNumbers
// then makes the sequence continue the counter (no number given twice),
// and running it again changes nothing.
func TestCaseNumbersContinueTheCounter(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	alley := newAlley(t, st)
	at := time.Date(2041, 3, 1, 10, 0, 0, 0, time.UTC)
	create := func() string {
		var c store.Case
		if err := st.InTx(ctx, func(tx *store.Tx) (err error) {
			c, err = tx.CreateCase(ctx, store.NewCase{AlleyID: alley, Description: "堆物", Impact: "alley", Source: "test", At: at})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return c.Number
	}
	var got []string
	got = append(got, create(), create())
	for i := 0; i < 2; i++ {
		if err := st.EnsureCaseNumbers(ctx, 2041); err != nil {
			t.Fatal(err)
		}
	}
	got = append(got, create(), create())
	want := []string{"2041-000001", "2041-000002", "2041-000003", "2041-000004"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("numbers %v, want %v", got, want)
		}
	}
	var seq bool
	if err := st.DB().Get(&seq, `SELECT to_regclass('case_numbers_2041') IS NOT NULL`); err != nil || !seq {
		t.Errorf("no sequence for 2041 (%v)", err)
	}
}

// BeginTurn reads the speaker, roles and conversation in one statement and
// dedupes the key; a conversation another update inserted after this one
// read it as missing makes the write fail with ErrTurnRace (the router
// runs the update again), never overwrite it.
func TestBeginTurn(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := st.DB().Exec(`
		WITH p AS (INSERT INTO people (code, name) VALUES ('S1', '王秀兰') RETURNING id),
		     r AS (INSERT INTO person_roles (person_id, role) SELECT id, 'steward' FROM p)
		INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '42', id FROM p`); err != nil {
		t.Fatal(err)
	}
	var b store.Begun
	err := st.InTx(ctx, func(tx *store.Tx) (err error) {
		if b, err = tx.BeginTurn(ctx, "telegram", "42", "42", "u1"); err != nil {
			return err
		}
		if _, err := tx.ConversationFor(ctx, "telegram", "42", "42"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("conversation before any flow: %v, want not found", err)
		}
		_, err = tx.SaveConversation(ctx, store.ConversationState{Platform: "telegram", ChatID: "42", UserID: "42", Flow: "report", Step: "category"})
		if err != nil {
			return err
		}
		if st, err := tx.ConversationFor(ctx, "telegram", "42", "42"); err != nil || st.Step != "category" {
			t.Errorf("conversation after a save in the turn: %+v, %v", st, err)
		}
		return tx.FinishState(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !b.First || b.Person == nil || b.Person.Name != "王秀兰" || len(b.Roles) != 1 || b.Roles[0].Role != model.RoleSteward {
		t.Fatalf("begun %+v person %+v", b, b.Person)
	}
	if n := count(t, st, `SELECT count(*) FROM conversation_states WHERE flow = 'report' AND step = 'category'`); n != 1 {
		t.Errorf("%d saved states, want 1", n)
	}
	// The same key again: not first, nothing read.
	err = st.InTx(ctx, func(tx *store.Tx) (err error) {
		b, err = tx.BeginTurn(ctx, "telegram", "42", "42", "u1")
		return err
	})
	if err != nil || b.First {
		t.Errorf("a repeated key: first %v, %v", b.First, err)
	}

	// A stranger's turn in another chat reads no row; a row inserted there
	// since (by a concurrent update) makes its own insert a race.
	err = st.InTx(ctx, func(tx *store.Tx) error {
		b, err := tx.BeginTurn(ctx, "telegram", "77", "77", "u2")
		if err != nil {
			return err
		}
		if b.Person != nil {
			t.Errorf("a stranger has person %+v", b.Person)
		}
		if _, err := st.DB().Exec(`INSERT INTO conversation_states (platform, chat_id, user_id, flow, step) VALUES ('telegram', '77', '77', 'complaint', 'what')`); err != nil {
			return err
		}
		if _, err := tx.SaveConversation(ctx, store.ConversationState{Platform: "telegram", ChatID: "77", UserID: "77", Flow: "complaint", Step: "kind"}); err != nil {
			return err
		}
		return tx.FinishState(ctx)
	})
	if !errors.Is(err, store.ErrTurnRace) {
		t.Fatalf("a conversation inserted since the turn began: %v, want ErrTurnRace", err)
	}
	if n := count(t, st, `SELECT count(*) FROM conversation_states WHERE chat_id = '77' AND step = 'what'`); n != 1 {
		t.Errorf("the concurrent update's state was overwritten")
	}
}

// A turn reads the roster's categories from memory while roster_version
// stays; any change to the table moves it on, and the next turn reads the
// change.
func TestRosterCache(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := st.DB().Exec(`INSERT INTO categories (code, name, name_en, verify_within_minutes, fix_within_minutes, sort)
		VALUES ('trash', '垃圾', 'Trash', 60, 600, 1)`); err != nil {
		t.Fatal(err)
	}
	names := func(key string) map[string]string {
		t.Helper()
		out := map[string]string{}
		err := st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.BeginTurn(ctx, "telegram", "1", "1", key); err != nil {
				return err
			}
			cs, err := tx.Categories(ctx)
			for _, c := range cs {
				out[c.Code] = c.Name
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := names("k1"); got["trash"] != "垃圾" {
		t.Fatalf("categories %v", got)
	}
	// A change the triggers do not see (replica mode) is not read: the
	// turn used its memory.
	conn, err := st.DB().Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `UPDATE categories SET name = '垃圾堆放' WHERE code = 'trash'`); err != nil {
		t.Fatal(err)
	}
	if got := names("k2"); got["trash"] != "垃圾" {
		t.Errorf("categories %v: not read from memory", got)
	}
	// An ordinary change is seen by the next turn.
	if _, err := st.DB().Exec(`INSERT INTO categories (code, name, name_en, verify_within_minutes, fix_within_minutes, sort)
		VALUES ('road', '道路', 'Road', 60, 600, 2)`); err != nil {
		t.Fatal(err)
	}
	if got := names("k3"); got["trash"] != "垃圾堆放" || got["road"] != "道路" {
		t.Errorf("categories after a change %v", got)
	}
}

// AdvanceMany records several chats' sends in one statement, as Advance
// would each: a chat with more queued says so, a released chat is free,
// and a chat whose lease another dispatcher holds is not touched.
func TestAdvanceMany(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	msg := func(chat, text string) store.OutboxMessage {
		return store.OutboxMessage{Platform: "telegram", ChatID: chat, Message: []byte(`{"Text":"` + text + `"}`)}
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.EnqueueMessages(ctx, []store.OutboxMessage{msg("1", "a"), msg("1", "b"), msg("2", "c"), msg("3", "d")})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := st.Claim(ctx, "me", []string{"telegram"}, nil, nil, 10, time.Minute, time.Minute, 20)
	if err != nil || len(mine) != 4 {
		t.Fatalf("claimed %d messages, %v", len(mine), err)
	}
	// Chat 3 is taken over by another dispatcher.
	if _, err := st.DB().Exec(`UPDATE outbox_chats SET lease_owner = 'other' WHERE chat_id = '3'`); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	out := func(m store.QueuedMessage) store.Outcome {
		return store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxSent, NextAt: now, Release: true}
	}
	res, err := st.AdvanceMany(ctx, "me", []store.Advancement{
		{Chat: store.OutboxChat{Platform: "telegram", ChatID: "1"}, Outcome: out(mine[0])},
		{Chat: store.OutboxChat{Platform: "telegram", ChatID: "2"}, Outcome: out(mine[2])},
		{Chat: store.OutboxChat{Platform: "telegram", ChatID: "3"}, Outcome: out(mine[3])},
	}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Advanced{{More: true, Held: true}, {More: false, Held: true}, {}}
	for i := range want {
		if res[i] != want[i] {
			t.Errorf("chat %d: %+v, want %+v", i+1, res[i], want[i])
		}
	}
	type row struct {
		Chat  string         `db:"chat_id"`
		Done  int64          `db:"done_seq"`
		Owner sql.NullString `db:"lease_owner"`
	}
	var rows []row
	if err := st.DB().Select(&rows, `SELECT chat_id, done_seq, lease_owner FROM outbox_chats ORDER BY chat_id`); err != nil {
		t.Fatal(err)
	}
	wantRows := []row{{"1", 1, sql.NullString{String: "me", Valid: true}}, {"2", 1, sql.NullString{}}, {"3", 0, sql.NullString{String: "other", Valid: true}}}
	for i := range wantRows {
		if i >= len(rows) || rows[i] != wantRows[i] {
			t.Fatalf("queues %+v, want %+v", rows, wantRows)
		}
	}
	if n := count(t, st, `SELECT count(*) FROM outbox WHERE state = 'sent'`); n != 2 {
		t.Errorf("%d messages marked sent, want 2", n)
	}
}

// An update that waited for another of the same person sees the flow that
// one started (the read comes after the lock, with a snapshot of its own):
// the second photo of an album goes into the report the first began.
func TestBeginTurnSeesWhatItWaitedFor(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	began := make(chan struct{})
	release := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.BeginTurn(ctx, "telegram", "55", "55", "p1"); err != nil {
				return err
			}
			if _, err := tx.SaveConversation(ctx, store.ConversationState{Platform: "telegram", ChatID: "55", UserID: "55", Flow: "report", Step: "photos"}); err != nil {
				return err
			}
			if err := tx.FinishState(ctx); err != nil {
				return err
			}
			close(began)
			<-release // the second update waits for the lock meanwhile
			return nil
		})
	}()
	<-began
	second := make(chan store.ConversationState, 1)
	secondErr := make(chan error, 1)
	go func() {
		var cs store.ConversationState
		secondErr <- st.InTx(ctx, func(tx *store.Tx) (err error) {
			if _, err := tx.BeginTurn(ctx, "telegram", "55", "55", "p2"); err != nil {
				return err
			}
			cs, err = tx.ConversationFor(ctx, "telegram", "55", "55")
			return err
		})
		second <- cs
	}()
	time.Sleep(100 * time.Millisecond) // the second is waiting for the lock (or not yet there: either way it reads after the commit)
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-secondErr; err != nil {
		t.Fatal(err)
	}
	if cs := <-second; cs.Flow != "report" || cs.Step != "photos" {
		t.Errorf("the second update saw %+v, want the report at photos", cs)
	}
}

// RefreshStats analyzes a table that grew from nothing, and leaves it once
// its statistics are fresh.
func TestRefreshStats(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	conn, err := st.DB().Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The counts reach the statistics when the backend flushes them: at
	// once after pg_stat_force_next_flush (PostgreSQL 15+) and a statement.
	for _, q := range []string{`INSERT INTO processed_updates (platform, update_key) SELECT 'telegram', 'k' || i FROM generate_series(1, 2000) i`,
		`SELECT pg_stat_force_next_flush()`, `SELECT 1`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.RefreshStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "processed_updates" {
		t.Fatalf("analyzed %v, want [processed_updates]", got)
	}
	var analyzed bool
	if err := st.DB().Get(&analyzed, `SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'processed_updates'`); err != nil || !analyzed {
		t.Errorf("processed_updates not analyzed (%v)", err)
	}
	if again, err := st.RefreshStats(ctx); err != nil || len(again) != 0 {
		t.Errorf("analyzed again: %v, %v", again, err)
	}
}

// A turn that writes its conversation twice (queued messages in between)
// inserts the row once and then updates it, and a delete after that
// removes it.
func TestTurnWritesTwice(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	state := store.ConversationState{Platform: "telegram", ChatID: "66", UserID: "66", Flow: "report", Step: "category"}
	msg := store.OutboxMessage{Platform: "telegram", ChatID: "66", Message: []byte(`{"Text":"x"}`)}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.BeginTurn(ctx, "telegram", "66", "66", "w1"); err != nil {
			return err
		}
		if _, err := tx.SaveConversation(ctx, state); err != nil {
			return err
		}
		if _, err := tx.EnqueueMessages(ctx, []store.OutboxMessage{msg}); err != nil {
			return err
		}
		state.Step = "photos"
		if _, err := tx.SaveConversation(ctx, state); err != nil {
			return err
		}
		return tx.FinishState(ctx)
	})
	if err != nil {
		t.Fatalf("two writes in one turn: %v", err)
	}
	if n := count(t, st, `SELECT count(*) FROM conversation_states WHERE chat_id = '66' AND step = 'photos'`); n != 1 {
		t.Errorf("%d rows at photos, want 1", n)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.BeginTurn(ctx, "telegram", "66", "66", "w2"); err != nil {
			return err
		}
		if err := tx.DeleteConversation(ctx, "telegram", "66", "66"); err != nil {
			return err
		}
		if err := tx.FinishState(ctx); err != nil {
			return err
		}
		if _, err := tx.SaveConversation(ctx, state); err != nil { // a new flow after the old one ended
			return err
		}
		return tx.FinishState(ctx)
	})
	if err != nil {
		t.Fatalf("delete then start in one turn: %v", err)
	}
	if n := count(t, st, `SELECT count(*) FROM conversation_states WHERE chat_id = '66'`); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
}
