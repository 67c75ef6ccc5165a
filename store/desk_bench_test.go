package store_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/bigdb"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// BenchmarkDeskQueue times the desk's queries over 1,000,000 cases of 2026
// of which 100,000 are open (submitted, returned, dispatched, verified and
// fixed alike; about a fifth of the running clocks past), each with its
// category, one case in fifty copied to a second department, a third of
// the closed ones rated; loaded by INSERT … SELECT generate_series. Heavy
// (a minute or two to load): it runs only with ALLEYBOT_BENCH_BIG=1.
//
//	ALLEYBOT_BENCH_BIG=1 go test -run '^$' -bench BenchmarkDeskQueue -benchtime 200x ./store/
//
// Each query is reported by its median and 99th percentile (p50-ms,
// p99-ms). The "without-0027" run drops migration 0027's index first, to
// show what it buys.
func BenchmarkDeskQueue(b *testing.B) {
	if os.Getenv("ALLEYBOT_BENCH_BIG") != "1" {
		b.Skip("set ALLEYBOT_BENCH_BIG=1 to load 1,000,000 cases")
	}
	ctx := context.Background()
	st := testdb.Open(b, testdb.Fresh(b, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	bigdb.LoadCases(b, st)
	b.Logf("loaded 1,000,000 cases in %v", time.Since(start).Round(time.Millisecond))
	var dept int64
	if err := st.DB().Get(&dept, `SELECT id FROM departments ORDER BY id LIMIT 1`); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	open := store.DeskQuery{All: true, Open: true, Now: now}
	// The cursor of the page after the first 10,000 rows of f.
	deep := func(f store.DeskQuery) store.DeskQuery {
		f.Limit = store.DeskPageMax
		for range 10_000 / store.DeskPageMax {
			rows, next, err := st.DeskCases(ctx, f)
			if err != nil || next == "" {
				b.Fatalf("%d rows, next %q: %v", len(rows), next, err)
			}
			f.After = next
		}
		f.Limit = store.DeskPageDefault
		return f
	}
	with := func(f store.DeskQuery, edit func(*store.DeskQuery)) store.DeskQuery {
		edit(&f)
		return f
	}
	byDue := with(open, func(f *store.DeskQuery) { f.Sort = store.DeskSortDue })
	inDept := with(open, func(f *store.DeskQuery) { f.All, f.Departments = false, []int64{dept} })
	overdue := with(open, func(f *store.DeskQuery) { f.Overdue = true })
	cases := []struct {
		name string
		f    store.DeskQuery
	}{
		{"open-created-first", open},
		{"open-created-desc", with(open, func(f *store.DeskQuery) { f.Desc = true })},
		{"open-created-page201", deep(open)},
		{"open-due-first", byDue},
		{"open-due-desc", with(byDue, func(f *store.DeskQuery) { f.Desc = true })},
		{"open-due-page201", deep(byDue)},
		{"dept-created-first", inDept},
		{"dept-created-page201", deep(inDept)},
		{"dept-due-first", with(inDept, func(f *store.DeskQuery) { f.Sort = store.DeskSortDue })},
		{"overdue-created-first", overdue},
		{"overdue-due-first", with(overdue, func(f *store.DeskQuery) { f.Sort = store.DeskSortDue })},
		{"all-number-first", with(open, func(f *store.DeskQuery) { f.Open, f.Sort = false, store.DeskSortNumber })},
	}
	run := func(b *testing.B) {
		for _, c := range cases {
			b.Run(c.name, func(b *testing.B) {
				timed(b, func() (int, error) {
					rows, _, err := st.DeskCases(ctx, c.f)
					return len(rows), err
				})
			})
		}
		for name, f := range map[string]store.DeskQuery{"counts-open": open, "counts-all": {All: true, Now: now},
			"counts-dept": inDept, "counts-dept-all": with(inDept, func(f *store.DeskQuery) { f.Open = false })} {
			b.Run(name, func(b *testing.B) {
				timed(b, func() (int, error) {
					n, err := st.DeskCounts(ctx, f)
					return n[model.StatusVerified], err
				})
			})
		}
	}
	b.Run("schema", run)
	if _, err := st.DB().Exec(`DROP INDEX cases_open_due_idx, cases_status_dept_idx, case_departments_dept_idx; ANALYZE cases, case_departments`); err != nil {
		b.Fatal(err)
	}
	b.Run("without-0027", run)
}

// timed runs f b.N times and reports the median and 99th percentile of its
// durations, and the rows of its last run.
func timed(b *testing.B, f func() (int, error)) {
	var ds []time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		var err error
		if n, err = f(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(ds[len(ds)/2]), "p50-ms")
	b.ReportMetric(ms(ds[min(len(ds)-1, len(ds)*99/100)]), "p99-ms")
	b.ReportMetric(float64(n), "rows")
}
