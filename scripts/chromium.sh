#!/usr/bin/env bash
# Makes sure the public page's screenshot test has a browser: Debian's
# chromium, installed (as root, by apt-get) only when /usr/bin/chromium is
# missing; safe to run again. Without it the screenshot test skips.
set -euo pipefail

BIN=${ALLEYBOT_CHROMIUM:-/usr/bin/chromium}
say() { echo "chromium.sh: $*" >&2; }

if [ -x "$BIN" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  say "$BIN is missing and installing chromium needs root: sudo apt-get install chromium (the public page's screenshot test needs it)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "$BIN is missing and there is no apt-get: install Chromium and set ALLEYBOT_CHROMIUM to it"
  exit 0
fi
say "installing Debian's chromium (the public page's screenshot test)"
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
[ -x "$BIN" ] || say "chromium is installed but $BIN is not there: set ALLEYBOT_CHROMIUM"
