package store

import (
	"context"
	"time"

	"github.com/alleybot/alleybot/model"
)

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
		GROUP BY d.name ORDER BY d.name NULLS FIRST`, from, to, now, model.StatusClosed, model.StatusDispatched, model.StatusVerified)
	return rows, wrap("digest", err)
}
