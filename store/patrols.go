package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// PatrolToday is one patrol window of one steward on one day.
type PatrolToday struct {
	ScheduleID int64     `db:"id"`
	StartsHHMM string    `db:"starts_hhmm"`
	PersonID   int64     `db:"person_id"`
	PersonName string    `db:"person_name"`
	PersonLang string    `db:"person_lang"`
	AlleyID    int64     `db:"alley_id"`
	AlleyName  string    `db:"alley_name"`
	StartsAt   time.Time `db:"starts"`
	EndsAt     time.Time `db:"ends"`
	CheckedIn  bool      `db:"checked_in"`
}

// PatrolsOn lists the active stewards' patrols of a day (weekday 1–7, the
// day's midnight in the local zone), with whether each was checked in: the
// windows whose schedule existed before they ended (valid_from).
func (q *Queries) PatrolsOn(ctx context.Context, midnight time.Time, weekday int) ([]PatrolToday, error) {
	var ps []PatrolToday
	err := q.db.SelectContext(ctx, &ps, `
		SELECT ps.id, to_char(ps.starts_at, 'HH24MI') AS starts_hhmm, ps.person_id, p.name AS person_name, p.lang AS person_lang, ps.alley_id, a.name AS alley_name,
			$1::timestamptz + (ps.starts_at - time '00:00') AS starts,
			$1::timestamptz + (ps.ends_at - time '00:00') AS ends,
			EXISTS (SELECT 1 FROM patrol_checkins c WHERE c.person_id = ps.person_id AND c.alley_id = ps.alley_id
				AND c.at >= $1::timestamptz + (ps.starts_at - time '00:00') - interval '30 minutes'
				AND c.at <= $1::timestamptz + (ps.ends_at - time '00:00') + interval '30 minutes') AS checked_in
		FROM patrol_schedules ps JOIN people p ON p.id = ps.person_id JOIN alleys a ON a.id = ps.alley_id
		WHERE p.active AND $2 = ANY(ps.weekdays) AND ps.valid_from < $1::timestamptz + (ps.ends_at - time '00:00')
		ORDER BY ps.starts_at, p.code`, midnight, weekday)
	return ps, wrap("patrols on a day", err)
}

// Patrol is a patrol: a check-in, open until ended.
type Patrol struct {
	ID         int64          `db:"id"`
	PersonID   int64          `db:"person_id"`
	AlleyID    int64          `db:"alley_id"`
	AlleyName  string         `db:"alley_name"`
	PersonName string         `db:"person_name"`
	ScheduleID sql.NullInt64  `db:"schedule_id"`
	At         time.Time      `db:"at"`
	DistanceM  sql.NullInt64  `db:"distance_m"`
	Outside    bool           `db:"outside"`
	Note       string         `db:"note"`
	EndedAt    sql.NullTime   `db:"ended_at"`
	EndedBy    sql.NullString `db:"ended_by"`
	Nothing    bool           `db:"nothing_found"`
	Cases      int            `db:"cases"`
}

const patrolCols = `c.id, c.person_id, c.alley_id, a.name AS alley_name,
	coalesce((SELECT p.name FROM people p WHERE p.id = c.person_id), '') AS person_name, c.schedule_id, c.at, c.distance_m, c.outside, c.note,
	c.ended_at, c.ended_by, c.nothing_found, (SELECT count(*) FROM cases k WHERE k.patrol_id = c.id) AS cases`

// ErrPatrolOpen is a second patrol started while one is open.
var ErrPatrolOpen = errors.New("a patrol is open")

// NewPatrol is a check-in.
type NewPatrol struct {
	PersonID, AlleyID int64
	ScheduleID        int64 // 0: outside any scheduled window
	Lat, Lon          float64
	DistanceM         int
	Outside           bool
	Note              string
	At                time.Time
}

// StartPatrol records a check-in; ErrPatrolOpen when the person has one open.
func (q *Queries) StartPatrol(ctx context.Context, p NewPatrol) (int64, error) {
	var id int64
	if p.At.IsZero() {
		p.At = time.Now()
	}
	err := q.db.GetContext(ctx, &id, `INSERT INTO patrol_checkins (person_id, alley_id, schedule_id, lat, lon, distance_m, outside, note, at)
		VALUES ($1, $2, nullif($3, 0), $4, $5, $6, $7, $8, $9) RETURNING id`,
		p.PersonID, p.AlleyID, p.ScheduleID, p.Lat, p.Lon, p.DistanceM, p.Outside, p.Note, p.At)
	if IsUniqueViolation(err) {
		return 0, ErrPatrolOpen
	}
	return id, wrap("start patrol", err)
}

// OpenPatrol is the person's open patrol (ErrNotFound: none).
func (q *Queries) OpenPatrol(ctx context.Context, personID int64) (Patrol, error) {
	var p Patrol
	err := q.db.GetContext(ctx, &p, `SELECT `+patrolCols+` FROM patrol_checkins c JOIN alleys a ON a.id = c.alley_id
		WHERE c.person_id = $1 AND c.ended_at IS NULL`, personID)
	return p, wrap("open patrol", notFound(err))
}

// EndPatrol ends a patrol by the steward; nothing says 无问题.
func (q *Queries) EndPatrol(ctx context.Context, id int64, nothing bool, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE patrol_checkins SET ended_at = $3, ended_by = $4, nothing_found = $2
		WHERE id = $1 AND ended_at IS NULL`, id, nothing, at, model.EndedBySteward)
	return wrap("end patrol", err)
}

// OpenPatrols lists every open patrol with its window's end ("HH:MM";
// "" outside any window).
func (q *Queries) OpenPatrols(ctx context.Context) ([]OpenPatrol, error) {
	var ps []OpenPatrol
	err := q.db.SelectContext(ctx, &ps, `SELECT `+patrolCols+`, coalesce(to_char(s.ends_at, 'HH24:MI'), '') AS window_end
		FROM patrol_checkins c JOIN alleys a ON a.id = c.alley_id LEFT JOIN patrol_schedules s ON s.id = c.schedule_id
		WHERE c.ended_at IS NULL ORDER BY c.id FOR UPDATE OF c SKIP LOCKED`)
	return ps, wrap("open patrols", err)
}

// OpenPatrol is an open patrol and the end of its window.
type OpenPatrol struct {
	Patrol
	WindowEnd string `db:"window_end"`
}

// EndLeftPatrol ends a patrol the steward left open (the scheduler, at the
// end of its window); false when it had been ended meanwhile.
func (q *Queries) EndLeftPatrol(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE patrol_checkins SET ended_at = $2, ended_by = $3 WHERE id = $1 AND ended_at IS NULL`, id, at, model.EndedByScheduler)
	if err != nil {
		return false, wrap("end left patrol", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PatrolsBetween lists a person's patrols (0: everyone's) started in [from, to).
func (q *Queries) PatrolsBetween(ctx context.Context, personID int64, from, to time.Time) ([]Patrol, error) {
	var ps []Patrol
	err := q.db.SelectContext(ctx, &ps, `SELECT `+patrolCols+` FROM patrol_checkins c JOIN alleys a ON a.id = c.alley_id
		WHERE ($1 = 0 OR c.person_id = $1) AND c.at >= $2 AND c.at < $3 ORDER BY c.at`, personID, from, to)
	return ps, wrap("patrols between", err)
}

// ScheduleNow is the steward's patrol window of an alley that contains now
// (local weekday and minutes), or 0.
func (q *Queries) ScheduleNow(ctx context.Context, personID, alleyID int64, weekday, minute int) (int64, error) {
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, `SELECT id FROM patrol_schedules WHERE person_id = $1 AND alley_id = $2 AND $3 = ANY(weekdays)
		AND starts_at - interval '30 minutes' <= time '00:00' + $4 * interval '1 minute'
		AND ends_at >= time '00:00' + $4 * interval '1 minute' ORDER BY starts_at LIMIT 1`, personID, alleyID, weekday, minute)
	if err != nil || len(ids) == 0 {
		return 0, wrap("schedule now", err)
	}
	return ids[0], nil
}

// SchedulesOf lists a steward's patrol windows (0: every active steward's).
func (q *Queries) SchedulesOf(ctx context.Context, personID int64) ([]Schedule, error) {
	return q.schedules(ctx, personID, true)
}

func (q *Queries) schedules(ctx context.Context, personID int64, activeOnly bool) ([]Schedule, error) {
	var ss []Schedule
	err := q.db.SelectContext(ctx, &ss, `SELECT s.id, s.person_id, p.name AS person_name, s.alley_id, a.name AS alley_name, a.community_id,
			s.weekdays, to_char(s.starts_at, 'HH24:MI') AS starts, to_char(s.ends_at, 'HH24:MI') AS ends, s.valid_from
		FROM patrol_schedules s JOIN people p ON p.id = s.person_id JOIN alleys a ON a.id = s.alley_id
		WHERE (p.active OR NOT $2) AND ($1 = 0 OR s.person_id = $1) ORDER BY s.starts_at, p.code`, personID, activeOnly)
	return ss, wrap("schedules", err)
}

// Schedule is a weekly patrol window with names; it counts from ValidFrom
// (a window that ended before it is not the steward's).
type Schedule struct {
	ID          int64         `db:"id"`
	PersonID    int64         `db:"person_id"`
	PersonName  string        `db:"person_name"`
	AlleyID     int64         `db:"alley_id"`
	AlleyName   string        `db:"alley_name"`
	CommunityID int64         `db:"community_id"`
	Weekdays    pq.Int64Array `db:"weekdays"`
	Starts      string        `db:"starts"`
	Ends        string        `db:"ends"`
	ValidFrom   time.Time     `db:"valid_from"`
}

// On reports whether the window falls on a weekday (1 = Monday … 7).
func (s Schedule) On(weekday int) bool {
	for _, d := range s.Weekdays {
		if int(d) == weekday {
			return true
		}
	}
	return false
}

// PatrolsAlley reports whether a steward patrols an alley.
func (q *Queries) PatrolsAlley(ctx context.Context, personID, alleyID int64) (bool, error) {
	var ok bool
	err := q.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM patrol_schedules WHERE person_id = $1 AND alley_id = $2)`, personID, alleyID)
	return ok, wrap("patrols alley", err)
}

// PatrolSchedule is one weekly patrol window of a steward in an alley.
type PatrolSchedule struct {
	AlleyID  int64         `db:"alley_id"`
	Weekdays pq.Int64Array `db:"weekdays"`
	StartsAt string        `db:"starts_at"`
	EndsAt   string        `db:"ends_at"`
	Since    string        `db:"-"` // YYYY-MM-DD: it counts from that day ("": from when it is written)
}

// ReplacePatrolSchedules sets a steward's patrol windows to exactly ps.
func (q *Queries) ReplacePatrolSchedules(ctx context.Context, personID int64, ps []PatrolSchedule) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM patrol_schedules WHERE person_id = $1`, personID); err != nil {
		return wrap("clear patrols", err)
	}
	for _, p := range ps {
		if _, err := q.db.ExecContext(ctx, `
			INSERT INTO patrol_schedules (person_id, alley_id, weekdays, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)`,
			personID, p.AlleyID, p.Weekdays, p.StartsAt, p.EndsAt); err != nil {
			return wrap("insert patrol", err)
		}
	}
	return nil
}

// PatrolsOf lists a steward's patrol windows with the alley names.
func (q *Queries) PatrolsOf(ctx context.Context, personID int64) ([]PatrolView, error) {
	var ps []PatrolView
	err := q.db.SelectContext(ctx, &ps, `
		SELECT a.name AS alley, p.weekdays, to_char(p.starts_at, 'HH24:MI') AS starts_at, to_char(p.ends_at, 'HH24:MI') AS ends_at
		FROM patrol_schedules p JOIN alleys a ON a.id = p.alley_id
		WHERE p.person_id = $1 ORDER BY p.starts_at, a.name`, personID)
	return ps, wrap("patrols of person", err)
}

// PatrolView is a patrol schedule with the alley's name.
type PatrolView struct {
	Alley    string        `db:"alley"`
	Weekdays pq.Int64Array `db:"weekdays"`
	StartsAt string        `db:"starts_at"`
	EndsAt   string        `db:"ends_at"`
}

// PatrolSlot is one scheduled patrol window on one day and the check-in
// that attended it (nil: none).
type PatrolSlot struct {
	Schedule     Schedule
	Starts, Ends time.Time
	Patrol       *Patrol
}

// Late reports a check-in more than model.PatrolLate after the start.
func (s PatrolSlot) Late() bool {
	return s.Patrol != nil && s.Patrol.At.After(s.Starts.Add(model.PatrolLate))
}

// PatrolDay is one local day of patrols: the windows that counted (their
// schedule existed before they ended), and the check-ins outside any window.
type PatrolDay struct {
	Day         time.Time // local midnight
	Slots       []PatrolSlot
	Unscheduled []Patrol
}

// PatrolCounts are a day's (or a period's) patrol figures: Scheduled =
// OnTime + Late + Missed + Upcoming; Outside counts the attended windows
// checked in outside the alley's radius (on time or late), LateOutside
// those of them that were late too. The one definition of on time, late
// and outside: /mypatrols and the scorecard both count with it.
type PatrolCounts struct {
	Scheduled, OnTime, Late, Outside, Missed, Upcoming, Unscheduled, LateOutside int
}

// Counts adds up a day as of now (a window not attended and not yet ended
// is upcoming, not missed).
func (d PatrolDay) Counts(now time.Time) PatrolCounts {
	c := PatrolCounts{Scheduled: len(d.Slots), Unscheduled: len(d.Unscheduled)}
	for _, s := range d.Slots {
		switch {
		case s.Patrol == nil && s.Ends.After(now):
			c.Upcoming++
		case s.Patrol == nil:
			c.Missed++
		case s.Late():
			c.Late++
		default:
			c.OnTime++
		}
		if s.Patrol != nil && s.Patrol.Outside {
			c.Outside++
			if s.Late() {
				c.LateOutside++
			}
		}
	}
	return c
}

// Add sums counts.
func (c PatrolCounts) Add(o PatrolCounts) PatrolCounts {
	return PatrolCounts{c.Scheduled + o.Scheduled, c.OnTime + o.OnTime, c.Late + o.Late, c.Outside + o.Outside,
		c.Missed + o.Missed, c.Upcoming + o.Upcoming, c.Unscheduled + o.Unscheduled, c.LateOutside + o.LateOutside}
}

// PatrolDays matches check-ins to the scheduled windows day by day over
// [from, to) in from's zone: a window counts on a day when its schedule
// existed before it ended; a check-in attends the first window of its
// person and alley it falls in (model.PatrolEarly before the start to the
// end); the others are the day's unscheduled check-ins.
func PatrolDays(scheds []Schedule, patrols []Patrol, from, to time.Time) []PatrolDay {
	loc := from.Location()
	used := map[int64]bool{}
	var days []PatrolDay
	for day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc); day.Before(to); day = day.AddDate(0, 0, 1) {
		d := PatrolDay{Day: day}
		for _, s := range scheds {
			start, end := clockOn(day, s.Starts), clockOn(day, s.Ends)
			if !s.On(isoWeekday(day)) || !end.After(s.ValidFrom) {
				continue
			}
			slot := PatrolSlot{Schedule: s, Starts: start, Ends: end}
			for i := range patrols {
				p := &patrols[i]
				if !used[p.ID] && p.PersonID == s.PersonID && p.AlleyID == s.AlleyID &&
					!p.At.Before(start.Add(-model.PatrolEarly)) && !p.At.After(end) {
					used[p.ID], slot.Patrol = true, p
					break
				}
			}
			d.Slots = append(d.Slots, slot)
		}
		days = append(days, d)
	}
	for _, p := range patrols {
		if used[p.ID] {
			continue
		}
		at := p.At.In(loc)
		for i := range days {
			if y, m, dd := days[i].Day.Date(); at.Year() == y && at.Month() == m && at.Day() == dd {
				days[i].Unscheduled = append(days[i].Unscheduled, p)
			}
		}
	}
	return days
}

// PatrolAttendance is a steward's patrols day by day over [from, to) (in
// from's zone; the assessment's attendance): the windows scheduled that
// day, counted from when each schedule existed, with the check-in that
// attended each (on time, late, outside the radius), and the check-ins
// outside any window. A steward no longer active keeps their windows here.
func (q *Queries) PatrolAttendance(ctx context.Context, personID int64, from, to time.Time) ([]PatrolDay, error) {
	scheds, err := q.schedules(ctx, personID, false)
	if err != nil {
		return nil, err
	}
	patrols, err := q.PatrolsBetween(ctx, personID, from, to)
	if err != nil {
		return nil, err
	}
	return PatrolDays(scheds, patrols, from, to), nil
}

// clockOn is day's local time "HH:MM".
func clockOn(day time.Time, hhmm string) time.Time {
	h, m := 0, 0
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
}

// isoWeekday is 1 = Monday … 7 = Sunday.
func isoWeekday(t time.Time) int {
	if w := int(t.Weekday()); w != 0 {
		return w
	}
	return 7
}
