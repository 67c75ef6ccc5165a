#!/usr/bin/env bash
# Makes sure a PostgreSQL answers at $PGHOST:$PGPORT (default 127.0.0.1:5432)
# and that the database alleybot exists. Where none answers, it starts one from
# Debian's binaries (installing them if missing), as the postgres user because
# postgres refuses to run as root. Safe to run again: it only does what is missing.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
DB_NAME=${ALLEYBOT_DB_NAME:-alleybot}
DATA_DIR=${ALLEYBOT_PGDATA:-/var/tmp/alleybot-pgdata}
export PGHOST PGPORT PGUSER

say() { echo "db.sh: $*" >&2; }

ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 2
  else
    (exec 3<>"/dev/tcp/$PGHOST/$PGPORT") 2>/dev/null
  fi
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$d"
}

start_local() {
  local bin
  bin=$(pg_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    say "no PostgreSQL server binaries found; installing Debian's postgresql package"
    if [ "$(id -u)" != 0 ]; then say "need root to apt-get install postgresql"; exit 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(pg_bin)
    # The package may start its own cluster; if it answers now, use it.
    if ready; then return 0; fi
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  fi
  mkdir -p "$DATA_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA_DIR" && chmod 700 "$DATA_DIR"
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    say "initialising a cluster in $DATA_DIR"
    as_postgres "$bin/initdb" -D "$DATA_DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  say "starting PostgreSQL on $PGHOST:$PGPORT ($DATA_DIR)"
  as_postgres "$bin/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -w -t 60 \
    -o "-h $PGHOST -p $PGPORT -k /tmp" start >/dev/null
}

if ready; then
  :
else
  # The machine's own cluster may just be stopped: start it the Debian way first.
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ "$PGPORT" = 5432 ]; then
    ver=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do ready && break; sleep 0.5; done
  fi
  ready || start_local
  for _ in $(seq 1 60); do ready && break; sleep 0.5; done
  ready || { say "PostgreSQL does not answer at $PGHOST:$PGPORT; see $DATA_DIR/server.log"; exit 1; }
fi

if ! command -v psql >/dev/null 2>&1; then
  say "psql not found (install postgresql-client)"; exit 1
fi
if [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
  say "creating database $DB_NAME"
  psql -d postgres -qc "CREATE DATABASE \"$DB_NAME\"" >/dev/null
fi
