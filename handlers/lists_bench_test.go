package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/flows"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/bigdb"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// BenchmarkLists times every list a person or the scheduler runs on a
// district's cases (issue 26), on one database for each size of
// LISTS_SIZES (default "1000 10000 1000000"; one in ten open,
// internal/bigdb), all loaded first and then run in turn, each iteration
// once on every database, so a load on the machine that comes and goes
// weighs on every size alike: the commands through the router as serve
// runs them (a Telegram update of the coordinator C01, the sanitation
// department's D01 or the steward S01, answered into the outbox in one
// transaction; N-msgs is how many messages it queued), the scheduler's
// daily digest, the monthly figures (evaluation.Compute), its due clocks
// and its reminders. Each is reported by its median and 99th percentile at
// each size (N-p50-ms, N-p99-ms); "reference" is SELECT count(*) FROM
// cases, the machine's own yardstick in the same run. Heavy (a few minutes
// to load 1,000,000 cases): it runs only with ALLEYBOT_BENCH_LISTS=1;
// bench/lists.sh runs it.
//
//	ALLEYBOT_BENCH_LISTS=1 go test -run '^$' -bench BenchmarkLists -benchtime 40x ./handlers/
func BenchmarkLists(b *testing.B) {
	if os.Getenv("ALLEYBOT_BENCH_LISTS") != "1" {
		b.Skip("set ALLEYBOT_BENCH_LISTS=1 to load 1,000, 10,000 and 1,000,000 cases")
	}
	sizes := []int{1000, 10_000, 1_000_000}
	if v := os.Getenv("LISTS_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Fields(v) {
			n, err := strconv.Atoi(f)
			if err != nil {
				b.Fatalf("LISTS_SIZES: %v", err)
			}
			sizes = append(sizes, n)
		}
	}
	dbs := make([]listsDB, len(sizes))
	for i, n := range sizes {
		dbs[i] = loadLists(b, n)
	}
	for j, s := range dbs[0].steps {
		b.Run(s.name, func(b *testing.B) {
			took := make([][]time.Duration, len(dbs))
			msgs := make([]int, len(dbs))
			for i, db := range dbs { // warm the caches and the prepared plans
				var before, after int
				if err := db.st.DB().Get(&before, `SELECT count(*) FROM outbox`); err != nil {
					b.Fatal(err)
				}
				if err := db.steps[j].run(); err != nil {
					b.Fatal(err)
				}
				if err := db.st.DB().Get(&after, `SELECT count(*) FROM outbox`); err != nil {
					b.Fatal(err)
				}
				msgs[i] = after - before
			}
			b.ResetTimer()
			for range b.N {
				for i, db := range dbs {
					t0 := time.Now()
					if err := db.steps[j].run(); err != nil {
						b.Fatal(err)
					}
					took[i] = append(took[i], time.Since(t0))
				}
			}
			b.StopTimer()
			for i, n := range sizes {
				slices.Sort(took[i])
				ms := func(q float64) float64 { return float64(took[i][int(q*float64(len(took[i])-1))]) / 1e6 }
				b.ReportMetric(ms(0.5), fmt.Sprintf("%d-p50-ms", n))
				b.ReportMetric(ms(0.99), fmt.Sprintf("%d-p99-ms", n))
				b.ReportMetric(float64(msgs[i]), fmt.Sprintf("%d-msgs", n))
			}
		})
	}
}

// listsDB is a database of n cases and the lists timed on it.
type listsDB struct {
	st    *store.Store
	steps []listsStep
}

type listsStep struct {
	name string
	run  func() error
}

// errRollback undoes what a timed scheduler step locked or wrote.
var errRollback = errors.New("rollback")

func loadLists(b *testing.B, n int) listsDB {
	ctx := context.Background()
	st := testdb.Open(b, testdb.Fresh(b, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := bigdb.Load(ctx, st.DB().DB, n); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d cases in %v", n, time.Since(start).Round(time.Millisecond))
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, cst)
	fl := conversations.New(conversations.Deps{DefaultLang: i18n.ZH, Location: cst, Now: func() time.Time { return now }},
		flows.All(flows.Settings{})...)
	r := New(st, fl, slog.New(slog.NewTextHandler(io.Discard, nil)), i18n.ZH).WithOutbox(queueOnly{})
	for code, tg := range map[string]string{"C01": "7101", "D01": "7201", "S01": "7001"} {
		p, err := st.FindPerson(ctx, code)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.BindIdentity(ctx, string(bot.Telegram), tg, p.ID); err != nil {
			b.Fatal(err)
		}
	}
	var number string // a returned case: its reason, its photo and its events
	if err := st.DB().Get(&number, `SELECT number FROM cases WHERE status = 'returned' ORDER BY id DESC LIMIT 1`); err != nil {
		b.Fatal(err)
	}
	key := 0
	command := func(user, text string) func() error {
		return func() error {
			key++
			_, err := r.Handle(ctx, bot.Update{Platform: bot.Telegram, ChatID: user, ChatKind: bot.Private, UserID: user,
				Key: "lists-" + strconv.Itoa(key), Text: text})
			return err
		}
	}
	inTx := func(fn func(tx *store.Tx) error) func() error {
		return func() error {
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				if err := fn(tx); err != nil {
					return err
				}
				return errRollback
			}); !errors.Is(err, errRollback) {
				return err
			}
			return nil
		}
	}
	return listsDB{st: st, steps: []listsStep{
		{"reference", func() error {
			var c int
			return st.DB().Get(&c, `SELECT count(*) FROM cases`)
		}},
		{"queue", command("7101", "/queue")},
		{"overdue", command("7101", "/overdue")},
		{"overdue-department", command("7201", "/overdue")},
		{"dept", command("7201", "/dept")},
		{"case", command("7101", "/case "+number)},
		{"mycases", command("7001", "/mycases")},
		{"mycases-page2", command("7001", "/mycases 2")},
		{"patrols", command("7101", "/patrols")},
		{"trainings", command("7101", "/trainings")},
		{"digest", inTx(func(tx *store.Tx) error {
			day := time.Date(2026, 12, 4, 0, 0, 0, 0, cst)
			_, err := tx.Digest(ctx, day, day.AddDate(0, 0, 1), now)
			return err
		})},
		{"monthly", inTx(func(tx *store.Tx) error {
			_, err := evaluation.Compute(ctx, &tx.Queries, assessment.LastEnded(assessment.Month, now, cst), cst, now)
			return err
		})},
		{"due-clocks", inTx(func(tx *store.Tx) error {
			_, err := tx.DueClocks(ctx, now, 200)
			return err
		})},
		{"reminders", inTx(func(tx *store.Tx) error {
			if _, err := tx.UpcomingTrainings(ctx, now, now.Add(24*time.Hour)); err != nil {
				return err
			}
			if _, err := tx.DueComplaints(ctx, now); err != nil {
				return err
			}
			if _, _, err := tx.ActivitiesToRemind(ctx, now); err != nil {
				return err
			}
			if _, err := tx.OpenPatrols(ctx); err != nil {
				return err
			}
			midnight := time.Date(2026, 12, 5, 0, 0, 0, 0, cst)
			_, err := tx.PatrolsOn(ctx, midnight, 6)
			return err
		})},
	}}
}
