package handlers

import (
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per person (platform account), in this
// process's memory: burst updates at once, then perMinute a minute. An
// update over the limit is not handled at all (no transaction, no dedupe
// key, nothing queued); the person is told once while over, then not
// again until a minute has passed, so the answers cannot flood a chat
// either. Several serve processes each keep their own buckets: a person is
// limited by whichever process their updates reach.
type limiter struct {
	mu        sync.Mutex
	perSecond float64
	burst     float64
	now       func() time.Time
	buckets   map[string]*bucket
	swept     time.Time
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was counted
	told   time.Time // when the person was last told they are over
}

// tellEvery is how often a person over the limit is told so.
const tellEvery = time.Minute

// sweepAt is the number of buckets past which full ones are forgotten.
const sweepAt = 10000

func newLimiter(perMinute, burst int, now func() time.Time) *limiter {
	if now == nil {
		now = time.Now
	}
	return &limiter{perSecond: float64(perMinute) / 60, burst: float64(max(burst, 1)), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for key. When there is none it reports ok false,
// tell true at most once every tellEvery, and wait: how long until the
// next token.
func (l *limiter) allow(key string) (ok, tell bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= sweepAt && now.Sub(l.swept) > time.Minute {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.perSecond)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, false, 0
	}
	wait = time.Duration((1 - b.tokens) / l.perSecond * float64(time.Second))
	if now.Sub(b.told) >= tellEvery {
		b.told = now
		return false, true, wait
	}
	return false, false, wait
}

// sweep forgets the buckets that have refilled (their people are within
// the limit again), so memory stays bounded by the people active now.
func (l *limiter) sweep(now time.Time) {
	l.swept = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.perSecond >= l.burst && now.Sub(b.told) >= tellEvery {
			delete(l.buckets, k)
		}
	}
}

// groupShare bounds what one person's updates queue to one group chat:
// a leaky bucket of groupCap messages draining at the group's pace
// (groupDrain a minute, Telegram's 20). It stands for the person's
// messages still waiting in that chat's queue: past groupCap, their
// replies to the group are not queued (their updates still take effect),
// so no single person can fill a group's queue: at most groupCap messages
// (three minutes at the group's pace) are theirs. Each process keeps its own.
type groupShare struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*level
	swept   time.Time
}

type level struct {
	n  float64
	at time.Time
}

const (
	groupCap   = 60
	groupDrain = 20.0 / 60 // messages a second
)

// room takes up to n places in key's bucket and returns how many it got.
func (g *groupShare) room(key string, n int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	b := g.buckets[key]
	if b == nil {
		if len(g.buckets) >= sweepAt && now.Sub(g.swept) > time.Minute {
			g.swept = now
			for k, b := range g.buckets {
				if b.n-now.Sub(b.at).Seconds()*groupDrain <= 0 {
					delete(g.buckets, k)
				}
			}
		}
		b = &level{at: now}
		g.buckets[key] = b
	}
	b.n = math.Max(0, b.n-now.Sub(b.at).Seconds()*groupDrain)
	b.at = now
	got := min(n, int(groupCap-b.n))
	got = max(got, 0)
	b.n += float64(got)
	return got
}
