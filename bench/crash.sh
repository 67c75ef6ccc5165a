#!/usr/bin/env bash
# The kill -9 run: stewards report through the webhook of two serve
# processes while one is killed with SIGKILL five times (and restarted);
# every update without a 200 is sent again. Prints reports acknowledged vs
# cases, duplicate cases, messages delivered, duplicated and out of order,
# and the longest a message waited. Takes about two minutes.
#   bench/crash.sh [--stewards 30] [--duration 90s] [--kills 5]
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
go build -o bin/alleybot ./cmd/alleybot
go run ./bench/crash --bin bin/alleybot \
	--admin-url "postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable" "$@"
