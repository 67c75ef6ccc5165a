// Package bigdb loads a district's years into a test database: 1,000,000
// cases, 100,000 of them open, for the benchmarks that measure a page or a
// query at that size (store's BenchmarkDeskQueue, desk's
// BenchmarkQueuePage). Tests and benchmarks only.
package bigdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/store"
)

// LoadCases writes 1,000,000 cases over 2026 (one in ten open, in five
// statuses; the clocks around 2026-12-05 10:00 +08, the scheduler's next
// look at a running clock's deadline), their categories, copies and
// ratings, each case's first event and photo (a returned one's reason
// too), and for every 20 cases a patrol (ended, by the stewards) and a
// resident's complaint (one in 50 of them open, the scheduler's reminder
// sent where the answer is due), one INSERT … SELECT each.
func LoadCases(b testing.TB, st *store.Store) {
	if err := Load(context.Background(), st.DB().DB, 1_000_000); err != nil {
		b.Fatal(err)
	}
}

// Load writes n cases as LoadCases does (one in ten open; 1,000,000 for
// the district's years, 1,000 for the same lists on a small database) into
// a migrated database holding a roster. bench/bigdb runs it from the shell.
func Load(ctx context.Context, db *sql.DB, n int) error {
	for _, q := range []string{
		`INSERT INTO cases (number, alley_id, community_id, description, impact, status, reporter_id, source, department_id,
				verify_by, fix_by, dispatched_at, verified_at, fixed_at, closed_at, sendback_count, escalated, created_at, next_ping_at)
			SELECT 'D' || lpad(n::text, 7, '0'), a.ids[1 + n % cardinality(a.ids)], a.comms[1 + n % cardinality(a.ids)], '问题', 'alley', s.status,
				p.ids[1 + (n / 7) % cardinality(p.ids)], 'telegram',
				CASE WHEN s.status NOT IN ('submitted', 'returned') THEN d.ids[1 + n % cardinality(d.ids)] END,
				now_ + ((n % 97) - 20) * interval '1 hour', now_ + ((n % 89) - 15) * interval '1 day',
				t + interval '1 hour', t + interval '5 hours', CASE WHEN s.status IN ('fixed', 'closed') THEN t + interval '2 days' END,
				CASE WHEN s.status = 'closed' THEN t + interval '3 days' END, n % 3, n % 101 = 0, t,
				CASE s.status WHEN 'dispatched' THEN now_ + ((n % 97) - 20) * interval '1 hour'
					WHEN 'verified' THEN now_ + ((n % 89) - 15) * interval '1 day' END
			FROM generate_series(1, 1000000) n,
				LATERAL (SELECT timestamptz '2026-01-01 00:00+08' + (n - 1) * (interval '338 days' / 1000000) AS t,
					timestamptz '2026-12-05 10:00+08' AS now_) tt,
				LATERAL (SELECT CASE WHEN n % 10 <> 0 THEN 'closed'
					ELSE (ARRAY['submitted', 'returned', 'dispatched', 'verified', 'fixed'])[1 + (n / 10) % 5] END AS status) s,
				(SELECT array_agg(id ORDER BY id) AS ids, array_agg(community_id ORDER BY id) AS comms FROM alleys) a,
				(SELECT array_agg(id ORDER BY id) AS ids FROM departments) d,
				(SELECT array_agg(id ORDER BY id) AS ids FROM people) p`,
		`INSERT INTO case_categories (case_id, category_id, lead)
			SELECT c.id, k.ids[1 + c.id % cardinality(k.ids)], true FROM cases c, (SELECT array_agg(id ORDER BY id) AS ids FROM categories) k`,
		`INSERT INTO case_departments (case_id, department_id)
			SELECT c.id, d.ids[1 + (c.id + 1) % cardinality(d.ids)] FROM cases c, (SELECT array_agg(id ORDER BY id) AS ids FROM departments) d
			WHERE c.id % 50 IN (7, 30) AND c.department_id IS NOT NULL`,
		`INSERT INTO case_ratings (case_id, closing, platform, user_id, score)
			SELECT id, closed_at, 'wecom', 'u' || id, 1 + id % 5 FROM cases WHERE status = 'closed' AND id % 3 = 0`,
		`INSERT INTO case_events (case_id, at, actor_id, kind, data)
			SELECT id, created_at, reporter_id, 'submitted', '{"photos": 1}' FROM cases`,
		`INSERT INTO case_events (case_id, at, actor_id, kind, note)
			SELECT id, created_at + interval '2 hours', reporter_id, 'returned', '请补充门牌号' FROM cases WHERE status = 'returned'`,
		`INSERT INTO photos (case_id, event_id, kind, platform, file_ref, file_size, created_at)
			SELECT e.case_id, e.id, 'before', 'telegram', 'bigdb-' || e.case_id, 100000, e.at FROM case_events e WHERE e.kind = 'submitted'`,
		`INSERT INTO patrol_checkins (person_id, alley_id, at, ended_at, ended_by)
			SELECT s.ids[1 + n % cardinality(s.ids)], a.ids[1 + n % cardinality(a.ids)], t, t + interval '1 hour', 'steward'
			FROM generate_series(1, 1000000 / 20) n,
				LATERAL (SELECT timestamptz '2026-01-01 08:00+08' + (n - 1) * (interval '338 days' / (1000000 / 20)) AS t) tt,
				(SELECT array_agg(DISTINCT person_id ORDER BY person_id) AS ids FROM person_roles WHERE role = 'steward') s,
				(SELECT array_agg(id ORDER BY id) AS ids FROM alleys) a`,
		`INSERT INTO complaints (number, platform, user_id, chat_id, about_staff, description, alley_id, community_id, status,
				answer, answer_by, pinged, handled_at, created_at)
			SELECT 'K' || lpad(n::text, 7, '0'), 'wecom', 'r' || n % 997, 'r' || n % 997, n % 7 = 0, '投诉', a.ids[1 + n % cardinality(a.ids)],
				a.comms[1 + n % cardinality(a.ids)], CASE WHEN n % 50 = 0 THEN 'open' ELSE 'answered' END,
				CASE WHEN n % 50 = 0 THEN '' ELSE '已处理' END, t + interval '2 days', t + interval '2 days' < timestamptz '2026-12-05 10:00+08',
				CASE WHEN n % 50 <> 0 THEN t + interval '1 day' END, t
			FROM generate_series(1, 1000000 / 20) n,
				LATERAL (SELECT timestamptz '2026-01-01 09:00+08' + (n - 1) * (interval '338 days' / (1000000 / 20)) AS t) tt,
				(SELECT array_agg(id ORDER BY id) AS ids, array_agg(community_id ORDER BY id) AS comms FROM alleys) a`,
		`VACUUM ANALYZE cases, case_categories, case_departments, case_ratings, case_events, photos, patrol_checkins, complaints`,
	} {
		q = strings.ReplaceAll(q, "1000000", fmt.Sprint(n))
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bigdb: %w", err)
		}
	}
	return nil
}
