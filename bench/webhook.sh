#!/usr/bin/env bash
# Measures the Telegram webhook path for complete reports next to the
# machine's own limit: pgbench running a two-insert transaction on the same
# PostgreSQL, in the same run (these machines are noisy; compare the two).
#   bench/webhook.sh [REPORTS]     default 400 reports (3,200 updates)
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"" | *[!0-9]*) [ -z "${1:-}" ] || { echo "bench/webhook.sh: REPORTS must be a number (--help)" >&2; exit 2; } ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@$PGHOST:$PGPORT/postgres?sslmode=disable}
reports=${1:-400}

echo "== pgbench: two-insert transaction, 16 clients, 15 s"
bench/pgbench-two-insert.sh 16 15

echo "== alleybot: full reports through the webhook, 16 stewards at once, $reports reports"
go test -run '^$' -bench BenchmarkWebhookReport -benchtime "${reports}x" -count 1 ./cmd/alleybot/ | grep -E "Benchmark|ok"
