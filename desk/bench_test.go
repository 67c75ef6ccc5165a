package desk_test

import (
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/alleybot/alleybot/desk"
	"github.com/alleybot/alleybot/internal/bigdb"
)

// BenchmarkQueuePage times the desk's pages as a browser gets them (HTTP
// on loopback, the session checked, the queries, the template) over
// 1,000,000 cases of which 100,000 are open (internal/bigdb), for the
// center and for a department, and reports each page's median and 99th
// percentile in milliseconds; beside them, on the same database in the
// same run, `SELECT count(*) FROM cases` (the machine's own pace over the
// whole table). Heavy: it runs only with ALLEYBOT_BENCH_BIG=1.
//
//	ALLEYBOT_BENCH_BIG=1 go test -run '^$' -bench BenchmarkQueuePage -benchtime 100x ./desk/
func BenchmarkQueuePage(b *testing.B) {
	if os.Getenv("ALLEYBOT_BENCH_BIG") != "1" {
		b.Skip("set ALLEYBOT_BENCH_BIG=1 to load 1,000,000 cases")
	}
	w := newWorldTB(b, desk.Options{})
	w.now = time.Date(2026, 12, 5, 10, 0, 0, 0, w.loc)
	start := time.Now()
	bigdb.LoadCases(b, w.st)
	b.Logf("loaded 1,000,000 cases in %v", time.Since(start).Round(time.Millisecond))
	center, dept := w.login("C01"), w.login("D01")
	pages := []struct {
		name string
		c    *client
		path string
	}{
		{"center-queue", center, "/desk/queue"},
		{"center-queue-by-created", center, "/desk/queue?sort=created"},
		{"center-overdue", center, "/desk/queue?overdue=1"},
		{"center-submitted", center, "/desk/queue?status=submitted&sort=created"},
		{"center-community-category", center, "/desk/queue?community=1&category=1"},
		{"center-closed-december", center, "/desk/queue?status=closed&from=2026-12-01&to=2026-12-05&sort=created&desc=1"},
		{"dept-queue", dept, "/desk/queue"},
		{"dept-overdue", dept, "/desk/queue?overdue=1"},
		{"center-map", center, "/desk/map"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var ms []float64
			for b.Loop() {
				t0 := time.Now()
				if st, body := p.c.get(p.path); st != http.StatusOK {
					b.Fatalf("%s: %d %.300s", p.path, st, body)
				}
				ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
			}
			slices.Sort(ms)
			b.ReportMetric(ms[len(ms)/2], "p50-ms")
			b.ReportMetric(ms[(len(ms)*99)/100], "p99-ms")
		})
	}
	b.Run("count-star", func(b *testing.B) {
		var ms []float64
		for b.Loop() {
			t0 := time.Now()
			var n int
			if err := w.st.DB().Get(&n, `SELECT count(*) FROM cases`); err != nil {
				b.Fatal(err)
			}
			ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
		}
		slices.Sort(ms)
		b.ReportMetric(ms[len(ms)/2], "p50-ms")
	})
}
