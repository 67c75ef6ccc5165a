package store

import (
	"context"
	"database/sql"
)

// Rate records a resident's answer, one per account per closing (the
// closing is the case's closed_at; the caller has checked the state); a
// second answer replaces the first. It reports whether this was the
// account's first answer to this closing.
func (q *Queries) Rate(ctx context.Context, caseID int64, platform, userID string, score int, still bool) (bool, error) {
	first, _, err := q.RateAnswer(ctx, caseID, platform, userID, score, still)
	return first, err
}

// RateAnswer is Rate telling also whether the answer changed anything: the
// same answer pressed again writes nothing (changed false), so it is
// neither a new event nor a new message.
func (q *Queries) RateAnswer(ctx context.Context, caseID int64, platform, userID string, score int, still bool) (first, changed bool, err error) {
	sc := sql.NullInt64{Int64: int64(score), Valid: score > 0}
	var rows []bool
	err = q.db.SelectContext(ctx, &rows, `INSERT INTO case_ratings AS r (case_id, closing, platform, user_id, score, still_problem)
		SELECT id, closed_at, $2, $3, $4, $5 FROM cases WHERE id = $1 AND closed_at IS NOT NULL
		ON CONFLICT (case_id, closing, platform, user_id) DO UPDATE SET score = EXCLUDED.score,
			still_problem = EXCLUDED.still_problem, at = now()
			WHERE r.score IS DISTINCT FROM EXCLUDED.score OR r.still_problem IS DISTINCT FROM EXCLUDED.still_problem
		RETURNING (xmax = 0)`, caseID, platform, userID, sc, still)
	if err != nil {
		return false, false, wrap("rate", err)
	}
	return len(rows) == 1 && rows[0], len(rows) == 1, nil
}
