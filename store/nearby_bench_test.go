package store_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/internal/bigdb"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// BenchmarkNearbyOpen times the duplicate check on internal/bigdb's cases
// (a tenth open) given points: each around its alley's centre, within the
// alley's radius (bigdb writes none), so 100,000 open cases crowd six
// alleys (about 140,000 per km², far denser than a district's). The
// database with 100 open cases always runs; the one with 100,000 with
// ALLEYBOT_BENCH_BIG=1 (a minute or two to load):
//
//	ALLEYBOT_BENCH_BIG=1 go test -run '^$' -bench BenchmarkNearbyOpen -benchtime 50x ./store/
//
// The checks: none-near (a report 500 m from every case), near (帽儿胡同's
// centre, 环境卫生), rare (the same point, a category no case has: every
// open case of the cells read), no-point (帽儿胡同 by name). "before" runs
// the query as it was (the walk of the open cases oldest first) on the
// same database. Each runs in a transaction with generic plans, as in a
// turn (store/turn.go), and is reported by its median and 99th percentile
// (p50-ms, p99-ms) and the cases found (rows); the new check after a
// warm-up that lets every pooled connection prepare it. ref-count is
// SELECT count(*) of the open cases, the machine's yardstick in the same
// run. The plan of none-near, generic as
// the store's prepared statements get, is logged.
func BenchmarkNearbyOpen(b *testing.B) {
	sizes := []int{1_000}
	if os.Getenv("ALLEYBOT_BENCH_BIG") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		ctx := context.Background()
		st := testdb.Open(b, testdb.Fresh(b, true))
		if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := bigdb.Load(ctx, st.DB().DB, n); err != nil {
			b.Fatal(err)
		}
		// Points: a pseudo-random distance (uniform over the disc) and
		// bearing from the alley's centre, from the case's id.
		for _, q := range []string{
			`UPDATE cases c SET
				lat = a.lat + a.radius_m * sqrt(((c.id * 7919) % 1000) / 1000.0) * cos(2 * pi() * ((c.id * 104729) % 3600) / 3600.0) / 111195,
				lon = a.lon + a.radius_m * sqrt(((c.id * 7919) % 1000) / 1000.0) * sin(2 * pi() * ((c.id * 104729) % 3600) / 3600.0)
					/ (111195 * cos(radians(a.lat)))
				FROM alleys a WHERE a.id = c.alley_id`,
			`INSERT INTO categories (code, name, name_en, verify_within_minutes, fix_within_minutes) VALUES ('rare', '罕见', 'Rare', 60, 60)`,
			`VACUUM ANALYZE cases`,
		} {
			if _, err := st.DB().ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		var open int
		if err := st.DB().GetContext(ctx, &open, `SELECT count(*) FROM cases WHERE closed_at IS NULL`); err != nil {
			b.Fatal(err)
		}
		b.Logf("%d cases (%d open) with points in %v", n, open, time.Since(start).Round(time.Millisecond))
		var maoer, sanitation, rare int64
		var mlat, mlon float64
		if err := st.DB().QueryRowContext(ctx, `SELECT a.id, a.lat, a.lon, s.id, r.id FROM alleys a, categories s, categories r
			WHERE a.code = 'maoer' AND s.code = 'sanitation' AND r.code = 'rare'`).Scan(&maoer, &mlat, &mlon, &sanitation, &rare); err != nil {
			b.Fatal(err)
		}
		elat, elon := 39.9440, 116.3960 // 500 m and more from every alley's cases
		checks := []struct {
			name     string
			cat      int64
			lat, lon *float64
		}{
			{"none-near", sanitation, &elat, &elon},
			{"near", sanitation, &mlat, &mlon},
			{"rare", rare, &mlat, &mlon},
			{"no-point", sanitation, nil, nil},
		}
		if n == sizes[len(sizes)-1] {
			explain(b, st, maoer, sanitation, elat, elon)
		}
		for _, c := range checks {
			b.Run(fmt.Sprintf("open=%d/%s", open, c.name), func(b *testing.B) {
				// Each pooled connection prepares the statement and plans it
				// for its arguments five times before settling on a generic
				// plan, as a serve process's do once warm: not timed.
				check := func() (n int, err error) {
					err = generic(ctx, st, func(tx *store.Tx) error {
						cs, err := tx.NearbyOpen(ctx, c.cat, maoer, c.lat, c.lon, 50)
						n = len(cs)
						return err
					})
					return n, err
				}
				for range 60 {
					if _, err := check(); err != nil {
						b.Fatal(err)
					}
				}
				timed(b, check)
			})
		}
		for _, c := range checks[:3] {
			b.Run(fmt.Sprintf("open=%d/before-%s", open, c.name), func(b *testing.B) {
				timed(b, func() (n int, err error) {
					err = generic(ctx, st, func(tx *store.Tx) error {
						var ids pq.Int64Array
						err := tx.SQL().QueryRowContext(ctx, nearbyBefore, c.cat, maoer, c.lat, c.lon, 50).Scan(&ids)
						n = len(ids)
						return err
					})
					return n, err
				})
			})
		}
		b.Run(fmt.Sprintf("open=%d/ref-count", open), func(b *testing.B) {
			timed(b, func() (int, error) {
				var n int
				return n, st.DB().GetContext(ctx, &n, `SELECT count(*) FROM cases WHERE closed_at IS NULL`)
			})
		})
	}
}

// generic runs fn in a transaction with generic plans, as a turn runs
// its statements (store/turn.go).
func generic(ctx context.Context, st *store.Store, fn func(tx *store.Tx) error) error {
	return st.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.SQL().ExecContext(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
			return err
		}
		return fn(tx)
	})
}

// nearbyBefore is the duplicate check's query before migration 0034 (its
// ids; the views of three cases cost the same both ways).
const nearbyBefore = `SELECT array(SELECT o.id FROM cases o
	WHERE o.closed_at IS NULL AND o.status <> 'merged'
		AND EXISTS (SELECT 1 FROM case_categories cc WHERE cc.case_id = o.id AND cc.category_id = $1)
		AND CASE WHEN $3::float8 IS NULL OR o.lat IS NULL THEN o.alley_id = $2
			ELSE 2 * 6371000 * asin(sqrt(power(sin(radians($3 - o.lat) / 2), 2) +
				cos(radians(o.lat)) * cos(radians($3)) * power(sin(radians($4 - o.lon) / 2), 2))) <= $5 END
	ORDER BY o.created_at LIMIT 3)`

// explain logs EXPLAIN (ANALYZE, BUFFERS) of the check at (lat, lon) with
// the generic plan a prepared statement gets.
func explain(b *testing.B, st *store.Store, alley, category int64, lat, lon float64) {
	ctx := context.Background()
	conn, err := st.DB().Connx(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	query, args := store.NearbyQuery(category, alley, &lat, &lon, 50)
	var lits []string
	for _, a := range args {
		switch a := a.(type) {
		case *float64:
			lits = append(lits, fmt.Sprint(*a))
		case driver.Valuer:
			v, _ := a.Value()
			lits = append(lits, fmt.Sprintf("'%s'", v))
		default:
			lits = append(lits, fmt.Sprint(a))
		}
	}
	var plan []string
	for _, q := range []string{`SET plan_cache_mode = force_generic_plan`, `PREPARE nearby_explain AS ` + query,
		`EXPLAIN (ANALYZE, BUFFERS) EXECUTE nearby_explain(` + strings.Join(lits, ", ") + `)`, `DEALLOCATE nearby_explain`, `RESET plan_cache_mode`} {
		if !strings.HasPrefix(q, "EXPLAIN") {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
			continue
		}
		if err := conn.SelectContext(ctx, &plan, q); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("EXPLAIN of the check, none near:\n%s", strings.Join(plan, "\n"))
}
