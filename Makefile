# The two commands of the README (run, test), and the benchmarks.
.PHONY: run test build bench bench-all
# make run ARGS="--as 杨晓燕" (or --fresh: start from an empty database)
run:
	scripts/run.sh $(ARGS)
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
