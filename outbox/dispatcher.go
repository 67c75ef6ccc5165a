package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/store"
)

// Dispatcher sends the outbox of the platforms it has senders for.
type Dispatcher struct {
	st   *store.Store
	opts Options

	live    atomic.Int64 // dispatchers alive, this one included
	mu      sync.Mutex
	woken   map[store.OutboxChat]bool
	serving map[store.OutboxChat]bool
	rate    map[bot.Platform]*limiter
	wake    chan struct{}
	slots   chan struct{}
	stop    chan struct{}
	done    chan struct{}
	workers sync.WaitGroup
	running atomic.Bool  // Start has run
	stopped atomic.Bool  // Stop has run
	resting atomic.Int64 // chats served here waiting for their own gap or window

	adv advances // sends finished at about the same time, recorded together
}

// New makes a dispatcher (not started).
func New(st *store.Store, opts Options) *Dispatcher {
	if opts.Pacing == nil {
		opts.Pacing = DefaultPacing
	}
	if opts.Poll == 0 {
		opts.Poll = 500 * time.Millisecond
	}
	if opts.Lease == 0 {
		opts.Lease = 5 * time.Second
	}
	if opts.MaxChats == 0 {
		opts.MaxChats = 256
	}
	if opts.Batch == 0 {
		opts.Batch = 20
	}
	if opts.RetryBase == 0 {
		opts.RetryBase = time.Second
	}
	if opts.RetryMax == 0 {
		opts.RetryMax = 15 * time.Second
	}
	if opts.GiveUpAfter == 0 {
		opts.GiveUpAfter = 6 * time.Hour
	}
	if opts.StepAside <= 0 {
		opts.StepAside = 5
	}
	if opts.Heartbeat == 0 {
		opts.Heartbeat = time.Second
	}
	if opts.ID == "" {
		host, _ := os.Hostname()
		opts.ID = fmt.Sprintf("%s-%d-%04x", host, os.Getpid(), rand.IntN(1<<16))
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	d := &Dispatcher{st: st, opts: opts, woken: map[store.OutboxChat]bool{}, serving: map[store.OutboxChat]bool{},
		rate: map[bot.Platform]*limiter{}, wake: make(chan struct{}, 1),
		slots: make(chan struct{}, opts.MaxChats+handOverSlots(opts.MaxChats))}
	for p := range opts.Senders {
		d.rate[p] = newLimiter()
	}
	d.live.Store(1)
	return d
}

// Wake asks the dispatcher to serve these chats now.
func (d *Dispatcher) Wake(chats ...store.OutboxChat) {
	d.mu.Lock()
	for _, c := range chats {
		if _, ok := d.opts.Senders[bot.Platform(c.Platform)]; ok {
			d.woken[c] = true
		}
	}
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Start runs the dispatcher until Stop.
func (d *Dispatcher) Start(ctx context.Context) error {
	if len(d.opts.Senders) == 0 {
		return nil
	}
	if err := d.beat(ctx); err != nil {
		return err
	}
	d.stop, d.done = make(chan struct{}), make(chan struct{})
	d.running.Store(true) // after the channels: EnqueueSends may read them from now
	go d.run(context.WithoutCancel(ctx))
	return nil
}

// Stop stops claiming chats, lets each chat being served finish the
// message in hand (until ctx ends), gives every lease up and deregisters,
// so another process (or this one, restarted) takes over at once. A
// dispatcher stopped already is left as it is.
func (d *Dispatcher) Stop(ctx context.Context) error {
	if d.stop == nil || !d.stopped.CompareAndSwap(false, true) {
		return nil
	}
	close(d.stop)
	<-d.done
	finished := make(chan struct{})
	go func() { d.workers.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-ctx.Done():
	}
	bg := context.WithoutCancel(ctx)
	err := d.st.Release(bg, d.opts.ID, nil)
	if derr := d.st.Deregister(bg, d.opts.ID); err == nil {
		err = derr
	}
	return err
}

func (d *Dispatcher) stopping() bool {
	select {
	case <-d.stop:
		return true
	default:
		return false
	}
}

// run claims chats when woken and on every poll, and heartbeats.
func (d *Dispatcher) run(ctx context.Context) {
	defer close(d.done)
	poll := time.NewTicker(d.opts.Poll)
	defer poll.Stop()
	beat := time.NewTicker(d.opts.Heartbeat)
	defer beat.Stop()
	d.claim(ctx, false)
	for {
		select {
		case <-d.stop:
			return
		case <-beat.C:
			if err := d.beat(ctx); err != nil {
				d.opts.Log.Warn("outbox heartbeat", "err", err)
			}
		case <-d.wake:
			d.claim(ctx, true)
		case <-poll.C:
			// Woken chats (a reply waiting for a free slot) before those
			// merely due (a broadcast's).
			d.claim(ctx, true)
			d.claim(ctx, false)
		}
	}
}

func (d *Dispatcher) beat(ctx context.Context) error {
	n, err := d.st.Heartbeat(ctx, d.opts.ID, 3*d.opts.Heartbeat)
	if err == nil && n > 0 {
		d.live.Store(int64(n))
	}
	return err
}

func (d *Dispatcher) platforms() []string {
	var ps []string
	for p := range d.opts.Senders {
		ps = append(ps, string(p))
	}
	return ps
}

// claim leases chats (the woken ones, or any that are due) and starts
// serving each.
func (d *Dispatcher) claim(ctx context.Context, woken bool) {
	free := d.opts.MaxChats - len(d.slots) // the rest are kept for replies
	if woken {
		// Woken chats (those a turn just queued to) may take the slots
		// kept for replies; start lets only a batch holding a reply in.
		free = cap(d.slots) - len(d.slots)
	}
	if free <= 0 {
		return
	}
	var only, busy []store.OutboxChat
	d.mu.Lock()
	for c := range d.serving {
		busy = append(busy, c)
	}
	if woken {
		// A chat served here right now keeps its wake-up: when its
		// goroutine ends it is woken again (the news may have come after
		// its last look).
		for c := range d.woken {
			if !d.serving[c] {
				only = append(only, c)
				delete(d.woken, c)
			}
		}
	}
	d.mu.Unlock()
	if woken && len(only) == 0 {
		return
	}
	// A chat due a little later is taken now and waited for: its next
	// message then goes out on time, not at the next poll.
	ahead := max(d.opts.Poll, d.opts.Lease/3)
	if woken {
		// A woken chat (a reply queued behind its own window, say) due
		// within a lease is taken now: left to the poll, which takes the
		// chats due longest first, it would wait behind a broadcast's.
		ahead = max(ahead, d.opts.Lease)
	}
	rows, err := d.st.Claim(ctx, d.opts.ID, d.platforms(), only, busy, free, ahead, d.opts.Lease, d.opts.Batch)
	if err != nil {
		d.opts.Log.Warn("outbox claim", "err", err)
		return
	}
	for _, batch := range byChat(rows) {
		c := store.OutboxChat{Platform: batch[0].Platform, ChatID: batch[0].ChatID}
		if !d.start(c, batch) {
			// No slot for it (a woken chat without a reply, every ordinary
			// slot taken): it stays ours and woken, and is taken again when
			// a chat served here ends (start's deferred wake-up).
			d.mu.Lock()
			d.woken[c] = true
			d.mu.Unlock()
		}
	}
}

// start serves a chat leased to this dispatcher in a goroutine of its own;
// false when the chat is served here already or every slot is taken (a
// reply may take one of those kept for hand-overs).
func (d *Dispatcher) start(c store.OutboxChat, batch []store.QueuedMessage) bool {
	d.mu.Lock()
	if d.serving[c] || (len(d.slots) >= d.opts.MaxChats && !repliesIn(batch)) {
		d.mu.Unlock()
		return false
	}
	select {
	case d.slots <- struct{}{}:
	default:
		d.mu.Unlock()
		return false
	}
	d.serving[c] = true
	d.mu.Unlock()
	d.workers.Add(1)
	go func() {
		defer func() {
			d.mu.Lock()
			delete(d.serving, c)
			// A slot is free: a woken chat waiting for one takes it.
			again := len(d.woken) > 0
			d.mu.Unlock()
			<-d.slots
			d.workers.Done()
			if again {
				d.Wake()
			}
		}()
		d.serve(context.Background(), c, batch)
	}()
	return true
}

// handOverSlots is how many chats beyond MaxChats may be served at once
// for replies: a turn's wake-up claims its chats into them, and start lets
// only a batch holding a reply in, so a broadcast filling MaxChats does not
// keep a reply waiting for a chat to finish.
func handOverSlots(maxChats int) int {
	return max(4, maxChats/4)
}

// repliesIn says whether a handed-over batch holds a reply
// (bot.Message.Reply).
func repliesIn(batch []store.QueuedMessage) bool {
	for _, m := range batch {
		var r struct{ Reply bool }
		if json.Unmarshal(m.Message, &r) == nil && r.Reply {
			return true
		}
	}
	return false
}

func byChat(rows []store.QueuedMessage) [][]store.QueuedMessage {
	var out [][]store.QueuedMessage
	for i, r := range rows {
		if i == 0 || r.Platform != rows[i-1].Platform || r.ChatID != rows[i-1].ChatID {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], r)
	}
	return out
}

// logChat is a chat id as the log shows it: the platform's adapter cuts
// short an id that is a secret (a WeCom group robot's webhook key, which
// lets anyone post to the group).
func logChat(c store.OutboxChat) string {
	return bot.ChatsOf(bot.Platform(c.Platform)).LogID(c.ChatID)
}

// lost logs a chat this dispatcher can no longer serve; its lease runs out
// and someone takes it over.
func (d *Dispatcher) lost(c store.OutboxChat, err error) {
	if err != nil {
		d.opts.Log.Warn("outbox", "platform", c.Platform, "chat", logChat(c), "err", err)
	} else {
		d.opts.Log.Info("outbox lease lost", "platform", c.Platform, "chat", logChat(c))
	}
}

// sleepUntil waits until at; false when the dispatcher stops first.
func (d *Dispatcher) sleepUntil(at time.Time) bool {
	wait := time.Until(at)
	if wait <= 0 {
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-d.stop:
		return false
	}
}
