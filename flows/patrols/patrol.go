// Package patrols owns patrols (seed 二(一), 三(一)): checking in, ending
// one, and the month's and the day's patrols.
package patrols

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/report"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/store"
)

// Patrols (seed 二(一), 三(一)): a steward checks in on a patrol of one of
// their alleys with a shared location, reports what they find on the way
// (the cases name the patrol), and ends it: 无问题 still counts as
// attendance. A patrol left open is ended by the scheduler at the end of
// its window.

// PatrolDraft is the patrol flow's state.
type PatrolDraft struct {
	AlleyID   int64   `json:"alley_id,omitempty"`
	Lat       float64 `json:"lat,omitempty"`
	Lon       float64 `json:"lon,omitempty"`
	DistanceM int     `json:"distance_m,omitempty"`
}

func pdraft(t *conversations.Turn) *PatrolDraft { return t.Data.(*PatrolDraft) }

// Domain is the patrol flows (巡查签到, 结束巡查).
func Domain() conversations.Domain {
	return conversations.Domain{Name: "patrols", Flows: flows()}
}

func flows() []*conversations.Flow {
	return []*conversations.Flow{
		{Name: "patrol", Title: "flow.patrol", NewData: func() any { return &PatrolDraft{} }, Steps: []conversations.Step{
			{Name: "alley", Accepts: conversations.Choice, Prompt: promptPatrolAlley, Handle: handlePatrolAlley},
			{Name: "checkin", Accepts: conversations.Location, Prompt: promptCheckin, Handle: handleCheckin, Hint: "patrol.checkin.hint"},
			{Name: "outside", Accepts: conversations.Text | conversations.Choice, Prompt: promptOutside, Handle: handleOutside},
			{Name: "note", Accepts: conversations.Text, Prompt: promptOutsideNote, Handle: handleOutsideNote},
		}},
		{Name: "endpatrol", Title: "flow.endpatrol", NewData: func() any { return &PatrolDraft{} }, Steps: []conversations.Step{
			{Name: "end", Accepts: conversations.Choice, Prompt: promptEndPatrol, Handle: handleEndPatrol},
		}},
	}
}

// patrolAlleys are the steward's alleys, the one whose window is open now
// first, with that window for the label.
func patrolAlleys(ctx context.Context, t *conversations.Turn) ([]conversations.Option, error) {
	alleys, err := t.Tx.AlleysOfSteward(ctx, t.Person.ID)
	if err != nil {
		return nil, err
	}
	now := t.Deps.Now().In(t.Deps.Location)
	weekday, minute := conversations.ISOWeekday(now), now.Hour()*60+now.Minute()
	var first, rest []conversations.Option
	for _, a := range alleys {
		id, err := t.Tx.ScheduleNow(ctx, t.Person.ID, a.ID, weekday, minute)
		if err != nil {
			return nil, err
		}
		o := conversations.Option{Label: a.Name, Value: strconv.FormatInt(a.ID, 10)}
		if id != 0 {
			o.Label = t.T("patrol.alley.now", "alley", a.Name)
			first = append(first, o)
		} else {
			rest = append(rest, o)
		}
	}
	return append(first, rest...), nil
}

func promptPatrolAlley(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	opts, err := patrolAlleys(ctx, t)
	return conversations.Prompt{Text: t.T("patrol.ask.alley"), Options: opts}, err
}

func handlePatrolAlley(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	id, _ := strconv.ParseInt(in.Choice, 10, 64)
	ok, err := t.Tx.PatrolsAlley(ctx, t.Person.ID, id)
	if err != nil {
		return "", err
	}
	if !ok {
		t.Reply(t.T("patrol.not_your_alley"))
		return conversations.Stay, nil
	}
	pdraft(t).AlleyID = id
	return "checkin", nil
}

func promptCheckin(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	a, err := t.Tx.AlleyByID(ctx, pdraft(t).AlleyID)
	return conversations.Prompt{Text: t.T("patrol.ask.location", "alley", a.Name)}, err
}

// handleCheckin checks the point against the alley's radius: inside is a
// check-in; outside says how far, and may check in anyway with a note.
func handleCheckin(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	d := pdraft(t)
	a, err := t.Tx.AlleyByID(ctx, d.AlleyID)
	if err != nil {
		return "", err
	}
	d.Lat, d.Lon = in.Location.Lat, in.Location.Lon
	d.DistanceM = int(math.Round(a.DistanceM(d.Lat, d.Lon))) // from its centre, or its line
	if d.DistanceM > a.RadiusM {
		return "outside", nil
	}
	return conversations.Done, startPatrol(ctx, t, d, a, false, "")
}

func promptOutside(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	d := pdraft(t)
	a, err := t.Tx.AlleyByID(ctx, d.AlleyID)
	return conversations.Prompt{Text: t.T("patrol.outside", "alley", a.Name, "m", d.DistanceM, "radius", a.RadiusM),
		Options: []conversations.Option{{Label: t.T("button.relocate"), Value: "again"}, {Label: t.T("button.checkin_anyway"), Value: "anyway"}}}, err
}

// handleOutside: 重新定位 asks for the location again; 仍然签到 (pressed,
// or typed) asks why; a note typed straight away checks in with it.
func handleOutside(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	if in.Kind == conversations.Choice {
		if in.Choice == "anyway" {
			return "note", nil
		}
		return "checkin", nil
	}
	return handleOutsideNote(ctx, t, in)
}

func promptOutsideNote(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	return conversations.Prompt{Text: t.T("patrol.ask.outside_note", "m", pdraft(t).DistanceM)}, nil
}

// handleOutsideNote checks in outside the radius with the steward's note.
func handleOutsideNote(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	note := strings.TrimSpace(in.Text)
	if strings.EqualFold(note, t.T("button.checkin_anyway")) { // the button's words are not a reason
		return "note", nil
	}
	if !conversations.TextFits(t, note, 2, conversations.MaxReason) {
		return conversations.Stay, nil
	}
	d := pdraft(t)
	a, err := t.Tx.AlleyByID(ctx, d.AlleyID)
	if err != nil {
		return "", err
	}
	return conversations.Done, startPatrol(ctx, t, d, a, true, note)
}

func startPatrol(ctx context.Context, t *conversations.Turn, d *PatrolDraft, a store.Alley, outside bool, note string) error {
	now := t.Deps.Now().In(t.Deps.Location)
	sched, err := t.Tx.ScheduleNow(ctx, t.Person.ID, a.ID, conversations.ISOWeekday(now), now.Hour()*60+now.Minute())
	if err != nil {
		return err
	}
	_, err = t.Tx.StartPatrol(ctx, store.NewPatrol{PersonID: t.Person.ID, AlleyID: a.ID, ScheduleID: sched,
		Lat: d.Lat, Lon: d.Lon, DistanceM: d.DistanceM, Outside: outside, Note: note, At: now})
	if errors.Is(err, store.ErrPatrolOpen) {
		t.Reply(t.T("patrol.already_open"))
		return nil
	}
	if err != nil {
		return err
	}
	key := "patrol.started"
	if outside {
		key = "patrol.started_outside"
	}
	t.Reply(t.T(key, "alley", a.Name, "m", d.DistanceM, "time", now.Format(conversations.TimeLayout)),
		conversations.Option{Label: t.T("button.endpatrol"), Value: "/endpatrol"})
	return nil
}

// --- 结束巡查 ---------------------------------------------------------------

func promptEndPatrol(ctx context.Context, t *conversations.Turn) (conversations.Prompt, error) {
	p, err := t.Tx.OpenPatrol(ctx, t.Person.ID)
	if err != nil {
		return conversations.Prompt{}, err
	}
	if p.Cases == 0 {
		return conversations.Prompt{Text: t.T("patrol.end.none", "alley", p.AlleyName),
			Options: []conversations.Option{{Label: t.T("button.nothing_found"), Value: "nothing"}, {Label: t.T("button.report_now"), Value: "report"}}}, nil
	}
	return conversations.Prompt{Text: t.T("patrol.end.cases", "alley", p.AlleyName, "n", p.Cases),
		Options: []conversations.Option{{Label: t.T("button.endpatrol"), Value: "end"}, {Label: t.T("button.report_now"), Value: "report"}}}, nil
}

func handleEndPatrol(ctx context.Context, t *conversations.Turn, in conversations.Input) (string, error) {
	p, err := t.Tx.OpenPatrol(ctx, t.Person.ID)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("patrol.none_open"))
		return conversations.Done, nil
	}
	if err != nil {
		return "", err
	}
	switch in.Choice {
	case "report": // 还要上报问题: the report starts here, the patrol stays open
		r := &report.ReportDraft{}
		if err := r.Begin(ctx, t, conversations.Input{}); err != nil {
			return "", err
		}
		t.SwitchFlow(report.Flow(), r)
		return "category", nil
	case "nothing", "end":
	default:
		t.Reply(t.T("flow.hint.choice"))
		return conversations.Stay, nil
	}
	if err := t.Tx.EndPatrol(ctx, p.ID, p.Cases == 0, t.Deps.Now()); err != nil {
		return "", err
	}
	mins := int(t.Deps.Now().Sub(p.At).Minutes())
	if p.Cases == 0 {
		t.Reply(t.T("patrol.ended.none", "alley", p.AlleyName, "minutes", mins))
	} else {
		t.Reply(t.T("patrol.ended.cases", "alley", p.AlleyName, "minutes", mins, "n", p.Cases))
	}
	return conversations.Done, nil
}

// Distance is the great-circle distance in metres (haversine).
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// Month renders a steward's month of patrols: scheduled (from when each
// schedule existed), done, late, missed, a mark per day (✓ done, ⏰ late,
// ✗ missed, · to come), and the check-ins outside any window, named.
func Month(ctx context.Context, t *conversations.Turn, personID int64) (string, error) {
	now := t.Deps.Now().In(t.Deps.Location)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, t.Deps.Location)
	scheds, err := t.Tx.SchedulesOf(ctx, personID)
	if err != nil {
		return "", err
	}
	patrols, err := t.Tx.PatrolsBetween(ctx, personID, first, first.AddDate(0, 1, 0))
	if err != nil {
		return "", err
	}
	var sum store.PatrolCounts
	var days, extra []string
	for _, d := range store.PatrolDays(scheds, patrols, first, first.AddDate(0, 1, 0)) {
		sum = sum.Add(d.Counts(now))
		mark := ""
		for _, s := range d.Slots {
			switch {
			case s.Patrol != nil && s.Late():
				mark += "⏰"
			case s.Patrol != nil:
				mark += "✓"
			case s.Ends.Before(now):
				mark += "✗"
			default:
				mark += "·"
			}
		}
		if mark != "" {
			days = append(days, fmt.Sprintf("%d%s", d.Day.Day(), mark))
		}
		for _, p := range d.Unscheduled {
			extra = append(extra, fmt.Sprintf("%s %s %s", p.At.In(t.Deps.Location).Format("01-02"), conversations.FormatTime(p.At, t.Deps.Location),
				p.AlleyName)+" · "+patrolStatus(t, p))
		}
	}
	text := t.T("patrol.month", "month", i18n.Month(t.Lang, now.Month()), "scheduled", sum.Scheduled, "done", sum.OnTime, "late", sum.Late,
		"missed", sum.Missed, "days", strings.Join(days, " "))
	if len(extra) > 0 {
		text += "\n" + t.T("patrol.month.unscheduled", "n", len(extra), "lines", strings.Join(extra, "\n"))
	}
	return text, nil
}

// Today renders today's patrols of everyone (a coordinator's view):
// who is out, who is done, who is missing (the windows whose schedule
// existed), check-ins outside the radius with their note, and check-ins
// outside any window with the steward's name.
func Today(ctx context.Context, t *conversations.Turn) (string, error) {
	now := t.Deps.Now().In(t.Deps.Location)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, t.Deps.Location)
	scheds, err := t.Tx.SchedulesOf(ctx, 0)
	if err != nil {
		return "", err
	}
	patrols, err := t.Tx.PatrolsBetween(ctx, 0, day, day.AddDate(0, 0, 1))
	if err != nil {
		return "", err
	}
	suspended, err := t.Tx.SuspendedStewards(ctx)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, d := range store.PatrolDays(scheds, patrols, day, day.AddDate(0, 0, 1)) {
		for _, s := range d.Slots {
			if suspended[s.Schedule.PersonID] { // a suspended steward's alley is uncovered (四(三))
				lines = append(lines, fmt.Sprintf("%s–%s %s · %s:%s", s.Schedule.Starts, s.Schedule.Ends, s.Schedule.AlleyName,
					s.Schedule.PersonName, t.T("patrol.status.suspended")))
				continue
			}
			var status string
			switch {
			case s.Patrol != nil:
				status = patrolStatus(t, *s.Patrol)
			case s.Ends.Before(now):
				status = t.T("patrol.status.missed")
			case s.Starts.Before(now):
				status = t.T("patrol.status.missing")
			default:
				status = t.T("patrol.status.later")
			}
			lines = append(lines, fmt.Sprintf("%s–%s %s · %s:%s", s.Schedule.Starts, s.Schedule.Ends, s.Schedule.AlleyName, s.Schedule.PersonName, status))
		}
		for _, p := range d.Unscheduled {
			lines = append(lines, fmt.Sprintf("%s %s · %s:%s %s", conversations.FormatTime(p.At, t.Deps.Location), p.AlleyName, p.PersonName,
				patrolStatus(t, p), t.T("patrol.status.unscheduled")))
		}
	}
	if len(lines) == 0 {
		return t.T("patrols.none"), nil
	}
	return t.T("patrols.today", "date", day.Format(conversations.DayLayout), "lines", strings.Join(lines, "\n")), nil
}

func patrolStatus(t *conversations.Turn, p store.Patrol) string {
	s := t.T("patrol.status.out", "time", conversations.FormatTime(p.At, t.Deps.Location))
	if p.EndedAt.Valid {
		s = t.T("patrol.status.done", "time", conversations.FormatTime(p.At, t.Deps.Location), "n", p.Cases)
	}
	if p.Outside {
		s += " " + t.T("patrol.status.outside", "m", p.DistanceM.Int64, "note", p.Note)
	}
	return s
}
