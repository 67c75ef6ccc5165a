package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/internal/backoff"
	"github.com/alleybot/alleybot/store"
)

// chatKind is a claimed chat's kind as queued; a chat queued before the
// kind travelled with it is the platform's to tell.
func chatKind(sender bot.Sender, c store.OutboxChat, row store.QueuedMessage) bot.ChatKind {
	if row.ChatKind != "" {
		return bot.ChatKind(row.ChatKind)
	}
	return bot.SenderChats(sender, bot.Platform(c.Platform)).Kind(c.ChatID)
}

// serve sends a claimed chat's messages in order until it has none left,
// its lease is lost, or it must wait (retry_after, backoff). However it
// ends, the chat is let go in one place: given back while still leased
// here, left to its lease when lost, or nothing more when the statement
// that recorded its last outcome let it go.
func (d *Dispatcher) serve(ctx context.Context, c store.OutboxChat, batch []store.QueuedMessage) {
	s := d.newChatServer(c, batch[0])
	end := s.sendAll(ctx, batch)
	switch end.how {
	case giveBack:
		_ = d.st.Release(ctx, d.opts.ID, &c)
	case lose:
		d.lost(c, end.err)
	}
}

// chatServer is one claimed chat being served: its platform's sender and
// pace, and where its next send and its lease stand.
type chatServer struct {
	d          *Dispatcher
	c          store.OutboxChat
	p          bot.Platform
	sender     bot.Sender
	pace       Pacing
	group      bool
	gap        time.Duration    // the chat's own gap between sends
	burst      int              // at most burst sends in any burst×gap
	sends      []time.Time      // the chat's latest sends (burst of them), read at the first send
	history    chan []time.Time // the chat's sends before it was claimed, read meanwhile
	lately     []time.Time      // this server's sends in the last second (fairAt)
	nextAt     time.Time        // no send to the chat before
	leaseUntil time.Time
}

func (d *Dispatcher) newChatServer(c store.OutboxChat, first store.QueuedMessage) *chatServer {
	p := bot.Platform(c.Platform)
	nextAt := first.NextAt
	pace, ok := d.opts.Pacing[p]
	if !ok {
		pace = DefaultPacing[bot.Telegram]
	}
	group := chatKind(d.opts.Senders[p], c, first) == bot.Group
	gap, burst := pace.Private, pace.PrivateBurst
	if group {
		gap, burst = pace.Group, pace.GroupBurst
	}
	s := &chatServer{d: d, c: c, p: p, sender: d.opts.Senders[p], pace: pace, group: group, gap: gap, burst: max(burst, 1),
		nextAt: nextAt, leaseUntil: time.Now().Add(d.opts.Lease)}
	if s.burst > 1 {
		// The chat's earlier sends (another process's, or this one's before
		// a restart) are read while its first message goes out.
		s.history = make(chan []time.Time, 1)
		go func() {
			ts, err := d.st.RecentSends(context.Background(), c, s.burst-1)
			if err != nil {
				// Unknown: as if the window were full of sends just made.
				d.opts.Log.Warn("outbox: reading a chat's recent sends", "platform", p, "chat", logChat(c), "err", err)
				ts = slices.Repeat([]time.Time{time.Now()}, s.burst-1)
			}
			s.history <- ts
		}()
	}
	return s
}

// ending is how serving a chat ends.
type ending struct {
	how endKind
	err error // for lose: why, if an error (nil: the lease ran out)
}

type endKind int

const (
	letGo    endKind = iota // the store's statement let the chat go (Advance with Release, Defer, MoveChat)
	giveBack                // still leased here: give it back (stopping, nothing to send)
	lose                    // lost: logged, and its lease runs out
)

// letGoUnless ends after a statement that lets the chat go; the chat is
// lost if the statement failed.
func letGoUnless(err error) *ending {
	if err != nil {
		return &ending{how: lose, err: err}
	}
	return &ending{how: letGo}
}

// sendAll sends batch and reads on while the queue has more.
func (s *chatServer) sendAll(ctx context.Context, batch []store.QueuedMessage) ending {
	for {
		more := false
		for i, m := range batch {
			o, a := s.try(ctx, m)
			var end *ending
			if more, end = s.settle(ctx, m, a, o, i == len(batch)-1); end != nil {
				return *end
			}
		}
		if !more {
			return ending{how: letGo}
		}
		// More came while this batch went out: read on, still holding the
		// chat (the claim numbers what was queued since and renews the
		// lease).
		d := s.d
		rows, err := d.st.Claim(ctx, d.opts.ID, d.platforms(), []store.OutboxChat{s.c}, nil, 1, d.opts.Lease, d.opts.Lease, d.opts.Batch)
		if err != nil || len(rows) == 0 {
			return ending{how: lose, err: err}
		}
		batch = rows
	}
}

// outcome is what became of one queued message's turn.
type outcome int

const (
	sent        outcome = iota
	dropped             // a question whose conversation step has moved on
	nothing             // claimed with nothing to send
	halted              // the dispatcher stops
	unreadable          // the queued row is not a message
	leaseLost           // the lease could not be renewed
	rateLimited         // retry_after (a 429)
	migrated            // the group became a supergroup
	refused             // a permanent failure
	failed              // a transient failure: retried with backoff
)

// try takes one queued message as far as the platform's answer.
func (s *chatServer) try(ctx context.Context, m store.QueuedMessage) (outcome, turn) {
	d := s.d
	var a turn
	switch {
	case m.ID == 0:
		return nothing, a
	case m.Stale:
		return dropped, a
	case d.stopping():
		return halted, a
	}
	if a.err = json.Unmarshal(m.Message, &a.msg); a.err != nil {
		return unreadable, a
	}
	// The chat's own gap first, then this process's share of the
	// platform's rate (booked only when the chat is ready, so a chat
	// waiting for its gap holds no one else up).
	if !s.rest() || !d.sleepUntil(s.fairAt()) {
		return halted, a
	}
	// Renew a lease about to run out before a send, so nobody else
	// takes the chat while this message is in flight.
	if time.Until(s.leaseUntil) < min(d.opts.Lease/2, 1500*time.Millisecond) {
		if ok, err := d.st.Renew(ctx, d.opts.ID, s.c, d.opts.Lease); err != nil || !ok {
			a.err = err
			return leaseLost, a
		}
		s.leaseUntil = time.Now().Add(d.opts.Lease)
	}
	live := d.live.Load()
	ln := bulk
	if a.msg.Reply {
		ln = reply
	}
	sl, ok := d.rate[s.p].reserve(ln, share(s.pace.All, live), s.pace.All*time.Duration(live), time.Second, d.stop)
	if !ok {
		return halted, a
	}
	defer d.rate[s.p].answered(sl)
	if w := time.Until(sl.at); w > 50*time.Millisecond {
		d.opts.Log.Debug("outbox: waiting for the platform's rate", "platform", s.p, "chat", logChat(s.c), "wait", w)
	}
	if !d.sleepUntil(sl.at) {
		return halted, a
	}
	if a.err = d.loadPhoto(ctx, s.p, &a.msg); a.err != nil {
		return failed, a
	}
	a.err = d.send(ctx, s.sender, s.c, a.msg)
	o := a.classify()
	if d.opts.OnSend != nil {
		d.opts.OnSend(s.p, sendOutcomes[o])
	}
	return o, a
}

// sendOutcomes name a send's outcome for Options.OnSend.
var sendOutcomes = map[outcome]string{sent: "sent", rateLimited: "429", failed: "5xx", refused: "permanent", migrated: "permanent"}

// turn is a message's turn: the message read from its row, and the
// error that ended the turn.
type turn struct {
	msg  bot.Message
	err  error
	ra   *bot.RetryAfterError
	perm *bot.PermanentError
}

// classify tells the platform's answer to a send.
func (a *turn) classify() outcome {
	switch {
	case a.err == nil:
		return sent
	case errors.As(a.err, &a.ra):
		return rateLimited
	case errors.As(a.err, &a.perm) && a.perm.MigrateToChatID != 0:
		return migrated
	case errors.As(a.err, &a.perm):
		return refused
	default:
		return failed
	}
}

// settle acts on a message's outcome: records it and goes on (more: the
// queue has messages after it), or ends serving the chat.
func (s *chatServer) settle(ctx context.Context, m store.QueuedMessage, a turn, o outcome, last bool) (more bool, end *ending) {
	d := s.d
	switch o {
	case nothing, halted:
		return false, &ending{how: giveBack}
	case leaseLost:
		return false, &ending{how: lose, err: a.err}
	case dropped:
		return s.record(store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxDropped, NextAt: s.nextAt, Release: last})
	case sent:
		s.nextAt = s.sentNow()
		more, end = s.record(store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxSent, NextAt: s.nextAt, Release: last})
		if end == nil {
			s.leaseUntil = time.Now().Add(d.opts.Lease)
		}
		return more, end
	case refused:
		return s.record(store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxFailed, NextAt: s.nextAt, Release: last,
			Failure: a.err.Error(), Text: a.msg.Text})
	case unreadable:
		o := store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxFailed, NextAt: s.nextAt, Release: last,
			Failure: "unreadable queued message: " + a.err.Error()}
		_, _, err := d.st.Advance(ctx, d.opts.ID, s.c, o, d.opts.Lease)
		return false, letGoUnless(err)
	case rateLimited:
		return false, letGoUnless(s.putOff(ctx, m, a.ra))
	case migrated:
		return false, letGoUnless(s.move(ctx, a.perm))
	default:
		return false, letGoUnless(d.retry(ctx, s, m, a.msg, a.err))
	}
}

// rest waits for the chat's own next moment (its gap or window). A chat
// resting does not count among those sharing the platform's second once
// its last send has left that second.
func (s *chatServer) rest() bool {
	if time.Until(s.nextAt) <= 0 {
		return true
	}
	if n := len(s.lately); n > 0 {
		if t := s.lately[n-1].Add(time.Second); t.Before(s.nextAt) && !s.d.sleepUntil(t) {
			return false
		}
	}
	s.d.resting.Add(1)
	defer s.d.resting.Add(-1)
	return s.d.sleepUntil(s.nextAt)
}

// fairAt is when the chat may ask for its next share of the platform's
// second: a chat takes at most its part (the second's sends over the chats
// being served here and not resting) while others are served, so a few chats' bursts do
// not take the whole second while the rest, whose own windows are what
// holds them, wait for the next.
func (s *chatServer) fairAt() time.Time {
	d := s.d
	d.mu.Lock()
	active := len(d.serving) - int(d.resting.Load())
	d.mu.Unlock()
	part := max(1, share(s.pace.All, d.live.Load())/max(active, 1))
	if len(s.lately) < part {
		return time.Time{}
	}
	return s.lately[len(s.lately)-part].Add(time.Second)
}

// sentNow notes a send the platform has just answered and says when the
// chat's next may go: at once while the chat's window has room, else a
// window after the send burst before it, counting the chat's sends
// before it was claimed here too.
func (s *chatServer) sentNow() time.Time {
	now := time.Now()
	s.lately = append(s.lately, now)
	if i := slices.IndexFunc(s.lately, func(t time.Time) bool { return now.Sub(t) < time.Second }); i > 0 {
		s.lately = slices.Delete(s.lately, 0, i)
	}
	if s.burst <= 1 {
		return now.Add(s.gap)
	}
	if s.sends == nil {
		s.sends = append(<-s.history, now)
	} else {
		s.sends = append(s.sends, now)
	}
	if len(s.sends) > s.burst {
		s.sends = slices.Delete(s.sends, 0, len(s.sends)-s.burst)
	}
	if len(s.sends) < s.burst {
		return now
	}
	return s.sends[0].Add(time.Duration(s.burst) * s.gap)
}

// record records a message's outcome and goes on, unless the chat was
// lost meanwhile.
func (s *chatServer) record(o store.Outcome) (bool, *ending) {
	more, held, err := s.d.advance(s.c, o)
	if err != nil || !held {
		return false, &ending{how: lose, err: err}
	}
	return more, nil
}

// putOff waits out a retry_after. Not a failure: the chat waits
// retry_after; a long one holds the whole platform in this process too,
// unless the limit is the chat's own (a WeCom member's or robot's).
func (s *chatServer) putOff(ctx context.Context, m store.QueuedMessage, ra *bot.RetryAfterError) error {
	d := s.d
	d.opts.Log.Warn("rate limited", "platform", s.p, "chat", logChat(s.c), "retry_after", ra.After, "chat_only", ra.Chat)
	until := time.Now().Add(ra.After)
	if ra.After > time.Second && !ra.Chat {
		d.rate[s.p].hold(until)
	}
	return d.st.Defer(context.WithoutCancel(ctx), d.opts.ID, s.c, m.ID, until, false)
}

// move follows a group that became a supergroup: the roster group, its
// conversations and this queue (this message first) follow it to the new
// id, and are sent there.
func (s *chatServer) move(ctx context.Context, perm *bot.PermanentError) error {
	d := s.d
	to := strconv.FormatInt(perm.MigrateToChatID, 10)
	n, err := d.st.MoveChat(context.WithoutCancel(ctx), d.opts.ID, s.c, to)
	if err != nil {
		return err
	}
	d.opts.Log.Info("outbox: group upgraded to a supergroup, its queue moved", "platform", s.p, "chat", s.c.ChatID, "to", to, "messages", n)
	d.Wake(store.OutboxChat{Platform: s.c.Platform, ChatID: to})
	return nil
}

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
// up (recorded in send_failures) and the queue goes on. An error is the
// store's: the chat could not be put off, and is lost.
func (d *Dispatcher) retry(ctx context.Context, s *chatServer, m store.QueuedMessage, msg bot.Message, cause error) error {
	bg := context.WithoutCancel(ctx)
	c := s.c
	attempt := m.Attempts + 1
	d.opts.Log.Warn("send failed", "platform", c.Platform, "chat", logChat(c), "attempt", attempt, "err", cause)
	if time.Since(m.Created) > d.opts.GiveUpAfter {
		o := store.Outcome{ID: m.ID, Seq: m.Seq, State: store.OutboxFailed, NextAt: time.Now(), Release: true,
			Failure: fmt.Sprintf("gave up after %d attempts over %v: %v", attempt, time.Since(m.Created).Round(time.Second), cause), Text: msg.Text}
		_, _, err := d.st.Advance(bg, d.opts.ID, c, o, d.opts.Lease)
		return err
	}
	wait := backoff.Of(d.opts.RetryBase, d.opts.RetryMax, attempt)
	d.rate[bot.Platform(c.Platform)].hold(time.Now().Add(min(wait, d.opts.RetryBase)))
	if s.group && attempt%d.opts.StepAside == 0 {
		// A group post that keeps failing does not hold the group's later
		// messages: it goes behind them (noted in send_failures), and the
		// chat goes on when its pacing allows.
		note := fmt.Sprintf("stepped aside after %d attempts, to be retried after the later messages: %v", attempt, cause)
		moved, err := d.st.StepAside(bg, d.opts.ID, c, m.ID, m.Seq, s.nextAt, note, msg.Text)
		if err != nil || moved {
			if moved {
				d.opts.Log.Warn("outbox: a failing group post stepped aside", "platform", c.Platform, "chat", logChat(c), "attempts", attempt)
			}
			return err
		}
	}
	return d.st.Defer(bg, d.opts.ID, c, m.ID, time.Now().Add(wait), true)
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
