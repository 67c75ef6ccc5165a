package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsEndpoint: serve's listener answers /metrics in the Prometheus
// text format; an update delivered twice counts once handled and once a
// duplicate, with two handling times; the reply, sent after a 429 and a
// 502, counts one of each and a sent.
func TestMetricsEndpoint(t *testing.T) {
	r := newTgRig(t, "webhook")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.fake.WaitUntil(ctx, func() bool { u, _ := r.fake.Webhook(); return u != "" }); err != nil {
		t.Fatal("the webhook was never registered")
	}
	hook, secret := r.fake.Webhook()
	base := strings.TrimSuffix(hook, "/telegram/webhook")
	scrapeAll := func() map[string]*dto.MetricFamily {
		t.Helper()
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/metrics: %d", resp.StatusCode)
		}
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(resp.Body)
		if err != nil {
			t.Fatalf("parse /metrics: %v", err)
		}
		return fams
	}
	counter := func(fams map[string]*dto.MetricFamily, name, outcome string) float64 {
		for _, m := range fams[name].GetMetric() {
			ok := true
			for _, l := range m.GetLabel() {
				if l.GetName() == "platform" && l.GetValue() != "telegram" || l.GetName() == "outcome" && l.GetValue() != outcome {
					ok = false
				}
			}
			if ok && m.Histogram != nil {
				return float64(m.Histogram.GetSampleCount())
			}
			if ok {
				return m.GetCounter().GetValue()
			}
		}
		return 0
	}
	before := scrapeAll()
	for _, name := range []string{"alleybot_outbox_pending", "alleybot_cases_open", "alleybot_clocks", "alleybot_river_jobs",
		"alleybot_db_in_use_connections", "go_goroutines"} {
		if name != "alleybot_outbox_pending" && before[name] == nil {
			t.Errorf("no series %s", name)
		}
	}

	r.fake.FailNext("sendMessage", 1, http.StatusTooManyRequests)
	r.fake.FailNext("sendMessage", 1, http.StatusBadGateway)
	const steward = int64(9101)
	body := `{"update_id": 556001, "message": {"message_id": 1, "date": 1795000000, "chat": {"id": 9101, "type": "private"},
		"from": {"id": 9101, "is_bot": false, "first_name": "王"}, "text": "/start ` + r.invite("S02") + `"}}`
	for i := 0; i < 2; i++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hook, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d: %d", i+1, resp.StatusCode)
		}
	}
	r.waitSent(steward, "绑定成功")
	// The send's outcome is counted once the platform's answer is read:
	// scrape until it shows (or the context ends).
	var after map[string]*dto.MetricFamily
	for {
		after = scrapeAll()
		if counter(after, "alleybot_sends_total", "sent") >= 1 || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range []struct {
		name, outcome string
		want          float64
	}{
		{"alleybot_updates_total", "handled", 1},
		{"alleybot_updates_total", "duplicate", 1},
		{"alleybot_update_handling_seconds", "", 2},
		{"alleybot_sends_total", "429", 1},
		{"alleybot_sends_total", "5xx", 1},
	} {
		if got := counter(after, c.name, c.outcome) - counter(before, c.name, c.outcome); got != c.want {
			t.Errorf("%s{platform=telegram,outcome=%q} moved by %v, want %v", c.name, c.outcome, got, c.want)
		}
	}
	if got := counter(after, "alleybot_sends_total", "sent"); got < 1 {
		t.Errorf("no send counted sent")
	}
}
