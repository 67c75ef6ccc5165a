package store

import "context"

// Notice records a once-only notice; false when it was sent already.
func (q *Queries) Notice(ctx context.Context, key string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO notices (key) VALUES ($1) ON CONFLICT DO NOTHING`, key)
	if err != nil {
		return false, wrap("notice", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
