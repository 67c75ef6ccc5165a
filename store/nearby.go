package store

import (
	"context"
	"math"

	"github.com/lib/pq"
)

// The duplicate check: the open cases of a category near a new report.
// Issue 26 item 2: it walked every open case oldest first, computing
// distances, until three were near (144–152 ms with 100,000 open and none
// near). It now reads the grid cells the radius touches through an index
// (migration 0034's case_cell and cases_open_cell_idx), each oldest first,
// so its cost is that of the cases near the point, however many are open
// elsewhere (store/nearby_bench_test.go).

// cellsPerDegree is case_cell's grid: 0.001° of latitude (111 m) by 0.001°
// of longitude (85 m in Beijing).
const cellsPerDegree = 1000

// maxNearbyCells bounds the cells one check reads: up to a radius of about
// 300 m in Beijing. A wider radius (or a point by a pole) walks the open
// cases as before.
const maxNearbyCells = 64

// caseCell is case_cell(lat, lon) of migration 0034 for a cell's row and
// column (floor(lat·1000), floor(lon·1000)).
func caseCell(row, col int64) int64 {
	return (row+90*cellsPerDegree)*1_000_000 + col + 180*cellsPerDegree
}

// nearbyCells are the case_cell numbers of the cells that hold every point
// within radius metres (by the haversine distance) of (lat, lon); ok is
// false when they are more than maxNearbyCells, or the point is off the
// globe.
func nearbyCells(lat, lon, radius float64) (cells []int64, ok bool) {
	if !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && radius >= 0) {
		return nil, false
	}
	deg := 180 / math.Pi
	ang := radius / earthRadiusM // the radius as an angle at the centre, radians
	// A point within the radius is at most ang away in latitude, and at most
	// asin(sin ang / cos lat) in longitude while no pole is within it
	// (J. P. Matuschek, "Finding Points Within a Distance of a
	// Latitude/Longitude Using Bounding Coordinates"). The margin covers
	// rounding: a cell too many costs an index probe, one too few a miss.
	const margin = 1.000001
	dLat := ang*deg*margin + 1e-9
	lo, hi := lat-dLat, lat+dLat
	if lo <= -90 || hi >= 90 {
		return nil, false
	}
	s := math.Sin(ang) / math.Cos(lat/deg)
	if s >= 1 {
		return nil, false
	}
	dLon := math.Asin(s)*deg*margin + 1e-9
	// floor(x·1000) rises with x, so a point between lo and hi is in a row
	// between theirs; likewise for the columns.
	row0, row1 := int64(math.Floor(float64(lo*cellsPerDegree))), int64(math.Floor(float64(hi*cellsPerDegree)))
	col0, col1 := int64(math.Floor(float64((lon-dLon)*cellsPerDegree))), int64(math.Floor(float64((lon+dLon)*cellsPerDegree)))
	// Across the antimeridian a column is the one 360° away: the cells are
	// numbered from -180° to 180° (both ends, as the points may say either).
	var cols []int64
	seen := map[int64]bool{}
	for c := col0; c <= col1; c++ {
		for _, w := range []int64{c, c - 360*cellsPerDegree, c + 360*cellsPerDegree} {
			if w >= -180*cellsPerDegree && w <= 180*cellsPerDegree && !seen[w] {
				seen[w] = true
				cols = append(cols, w)
			}
		}
		if len(cols)*int(row1-row0+1) > maxNearbyCells {
			return nil, false
		}
	}
	for r := row0; r <= row1; r++ {
		for _, c := range cols {
			cells = append(cells, caseCell(r, c))
		}
	}
	return cells, true
}

// nearbyCategory is the category test of the three queries below ($1).
const nearbyCategory = `o.closed_at IS NULL AND o.status <> 'merged'
	AND EXISTS (SELECT 1 FROM case_categories cc WHERE cc.case_id = o.id AND cc.category_id = $1)`

// nearbyDistance is the haversine distance in metres of case o from ($3, $4).
const nearbyDistance = `2 * 6371000 * asin(sqrt(power(sin(radians($3 - o.lat) / 2), 2) +
	cos(radians(o.lat)) * cos(radians($3)) * power(sin(radians($4 - o.lon) / 2), 2)))`

// nearbyByCells: a report with a point. In each cell the radius touches
// (cases_open_cell_idx), the first three of the category within the
// radius, oldest first; with the first three of the alley's open cases
// that have no point (compared by alley, as always; cases_open_unplaced_idx);
// of them all, the three oldest. The cells are $5.
const nearbyByCells = `SELECT n.id FROM (
		SELECT o.id, o.created_at FROM unnest($5::bigint[]) AS g(cell), LATERAL (
			SELECT o.id, o.created_at FROM cases o
			WHERE case_cell(o.lat, o.lon) = g.cell AND ` + nearbyCategory + ` AND ` + nearbyDistance + ` <= $6
			ORDER BY o.created_at, o.id LIMIT 3) o
		UNION ALL
		(SELECT o.id, o.created_at FROM cases o
			WHERE o.alley_id = $2 AND o.lat IS NULL AND ` + nearbyCategory + `
			ORDER BY o.created_at, o.id LIMIT 3)
	) n ORDER BY n.created_at, n.id LIMIT 3`

// nearbyByAlley: a report without a point, the alley's open cases of the
// category, oldest first (cases_open_alley_idx).
const nearbyByAlley = `SELECT o.id FROM cases o WHERE o.alley_id = $2 AND ` + nearbyCategory + `
	ORDER BY o.created_at, o.id LIMIT 3`

// nearbyByWalk: a radius of more cells than maxNearbyCells, the check as it
// was: the open cases oldest first (cases_open_created_idx) until three are
// near or, with no point of their own, in the alley.
const nearbyByWalk = `SELECT o.id FROM cases o WHERE ` + nearbyCategory + `
	AND CASE WHEN o.lat IS NULL THEN o.alley_id = $2 ELSE ` + nearbyDistance + ` <= $5 END
	ORDER BY o.created_at, o.id LIMIT 3`

// NearbyOpen lists open cases of a category near a point (within radius
// metres; with no point, in the same alley; a case with no point matches a
// report in its alley), oldest first, at most 3: the duplicates a new
// report may be of.
func (q *Queries) NearbyOpen(ctx context.Context, categoryID, alleyID int64, lat, lon *float64, radius float64) ([]CaseView, error) {
	query, args := nearbyQuery(categoryID, alleyID, lat, lon, radius)
	var cs []CaseView
	err := q.db.SelectContext(ctx, &cs, query, args...)
	return cs, wrap("nearby open cases", err)
}

// nearbyQuery is NearbyOpen's statement and its arguments.
func nearbyQuery(categoryID, alleyID int64, lat, lon *float64, radius float64) (string, []any) {
	ids, args := nearbyByAlley, []any{categoryID, alleyID}
	if lat != nil {
		var cells []int64 // a latitude without a longitude: only the alley's cases without a point
		ok := true
		if lon != nil {
			cells, ok = nearbyCells(*lat, *lon, radius)
		}
		if ok {
			ids, args = nearbyByCells, append(args, lat, lon, pq.Array(cells), radius)
		} else {
			ids, args = nearbyByWalk, append(args, lat, lon, radius)
		}
	}
	return caseViewSelect + `
		WHERE c.id = ANY(ARRAY(` + ids + `))
		ORDER BY c.created_at, c.id`, args
}
