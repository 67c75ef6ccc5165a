#!/usr/bin/env bash
# A training broadcast to BROADCAST_STEWARDS (20,000) stewards: how long the
# trainer's 发布 takes to return (the notices are queued in bulk, in the
# update's transaction) and the rows written per recipient. The sending
# itself at Telegram's limits is bench/pacing.sh with
# PACING_MSGS=20000 PACING_CHATS=20000 PACING_GROUPS=1 (about 11 minutes).
# Usage: bench/broadcast.sh [--help]
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
cd "$(dirname "$0")/.."
scripts/db.sh >/dev/null
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
go test -run '^$' -bench '^BenchmarkTrainingPublish$' -benchtime=1x -timeout 30m ./handlers | grep -E "Benchmark|ok|FAIL"
