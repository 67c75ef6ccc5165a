# The two commands of the README (run, test), and the benchmarks.
.PHONY: run serve test build bench bench-all
# make run ARGS="--as 杨晓燕" (or --fresh: start from an empty database)
run:
	scripts/run.sh $(ARGS)
# The scheduler on the same database; with no messenger it prints what it says.
serve:
	scripts/run.sh serve $(ARGS)
test:
	scripts/test.sh
# `alleybot version` names the commit: -buildvcs=auto overrides a GOFLAGS
# of -buildvcs=false, and -X main.commit covers a git worktree, whose
# checkout the toolchain does not read. BIN=path builds elsewhere.
BIN ?= bin/alleybot
COMMIT = $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
build:
	go build -buildvcs=auto -ldflags "-X main.commit=$(COMMIT)" -o $(BIN) ./cmd/alleybot
# Ingest speed next to pgbench on a throwaway cluster (about two minutes);
# bench-all adds the webhook path, pacing (about six minutes), pings (two
# minutes), the due-clock query, latency, crashes, statements per send and
# the lists at 1,000, 10,000 and 1,000,000 cases (about ten minutes).
bench:
	bench/ingest.sh
bench-all: bench
	bench/webhook.sh
	bench/pacing.sh
	bench/pings.sh
	bench/clocks.sh
	bench/latency.sh
	bench/crash.sh
	bench/statements.sh
	bench/lists.sh
