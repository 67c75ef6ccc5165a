package scheduler

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// RoutineOptions are the daily routines: patrol reminders (seed 二(一)), the
// coordinators' summary of missed patrols and the exchange group's digest.
type RoutineOptions struct {
	RemindBefore time.Duration // a patrol's reminder comes this long before it starts
	KeepFor      time.Duration // update keys, abandoned drafts and their photos are deleted after this (0: kept)
	SummaryAt    int           // minutes after midnight: the missed-patrol summary (-1: none)
	DigestAt     int           // minutes after midnight: the daily digest (-1: none)
	// TrainingRemind: a training's invitees who signed up or have not
	// answered are reminded this long before it starts (each once).
	TrainingRemind []time.Duration
}

// ScanRoutines sends what the day's routines owe by now, each once.
func (s *Scheduler) ScanRoutines(ctx context.Context) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		var msgs []bot.Message
		for _, f := range []func(context.Context, *store.Tx) ([]bot.Message, error){s.closePatrols, s.complaintPings, s.trainingProgress, s.trainingReminders, s.patrolNotices, s.missedSummary, s.digest, s.cleanup, s.caseNumbers, s.assessEnded, s.monthlyReport, s.monthlyStatement, s.activityReminders} {
			m, err := f(ctx, tx)
			if err != nil {
				return err
			}
			msgs = append(msgs, m...)
		}
		return s.opts.Outbox.EnqueueSends(ctx, tx, msgs)
	})
}

func (s *Scheduler) today() (now, midnight time.Time, weekday int, day string) {
	loc := s.opts.Pings.Calendar.Location()
	now = s.opts.Pings.Now().In(loc)
	y, m, d := now.Date()
	midnight = time.Date(y, m, d, 0, 0, 0, 0, loc)
	weekday = int(now.Weekday())
	if weekday == 0 {
		weekday = 7
	}
	return now, midnight, weekday, now.Format("2006-01-02")
}

// patrolNotices: a reminder before each patrol, and a gentle word after one
// with no check-in.
func (s *Scheduler) patrolNotices(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	now, midnight, weekday, day := s.today()
	patrols, err := tx.PatrolsOn(ctx, midnight, weekday)
	if err != nil {
		return nil, err
	}
	suspended, err := tx.SuspendedStewards(ctx)
	if err != nil {
		return nil, err
	}
	var msgs []bot.Message
	for _, p := range patrols {
		if suspended[p.PersonID] {
			continue // a suspended steward is not reminded (四(三))
		}
		kind := ""
		switch {
		case !now.Before(p.StartsAt.Add(-s.opts.Routine.RemindBefore)) && now.Before(p.EndsAt):
			kind = "reminder"
		case !now.Before(p.EndsAt) && !p.CheckedIn && now.Sub(p.EndsAt) < 6*time.Hour:
			kind = "missed"
		default:
			continue
		}
		// Keyed by person, alley and time, not the schedule row: a roster
		// re-import recreates the rows but is the same patrol.
		first, err := tx.Notice(ctx, fmt.Sprintf("patrol:%d:%d:%s:%s:%s", p.PersonID, p.AlleyID, p.StartsHHMM, day, kind))
		if err != nil || !first {
			if err != nil {
				return nil, err
			}
			continue
		}
		loc := s.opts.Pings.Calendar.Location()
		more, err := s.audience(tx).Person(ctx, p.PersonID, func(lang i18n.Lang) bot.Message {
			return bot.Message{Text: i18n.T(lang, "patrol."+kind, "name", p.PersonName, "alley", p.AlleyName,
				"from", p.StartsAt.In(loc).Format("15:04"), "to", p.EndsAt.In(loc).Format("15:04"))}
		})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

// caseNumbers makes next year's case-number sequence ahead of time (this
// year's too, should it be missing), so no submit waits on a counter row.
func (s *Scheduler) caseNumbers(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	now, _, _, _ := s.today()
	for _, y := range []int{now.Year(), now.Year() + 1} {
		if err := tx.EnsureCaseNumbers(ctx, y); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// audience is who background work can reach (a local platform only when
// Options.Local names it).
func (s *Scheduler) audience(tx *store.Tx) audience.Audience {
	return audience.New(tx, s.opts.Local, s.opts.Pings.Lang)
}

func (s *Scheduler) toChats(ctx context.Context, tx *store.Tx, kind model.ChatKind, text string) ([]bot.Message, error) {
	return s.audience(tx).Groups(ctx, kind, audience.Scope{}, bot.Message{Text: text})
}

// missedSummary tells the coordinators once a day which patrols had no
// check-in; a suspended steward's are not listed (/patrols shows their
// alleys uncovered).
func (s *Scheduler) missedSummary(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	r := s.opts.Routine
	now, midnight, weekday, day := s.today()
	if r.SummaryAt < 0 || now.Before(midnight.Add(time.Duration(r.SummaryAt)*time.Minute)) {
		return nil, nil
	}
	first, err := tx.Notice(ctx, "missed-summary:"+day)
	if err != nil || !first {
		return nil, err
	}
	patrols, err := tx.PatrolsOn(ctx, midnight, weekday)
	if err != nil {
		return nil, err
	}
	suspended, err := tx.SuspendedStewards(ctx)
	if err != nil {
		return nil, err
	}
	lang, loc := s.opts.Pings.Lang, s.opts.Pings.Calendar.Location()
	var lines []string
	for _, p := range patrols {
		if !p.CheckedIn && !p.EndsAt.After(now) && !suspended[p.PersonID] { // a suspended steward's patrols are not theirs to miss (四(三))
			lines = append(lines, fmt.Sprintf("  %s · %s · %s–%s", p.PersonName, p.AlleyName,
				p.StartsAt.In(loc).Format("15:04"), p.EndsAt.In(loc).Format("15:04")))
		}
	}
	text := i18n.T(lang, "patrol.summary.none", "day", now.Format("01-02"))
	if len(lines) > 0 {
		text = i18n.T(lang, "patrol.summary", "day", now.Format("01-02"), "n", len(lines)) + "\n" + strings.Join(lines, "\n")
	}
	return s.toChats(ctx, tx, model.ChatCoordinators, text)
}

// digest tells the exchange group once a day what came, what was closed
// and what is overdue, per department.
func (s *Scheduler) digest(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	r := s.opts.Routine
	now, midnight, _, day := s.today()
	if r.DigestAt < 0 || now.Before(midnight.Add(time.Duration(r.DigestAt)*time.Minute)) {
		return nil, nil
	}
	first, err := tx.Notice(ctx, "digest:"+day)
	if err != nil || !first {
		return nil, err
	}
	rows, err := tx.Digest(ctx, midnight, midnight.AddDate(0, 0, 1), now)
	if err != nil {
		return nil, err
	}
	lang := s.opts.Pings.Lang
	var tn, tc, to int
	var lines []string
	for _, row := range rows {
		tn, tc, to = tn+row.New, tc+row.Closed, to+row.Overdue
		name := row.Department
		if name == "" {
			name = i18n.T(lang, "digest.unrouted")
		}
		lines = append(lines, i18n.T(lang, "digest.line", "department", name, "new", row.New, "closed", row.Closed, "overdue", row.Overdue))
	}
	text := i18n.T(lang, "digest.head", "day", now.Format("01-02"), "new", tn, "closed", tc, "overdue", to)
	if len(lines) > 0 {
		text += "\n" + strings.Join(lines, "\n")
	}
	return s.toChats(ctx, tx, model.ChatExchange, text)
}

// cleanup runs once a day: see store.Cleanup.
func (s *Scheduler) cleanup(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	if s.opts.Routine.KeepFor <= 0 {
		return nil, nil
	}
	now, _, _, day := s.today()
	first, err := tx.Notice(ctx, "cleanup:"+day)
	if err != nil || !first {
		return nil, err
	}
	u, d, p, err := tx.Cleanup(ctx, now.Add(-s.opts.Routine.KeepFor))
	if err == nil && u+d+p > 0 {
		s.opts.Log.Info("cleanup", "update_keys", u, "drafts", d, "photos", p)
	}
	return nil, err
}

// closePatrols ends the patrols left open past their window (or 4 hours
// outside any window), recorded as not ended by the steward, who is told.
func (s *Scheduler) closePatrols(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	now, _, _, _ := s.today()
	open, err := tx.OpenPatrols(ctx)
	if err != nil {
		return nil, err
	}
	var msgs []bot.Message
	for _, p := range open {
		end := p.At.Add(4 * time.Hour)
		if p.WindowEnd != "" {
			started := p.At.In(now.Location())
			var h, m int
			if _, err := fmt.Sscanf(p.WindowEnd, "%d:%d", &h, &m); err == nil {
				end = time.Date(started.Year(), started.Month(), started.Day(), h, m, 0, 0, now.Location())
			}
		}
		if now.Before(end) {
			continue
		}
		if ok, err := tx.EndLeftPatrol(ctx, p.ID, now); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		more, err := s.audience(tx).Person(ctx, p.PersonID, func(lang i18n.Lang) bot.Message {
			return bot.Message{Text: i18n.T(lang, "patrol.auto_ended", "alley", p.AlleyName, "time", now.Format("15:04"))}
		})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

// complaintPings tells the acceptance center (the supervisors, for one
// about the staff) once of each complaint not handled within its time.
func (s *Scheduler) complaintPings(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	now, _, _, _ := s.today()
	due, err := tx.DueComplaints(ctx, now)
	if err != nil {
		return nil, err
	}
	lang := s.opts.Pings.Lang
	var msgs []bot.Message
	for _, k := range due {
		card := k.Number + " · " + k.Description
		if k.AboutStaff {
			more, err := s.audience(tx).Role(ctx, model.RoleSupervisor, func(l i18n.Lang) bot.Message {
				return bot.Message{Text: i18n.T(l, "notify.complaint.overdue", "number", k.Number,
					"at", k.AnswerBy.Time.In(now.Location()).Format("01-02 15:04"), "card", card)}
			})
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, more...)
			continue
		}
		more, err := s.audience(tx).Groups(ctx, model.ChatCoordinators, audience.Scope{}, bot.Message{Text: i18n.T(lang,
			"notify.complaint.overdue", "number", k.Number, "at", k.AnswerBy.Time.In(now.Location()).Format("01-02 15:04"), "card", card)})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

// trainingProgress tells each trainer how far their broadcast has gone
// (once a scan, about a minute), then that it is all out.
func (s *Scheduler) trainingProgress(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	ts, err := tx.TrainingsInProgress(ctx)
	if err != nil {
		return nil, err
	}
	var msgs []bot.Message
	for _, tr := range ts {
		done, failed, total, err := tx.BroadcastProgress(ctx, "training:"+strconv.FormatInt(tr.ID, 10))
		if err != nil {
			return nil, err
		}
		key, args := "training.progress", []any{"title", tr.Title, "done", done, "total", total,
			"eta", max(1, (total-done)*33/1000/60+1)}
		if done >= total {
			// The real count: the messages queued (sent_total; the outbox
			// forgets old rows), of which those refused or given up.
			key, args = "training.progress.done", []any{"title", tr.Title, "total", max(total, tr.SentTotal)}
			if failed > 0 {
				key, args = "training.progress.failed", []any{"title", tr.Title, "sent", max(total, tr.SentTotal) - failed, "failed", failed}
			}
			if err := tx.ProgressDone(ctx, tr.ID); err != nil {
				return nil, err
			}
			if total == 0 && tr.SentTotal == 0 {
				continue // nothing was queued (the trainer was told who has no account)
			}
		}
		if !tr.CreatedBy.Valid {
			continue
		}
		more, err := s.audience(tx).Person(ctx, tr.CreatedBy.Int64, func(l i18n.Lang) bot.Message {
			return bot.Message{Text: i18n.T(l, key, args...)}
		})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, more...)
	}
	return msgs, nil
}

// trainingReminders reminds a training's invitees who signed up or have not
// answered, at each of TrainingRemind before it starts, once.
func (s *Scheduler) trainingReminders(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	now, _, _, _ := s.today()
	var msgs []bot.Message
	for _, before := range s.opts.Routine.TrainingRemind {
		ts, err := tx.UpcomingTrainings(ctx, now, now.Add(before))
		if err != nil {
			return nil, err
		}
		for _, tr := range ts {
			// The key names the start: a training moved is reminded again.
			first, err := tx.Notice(ctx, fmt.Sprintf("training:%d:%d:remind:%s", tr.ID, tr.StartsAt.Unix(), before))
			if err != nil {
				return nil, err
			}
			if !first {
				continue
			}
			invs, err := tx.Invites(ctx, tr.ID, model.AnswerSigned, model.AnswerNone)
			if err != nil {
				return nil, err
			}
			ids := make([]int64, len(invs))
			for i, inv := range invs {
				ids[i] = inv.PersonID
			}
			// One query for everyone's accounts: a reminder to thousands is
			// not two queries a person.
			accounts, err := tx.AccountsOf(ctx, ids)
			if err != nil {
				return nil, err
			}
			where := tr.Place
			if tr.Link != "" {
				where = tr.Link
			}
			for _, a := range accounts {
				p := bot.Platform(a.Platform)
				if p.Local() && p != s.opts.Local {
					continue // the console prints at once; nobody reads it later
				}
				l := i18n.Parse(a.Lang, s.opts.Pings.Lang)
				msgs = append(msgs, bot.Message{Platform: p, ChatID: bot.PrivateChatID(p, a.ChatID), Broadcast: fmt.Sprintf("remind:%d", tr.ID),
					Text: i18n.T(l, "training.remind", "when", tr.StartsAt.In(now.Location()).Format("01-02 15:04"), "card", tr.Title+" · "+where)})
			}
		}
	}
	return msgs, nil
}
