#!/usr/bin/env bash
# The database outage run: stewards report through the webhook of two serve
# processes while PostgreSQL is cut off for 20 s in the middle (through a
# loopback proxy: every session reset, new connections refused, as when it
# restarts); every update without a 200 is sent again, as Telegram does.
# Prints reports acknowledged vs cases (none may be lost or made twice),
# messages delivered, duplicated and out of order. Takes about two minutes.
#   bench/outage.sh [--stewards 30] [--duration 60s] [--outage 20s]
# Any other flag of bench/crash (go run ./bench/crash --help) may follow.
set -euo pipefail
case "${1:-}" in
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
scripts/db.sh
go build -o bin/alleybot ./cmd/alleybot
go run ./bench/crash --bin bin/alleybot --kills 0 --duration 60s --outage 20s \
	--admin-url "postgres://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres?sslmode=disable" "$@"
