#!/usr/bin/env bash
# End-to-end latency: closed-loop stewards report through the webhook of a
# serve process; each waits for the bot's next message at the Bot API and
# thinks 1–3 s. Prints p50/p99 from the POST to that message's arrival, at
# 50 stewards with pacing at Telegram's limits, alone and while a training
# notice to 20,000 other stewards is going out (the replies go ahead of
# it), at 200 stewards, and a saturation run with pacing off and no
# thinking. A minute each.
#   bench/latency.sh                                 the four runs
#   STEWARDS=50 DURATION=30s bench/latency.sh        one
#   STEWARDS=50 BROADCAST=20000 bench/latency.sh     one, during a broadcast
#   BROADCAST_PAIR=1 bench/latency.sh                50 stewards without and with the broadcast
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "bench/latency.sh takes no arguments (settings are environment variables; --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
run() { env "$@" go test -run '^$' -bench BenchmarkLatency -benchtime 1x -timeout 20m ./cmd/alleybot/ | grep -E "^Benchmark|webhook answered"; }
if [ -n "${STEWARDS:-}" ]; then
	run STEWARDS="$STEWARDS" BROADCAST="${BROADCAST:-0}"
	exit
fi
echo "== 50 stewards, pacing at Telegram's limits";  run STEWARDS=50
echo "== 50 stewards, pacing at Telegram's limits, a training notice to 20,000 going out"; run STEWARDS=50 BROADCAST=20000
[ -n "${BROADCAST_PAIR:-}" ] && exit
echo "== 200 stewards, pacing at Telegram's limits"; run STEWARDS=200
echo "== 50 stewards, pacing off, no thinking (saturation)"; run STEWARDS=50 PACING=off THINK_MIN=0 THINK_MAX=0
