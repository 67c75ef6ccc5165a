package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// The desk's case page and map (package desk): a case, its photos, its
// ratings and the open cases' points, each only within the reader's
// scope, checked here in SQL: all (the center, supervisors, admins) sees
// every case; a department's member the cases led by (once dispatched:
// not while the center decides) or copied to one of departments; a steward (reporter ≠ 0) the cases they reported. A case
// outside the scope is ErrNotFound, as one that does not exist.

// deskScope is the WHERE condition of the scope, over cases c, with the
// arguments all, departments and reporter at $1, $2, $3.
const deskScope = `($1::boolean OR (cardinality($2::bigint[]) > 0 AND ((c.department_id = ANY($2) AND c.status NOT IN ('submitted', 'returned', 'merged'))
		OR EXISTS (SELECT 1 FROM case_departments cd WHERE cd.case_id = c.id AND cd.department_id = ANY($2))))
	OR ($3::bigint <> 0 AND c.reporter_id = $3::bigint))`

// DeskCase is the case with that number, if the scope may see it.
func (q *Queries) DeskCase(ctx context.Context, number string, all bool, departments []int64, reporter int64) (CaseView, error) {
	var c CaseView
	err := q.db.GetContext(ctx, &c, caseViewSelect+` WHERE `+deskScope+` AND c.number = $4`,
		all, pq.Int64Array(departments), reporter, number)
	return c, wrap("desk case", notFound(err))
}

// DeskCopies are the names of the departments a case was copied to (the
// lead one aside).
func (q *Queries) DeskCopies(ctx context.Context, caseID int64) ([]string, error) {
	var names []string
	err := q.db.SelectContext(ctx, &names, `SELECT d.name FROM case_departments cd JOIN departments d ON d.id = cd.department_id
		JOIN cases c ON c.id = cd.case_id WHERE cd.case_id = $1 AND cd.department_id IS DISTINCT FROM c.department_id ORDER BY d.name`, caseID)
	return names, wrap("desk copies", err)
}

// DeskPhoto is a case's photo as the desk lists it: Stored says its
// bytes are here (else the page says they are not yet).
type DeskPhoto struct {
	ID        int64           `db:"id"`
	Kind      model.PhotoKind `db:"kind"`
	CreatedAt time.Time       `db:"created_at"`
	Stored    bool            `db:"stored"`
}

// DeskCasePhotos lists a case's photos in the order they were sent.
func (q *Queries) DeskCasePhotos(ctx context.Context, caseID int64) ([]DeskPhoto, error) {
	var ps []DeskPhoto
	err := q.db.SelectContext(ctx, &ps, `SELECT p.id, p.kind, p.created_at, (b.sha256 IS NOT NULL) AS stored
		FROM photos p LEFT JOIN photo_blobs b ON b.sha256 = p.sha256 WHERE p.case_id = $1 ORDER BY p.id`, caseID)
	return ps, wrap("desk case photos", err)
}

// DeskPhotoBytes is a photo's stored bytes and MIME type, if its case is
// within the scope and the bytes are here; ErrNotFound otherwise.
func (q *Queries) DeskPhotoBytes(ctx context.Context, photoID int64, all bool, departments []int64, reporter int64) ([]byte, string, error) {
	var row struct {
		Bytes []byte `db:"bytes"`
		MIME  string `db:"mime"`
	}
	err := q.db.GetContext(ctx, &row, `SELECT b.bytes, b.mime FROM photos p JOIN cases c ON c.id = p.case_id
		JOIN photo_blobs b ON b.sha256 = p.sha256 WHERE `+deskScope+` AND p.id = $4`,
		all, pq.Int64Array(departments), reporter, photoID)
	return row.Bytes, row.MIME, wrap("desk photo", notFound(err))
}

// DeskRating is a resident's answer to a closing of a case, without who
// gave it.
type DeskRating struct {
	Score        sql.NullInt64 `db:"score"`
	StillProblem bool          `db:"still_problem"`
	At           time.Time     `db:"at"`
	Closing      time.Time     `db:"closing"`
}

// DeskRatings are a case's ratings, the latest closing first.
func (q *Queries) DeskRatings(ctx context.Context, caseID int64) ([]DeskRating, error) {
	var rs []DeskRating
	err := q.db.SelectContext(ctx, &rs, `SELECT score, still_problem, at, closing FROM case_ratings
		WHERE case_id = $1 ORDER BY closing DESC, at`, caseID)
	return rs, wrap("desk ratings", err)
}

// DeskPendingExtension is the id of a case's extension request waiting
// for the center's answer, 0 when none.
func (q *Queries) DeskPendingExtension(ctx context.Context, caseID int64) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `SELECT id FROM case_extensions WHERE case_id = $1 AND status = $2`, caseID, model.ExtensionPending)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, wrap("desk pending extension", err)
}

// ExtensionOfCase reports whether extension request id is about case caseID.
func (q *Queries) ExtensionOfCase(ctx context.Context, id, caseID int64) (bool, error) {
	var ok bool
	err := q.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM case_extensions WHERE id = $1 AND case_id = $2)`, id, caseID)
	return ok, wrap("extension of case", err)
}

// DeskPoint is an open case on the desk's map: its point (the steward's,
// else its alley's centre; Lat and Lon invalid when it has neither).
type DeskPoint struct {
	ID        int64           `db:"id"`
	Number    string          `db:"number"`
	Status    model.Status    `db:"status"`
	Lat       sql.NullFloat64 `db:"lat"`
	Lon       sql.NullFloat64 `db:"lon"`
	AlleyName string          `db:"alley_name"`
	VerifyBy  sql.NullTime    `db:"verify_by"`
	FixBy     sql.NullTime    `db:"fix_by"`
	CreatedAt time.Time       `db:"created_at"`
}

// RunningClock is the case's running clock and its deadline (ok false: none runs).
func (p DeskPoint) RunningClock() (clock model.Clock, due time.Time, ok bool) {
	return model.RunningClock(p.Status, p.VerifyBy, p.FixBy)
}

// DeskMapPoints are the open cases (not closed, not merged: closed_at
// unset) within the scope, the most urgent first (the earliest running
// deadline; those without a clock after, oldest first), at most limit of
// them. The order is that of the queue's index over the open cases'
// deadlines (cases_open_due_idx), which walks it without sorting.
func (q *Queries) DeskMapPoints(ctx context.Context, all bool, departments []int64, reporter int64, limit int) ([]DeskPoint, error) {
	var ps []DeskPoint
	err := q.db.SelectContext(ctx, &ps, `SELECT c.id, c.number, c.status, coalesce(c.lat, a.lat) AS lat, coalesce(c.lon, a.lon) AS lon,
			coalesce(a.name, '') AS alley_name, c.verify_by, c.fix_by, c.created_at
		FROM cases c LEFT JOIN alleys a ON a.id = c.alley_id
		WHERE `+deskScope+` AND c.closed_at IS NULL
		ORDER BY (CASE c.status WHEN 'dispatched' THEN c.verify_by WHEN 'verified' THEN c.fix_by END), c.id
		LIMIT $4`, all, pq.Int64Array(departments), reporter, limit)
	return ps, wrap("desk map points", err)
}
