package store

import (
	"context"
	"time"
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
// day's midnight in the local zone), with whether each was checked in.
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
		WHERE p.active AND $2 = ANY(ps.weekdays)
		ORDER BY ps.starts_at, p.code`, midnight, weekday)
	return ps, wrap("patrols on a day", err)
}

// Notice records a once-only notice; false when it was sent already.
func (q *Queries) Notice(ctx context.Context, key string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO notices (key) VALUES ($1) ON CONFLICT DO NOTHING`, key)
	if err != nil {
		return false, wrap("notice", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DigestRow is one department's day.
type DigestRow struct {
	Department string `db:"department"`
	New        int    `db:"new"`
	Closed     int    `db:"closed"`
	Overdue    int    `db:"overdue"`
}

// Digest counts the day's new and closed cases and the cases overdue now,
// per department ("" for cases not yet routed).
func (q *Queries) Digest(ctx context.Context, from, to, now time.Time) ([]DigestRow, error) {
	var rows []DigestRow
	err := q.db.SelectContext(ctx, &rows, `
		SELECT coalesce(d.name, '') AS department,
			count(*) FILTER (WHERE c.created_at >= $1 AND c.created_at < $2) AS new,
			count(*) FILTER (WHERE c.closed_at >= $1 AND c.closed_at < $2 AND c.status = $4) AS closed,
			count(*) FILTER (WHERE (c.status = $5 AND c.verify_by < $3) OR (c.status = $6 AND c.fix_by < $3)) AS overdue
		FROM cases c LEFT JOIN departments d ON d.id = c.department_id
		WHERE (c.created_at >= $1 AND c.created_at < $2) OR (c.closed_at >= $1 AND c.closed_at < $2)
			OR (c.status = $5 AND c.verify_by < $3) OR (c.status = $6 AND c.fix_by < $3)
		GROUP BY d.name ORDER BY d.name NULLS FIRST`, from, to, now, StatusClosed, StatusDispatched, StatusVerified)
	return rows, wrap("digest", err)
}

// Cleanup deletes what has served its purpose: update keys older than keep
// (a platform redelivers within hours, never weeks), drafts untouched for
// longer than keep, and the photos of such abandoned drafts (never attached
// to a case). It returns how many rows of each went.
func (q *Queries) Cleanup(ctx context.Context, before time.Time) (updates, drafts, photos int64, err error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM processed_updates WHERE processed_at < $1`, before)
	if err != nil {
		return 0, 0, 0, wrap("clean update keys", err)
	}
	updates, _ = res.RowsAffected()
	res, err = q.db.ExecContext(ctx, `DELETE FROM conversation_states WHERE updated_at < $1`, before)
	if err != nil {
		return 0, 0, 0, wrap("clean drafts", err)
	}
	drafts, _ = res.RowsAffected()
	// A photo still in a live draft is younger than that draft's last
	// update, so one older than before and without a case is abandoned.
	res, err = q.db.ExecContext(ctx, `DELETE FROM photos WHERE case_id IS NULL AND created_at < $1`, before)
	if err != nil {
		return 0, 0, 0, wrap("clean photos", err)
	}
	photos, _ = res.RowsAffected()
	if _, err := q.db.ExecContext(ctx, `DELETE FROM photo_blobs b WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = b.sha256)`); err != nil {
		return 0, 0, 0, wrap("clean photo bytes", err)
	}
	// Messages sent, refused or dropped long ago (a chat's queue row stays:
	// its sequence numbers go on).
	if _, err := q.db.ExecContext(ctx, `DELETE FROM outbox WHERE state <> 'pending' AND done_at < $1`, before); err != nil {
		return 0, 0, 0, wrap("clean the outbox", err)
	}
	return updates, drafts, photos, nil
}
