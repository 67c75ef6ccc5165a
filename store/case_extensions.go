package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/alleybot/alleybot/model"
)

// cancelPendingExtensions drops a request for more time that nobody
// decided before the case moved on.
func (q *Queries) cancelPendingExtensions(ctx context.Context, caseID int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE case_extensions SET status = $2, decided_at = now()
		WHERE case_id = $1 AND status = 'pending'`, caseID, model.ExtensionCancelled)
	return wrap("cancel pending extensions", err)
}

// Extension is a department's request for more time.
type Extension struct {
	ID          int64                 `db:"id"`
	CaseID      int64                 `db:"case_id"`
	RequestedBy int64                 `db:"requested_by"`
	Until       time.Time             `db:"until"`
	Reason      string                `db:"reason"`
	Status      model.ExtensionStatus `db:"status"`
}

// ErrPendingExtension means a case already has a request waiting.
var ErrPendingExtension = errors.New("an extension request is already pending")

// RequestExtension records a department's request for more time;
// ErrPendingExtension when one is waiting already.
func (q *Queries) RequestExtension(ctx context.Context, caseID, personID int64, until time.Time, reason string) (int64, error) {
	var id int64
	// ON CONFLICT rather than a caught unique violation: a failed statement
	// would abort the whole update's transaction.
	err := q.db.GetContext(ctx, &id, `INSERT INTO case_extensions (case_id, requested_by, until, reason) VALUES ($1, $2, $3, $4)
		ON CONFLICT (case_id) WHERE status = 'pending' DO NOTHING RETURNING id`, caseID, personID, until, reason)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrPendingExtension
	}
	return id, wrap("request extension", err)
}

// LockExtension reads and locks an extension request.
func (q *Queries) LockExtension(ctx context.Context, id int64) (Extension, error) {
	var e Extension
	err := q.db.GetContext(ctx, &e, `SELECT id, case_id, requested_by, until, reason, status FROM case_extensions WHERE id = $1 FOR UPDATE`, id)
	return e, wrap("extension", notFound(err))
}

// DecideExtension records a coordinator's answer to a request.
func (q *Queries) DecideExtension(ctx context.Context, id int64, status model.ExtensionStatus, by int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE case_extensions SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1`, id, status, by)
	return wrap("decide extension", err)
}
