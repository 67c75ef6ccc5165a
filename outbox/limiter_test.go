package outbox

import (
	"sync"
	"testing"
	"time"
)

// TestReplyLaneAheadOfBulk: a broadcast's sends waiting for the rate do
// not stand booked in front of a reply. Facts of the limiter's bookings,
// not of the machine's speed (each is compared with a time taken after the
// booking was made): a bulk send books its moment at most lookahead ahead,
// and a reply that asks while thirty bulk sends wait gets a moment at most
// one interval after the last of them, not behind the thirty (600 ms here).
func TestReplyLaneAheadOfBulk(t *testing.T) {
	const interval = 20 * time.Millisecond
	l := newLimiter()
	stop := make(chan struct{})
	defer close(stop)
	var mu sync.Mutex
	var ahead []time.Duration
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, ok := l.reserve(bulk, 1000, interval, time.Second, stop)
			if !ok {
				return
			}
			mu.Lock()
			ahead = append(ahead, time.Until(s.at))
			mu.Unlock()
			l.answered(s)
		}()
	}
	for { // some of the broadcast is booked before the reply asks
		mu.Lock()
		n := len(ahead)
		mu.Unlock()
		if n >= 8 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	s, ok := l.reserve(reply, 1000, interval, time.Second, stop)
	if !ok {
		t.Fatal("reply not booked")
	}
	if w := time.Until(s.at); w > lookahead(interval)+interval {
		t.Errorf("the reply was booked %v ahead, behind the broadcast (lookahead %v, then one interval)", w, lookahead(interval))
	}
	l.answered(s)
	wg.Wait()
	if len(ahead) != 30 {
		t.Fatalf("%d bulk sends booked, want 30", len(ahead))
	}
	for i, w := range ahead {
		if w > lookahead(interval) {
			t.Errorf("bulk send %d booked %v ahead (lookahead %v)", i, w, lookahead(interval))
		}
	}
}
