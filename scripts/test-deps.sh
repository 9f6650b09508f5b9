#!/usr/bin/env bash
# Debian packages the tests need: chromium for the browser tests, fonts for rendering, Pango for WeasyPrint (PDF).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
for pkg in fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
