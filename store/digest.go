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
// per department ("" for cases not yet routed). Each count reads its own
// index: the day's new ones by created_at, the day's closed ones by
// closed_at (0033), the overdue ones by their running clock's deadline
// (cases_verify_clock_idx, cases_fix_clock_idx with the department, 0033;
// the statuses written in the text, so the partial indexes match a
// generic plan): the digest does not scan the years.
func (q *Queries) Digest(ctx context.Context, from, to, now time.Time) ([]DigestRow, error) {
	var rows []DigestRow
	err := q.db.SelectContext(ctx, &rows, `
		SELECT coalesce(d.name, '') AS department, sum(x.new) AS new, sum(x.closed) AS closed, sum(x.overdue) AS overdue
		FROM (SELECT department_id, count(*) AS new, 0 AS closed, 0 AS overdue FROM cases
				WHERE created_at >= $1 AND created_at < $2 GROUP BY department_id
			UNION ALL
			SELECT department_id, 0, count(*), 0 FROM cases
				WHERE closed_at >= $1 AND closed_at < $2 AND status = '`+string(model.StatusClosed)+`' GROUP BY department_id
			UNION ALL
			SELECT department_id, 0, 0, count(*) FROM cases
				WHERE status = '`+string(model.StatusDispatched)+`' AND verify_by < $3 GROUP BY department_id
			UNION ALL
			SELECT department_id, 0, 0, count(*) FROM cases
				WHERE status = '`+string(model.StatusVerified)+`' AND fix_by < $3 GROUP BY department_id) x
		LEFT JOIN departments d ON d.id = x.department_id
		GROUP BY d.name ORDER BY d.name NULLS FIRST`, from, to, now)
	return rows, wrap("digest", err)
}
