package store

import (
	"context"

	"github.com/lib/pq"
)

// NearestAlley is the alley nearest to (lat, lon) among those that
// contain it (within radius_m of its centre, or of its line); ErrNotFound
// when none does. A subdistrict has hundreds of alleys at most, so a scan
// is cheap.
func (q *Queries) NearestAlley(ctx context.Context, lat, lon float64) (Alley, float64, error) {
	as, err := q.AllAlleys(ctx)
	if err != nil {
		return Alley{}, 0, err
	}
	a, dist, inside := Nearest(as, lat, lon)
	if !inside {
		return Alley{}, 0, ErrNotFound
	}
	return a, dist, nil
}

// AlleyByID reads one alley.
func (q *Queries) AlleyByID(ctx context.Context, id int64) (Alley, error) {
	var a Alley
	err := q.db.GetContext(ctx, &a, `SELECT id, code, community_id, name, lat, lon, radius_m, aliases, line FROM alleys WHERE id = $1`, id)
	return a, wrap("alley", notFound(err))
}

// AllAlleys lists every alley by name (for people who patrol none).
func (q *Queries) AllAlleys(ctx context.Context) ([]Alley, error) {
	var as []Alley
	err := q.db.SelectContext(ctx, &as, `SELECT id, code, community_id, name, lat, lon, radius_m, aliases, line FROM alleys ORDER BY name`)
	return as, wrap("alleys", err)
}

// Community is a residents' community (社区) of the subdistrict.
type Community struct {
	ID     int64  `db:"id"`
	Code   string `db:"code"`
	Name   string `db:"name"`
	NameEn string `db:"name_en"`
}

// Alley is a patrolled alley: a centre point and a radius.
type Alley struct {
	ID          int64   `db:"id"`
	Code        string  `db:"code"`
	CommunityID int64   `db:"community_id"`
	Name        string  `db:"name"`
	Lat         float64 `db:"lat"`
	Lon         float64 `db:"lon"`
	RadiusM     int     `db:"radius_m"`
	// Aliases are other names people write for the alley.
	Aliases pq.StringArray `db:"aliases"`
	// Line is a long alley's line: lat, lon, lat, lon … (empty: a circle
	// around Lat, Lon). See DistanceM.
	Line pq.Float64Array `db:"line"`
}

// UpsertCommunity inserts or updates a community by code.
func (q *Queries) UpsertCommunity(ctx context.Context, c Community) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO communities (code, name, name_en) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, updated_at = now()
		RETURNING id`, c.Code, c.Name, c.NameEn)
	return id, wrap("upsert community "+c.Code, err)
}

// UpsertAlley inserts or updates an alley by code.
func (q *Queries) UpsertAlley(ctx context.Context, a Alley) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `
		INSERT INTO alleys (code, community_id, name, lat, lon, radius_m, aliases, line) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (code) DO UPDATE SET community_id = EXCLUDED.community_id, name = EXCLUDED.name,
			lat = EXCLUDED.lat, lon = EXCLUDED.lon, radius_m = EXCLUDED.radius_m, aliases = EXCLUDED.aliases, line = EXCLUDED.line,
			updated_at = now()
		RETURNING id`, a.Code, a.CommunityID, a.Name, a.Lat, a.Lon, a.RadiusM, aliasesOf(a.Aliases), lineOf(a.Line))
	return id, wrap("upsert alley "+a.Code, err)
}

// AlleysOfSteward lists the alleys a steward patrols, by name.
func (q *Queries) AlleysOfSteward(ctx context.Context, personID int64) ([]Alley, error) {
	var as []Alley
	err := q.db.SelectContext(ctx, &as, `
		SELECT DISTINCT a.id, a.code, a.community_id, a.name, a.lat, a.lon, a.radius_m, a.aliases, a.line
		FROM alleys a JOIN patrol_schedules p ON p.alley_id = a.id
		WHERE p.person_id = $1 ORDER BY a.name`, personID)
	return as, wrap("alleys of steward", err)
}

// lineOf is never NULL (the column is NOT NULL, '{}' for none).
func lineOf(l []float64) pq.Float64Array {
	if l == nil {
		return pq.Float64Array{}
	}
	return l
}

// aliasesOf is never NULL (the column is NOT NULL, '{}' for none).
func aliasesOf(as []string) pq.StringArray {
	if as == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(as)
}

// Communities lists the communities, by name.
func (q *Queries) Communities(ctx context.Context) ([]Community, error) {
	var cs []Community
	err := q.db.SelectContext(ctx, &cs, `SELECT id, code, name, name_en FROM communities ORDER BY code`)
	return cs, wrap("communities", err)
}
