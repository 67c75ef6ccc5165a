package scheduler_test

import (
	"context"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/worktime"
)

// BenchmarkPingsTwoProcesses: PINGS_CASES cases (2,000) whose verify clocks
// run out over PINGS_SPREAD seconds (120), two schedulers (two serve
// processes, each with its own pool) scanning every second at the same
// time. Every overdue ping must be recorded and queued exactly once; it
// reports the lag from a clock's expiry to its ping, p50 and p99.
func BenchmarkPingsTwoProcesses(b *testing.B) {
	nCases, spread := envInt("PINGS_CASES", 2000), time.Duration(envInt("PINGS_SPREAD", 120))*time.Second
	url := testdb.Fresh(b, true)
	st := testdb.Open(b, url)
	ctx := context.Background()
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		b.Fatal(err)
	}
	db := st.DB()
	if _, err := db.Exec(`INSERT INTO chat_bindings (platform, external_id, chat_id) SELECT 'telegram', '-1002', id FROM chats WHERE code = 'dept-huanwei'`); err != nil {
		b.Fatal(err)
	}
	start := time.Now().Add(5 * time.Second)
	if _, err := db.Exec(`
		INSERT INTO cases (number, alley_id, community_id, description, impact, status, reporter_id, source, department_id,
			dispatched_at, verify_by, fix_by, next_ping_at)
		SELECT 'P-' || g, a.id, a.community_id, '压测', 'alley', 'dispatched', p.id, 'bench', d.id,
			now() - interval '1 hour', $2::timestamptz + (g * $3::float8 / $1) * interval '1 second',
			$2::timestamptz + interval '1 day', '1970-01-01'
		FROM generate_series(1, $1) g, (SELECT id, community_id FROM alleys LIMIT 1) a,
			(SELECT id FROM people WHERE code = 'S01') p, (SELECT id FROM departments WHERE code = 'huanwei') d`,
		nCases, start, spread.Seconds()); err != nil {
		b.Fatal(err)
	}
	opts := scheduler.PingOptions{Calendar: worktime.Default(time.Local), DailyAt: 9 * 60, Lang: i18n.ZH, Now: time.Now}
	var procs []*scheduler.Scheduler
	for i := 0; i < 2; i++ {
		s, err := scheduler.New(testdb.Open(b, url), scheduler.Options{InsertOnly: true, Pings: opts})
		if err != nil {
			b.Fatal(err)
		}
		procs = append(procs, s)
	}
	b.ResetTimer()
	end := start.Add(spread + 3*time.Second)
	var wg sync.WaitGroup
	for _, s := range procs {
		wg.Add(1)
		go func(s *scheduler.Scheduler) {
			defer wg.Done()
			for time.Now().Before(end) {
				if _, err := s.ScanClocks(ctx); err != nil {
					b.Error(err)
					return
				}
				time.Sleep(time.Second)
			}
		}(s)
	}
	wg.Wait()
	b.StopTimer()
	var lags []float64
	if err := db.Select(&lags, `SELECT extract(epoch FROM p.at - c.verify_by) FROM case_pings p JOIN cases c ON c.id = p.case_id
		WHERE p.key LIKE '%:overdue'`); err != nil {
		b.Fatal(err)
	}
	var pings, queued, dupes int
	_ = db.Get(&pings, `SELECT count(*) FROM case_pings WHERE key LIKE '%:overdue'`)
	_ = db.Get(&queued, `SELECT coalesce(sum(jsonb_array_length(args->'messages')), 0) FROM river_job WHERE kind = 'send'`)
	_ = db.Get(&dupes, `SELECT count(*) FROM (SELECT case_id FROM case_pings WHERE key LIKE '%:overdue' GROUP BY case_id HAVING count(*) > 1) x`)
	if pings != nCases || queued != nCases || dupes != 0 {
		b.Fatalf("%d cases: %d overdue pings recorded, %d messages queued, %d duplicates", nCases, pings, queued, dupes)
	}
	sort.Float64s(lags)
	b.ReportMetric(lags[len(lags)/2], "lag_p50_s")
	b.ReportMetric(lags[len(lags)*99/100], "lag_p99_s")
	b.ReportMetric(float64(pings), "pings")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
