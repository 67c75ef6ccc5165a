package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// The desk's queue (issue 24): the web desk's list of cases, a page at a
// time, within what the reader may see, and its counts per status.
//
// Every query is bounded and walks an index for the default views (open
// cases by arrival or by deadline, with or without a department): the page
// is found by keyset (the last row's sort key, never OFFSET), its ids first,
// and only the page's rows are then joined to their names, categories and
// ratings.

// Sort orders of the desk's list.
const (
	DeskSortCreated = "created" // by arrival (the default)
	DeskSortDue     = "due"     // by the running clock's deadline, cases with none last
	DeskSortNumber  = "number"  // by case number
)

// DeskPageMax is the largest page DeskCases returns; DeskPageDefault is
// the page when none is asked for.
const (
	DeskPageMax     = 200
	DeskPageDefault = 50
)

// DeskCountCap bounds DeskCounts: each status is counted up to
// DeskCountCap+1, so a count above DeskCountCap means "more than
// DeskCountCap".
const DeskCountCap = 10000

// ErrBadCursor is a page cursor DeskCases cannot read (altered, or made for
// another sort).
var ErrBadCursor = errors.New("desk: bad page cursor")

// DeskQuery selects the desk's cases: who may see them (the scope, set by
// the caller from the reader's roles), the filters (a zero value filters
// nothing), the order and the page.
type DeskQuery struct {
	// Scope. A case is seen if any of these allows it; with none set,
	// nothing is.
	All         bool    // coordinator, supervisor, admin: every case
	Departments []int64 // a department's member: its lead cases and those copied to it
	Reporter    int64   // a steward (read-only): the cases they reported

	// Filters.
	Statuses     []model.Status
	Open         bool  // only cases not closed (closed_at IS NULL)
	CommunityID  int64 // the case's community
	AlleyID      int64 // the case's alley
	DepartmentID int64 // the lead department (not a copy)
	CategoryID   int64 // one of the case's categories
	Overdue      bool  // a running clock past Now (dispatched: verify_by; verified: fix_by)
	From, To     time.Time
	Now          time.Time // for Overdue; time.Now() when zero

	// Order and page.
	Sort  string // DeskSortCreated ("" too), DeskSortDue, DeskSortNumber
	Desc  bool
	After string // the cursor DeskCases returned for the previous page ("" the first)
	Limit int    // page size, DeskPageDefault when 0, at most DeskPageMax
}

// DeskRow is a case as the desk's list and its work-order export show it.
type DeskRow struct {
	ID            int64        `db:"id"`
	Number        string       `db:"number"`
	Status        model.Status `db:"status"`
	Description   string       `db:"description"`
	Address       string       `db:"address"` // what the steward typed ("" none)
	CreatedAt     time.Time    `db:"created_at"`
	DispatchedAt  sql.NullTime `db:"dispatched_at"`
	VerifiedAt    sql.NullTime `db:"verified_at"`
	FixedAt       sql.NullTime `db:"fixed_at"`
	ClosedAt      sql.NullTime `db:"closed_at"`
	VerifyBy      sql.NullTime `db:"verify_by"`
	FixBy         sql.NullTime `db:"fix_by"`
	Escalated     bool         `db:"escalated"`
	SendbackCount int          `db:"sendback_count"`

	CommunityID      int64  `db:"community_id"` // 0: none
	CommunityName    string `db:"community_name"`
	CommunityNameEn  string `db:"community_name_en"` // the Chinese name where the roster has no English one
	AlleyID          int64  `db:"alley_id"`
	AlleyName        string `db:"alley_name"`
	DepartmentID     int64  `db:"department_id"` // the lead department, 0: none yet
	DepartmentName   string `db:"department_name"`
	DepartmentNameEn string `db:"department_name_en"`
	ReporterID       int64  `db:"reporter_id"`
	ReporterName     string `db:"reporter_name"`

	// The lead category first.
	Categories   pq.StringArray `db:"categories"`
	CategoriesEn pq.StringArray `db:"categories_en"`

	// Satisfaction is the average of the residents' scores over every
	// closing of the case (invalid: none); Ratings how many scores.
	Satisfaction sql.NullFloat64 `db:"satisfaction"`
	Ratings      int             `db:"ratings"`
}

// RunningClock is the clock that runs on the case and its deadline (ok
// false: none runs), as model.RunningClock.
func (r DeskRow) RunningClock() (clock model.Clock, due time.Time, ok bool) {
	return model.RunningClock(r.Status, r.VerifyBy, r.FixBy)
}

// deskDue is the running clock's deadline in SQL (NULL: none runs), the
// expression of cases_open_due_idx (migration 0027).
const deskDue = `(CASE c.status WHEN 'dispatched' THEN c.verify_by WHEN 'verified' THEN c.fix_by END)`

const deskRowSelect = `SELECT c.id, c.number, c.status, c.description, c.address, c.created_at, c.dispatched_at,
	c.verified_at, c.fixed_at, c.closed_at, c.verify_by, c.fix_by, c.escalated, c.sendback_count,
	coalesce(c.community_id, 0) AS community_id, coalesce(cm.name, '') AS community_name,
	coalesce(nullif(cm.name_en, ''), cm.name, '') AS community_name_en,
	coalesce(c.alley_id, 0) AS alley_id, coalesce(a.name, '') AS alley_name,
	coalesce(c.department_id, 0) AS department_id, coalesce(d.name, '') AS department_name,
	coalesce(nullif(d.name_en, ''), d.name, '') AS department_name_en,
	coalesce(c.reporter_id, 0) AS reporter_id, coalesce(p.name, '') AS reporter_name,
	array(SELECT g.name FROM case_categories cc JOIN categories g ON g.id = cc.category_id
	      WHERE cc.case_id = c.id ORDER BY cc.lead DESC, g.sort) AS categories,
	array(SELECT g.name_en FROM case_categories cc JOIN categories g ON g.id = cc.category_id
	      WHERE cc.case_id = c.id ORDER BY cc.lead DESC, g.sort) AS categories_en,
	r.satisfaction, coalesce(r.ratings, 0) AS ratings
	FROM page JOIN cases c ON c.id = page.id
	LEFT JOIN alleys a ON a.id = c.alley_id
	LEFT JOIN communities cm ON cm.id = c.community_id
	LEFT JOIN departments d ON d.id = c.department_id
	LEFT JOIN people p ON p.id = c.reporter_id
	LEFT JOIN LATERAL (SELECT avg(score)::float8 AS satisfaction, count(score) AS ratings
		FROM case_ratings WHERE case_id = c.id) r ON true`

// deskSQL collects a query's conditions and their arguments: every value
// is a parameter, never text of the query.
type deskSQL struct {
	where []string
	args  []any
}

func (s *deskSQL) arg(v any) string {
	s.args = append(s.args, v)
	return "$" + strconv.Itoa(len(s.args))
}

// and adds a condition, once: the planner multiplies the selectivity of a
// condition written twice, and a query so misjudged sorts every open case
// instead of walking an index (measured: the overdue by deadline, 400 ms).
func (s *deskSQL) and(cond string) {
	if !slices.Contains(s.where, cond) {
		s.where = append(s.where, cond)
	}
}

// clause is the conditions and extra, each once.
func (s *deskSQL) clause(extra ...string) string {
	where := slices.Clone(s.where)
	for _, e := range extra {
		if !slices.Contains(where, e) {
			where = append(where, e)
		}
	}
	if len(where) == 0 {
		return "true"
	}
	return strings.Join(where, " AND ")
}

// filter adds the scope and the filters of f (not its statuses when
// withStatuses is false) to s. It reports false when the scope allows
// nothing.
func (s *deskSQL) filter(f DeskQuery, withStatuses bool) bool {
	if !f.All {
		var scope []string
		if len(f.Departments) > 0 {
			d := s.arg(pq.Int64Array(f.Departments))
			// A case the center has not dispatched yet is not the
			// department's, even where the report proposed it.
			scope = append(scope, `(c.department_id = ANY(`+d+`) AND c.status NOT IN ('submitted', 'returned', 'merged'))`,
				`c.id IN (SELECT cd.case_id FROM case_departments cd WHERE cd.department_id = ANY(`+d+`))`)
		}
		if f.Reporter != 0 {
			scope = append(scope, `c.reporter_id = `+s.arg(f.Reporter))
		}
		if len(scope) == 0 {
			return false
		}
		s.and("(" + strings.Join(scope, " OR ") + ")")
	}
	if withStatuses && len(f.Statuses) > 0 {
		s.and(`c.status = ANY(` + s.arg(textArray(f.Statuses)) + `)`)
	}
	if f.Open {
		s.and(`c.closed_at IS NULL`)
	}
	for _, eq := range []struct {
		col string
		v   int64
	}{{"c.community_id", f.CommunityID}, {"c.alley_id", f.AlleyID}, {"c.department_id", f.DepartmentID}} {
		if eq.v != 0 {
			s.and(eq.col + ` = ` + s.arg(eq.v))
		}
	}
	if f.CategoryID != 0 {
		s.and(`EXISTS (SELECT 1 FROM case_categories k WHERE k.case_id = c.id AND k.category_id = ` + s.arg(f.CategoryID) + `)`)
	}
	if f.Overdue {
		// Only a running clock is past: the case is open (the partial
		// index's predicate).
		s.and(`c.closed_at IS NULL`)
		s.and(deskDue + ` < ` + s.arg(f.Now))
	}
	if !f.From.IsZero() {
		s.and(`c.created_at >= ` + s.arg(f.From))
	}
	if !f.To.IsZero() {
		s.and(`c.created_at < ` + s.arg(f.To))
	}
	return true
}

// deskCursor is the last row of a page: where the next one starts.
type deskCursor struct {
	Sort   string `json:"s"`
	Desc   bool   `json:"d,omitempty"`
	At     int64  `json:"t,omitempty"` // created_at or the deadline, Unix microseconds
	NoDue  bool   `json:"z,omitempty"` // DeskSortDue: the row has no running clock
	Number string `json:"n,omitempty"` // DeskSortNumber
	ID     int64  `json:"i"`
}

func (c deskCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// The times a cursor may carry (years 1900 to 9999): PostgreSQL refuses
// others.
var (
	minCursorAt = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	maxCursorAt = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).UnixMicro()
)

// decodeDeskCursor reads a cursor made for the same sort and direction.
func decodeDeskCursor(s, sort string, desc bool) (deskCursor, error) {
	var c deskCursor
	if len(s) > 512 {
		return c, ErrBadCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, ErrBadCursor
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || c.Sort != sort || c.Desc != desc || c.ID <= 0 ||
		(sort == DeskSortNumber && c.Number == "") || c.At < minCursorAt || c.At > maxCursorAt {
		return c, ErrBadCursor
	}
	return c, nil
}

// normalize fills f's defaults and checks its sort.
func (f *DeskQuery) normalize() error {
	switch f.Sort {
	case "":
		f.Sort = DeskSortCreated
	case DeskSortCreated, DeskSortDue, DeskSortNumber:
	default:
		return fmt.Errorf("desk: unknown sort %q", f.Sort)
	}
	if f.Limit <= 0 {
		f.Limit = DeskPageDefault
	}
	f.Limit = min(f.Limit, DeskPageMax)
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	return nil
}

// DeskCases is a page of the desk's list: the cases of f's scope that pass
// its filters, in its order, after the cursor f.After; next is the cursor
// of the following page, "" after the last. A cursor that was altered or
// made for another order is ErrBadCursor.
func (q *Queries) DeskCases(ctx context.Context, f DeskQuery) (rows []DeskRow, next string, err error) {
	if err := f.normalize(); err != nil {
		return nil, "", err
	}
	var cur *deskCursor
	if f.After != "" {
		c, err := decodeDeskCursor(f.After, f.Sort, f.Desc)
		if err != nil {
			return nil, "", err
		}
		cur = &c
		if c.NoDue && f.Overdue {
			return nil, "", nil // past the cases with a clock: none is overdue
		}
	}
	var s deskSQL
	if !s.filter(f, true) {
		return nil, "", nil
	}
	page, order := deskPage(&s, f, cur)
	err = q.db.SelectContext(ctx, &rows, `WITH page AS (`+page+`) `+deskRowSelect+` ORDER BY `+order, s.args...)
	if err != nil {
		return nil, "", wrap("desk cases", err)
	}
	if len(rows) <= f.Limit {
		return rows, "", nil
	}
	rows = rows[:f.Limit]
	return rows, deskCursorAfter(f, rows[len(rows)-1]).encode(), nil
}

// deskCursorAfter is the cursor that follows row.
func deskCursorAfter(f DeskQuery, row DeskRow) deskCursor {
	c := deskCursor{Sort: f.Sort, Desc: f.Desc, ID: row.ID}
	switch f.Sort {
	case DeskSortCreated:
		c.At = row.CreatedAt.UnixMicro()
	case DeskSortNumber:
		c.Number = row.Number
	case DeskSortDue:
		if _, due, ok := row.RunningClock(); ok {
			c.At = due.UnixMicro()
		} else {
			c.NoDue = true
		}
	}
	return c
}

// deskPage is the query of the page's ids (one more than the page, to know
// whether another follows) and the order of the rows in the outer query.
func deskPage(s *deskSQL, f DeskQuery, cur *deskCursor) (page, order string) {
	dir, cmp := "", ">"
	if f.Desc {
		dir, cmp = " DESC", "<"
	}
	// The page's size is written in the query, not a parameter: a
	// statement prepared once is planned for any value of its parameters
	// (a generic plan), and one that does not know how few rows it wants
	// sorts every open case instead of walking an index (measured: a deep
	// page by deadline 400 ms against 4 ms).
	limit := strconv.Itoa(f.Limit + 1)
	switch f.Sort {
	case DeskSortNumber:
		w := s.clause()
		if cur != nil {
			w += ` AND c.number ` + cmp + ` ` + s.arg(cur.Number)
		}
		return `SELECT c.id FROM cases c WHERE ` + w + ` ORDER BY c.number` + dir + ` LIMIT ` + limit,
			`c.number` + dir
	case DeskSortDue:
		return deskDuePage(s, limit, dir, cmp, cur, f.Overdue),
			`page.due IS NULL, page.due` + dir + `, c.id` + dir
	}
	w := s.clause()
	if cur != nil {
		t := s.arg(time.UnixMicro(cur.At))
		w += ` AND c.created_at ` + cmp + `= ` + t + ` AND (c.created_at ` + cmp + ` ` + t + ` OR c.id ` + cmp + ` ` + s.arg(cur.ID) + `)`
	}
	return `SELECT c.id FROM cases c WHERE ` + w + ` ORDER BY c.created_at` + dir + `, c.id` + dir + ` LIMIT ` + limit,
		`c.created_at` + dir + `, c.id` + dir
}

// deskDuePage orders by the running clock's deadline, the cases with none
// last (by id), in two parts each walking cases_open_due_idx: the cases
// with a clock (all open), then those without one (none when only the
// overdue are asked for).
func deskDuePage(s *deskSQL, limit, dir, cmp string, cur *deskCursor, overdue bool) string {
	var parts []string
	if cur == nil || !cur.NoDue {
		w := s.clause(`c.closed_at IS NULL`, deskDue+` IS NOT NULL`)
		if cur != nil {
			t := s.arg(time.UnixMicro(cur.At))
			w += ` AND ` + deskDue + ` ` + cmp + `= ` + t + ` AND (` + deskDue + ` ` + cmp + ` ` + t +
				` OR c.id ` + cmp + ` ` + s.arg(cur.ID) + `)`
		}
		parts = append(parts, `(SELECT c.id, `+deskDue+` AS due FROM cases c WHERE `+w+
			` ORDER BY `+deskDue+dir+`, c.id`+dir+` LIMIT `+limit+`)`)
	}
	// A case without a clock is never overdue: when only the overdue are
	// asked for, the second part would read every open case to find none.
	if !overdue {
		w := s.clause(deskDue + ` IS NULL`)
		if cur != nil && cur.NoDue {
			w += ` AND c.id ` + cmp + ` ` + s.arg(cur.ID)
		}
		// Ordered by the (null) deadline too, so that the order is the
		// index's (NULL, id) and the planner walks it rather than sorting.
		parts = append(parts, `(SELECT c.id, NULL::timestamptz AS due FROM cases c WHERE `+w+
			` ORDER BY `+deskDue+dir+`, c.id`+dir+` LIMIT `+limit+`)`)
	}
	return `SELECT u.id, u.due FROM (` + strings.Join(parts, ` UNION ALL `) + `) u
		ORDER BY u.due IS NULL, u.due` + dir + `, u.id` + dir + ` LIMIT ` + limit
}

// DeskCounts counts the cases of f's scope that pass its filters, per
// status (its Statuses, sort and page ignored; every status of
// model.Statuses is in the map). Each count stops at DeskCountCap+1.
func (q *Queries) DeskCounts(ctx context.Context, f DeskQuery) (map[model.Status]int, error) {
	if err := f.normalize(); err != nil {
		return nil, err
	}
	out := make(map[model.Status]int, len(model.Statuses))
	for _, st := range model.Statuses {
		out[st] = 0
	}
	// Only the open statuses when only open cases count; the filter
	// closed_at IS NULL stays, so that the counts and every filter are
	// read from the open cases' index alone (cases_open_desk_idx: status,
	// community, alley, department, and the clocks, dates and ids beside).
	statuses := model.Statuses
	if f.Open {
		statuses = slices.DeleteFunc(slices.Clone(statuses), func(st model.Status) bool {
			return st == model.StatusClosed || st == model.StatusMerged
		})
	}
	var s deskSQL
	if !s.filter(f, false) {
		return out, nil
	}
	base := s.clause()
	parts := make([]string, 0, len(statuses))
	for _, st := range statuses {
		// The statuses are the model's words, not input.
		parts = append(parts, `SELECT `+pq.QuoteLiteral(string(st))+` AS status, count(*) AS n FROM (SELECT 1 FROM cases c WHERE c.status = `+
			pq.QuoteLiteral(string(st))+` AND `+base+` LIMIT `+strconv.Itoa(DeskCountCap+1)+`) x`)
	}
	var rows []struct {
		Status model.Status `db:"status"`
		N      int          `db:"n"`
	}
	if err := q.db.SelectContext(ctx, &rows, strings.Join(parts, ` UNION ALL `), s.args...); err != nil {
		return nil, wrap("desk counts", err)
	}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
