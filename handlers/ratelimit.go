package handlers

import (
	"math"
	"sync"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
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

// capGroup drops the replies to the update's group past the person's
// share of it (groupShare); everything else goes as it is.
func (r *Router) capGroup(u bot.Update, msgs []bot.Message) []bot.Message {
	if r.share == nil || u.ChatKind != bot.Group || u.Platform.Local() || u.UserID == "" {
		return msgs
	}
	n := 0
	for _, m := range msgs {
		if m.Platform == u.Platform && m.ChatID == u.ChatID {
			n++
		}
	}
	if n == 0 {
		return msgs
	}
	room := r.share.room(string(u.Platform)+":"+u.UserID+"@"+u.ChatID, n)
	if room == n {
		return msgs
	}
	r.log.Warn("group share: replies to the group not queued", "platform", u.Platform, "user", u.UserID, "chat", u.ChatID, "dropped", n-room)
	out := msgs[:0:0]
	for _, m := range msgs {
		if m.Platform == u.Platform && m.ChatID == u.ChatID {
			if room == 0 {
				continue
			}
			room--
		}
		out = append(out, m)
	}
	return out
}

// limited reports an update over its person's rate limit, with the answer
// (once a minute while over). A local platform (the console) is not limited.
func (r *Router) limited(u bot.Update) (bool, []bot.Message) {
	if r.limit == nil || u.Platform.Local() || u.UserID == "" || u.Moved != nil {
		return false, nil
	}
	ok, tell, wait := r.limit.allow(string(u.Platform) + ":" + u.UserID)
	if ok {
		return false, nil
	}
	if !tell {
		return true, nil
	}
	r.log.Warn("rate limit: updates of this person dropped", "platform", u.Platform, "user", u.UserID, "chat", u.ChatID)
	lang := i18n.Parse(u.LangHint, r.defaultLang)
	seconds := max(1, int(math.Ceil(wait.Seconds())))
	text := i18n.T(lang, "rate.limited", "seconds", seconds)
	if u.UserName != "" {
		text = i18n.T(lang, "rate.limited.named", "name", u.UserName, "seconds", seconds)
	}
	return true, []bot.Message{{Platform: u.Platform, ChatID: u.ChatID, ChatTitle: u.ChatTitle, Text: text}}
}
