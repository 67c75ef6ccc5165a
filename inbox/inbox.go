// Package inbox handles the updates a platform pushes and wants answered
// within seconds (WeCom's callbacks: 5 s; WeChat customer service's
// messages): the receiving request stores the update (Accept) and is
// acknowledged; workers in every serve process then handle the stored
// updates, one person's in order, with retries. A stored update is never
// lost: a crash leaves it for the next worker; a platform's retry of it is
// stored once (its key) and handled once (processed_updates).
package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/internal/backoff"
	"github.com/alleybot/alleybot/store"
)

// Sends queues messages in a transaction (the outbox dispatcher).
type Sends interface {
	EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error
}

// Options tune the workers; zero values take the defaults.
type Options struct {
	ID        string        // this process (lease owner); default random
	Workers   int           // updates handled at once; default 8
	Lease     time.Duration // a claimed update's lease; default 60s
	Poll      time.Duration // how often to look for updates others stored; default 500ms
	RetryBase time.Duration // first backoff after a failure; default 1s (doubling to 30s, ±20% jitter)
	Attempts  int           // tries before apologising and dropping it; default 8
	// SpoolDir keeps the updates Accept could not store because the
	// database was away (a file each, written and synced before the
	// platform is answered), until they can be: a database outage longer
	// than the platform's retries (WeCom tries a callback three times, in
	// about 15 s) loses nothing. "" keeps none (the callback then answers
	// 500 and the platform's retries are all there is).
	SpoolDir string
	Log      *slog.Logger
	// Handled is called after an update was handled (err nil) or given up
	// (err set): WeCom updates the pressed card so it cannot be pressed
	// twice.
	Handled func(ctx context.Context, u bot.Update, err error)
}

// Inbox stores and handles pushed updates.
type Inbox struct {
	st    *store.Store
	h     bot.Handler
	sends Sends
	opts  Options

	wake   chan struct{}
	stop   chan struct{}
	done   sync.WaitGroup
	mu     sync.Mutex
	active map[int64]bool

	spoolMu sync.Mutex
	spooled bool // files wait in SpoolDir: new updates queue behind them
}

// New returns an inbox; Start runs its workers.
func New(st *store.Store, h bot.Handler, sends Sends, opts Options) *Inbox {
	if opts.ID == "" {
		opts.ID = fmt.Sprintf("inbox-%x", rand.Uint64())
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.Lease <= 0 {
		opts.Lease = time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = 500 * time.Millisecond
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = time.Second
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 8
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	// A spool left by an earlier run (the database was away when it
	// stopped) is drained at the first tick.
	return &Inbox{st: st, h: h, sends: sends, opts: opts, wake: make(chan struct{}, 1), active: map[int64]bool{},
		spooled: opts.SpoolDir != ""}
}

// Accept stores u durably (the caller acknowledges the platform after it
// returns nil) and wakes this process's workers. A second Accept of the same
// key stores nothing and reports false.
func (i *Inbox) Accept(ctx context.Context, u bot.Update) (bool, error) {
	body, err := json.Marshal(u)
	if err != nil {
		return false, err
	}
	row := store.InboxUpdate{Platform: string(u.Platform), Key: u.Key, ChatID: u.ChatID, UserID: u.UserID, Body: body}
	if i.spooling() {
		// Older updates wait in the spool: this one goes behind them, so a
		// person's updates stay in order.
		return true, i.spool(row)
	}
	first, err := i.st.AcceptUpdate(ctx, row)
	if err != nil {
		if i.opts.SpoolDir != "" && store.IsTransient(err) {
			i.opts.Log.Warn("inbox: the database is away; update kept in the spool", "platform", u.Platform, "key", u.Key, "err", err)
			return true, i.spool(row)
		}
		return false, err
	}
	i.Wake()
	return first, nil
}

// AcceptTx stores u inside tx (WeChat customer service: with its cursor);
// call Wake after the commit.
func AcceptTx(ctx context.Context, tx *store.Tx, u bot.Update) (bool, error) {
	body, err := json.Marshal(u)
	if err != nil {
		return false, err
	}
	return tx.AcceptUpdate(ctx, store.InboxUpdate{Platform: string(u.Platform), Key: u.Key, ChatID: u.ChatID, UserID: u.UserID, Body: body})
}

// Wake makes the workers look for updates now.
func (i *Inbox) Wake() {
	select {
	case i.wake <- struct{}{}:
	default:
	}
}

// Start runs the claiming loop until Stop.
func (i *Inbox) Start(ctx context.Context) error {
	if i.stop != nil {
		return errors.New("inbox: started twice")
	}
	i.stop = make(chan struct{})
	sem := make(chan struct{}, i.opts.Workers)
	i.done.Add(1)
	go func() {
		defer i.done.Done()
		tick := time.NewTicker(i.opts.Poll)
		defer tick.Stop()
		for {
			if i.spooling() {
				i.drain(context.WithoutCancel(ctx))
			}
			free := cap(sem) - len(sem)
			if free > 0 {
				ups, err := i.st.ClaimUpdates(context.WithoutCancel(ctx), i.opts.ID, free, i.opts.Lease)
				if err != nil {
					i.opts.Log.Warn("inbox: claim", "err", err)
				}
				for _, u := range ups {
					if !i.begin(u.ID) {
						continue // ours already, still running
					}
					sem <- struct{}{}
					i.done.Add(1)
					go func(u store.InboxUpdate) {
						defer func() { <-sem; i.end(u.ID); i.done.Done(); i.Wake() }()
						i.handle(ctx, u)
					}(u)
				}
			}
			select {
			case <-i.stop:
				return
			case <-i.wake:
			case <-tick.C:
			}
		}
	}()
	return nil
}

func (i *Inbox) begin(id int64) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.active[id] {
		return false
	}
	i.active[id] = true
	return true
}

func (i *Inbox) end(id int64) {
	i.mu.Lock()
	defer i.mu.Unlock()
	delete(i.active, id)
}

// Stop stops claiming and waits (within ctx) for the updates in hand.
func (i *Inbox) Stop(ctx context.Context) error {
	if i.stop == nil {
		return nil
	}
	close(i.stop)
	finished := make(chan struct{})
	go func() { i.done.Wait(); close(finished) }()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// handle runs one stored update through the handler. Its replies were
// queued in the handler's transaction; what is returned here is only the
// apology of a failure.
func (i *Inbox) handle(ctx context.Context, row store.InboxUpdate) {
	bg := context.WithoutCancel(ctx)
	var u bot.Update
	if err := json.Unmarshal(row.Body, &u); err != nil {
		i.opts.Log.Error("inbox: unreadable update, dropped", "platform", row.Platform, "key", row.Key, "err", err)
		_ = i.st.FinishUpdate(bg, row.ID)
		return
	}
	hctx, cancel := context.WithTimeout(bg, 30*time.Second)
	msgs, err := i.h.Handle(hctx, u)
	cancel()
	if err == nil {
		if ferr := i.st.FinishUpdate(bg, row.ID); ferr != nil {
			i.opts.Log.Warn("inbox: finish", "err", ferr) // handled; a retry is deduped
		}
		if i.opts.Handled != nil {
			i.opts.Handled(bg, u, nil)
		}
		return
	}
	attempt := row.Attempts + 1
	if errors.Is(err, bot.ErrTransient) {
		// It will pass (the database away, a deadlock): tried again however
		// many times it takes, and never counted towards giving up. If the
		// database cannot even record the retry, the lease runs out and a
		// worker takes the update again.
		wait := backoff.Of(i.opts.RetryBase, 30*time.Second, attempt)
		i.opts.Log.Warn("inbox: update will pass, retrying", "platform", u.Platform, "key", u.Key, "retry_in", wait, "err", err)
		if rerr := i.st.RetryUpdate(bg, row.ID, time.Now().Add(wait), false); rerr != nil {
			i.opts.Log.Warn("inbox: retry", "err", rerr)
		}
		return
	}
	if attempt < i.opts.Attempts && !errors.Is(err, bot.ErrPermanent) {
		wait := backoff.Of(i.opts.RetryBase, 30*time.Second, attempt)
		i.opts.Log.Warn("inbox: update failed, retrying", "platform", u.Platform, "key", u.Key, "attempt", attempt, "retry_in", wait, "err", err)
		if rerr := i.st.RetryUpdate(bg, row.ID, time.Now().Add(wait), true); rerr != nil {
			i.opts.Log.Warn("inbox: retry", "err", rerr)
		}
		return
	}
	// Given up: the person is told, and the queue goes on.
	i.opts.Log.Error("inbox: update given up, apologised", "platform", u.Platform, "key", u.Key, "attempts", attempt, "err", err)
	if len(msgs) > 0 && i.sends != nil {
		if serr := i.st.InTx(bg, func(tx *store.Tx) error { return i.sends.EnqueueSends(bg, tx, msgs) }); serr != nil {
			i.opts.Log.Warn("inbox: apology", "err", serr)
		}
	}
	if ferr := i.st.FinishUpdate(bg, row.ID); ferr != nil {
		i.opts.Log.Warn("inbox: finish", "err", ferr)
	}
	if i.opts.Handled != nil {
		i.opts.Handled(bg, u, err)
	}
}
