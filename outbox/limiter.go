package outbox

import (
	"sync"
	"time"
)

// share is how many sends this dispatcher may make in a second: the
// platform's number (1s/all) split among the live dispatchers, at least one.
func share(all time.Duration, live int64) int {
	n := int((time.Second + all/2) / all)
	if live > 1 {
		n /= int(live)
	}
	return max(1, n)
}

// limiter is this process's share of a platform's global rate: at most n
// sends in any window, counted so that arrivals keep it whatever the
// network does (a send starts only a window after the platform answered
// the send n before it, which arrived before that answer). After a quiet
// spell the n go at once (a few messages to a few chats arrive together);
// while sends keep coming they are spaced one interval apart (n intervals
// make the window), so the window never fills in one clump and then
// holds everyone for the rest of it. A long retry_after holds them all.
//
// Two lanes: a reply to the person who just wrote books ahead of every
// bulk send (a broadcast, a group post, a scheduler's ping) still waiting,
// and a bulk send books its moment only when it is at most lookahead away,
// so a broadcast to thousands never stands booked in front of a reply.
// Within a lane, bookings are made in the order asked, so none starves.
type limiter struct {
	mu      sync.Mutex
	turn    *sync.Cond // bookings are made one at a time
	tickets [2]int64   // per lane: the next ticket to hand out
	serving [2]int64   // per lane: the ticket whose turn it is
	sends   []*slot    // the latest sends, in booking order
	tat     time.Time  // the spacing's theoretical next send
	held    time.Time
}

// lane is a send's place in the limiter's queue.
type lane int

const (
	bulk  lane = iota // broadcasts, group posts, pings: in the order asked
	reply             // a reply to the person whose update is handled: first
)

func newLimiter() *limiter {
	l := &limiter{}
	l.turn = sync.NewCond(&l.mu)
	return l
}

// maxWindowed is the most sends per window the limiter counts one by one.
const maxWindowed = 10000

// burst is how many sends may start at once when pacing is off.
const burst = 4

// lookahead is how far ahead of now a bulk send may book its moment: a few
// intervals, so the rate is kept whatever a timer's lateness, and a reply
// waits for at most that many bulk sends.
func lookahead(interval time.Duration) time.Duration {
	return max(4*interval, 50*time.Millisecond)
}

// slot is one booked send; done is closed when the platform has answered.
type slot struct {
	at     time.Time
	answer time.Time
	done   chan struct{}
}

// reserve books the first moment from now that the spacing and the window
// allow, waiting (until stop) for the platform's answer to the send n
// before it when that is still in flight; a bulk send also waits until
// that moment is within lookahead, behind any reply that asks meanwhile.
func (l *limiter) reserve(ln lane, n int, interval, window time.Duration, stop <-chan struct{}) (*slot, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ticket := l.tickets[ln]
	l.tickets[ln]++
	defer func() {
		l.serving[ln]++
		l.turn.Broadcast()
	}()
	for {
		// A bulk send's turn comes when no reply waits.
		for ticket != l.serving[ln] || (ln == bulk && l.serving[reply] != l.tickets[reply]) {
			l.turn.Wait()
		}
		at := time.Now()
		if l.held.After(at) {
			at = l.held
		}
		b := n // the spacing lets a quiet limiter's whole window go at once
		if n > maxWindowed {
			b = burst
		}
		if t := l.tat.Add(-time.Duration(b-1) * interval); t.After(at) {
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
		full := false // the window, not the spacing, decides
		if len(l.sends) >= n {
			prev := l.sends[len(l.sends)-n]
			select {
			case <-prev.done:
				if t := prev.answer.Add(window); t.After(at) {
					at, full = t, true
				}
			default:
				if !await(l, prev.done, stop) {
					return nil, false
				}
				continue
			}
		}
		if ln == bulk {
			if wait := time.Until(at) - lookahead(interval); wait > 0 {
				t := time.NewTimer(wait)
				ok := await(l, t.C, stop)
				t.Stop()
				if !ok {
					return nil, false
				}
				continue
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
		if full {
			// The window is full: from here the sends are spaced, a burst
			// only after a quiet spell.
			if t := at.Add(time.Duration(b-1) * interval); t.After(l.tat) {
				l.tat = t
			}
		}
		l.tat = l.tat.Add(interval)
		return s, true
	}
}

// await waits, with l unlocked, for ch; false when stop comes first.
func await[T any](l *limiter, ch <-chan T, stop <-chan struct{}) bool {
	l.mu.Unlock()
	defer l.mu.Lock()
	select {
	case <-ch:
		return true
	case <-stop:
		return false
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
