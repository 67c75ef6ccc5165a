package backoff_test

import (
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/backoff"
)

func TestOf(t *testing.T) {
	cases := []struct {
		attempt int
		want    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {6, 30 * time.Second}, {100, 30 * time.Second}}
	for _, c := range cases {
		seen := map[time.Duration]bool{}
		for range 50 {
			got := backoff.Of(time.Second, 30*time.Second, c.attempt)
			lo, hi := c.want*8/10, c.want*12/10
			if got < lo || got > hi {
				t.Fatalf("attempt %d: %v, want within %v–%v", c.attempt, got, lo, hi)
			}
			seen[got] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: no jitter (%v every time)", c.attempt, seen)
		}
	}
	if got := backoff.Of(0, time.Minute, 3); got != 0 {
		t.Errorf("a zero base waits %v", got)
	}
}
