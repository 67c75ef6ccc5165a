package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/alleybot/alleybot/internal/testdb"
)

// BenchmarkReadMetrics times one scrape's database read (store.ReadMetrics)
// on a big database prepared by bench/bigdb (1,000,000 cases, 100,000
// open), with 10,000 messages queued to 1,000 chats, next to the machine's
// reference in the same run: a count of every case (a full scan).
//
//	go run ./bench/bigdb --url URL --cases 1000000
//	ALLEYBOT_METRICS_BENCH_URL=URL go test -run '^$' -bench BenchmarkReadMetrics -benchtime 50x ./store/
func BenchmarkReadMetrics(b *testing.B) {
	url := os.Getenv("ALLEYBOT_METRICS_BENCH_URL")
	if url == "" {
		b.Skip("set ALLEYBOT_METRICS_BENCH_URL to a database made by bench/bigdb")
	}
	ctx := context.Background()
	st := testdb.Open(b, url)
	if _, err := st.DB().ExecContext(ctx, `DELETE FROM outbox WHERE chat_id LIKE 'bench-metrics-%';
		INSERT INTO outbox (platform, chat_id, message)
		SELECT 'telegram', 'bench-metrics-' || (i % 1000), '{}' FROM generate_series(1, 10000) i;
		ANALYZE outbox`); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _, _ = st.DB().ExecContext(ctx, `DELETE FROM outbox WHERE chat_id LIKE 'bench-metrics-%'`) })
	b.Run("read-metrics", func(b *testing.B) {
		for b.Loop() {
			m, err := st.ReadMetrics(ctx)
			if err != nil || len(m.Outbox) == 0 || len(m.OpenByStat) == 0 {
				b.Fatalf("%+v %v", m, err)
			}
		}
	})
	b.Run("ref-count-all-cases", func(b *testing.B) {
		for b.Loop() {
			var n int64
			if err := st.DB().GetContext(ctx, &n, `SELECT count(*) FROM cases`); err != nil || n == 0 {
				b.Fatal(n, err)
			}
		}
	})
}
