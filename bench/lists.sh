#!/usr/bin/env bash
# The lists people and the scheduler run, at 1,000, 10,000 and 1,000,000
# cases (issue 26: a district's ten years), in one run on the local PostgreSQL
# (scripts/db.sh). Each size is a fresh database loaded by internal/bigdb
# (generate_series: one case in ten open, each with its category, first
# event and photo, for every 20 cases a patrol and a resident's complaint;
# about three minutes for the big one); then handlers' BenchmarkLists runs
# each list on every database in turn (so a passing load on the machine
# weighs on each size alike) and times through the router, as
# serve answers them into the outbox: /queue, /overdue (the coordinator's
# and a department's), /dept, /case, /mycases (and its page 2), /patrols,
# /trainings; and in the scheduler's transaction: the daily digest, the
# monthly figures (evaluation.Compute), the due clocks and the reminders.
# Each by p50 and p99 in ms, with the messages a command queued (a list
# shows at most 50 cases a section, so at 1,000 cases the lists are not
# full yet; at 10,000 they are); "reference" is SELECT count(*) FROM cases
# in the same run, the machine's own yardstick. The summary gives p50 at
# the last size ÷ p50 at each smaller one.
#   bench/lists.sh                 SIZES="1000 10000 1000000" RUNS=40
#   SIZES="1000 10000" RUNS=10 bench/lists.sh   a quick look
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "bench/lists.sh takes no arguments (settings are environment variables; --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://$PGUSER@$PGHOST:$PGPORT/postgres?sslmode=disable}
sizes=${SIZES:-1000 10000 1000000}
out=$(mktemp /tmp/alleybot-lists.XXXXXX)
trap 'rm -f "$out"' EXIT
echo "== BenchmarkLists at ${sizes// / and } cases, ${RUNS:-40} runs each"
ALLEYBOT_BENCH_LISTS=1 LISTS_SIZES="$sizes" go test -run '^$' -bench BenchmarkLists -benchtime "${RUNS:-40}x" -timeout 60m ./handlers/ |
	tee "$out" | grep -E '^Benchmark|loaded|^(ok|FAIL|PASS)|Error|panic'
echo "== summary: p50 / p99 ms (messages queued) at each size; p50 at the last size ÷ p50 at each smaller one"
awk -v sizes="$sizes" '
	/^BenchmarkLists\/[^ ]+/ {
		split($1, p, "/"); name = p[2]; sub(/-[0-9]+$/, "", name)
		for (i = 3; i <= NF; i++) {
			if ($i !~ /^[0-9]+-(p50-ms|p99-ms|msgs)$/) continue
			split($i, u, "-")
			if (u[2] == "p50") p50[u[1], name] = $(i - 1)
			if (u[2] == "p99") p99[u[1], name] = $(i - 1)
			if (u[2] == "msgs") msgs[u[1], name] = $(i - 1)
		}
		names[++n] = name
	}
	END {
		k = split(sizes, s, " ")
		printf "%-20s", "list"; for (j = 1; j <= k; j++) printf " %26s", s[j] " cases"
		for (j = 1; j < k; j++) printf " %9s", "÷" s[j]; printf "\n"
		for (i = 1; i <= n; i++) {
			printf "%-20s", names[i]
			for (j = 1; j <= k; j++) printf " %26s", sprintf("%.2f / %.2f (%d)", p50[s[j], names[i]], p99[s[j], names[i]], msgs[s[j], names[i]])
			for (j = 1; j < k; j++) printf " %9.2f", (p50[s[j], names[i]] > 0 ? p50[s[k], names[i]] / p50[s[j], names[i]] : 0)
			printf "\n"
		}
	}' "$out"
