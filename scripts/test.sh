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
# A short run of each fuzz target (their seed corpora in testdata/fuzz ran
# above as ordinary tests). FUZZTIME=0 skips it; a longer run finds more.
FUZZTIME=${FUZZTIME:-5s}
if [ "$FUZZTIME" != 0 ]; then
	for target in bot:FuzzTelegramUpdate bot:FuzzParseLatLon bot:FuzzWebhook conversations:FuzzParseDay \
		roster:FuzzRoster config:FuzzConfig; do
		go test -run='^$' -fuzz="^${target#*:}\$" -fuzztime="$FUZZTIME" "./${target%%:*}" | tail -1
	done
fi
