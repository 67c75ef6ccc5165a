package scheduler

import (
	"context"
	"fmt"
	"strings"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// activityReminders (seed 二(四)2): an activity's residents' groups are
// reminded the day before and an hour before, naming those signed up; once
// it has started its organiser is asked for the attendance (a button per
// signed-up name, or 输入人数). Each once (flags on the activity).
func (s *Scheduler) activityReminders(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	now, _, _, _ := s.today()
	started, err := tx.ActivitiesStarted(ctx, now)
	if err != nil {
		return nil, err
	}
	day, hour, err := tx.ActivitiesToRemind(ctx, now)
	if err != nil {
		return nil, err
	}
	var msgs []bot.Message
	for _, r := range []struct {
		key string
		as  []store.Activity
	}{{"activity.remind.day", day}, {"activity.remind.hour", hour}} {
		for _, a := range r.as {
			m, err := s.activityReminder(ctx, tx, a, r.key)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, m...)
		}
	}
	for _, a := range started {
		m, err := s.askAttendance(ctx, tx, a)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m...)
	}
	return msgs, nil
}

func (s *Scheduler) activityAt(a store.Activity) string {
	return a.StartsAt.In(s.opts.Pings.Calendar.Location()).Format("01-02 15:04")
}

// signedNames are the names of those with a place (not the waiting list).
func signedNames(ss []store.Signup, places int) []string {
	var names []string
	for i, x := range ss {
		if i < places {
			names = append(names, x.Name)
		}
	}
	return names
}

func (s *Scheduler) activityReminder(ctx context.Context, tx *store.Tx, a store.Activity, key string) ([]bot.Message, error) {
	ss, err := tx.Signups(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	names := strings.Join(signedNames(ss, a.Places), "、")
	if names == "" {
		names = i18n.T(s.opts.Pings.Lang, "activity.remind.nobody")
	}
	text := i18n.T(s.opts.Pings.Lang, key, "title", a.Title, "at", s.activityAt(a), "place", a.Place, "names", names)
	scopes := []audience.Scope{{}}
	if len(a.Communities) > 0 {
		scopes = scopes[:0]
		for _, c := range a.Communities {
			scopes = append(scopes, audience.Scope{Community: c})
		}
	}
	var msgs []bot.Message
	for _, sc := range scopes {
		m, err := s.audience(tx).Groups(ctx, model.ChatResident, sc, bot.Message{Text: text})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m...)
	}
	return msgs, nil
}

func (s *Scheduler) askAttendance(ctx context.Context, tx *store.Tx, a store.Activity) ([]bot.Message, error) {
	ss, err := tx.Signups(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	return s.audience(tx).Person(ctx, a.OrganiserID, func(l i18n.Lang) bot.Message {
		var row []bot.Button
		var rows [][]bot.Button
		for i, x := range ss {
			if i >= a.Places || i >= 40 {
				break
			}
			row = append(row, bot.Button{Label: "✓ " + x.Name, Data: fmt.Sprintf("act:attend:%d", x.ID)})
			if len(row) == 2 {
				rows, row = append(rows, row), nil
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
		rows = append(rows, []bot.Button{{Label: i18n.T(l, "button.activity.count"), Data: fmt.Sprintf("act:count:%d", a.ID)}})
		return bot.Message{Text: i18n.T(l, "activity.attendance.ask", "title", a.Title, "at", s.activityAt(a), "n", len(signedNames(ss, a.Places))),
			Buttons: rows}
	})
}
