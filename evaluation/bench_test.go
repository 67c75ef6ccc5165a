package evaluation_test

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// BenchmarkMonthlyReport times one month's figures over 1,000,000 cases
// (2026, about 83,000 a month, each with its category and four events),
// loaded by INSERT … SELECT generate_series. Heavy (a few minutes to load):
// it runs only with ALLEYBOT_BENCH_BIG=1.
//
//	ALLEYBOT_BENCH_BIG=1 go test -run '^$' -bench BenchmarkMonthlyReport -benchtime 5x ./evaluation/
//
// For scale, in the same run: `SELECT count(*) FROM cases` (a full read
// of the table) and `pgbench -i -s 10` (1,000,000 rows loaded) are timed
// and reported as metrics. The schema's cases_created_at_idx (migration
// 0025) finds the month's cases; before it the report read the whole table
// (2.0 s against 1.2 s with it, measured when the index was added).
func BenchmarkMonthlyReport(b *testing.B) {
	if os.Getenv("ALLEYBOT_BENCH_BIG") != "1" {
		b.Skip("set ALLEYBOT_BENCH_BIG=1 to load 1,000,000 cases")
	}
	ctx := context.Background()
	url := testdb.Fresh(b, true)
	st := testdb.Open(b, url)
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	loadCases(b, st)
	b.Logf("loaded 1,000,000 cases, their categories and 4,000,000 events in %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM cases`); err != nil || n != 1_000_000 {
		b.Fatalf("%d cases: %v", n, err)
	}
	count := time.Since(start)
	start = time.Now()
	pgbench := time.Duration(0)
	if out, err := exec.Command("pgbench", "-i", "-q", "-s", "10", url).CombinedOutput(); err != nil {
		b.Logf("pgbench -i -s 10: %v %s (not measured)", err, out)
	} else {
		pgbench = time.Since(start)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	june, _ := assessment.Parse("2026-06")
	asOf := time.Date(2026, 12, 5, 10, 0, 0, 0, loc)
	run := func(b *testing.B) {
		var r evaluation.Report
		for b.Loop() {
			err := st.InTx(ctx, func(tx *store.Tx) (err error) {
				r, err = evaluation.Compute(ctx, &tx.Queries, june, loc, asOf)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(r.Cases), "cases/month")
		b.ReportMetric(float64(count.Microseconds())/1000, "count(*)-ms")
		b.ReportMetric(float64(pgbench.Milliseconds()), "pgbench-i-s10-ms")
	}
	b.Run("schema", run)
}

// loadCases writes 1,000,000 cases over 2026 in one INSERT … SELECT each
// for the cases, their lead categories and their events.
func loadCases(b *testing.B, st *store.Store) {
	for _, q := range []string{
		`INSERT INTO cases (number, alley_id, description, impact, status, source, department_id, fixed_on_spot,
				verify_by, fix_by, verified_at, fixed_at, closed_at, sendback_count, created_at)
			SELECT 'B' || n, a.ids[1 + n % cardinality(a.ids)], '问题', 'alley',
				CASE WHEN n % 10 = 0 THEN 'verified' ELSE 'closed' END, 'telegram', d.ids[1 + n % cardinality(d.ids)], false,
				t + interval '4 hours', t + interval '28 hours', t + (n % 7) * interval '1 hour',
				CASE WHEN n % 10 = 0 THEN NULL ELSE t + (10 + n % 30) * interval '1 hour' END,
				CASE WHEN n % 10 = 0 THEN NULL ELSE t + (12 + n % 30) * interval '1 hour' END, 0, t
			FROM generate_series(1, 1000000) n,
				LATERAL (SELECT timestamptz '2026-01-01 00:00+08' + (n - 1) * (interval '365 days' / 1000000) AS t) tt,
				(SELECT array_agg(id ORDER BY id) AS ids FROM alleys) a,
				(SELECT array_agg(id ORDER BY id) AS ids FROM departments) d`,
		`INSERT INTO case_categories (case_id, category_id, lead)
			SELECT c.id, k.ids[1 + c.id % cardinality(k.ids)], true FROM cases c, (SELECT array_agg(id ORDER BY id) AS ids FROM categories) k`,
		`INSERT INTO case_events (case_id, kind, at)
			SELECT c.id, e.kind, c.created_at + e.after FROM cases c CROSS JOIN LATERAL (VALUES
				('dispatched', interval '10 minutes'), ('verified', c.verified_at - c.created_at),
				('fixed', coalesce(c.fixed_at, c.created_at + interval '40 hours') - c.created_at),
				('rechecked', coalesce(c.closed_at, c.created_at + interval '41 hours') - c.created_at)) e(kind, after)`,
		`ANALYZE cases; ANALYZE case_categories; ANALYZE case_events`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			b.Fatal(err)
		}
	}
}
