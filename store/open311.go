package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// Open311Request is a case as Open311 GeoReport v2 tells it: nothing
// personal (no reporter, no phone, no person's name). Like the public
// page, a case a resident's complaint became has its description and
// address (the resident's own words) left out.
type Open311Request struct {
	Number       string          `db:"number"`
	Status       model.Status    `db:"status"`
	ServiceCode  string          `db:"service_code"`
	ServiceName  string          `db:"service_name"`
	Description  string          `db:"description"`
	Department   string          `db:"department"`
	Address      string          `db:"address"`
	AlleyName    string          `db:"alley_name"`
	Lat          sql.NullFloat64 `db:"lat"`
	Lon          sql.NullFloat64 `db:"lon"`
	CreatedAt    time.Time       `db:"created_at"`
	UpdatedAt    time.Time       `db:"updated_at"`
	ClosedAt     sql.NullTime    `db:"closed_at"`
	VerifyBy     sql.NullTime    `db:"verify_by"`
	FixBy        sql.NullTime    `db:"fix_by"`
	FirstPhotoID sql.NullInt64   `db:"photo_id"` // a closed case's first public photo (after, else before)
}

const open311Select = `SELECT c.number, c.status, coalesce(g.code, '') AS service_code, coalesce(g.name, '') AS service_name,
	CASE WHEN c.source = 'complaint' THEN '' ELSE c.description END AS description,
	coalesce(d.name, '') AS department, CASE WHEN c.source = 'complaint' THEN '' ELSE c.address END AS address,
	coalesce(a.name, '') AS alley_name, c.lat, c.lon, c.created_at, c.updated_at, c.closed_at, c.verify_by, c.fix_by,
	(SELECT ph.id FROM photos ph WHERE ph.case_id = c.id AND c.status = 'closed' AND ph.kind IN ('before', 'after')
		AND ph.sha256 IS NOT NULL AND ph.complaint_id IS NULL ORDER BY ph.kind = 'after' DESC, ph.id LIMIT 1) AS photo_id`

const open311Joins = `
	LEFT JOIN alleys a ON a.id = c.alley_id
	LEFT JOIN departments d ON d.id = c.department_id
	LEFT JOIN LATERAL (SELECT cat.code, cat.name FROM case_categories cc JOIN categories cat ON cat.id = cc.category_id
		WHERE cc.case_id = c.id ORDER BY cc.lead DESC, cat.sort LIMIT 1) g ON true`

// Open311Filter selects requests: by numbers (then, as the spec says,
// every other filter is ignored), else those created in [From, To), of a category (ServiceCode
// "" any), open or closed (Status "" either), newest first, Limit of them
// after Offset.
type Open311Filter struct {
	Numbers       []string
	ServiceCode   string
	Status        string // "open", "closed" or ""
	From, To      time.Time
	Limit, Offset int
}

// Open311Requests lists requests (merged duplicates left out). The cases
// are read by created_at's index, newest first; a page is at most Limit.
func (q *Queries) Open311Requests(ctx context.Context, f Open311Filter) ([]Open311Request, error) {
	var (
		conds = []string{"c.status <> $1"}
		args  = []any{model.StatusMerged}
	)
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	limit := ""
	if len(f.Numbers) > 0 {
		conds = append(conds, "c.number = ANY("+arg(pq.StringArray(f.Numbers))+")")
	} else {
		conds = append(conds, "c.created_at >= "+arg(f.From), "c.created_at < "+arg(f.To))
		limit = fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
		switch f.Status {
		case "open":
			conds = append(conds, "c.closed_at IS NULL")
		case "closed":
			conds = append(conds, "c.closed_at IS NOT NULL")
		}
		if f.ServiceCode != "" {
			// Checked case by case along the index (a subplan on the
			// primary key), not a join of every case of the category.
			conds = append(conds, `(SELECT cc.category_id FROM case_categories cc WHERE cc.case_id = c.id AND cc.lead LIMIT 1) =
				(SELECT cat.id FROM categories cat WHERE cat.code = `+arg(f.ServiceCode)+")")
		}
	}
	// The page's ids first (by the index, nothing joined), then their rows.
	var rs []Open311Request
	err := q.db.SelectContext(ctx, &rs, open311Select+` FROM (SELECT c.id FROM cases c WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY c.created_at DESC, c.id DESC`+limit+`) k JOIN cases c ON c.id = k.id`+open311Joins+
		` ORDER BY c.created_at DESC, c.id DESC`, args...)
	return rs, wrap("open311 requests", err)
}

// AlleyByAddress is the alley whose name or an alias of it the address
// names (the longest such name, so 菊儿胡同东口 is not taken for 菊儿胡同);
// ErrNotFound when none.
func (q *Queries) AlleyByAddress(ctx context.Context, address string) (Alley, error) {
	as, err := q.AllAlleys(ctx)
	if err != nil {
		return Alley{}, err
	}
	var best Alley
	bestLen := 0
	for _, a := range as {
		for _, name := range append([]string{a.Name}, a.Aliases...) {
			if name != "" && len(name) > bestLen && strings.Contains(address, name) {
				best, bestLen = a, len(name)
			}
		}
	}
	if bestLen == 0 {
		return Alley{}, ErrNotFound
	}
	return best, nil
}
