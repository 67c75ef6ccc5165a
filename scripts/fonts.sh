#!/usr/bin/env bash
# Makes sure the monthly evaluation report's charts have a font with Chinese
# glyphs: Debian's fonts-wqy-zenhei, whose file is config reports.font's
# default. Installed (as root, by apt-get) only when the file is missing;
# safe to run again. ALLEYBOT_REPORT_FONT names another file to look for.
set -euo pipefail

FONT=${ALLEYBOT_REPORT_FONT:-/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc}
say() { echo "fonts.sh: $*" >&2; }

if [ -f "$FONT" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  say "$FONT is missing and installing fonts-wqy-zenhei needs root: sudo apt-get install fonts-wqy-zenhei (the monthly report's charts need it)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "$FONT is missing and there is no apt-get: install a CJK font and set reports.font to it"
  exit 0
fi
say "installing Debian's fonts-wqy-zenhei (the monthly report's Chinese labels)"
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null
fi
[ -f "$FONT" ] || say "fonts-wqy-zenhei is installed but $FONT is not there: set reports.font"
