#!/usr/bin/env bash
# WeCom group robots at WeCom's pace: ROBOT_MSGS (500) messages over
# ROBOT_GROUPS (10) groups through the outbox to a fake WeCom that refuses
# (errcode 45009) a robot's 21st message within a minute. Reports the
# makespan, the limit's minimum ((per group - 1) × 3 s) and the 45009s.
# Usage: bench/wecom-robots.sh [--help]
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
cd "$(dirname "$0")/.."
scripts/db.sh >/dev/null
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
echo "wecom robots: ${ROBOT_MSGS:-500} messages to ${ROBOT_GROUPS:-10} groups (minimum about $(( (${ROBOT_MSGS:-500} / ${ROBOT_GROUPS:-10} - 1) * 3 )) s)" >&2
go test -run '^$' -bench '^BenchmarkWeComRobots$' -benchtime=1x -timeout 2h ./outbox
