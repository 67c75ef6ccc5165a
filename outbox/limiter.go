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
