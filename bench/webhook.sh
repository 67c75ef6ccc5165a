#!/usr/bin/env bash
# Measures the Telegram webhook path for complete reports next to the
# machine's own limit: pgbench running a two-insert transaction on the same
# PostgreSQL, in the same run (these machines are noisy; compare the two).
#   bench/webhook.sh [REPORTS]     default 400 reports (3,200 updates)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/db.sh
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@$PGHOST:$PGPORT/postgres?sslmode=disable}
reports=${1:-400}

db=alleybot_pgbench
psql -d postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db -q <<'SQL'
CREATE TABLE bench_case (id bigserial PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE bench_event (id bigserial PRIMARY KEY, case_id bigint NOT NULL, kind text NOT NULL, at timestamptz NOT NULL DEFAULT now());
SQL
script=$(mktemp)
cat > "$script" <<'SQL'
BEGIN;
INSERT INTO bench_case (body) VALUES ('门口堆了建筑垃圾,三天没人清理');
INSERT INTO bench_event (case_id, kind) VALUES (currval('bench_case_id_seq'), 'submitted');
COMMIT;
SQL
echo "== pgbench: two-insert transaction, 16 clients, 15 s"
pgbench -n -c 16 -j 2 -T 15 -f "$script" $db 2>&1 | grep -E "^(tps|latency)"
rm -f "$script"
psql -d postgres -qc "DROP DATABASE $db"

echo "== alleybot: full reports through the webhook, 16 stewards at once, $reports reports"
go test -run '^$' -bench BenchmarkWebhookReport -benchtime "${reports}x" -count 1 ./cmd/alleybot/ | grep -E "Benchmark|ok"
