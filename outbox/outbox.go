// Package outbox sends what the bot says. Every message for a messenger is
// a row of the outbox table, inserted in the transaction of the change that
// caused it (Enqueue); a Dispatcher in each serve process sends the rows in
// order per chat, at the platforms' pace:
//
//   - Fast: the process that committed an update wakes its own dispatcher
//     at once (store.Tx.AfterCommit); a poll picks up what other processes
//     or a crash left behind.
//   - Ordered: a chat's messages carry a sequence number taken under the
//     chat's queue row lock; one dispatcher at a time serves a chat (a
//     lease of a few seconds, renewed as it sends), and a message goes only
//     after the ones before it were delivered, refused or dropped.
//   - Crash-safe: a message is marked sent in the statement that moves the
//     chat's queue on; a killed process's leases run out and another
//     process (or the restarted one) takes its chats over, so at most the
//     message in flight goes out twice.
//   - Paced without a hot row: the per-chat gap is kept on the chat's queue
//     row; a platform's global rate is split among the live dispatchers
//     (each heartbeats and takes its share), kept in memory.
//   - A question whose conversation step has moved on is dropped, not sent
//     late.
package outbox

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/store"
)

// Pacing is a platform's published limits.
type Pacing struct {
	Private time.Duration // least time between two sends to one private chat
	Group   time.Duration // least time between two sends to one group
	// All is the platform's rate in all chats as an interval: sends about
	// All apart (a few at once), and at most 1s/All in any second, split
	// among the live dispatchers.
	All time.Duration
}

// DefaultPacing is the platforms' published limits: Telegram about 1
// message a second per chat, 20 a minute per group, 30 a second in all;
// WeCom's app 30 a minute per member and its group robot 20 a minute.
// A chat's gap, like the one-second window of the global rate, runs from
// the platform's answer to the earlier send to the start of the later one,
// so arrivals keep the limits whatever the network does.
var DefaultPacing = map[bot.Platform]Pacing{
	bot.Telegram: {Private: 1005 * time.Millisecond, Group: 3005 * time.Millisecond, All: 33 * time.Millisecond},
	bot.WeCom:    {Private: 2005 * time.Millisecond, Group: 3005 * time.Millisecond, All: 33 * time.Millisecond},
	// WeChat customer service: replies within the customer's window (the
	// adapter refuses beyond it), at most one a second to a customer.
	bot.WeChat: {Private: 1005 * time.Millisecond, Group: 3005 * time.Millisecond, All: 33 * time.Millisecond},
}

// Options tune a dispatcher; zero values take the defaults.
type Options struct {
	Senders     map[bot.Platform]bot.Sender // the platforms this process sends to
	Pacing      map[bot.Platform]Pacing     // default DefaultPacing
	Poll        time.Duration               // how often to look for chats nobody serves (default 500ms)
	Lease       time.Duration               // how long a claimed chat stays this process's without news (default 5s)
	MaxChats    int                         // chats served at once (default 256)
	Batch       int                         // messages read per claim of a chat (default 20)
	RetryBase   time.Duration               // first retry after an error; doubles (default 1s)
	RetryMax    time.Duration               // longest retry delay (default 15s)
	GiveUpAfter time.Duration               // a message failing this long is given up (default 6h)
	Heartbeat   time.Duration               // how often a dispatcher says it is alive (default 1s)
	ID          string                      // this dispatcher's name (default host-pid-random)
	Log         *slog.Logger
}

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

// Dispatcher sends the outbox of the platforms it has senders for.
type Dispatcher struct {
	st   *store.Store
	opts Options

	live    atomic.Int64 // dispatchers alive, this one included
	mu      sync.Mutex
	woken   map[store.OutboxChat]bool
	serving map[store.OutboxChat]bool
	inbox   map[store.OutboxChat][]store.QueuedMessage // queued to a chat served here, for its goroutine
	rate    map[bot.Platform]*limiter
	wake    chan struct{}
	slots   chan struct{}
	stop    chan struct{}
	done    chan struct{}
	workers sync.WaitGroup
	running atomic.Bool // Start has run

	adv advances // sends finished at about the same time, recorded together
}

// advances gathers the Advance of chats whose sends finished while another
// one was being recorded: one statement and one commit for all of them.
type advances struct {
	mu      sync.Mutex
	pending []*advanceReq
	leading bool // someone is recording; the pending wait for the next round
}

type advanceReq struct {
	c          store.OutboxChat
	o          store.Outcome
	more, held bool
	err        error
	done       chan struct{} // recorded: more, held and err are set
	lead       chan struct{} // the caller leads the next round instead
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
		inbox: map[store.OutboxChat][]store.QueuedMessage{},
		rate:  map[bot.Platform]*limiter{}, wake: make(chan struct{}, 1), slots: make(chan struct{}, opts.MaxChats)}
	for p := range opts.Senders {
		d.rate[p] = newLimiter()
	}
	d.live.Store(1)
	return d
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
// so another process (or this one, restarted) takes over at once.
func (d *Dispatcher) Stop(ctx context.Context) error {
	if d.stop == nil {
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
	free := cap(d.slots) - len(d.slots)
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
	rows, err := d.st.Claim(ctx, d.opts.ID, d.platforms(), only, busy, free, ahead, d.opts.Lease, d.opts.Batch)
	if err != nil {
		d.opts.Log.Warn("outbox claim", "err", err)
		return
	}
	for _, batch := range byChat(rows) {
		c := store.OutboxChat{Platform: batch[0].Platform, ChatID: batch[0].ChatID}
		if !d.start(c, batch) { // cannot happen: chats served here are not claimed, and there was room
			d.Wake(c)
		}
	}
}

// start serves a chat leased to this dispatcher in a goroutine of its own;
// false when the chat is served here already or every slot is taken.
func (d *Dispatcher) start(c store.OutboxChat, batch []store.QueuedMessage) bool {
	d.mu.Lock()
	if d.serving[c] {
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
			again := d.woken[c] || len(d.inbox[c]) > 0
			if len(d.inbox[c]) > 0 {
				d.woken[c] = true
			}
			delete(d.inbox, c)
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

// chatKind is a claimed chat's kind as queued; a chat queued before the
// kind travelled with it is the platform's to tell.
func chatKind(sender bot.Sender, c store.OutboxChat, row store.QueuedMessage) bot.ChatKind {
	if row.ChatKind != "" {
		return bot.ChatKind(row.ChatKind)
	}
	return bot.SenderChats(sender, bot.Platform(c.Platform)).Kind(c.ChatID)
}

// serve sends a claimed chat's messages in order until it has none left,
// its lease is lost, or it must wait (retry_after, backoff).
func (d *Dispatcher) serve(ctx context.Context, c store.OutboxChat, batch []store.QueuedMessage) {
	p := bot.Platform(c.Platform)
	sender := d.opts.Senders[p]
	pace, ok := d.opts.Pacing[p]
	if !ok {
		pace = DefaultPacing[bot.Telegram]
	}
	gap := pace.Private
	if chatKind(sender, c, batch[0]) == bot.Group {
		gap = pace.Group
	}
	nextAt := batch[0].NextAt
	leaseUntil := time.Now().Add(d.opts.Lease)
	for {
		more := false
		for i, m := range batch {
			if m.ID == 0 { // claimed with nothing to send
				_ = d.st.Release(ctx, d.opts.ID, &c)
				return
			}
			last := i == len(batch)-1
			if m.Stale {
				o := store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxDropped, NextAt: nextAt, Release: last}
				var held bool
				var err error
				if more, held, err = d.advance(c, o); err != nil || !held {
					d.lost(c, err)
					return
				}
				continue
			}
			if d.stopping() {
				_ = d.st.Release(ctx, d.opts.ID, &c)
				return
			}
			var msg bot.Message
			if err := json.Unmarshal(m.Message, &msg); err != nil {
				o := store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxFailed, NextAt: nextAt, Release: last,
					Failure: "unreadable queued message: " + err.Error()}
				if _, _, err := d.st.Advance(ctx, d.opts.ID, c, o, d.opts.Lease); err != nil {
					d.lost(c, err)
				}
				return
			}
			// The chat's own gap first, then this process's share of the
			// platform's rate (booked only when the chat is ready, so a chat
			// waiting for its gap holds no one else up).
			if !d.sleepUntil(nextAt) {
				_ = d.st.Release(ctx, d.opts.ID, &c)
				return
			}
			// Renew a lease about to run out before a send, so nobody else
			// takes the chat while this message is in flight.
			if time.Until(leaseUntil) < min(d.opts.Lease/2, 1500*time.Millisecond) {
				if ok, err := d.st.Renew(ctx, d.opts.ID, c, d.opts.Lease); err != nil || !ok {
					d.lost(c, err)
					return
				}
				leaseUntil = time.Now().Add(d.opts.Lease)
			}
			live := d.live.Load()
			sl, ok := d.rate[p].reserve(share(pace.All, live), pace.All*time.Duration(live), time.Second, d.stop)
			if !ok {
				_ = d.st.Release(ctx, d.opts.ID, &c)
				return
			}
			if w := time.Until(sl.at); w > 50*time.Millisecond {
				d.opts.Log.Debug("outbox: waiting for the platform's rate", "platform", p, "chat", logChat(c), "wait", w)
			}
			if !d.sleepUntil(sl.at) {
				d.rate[p].answered(sl)
				_ = d.st.Release(ctx, d.opts.ID, &c)
				return
			}
			if err := d.loadPhoto(ctx, p, &msg); err != nil {
				d.rate[p].answered(sl)
				d.retry(ctx, c, m, msg, err)
				return
			}
			err := d.send(ctx, sender, c, msg)
			d.rate[p].answered(sl)
			var ra *bot.RetryAfterError
			var perm *bot.PermanentError
			switch {
			case err == nil:
				nextAt = time.Now().Add(gap)
				o := store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxSent, NextAt: nextAt, Release: last}
				var held bool
				if more, held, err = d.advance(c, o); err != nil || !held {
					d.lost(c, err)
					return
				}
				leaseUntil = time.Now().Add(d.opts.Lease)
			case errors.As(err, &ra):
				// Not a failure: the chat waits retry_after; a long one
				// holds the whole platform in this process too, unless the
				// limit is the chat's own (a WeCom member's or robot's).
				d.opts.Log.Warn("rate limited", "platform", p, "chat", logChat(c), "retry_after", ra.After, "chat_only", ra.Chat)
				until := time.Now().Add(ra.After)
				if ra.After > time.Second && !ra.Chat {
					d.rate[p].hold(until)
				}
				if err := d.st.Defer(context.WithoutCancel(ctx), d.opts.ID, c, m.ID, until, false); err != nil {
					d.lost(c, err)
				}
				return
			case errors.As(err, &perm) && perm.MigrateToChatID != 0:
				// The group became a supergroup: the roster group, its
				// conversations and this queue (this message first) follow
				// it to the new id, and are sent there.
				to := strconv.FormatInt(perm.MigrateToChatID, 10)
				n, err := d.st.MoveChat(context.WithoutCancel(ctx), d.opts.ID, c, to)
				if err != nil {
					d.lost(c, err)
					return
				}
				d.opts.Log.Info("outbox: group upgraded to a supergroup, its queue moved", "platform", p, "chat", c.ChatID, "to", to, "messages", n)
				d.Wake(store.OutboxChat{Platform: c.Platform, ChatID: to})
				return
			case errors.As(err, &perm):
				o := store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxFailed, NextAt: nextAt, Release: last,
					Failure: err.Error(), Text: msg.Text}
				var held bool
				if more, held, err = d.advance(c, o); err != nil || !held {
					d.lost(c, err)
					return
				}
			default:
				d.retry(ctx, c, m, msg, err)
				return
			}
		}
		if !more {
			return
		}
		// More came while this batch went out: read on, still holding the
		// chat, from what the transactions that queued it handed over, or
		// else from the database (the claim renews the lease).
		if next := d.takeInbox(c, batch[len(batch)-1].Seq); len(next) > 0 {
			batch = next
			continue
		}
		rows, err := d.st.Claim(ctx, d.opts.ID, d.platforms(), []store.OutboxChat{c}, nil, 1, d.opts.Lease, d.opts.Lease, d.opts.Batch)
		if err != nil || len(rows) == 0 {
			d.lost(c, err)
			return
		}
		batch = rows
	}
}

// advance records a chat's head message's outcome (store.Advance). The
// first caller with nobody recording records its own and whatever others
// came meanwhile in one statement; those that come while it does wait and
// go in the next round, which one of them leads. A batch that fails is
// recorded one chat at a time (each Advance stands alone).
func (d *Dispatcher) advance(c store.OutboxChat, o store.Outcome) (more, held bool, err error) {
	r := &advanceReq{c: c, o: o, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	a := &d.adv
	a.mu.Lock()
	a.pending = append(a.pending, r)
	if a.leading {
		a.mu.Unlock()
		select {
		case <-r.done:
			return r.more, r.held, r.err
		case <-r.lead:
			return d.lead(r)
		}
	}
	a.leading = true
	a.mu.Unlock()
	return d.lead(r)
}

// lead records the pending advances (r's among them), then hands the lead
// to one of those that came meanwhile, or gives it up.
func (d *Dispatcher) lead(r *advanceReq) (bool, bool, error) {
	a := &d.adv
	a.mu.Lock()
	batch := a.pending
	a.pending = nil
	a.mu.Unlock()
	d.record(batch)
	a.mu.Lock()
	if len(a.pending) > 0 {
		a.pending[0].lead <- struct{}{}
	} else {
		a.leading = false
	}
	a.mu.Unlock()
	return r.more, r.held, r.err
}

// record runs one round of advances and tells each caller.
func (d *Dispatcher) record(batch []*advanceReq) {
	bg := context.Background()
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	if len(batch) > 1 {
		slices.SortFunc(batch, func(x, y *advanceReq) int {
			return cmp.Or(cmp.Compare(x.c.Platform, y.c.Platform), cmp.Compare(x.c.ChatID, y.c.ChatID))
		})
		as := make([]store.Advancement, len(batch))
		for i, r := range batch {
			as[i] = store.Advancement{Chat: r.c, Outcome: r.o}
		}
		res, err := d.st.AdvanceMany(bg, d.opts.ID, as, d.opts.Lease)
		if err == nil {
			for i, r := range batch {
				r.more, r.held = res[i].More, res[i].Held
			}
			return
		}
		d.opts.Log.Warn("outbox: recording sends together failed; one by one", "chats", len(batch), "err", err)
	}
	for _, r := range batch {
		r.more, r.held, r.err = d.st.Advance(bg, d.opts.ID, r.c, r.o, d.opts.Lease)
		// The message went out but the database is away: keep trying to
		// record it (still the chat's lease owner: nobody else may send
		// the next, and a process taking the chat over after the lease
		// ran out would send this one again). Given up only when the
		// dispatcher stops or the outage outlasts recordPatience.
		for wait, since := 100*time.Millisecond, time.Now(); r.err != nil && store.IsTransient(r.err) &&
			time.Since(since) < recordPatience; wait = min(2*wait, 250*time.Millisecond) {
			select {
			case <-d.stop:
				return
			case <-time.After(wait):
			}
			r.more, r.held, r.err = d.st.Advance(bg, d.opts.ID, r.c, r.o, d.opts.Lease)
		}
	}
}

// recordPatience is how long a sent message's outcome is retried while the
// database is away before the chat is let go (its lease runs out, and the
// message may be sent again by whoever takes it).
const recordPatience = 2 * time.Minute

// send sends one message; a send that takes long (a slow platform) renews
// the chat's lease while it runs, so no other dispatcher sends the next
// message before this one is answered.
func (d *Dispatcher) send(ctx context.Context, sender bot.Sender, c store.OutboxChat, m bot.Message) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		tick := time.NewTicker(d.opts.Lease / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, err := d.st.Renew(context.WithoutCancel(ctx), d.opts.ID, c, d.opts.Lease); err != nil {
					d.opts.Log.Warn("outbox: renew lease", "err", err)
				}
			}
		}
	}()
	return sender.Send(ctx, m)
}

// retry puts the chat off after an error, with backoff (at most RetryMax,
// so a chat goes on soon after the platform is back); the platform waits as
// long in this process, so an outage costs a probe per backoff, not a
// request per chat. A message failing for longer than GiveUpAfter is given
// up (recorded in send_failures) and the queue goes on.
func (d *Dispatcher) retry(ctx context.Context, c store.OutboxChat, m store.QueuedMessage, msg bot.Message, cause error) {
	bg := context.WithoutCancel(ctx)
	attempt := m.Attempts + 1
	d.opts.Log.Warn("send failed", "platform", c.Platform, "chat", logChat(c), "attempt", attempt, "err", cause)
	if time.Since(m.Created) > d.opts.GiveUpAfter {
		o := store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxFailed, NextAt: time.Now(), Release: true,
			Failure: fmt.Sprintf("gave up after %d attempts over %v: %v", attempt, time.Since(m.Created).Round(time.Second), cause), Text: msg.Text}
		if _, _, err := d.st.Advance(bg, d.opts.ID, c, o, d.opts.Lease); err != nil {
			d.lost(c, err)
		}
		return
	}
	wait := Backoff(d.opts.RetryBase, d.opts.RetryMax, attempt)
	d.rate[bot.Platform(c.Platform)].hold(time.Now().Add(min(wait, d.opts.RetryBase)))
	if err := d.st.Defer(bg, d.opts.ID, c, m.ID, time.Now().Add(wait), true); err != nil {
		d.lost(c, err)
	}
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

// loadPhoto gives a queued photo its bytes when the platform cannot use the
// reference (a console photo posted to Telegram, say, or a photo the
// platform holds as a file, which must go up again as a photo).
func (d *Dispatcher) loadPhoto(ctx context.Context, platform bot.Platform, m *bot.Message) error {
	p := m.Photo
	// A WeCom group robot takes only bytes (base64), whatever the photo's
	// origin; a WeCom MediaId expires after 3 days, so a stored photo goes
	// up again from its bytes (uploaded once per picture by the sender).
	byRef := p != nil && p.Platform == platform && p.FileRef != "" && !p.Document && bot.SenderChats(d.opts.Senders[platform], platform).PhotoByRef(m.ChatID) &&
		!platform.MediaExpires()
	if p == nil || p.PhotoID == 0 || len(p.Bytes) > 0 || byRef {
		return nil
	}
	data, mime, err := d.st.PhotoBytes(ctx, p.PhotoID)
	if errors.Is(err, store.ErrNotFound) {
		if p.Platform == platform && p.FileRef != "" {
			return nil // a file not downloaded (yet): the sender sends it as a file
		}
		m.Photo = nil // not downloaded (yet): the text goes alone
		return nil
	}
	if err != nil {
		return err
	}
	cp := *p
	cp.Bytes, cp.MIME = data, mime
	m.Photo = &cp
	return nil
}

// share is how many sends this dispatcher may make in a second: the
// platform's number (1s/all) split among the live dispatchers, at least one.
func share(all time.Duration, live int64) int {
	n := int((time.Second + all/2) / all)
	if live > 1 {
		n /= int(live)
	}
	return max(1, n)
}

// limiter is this process's share of a platform's global rate. Sends are
// spaced one interval apart on average, in bursts of at most burst at
// once (a reply that fans out to several chats goes together); and, as a
// hard guard, at most n go in any window, counted so that arrivals keep it
// whatever the network does: a send starts only a window after the
// platform answered the send n before it (which arrived before that
// answer). A long retry_after holds them all.
type limiter struct {
	mu      sync.Mutex
	turn    *sync.Cond // bookings are made one at a time, in the order asked
	tickets int64      // the next ticket to hand out
	serving int64      // the ticket whose turn it is
	sends   []*slot    // the latest sends, in booking order
	tat     time.Time  // the spacing's theoretical next send
	held    time.Time
}

func newLimiter() *limiter {
	l := &limiter{}
	l.turn = sync.NewCond(&l.mu)
	return l
}

// maxWindowed is the most sends per window the limiter counts one by one.
const maxWindowed = 10000

// burst is how many sends may start at once within the spacing.
const burst = 4

// slot is one booked send; done is closed when the platform has answered.
type slot struct {
	at     time.Time
	answer time.Time
	done   chan struct{}
}

// reserve books the first moment from now that the spacing and the window
// allow, waiting (until stop) for the platform's answer to the send n
// before it when that is still in flight. Chats get their bookings in the
// order they ask, so none starves when the rate is the limit.
func (l *limiter) reserve(n int, interval, window time.Duration, stop <-chan struct{}) (*slot, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ticket := l.tickets
	l.tickets++
	for ticket != l.serving {
		l.turn.Wait()
	}
	defer func() {
		l.serving++
		l.turn.Broadcast()
	}()
	for {
		at := time.Now()
		if l.held.After(at) {
			at = l.held
		}
		if t := l.tat.Add(-time.Duration(burst-1) * interval); t.After(at) {
			at = t
		}
		if n > maxWindowed {
			// No platform allows that many in a window (pacing turned off
			// for a benchmark, say): there is nothing to count.
			if l.tat.Before(at) {
				l.tat = at
			}
			l.tat = l.tat.Add(interval)
			return &slot{at: at, done: make(chan struct{})}, true
		}
		if len(l.sends) >= n {
			prev := l.sends[len(l.sends)-n]
			select {
			case <-prev.done:
				if t := prev.answer.Add(window); t.After(at) {
					at = t
				}
			default:
				l.mu.Unlock()
				select {
				case <-prev.done:
					l.mu.Lock()
					continue
				case <-stop:
					l.mu.Lock()
					return nil, false
				}
			}
		}
		s := &slot{at: at, done: make(chan struct{})}
		l.sends = append(l.sends, s)
		if len(l.sends) > 4*n+64 {
			l.sends = append(l.sends[:0], l.sends[len(l.sends)-n:]...)
		}
		if l.tat.Before(at) {
			l.tat = at
		}
		l.tat = l.tat.Add(interval)
		return s, true
	}
}

// answered records that the platform answered a booked send (or that it
// failed, or was never made).
func (l *limiter) answered(s *slot) {
	l.mu.Lock()
	s.answer = time.Now()
	l.mu.Unlock()
	close(s.done)
}

func (l *limiter) hold(until time.Time) {
	l.mu.Lock()
	if until.After(l.held) {
		l.held = until
	}
	l.mu.Unlock()
}

// Backoff is base·2^(attempt-1), capped at max, with ±20% jitter.
func Backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	jitter := time.Duration(float64(d) * (rand.Float64()*0.4 - 0.2))
	return d + jitter
}
