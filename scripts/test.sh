#!/usr/bin/env bash
# The README's test command: a database, then vet and every test with the race
# detector. Each test package creates its own database and drops it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/db.sh
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
go vet ./...
go test -race -count=1 "$@" ./...
