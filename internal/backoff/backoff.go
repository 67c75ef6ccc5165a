// Package backoff is the one wait between tries that Telegram's poll loop,
// WeCom's sends, the outbox, the inbox and the photo downloads share:
// doubling from a base up to a cap, with jitter so that many processes (or
// many failed sends) do not retry in step.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Of is the wait before try attempt+1 after attempt failures (attempt ≥ 1):
// base·2^(attempt-1), capped at max, with ±20% jitter.
func Of(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	if d <= 0 {
		return 0
	}
	return d + time.Duration(float64(d)*(rand.Float64()*0.4-0.2))
}
