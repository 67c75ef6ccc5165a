package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/tgload"
)

// BenchmarkWebhookReport drives complete reports (8 updates each: /report,
// category, photo, 完成, location, description, impact, 提交) through the real
// webhook HTTP path of a serve process, from 16 stewards at once, and
// reports updates per second and the p99 latency of one update (from POST to
// Telegram's 200, which is sent after the update's transaction commits).
// bench/webhook.sh runs it next to pgbench on the same database.
func BenchmarkWebhookReport(b *testing.B) {
	r := newTgRig(b, "webhook")
	ctx := context.Background()
	var hook string
	if err := r.fake.WaitUntil(ctx, func() bool { hook, _ = r.fake.Webhook(); return hook != "" }); err != nil {
		b.Fatal(err)
	}
	const workers = 16
	var sanitation int64
	if err := r.st.DB().Get(&sanitation, `SELECT id FROM categories WHERE code = 'sanitation'`); err != nil {
		b.Fatal(err)
	}
	// 16 stewards with bound Telegram accounts and an alley each.
	for i := 0; i < workers; i++ {
		_, err := r.st.DB().Exec(`
			WITH p AS (INSERT INTO people (code, name) VALUES ($1, $2) RETURNING id),
			     r AS (INSERT INTO person_roles (person_id, role) SELECT id, 'steward' FROM p)
			INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', $3, id FROM p`,
			fmt.Sprintf("B%02d", i), fmt.Sprintf("压测管家%02d", i), strconv.Itoa(800000+i))
		if err != nil {
			b.Fatal(err)
		}
	}
	updates := tgload.New(10_000_001)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 30 * time.Second}
	post := func(body string) (time.Duration, error) {
		req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret-s3cret-s3cret")
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d", resp.StatusCode)
		}
		return time.Since(start), nil
	}
	report := func(user int64) []string { return updates.Report(user, sanitation, "bench-photo") }
	var mu sync.Mutex
	var lat []time.Duration
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(user int64) {
			defer wg.Done()
			var mine []time.Duration
			for next.Add(1) <= int64(b.N) {
				for _, body := range report(user) {
					d, err := post(body)
					if err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, d)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(int64(800000 + w))
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var cases int
	_ = r.st.DB().Get(&cases, `SELECT count(*) FROM cases`)
	if cases != b.N {
		b.Fatalf("%d reports made %d cases", b.N, cases)
	}
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(float64(len(lat)-1)*q)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "updates/s")
	b.ReportMetric(p(0.50), "p50_ms")
	b.ReportMetric(p(0.99), "p99_ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reports/s")
}
