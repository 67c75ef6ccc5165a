package metrics_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/internal/bigdb"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/metrics"
	"github.com/alleybot/alleybot/roster"
)

// scrape GETs url and parses it with Prometheus's text parser.
func scrape(t testing.TB, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value is the value of the series name{labels} (ok false: not there).
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// TestScrapeTimeGauges: the gauges read from the database at scrape time
// follow what is in it: a message waiting an hour in the outbox, a River
// job, the running clocks overdue and due within the hour, the open cases
// by status, the pool.
func TestScrapeTimeGauges(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	m := metrics.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	before := scrape(t, srv.URL)
	for _, name := range []string{"alleybot_inbox_pending", "alleybot_river_jobs", "alleybot_clocks", "alleybot_cases_open",
		"alleybot_db_open_connections", "alleybot_db_in_use_connections", "alleybot_db_idle_connections",
		"alleybot_db_wait_count_total", "go_goroutines", "process_cpu_seconds_total"} {
		if before[name] == nil {
			t.Errorf("no series %s", name)
		}
	}
	if v, _ := value(before, "alleybot_db_scrape_ok"); v != 1 {
		t.Errorf("alleybot_db_scrape_ok = %v, want 1", v)
	}
	if _, ok := value(before, "alleybot_outbox_pending", "platform", "wecom"); ok {
		t.Errorf("an empty outbox has a wecom depth")
	}
	if v, ok := value(before, "alleybot_cases_open", "status", "submitted"); !ok || v != 0 {
		t.Errorf("open submitted cases on an empty database: %v %v", v, ok)
	}

	if err := bigdb.Load(ctx, st.DB().DB, 1000); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) {
		t.Helper()
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO outbox (platform, chat_id, message, created_at) VALUES ('wecom', 'zhangsan', '{}', now() - interval '1 hour')`)
	exec(`INSERT INTO river_job (args, kind, max_attempts, state, scheduled_at) VALUES ('{}', 'metrics_test', 1, 'scheduled', now() + interval '1 day')`)
	exec(`UPDATE cases SET verify_by = now() - interval '1 day' WHERE id = (SELECT min(id) FROM cases WHERE status = 'dispatched')`)
	exec(`UPDATE cases SET fix_by = now() + interval '30 minutes' WHERE id = (SELECT min(id) FROM cases WHERE status = 'verified')`)

	after := scrape(t, srv.URL)
	if v, _ := value(after, "alleybot_outbox_pending", "platform", "wecom"); v != 1 {
		t.Errorf("outbox pending (wecom) = %v, want 1", v)
	}
	if v, _ := value(after, "alleybot_outbox_oldest_pending_seconds", "platform", "wecom"); v < 3600 {
		t.Errorf("oldest pending (wecom) = %vs, want at least an hour", v)
	}
	if v, _ := value(after, "alleybot_river_jobs", "state", "scheduled"); v < 1 {
		t.Errorf("river scheduled jobs = %v, want at least 1", v)
	}
	if v, _ := value(after, "alleybot_clocks", "clock", "verify", "state", "overdue"); v < 1 {
		t.Errorf("verify clocks overdue = %v, want at least 1", v)
	}
	if v, _ := value(after, "alleybot_clocks", "clock", "fix", "state", "due_within_hour"); v < 1 {
		t.Errorf("fix clocks due within the hour = %v, want at least 1", v)
	}
	var open []struct {
		Status string
		N      int64
	}
	if err := st.DB().SelectContext(ctx, &open, `SELECT status, count(*) AS n FROM cases WHERE closed_at IS NULL GROUP BY status`); err != nil {
		t.Fatal(err)
	}
	if len(open) == 0 {
		t.Fatal("bigdb wrote no open case")
	}
	for _, o := range open {
		if v, _ := value(after, "alleybot_cases_open", "status", o.Status); int64(v) != o.N {
			t.Errorf("open %s cases = %v, want %d", o.Status, v, o.N)
		}
	}
	if v, _ := value(after, "alleybot_db_open_connections"); v < 1 {
		t.Errorf("open connections = %v after queries", v)
	}
}

// TestCounters: updates and sends counted by platform and outcome, the
// handling time observed once per update.
func TestCounters(t *testing.T) {
	st := testdb.Open(t, testdb.Fresh(t, true))
	m := metrics.New(st, nil)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	m.Update(bot.Telegram, metrics.Handled, 30*time.Millisecond)
	m.Update(bot.Telegram, metrics.Duplicate, time.Millisecond)
	m.Send(bot.WeCom, metrics.RateLimited)
	fams := scrape(t, srv.URL)
	if v, _ := value(fams, "alleybot_updates_total", "platform", "telegram", "outcome", "handled"); v != 1 {
		t.Errorf("handled = %v", v)
	}
	if v, _ := value(fams, "alleybot_updates_total", "platform", "telegram", "outcome", "duplicate"); v != 1 {
		t.Errorf("duplicate = %v", v)
	}
	if v, _ := value(fams, "alleybot_update_handling_seconds", "platform", "telegram"); v != 2 {
		t.Errorf("handling observations = %v, want 2", v)
	}
	if v, _ := value(fams, "alleybot_sends_total", "platform", "wecom", "outcome", "429"); v != 1 {
		t.Errorf("wecom 429 = %v", v)
	}
}

// TestDashboardAndReadmeShowEverySeries: docs/grafana/alleybot.json is
// valid JSON with a panel querying each alleybot_ series, and the README's
// "## Metrics" names each.
func TestDashboardAndReadmeShowEverySeries(t *testing.T) {
	st := testdb.Open(t, testdb.Fresh(t, true))
	m := metrics.New(st, nil)
	m.Update(bot.Telegram, metrics.Handled, time.Millisecond)
	m.Send(bot.Telegram, metrics.Sent)
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"alleybot_outbox_pending", "alleybot_outbox_oldest_pending_seconds"} // only while messages wait
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "alleybot_") {
			names = append(names, f.GetName())
		}
	}
	raw, err := os.ReadFile("../docs/grafana/alleybot.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("docs/grafana/alleybot.json: %v", err)
	}
	var exprs strings.Builder
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs.WriteString(tg.Expr + "\n")
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Metrics\n")
	section, _, _ = strings.Cut(section, "\n## ")
	for _, n := range names {
		if !strings.Contains(exprs.String(), n) {
			t.Errorf("no dashboard panel queries %s", n)
		}
		short := strings.TrimPrefix(n, "alleybot_db")
		if !strings.Contains(section, n) && !strings.Contains(section, short) {
			t.Errorf("README's ## Metrics does not name %s", n)
		}
	}
}
