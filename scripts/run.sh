#!/usr/bin/env bash
# The README's run command: a database, the schema, the example roster, then
# the console as the roster's first steward. Extra arguments go to
# `alleybot console` (for example --as 杨晓燕); --fresh first empties the
# database (so a script like examples/lifecycle.txt starts at case 1).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--fresh" ]; then # start from an empty database (demos, scripts)
  shift
  scripts/db.sh
  psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -d postgres -qc \
    "DROP DATABASE IF EXISTS \"${ALLEYBOT_DB_NAME:-alleybot}\" WITH (FORCE)" >&2
fi
scripts/db.sh
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/${ALLEYBOT_DB_NAME:-alleybot}?sslmode=disable}
mkdir -p bin
go build -o bin/alleybot ./cmd/alleybot
bin/alleybot migrate >&2
bin/alleybot import examples/roster.yaml >&2
exec bin/alleybot console "$@"
