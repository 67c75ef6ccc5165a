#!/usr/bin/env bash
# The README's test command: a database, then the project's habits (gofmt,
# go vet, staticcheck at a pinned version) and every test with the race
# detector. Each test package creates its own database and drops it.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2

scripts/db.sh
scripts/fonts.sh # the monthly report's charts need a CJK font
scripts/chromium.sh # the public page's screenshot test needs a browser
export ALLEYBOT_TEST_DATABASE_URL=${ALLEYBOT_TEST_DATABASE_URL:-postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable}
unformatted=$(gofmt -l $(find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt: these files are not formatted (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
go run "$STATICCHECK" ./...
go test -race -count=1 -timeout 40m "$@" ./...
# A short run of each fuzz target (their seed corpora in testdata/fuzz ran
# above as ordinary tests). FUZZTIME=0 skips it; a longer run finds more.
FUZZTIME=${FUZZTIME:-5s}
if [ "$FUZZTIME" != 0 ]; then
	for target in bot/telegram:FuzzTelegramUpdate bot/console:FuzzParseLatLon bot/telegram:FuzzWebhook conversations:FuzzParseDay conversations:FuzzParseWhen \
		roster:FuzzRoster config:FuzzConfig ledger:FuzzParseAmount; do
		pkg="./${target%%:*}" name="${target#*:}"
		if ! out=$(go test -run='^$' -fuzz="^$name\$" -fuzztime="$FUZZTIME" "$pkg" 2>&1); then
			# A crash the fuzzer finds is written to testdata/fuzz and fails
			# every run from now on; the engine itself can also stop a worker
			# on a loaded machine ("hung or terminated unexpectedly"). Show
			# it, and run once more: only a failure that repeats fails.
			echo "$out" | grep -v '^fuzz: elapsed' >&2
			echo "fuzz $name failed; running it again" >&2
			go test -run='^$' -fuzz="^$name\$" -fuzztime="$FUZZTIME" "$pkg" 2>&1 | grep -v '^fuzz: elapsed'
		else
			echo "$out" | tail -1
		fi
	done
fi
