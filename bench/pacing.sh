#!/usr/bin/env bash
# Paced delivery against a Bot API that enforces Telegram's limits and
# answers 429 when they are broken (30 a second in all, 20 in any minute
# per group, 3 in any 3 s per private chat): PACING_MSGS messages to
# PACING_CHATS chats, PACING_GROUPS of them groups. Reports the total time,
# the least time the limits allow, their ratio, and the 429s. Without
# settings, two runs: a small burst (60 messages to 10 chats, 2 of them
# groups: 6 per chat; the limits allow 3 s) and a large plan (10,000 to 500
# chats, 20 groups; about six minutes at 30 a second).
#   bench/pacing.sh                      # both
#   PACING_MSGS=1000 PACING_CHATS=50 PACING_GROUPS=2 bench/pacing.sh   # one
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "bench/pacing.sh takes no arguments (settings are environment variables; --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
run() { env "$@" go test -run '^$' -bench BenchmarkPacing -benchtime 1x -timeout 40m ./outbox/ | grep -E "Benchmark|FAIL"; }
if [ -n "${PACING_MSGS:-}" ]; then
	run
	exit
fi
echo "== small burst: 60 messages to 10 chats (2 groups), 6 each"
run PACING_MSGS=60 PACING_CHATS=10 PACING_GROUPS=2
echo "== large plan: 10,000 messages to 500 chats (20 groups)"
run PACING_MSGS=10000 PACING_CHATS=500 PACING_GROUPS=20
