#!/usr/bin/env bash
# The README's test command: a database, then the project's habits (gofmt,
# go vet, staticcheck at a pinned version) and every test with the race
# detector. Each test package creates its own database and drops it.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2

scripts/db.sh
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
unformatted=$(gofmt -l $(find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt: these files are not formatted (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
go run "$STATICCHECK" ./...
go test -race -count=1 "$@" ./...
