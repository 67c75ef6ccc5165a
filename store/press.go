package store

import "context"

// SetPlanText stores a department's plan in a sentence (限期整改: what will
// be done, by whom), shown on the case's card and the desk.
func (q *Queries) SetPlanText(ctx context.Context, caseID int64, text string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET plan_text = $2, updated_at = now() WHERE id = $1`, caseID, text)
	return wrap("set plan text", err)
}
