#!/usr/bin/env bash
# Ingest speed, in one run on one throwaway PostgreSQL cluster (its own port
# and data directory, pg_stat_statements loaded, removed afterwards):
#   1. the machine's own limit: pgbench's two-insert transaction, 8 clients;
#   2. `alleybot serve` (built here, its own process, webhook mode, pacing
#      off) under closed-loop stewards completing whole reports, at 50 and
#      at 200 (bench/ingest/main.go): updates/s, reports/s, time to the next
#      message p50/p99 at the fake Bot API, peak RSS of serve, and
#      statements, commits and PostgreSQL CPU ms per update;
#   3. a summary with updates/s ÷ pgbench TPS.
#   bench/ingest.sh                      STEWARDS="50 200" DURATION=30s PGBENCH_TIME=15
#   ALLEYBOT_BIN=/tmp/old bench/ingest.sh   the same load on another build
#   BIG=1 bench/ingest.sh                and on a district's years: before the
#      runs, `go run ./bench/bigdb --cases 1000000` (BIG_CASES) loads a database
#      of the same cluster, and its cases get points within their alley's
#      radius (as store's BenchmarkNearbyOpen; BIG_POINTS=0 leaves them none);
#      each steward count then runs on an empty database and at once on a copy
#      of the loaded one, and the summary adds big ÷ empty: updates/s, and the
#      next message's p99 on both
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "bench/ingest.sh takes no arguments (settings are environment variables; --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
port=${INGEST_PORT:-55441}
stewards=${STEWARDS:-50 200}
duration=${DURATION:-30s}
data=$(mktemp -d /tmp/alleybot-ingest.XXXXXX)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then scripts/db.sh >/dev/null; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
echo "== a throwaway cluster on 127.0.0.1:$port ($data)"
as_postgres "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
	-o "-h 127.0.0.1 -p $port -k /tmp -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c pg_stat_statements.track_planning=on -c max_connections=300" start >/dev/null
trap 'as_postgres "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null; rm -rf "$data" "$exe"' EXIT
url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
psql "$url" -qc "CREATE EXTENSION pg_stat_statements"
exe=$(mktemp /tmp/alleybot-ingest-bin.XXXXXX)
if [ -n "${ALLEYBOT_BIN:-}" ]; then
	cp "$ALLEYBOT_BIN" "$exe" && chmod +x "$exe" # another build (an older commit, say) under the same load
else
	go build -o "$exe" ./cmd/alleybot
fi

echo "== pgbench: two-insert transaction, 8 clients, ${PGBENCH_TIME:-15} s"
tps=$(PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres bench/pgbench-two-insert.sh 8 "${PGBENCH_TIME:-15}" | awk '/^tps/ { print $3 }')
echo "pgbench: $tps TPS"

big=alleybot_ingest_big
if [ "${BIG:-}" = 1 ]; then
	echo "== bigdb: ${BIG_CASES:-1000000} cases into $big"
	psql "$url" -qc "CREATE DATABASE $big"
	big_url="postgres://postgres@127.0.0.1:$port/$big?sslmode=disable"
	go run ./bench/bigdb --url "$big_url" --cases "${BIG_CASES:-1000000}"
	if [ "${BIG_POINTS:-1}" = 1 ]; then
		# A point a pseudo-random distance (uniform over the disc) and bearing
		# from the alley's centre, from the case's id.
		psql "$big_url" -qc "UPDATE cases c SET
			lat = a.lat + a.radius_m * sqrt(((c.id * 7919) % 1000) / 1000.0) * cos(2 * pi() * ((c.id * 104729) % 3600) / 3600.0) / 111195,
			lon = a.lon + a.radius_m * sqrt(((c.id * 7919) % 1000) / 1000.0) * sin(2 * pi() * ((c.id * 104729) % 3600) / 3600.0)
				/ (111195 * cos(radians(a.lat)))
			FROM alleys a WHERE a.id = c.alley_id" -c "VACUUM ANALYZE cases"
	fi
	psql "$big_url" -Atc "SELECT count(*) || ' cases, ' || count(*) FILTER (WHERE closed_at IS NULL) || ' open, '
		|| count(lat) || ' with a point' FROM cases"
fi

results=()
ingest() { # label, extra flags
	local label=$1
	shift
	out=$(go run ./bench/ingest --bin "$exe" --db-url "$url" --stewards "$n" --duration "$duration" --top "${TOP:-12}" ${SERVE_LOG:+--serve-log "$SERVE_LOG.$label$n"} "$@")
	echo "$out" | grep -v '^RESULT'
	results+=("$label $(echo "$out" | grep '^RESULT')")
}
for n in $stewards; do
	echo "== alleybot: $n stewards completing reports through the webhook, $duration${BIG:+, on an empty database}"
	ingest empty
	if [ "${BIG:-}" = 1 ]; then
		echo "== alleybot: $n stewards, $duration, on a copy of $big"
		ingest big --template "$big"
	fi
done
echo "== summary (pgbench $tps TPS on the same cluster)"
declare -A empty_ups empty_p99
for r in "${results[@]}"; do
	label=${r%% *}
	r=${r#* }
	eval "$(echo "${r#RESULT }" | tr ' ' '\n' | sed 's/^/local_/')"
	ratio=$(awk -v a="$local_updates_per_s" -v b="$tps" 'BEGIN { printf "%.3f", a / b }')
	echo "${BIG:+$label database, }stewards $local_stewards: $local_updates_per_s updates/s ($local_reports_per_s reports/s) = $ratio × pgbench; p50 ${local_p50_ms} ms p99 ${local_p99_ms} ms; RSS ${local_rss_mb} MB; per update $local_stmts statements, $local_commits commits, $local_pg_cpu_ms ms PostgreSQL CPU, $local_bot_cpu_ms ms alleybot CPU"
	if [ "$label" = empty ]; then
		empty_ups[$local_stewards]=$local_updates_per_s empty_p99[$local_stewards]=$local_p99_ms
	else
		awk -v s="$local_stewards" -v e="${empty_ups[$local_stewards]}" -v b="$local_updates_per_s" -v ep="${empty_p99[$local_stewards]}" -v bp="$local_p99_ms" -v t="$tps" \
			'BEGIN { printf "  big ÷ empty, stewards %s: updates/s %.3f (%.1f ÷ %.1f; pgbench %s TPS); next-message p99 %s ms big, %s ms empty (%.2f×)\n", s, b / e, b, e, t, bp, ep, bp / ep }'
	fi
done
