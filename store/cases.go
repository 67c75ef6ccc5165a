package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// Case is one reported problem, as stored.
type Case struct {
	ID            int64           `db:"id"`
	Number        string          `db:"number"`
	AlleyID       sql.NullInt64   `db:"alley_id"`
	CommunityID   sql.NullInt64   `db:"community_id"`
	Lat           sql.NullFloat64 `db:"lat"`
	Lon           sql.NullFloat64 `db:"lon"`
	Description   string          `db:"description"`
	Impact        string          `db:"impact"`
	Status        model.Status    `db:"status"`
	ReporterID    sql.NullInt64   `db:"reporter_id"`
	Source        string          `db:"source"`
	DepartmentID  sql.NullInt64   `db:"department_id"`
	FixedOnSpot   bool            `db:"fixed_on_spot"`
	VerifyBy      sql.NullTime    `db:"verify_by"`
	FixBy         sql.NullTime    `db:"fix_by"`
	SendbackCount int             `db:"sendback_count"`
	CreatedAt     time.Time       `db:"created_at"`
	ClosedAt      sql.NullTime    `db:"closed_at"`
	DispatchedAt  sql.NullTime    `db:"dispatched_at"`
	VerifiedAt    sql.NullTime    `db:"verified_at"`
	FixedAt       sql.NullTime    `db:"fixed_at"`
	FixLimit      sql.NullTime    `db:"fix_limit"`
	Plan          model.Plan      `db:"plan"`
	MergedInto    sql.NullInt64   `db:"merged_into"`
	Escalated     bool            `db:"escalated"`
	NextPingAt    sql.NullTime    `db:"next_ping_at"`
}

// RunningClock is the clock that runs on the case now and its deadline;
// ok is false when none runs (before dispatch, while waiting for the
// re-check, after closing).
func (c Case) RunningClock() (clock model.Clock, due time.Time, ok bool) {
	return model.RunningClock(c.Status, c.VerifyBy, c.FixBy)
}

// CaseView is a case with the names people read.
type CaseView struct {
	Case
	AlleyName      string `db:"alley_name"`
	CommunityName  string `db:"community_name"`
	DepartmentName string `db:"department_name"`
	// The English names from the roster (the Chinese one where it has none).
	CommunityNameEn  string         `db:"community_name_en"`
	DepartmentNameEn string         `db:"department_name_en"`
	ReporterName     string         `db:"reporter_name"`
	Categories       pq.StringArray `db:"categories"`
	CategoriesEn     pq.StringArray `db:"categories_en"`
	PhotoCount       int            `db:"photo_count"`
	// LastReason is the latest reason someone gave on the case (a return,
	// 非本部门职责, a send-back, an extension request, a reopening), with who
	// gave it: "郑海涛:属于房管所".
	LastReason string `db:"last_reason"`
	// Address is what the steward typed (菊儿胡同3号), "" for none.
	Address string `db:"address"`
	// PlanText is the department's plan in a sentence (限期整改), "" none.
	PlanText string `db:"plan_text"`
}

const caseCols = `c.id, c.number, c.alley_id, c.community_id, c.lat, c.lon, c.description, c.impact, c.status,
	c.reporter_id, c.source, c.department_id, c.fixed_on_spot, c.verify_by, c.fix_by, c.sendback_count,
	c.created_at, c.closed_at, c.dispatched_at, c.verified_at, c.fixed_at, c.fix_limit, c.plan, c.merged_into, c.escalated, c.next_ping_at`

const caseViewSelect = `SELECT ` + caseCols + `, c.address, c.plan_text,
	coalesce(a.name, '') AS alley_name, coalesce(cm.name, '') AS community_name,
	coalesce(d.name, '') AS department_name, coalesce(p.name, '') AS reporter_name,
	coalesce(nullif(cm.name_en, ''), cm.name, '') AS community_name_en, coalesce(nullif(d.name_en, ''), d.name, '') AS department_name_en,
	array(SELECT g.name FROM case_categories cc JOIN categories g ON g.id = cc.category_id
	      WHERE cc.case_id = c.id ORDER BY cc.lead DESC, g.sort) AS categories,
	array(SELECT g.name_en FROM case_categories cc JOIN categories g ON g.id = cc.category_id
	      WHERE cc.case_id = c.id ORDER BY cc.lead DESC, g.sort) AS categories_en,
	(SELECT count(*) FROM photos ph WHERE ph.case_id = c.id) AS photo_count,
	coalesce((SELECT coalesce(ap.name || ':', '') || e.note FROM case_events e LEFT JOIN people ap ON ap.id = e.actor_id
		WHERE e.case_id = c.id AND e.note <> '' AND e.kind IN ('returned', 'not_ours', 'sent_back', 'extension_requested', 'reopened')
		ORDER BY e.id DESC LIMIT 1), '') AS last_reason
	FROM cases c
	LEFT JOIN alleys a ON a.id = c.alley_id
	LEFT JOIN communities cm ON cm.id = c.community_id
	LEFT JOIN departments d ON d.id = c.department_id
	LEFT JOIN people p ON p.id = c.reporter_id`

// NewCase is what a report submits.
type NewCase struct {
	AlleyID      int64
	Lat, Lon     *float64 // the shared point, if any
	Description  string
	Address      string // a typed address the location was found by ("" none)
	Impact       string
	ReporterID   int64
	Source       string // the platform it came from
	CategoryIDs  []int64
	DepartmentID sql.NullInt64
	FixedOnSpot  bool
	PhotoIDs     []int64
	At           time.Time // when it was reported; its year numbers it
	PatrolID     int64     // the patrol it was found on (0: none)
}

// EnsureCaseNumbers makes year's number sequence, continuing its counter,
// unless it exists. The counter row is locked first, so two processes do
// not race to create it and no number is given twice.
func (q *Queries) EnsureCaseNumbers(ctx context.Context, year int) error {
	var exists bool
	name := fmt.Sprintf("case_numbers_%d", year)
	if err := q.db.GetContext(ctx, &exists, `SELECT to_regclass($1) IS NOT NULL`, name); err != nil || exists {
		return wrap("case numbers", err)
	}
	var done int64
	if err := q.db.GetContext(ctx, &done, `
		INSERT INTO case_counters (year, last) VALUES ($1, 0)
		ON CONFLICT (year) DO UPDATE SET last = case_counters.last RETURNING last`, year); err != nil {
		return wrap("case numbers", err)
	}
	_, err := q.db.ExecContext(ctx, fmt.Sprintf(`CREATE SEQUENCE IF NOT EXISTS %s START WITH %d`, name, done+1))
	return wrap("case numbers", err)
}

// CreateCase inserts a case with its public number (2026-000123), its
// categories, its photos and its first timeline event, inside tx.
func (q *Queries) CreateCase(ctx context.Context, n NewCase) (Case, error) {
	if n.At.IsZero() {
		n.At = time.Now()
	}
	year := n.At.Year()
	status, kind := model.StatusSubmitted, model.EventSubmitted
	if n.FixedOnSpot {
		status, kind = model.StatusClosed, model.EventFixedOnSpot
	}
	data, err := json.Marshal(map[string]any{"photos": len(n.PhotoIDs)})
	if err != nil {
		return Case{}, err
	}
	cats := pq.Int64Array(n.CategoryIDs)
	if cats == nil {
		cats = pq.Int64Array{}
	}
	photos := pq.Int64Array(n.PhotoIDs)
	if photos == nil {
		photos = pq.Int64Array{}
	}
	// One statement: the number, the case, its categories (the first
	// leads), its first event and its photos. The number comes from the
	// year's sequence (case_numbers_2026), which no submit waits on; where
	// there is none yet, from the year's counter row. A sequence never goes
	// back, so a submit that fails (its transaction rolled back) or a
	// database crash (a sequence is logged up to 32 numbers ahead) leaves a
	// gap; numbers stay unique and in order of asking. See the README's
	// "Case numbers".
	var c Case
	err = q.db.GetContext(ctx, &c, `
		WITH s AS (SELECT nextval(to_regclass($14)) AS n),
		ctr AS (
			INSERT INTO case_counters (year, last) SELECT $15, 1 WHERE (SELECT n FROM s) IS NULL
			ON CONFLICT (year) DO UPDATE SET last = case_counters.last + 1 RETURNING last),
		num AS (SELECT coalesce((SELECT n FROM s), (SELECT last FROM ctr)) AS n),
		c AS (
			INSERT INTO cases (number, alley_id, community_id, lat, lon, description, impact, status, reporter_id,
				source, department_id, fixed_on_spot, created_at, closed_at, patrol_id, address)
			SELECT $1::text || '-' || CASE WHEN num.n < 1000000 THEN lpad(num.n::text, 6, '0') ELSE num.n::text END,
				a.id, a.community_id, $3, $4, $5, $6, $7, nullif($8, 0), $9, $10, $11, $12,
				CASE WHEN $11 THEN $12::timestamptz END, nullif($13, 0), $20
			FROM alleys a, num WHERE a.id = $2
			RETURNING id, number, alley_id, community_id, lat, lon, description, impact, status, reporter_id, source,
				department_id, fixed_on_spot, verify_by, fix_by, sendback_count, created_at, closed_at, dispatched_at,
				verified_at, fixed_at, fix_limit, plan, merged_into, escalated, next_ping_at),
		cc AS (
			INSERT INTO case_categories (case_id, category_id, lead)
			SELECT c.id, x.category_id, x.ord = 1 FROM c, unnest($16::bigint[]) WITH ORDINALITY AS x(category_id, ord)
			ON CONFLICT DO NOTHING),
		e AS (
			INSERT INTO case_events (case_id, actor_id, kind, note, data)
			SELECT c.id, nullif($8, 0), $17, '', $18::jsonb FROM c RETURNING id),
		ph AS (
			UPDATE photos SET case_id = c.id, event_id = e.id FROM c, e
			WHERE photos.id = ANY($19) AND photos.case_id IS NULL)
		SELECT * FROM c`,
		strconv.Itoa(year), n.AlleyID, n.Lat, n.Lon, n.Description, n.Impact, status,
		n.ReporterID, n.Source, n.DepartmentID, n.FixedOnSpot, n.At, n.PatrolID,
		fmt.Sprintf("case_numbers_%d", year), year, cats, kind, string(data), photos, n.Address)
	return c, wrap("insert case", notFound(err))
}

// CaseByNumber finds a case by its public number.
func (q *Queries) CaseByNumber(ctx context.Context, number string) (CaseView, error) {
	var c CaseView
	err := q.db.GetContext(ctx, &c, caseViewSelect+` WHERE c.number = $1`, number)
	return c, wrap("case "+number, notFound(err))
}

// CaseByID is CaseByNumber by id, inside q.
func (q *Queries) CaseByID(ctx context.Context, id int64) (CaseView, error) {
	var c CaseView
	err := q.db.GetContext(ctx, &c, caseViewSelect+` WHERE c.id = $1`, id)
	return c, wrap("case", notFound(err))
}

// OpenCasesOf lists a reporter's cases that are not closed, newest first,
// at most limit (the index of a reporter's open cases, 0033).
func (q *Queries) OpenCasesOf(ctx context.Context, reporterID int64, limit int) ([]CaseView, error) {
	var cs []CaseView
	err := q.db.SelectContext(ctx, &cs, caseViewSelect+` WHERE c.id = ANY(ARRAY(SELECT o.id FROM cases o
		WHERE o.reporter_id = $1 AND o.closed_at IS NULL ORDER BY o.created_at DESC`+fmt.Sprintf(` LIMIT %d))`, limit)+`
		ORDER BY c.created_at DESC`, reporterID)
	return cs, wrap("open cases", err)
}

// CountOpenCasesOf counts a reporter's open cases, up to CaseCountMax.
func (q *Queries) CountOpenCasesOf(ctx context.Context, reporterID int64) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM (SELECT FROM cases WHERE reporter_id = $1 AND closed_at IS NULL`+
		fmt.Sprintf(` LIMIT %d) x`, CaseCountMax), reporterID)
	return n, wrap("count open cases", err)
}

// ClosedCasesOf lists a reporter's cases closed since from, newest first, a
// page at a time, with how many there are and how many of them were fixed
// on the spot (the index of a reporter's closed cases by closed_at, 0033).
func (q *Queries) ClosedCasesOf(ctx context.Context, reporterID int64, from time.Time, limit, offset int) ([]CaseView, int, int, error) {
	var cs []CaseView
	if err := q.db.SelectContext(ctx, &cs, caseViewSelect+` WHERE c.id = ANY(ARRAY(SELECT o.id FROM cases o
		WHERE o.reporter_id = $1 AND o.closed_at >= $2 ORDER BY o.closed_at DESC`+fmt.Sprintf(` LIMIT %d`, limit)+` OFFSET $3))
		ORDER BY c.closed_at DESC`, reporterID, from, offset); err != nil {
		return nil, 0, 0, wrap("closed cases", err)
	}
	var n struct {
		All    int `db:"all_closed"`
		OnSpot int `db:"on_spot"`
	}
	err := q.db.GetContext(ctx, &n, `SELECT count(*) AS all_closed, count(*) FILTER (WHERE fixed_on_spot) AS on_spot
		FROM cases WHERE reporter_id = $1 AND closed_at >= $2`, reporterID, from)
	return cs, n.All, n.OnSpot, wrap("closed cases", err)
}

// LockCase reads a case and locks its row until the transaction ends: of
// two people pressing the same button, the second waits here and then sees
// the state the first left.
func (q *Queries) LockCase(ctx context.Context, id int64) (CaseView, error) {
	var c CaseView
	err := q.db.GetContext(ctx, &c, caseViewSelect+` WHERE c.id = $1 FOR UPDATE OF c`, id)
	return c, wrap("lock case", notFound(err))
}

// Dispatch routes a case to its lead department (and copies), starting both clocks.
func (q *Queries) Dispatch(ctx context.Context, caseID, deptID int64, copies []int64, now, verifyBy, fixBy time.Time) error {
	if err := q.cancelPendingExtensions(ctx, caseID); err != nil {
		return err
	}
	if _, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $6, department_id = $2, dispatched_at = $5,
		verify_by = $3, fix_by = $4, fix_limit = $4, verified_at = NULL, fixed_at = NULL, plan = '', next_ping_at = '1970-01-01', updated_at = now()
		WHERE id = $1`, caseID, deptID, verifyBy, fixBy, now, model.Lifecycle[model.ActDispatch].To); err != nil {
		return wrap("dispatch", err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM case_departments WHERE case_id = $1`, caseID); err != nil {
		return wrap("clear copies", err)
	}
	for _, d := range copies {
		if d == deptID {
			continue
		}
		if _, err := q.db.ExecContext(ctx, `INSERT INTO case_departments (case_id, department_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, d); err != nil {
			return wrap("copy department", err)
		}
	}
	return nil
}

// SetVerified stops the verify clock and records the plan and fix-by.
func (q *Queries) SetVerified(ctx context.Context, caseID int64, plan model.Plan, now, fixBy time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $5, verified_at = $4, plan = $2, fix_by = $3, next_ping_at = '1970-01-01', updated_at = now()
		WHERE id = $1`, caseID, plan, fixBy, now, model.Lifecycle[model.ActVerify].To)
	return wrap("verify", err)
}

// SetFixBy moves the fix clock (an approved extension, a send-back).
func (q *Queries) SetFixBy(ctx context.Context, caseID int64, fixBy time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET fix_by = $2, next_ping_at = '1970-01-01', updated_at = now() WHERE id = $1`, caseID, fixBy)
	return wrap("set fix-by", err)
}

// SetFixed stops the fix clock: the case waits for the steward's re-check.
func (q *Queries) SetFixed(ctx context.Context, caseID int64, now time.Time) error {
	if err := q.cancelPendingExtensions(ctx, caseID); err != nil {
		return err
	}
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $3, fixed_at = $2, next_ping_at = NULL, updated_at = now() WHERE id = $1`,
		caseID, now, model.Lifecycle[model.ActFixed].To)
	return wrap("fixed", err)
}

// SendBack returns a case to its department after a failed re-check and
// returns the new send-back count.
func (q *Queries) SendBack(ctx context.Context, caseID int64) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `UPDATE cases SET status = $2, fixed_at = NULL, sendback_count = sendback_count + 1,
		next_ping_at = '1970-01-01', updated_at = now() WHERE id = $1 RETURNING sendback_count`, caseID, model.Lifecycle[model.ActFail].To)
	return n, wrap("send back", err)
}

// SetEscalated marks a case the supervisors were told about.
func (q *Queries) SetEscalated(ctx context.Context, caseID int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET escalated = true, updated_at = now() WHERE id = $1`, caseID)
	return wrap("escalate", err)
}

// SetStatus moves a case to status with no clock of its own: closed sets
// closed_at; submitted (a reopened or handed-back case) clears the clocks
// and closed_at. A pending extension request is cancelled.
func (q *Queries) SetStatus(ctx context.Context, caseID int64, status model.Status) error {
	if err := q.cancelPendingExtensions(ctx, caseID); err != nil {
		return err
	}
	closes, reopens := status == model.StatusClosed || status == model.StatusMerged, status == model.StatusSubmitted
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $2,
		closed_at = CASE WHEN $3 THEN now() WHEN $4 THEN NULL ELSE closed_at END,
		verify_by = CASE WHEN $4 THEN NULL ELSE verify_by END,
		fix_by = CASE WHEN $4 THEN NULL ELSE fix_by END,
		next_ping_at = NULL, updated_at = now() WHERE id = $1`, caseID, status, closes, reopens)
	return wrap("set status", err)
}

// SetMerged closes a duplicate into another case.
func (q *Queries) SetMerged(ctx context.Context, caseID, into int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $3, merged_into = $2, closed_at = now(), next_ping_at = NULL, updated_at = now() WHERE id = $1`,
		caseID, into, model.Lifecycle[model.ActMerge].To)
	return wrap("merge", err)
}

// AppendDescription adds a steward's supplement to a returned case.
func (q *Queries) AppendDescription(ctx context.Context, caseID int64, text string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET description = description || E'\n' || $2, updated_at = now() WHERE id = $1`, caseID, text)
	return wrap("append description", err)
}

// CaseNumber is a case's public number (2026-000123).
func (q *Queries) CaseNumber(ctx context.Context, caseID int64) (string, error) {
	var n string
	err := q.db.GetContext(ctx, &n, `SELECT number FROM cases WHERE id = $1`, caseID)
	return n, wrap("case number", notFound(err))
}

// Deadlines are a case's fix clock and the latest fix-by its category allows.
type Deadlines struct {
	FixBy    time.Time
	FixLimit time.Time
}

// CaseDeadlines reads a case's fix-by and fix limit.
func (q *Queries) CaseDeadlines(ctx context.Context, caseID int64) (Deadlines, error) {
	var row struct {
		FixBy    sql.NullTime `db:"fix_by"`
		FixLimit sql.NullTime `db:"fix_limit"`
	}
	err := q.db.GetContext(ctx, &row, `SELECT fix_by, fix_limit FROM cases WHERE id = $1`, caseID)
	return Deadlines{FixBy: row.FixBy.Time, FixLimit: row.FixLimit.Time}, wrap("case deadlines", notFound(err))
}

// CaseQuery selects open cases for the queues.
type CaseQuery struct {
	Statuses     []model.Status // open statuses only (their cases have no closed_at)
	DepartmentID int64          // 0: any
	OverdueAt    time.Time      // non-zero: only cases with a running clock past its time
	Limit        int            // 0: CaseListMax
}

// CaseListMax is how many cases a chat list shows at most (/queue's
// sections, /dept, /overdue); CountCases says how many more there are.
const CaseListMax = 50

// CaseCountMax is where CountCases stops counting: a list says 「1000+」
// past it, so a count costs the same however many cases wait.
const CaseCountMax = 1000

// caseRunningDue is the deadline of the clock running on an open case
// (verify-by of a dispatched case, fix-by of a verified one), the
// expression of the index cases_open_due_idx (0027).
const caseRunningDue = `(CASE o.status WHEN 'dispatched' THEN o.verify_by WHEN 'verified' THEN o.fix_by END)`

// where is f's condition on the open cases o, read from the partial
// indexes of the open cases (closed_at IS NULL), with its arguments; the
// statuses are $1.
func (f CaseQuery) where() (string, []any) {
	w := `o.closed_at IS NULL AND o.status = ANY($1)`
	args := []any{textArray(f.Statuses)}
	if f.DepartmentID != 0 {
		args = append(args, f.DepartmentID)
		w += fmt.Sprintf(` AND (o.department_id = $%d OR EXISTS (SELECT 1 FROM case_departments cd WHERE cd.case_id = o.id AND cd.department_id = $%[1]d))`, len(args))
	}
	if !f.OverdueAt.IsZero() {
		args = append(args, f.OverdueAt)
		w += fmt.Sprintf(` AND %s < $%d`, caseRunningDue, len(args))
	}
	return w, args
}

// FindCases lists open cases for /queue, /dept and /overdue, at most
// f.Limit (CaseListMax): the overdue ones most overdue first (walking the
// index of the running deadlines), the others oldest first (the index of
// the open cases by arrival). The ids are chosen first and only they are
// read with their names, so a list costs the same at 1,000 cases as at
// 1,000,000.
func (q *Queries) FindCases(ctx context.Context, f CaseQuery) ([]CaseView, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = CaseListMax
	}
	where, args := f.where()
	order := `o.created_at, o.id`
	if !f.OverdueAt.IsZero() {
		order = caseRunningDue + `, o.id`
	}
	var cs []CaseView
	err := q.db.SelectContext(ctx, &cs, caseViewSelect+`
		WHERE c.id = ANY(ARRAY(SELECT o.id FROM cases o WHERE `+where+` ORDER BY `+order+fmt.Sprintf(` LIMIT %d))`, limit)+`
		ORDER BY `+strings.ReplaceAll(order, "o.", "c."), args...)
	return cs, wrap("find cases", err)
}

// CountCases counts the cases FindCases chooses from, up to CaseCountMax.
func (q *Queries) CountCases(ctx context.Context, f CaseQuery) (int, error) {
	where, args := f.where()
	var n int
	err := q.db.GetContext(ctx, &n, `SELECT count(*) FROM (SELECT FROM cases o WHERE `+where+
		fmt.Sprintf(` LIMIT %d) x`, CaseCountMax), args...)
	return n, wrap("count cases", err)
}

// ClearDepartment forgets a case's department (it refused the case).
func (q *Queries) ClearDepartment(ctx context.Context, caseID int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET department_id = NULL WHERE id = $1`, caseID)
	return wrap("clear department", err)
}

// textArray is a list of words of the vocabulary as a text[] parameter.
func textArray[T ~string](ss []T) pq.StringArray {
	out := make(pq.StringArray, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
