#!/usr/bin/env bash
# Deadline pings with two serve processes on one database: PINGS_CASES cases
# (2,000) whose clocks run out over PINGS_SPREAD seconds (120). Fails unless
# every ping is recorded and queued exactly once; reports due→ping lag.
#   bench/pings.sh
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "bench/pings.sh takes no arguments (settings are environment variables; --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
go test -run '^$' -bench BenchmarkPingsTwoProcesses -benchtime 1x -timeout 20m ./scheduler/ | grep -E "Benchmark|ok|FAIL"
