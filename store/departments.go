package store

import (
	"context"

	"github.com/alleybot/alleybot/model"
)

// Department is a responsible department (职能部门).
type Department struct {
	ID     int64  `db:"id"`
	Code   string `db:"code"`
	Name   string `db:"name"`
	NameEn string `db:"name_en"`
}

// UpsertDepartment inserts or updates a department by code.
func (q *Queries) UpsertDepartment(ctx context.Context, d Department) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO departments (code, name, name_en) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, updated_at = now()
		RETURNING id`, d.Code, d.Name, d.NameEn)
	return id, wrap("upsert department "+d.Code, err)
}

// CopiedDepartments are the departments a case was copied to.
func (q *Queries) CopiedDepartments(ctx context.Context, caseID int64) ([]Department, error) {
	var ds []Department
	err := q.db.SelectContext(ctx, &ds, `SELECT d.id, d.code, d.name, d.name_en FROM departments d
		JOIN case_departments cd ON cd.department_id = d.id WHERE cd.case_id = $1 ORDER BY d.id`, caseID)
	return ds, wrap("copied departments", err)
}

// Departments lists every department, in roster order.
func (q *Queries) Departments(ctx context.Context) ([]Department, error) {
	var ds []Department
	err := q.db.SelectContext(ctx, &ds, `SELECT id, code, name, name_en FROM departments ORDER BY id`)
	return ds, wrap("departments", err)
}

// DepartmentByID reads one department.
func (q *Queries) DepartmentByID(ctx context.Context, id int64) (Department, error) {
	var d Department
	err := q.db.GetContext(ctx, &d, `SELECT id, code, name, name_en FROM departments WHERE id = $1`, id)
	return d, wrap("department", notFound(err))
}

// InDepartment reports whether a person is a member of a department.
func (q *Queries) InDepartment(ctx context.Context, personID, deptID int64) (bool, error) {
	var ok bool
	err := q.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM person_roles WHERE person_id = $1 AND role = $3 AND department_id = $2)`, personID, deptID, model.RoleDepartment)
	return ok, wrap("in department", err)
}
