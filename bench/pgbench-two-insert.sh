#!/usr/bin/env bash
# The machine's own limit, for the benchmarks to be compared with in the
# same run: pgbench running a two-insert transaction (a case and its event)
# in a database of its own, made and dropped here. Prints pgbench's tps and
# latency lines.
#   bench/pgbench-two-insert.sh CLIENTS SECONDS    (PGHOST, PGPORT, PGUSER as for psql)
set -euo pipefail
case "${1:-}" in
-h | --help | "") sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; [ -n "${1:-}" ]; exit $? ;;
esac
clients=${1:?clients} seconds=${2:?seconds}
db=alleybot_pgbench
psql -d postgres -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db -q <<'SQL'
CREATE TABLE bench_case (id bigserial PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE bench_event (id bigserial PRIMARY KEY, case_id bigint NOT NULL, kind text NOT NULL, at timestamptz NOT NULL DEFAULT now());
SQL
script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat > "$script" <<'SQL'
BEGIN;
INSERT INTO bench_case (body) VALUES ('门口堆了建筑垃圾,三天没人清理');
INSERT INTO bench_event (case_id, kind) VALUES (currval('bench_case_id_seq'), 'submitted');
COMMIT;
SQL
pgbench -n -c "$clients" -j 2 -T "$seconds" -f "$script" $db 2>&1 | grep -E "^(tps|latency)"
psql -d postgres -qc "DROP DATABASE $db"
