// Package metrics is serve's /metrics: the Prometheus series of alleybot
// (prefixed alleybot_) on a registry of its own, with the Go runtime's and
// the process's. Counters and the handling-time histogram move as updates
// are handled and messages sent (Update, Send); the gauges are read from
// the database at each scrape (store.ReadMetrics), not polled.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// Update outcomes (the outcome label of alleybot_updates_total).
const (
	Handled   = "handled"   // handled and committed
	Duplicate = "duplicate" // its key was handled before: nothing done
	Limited   = "limited"   // over the person's rate limit: not handled
	Transient = "transient" // failed for a reason that passes: delivered again
	Failed    = "failed"    // failed for good (or a bug): apologised for
)

// Send outcomes (the outcome label of alleybot_sends_total).
const (
	Sent        = "sent"      // delivered
	RateLimited = "429"       // the platform said retry_after
	ServerError = "5xx"       // a transient failure (5xx, network): retried
	Permanent   = "permanent" // refused for good (blocked, chat gone, bad request)
)

// Metrics holds the series and their registry.
type Metrics struct {
	reg      *prometheus.Registry
	updates  *prometheus.CounterVec
	handling *prometheus.HistogramVec
	sends    *prometheus.CounterVec
}

// New registers the series; st is read at each scrape (the outbox, River,
// the clocks, the open cases, the pool).
func New(st *store.Store, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "alleybot_updates_total",
			Help: "Updates handled, by platform and outcome (handled, duplicate, limited, transient, failed)."},
			[]string{"platform", "outcome"}),
		handling: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "alleybot_update_handling_seconds",
			Help:    "Time to handle one update (its transaction, its queued replies), by platform.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}},
			[]string{"platform"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "alleybot_sends_total",
			Help: "Messages the outbox tried to send, by platform and outcome (sent, 429, 5xx, permanent)."},
			[]string{"platform", "outcome"}),
	}
	m.reg.MustRegister(m.updates, m.handling, m.sends, newDBCollector(st, log),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Update counts a handled update and its handling time.
func (m *Metrics) Update(p bot.Platform, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.updates.WithLabelValues(string(p), outcome).Inc()
	m.handling.WithLabelValues(string(p)).Observe(took.Seconds())
}

// Send counts a send's outcome.
func (m *Metrics) Send(p bot.Platform, outcome string) {
	if m == nil {
		return
	}
	m.sends.WithLabelValues(string(p), outcome).Inc()
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, Timeout: 10 * time.Second})
}

// Registry is the registry (for tests and other handlers).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// openStatuses are reported even at 0, so a dashboard has every line.
var openStatuses = []model.Status{model.StatusSubmitted, model.StatusReturned, model.StatusDispatched,
	model.StatusVerified, model.StatusFixed}

// dbCollector reads the gauges from the database at scrape time.
type dbCollector struct {
	st  *store.Store
	log *slog.Logger

	outboxPending, outboxOldest, inbox, river, clocks, open *prometheus.Desc
	poolOpen, poolInUse, poolIdle, poolWait, poolWaitSec    *prometheus.Desc
	up                                                      *prometheus.Desc
}

func newDBCollector(st *store.Store, log *slog.Logger) *dbCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("alleybot_"+name, help, labels, nil)
	}
	return &dbCollector{st: st, log: log,
		outboxPending: d("outbox_pending", "Messages queued in the outbox and not sent yet, by platform.", "platform"),
		outboxOldest:  d("outbox_oldest_pending_seconds", "Age of the oldest message waiting in the outbox, by platform.", "platform"),
		inbox:         d("inbox_pending", "Updates stored (WeCom, customer service) and not handled yet."),
		river:         d("river_jobs", "River jobs not finished, by state.", "state"),
		clocks:        d("clocks", "Running case clocks (verify: a dispatched case's verify_by; fix: a verified case's fix_by) overdue or due within the hour.", "clock", "state"),
		open:          d("cases_open", "Open cases (not closed), by status.", "status"),
		poolOpen:      d("db_open_connections", "Database connections open (in use and idle)."),
		poolInUse:     d("db_in_use_connections", "Database connections in use."),
		poolIdle:      d("db_idle_connections", "Database connections idle."),
		poolWait:      d("db_wait_count_total", "Times a query waited for a free database connection."),
		poolWaitSec:   d("db_wait_seconds_total", "Time spent waiting for a free database connection."),
		up:            d("db_scrape_ok", "1 when this scrape read the database gauges, 0 when it failed (see the log)."),
	}
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.outboxPending, c.outboxOldest, c.inbox, c.river, c.clocks, c.open,
		c.poolOpen, c.poolInUse, c.poolIdle, c.poolWait, c.poolWaitSec, c.up} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	g := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	st := c.st.DB().Stats()
	g(c.poolOpen, float64(st.OpenConnections))
	g(c.poolInUse, float64(st.InUse))
	g(c.poolIdle, float64(st.Idle))
	ch <- prometheus.MustNewConstMetric(c.poolWait, prometheus.CounterValue, float64(st.WaitCount))
	ch <- prometheus.MustNewConstMetric(c.poolWaitSec, prometheus.CounterValue, st.WaitDuration.Seconds())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	snap, err := c.st.ReadMetrics(ctx)
	if err != nil {
		c.log.Warn("metrics: reading the database gauges", "err", err)
		g(c.up, 0)
		return
	}
	g(c.up, 1)
	now := time.Now()
	for _, o := range snap.Outbox {
		g(c.outboxPending, float64(o.Pending), o.Platform)
		g(c.outboxOldest, max(0, now.Sub(o.Oldest).Seconds()), o.Platform)
	}
	g(c.inbox, float64(snap.Inbox))
	for _, state := range []string{"available", "pending", "retryable", "running", "scheduled"} {
		g(c.river, float64(snap.River[state]), state)
	}
	for _, k := range snap.Clocks {
		g(c.clocks, float64(k.Overdue), k.Clock, "overdue")
		g(c.clocks, float64(k.DueHour), k.Clock, "due_within_hour")
	}
	for _, status := range openStatuses {
		g(c.open, float64(snap.OpenByStat[string(status)]), string(status))
	}
	for status, n := range snap.OpenByStat {
		if !slices.Contains(openStatuses, model.Status(status)) {
			g(c.open, float64(n), status)
		}
	}
}
