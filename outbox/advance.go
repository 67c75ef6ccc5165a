package outbox

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/alleybot/alleybot/store"
)

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
