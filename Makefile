# The two commands of the README.
.PHONY: run test build bench
run:
	scripts/run.sh
test:
	scripts/test.sh
build:
	go build -o bin/alleybot ./cmd/alleybot
