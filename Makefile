# The two commands of the README (run, test), and the benchmarks.
.PHONY: run test build bench bench-all
run:
	scripts/run.sh
test:
	scripts/test.sh
build:
	go build -o bin/alleybot ./cmd/alleybot
# The webhook path next to pgbench (a few minutes); bench-all adds pacing
# (about six minutes), pings (two minutes) and the due-clock query.
bench:
	bench/webhook.sh
bench-all: bench
	bench/pacing.sh
	bench/pings.sh
	bench/clocks.sh
	bench/latency.sh
	bench/crash.sh
	bench/statements.sh
