package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/alleybot/alleybot/model"
)

// Allowance is a steward's proposed or confirmed monthly allowance
// (工作补贴, seed 六(二)1), in fen.
type Allowance struct {
	ID            int64                 `db:"id"`
	Period        string                `db:"period"`
	PersonID      int64                 `db:"person_id"`
	PersonCode    string                `db:"person_code"`
	PersonName    string                `db:"person_name"`
	CommunityID   sql.NullInt64         `db:"community_id"`
	CommunityName string                `db:"community_name"`
	AmountFen     int64                 `db:"amount_fen"`
	Detail        json.RawMessage       `db:"detail"`
	Status        model.AllowanceStatus `db:"status"`
	ConfirmedBy   sql.NullInt64         `db:"confirmed_by"`
	ConfirmedName string                `db:"confirmed_name"`
	ConfirmedAt   sql.NullTime          `db:"confirmed_at"`
	CreatedAt     time.Time             `db:"created_at"`
}

// AddAllowance proposes a steward's allowance for a period, once: false
// when the period already has theirs (proposed or confirmed), which stays.
func (q *Queries) AddAllowance(ctx context.Context, a Allowance) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO allowances (period, person_id, community_id, amount_fen, detail, created_at)
		VALUES ($1, $2, $3, $4, $5::text::jsonb, $6) ON CONFLICT (period, person_id) DO NOTHING`,
		a.Period, a.PersonID, a.CommunityID, a.AmountFen, string(a.Detail), a.CreatedAt)
	if err != nil {
		return false, wrap("add allowance", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Allowances lists a period's allowances by community, then steward code;
// confirmedOnly leaves out those still proposed.
func (q *Queries) Allowances(ctx context.Context, period string, confirmedOnly bool) ([]Allowance, error) {
	var as []Allowance
	err := q.db.SelectContext(ctx, &as, `SELECT a.id, a.period, a.person_id, p.code AS person_code, p.name AS person_name,
			a.community_id, coalesce(cm.name, '') AS community_name, a.amount_fen, a.detail, a.status,
			a.confirmed_by, coalesce(b.name, '') AS confirmed_name, a.confirmed_at, a.created_at
		FROM allowances a JOIN people p ON p.id = a.person_id LEFT JOIN communities cm ON cm.id = a.community_id
			LEFT JOIN people b ON b.id = a.confirmed_by
		WHERE a.period = $1 AND (NOT $2 OR a.status = $3)
		ORDER BY coalesce(cm.code, ''), p.code`, period, confirmedOnly, model.AllowanceConfirmed)
	return as, wrap("allowances", err)
}

// ConfirmAllowances confirms a community's proposed allowances for a
// period (communityID 0: the stewards with none), recording who and
// when, and returns how many; 0 when none is left to confirm (a second
// press waits for the first's row locks, then finds them confirmed).
func (q *Queries) ConfirmAllowances(ctx context.Context, period string, communityID int64, by int64, at time.Time) (int, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE allowances SET status = $4, confirmed_by = $5, confirmed_at = $6
		WHERE period = $1 AND coalesce(community_id, 0) = $2 AND status = $3`,
		period, communityID, model.AllowanceProposed, model.AllowanceConfirmed, by, at)
	if err != nil {
		return 0, wrap("confirm allowances", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// AllowanceConfirmation is who confirmed a community's allowances for a
// period, and when; ErrNotFound when none of them is confirmed.
func (q *Queries) AllowanceConfirmation(ctx context.Context, period string, communityID int64) (string, time.Time, error) {
	var r struct {
		Name string    `db:"name"`
		At   time.Time `db:"confirmed_at"`
	}
	err := q.db.GetContext(ctx, &r, `SELECT coalesce(b.name, '') AS name, a.confirmed_at FROM allowances a
		LEFT JOIN people b ON b.id = a.confirmed_by
		WHERE a.period = $1 AND coalesce(a.community_id, 0) = $2 AND a.status = $3
		ORDER BY a.confirmed_at LIMIT 1`, period, communityID, model.AllowanceConfirmed)
	return r.Name, r.At, wrap("allowance confirmation", notFound(err))
}
