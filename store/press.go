package store

import (
	"context"

	"github.com/alleybot/alleybot/model"
)

// SetPlanText stores a department's plan in a sentence (限期整改: what will
// be done, by whom), shown on the case's card and the desk.
func (q *Queries) SetPlanText(ctx context.Context, caseID int64, text string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET plan_text = $2, updated_at = now() WHERE id = $1`, caseID, text)
	return wrap("set plan text", err)
}

// CaseEventsOnDay counts a case's timeline entries of kind recorded with
// data.day = day (2026-11-27 in the config's location: 催办 once a day).
func (q *Queries) CaseEventsOnDay(ctx context.Context, caseID int64, kind model.EventKind, day string) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = $2 AND data->>'day' = $3`, caseID, kind, day)
	return n, wrap("case events on day", err)
}
