#!/usr/bin/env bash
# The README's run command: a database, the schema, the example roster, then
# the console as the roster's first steward. Extra arguments go to
# `alleybot console` (for example --as 杨晓燕); --fresh, anywhere among them,
# first empties the database (so a script like examples/lifecycle.txt starts
# at case 1). The database is $ALLEYBOT_DB_NAME (default alleybot) on
# $PGHOST:$PGPORT, or $DATABASE_URL when set.
# With `serve` first (make serve), the same database goes to `alleybot
# serve` instead: with no messenger configured it prints what the scheduler
# says (pings, reminders, the digest), next to a console in another terminal.
# Usage: scripts/run.sh [--fresh] [--as NAME] [--echo]   (or make run ARGS="…")
#        scripts/run.sh serve [--fresh] [--config FILE]   (or make serve)
#   --as NAME   speak as this roster person (default: the first steward)
#   --echo      print each input line (default: on when stdin is a pipe)
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=false
command=console
if [ "${1:-}" = serve ]; then
  command=serve
  shift
fi
args=()
for a in "$@"; do
  case "$a" in
  --fresh | -fresh) fresh=true ;;
  -h | --help | -help) # the usage; nothing is started
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 0
    ;;
  *) args+=("$a") ;;
  esac
done
db=${ALLEYBOT_DB_NAME:-alleybot}
if $fresh; then # start from an empty database (demos, scripts)
  scripts/db.sh
  psql -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -d postgres -qc \
    "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >&2
fi
scripts/db.sh
scripts/fonts.sh # the monthly report's charts need a CJK font
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$db?sslmode=disable}
make -s build >&2
bin/alleybot migrate >&2
bin/alleybot import examples/roster.yaml >&2
exec bin/alleybot "$command" ${args[@]+"${args[@]}"}
