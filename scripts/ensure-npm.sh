#!/usr/bin/env bash
# Installs Debian's npm when it is missing: the browser tests take axe-core (test tooling only,
# pinned in package-lock.json) from npm. The app itself never needs Node.
set -euo pipefail
command -v npm >/dev/null && exit 0
echo "npm is missing: installing Debian's npm package..."
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Run as root or install it yourself: apt-get install npm" >&2; exit 1; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
command -v npm >/dev/null || { echo "npm did not install" >&2; exit 1; }
