package store_test

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// TestDeskMapPointsBig times the desk map's query over 1,000,000 cases of
// which 100,000 are open, for the center (every case) and for a
// department, 50 runs each (the median and the slowest). Heavy: it runs
// only with ALLEYBOT_BENCH_BIG=1.
//
//	ALLEYBOT_BENCH_BIG=1 go test -run TestDeskMapPointsBig -v ./store/
func TestDeskMapPointsBig(t *testing.T) {
	if os.Getenv("ALLEYBOT_BENCH_BIG") != "1" {
		t.Skip("set ALLEYBOT_BENCH_BIG=1 to load 1,000,000 cases")
	}
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO cases (number, alley_id, community_id, description, impact, status, source, department_id, verify_by, fix_by, closed_at, created_at)
			SELECT 'M' || lpad(n::text, 7, '0'), a.ids[1 + n % cardinality(a.ids)], a.comms[1 + n % cardinality(a.ids)], '问题', 'alley', s.status,
				'telegram', CASE WHEN s.status NOT IN ('submitted', 'returned') THEN d.ids[1 + n % cardinality(d.ids)] END,
				now() + ((n % 97) - 20) * interval '1 hour', now() + ((n % 89) - 15) * interval '1 day',
				CASE WHEN s.status = 'closed' THEN now() END, now() - (1000000 - n) * interval '30 seconds'
			FROM generate_series(1, 1000000) n,
				LATERAL (SELECT CASE WHEN n % 10 <> 0 THEN 'closed'
					ELSE (ARRAY['submitted', 'returned', 'dispatched', 'verified', 'fixed'])[1 + (n / 10) % 5] END AS status) s,
				(SELECT array_agg(id ORDER BY id) AS ids, array_agg(community_id ORDER BY id) AS comms FROM alleys) a,
				(SELECT array_agg(id ORDER BY id) AS ids FROM departments) d`,
		`VACUUM ANALYZE cases`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	var dept int64
	if err := st.DB().Get(&dept, `SELECT id FROM departments ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	measure(t, st, dept, "as the schema is")
	// The queue's index over the open cases' deadlines (migration 0027,
	// issue 24's queue), which the map's order follows.
	if _, err := st.DB().Exec(`CREATE INDEX IF NOT EXISTS cases_open_due_idx ON cases
		((CASE status WHEN 'dispatched' THEN verify_by WHEN 'verified' THEN fix_by END), id) WHERE closed_at IS NULL;
		ANALYZE cases`); err != nil {
		t.Fatal(err)
	}
	measure(t, st, dept, "with cases_open_due_idx")
}

func measure(t *testing.T, st *store.Store, dept int64, what string) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		all   bool
		depts []int64
	}{{"center", true, nil}, {"department", false, []int64{dept}}} {
		var ds []time.Duration
		for range 50 {
			start := time.Now()
			ps, err := st.DeskMapPoints(ctx, c.all, c.depts, 0, 2001)
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(start))
			if len(ps) != 2001 {
				t.Fatalf("%s: %d points", c.name, len(ps))
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		t.Logf("%s, %s: 2,001 of 100,000 open cases: median %v, slowest %v", what, c.name, ds[len(ds)/2].Round(time.Millisecond/10), ds[len(ds)-1].Round(time.Millisecond/10))
	}
}
