#!/usr/bin/env bash
# With 1,000,000 cases of which 100,000 open: how long the scheduler takes to
# find the clocks due now, and the plan it uses (it must use the partial index
# cases_next_ping_idx, not scan the table).
#   bench/clocks.sh
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "bench/clocks.sh takes no arguments (settings are environment variables; --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
db=alleybot_bench_clocks
psql -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
go build -o bin/alleybot ./cmd/alleybot
DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db?sslmode=disable" bin/alleybot migrate >/dev/null
DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db?sslmode=disable" bin/alleybot import examples/roster.yaml >/dev/null
echo "== generating 1,000,000 cases (100,000 open with running clocks)"
time psql -d $db -q <<'SQL'
INSERT INTO cases (number, alley_id, community_id, description, impact, status, reporter_id, source, department_id,
                   created_at, closed_at, dispatched_at, verify_by, fix_by, next_ping_at)
SELECT format('B%s-%s', 2000 + g / 100000, lpad((g % 100000)::text, 6, '0')),
       a.id, a.community_id, '压测案件', 'alley',
       CASE WHEN g % 10 = 0 THEN (CASE WHEN g % 20 = 0 THEN 'dispatched' ELSE 'verified' END) ELSE 'closed' END,
       p.id, 'bench', d.id,
       now() - (g % 1000) * interval '1 hour',
       CASE WHEN g % 10 = 0 THEN NULL ELSE now() - (g % 900) * interval '1 hour' END,
       now() - (g % 1000) * interval '1 hour',
       now() + ((g % 2000) - 50) * interval '1 hour',
       now() + ((g % 2000) + 50) * interval '1 hour',
       CASE WHEN g % 10 = 0 THEN now() + ((g % 2000) - 60) * interval '1 hour' END
FROM generate_series(1, 1000000) g,
     (SELECT id, community_id FROM alleys ORDER BY id LIMIT 1) a,
     (SELECT id FROM people WHERE code = 'S01') p,
     (SELECT id FROM departments WHERE code = 'huanwei') d;
ANALYZE cases;
SQL
psql -d $db -tAc "SELECT count(*) AS cases, count(*) FILTER (WHERE closed_at IS NULL) AS open, count(*) FILTER (WHERE next_ping_at <= now()) AS due_now FROM cases"
echo "== the scheduler's query for due clocks (store.DueClocks' inner select, 200 at a time)"
psql -d $db -c "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM cases WHERE next_ping_at <= now() ORDER BY next_ping_at LIMIT 200 FOR UPDATE SKIP LOCKED"
psql -d postgres -qc "DROP DATABASE $db WITH (FORCE)"
