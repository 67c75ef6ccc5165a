package inbox_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/inbox"
	"github.com/alleybot/alleybot/internal/pgproxy"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/store"
)

// recorder stands in for the router: it keeps the updates it handled, in
// order, and fails the ones a test says.
type recorder struct {
	mu      sync.Mutex
	handled []string
	fail    map[string]error
	tries   map[string]int
	outage  map[string]int // key → how many more tries meet a database that is away
}

func (r *recorder) Handle(_ context.Context, u bot.Update) ([]bot.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tries[u.Key]++
	if r.outage[u.Key] > 0 {
		r.outage[u.Key]--
		return nil, fmt.Errorf("%w: dial tcp: connection refused", bot.ErrTransient)
	}
	if err := r.fail[u.Key]; err != nil {
		return []bot.Message{{Platform: u.Platform, ChatID: u.ChatID, Text: "sorry " + u.Key}}, err
	}
	r.handled = append(r.handled, u.Key)
	return nil, nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.handled)
}

type queued struct{}

func (queued) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	return outbox.Enqueue(ctx, tx, msgs)
}

func wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func start(t *testing.T, st *store.Store, h bot.Handler, opts inbox.Options) *inbox.Inbox {
	t.Helper()
	opts.Log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	if opts.Poll == 0 {
		opts.Poll = 20 * time.Millisecond
	}
	in := inbox.New(st, h, queued{}, opts)
	if err := in.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = in.Stop(ctx)
	})
	return in
}

func upd(user, key string) bot.Update {
	return bot.Update{Platform: bot.WeCom, ChatID: user, UserID: user, ChatKind: bot.Private, Key: key, Text: key}
}

// TestOncePerKeyInOrderPerPerson: a platform's retry is stored once; each
// person's updates are handled in the order they came, one at a time.
func TestOncePerKeyInOrderPerPerson(t *testing.T) {
	st := testdb.Open(t, testdb.Fresh(t, true))
	r := &recorder{fail: map[string]error{}, tries: map[string]int{}}
	var ups []bot.Update
	for i := range 20 {
		ups = append(ups, upd("alice", fmt.Sprintf("a%02d", i)), upd("bob", fmt.Sprintf("b%02d", i)))
	}
	// Stored before any worker runs, and every one twice (WeCom's retry).
	pre := inbox.New(st, r, queued{}, inbox.Options{})
	for _, u := range ups {
		for range 2 {
			if _, err := pre.Accept(context.Background(), u); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n, _ := st.PendingUpdates(context.Background()); n != 40 {
		t.Fatalf("%d stored, want 40 (each once)", n)
	}
	start(t, st, r, inbox.Options{Workers: 4})
	start(t, st, r, inbox.Options{Workers: 4}) // a second process
	deadline := time.Now().Add(20 * time.Second)
	for len(r.got()) != 40 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(r.got()) != 40 {
		var rows []struct {
			ID    int64          `db:"id"`
			Key   string         `db:"update_key"`
			Owner sql.NullString `db:"lease_owner"`
			Until sql.NullTime   `db:"lease_until"`
			Next  time.Time      `db:"next_at"`
		}
		_ = st.DB().Select(&rows, `SELECT id, update_key, lease_owner, lease_until, next_at FROM inbox ORDER BY id`)
		t.Fatalf("handled %d: %v\nleft: %+v (now %v)", len(r.got()), r.got(), rows, time.Now())
	}
	var alice, bob []string
	for _, k := range r.got() {
		if k[0] == 'a' {
			alice = append(alice, k)
		} else {
			bob = append(bob, k)
		}
	}
	if !slices.IsSorted(alice) || !slices.IsSorted(bob) || len(alice) != 20 {
		t.Errorf("out of order or lost:\nalice %v\nbob %v", alice, bob)
	}
	wait(t, "the inbox empty", func() bool { n, _ := st.PendingUpdates(context.Background()); return n == 0 })
}

// TestFailuresRetriedThenApologised: a failing update is retried with
// backoff and holds its person's later ones; a permanent failure is given
// up at once, its apology queued, and the person's next update handled.
func TestFailuresRetriedThenApologised(t *testing.T) {
	st := testdb.Open(t, testdb.Fresh(t, true))
	r := &recorder{fail: map[string]error{"p1": fmt.Errorf("%w: bad data", bot.ErrPermanent), "t1": errors.New("database down")},
		tries: map[string]int{}}
	var given []string
	var mu sync.Mutex
	in := start(t, st, r, inbox.Options{RetryBase: 20 * time.Millisecond, Attempts: 3,
		Handled: func(_ context.Context, u bot.Update, err error) {
			if err != nil {
				mu.Lock()
				given = append(given, u.Key)
				mu.Unlock()
			}
		}})
	for _, u := range []bot.Update{upd("carol", "p1"), upd("carol", "p2"), upd("dan", "t1"), upd("dan", "t2")} {
		if _, err := in.Accept(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	wait(t, "p2 and t2", func() bool { return len(r.got()) == 2 })
	r.mu.Lock()
	if r.tries["p1"] != 1 || r.tries["t1"] != 3 {
		t.Errorf("tries: p1 %d (want 1: permanent), t1 %d (want 3)", r.tries["p1"], r.tries["t1"])
	}
	r.mu.Unlock()
	mu.Lock()
	slices.Sort(given)
	if !slices.Equal(given, []string{"p1", "t1"}) {
		t.Errorf("given up: %v", given)
	}
	mu.Unlock()
	var apologies []string
	if err := st.DB().Select(&apologies, `SELECT message->>'Text' FROM outbox ORDER BY message->>'Text'`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(apologies, []string{"sorry p1", "sorry t1"}) {
		t.Errorf("queued apologies: %v", apologies)
	}
}

// TestOutageWaitedOut: an update failing because the database is away is
// tried past Attempts until it passes, before the same person's next one,
// and nothing is given up or apologised for.
func TestOutageWaitedOut(t *testing.T) {
	st := testdb.Open(t, testdb.Fresh(t, true))
	r := &recorder{tries: map[string]int{}, outage: map[string]int{"o1": 8}}
	var given []string
	var mu sync.Mutex
	in := start(t, st, r, inbox.Options{RetryBase: 10 * time.Millisecond, Attempts: 3,
		Handled: func(_ context.Context, u bot.Update, err error) {
			if err != nil {
				mu.Lock()
				given = append(given, u.Key)
				mu.Unlock()
			}
		}})
	for _, u := range []bot.Update{upd("erin", "o1"), upd("erin", "o2")} {
		if _, err := in.Accept(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	wait(t, "o1 and o2", func() bool { return len(r.got()) == 2 })
	if got := r.got(); !slices.Equal(got, []string{"o1", "o2"}) {
		t.Errorf("handled %v, want o1 then o2", got)
	}
	r.mu.Lock()
	if r.tries["o1"] != 9 {
		t.Errorf("o1 tried %d times, want 9 (8 during the outage)", r.tries["o1"])
	}
	r.mu.Unlock()
	mu.Lock()
	if len(given) > 0 {
		t.Errorf("given up during an outage: %v", given)
	}
	mu.Unlock()
	var queued int
	if err := st.DB().Get(&queued, `SELECT count(*) FROM outbox`); err != nil {
		t.Fatal(err)
	}
	if queued != 0 {
		t.Errorf("%d messages queued (an apology for an update that was not dropped?)", queued)
	}
}

// TestLeaseTakenOver: an update claimed by a process that died (its lease
// runs out) is handled by another.
func TestLeaseTakenOver(t *testing.T) {
	st := testdb.Open(t, testdb.Fresh(t, true))
	r := &recorder{fail: map[string]error{}, tries: map[string]int{}}
	in := inbox.New(st, r, queued{}, inbox.Options{})
	if _, err := in.Accept(context.Background(), upd("erin", "e1")); err != nil {
		t.Fatal(err)
	}
	// The dead process claimed it with a short lease and never finished.
	if got, err := st.ClaimUpdates(context.Background(), "dead", 10, 200*time.Millisecond); err != nil || len(got) != 1 {
		t.Fatalf("claim: %v %v", got, err)
	}
	start(t, st, r, inbox.Options{})
	wait(t, "taken over", func() bool { return len(r.got()) == 1 })
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// TestSpoolKeepsWhatArrivesDuringAnOutage: with the database cut off,
// Accept keeps each update in the spool (so WeCom is answered and stops
// retrying); a process that stops with files there leaves them for the
// next; once the database answers they are stored and handled, oldest
// first, and an update that arrives meanwhile waits behind them. (A
// platform's retry of a spooled update is handled once: the router's
// processed_updates, as for any redelivery.)
func TestSpoolKeepsWhatArrivesDuringAnOutage(t *testing.T) {
	direct := testdb.Fresh(t, true)
	proxy, viaProxy, err := pgproxy.ForURL(direct)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	st := testdb.Open(t, viaProxy)
	dir := t.TempDir()
	r := &recorder{tries: map[string]int{}}
	ctx := context.Background()

	first := inbox.New(st, r, queued{}, inbox.Options{SpoolDir: dir, Poll: 20 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	proxy.Down()
	for _, k := range []string{"s1", "s2"} {
		if _, err := first.Accept(ctx, upd("frank", k)); err != nil {
			t.Fatalf("Accept %s while the database is away: %v (WeCom would retry, then drop it)", k, err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 2 {
		t.Fatalf("%d files in the spool, want 2", len(files))
	}
	// This process stops before the database is back; the next one drains.
	if err := proxy.Up(); err != nil {
		t.Fatal(err)
	}
	next := start(t, st, r, inbox.Options{SpoolDir: dir})
	if _, err := next.Accept(ctx, upd("frank", "s3")); err != nil {
		t.Fatal(err)
	}
	wait(t, "s1, s2 and s3", func() bool { return len(r.got()) == 3 })
	if got := r.got(); !slices.Equal(got, []string{"s1", "s2", "s3"}) {
		t.Errorf("handled %v, want s1, s2, s3 (the spool first)", got)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Errorf("left in the spool: %v", files)
	}
}
