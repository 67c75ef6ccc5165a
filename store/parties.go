package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// Property managers (物业公司) are departments of kind 'property' with the
// alleys they manage; volunteers help in alleys and answer asks for help.

// SetProperty makes a department a property manager of exactly alleys.
func (q *Queries) SetProperty(ctx context.Context, deptID int64, alleys []int64) error {
	if _, err := q.db.ExecContext(ctx, `UPDATE departments SET kind = 'property' WHERE id = $1`, deptID); err != nil {
		return wrap("set property", err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM property_alleys WHERE department_id = $1`, deptID); err != nil {
		return wrap("clear property alleys", err)
	}
	_, err := q.db.ExecContext(ctx, `INSERT INTO property_alleys (department_id, alley_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, deptID, pq.Array(alleys))
	return wrap("property alleys", err)
}

// PropertyManagersOf are the property managers of an alley.
func (q *Queries) PropertyManagersOf(ctx context.Context, alleyID int64) ([]Department, error) {
	var ds []Department
	err := q.db.SelectContext(ctx, &ds, `SELECT d.id, d.code, d.name, d.name_en FROM departments d
		JOIN property_alleys pa ON pa.department_id = d.id WHERE pa.alley_id = $1 AND d.kind = 'property' ORDER BY d.id`, alleyID)
	return ds, wrap("property managers of", err)
}

// IsProperty reports whether a department is a property manager.
func (q *Queries) IsProperty(ctx context.Context, deptID int64) (bool, error) {
	var ok bool
	err := q.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM departments WHERE id = $1 AND kind = 'property')`, deptID)
	return ok, wrap("is property", err)
}

// PropertyManages reports whether a property manager manages an alley.
func (q *Queries) PropertyManages(ctx context.Context, deptID, alleyID int64) (bool, error) {
	var ok bool
	err := q.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM property_alleys WHERE department_id = $1 AND alley_id = $2)`, deptID, alleyID)
	return ok, wrap("property manages", err)
}

// DepartmentMembers are the active people holding the role department of a department.
func (q *Queries) DepartmentMembers(ctx context.Context, deptID int64) ([]int64, error) {
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, `SELECT DISTINCT p.id FROM people p JOIN person_roles r ON r.person_id = p.id
		WHERE r.role = $2 AND r.department_id = $1 AND p.active ORDER BY p.id`, deptID, model.RoleDepartment)
	return ids, wrap("department members", err)
}

// AddCopy copies a case to a department (case_departments).
func (q *Queries) AddCopy(ctx context.Context, caseID, deptID int64) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO case_departments (case_id, department_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, deptID)
	return wrap("add copy", err)
}

// SetVolunteerAlleys sets the alleys a volunteer helps in.
func (q *Queries) SetVolunteerAlleys(ctx context.Context, personID int64, alleys []int64) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM volunteer_alleys WHERE person_id = $1`, personID); err != nil {
		return wrap("clear volunteer alleys", err)
	}
	_, err := q.db.ExecContext(ctx, `INSERT INTO volunteer_alleys (person_id, alley_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, personID, pq.Array(alleys))
	return wrap("volunteer alleys", err)
}

// VolunteersOf are the active volunteers of an alley.
func (q *Queries) VolunteersOf(ctx context.Context, alleyID int64) ([]int64, error) {
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, `SELECT p.id FROM people p JOIN volunteer_alleys v ON v.person_id = p.id
		WHERE v.alley_id = $1 AND p.active AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = $2)
		ORDER BY p.id`, alleyID, model.RoleVolunteer)
	return ids, wrap("volunteers of", err)
}

// VolunteerAsk is one ask for help.
type VolunteerAsk struct {
	ID      int64         `db:"id"`
	AlleyID int64         `db:"alley_id"`
	CaseID  sql.NullInt64 `db:"case_id"`
	Subject string        `db:"subject"`
	AskedBy sql.NullInt64 `db:"asked_by"`
}

// AddVolunteerAsk records an ask and its volunteers (unanswered yet).
func (q *Queries) AddVolunteerAsk(ctx context.Context, a VolunteerAsk, volunteers []int64, now time.Time) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `INSERT INTO volunteer_asks (alley_id, case_id, subject, asked_by, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.AlleyID, a.CaseID, a.Subject, a.AskedBy, now)
	if err != nil {
		return 0, wrap("add volunteer ask", err)
	}
	_, err = q.db.ExecContext(ctx, `INSERT INTO volunteer_answers (ask_id, person_id) SELECT $1, unnest($2::bigint[])`, id, pq.Array(volunteers))
	return id, wrap("volunteer ask people", err)
}

// VolunteerAskByID reads one ask.
func (q *Queries) VolunteerAskByID(ctx context.Context, id int64) (VolunteerAsk, error) {
	var a VolunteerAsk
	err := q.db.GetContext(ctx, &a, `SELECT id, alley_id, case_id, subject, asked_by FROM volunteer_asks WHERE id = $1`, id)
	return a, wrap("volunteer ask", notFound(err))
}

// AnswerVolunteerAsk records a volunteer's answer; asked is false when the
// person was not asked, answered when they had answered already (nothing changes).
func (q *Queries) AnswerVolunteerAsk(ctx context.Context, askID, personID int64, answer string, now time.Time) (asked, answered bool, err error) {
	var prev sql.NullString
	err = q.db.GetContext(ctx, &prev, `SELECT answer FROM volunteer_answers WHERE ask_id = $1 AND person_id = $2 FOR UPDATE`, askID, personID)
	if err == sql.ErrNoRows {
		return false, false, nil
	}
	if err != nil {
		return false, false, wrap("volunteer answer", err)
	}
	if prev.Valid {
		return true, true, nil
	}
	_, err = q.db.ExecContext(ctx, `UPDATE volunteer_answers SET answer = $3, answered_at = $4 WHERE ask_id = $1 AND person_id = $2`,
		askID, personID, answer, now)
	return true, false, wrap("answer volunteer ask", err)
}
