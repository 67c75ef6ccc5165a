package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// AddCaseEvent appends to a case's timeline.
func (q *Queries) AddCaseEvent(ctx context.Context, caseID, actorID int64, kind model.EventKind, note string, data map[string]any) (int64, error) {
	if data == nil {
		data = map[string]any{}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return 0, err
	}
	actor := sql.NullInt64{Int64: actorID, Valid: actorID != 0}
	var id int64
	err = q.db.GetContext(ctx, &id, `INSERT INTO case_events (case_id, actor_id, kind, note, data) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		caseID, actor, kind, note, string(b))
	return id, wrap("case event", err)
}

// CaseEvent is one entry of a case's timeline, with the actor's name.
type CaseEvent struct {
	ID        int64           `db:"id"`
	At        time.Time       `db:"at"`
	ActorName string          `db:"actor_name"`
	Kind      model.EventKind `db:"kind"`
	Note      string          `db:"note"`
	Data      json.RawMessage `db:"data"`
}

// CaseEvents is a case's timeline, oldest first.
func (q *Queries) CaseEvents(ctx context.Context, caseID int64) ([]CaseEvent, error) {
	var es []CaseEvent
	err := q.db.SelectContext(ctx, &es, `
		SELECT e.id, e.at, coalesce(p.name, '') AS actor_name, e.kind, e.note, e.data
		FROM case_events e LEFT JOIN people p ON p.id = e.actor_id
		WHERE e.case_id = $1 ORDER BY e.id`, caseID)
	return es, wrap("case events", err)
}

// LastActedOn is the one of cases the person last acted on (a step of its
// timeline), 0 when none.
func (q *Queries) LastActedOn(ctx context.Context, personID int64, cases []int64) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `SELECT coalesce((SELECT case_id FROM case_events WHERE case_id = ANY($2) AND actor_id = $1
		ORDER BY id DESC LIMIT 1), 0)`, personID, pq.Int64Array(cases))
	return id, wrap("last acted on", err)
}
