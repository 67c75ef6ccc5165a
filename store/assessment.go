package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// ScoreCounts are a steward's rows for one period, counted (field for field
// package assessment's Counts: convert with assessment.Counts(c)).
type ScoreCounts struct {
	PatrolsDone        int `db:"-"`
	PatrolsScheduled   int `db:"-"`
	PatrolsOnTime      int `db:"-"`
	PatrolsLate        int `db:"-"`
	PatrolsOutside     int `db:"-"`
	PatrolsLateOutside int `db:"-"`
	TrainingsAttended  int `db:"trainings_attended"`
	TrainingsInvited   int `db:"trainings_invited"`
	Cases              int `db:"cases"`
	FixedOnSpot        int `db:"fixed_on_spot"`
	Accepted           int `db:"accepted"`
	Rechecks           int `db:"rechecks"`
	RechecksInTime     int `db:"rechecks_in_time"`
	CasesDue           int `db:"cases_due"`
	ClosedInTime       int `db:"closed_in_time"`
	Ratings            int `db:"ratings"`
	RatingSum          int `db:"rating_sum"`
	ComplaintsUpheld   int `db:"complaints_upheld"`
}

// Steward is a steward to assess: their steward role's community (0: none).
type Steward struct {
	ID          int64  `db:"id"`
	Code        string `db:"code"`
	Name        string `db:"name"`
	CommunityID int64  `db:"community_id"`
}

// StewardsToAssess lists the active stewards, by code.
func (q *Queries) StewardsToAssess(ctx context.Context) ([]Steward, error) {
	var ss []Steward
	err := q.db.SelectContext(ctx, &ss, `SELECT p.id, p.code, p.name, coalesce(min(pr.community_id), 0) AS community_id
		FROM people p JOIN person_roles pr ON pr.person_id = p.id AND pr.role = $1
		WHERE p.active GROUP BY p.id ORDER BY p.code`, model.RoleSteward)
	return ss, wrap("stewards to assess", err)
}

// ScoreCountsOf counts a steward's rows of [from, to): patrols
// (scoredPatrols: from's zone is the one the schedule's days and times are
// in), trainings, cases, re-checks (in time: within recheckWithin of the
// fix before them), cases closed in time, residents' ratings and upheld
// complaints (ComplaintsUpheldAbout).
func (q *Queries) ScoreCountsOf(ctx context.Context, personID int64, from, to time.Time, recheckWithin time.Duration) (ScoreCounts, error) {
	var c ScoreCounts
	err := q.db.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM training_invites i JOIN trainings t ON t.id = i.training_id
			WHERE i.person_id = $1 AND t.status = 'published' AND t.starts_at >= $2 AND t.starts_at < $3) AS trainings_invited,
		(SELECT count(*) FROM training_invites i JOIN trainings t ON t.id = i.training_id
			WHERE i.person_id = $1 AND t.status = 'published' AND t.starts_at >= $2 AND t.starts_at < $3 AND i.attended) AS trainings_attended,
		count(k.id) AS cases,
		count(k.id) FILTER (WHERE k.fixed_on_spot) AS fixed_on_spot,
		count(k.id) FILTER (WHERE k.status NOT IN ('returned', 'merged')) AS accepted,
		count(k.id) FILTER (WHERE k.status NOT IN ('returned', 'merged') AND (k.closed_at < $3 OR k.fix_by < $3)) AS cases_due,
		count(k.id) FILTER (WHERE k.status NOT IN ('returned', 'merged') AND k.closed_at < $3
			AND (k.fix_by IS NULL OR coalesce(k.fixed_at, k.closed_at) <= k.fix_by)) AS closed_in_time,
		(SELECT count(*) FROM case_events e WHERE e.actor_id = $1 AND e.kind IN ('rechecked', 'sent_back') AND e.at >= $2 AND e.at < $3) AS rechecks,
		(SELECT count(*) FROM case_events e WHERE e.actor_id = $1 AND e.kind IN ('rechecked', 'sent_back') AND e.at >= $2 AND e.at < $3
			AND e.at - (SELECT max(f.at) FROM case_events f WHERE f.case_id = e.case_id AND f.kind = 'fixed' AND f.at <= e.at)
				<= make_interval(secs => $4)) AS rechecks_in_time,
		(SELECT count(*) FROM case_ratings r JOIN cases rc ON rc.id = r.case_id
			WHERE rc.reporter_id = $1 AND r.score IS NOT NULL AND r.at >= $2 AND r.at < $3) AS ratings,
		(SELECT coalesce(sum(r.score), 0) FROM case_ratings r JOIN cases rc ON rc.id = r.case_id
			WHERE rc.reporter_id = $1 AND r.score IS NOT NULL AND r.at >= $2 AND r.at < $3) AS rating_sum
		FROM cases k WHERE k.reporter_id = $1 AND k.created_at >= $2 AND k.created_at < $3`,
		personID, from, to, recheckWithin.Seconds())
	if err != nil {
		return c, wrap("score counts", err)
	}
	pc, err := q.scoredPatrols(ctx, personID, from, to)
	if err != nil {
		return c, err
	}
	c.PatrolsScheduled, c.PatrolsDone = pc.Scheduled, pc.OnTime+pc.Late
	c.PatrolsLate, c.PatrolsOutside, c.PatrolsLateOutside = pc.Late-pc.LateOutside, pc.Outside-pc.LateOutside, pc.LateOutside
	c.PatrolsOnTime = c.PatrolsDone - c.PatrolsLate - c.PatrolsOutside - c.PatrolsLateOutside
	c.ComplaintsUpheld, err = q.ComplaintsUpheldAbout(ctx, personID, from, to)
	return c, err
}

// scoredPatrols counts a steward's scheduled patrols in [from, to) and how
// each was attended, with PatrolAttendance and PatrolDay.Counts: the same
// windows, on time, late and outside the radius as /mypatrols (a window
// counts from when its schedule existed). The one place the scorecard
// counts patrols.
func (q *Queries) scoredPatrols(ctx context.Context, personID int64, from, to time.Time) (PatrolCounts, error) {
	days, err := q.PatrolAttendance(ctx, personID, from, to)
	var sum PatrolCounts
	for _, d := range days {
		sum = sum.Add(d.Counts(to))
	}
	return sum, err
}

// ComplaintsUpheldAbout counts the complaints about a person that a
// supervisor upheld in [from, to): a staff complaint settled 属实 naming
// the person (verdict upheld, about_person). One not upheld never counts.
func (q *Queries) ComplaintsUpheldAbout(ctx context.Context, personID int64, from, to time.Time) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM complaints
		WHERE about_person = $1 AND verdict = $5 AND status = $4 AND handled_at >= $2 AND handled_at < $3`,
		personID, from, to, model.ComplaintSettled, model.ComplaintUpheld)
	return n, wrap("complaints upheld", err)
}

// Assessment is one stored scorecard: a steward's period, one revision.
type Assessment struct {
	ID            int64           `db:"id"`
	PersonID      int64           `db:"person_id"`
	PersonCode    string          `db:"person_code"`
	PersonName    string          `db:"person_name"`
	Period        string          `db:"period"`
	Revision      int             `db:"revision"`
	CommunityID   sql.NullInt64   `db:"community_id"`
	CommunityName string          `db:"community_name"`
	From          time.Time       `db:"period_from"`
	To            time.Time       `db:"period_to"`
	Counts        json.RawMessage `db:"counts"`
	Components    json.RawMessage `db:"components"`
	Settings      json.RawMessage `db:"settings"`
	Total         float64         `db:"total"`
	Grade         string          `db:"grade"`
	ComputedAt    time.Time       `db:"computed_at"`
	ComputedBy    string          `db:"computed_by"`
	ComputedByID  sql.NullInt64   `db:"computed_by_id"`
	Reason        string          `db:"reason"`
	Adjustment    float64         `db:"adjustment"` // the period's adjustments (appeals corrected), summed
}

// Adjusted is the card's total with the period's adjustments, within
// 0–100, one decimal: the total every reader sees.
func (a Assessment) Adjusted() float64 {
	return math.Round(min(max(a.Total+a.Adjustment, 0), 100)*10) / 10
}

const assessmentCols = `a.id, a.person_id, p.code AS person_code, p.name AS person_name, a.period, a.revision, a.community_id,
	coalesce(cm.name, '') AS community_name, a.period_from, a.period_to, a.counts, a.components, a.settings, a.total, a.grade,
	a.computed_at, a.computed_by, a.computed_by_id, a.reason,
	coalesce((SELECT sum(j.delta) FROM assessment_adjustments j WHERE j.person_id = a.person_id AND j.period = a.period), 0) AS adjustment
	FROM assessment_periods a JOIN people p ON p.id = a.person_id LEFT JOIN communities cm ON cm.id = a.community_id`

// AddAssessment stores a scorecard. first: the scheduler's, revision 1,
// once (false when the period is already stored); otherwise the next
// revision after the latest, the earlier ones kept.
func (q *Queries) AddAssessment(ctx context.Context, a Assessment, first bool) (bool, error) {
	onConflict := ""
	revision := `coalesce((SELECT max(revision) FROM assessment_periods WHERE person_id = $1 AND period = $2), 0) + 1`
	if first {
		revision, onConflict = "1", " ON CONFLICT (person_id, period, revision) DO NOTHING"
	}
	res, err := q.db.ExecContext(ctx, `INSERT INTO assessment_periods (person_id, period, revision, community_id, period_from, period_to,
			counts, components, settings, total, grade, computed_at, computed_by, computed_by_id, reason)
		SELECT $1, $2, `+revision+`, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8::text::jsonb, $9, $10, $11, $12, $13, $14`+onConflict,
		a.PersonID, a.Period, a.CommunityID, a.From, a.To, string(a.Counts), string(a.Components), string(a.Settings),
		a.Total, a.Grade, a.ComputedAt, a.ComputedBy, a.ComputedByID, a.Reason)
	if err != nil {
		return false, wrap("add assessment", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Assessments lists a period's current scorecards (each steward's latest
// revision), best adjusted total first; communities limits them (empty: all).
func (q *Queries) Assessments(ctx context.Context, period string, communities []int64) ([]Assessment, error) {
	var as []Assessment
	err := q.db.SelectContext(ctx, &as, `SELECT DISTINCT ON (a.person_id) `+assessmentCols+`
		WHERE a.period = $1 AND (cardinality($2::bigint[]) = 0 OR a.community_id = ANY($2))
		ORDER BY a.person_id, a.revision DESC`, period, pq.Int64Array(append([]int64{}, communities...)))
	sortAssessments(as)
	return as, wrap("assessments", err)
}

// AssessmentHistory lists every revision of a steward's period, oldest first.
func (q *Queries) AssessmentHistory(ctx context.Context, personID int64, period string) ([]Assessment, error) {
	var as []Assessment
	err := q.db.SelectContext(ctx, &as, `SELECT `+assessmentCols+` WHERE a.person_id = $1 AND a.period = $2 ORDER BY a.revision`, personID, period)
	return as, wrap("assessment history", err)
}

// sortAssessments orders by adjusted total (best first), then code.
func sortAssessments(as []Assessment) {
	slices.SortStableFunc(as, func(a, b Assessment) int {
		switch at, bt := a.Adjusted(), b.Adjusted(); {
		case at > bt:
			return -1
		case at < bt:
			return 1
		}
		return strings.Compare(a.PersonCode, b.PersonCode)
	})
}
