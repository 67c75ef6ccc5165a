package scheduler

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

// PingOptions say when a running clock is pinged: at half its time, some
// working hours before it runs out, at expiry, every working day while
// overdue (督办), and to the supervisors after some of those.
type PingOptions struct {
	Calendar        *worktime.Calendar
	Half            bool
	Before          []time.Duration // working time before the deadline, e.g. 2h
	DailyAt         int             // minutes after midnight of the daily 督办 reminder
	SupervisorAfter int             // daily reminders before the supervisors are told (0: never)
	Every           time.Duration   // how often the clocks are scanned
	Lang            i18n.Lang       // the language of group messages
	Now             func() time.Time
}

// ClockScanArgs is the periodic scan of running clocks. Only the elected
// leader among the serve processes inserts it; the scan itself locks the
// cases it handles (SKIP LOCKED) and records each ping under a unique key,
// so no ping is ever sent twice.
type ClockScanArgs struct{}

// Kind names the job for River.
func (ClockScanArgs) Kind() string { return "clock_scan" }

// InsertOpts keeps one scan queued at a time.
func (ClockScanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{rivertype.JobStateAvailable,
		rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

type clockScanWorker struct {
	river.WorkerDefaults[ClockScanArgs]
	s *Scheduler
}

func (w *clockScanWorker) Work(ctx context.Context, _ *river.Job[ClockScanArgs]) error {
	if _, err := w.s.ScanClocks(ctx); err != nil {
		return err
	}
	return w.s.ScanRoutines(ctx)
}

// ScanClocks pings every case whose clock is due and returns how many
// pings it sent.
func (s *Scheduler) ScanClocks(ctx context.Context) (int, error) {
	const batch = 200
	total := 0
	for {
		n := 0
		err := s.store.InTx(ctx, func(tx *store.Tx) error {
			cases, err := tx.DueClocks(ctx, s.opts.Pings.Now(), batch)
			if err != nil {
				return err
			}
			n = len(cases)
			var msgs []bot.Message
			for _, c := range cases {
				m, err := s.pingCase(ctx, tx, c)
				if err != nil {
					return fmt.Errorf("case %s: %w", c.Number, err)
				}
				msgs = append(msgs, m...)
				if len(m) > 0 {
					total++
				}
			}
			return s.opts.Outbox.EnqueueSends(ctx, tx, msgs)
		})
		if err != nil || n < batch {
			return total, err
		}
	}
}

// pingKind is what a milestone says; "ping.<kind>" is its catalog text.
type pingKind string

const (
	pingSoon       pingKind = "soon"       // half time, or some working hours before
	pingOverdue    pingKind = "overdue"    // the deadline passed
	pingDaily      pingKind = "daily"      // 督办, every working day while overdue
	pingSupervisor pingKind = "supervisor" // the supervisors, after some daily reminders
)

type milestone struct {
	key  string
	kind pingKind
	at   time.Time
	n    int // the daily reminder's number
}

// milestones lists a clock's pings in time order, up to the first one after now.
func (s *Scheduler) milestones(clock model.Clock, start, deadline, now time.Time) []milestone {
	p := s.opts.Pings
	cal := p.Calendar
	prefix := string(clock) + ":" + strconv.FormatInt(deadline.Unix(), 10) + ":"
	var ms []milestone
	if p.Half {
		ms = append(ms, milestone{key: prefix + "half", kind: pingSoon, at: cal.Add(start, cal.Between(start, deadline)/2)})
	}
	for _, b := range p.Before {
		if at := cal.Sub(deadline, b); at.After(start) {
			ms = append(ms, milestone{key: prefix + "before:" + b.String(), kind: pingSoon, at: at})
		}
	}
	ms = append(ms, milestone{key: prefix + "overdue", kind: pingOverdue, at: deadline})
	day := deadline
	for n := 1; n <= 3700; n++ {
		day = cal.NextWorkdayAt(day, p.DailyAt)
		ms = append(ms, milestone{key: prefix + "daily:" + day.In(cal.Location()).Format("2006-01-02"), kind: pingDaily, at: day, n: n})
		if n == p.SupervisorAfter {
			ms = append(ms, milestone{key: prefix + "supervisor", kind: pingSupervisor, at: day, n: n})
		}
		if day.After(now) {
			break
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].at.Before(ms[j].at) })
	return ms
}

// pingCase records the case's due milestones, returns the messages for the
// newest of them (after a long stop, one message, not a burst of old ones),
// and sets when to look again.
func (s *Scheduler) pingCase(ctx context.Context, tx *store.Tx, c store.CaseView) ([]bot.Message, error) {
	clock, deadline, running := c.RunningClock()
	if !running {
		return nil, tx.SetNextPing(ctx, c.ID, nil)
	}
	now := s.opts.Pings.Now()
	sent, err := tx.PingsOf(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, k := range sent {
		done[k] = true
	}
	var due []milestone
	var next *time.Time
	for _, m := range s.milestones(clock, c.DispatchedAt.Time, deadline, now) {
		if done[m.key] {
			continue
		}
		if m.at.After(now) {
			at := m.at
			next = &at
			break
		}
		first, err := tx.RecordPing(ctx, c.ID, m.key)
		if err != nil {
			return nil, err
		}
		if first {
			due = append(due, m)
		}
	}
	if err := tx.SetNextPing(ctx, c.ID, next); err != nil {
		return nil, err
	}
	if len(due) == 0 {
		return nil, nil
	}
	// The groups hear the newest group milestone only; the supervisors
	// their own.
	var msgs []bot.Message
	var last *milestone
	for i, m := range due {
		if m.kind == pingSupervisor {
			more, err := s.pingMessages(ctx, tx, c, clock, deadline, m)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, more...)
		} else {
			last = &due[i]
		}
	}
	if last != nil {
		more, err := s.pingMessages(ctx, tx, c, clock, deadline, *last)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

func (s *Scheduler) pingMessages(ctx context.Context, tx *store.Tx, c store.CaseView, clock model.Clock, deadline time.Time, m milestone) ([]bot.Message, error) {
	p := s.opts.Pings
	cal, now, lang := p.Calendar, p.Now(), p.Lang
	at := deadline.In(cal.Location()).Format("01-02 15:04")
	hours := func(d time.Duration) string { return i18n.WorkingTime(lang, d, cal.DayLength()) }
	args := []any{"number", c.Number, "alley", c.AlleyName, "department", c.DepartmentName, "at", at,
		"clock", i18n.T(lang, "clock.name."+string(clock)), "left", hours(cal.Between(now, deadline)),
		"over", hours(cal.Between(deadline, now)), "days", m.n}
	who := s.audience(tx)
	var msgs []bot.Message
	if m.kind == pingSupervisor {
		return who.Role(ctx, model.RoleSupervisor, func(lang i18n.Lang) bot.Message {
			return bot.Message{Text: i18n.T(lang, "ping.supervisor", args...)}
		})
	}
	text := i18n.T(lang, "ping."+string(m.kind), args...)
	targets := []struct {
		kind  model.ChatKind
		scope audience.Scope
	}{{model.ChatDepartment, audience.Scope{Department: c.DepartmentID.Int64}}, {model.ChatExchange, audience.Scope{}}}
	if m.kind != pingSoon { // the acceptance center hears of what is overdue
		targets = append(targets, struct {
			kind  model.ChatKind
			scope audience.Scope
		}{model.ChatCoordinators, audience.Scope{}})
	}
	// On WeCom the group robot @-mentions the department's members: the
	// people the ping concerns.
	mentions, err := tx.WecomMembers(ctx, model.ChatDepartment, 0, c.DepartmentID.Int64)
	if err != nil {
		return nil, err
	}
	for _, target := range targets {
		more, err := who.Groups(ctx, target.kind, target.scope, bot.Message{Text: text, Mentions: mentions})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}
