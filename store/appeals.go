package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/alleybot/alleybot/model"
)

// Appeal is a steward's appeal of a period's scorecard (score_appeals):
// one per steward and period.
type Appeal struct {
	ID           int64              `db:"id"`
	PersonID     int64              `db:"person_id"`
	PersonName   string             `db:"person_name"`
	Period       string             `db:"period"`
	AssessmentID int64              `db:"assessment_id"`
	Reason       string             `db:"reason"`
	Status       model.AppealStatus `db:"status"`
	Answer       string             `db:"answer"`
	AnsweredBy   sql.NullInt64      `db:"answered_by"`
	AnsweredName string             `db:"answered_name"`
	AnsweredAt   sql.NullTime       `db:"answered_at"`
	CreatedAt    time.Time          `db:"created_at"`
}

const appealCols = `ap.id, ap.person_id, p.name AS person_name, ap.period, ap.assessment_id, ap.reason, ap.status, ap.answer,
	ap.answered_by, coalesce(b.name, '') AS answered_name, ap.answered_at, ap.created_at
	FROM score_appeals ap JOIN people p ON p.id = ap.person_id LEFT JOIN people b ON b.id = ap.answered_by`

// AddAppeal stores a pending appeal; false when the steward has appealed
// the period already (the first one stands).
func (q *Queries) AddAppeal(ctx context.Context, a Appeal) (int64, bool, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO score_appeals (person_id, period, assessment_id, reason, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, period) DO NOTHING RETURNING id`,
		a.PersonID, a.Period, a.AssessmentID, a.Reason, a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, wrap("add appeal", err)
}

// AppealOf is a steward's appeal of a period (ErrNotFound: none).
func (q *Queries) AppealOf(ctx context.Context, personID int64, period string) (Appeal, error) {
	var a Appeal
	err := q.db.GetContext(ctx, &a, `SELECT `+appealCols+` WHERE ap.person_id = $1 AND ap.period = $2`, personID, period)
	return a, wrap("appeal", notFound(err))
}

// AppealByID reads an appeal (ErrNotFound: none).
func (q *Queries) AppealByID(ctx context.Context, id int64) (Appeal, error) {
	var a Appeal
	err := q.db.GetContext(ctx, &a, `SELECT `+appealCols+` WHERE ap.id = $1`, id)
	return a, wrap("appeal", notFound(err))
}

// LockAppeal locks an appeal until the transaction ends and reads it.
func (q *Queries) LockAppeal(ctx context.Context, id int64) (Appeal, error) {
	if _, err := q.db.ExecContext(ctx, `SELECT 1 FROM score_appeals WHERE id = $1 FOR UPDATE`, id); err != nil {
		return Appeal{}, wrap("lock appeal", err)
	}
	return q.AppealByID(ctx, id)
}

// AnswerAppeal records the answer to a pending appeal (false: it was
// answered already, and stays as it was).
func (q *Queries) AnswerAppeal(ctx context.Context, id int64, status model.AppealStatus, answer string, by int64, at time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE score_appeals SET status = $2, answer = $3, answered_by = $4, answered_at = $5
		WHERE id = $1 AND status = $6`, id, status, answer, by, at, model.AppealPending)
	if err != nil {
		return false, wrap("answer appeal", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Adjustment is a correction of a period's total (assessment_adjustments):
// the stored scorecard stays as computed, the adjustment is added to it.
type Adjustment struct {
	ID       int64         `db:"id"`
	PersonID int64         `db:"person_id"`
	Period   string        `db:"period"`
	AppealID int64         `db:"appeal_id"`
	Delta    float64       `db:"delta"`
	Reason   string        `db:"reason"`
	By       sql.NullInt64 `db:"by_person"`
	ByName   string        `db:"by_name"`
	At       time.Time     `db:"at"`
}

// AddAdjustment stores an adjustment (append-only).
func (q *Queries) AddAdjustment(ctx context.Context, j Adjustment) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO assessment_adjustments (person_id, period, appeal_id, delta, reason, by_person, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, j.PersonID, j.Period, j.AppealID, j.Delta, j.Reason, j.By, j.At)
	return id, wrap("add adjustment", err)
}

// AdjustmentsOf lists a steward's adjustments of a period, oldest first.
func (q *Queries) AdjustmentsOf(ctx context.Context, personID int64, period string) ([]Adjustment, error) {
	var js []Adjustment
	err := q.db.SelectContext(ctx, &js, `SELECT j.id, j.person_id, j.period, j.appeal_id, j.delta, j.reason, j.by_person,
			coalesce(b.name, '') AS by_name, j.at
		FROM assessment_adjustments j LEFT JOIN people b ON b.id = j.by_person
		WHERE j.person_id = $1 AND j.period = $2 ORDER BY j.id`, personID, period)
	return js, wrap("adjustments", err)
}
