package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/alleybot/alleybot/model"
)

// The monthly evaluation (seed 七(一)): the figures of one period's cases,
// each query bounded by a range on a timestamp (cases.created_at,
// case_ratings.at, trainings.starts_at, complaints.created_at), a case's
// events read through case_events_case_idx.

// EvalCount is one bar of a count: a category's or an alley's cases, or a
// complaint status's complaints. Key "" is none (no category, no alley).
type EvalCount struct {
	Key    string `db:"key"`
	Name   string `db:"name"`
	NameEn string `db:"name_en"`
	N      int    `db:"n"`
}

// EvalCaseCounts are the period's cases (created in [from, to), merged
// duplicates left out) by lead category and by alley, most first.
func (q *Queries) EvalCaseCounts(ctx context.Context, from, to time.Time) (byCategory, byAlley []EvalCount, err error) {
	var rows []struct {
		Dim string `db:"dim"`
		EvalCount
	}
	err = q.db.SelectContext(ctx, &rows, `WITH m AS MATERIALIZED (
			SELECT id, alley_id FROM cases WHERE created_at >= $1 AND created_at < $2 AND status <> $3)
		SELECT 'category' AS dim, coalesce(cat.code, '') AS key, coalesce(cat.name, '') AS name, coalesce(cat.name_en, '') AS name_en,
			count(*) AS n
		FROM m LEFT JOIN case_categories cc ON cc.case_id = m.id AND cc.lead LEFT JOIN categories cat ON cat.id = cc.category_id
		GROUP BY cat.code, cat.name, cat.name_en
		UNION ALL
		SELECT 'alley', coalesce(a.code, ''), coalesce(a.name, ''), '', count(*)
		FROM m LEFT JOIN alleys a ON a.id = m.alley_id GROUP BY a.code, a.name
		ORDER BY dim, n DESC, key`, from, to, model.StatusMerged)
	if err != nil {
		return nil, nil, wrap("evaluation case counts", err)
	}
	for _, r := range rows {
		if r.Dim == "category" {
			byCategory = append(byCategory, r.EvalCount)
		} else {
			byAlley = append(byAlley, r.EvalCount)
		}
	}
	return byCategory, byAlley, nil
}

// EvalDepartment is one department's cases of the period (Code "" and
// Total false: the cases never sent to one; Total: every case): hours
// from dispatch to verification and from verification to the fix
// (percentile_cont), the cases overdue, the re-checks and send-backs, and
// the cases returned to the steward to supplement.
type EvalDepartment struct {
	Total        bool            `db:"total"`
	Code         string          `db:"code"`
	Name         string          `db:"name"`
	NameEn       string          `db:"name_en"`
	Cases        int             `db:"cases"`
	Verified     int             `db:"verified"`
	VerifyMedian sql.NullFloat64 `db:"verify_median"`
	VerifyP90    sql.NullFloat64 `db:"verify_p90"`
	Fixed        int             `db:"fixed"`
	FixMedian    sql.NullFloat64 `db:"fix_median"`
	FixP90       sql.NullFloat64 `db:"fix_p90"`
	Due          int             `db:"due"`
	Overdue      int             `db:"overdue"`
	Rechecks     int             `db:"rechecks"`
	SentBack     int             `db:"sent_back"`
	Returned     int             `db:"returned"`
}

// EvalDepartments times the period's cases (created in [from, to), merged
// left out) per department, then for all (the last row, Total), as of
// asOf. Time to verify: the first verification less the last dispatch
// before it; time to fix: the last fix report before the first passed
// re-check (any send-back rounds included) less the first verification;
// both in hours of the clock. A case is due once dispatched (verify_by),
// and overdue when verified after verify_by or still waiting for it at
// asOf, or fixed after fix_by or still unfixed at asOf past it. Rechecks
// count re-checks passed and failed; SentBack the failed ones.
func (q *Queries) EvalDepartments(ctx context.Context, from, to, asOf time.Time) ([]EvalDepartment, error) {
	var rows []EvalDepartment
	err := q.db.SelectContext(ctx, &rows, `WITH m AS MATERIALIZED (
			SELECT id, department_id, status, verify_by, fix_by, verified_at, fixed_at FROM cases
			WHERE created_at >= $1 AND created_at < $2 AND status <> $4
		), t AS (
			SELECT m.*, ev.sent_back, ev.rechecks, ev.returned,
				extract(epoch FROM ev.verified - (SELECT max(x) FROM unnest(ev.dispatched) x WHERE x <= ev.verified)) / 3600 AS verify_h,
				extract(epoch FROM (SELECT max(x) FROM unnest(ev.fixed) x WHERE x >= ev.verified AND (ev.passed IS NULL OR x <= ev.passed))
					- ev.verified) / 3600 AS fix_h
			FROM m CROSS JOIN LATERAL (
				SELECT min(e.at) FILTER (WHERE e.kind = 'verified') AS verified,
					min(e.at) FILTER (WHERE e.kind = 'rechecked') AS passed,
					array_agg(e.at) FILTER (WHERE e.kind = 'dispatched') AS dispatched,
					array_agg(e.at) FILTER (WHERE e.kind = 'fixed') AS fixed,
					count(*) FILTER (WHERE e.kind = 'sent_back') AS sent_back,
					count(*) FILTER (WHERE e.kind IN ('rechecked', 'sent_back')) AS rechecks,
					count(*) FILTER (WHERE e.kind = 'returned') > 0 AS returned
				FROM case_events e WHERE e.case_id = m.id) ev
		)
		SELECT grouping(t.department_id) = 1 AS total, coalesce(min(d.code), '') AS code, coalesce(min(d.name), '') AS name,
			coalesce(min(d.name_en), '') AS name_en, count(*) AS cases,
			count(verify_h) AS verified,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY verify_h) AS verify_median,
			percentile_cont(0.9) WITHIN GROUP (ORDER BY verify_h) AS verify_p90,
			count(fix_h) AS fixed,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY fix_h) AS fix_median,
			percentile_cont(0.9) WITHIN GROUP (ORDER BY fix_h) AS fix_p90,
			count(*) FILTER (WHERE verify_by IS NOT NULL) AS due,
			count(*) FILTER (WHERE verify_by IS NOT NULL AND (verified_at > verify_by OR (verified_at IS NULL AND status = $5 AND verify_by < $3)
				OR (verified_at IS NOT NULL AND fix_by IS NOT NULL AND (fixed_at > fix_by OR (fixed_at IS NULL AND status = $6 AND fix_by < $3))))) AS overdue,
			coalesce(sum(rechecks), 0) AS rechecks, coalesce(sum(sent_back), 0) AS sent_back, count(*) FILTER (WHERE returned) AS returned
		FROM t LEFT JOIN departments d ON d.id = t.department_id
		GROUP BY GROUPING SETS ((t.department_id), ())
		ORDER BY grouping(t.department_id), min(d.code) NULLS LAST`, from, to, asOf, model.StatusMerged, model.StatusDispatched, model.StatusVerified)
	return rows, wrap("evaluation departments", err)
}

// EvalOthers are the period's other figures: training invitations of the
// trainings held in it and attendance, residents' ratings given in it
// (average score; StillProblem: "still a problem" answers), and the
// complaints filed in it (Upheld: found so by the supervisor).
type EvalOthers struct {
	TrainingsInvited  int     `db:"trainings_invited"`
	TrainingsAttended int     `db:"trainings_attended"`
	Ratings           int     `db:"ratings"`
	RatingAvg         float64 `db:"rating_avg"`
	StillProblem      int     `db:"still_problem"`
	Complaints        int     `db:"complaints"`
	Upheld            int     `db:"upheld"`
}

// EvalOthersOf counts EvalOthers in [from, to), and the complaints by status.
func (q *Queries) EvalOthersOf(ctx context.Context, from, to time.Time) (EvalOthers, []EvalCount, error) {
	var o EvalOthers
	err := q.db.GetContext(ctx, &o, `SELECT
		(SELECT count(*) FROM training_invites i JOIN trainings t ON t.id = i.training_id
			WHERE t.status = 'published' AND t.starts_at >= $1 AND t.starts_at < $2) AS trainings_invited,
		(SELECT count(*) FROM training_invites i JOIN trainings t ON t.id = i.training_id
			WHERE t.status = 'published' AND t.starts_at >= $1 AND t.starts_at < $2 AND i.attended) AS trainings_attended,
		r.ratings, r.rating_avg, r.still_problem,
		(SELECT count(*) FROM complaints WHERE created_at >= $1 AND created_at < $2) AS complaints,
		(SELECT count(*) FROM complaints WHERE created_at >= $1 AND created_at < $2 AND verdict = 'upheld') AS upheld
		FROM (SELECT count(score) AS ratings, coalesce(avg(score), 0)::float8 AS rating_avg, count(*) FILTER (WHERE still_problem) AS still_problem
			FROM case_ratings WHERE at >= $1 AND at < $2) r`, from, to)
	if err != nil {
		return o, nil, wrap("evaluation figures", err)
	}
	var byStatus []EvalCount
	err = q.db.SelectContext(ctx, &byStatus, `SELECT status AS key, '' AS name, '' AS name_en, count(*) AS n FROM complaints
		WHERE created_at >= $1 AND created_at < $2 GROUP BY status ORDER BY n DESC, status`, from, to)
	return o, byStatus, wrap("evaluation complaints", err)
}

// WithoutJIT turns PostgreSQL's JIT compilation off for the rest of the
// transaction: the evaluation's queries read some 100,000 rows of a big
// table, which the planner's costs take for a JIT case, and compiling
// took a second of the 1.6 a month's report over 1,000,000 cases took.
// Outside a transaction it changes nothing.
func (q *Queries) WithoutJIT(ctx context.Context) error {
	_, err := q.db.ExecContext(ctx, `SET LOCAL jit = off`)
	return wrap("jit off", err)
}
