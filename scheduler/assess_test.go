package scheduler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

// month is November 2026 for the example roster's eight stewards, generated
// at random (seeded) and written as rows; want holds each steward's counts
// tallied here, in Go, from the same rows as they were generated.
type month struct {
	loc      *time.Location
	from, to time.Time
	ids      map[string]int64 // people by code
	want     map[int64]*assessment.Counts
	n        int
}

func (m *month) exec(t *testing.T, st *store.Store, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := st.DB().QueryRowx(q, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func (m *month) in(at time.Time) bool { return !at.Before(m.from) && at.Before(m.to) }

// patrols: each scheduled slot of the month checked in with probability
// 0.7 (from half an hour early to over an hour after the start: on time,
// late after 15 minutes, or after the window's end and so no patrol of
// it; one in six outside the alley's radius), or after the window (not
// this patrol), or not at all. A check-in attends a window from half an
// hour before it starts to its end (model.PatrolEarly, PatrolLate).
func (m *month) patrols(t *testing.T, st *store.Store, r *rand.Rand) {
	var rows []struct {
		PersonID int64         `db:"person_id"`
		AlleyID  int64         `db:"alley_id"`
		Weekdays pq.Int64Array `db:"weekdays"`
		Starts   string        `db:"starts"`
		Ends     string        `db:"ends"`
	}
	if err := st.DB().Select(&rows, `SELECT person_id, alley_id, weekdays, to_char(starts_at, 'HH24:MI') AS starts, to_char(ends_at, 'HH24:MI') AS ends FROM patrol_schedules`); err != nil {
		t.Fatal(err)
	}
	for d := m.from; d.Before(m.to); d = d.AddDate(0, 0, 1) {
		wd := int64(d.Weekday())
		if wd == 0 {
			wd = 7
		}
		for _, s := range rows {
			if !contains(s.Weekdays, wd) {
				continue
			}
			start := clockOn(d, s.Starts)
			end := clockOn(d, s.Ends)
			c := m.want[s.PersonID]
			c.PatrolsScheduled++
			var at time.Time
			switch x := r.IntN(10); {
			case x < 7:
				at = start.Add(time.Duration(r.IntN(100)-30) * time.Minute)
			case x < 8:
				at = end.Add(time.Duration(31+r.IntN(60)) * time.Minute) // too late: not this patrol
			default:
				continue
			}
			outside := r.IntN(6) == 0
			if !at.Before(start.Add(-30*time.Minute)) && !at.After(end) {
				c.PatrolsDone++
				switch late := at.After(start.Add(15 * time.Minute)); {
				case late && outside:
					c.PatrolsLateOutside++
				case late:
					c.PatrolsLate++
				case outside:
					c.PatrolsOutside++
				default:
					c.PatrolsOnTime++
				}
			}
			m.exec(t, st, `INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by, outside, distance_m) VALUES ($1, $2, $3, $3, 'steward', $4, 0) RETURNING id`,
				s.PersonID, s.AlleyID, at, outside)
		}
	}
}

func contains(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func clockOn(day time.Time, hhmm string) time.Time {
	var h, mi int
	fmt.Sscanf(hhmm, "%d:%d", &h, &mi)
	return time.Date(day.Year(), day.Month(), day.Day(), h, mi, 0, 0, day.Location())
}

// trainings: two held in November, one cancelled, one in October; each
// steward invited at random, attendance at random.
func (m *month) trainings(t *testing.T, st *store.Store, r *rand.Rand) {
	for i, tr := range []struct {
		at     time.Time
		status string
	}{{time.Date(2026, 11, 10, 14, 0, 0, 0, m.loc), "published"}, {time.Date(2026, 11, 24, 9, 0, 0, 0, m.loc), "published"},
		{time.Date(2026, 11, 17, 9, 0, 0, 0, m.loc), "cancelled"}, {time.Date(2026, 10, 20, 9, 0, 0, 0, m.loc), "published"}} {
		id := m.exec(t, st, `INSERT INTO trainings (title, kind, starts_at, minutes, status) VALUES ($1, 'lecture', $2, 60, $3) RETURNING id`,
			fmt.Sprintf("培训%d", i), tr.at, tr.status)
		for pid, c := range m.want {
			if r.IntN(4) == 0 {
				continue
			}
			attended := r.IntN(3) > 0
			m.exec(t, st, `INSERT INTO training_invites (training_id, person_id, token, attended) VALUES ($1, $2, $3, $4) RETURNING training_id`,
				id, pid, fmt.Sprintf("tok-%d-%d", id, pid), attended)
			if tr.status == "published" && m.in(tr.at) {
				c.TrainingsInvited++
				if attended {
					c.TrainingsAttended++
				}
			}
		}
	}
}

// cases: each steward reports 0–6 (a few in late October); each is
// returned, merged, fixed on the spot, fixed and re-checked (passed or
// sent back, within the day or not) or still open; residents rate the
// closed ones; the department's fixes and the steward's re-checks are
// events.
func (m *month) cases(t *testing.T, st *store.Store, r *rand.Rand, recheckWithin time.Duration) {
	dept := m.ids["D01"]
	for pid, c := range m.want {
		for range r.IntN(7) {
			m.n++
			created := m.from.Add(time.Duration(r.IntN(31*24)-48) * time.Hour)
			var status string
			var fixBy, fixedAt, closedAt *time.Time
			onSpot := false
			counted := m.in(created)
			outcome := r.IntN(10)
			switch {
			case outcome == 0:
				status = "returned"
			case outcome == 1:
				status = "merged"
			case outcome == 2:
				status, onSpot, closedAt, fixedAt = "closed", true, &created, &created
			case outcome < 8:
				by := created.Add(24 * time.Hour)
				fixed := created.Add(time.Duration(2+r.IntN(46)) * time.Hour)
				fixBy, fixedAt, status = &by, &fixed, "fixed"
			default:
				by := created.Add(72 * time.Hour)
				fixBy, status = &by, "verified"
			}
			var recheck time.Time
			pass := false
			if status == "fixed" {
				recheck = fixedAt.Add(time.Duration(1+r.IntN(40)) * time.Hour)
				pass = r.IntN(4) > 0
				if pass {
					status, closedAt = "closed", &recheck
				} else {
					status, fixedAt = "verified", nil
				}
			}
			id := m.exec(t, st, `INSERT INTO cases (number, description, impact, status, reporter_id, source, fixed_on_spot, fix_by, fixed_at, closed_at, created_at)
				VALUES ($1, '问题', 'alley', $2, $3, 'telegram', $4, $5, $6, $7, $8) RETURNING id`,
				fmt.Sprintf("T%d", m.n), status, pid, onSpot, fixBy, fixedAt, closedAt, created)
			if counted {
				c.Cases++
				if onSpot {
					c.FixedOnSpot++
				}
				if status != "returned" && status != "merged" {
					c.Accepted++
					if (closedAt != nil && closedAt.Before(m.to)) || (fixBy != nil && fixBy.Before(m.to)) {
						c.CasesDue++
						if closedAt != nil && closedAt.Before(m.to) && (fixBy == nil || !closedOrFixed(fixedAt, closedAt).After(*fixBy)) {
							c.ClosedInTime++
						}
					}
				}
			}
			if !recheck.IsZero() {
				fixedEvent := created.Add(recheck.Sub(created) / 2) // sent back: the fix was withdrawn
				if fixedAt != nil {
					fixedEvent = *fixedAt
				}
				m.exec(t, st, `INSERT INTO case_events (case_id, at, actor_id, kind) VALUES ($1, $2, $3, 'fixed') RETURNING id`, id, fixedEvent, dept)
				kind := "sent_back"
				if pass {
					kind = "rechecked"
				}
				m.exec(t, st, `INSERT INTO case_events (case_id, at, actor_id, kind) VALUES ($1, $2, $3, $4) RETURNING id`, id, recheck, pid, kind)
				if m.in(recheck) {
					c.Rechecks++
					if recheck.Sub(fixedEvent) <= recheckWithin {
						c.RechecksInTime++
					}
				}
			}
			if closedAt != nil {
				for k := range r.IntN(4) {
					at := closedAt.Add(time.Duration(1+r.IntN(72)) * time.Hour)
					score := 1 + r.IntN(5)
					var sc any = score
					if r.IntN(6) == 0 {
						sc = nil // 仍有问题, no score
					}
					m.exec(t, st, `INSERT INTO case_ratings (case_id, closing, platform, user_id, score, still_problem, at) VALUES ($1, $2, 'telegram', $3, $4, $5, $6) RETURNING case_id`,
						id, *closedAt, fmt.Sprintf("r%d", k), sc, sc == nil, at)
					if sc != nil && m.in(at) {
						c.Ratings++
						c.RatingSum += score
					}
				}
			}
		}
	}
}

func closedOrFixed(fixed, closed *time.Time) time.Time {
	if fixed != nil {
		return *fixed
	}
	return *closed
}

// complaints: about two stewards, settled by the supervisor 属实 in
// November (counted) and in December (not); one settled 不属实 naming the
// steward, one settled with no verdict (before issue 22), one still open:
// none of these counts.
func (m *month) complaints(t *testing.T, st *store.Store) {
	for i, c := range []struct {
		code, status, verdict string
		handled               time.Time
	}{{"S01", "settled", "upheld", time.Date(2026, 11, 12, 10, 0, 0, 0, m.loc)}, {"S01", "settled", "upheld", time.Date(2026, 11, 20, 10, 0, 0, 0, m.loc)},
		{"S05", "settled", "upheld", time.Date(2026, 11, 3, 10, 0, 0, 0, m.loc)}, {"S05", "settled", "upheld", time.Date(2026, 12, 2, 10, 0, 0, 0, m.loc)},
		{"S05", "settled", "not_upheld", time.Date(2026, 11, 4, 10, 0, 0, 0, m.loc)}, {"S01", "settled", "", time.Date(2026, 11, 5, 10, 0, 0, 0, m.loc)},
		{"S06", "open", "", time.Date(2026, 11, 3, 10, 0, 0, 0, m.loc)}} {
		pid := m.ids[c.code]
		m.exec(t, st, `INSERT INTO complaints (number, platform, user_id, chat_id, about_staff, about_person, description, status, verdict, handled_at)
			VALUES ($1, 'telegram', 'r', 'r', true, $2, '态度不好', $3, nullif($4, ''), $5) RETURNING id`, fmt.Sprintf("K%d", i), pid, c.status, c.verdict, c.handled)
		if c.verdict == "upheld" && m.in(c.handled) {
			m.want[pid].ComplaintsUpheld++
		}
	}
}

func stored(t *testing.T, st *store.Store, period string) map[int64][]store.Assessment {
	t.Helper()
	var all []store.Assessment
	if err := st.DB().Select(&all, `SELECT a.id, a.person_id, p.code AS person_code, p.name AS person_name, a.period, a.revision, a.community_id,
		'' AS community_name, a.period_from, a.period_to, a.counts, a.components, a.settings, a.total, a.grade, a.computed_at, a.computed_by,
		a.computed_by_id, a.reason FROM assessment_periods a JOIN people p ON p.id = a.person_id WHERE a.period = $1 ORDER BY a.person_id, a.revision`, period); err != nil {
		t.Fatal(err)
	}
	by := map[int64][]store.Assessment{}
	for _, a := range all {
		by[a.PersonID] = append(by[a.PersonID], a)
	}
	return by
}

// TestScorecardsOfAGeneratedMonth: every steward's November, tallied here
// from the generated rows, is what the scheduler stores; a roster
// re-import and a config change leave the stored period alone; an admin's
// recompute adds a revision with who and why and keeps the first.
func TestScorecardsOfAGeneratedMonth(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	nov, _ := assessment.Parse("2026-11")
	m := &month{loc: loc, ids: map[string]int64{}, want: map[int64]*assessment.Counts{}}
	m.from, m.to = nov.Bounds(loc)
	var people []struct {
		ID      int64  `db:"id"`
		Code    string `db:"code"`
		Steward bool   `db:"steward"`
	}
	if err := st.DB().Select(&people, `SELECT id, code, EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'steward') AS steward FROM people p`); err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		m.ids[p.Code] = p.ID
		if p.Steward {
			m.want[p.ID] = &assessment.Counts{}
		}
	}
	if len(m.want) != 8 {
		t.Fatalf("%d stewards in the example roster, want 8", len(m.want))
	}
	settings := assessment.Default()
	settings.LateCounts, settings.OutsideCounts = 0.5, 0.25
	r := rand.New(rand.NewPCG(22, 11))
	m.patrols(t, st, r)
	m.trainings(t, st, r)
	m.cases(t, st, r, settings.RecheckWithin)
	m.complaints(t, st)

	now := time.Date(2026, 12, 1, 0, 5, 0, 0, loc)
	for _, bad := range []string{"2026-12", "2027-01", "2026-Q4", "2026"} {
		p, _ := assessment.Parse(bad)
		if _, err := scheduler.AssessPeriod(ctx, &st.Queries, p, settings, loc, now, scheduler.By{}, 0); err == nil {
			t.Errorf("%s assessed on %s", bad, now)
		}
	}
	s, err := scheduler.New(st, scheduler.Options{InsertOnly: true,
		Pings:  scheduler.PingOptions{Calendar: worktime.Default(loc), Now: func() time.Time { return now }},
		Assess: scheduler.AssessOptions{Enabled: true, Settings: settings, Kinds: []assessment.Kind{assessment.Month}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRoutines(ctx); err != nil {
		t.Fatal(err)
	}
	first := stored(t, st, "2026-11")
	if len(first) != 8 {
		t.Fatalf("%d stewards stored for 2026-11, want 8", len(first))
	}
	nonzero := map[string]bool{}
	for pid, want := range m.want {
		a := first[pid]
		if len(a) != 1 || a[0].Revision != 1 || a[0].ComputedBy != "scheduler" {
			t.Fatalf("steward %d: %+v", pid, a)
		}
		var got assessment.Counts
		if err := json.Unmarshal(a[0].Counts, &got); err != nil {
			t.Fatal(err)
		}
		if got != *want {
			t.Errorf("%s: counts\n got %+v\nwant %+v", a[0].PersonCode, got, *want)
		}
		card := assessment.Compute(*want, 1, settings)
		if a[0].Total != card.Total || a[0].Grade != string(card.Grade) {
			t.Errorf("%s: total %v %s, want %v %s", a[0].PersonCode, a[0].Total, a[0].Grade, card.Total, card.Grade)
		}
		// Attendance by hand: late half, outside a quarter, both a quarter.
		patrols, trainings := 1.0, 1.0
		if want.PatrolsScheduled > 0 {
			patrols = (float64(want.PatrolsOnTime) + 0.5*float64(want.PatrolsLate) + 0.25*float64(want.PatrolsOutside+want.PatrolsLateOutside)) /
				float64(want.PatrolsScheduled)
		}
		if want.TrainingsInvited > 0 {
			trainings = float64(want.TrainingsAttended) / float64(want.TrainingsInvited)
		}
		var comp assessment.Components
		if err := json.Unmarshal(a[0].Components, &comp); err != nil {
			t.Fatal(err)
		}
		if att := math.Round(1000*(patrols+trainings)/2) / 10; comp.Attendance != att {
			t.Errorf("%s: attendance %v, by hand %v (%+v)", a[0].PersonCode, comp.Attendance, att, *want)
		}
		for k, v := range map[string]int{"patrols": want.PatrolsDone, "missed": want.PatrolsScheduled - want.PatrolsDone, "trainings": want.TrainingsAttended,
			"late": want.PatrolsLate, "outside": want.PatrolsOutside, "late and outside": want.PatrolsLateOutside,
			"cases": want.Cases, "rejected": want.Cases - want.Accepted, "rechecks": want.Rechecks, "slow": want.Rechecks - want.RechecksInTime,
			"due": want.CasesDue, "ratings": want.Ratings, "complaints": want.ComplaintsUpheld} {
			if v > 0 {
				nonzero[k] = true
			}
		}
	}
	if len(nonzero) < 13 {
		t.Fatalf("the generated month exercises only %v", nonzero)
	}

	// A second scan, a roster re-import (S02 loses a patrol, S05 moves
	// community) and a config change: the stored period is as it was.
	roster2 := strings.Replace(strings.Replace(readFile(t, "../examples/roster.yaml"),
		"      - {alley: yuer, days: [1, 2, 3, 4, 5, 6, 7], from: \"07:30\", to: \"08:30\"}", "      - {alley: yuer, days: [1], from: \"07:30\", to: \"08:30\"}", 1),
		"    wecom_userid: chenguoqiang\n    roles: [steward]\n    community: juer", "    wecom_userid: chenguoqiang\n    roles: [steward]\n    community: nanluoguxiang", 1)
	path := filepath.Join(t.TempDir(), "roster.yaml")
	if err := os.WriteFile(path, []byte(roster2), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, st, path); err != nil {
		t.Fatal(err)
	}
	changed := settings
	changed.Weights = assessment.Weights{Attendance: 70, Reports: 10, Efficiency: 10, Satisfaction: 10}
	changed.Bands.Excellent = 95
	s2, err := scheduler.New(st, scheduler.Options{InsertOnly: true,
		Pings:  scheduler.PingOptions{Calendar: worktime.Default(loc), Now: func() time.Time { return now.Add(48 * time.Hour) }},
		Assess: scheduler.AssessOptions{Enabled: true, Settings: changed, Kinds: []assessment.Kind{assessment.Month}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.ScanRoutines(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM notices WHERE key = 'assess:2026-11'`); err != nil {
		t.Fatal(err)
	}
	if err := s2.ScanRoutines(ctx); err != nil { // the notice gone (cleanup): still once
		t.Fatal(err)
	}
	again := stored(t, st, "2026-11")
	for pid, a := range first {
		b := again[pid]
		if len(b) != 1 || b[0].ID != a[0].ID || b[0].Total != a[0].Total || string(b[0].Counts) != string(a[0].Counts) ||
			b[0].CommunityID != a[0].CommunityID || string(b[0].Settings) != string(a[0].Settings) {
			t.Errorf("%s: stored period changed after re-import and config change:\n%+v\n%+v", a[0].PersonCode, a, b)
		}
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE assessment_periods SET total = 100`); err == nil {
		t.Fatal("a stored period was edited in place")
	}

	// The admin recomputes with today's roster and config: a revision
	// with who and why; the first stays.
	s02 := m.ids["S02"]
	if _, err := scheduler.AssessPeriod(ctx, &st.Queries, nov, changed, loc, now.Add(72*time.Hour),
		scheduler.By{Name: "林涛", PersonID: m.ids["A01"], Reason: "巡查排班更正"}, s02); err != nil {
		t.Fatal(err)
	}
	hist, err := st.AssessmentHistory(ctx, s02, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].ID != first[s02][0].ID || hist[0].Total != first[s02][0].Total || hist[1].Revision != 2 ||
		hist[1].ComputedBy != "林涛" || hist[1].ComputedByID.Int64 != m.ids["A01"] || hist[1].Reason != "巡查排班更正" {
		t.Fatalf("history after recompute: %+v", hist)
	}
	var got assessment.Counts
	_ = json.Unmarshal(hist[1].Counts, &got)
	if got.PatrolsScheduled >= m.want[s02].PatrolsScheduled {
		t.Errorf("recompute used the old schedule: %d scheduled, was %d", got.PatrolsScheduled, m.want[s02].PatrolsScheduled)
	}
	cur, err := st.Assessments(ctx, "2026-11", nil)
	if err != nil || len(cur) != 8 {
		t.Fatalf("current cards: %d, %v", len(cur), err)
	}
	for i, a := range cur {
		if a.PersonID == s02 && a.Revision != 2 {
			t.Errorf("S02's current card is revision %d", a.Revision)
		}
		if i > 0 && a.Total > cur[i-1].Total {
			t.Errorf("ranking out of order: %v after %v", a.Total, cur[i-1].Total)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
