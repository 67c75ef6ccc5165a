package store

import "context"

// Subscribe makes a person a follower of a case (told of its progress).
func (q *Queries) Subscribe(ctx context.Context, caseID, personID int64) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO case_subscribers (case_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, personID)
	return wrap("subscribe", err)
}

// Followers are the reporter and the subscribers of a case.
func (q *Queries) Followers(ctx context.Context, caseID int64) ([]int64, error) {
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, `SELECT reporter_id FROM cases WHERE id = $1 AND reporter_id IS NOT NULL
		UNION SELECT person_id FROM case_subscribers WHERE case_id = $1`, caseID)
	return ids, wrap("followers", err)
}
