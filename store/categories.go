package store

import (
	"context"
	"database/sql"
)

// Category is a class of problem, with its default department and its clocks.
type Category struct {
	ID                  int64         `db:"id"`
	Code                string        `db:"code"`
	Name                string        `db:"name"`
	NameEn              string        `db:"name_en"`
	DepartmentID        sql.NullInt64 `db:"department_id"`
	VerifyWithinMinutes int           `db:"verify_within_minutes"`
	FixWithinMinutes    int           `db:"fix_within_minutes"`
	Sort                int           `db:"sort"`
}

// UpsertCategory inserts or updates a category by code.
func (q *Queries) UpsertCategory(ctx context.Context, c Category) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO categories (code, name, name_en, department_id, verify_within_minutes, fix_within_minutes, sort)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en,
			department_id = EXCLUDED.department_id, verify_within_minutes = EXCLUDED.verify_within_minutes,
			fix_within_minutes = EXCLUDED.fix_within_minutes, sort = EXCLUDED.sort, updated_at = now()
		RETURNING id`, c.Code, c.Name, c.NameEn, c.DepartmentID, c.VerifyWithinMinutes, c.FixWithinMinutes, c.Sort)
	return id, wrap("upsert category "+c.Code, err)
}

// Categories lists the categories in their sort order.
func (q *Queries) Categories(ctx context.Context) ([]Category, error) {
	var cs []Category
	err := q.db.SelectContext(ctx, &cs, `
		SELECT id, code, name, name_en, department_id, verify_within_minutes, fix_within_minutes, sort
		FROM categories ORDER BY sort, id`)
	return cs, wrap("list categories", err)
}

// CategoryByID reads one problem category.
func (q *Queries) CategoryByID(ctx context.Context, id int64) (Category, error) {
	var c Category
	err := q.db.GetContext(ctx, &c, `SELECT id, code, name, name_en, department_id, verify_within_minutes, fix_within_minutes, sort
		FROM categories WHERE id = $1`, id)
	return c, wrap("category", notFound(err))
}

// LeadCategory is the category that sets a case's clocks: the lead one.
func (q *Queries) LeadCategory(ctx context.Context, caseID int64) (Category, error) {
	var c Category
	err := q.db.GetContext(ctx, &c, `SELECT g.id, g.code, g.name, g.name_en, g.department_id, g.verify_within_minutes, g.fix_within_minutes, g.sort
		FROM case_categories cc JOIN categories g ON g.id = cc.category_id
		WHERE cc.case_id = $1 ORDER BY cc.lead DESC, cc.category_id LIMIT 1`, caseID)
	return c, wrap("lead category", notFound(err))
}

// CaseCategories lists a case's categories, the lead one first.
func (q *Queries) CaseCategories(ctx context.Context, caseID int64) ([]Category, error) {
	var cs []Category
	err := q.db.SelectContext(ctx, &cs, `SELECT g.id, g.code, g.name, g.name_en, g.department_id, g.verify_within_minutes, g.fix_within_minutes, g.sort
		FROM case_categories cc JOIN categories g ON g.id = cc.category_id
		WHERE cc.case_id = $1 ORDER BY cc.lead DESC, g.sort, g.id`, caseID)
	return cs, wrap("case categories", err)
}

// CategoryByCode finds a category by its roster code (ErrNotFound: none).
func (q *Queries) CategoryByCode(ctx context.Context, code string) (Category, error) {
	var c Category
	err := q.db.GetContext(ctx, &c, `SELECT id, code, name, name_en, department_id, verify_within_minutes, fix_within_minutes, sort
		FROM categories WHERE code = $1`, code)
	return c, wrap("category by code", notFound(err))
}
