package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/store"
)

const queueSend = "send"

// SendArgs is the messages of one update to one chat, in order: one job, so
// that a prompt never overtakes the message before it.
type SendArgs struct {
	Platform bot.Platform  `json:"platform"`
	ChatID   string        `json:"chat_id"`
	Messages []bot.Message `json:"messages"`
}

// Kind names the job for River.
func (SendArgs) Kind() string { return "send" }

// InsertOpts puts sends on their own queue.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueSend, MaxAttempts: 12}
}

// EnqueueSends inserts the messages as send jobs inside tx: they exist
// exactly when the change that caused them commits. Messages for a local
// platform are not queued (the console prints them itself). Photo bytes are
// dropped: the worker loads them by PhotoID when it needs them.
func (s *Scheduler) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	var jobs []river.InsertManyParams
	index := map[string]int{}
	for _, m := range msgs {
		if m.Platform.Local() {
			continue
		}
		if m.Photo != nil && m.Photo.PhotoID != 0 {
			p := *m.Photo
			p.Bytes = nil
			m.Photo = &p
		}
		key := string(m.Platform) + "\x00" + m.ChatID
		if i, ok := index[key]; ok {
			a := jobs[i].Args.(SendArgs)
			a.Messages = append(a.Messages, m)
			jobs[i].Args = a
			continue
		}
		index[key] = len(jobs)
		jobs = append(jobs, river.InsertManyParams{Args: SendArgs{Platform: m.Platform, ChatID: m.ChatID, Messages: []bot.Message{m}}})
	}
	if len(jobs) == 0 {
		return nil
	}
	_, err := s.client.InsertManyTx(ctx, tx.SQL(), jobs)
	return err
}

// Pacing is the published limits of a platform, as intervals between sends.
type Pacing struct {
	Private time.Duration // per private chat
	Group   time.Duration // per group chat
	All     time.Duration // across all chats
}

// DefaultPacing is the platforms' published limits: Telegram about 1
// message a second per chat, 20 a minute per group, 30 a second in all; WeCom's app 30 a minute per member and its
// group robot 20 a minute. Each interval has a margin of a few percent: a
// send reserved on time can still arrive a little late, and the one after
// it on time, and the platform counts arrivals.
var DefaultPacing = map[bot.Platform]Pacing{
	bot.Telegram: {Private: 1100 * time.Millisecond, Group: 3200 * time.Millisecond, All: 36 * time.Millisecond},
	bot.WeCom:    {Private: 2100 * time.Millisecond, Group: 3200 * time.Millisecond, All: 36 * time.Millisecond},
}

// isGroup tells a group chat by its id: Telegram's are negative; WeCom group
// chats are bound with a "group:" prefix.
func isGroup(platform bot.Platform, chatID string) bool {
	return strings.HasPrefix(chatID, "-") || strings.HasPrefix(chatID, "group:")
}

// SendWorker sends queued messages at the platforms' pace. A 429 waits
// retry_after without counting as a failure; network errors and 5xx retry
// with backoff; a permanent refusal is recorded and not retried.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	store *store.Store
	opts  *Options
}

// maxSleep: waits up to this long are slept in the worker; longer ones give
// the worker back (snooze). It covers a group's interval, so the messages
// of one job to a group go out in order without a snooze between them.
const maxSleep = 4 * time.Second

// Work sends a job's messages in order, each at its paced slot.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	a := job.Args
	sender, ok := w.opts.Senders[a.Platform]
	if !ok {
		return river.JobCancel(fmt.Errorf("no sender for platform %q", a.Platform))
	}
	pace, ok := w.opts.Pacing[a.Platform]
	if !ok {
		pace = DefaultPacing[bot.Telegram]
	}
	per := pace.Private
	if isGroup(a.Platform, a.ChatID) {
		per = pace.Group
	}
	rules := []store.Pace{{Key: string(a.Platform) + ":chat:" + a.ChatID, Interval: per}, {Key: string(a.Platform) + ":all", Interval: pace.All}}
	// A retried or snoozed job resumes after what already went out.
	done, err := w.store.SendProgress(ctx, job.ID)
	if err != nil {
		return err
	}
	for i := done; i < len(a.Messages); i++ {
		m := a.Messages[i]
		if err := w.loadPhoto(ctx, a.Platform, &m); err != nil {
			return w.failed(ctx, job, i, err)
		}
		wait, slept, err := w.reserve(ctx, rules)
		if err != nil {
			return w.failed(ctx, job, i, err)
		}
		if wait > 0 {
			return river.JobSnooze(wait)
		}
		if slept { // a 429 may have come while this job slept to its slot
			if held, err := w.store.Held(ctx, []string{rules[0].Key, rules[1].Key}); err != nil {
				return w.failed(ctx, job, i, err)
			} else if held > 0 {
				return river.JobSnooze(held)
			}
		}
		err = sender.Send(ctx, m)
		var ra *bot.RetryAfterError
		var perm *bot.PermanentError
		switch {
		case err == nil:
			if i+1 < len(a.Messages) {
				if err := w.store.SetSendProgress(context.WithoutCancel(ctx), job.ID, i+1); err != nil {
					return err
				}
			}
		case errors.As(err, &ra):
			// Not a failure: the whole chat (and platform) waits retry_after.
			w.opts.Log.Warn("rate limited", "platform", a.Platform, "chat", a.ChatID, "retry_after", ra.After)
			keys := []string{rules[0].Key}
			if ra.After > time.Second {
				keys = append(keys, rules[1].Key)
			}
			if err := w.store.HoldSends(context.WithoutCancel(ctx), keys, ra.After); err != nil {
				return err
			}
			return river.JobSnooze(ra.After)
		case errors.As(err, &perm):
			for _, lost := range a.Messages[i:] {
				if rerr := w.store.RecordSendFailure(context.WithoutCancel(ctx), string(a.Platform), a.ChatID, lost.Text, err.Error()); rerr != nil {
					return rerr
				}
			}
			_ = w.store.ClearSendProgress(context.WithoutCancel(ctx), job.ID)
			return river.JobCancel(err)
		default:
			return w.failed(ctx, job, i, err)
		}
	}
	if done > 0 || len(a.Messages) > 1 {
		_ = w.store.ClearSendProgress(context.WithoutCancel(ctx), job.ID)
	}
	return nil
}

// failed returns err for River to retry with backoff; on the last attempt
// the messages that did not go out are recorded as lost.
func (w *SendWorker) failed(ctx context.Context, job *river.Job[SendArgs], i int, err error) error {
	if job.Attempt >= job.MaxAttempts {
		for _, lost := range job.Args.Messages[i:] {
			_ = w.store.RecordSendFailure(context.WithoutCancel(ctx), string(job.Args.Platform), job.Args.ChatID, lost.Text,
				fmt.Sprintf("gave up after %d attempts: %v", job.Attempt, err))
		}
	}
	return err
}

// reserve books a send slot at most maxSleep away and sleeps until it;
// a slot further away is returned as a wait instead (the job snoozes and
// gives its worker back).
func (w *SendWorker) reserve(ctx context.Context, rules []store.Pace) (wait time.Duration, slept bool, err error) {
	wait, ok, err := w.store.ReserveSend(ctx, rules, maxSleep)
	if err != nil || !ok {
		return wait, false, err
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return 0, false, ctx.Err()
		case <-t.C:
		}
	}
	return 0, wait > 0, nil
}

// loadPhoto gives a queued photo its bytes when the platform cannot use the
// reference (a console photo posted to Telegram, say).
func (w *SendWorker) loadPhoto(ctx context.Context, platform bot.Platform, m *bot.Message) error {
	p := m.Photo
	if p == nil || p.PhotoID == 0 || len(p.Bytes) > 0 || (p.Platform == platform && p.FileRef != "") {
		return nil
	}
	data, mime, err := w.store.PhotoBytes(ctx, p.PhotoID)
	if errors.Is(err, store.ErrNotFound) {
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

// NextRetry backs off exponentially with jitter, up to RetryMax.
func (w *SendWorker) NextRetry(job *river.Job[SendArgs]) time.Time {
	return time.Now().Add(Backoff(w.opts.RetryBase, w.opts.RetryMax, job.Attempt))
}
