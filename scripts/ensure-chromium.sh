#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing. Playwright never
# downloads a browser of its own here: the tests launch /usr/bin/chromium.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
echo "Chromium is missing: installing Debian's chromium package..."
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Run as root or install it yourself: apt-get install chromium" >&2; exit 1; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-core >/dev/null
[ -x "$CHROMIUM" ] || { echo "chromium did not install at $CHROMIUM" >&2; exit 1; }
