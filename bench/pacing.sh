#!/usr/bin/env bash
# Paced delivery against a Bot API that enforces Telegram's limits and
# answers 429 when they are broken: PACING_MSGS messages (10,000) to
# PACING_CHATS chats (500), PACING_GROUPS of them groups (20). Reports the
# total time, the least time the limits allow, their ratio, and the 429s.
# The full run takes about six minutes (30 messages a second is the limit).
#   bench/pacing.sh                      # the issue's figures
#   PACING_MSGS=1000 PACING_CHATS=50 PACING_GROUPS=2 bench/pacing.sh   # a quick one
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "bench/pacing.sh takes no arguments (settings are environment variables; --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
go test -run '^$' -bench BenchmarkPacing -benchtime 1x -timeout 40m ./outbox/ | grep -E "Benchmark|ok|FAIL"
