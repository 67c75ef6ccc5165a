package scheduler_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
	"github.com/alleybot/alleybot/worktime"
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// pingRig: the example roster, the sanitation department's group and the
// exchange group bound on Telegram, and one case dispatched on Friday 10:00
// with verify-by 12:00 and fix-by Wednesday 11:30.
type pingRig struct {
	st   *store.Store
	url  string
	now  time.Time
	mu   sync.Mutex
	id   int64
	opts scheduler.PingOptions
}

func newPingRig(t *testing.T) *pingRig {
	t.Helper()
	r := &pingRig{url: testdb.Fresh(t, true)}
	r.st = testdb.Open(t, r.url)
	ctx := context.Background()
	if _, err := roster.Import(ctx, r.st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	for code, ext := range map[string]string{"dept-huanwei": "-1002", "exchange": "-1001"} {
		c, err := r.st.ChatByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.st.BindChat(ctx, c.ID, "telegram", ext); err != nil {
			t.Fatal(err)
		}
	}
	var alley, dept, cat, reporter int64
	db := r.st.DB()
	_ = db.Get(&alley, `SELECT id FROM alleys WHERE code = 'maoer'`)
	_ = db.Get(&dept, `SELECT id FROM departments WHERE code = 'huanwei'`)
	_ = db.Get(&cat, `SELECT id FROM categories WHERE code = 'sanitation'`)
	_ = db.Get(&reporter, `SELECT id FROM people WHERE code = 'S01'`)
	// V01 the supervisor has a Telegram account.
	if _, err := db.Exec(`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '7301', id FROM people WHERE code = 'V01'`); err != nil {
		t.Fatal(err)
	}
	err := r.st.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.CreateCase(ctx, store.NewCase{AlleyID: alley, Description: "门口堆了建筑垃圾", Impact: "alley",
			ReporterID: reporter, Source: "telegram", CategoryIDs: []int64{cat}, DepartmentID: store.Ref(dept), At: at("2026-11-27 09:30")})
		if err != nil {
			return err
		}
		r.id = c.ID
		return tx.Dispatch(ctx, c.ID, dept, nil, at("2026-11-27 10:00"), at("2026-11-27 12:00"), at("2026-12-02 11:30"))
	})
	if err != nil {
		t.Fatal(err)
	}
	r.opts = scheduler.PingOptions{Calendar: worktime.Default(cst), Half: true, Before: []time.Duration{time.Hour},
		DailyAt: 9 * 60, SupervisorAfter: 3, Lang: i18n.ZH, Now: r.clock}
	return r
}

func (r *pingRig) clock() time.Time { r.mu.Lock(); defer r.mu.Unlock(); return r.now }

func (r *pingRig) set(s string) { r.mu.Lock(); r.now = at(s); r.mu.Unlock() }

func (r *pingRig) scheduler(t *testing.T, st *store.Store) *scheduler.Scheduler {
	t.Helper()
	s, err := scheduler.New(st, scheduler.Options{InsertOnly: true, Pings: r.opts})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// queued returns the texts of the send jobs, by chat, and empties the queue.
func (r *pingRig) queued(t *testing.T) map[string][]string {
	t.Helper()
	var raw []string
	if err := r.st.DB().Select(&raw, `DELETE FROM outbox RETURNING message::text`); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, a := range raw {
		var m bot.Message
		if err := json.Unmarshal([]byte(a), &m); err != nil {
			t.Fatal(err)
		}
		out[m.ChatID] = append(out[m.ChatID], m.Text)
	}
	return out
}

func TestPingSequence(t *testing.T) {
	r := newPingRig(t)
	s := r.scheduler(t, r.st)
	ctx := context.Background()
	steps := []struct {
		now      string
		dept     string // what the department's group is told ("" = nothing)
		superv   string // what the supervisor is told privately
		sameExch bool   // the exchange group gets the same
	}{
		{now: "2026-11-27 10:30"},
		{now: "2026-11-27 11:00", dept: "工作时间还剩 1 小时", sameExch: true}, // half of 2 working hours; 1h before is the same moment
		{now: "2026-11-27 11:01"}, // nothing twice
		{now: "2026-11-27 12:00", dept: "🚨 超时:案件 2026-000001(帽儿胡同,交道口街道环卫所)核实已到时限 11-27 12:00", sameExch: true},
		{now: "2026-11-27 17:00"},
		{now: "2026-11-30 09:00", dept: "📣 督办:案件 2026-000001(帽儿胡同,交道口街道环卫所)核实已超时 4 小时 30 分", sameExch: true},
		// The scanner was down on Tuesday: on Wednesday one reminder, not two, and the supervisor is told.
		{now: "2026-12-02 09:30", dept: "已超时 3 个工作日左右", superv: "已超时 3 个工作日", sameExch: true}, // 20 working hours: said in working days
		{now: "2026-12-02 10:00"},
	}
	for _, st := range steps {
		r.set(st.now)
		if _, err := s.ScanClocks(ctx); err != nil {
			t.Fatal(err)
		}
		q := r.queued(t)
		dept := strings.Join(q["-1002"], "\n")
		switch {
		case st.dept == "" && len(q) > 0:
			t.Errorf("%s: unexpected pings %v", st.now, q)
		case st.dept != "" && (!strings.Contains(dept, st.dept) || len(q["-1002"]) != 1):
			t.Errorf("%s: department told %q, want one message with %q", st.now, dept, st.dept)
		}
		if st.sameExch && strings.Join(q["-1001"], "\n") != dept {
			t.Errorf("%s: exchange group told %q, department %q", st.now, q["-1001"], dept)
		}
		if got := strings.Join(q["7301"], "\n"); (st.superv == "") != (got == "") || !strings.Contains(got, st.superv) {
			t.Errorf("%s: supervisor told %q, want %q", st.now, got, st.superv)
		}
	}

	// Verified: the verify clock stops; the fix clock (due Wed 11:30) runs.
	if err := r.st.SetVerified(ctx, r.id, "now", at("2026-12-02 10:30"), at("2026-12-02 11:30")); err != nil {
		t.Fatal(err)
	}
	r.set("2026-12-02 10:31")
	_, _ = s.ScanClocks(ctx)
	if q := r.queued(t); !strings.Contains(strings.Join(q["-1002"], ""), "整改时限 12-02 11:30") {
		t.Errorf("fix clock ping: %v", q)
	}
	// Fixed: the clock stops, and so do its pings.
	if err := r.st.SetFixed(ctx, r.id, at("2026-12-02 10:40")); err != nil {
		t.Fatal(err)
	}
	r.set("2026-12-03 09:30")
	_, _ = s.ScanClocks(ctx)
	if q := r.queued(t); len(q) != 0 {
		t.Errorf("pings after the clock stopped: %v", q)
	}
}

// TestPingsOnceAcrossProcesses: two schedulers on their own pools scan at
// the same moment; each ping is recorded and queued once.
func TestPingsOnceAcrossProcesses(t *testing.T) {
	r := newPingRig(t)
	a := r.scheduler(t, r.st)
	b := r.scheduler(t, testdb.Open(t, r.url))
	r.set("2026-11-27 12:00")
	var wg sync.WaitGroup
	for _, s := range []*scheduler.Scheduler{a, b, a, b} {
		wg.Add(1)
		go func(s *scheduler.Scheduler) {
			defer wg.Done()
			if _, err := s.ScanClocks(context.Background()); err != nil {
				t.Error(err)
			}
		}(s)
	}
	wg.Wait()
	q := r.queued(t)
	if len(q["-1002"]) != 1 || len(q["-1001"]) != 1 {
		t.Errorf("pings queued: %v", q)
	}
	var pings int
	_ = r.st.DB().Get(&pings, `SELECT count(*) FROM case_pings`)
	if pings != 3 { // half, 1h before, overdue: all due at 12:00, recorded once
		t.Errorf("case_pings rows: %d", pings)
	}
}
