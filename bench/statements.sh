#!/usr/bin/env bash
# Statements and commits per message sent, counted by pg_stat_statements on
# a throwaway cluster (its own port and data directory, removed afterwards):
# the latency run (50 stewards through the webhook for 30 s, pacing on),
# then every statement of the send path with its calls, and the calls per
# message delivered.
#   bench/statements.sh            STEWARDS, DURATION as for bench/latency.sh
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "bench/statements.sh takes no arguments (settings are environment variables; --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
port=${PGSS_PORT:-55439}
data=$(mktemp -d /tmp/alleybot-pgss.XXXXXX)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
as_postgres "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
	-o "-h 127.0.0.1 -p $port -k /tmp -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c max_connections=200" start >/dev/null
trap 'as_postgres "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null; rm -rf "$data"' EXIT
psql "postgres://postgres@127.0.0.1:$port/postgres" -qc "CREATE EXTENSION pg_stat_statements"
export ALLEYBOT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
out=$(STEWARDS=${STEWARDS:-50} DURATION=${DURATION:-30s} go test -run '^$' -bench BenchmarkLatency -benchtime 1x -timeout 20m ./cmd/alleybot/)
echo "$out" | grep -E "^Benchmark"
msgs=$(echo "$out" | awk '/^Benchmark/ { for (i = 2; i <= NF; i++) if ($i == "msgs") print int($(i-1)) }')
echo "== the send path's statements (pg_stat_statements)"
psql "postgres://postgres@127.0.0.1:$port/postgres" -qAt -F $'\t' <<SQL
SELECT calls, round(total_exec_time::numeric, 1) AS ms, left(regexp_replace(query, '\s+', ' ', 'g'), 90)
FROM pg_stat_statements
WHERE query ~* '(outbox|outbox_senders)' AND query !~* '^(create|alter|drop|insert into outbox_chats \(platform, chat_id, next_seq\) select platform)'
ORDER BY calls DESC LIMIT 12;
SELECT 'dispatcher statements per message delivered: ' ||
	round(sum(calls) FILTER (WHERE query ~* '(WITH due AS|WITH m AS \(UPDATE outbox|WITH o AS \( SELECT \* FROM unnest|UPDATE outbox_chats SET lease_until|UPDATE outbox_chats SET lease_owner = NULL|WITH m AS \(UPDATE outbox SET attempts)') / nullif($msgs, 0)::numeric, 2)
	|| ' (' || $msgs || ' messages; each statement is its own transaction; sends that finish together share one)'
FROM pg_stat_statements;
SELECT 'queueing: ' || sum(calls) || ' multi-row INSERTs (one per update that says something)' FROM pg_stat_statements WHERE query ~* 'INSERT INTO outbox \(platform';
SQL
