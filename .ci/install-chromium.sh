#!/usr/bin/env bash
# Makes sure a Chromium exists for the browser fetcher (pipeline/fetch/browser.ts) and its tests.
# Debian/Ubuntu machines get the distribution's chromium; GitHub Actions uses Playwright's own build
# (`npx playwright install --with-deps chromium`) and points nothing here, so this script is a no-op
# whenever $CHROMIUM_PATH, /usr/bin/chromium or an already downloaded Playwright Chromium is there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ ! -x "$CHROMIUM_PATH" ]; then
    echo "CHROMIUM_PATH=$CHROMIUM_PATH is set but is not an executable file" >&2
    exit 1
  fi
  browser="$CHROMIUM_PATH"
elif [ -x /usr/bin/chromium ]; then
  browser=/usr/bin/chromium
elif playwright_build="$(node -e 'const p = require("playwright-core").chromium.executablePath(); if (require("fs").existsSync(p)) console.log(p)' 2>/dev/null)" \
  && [ -n "$playwright_build" ]; then
  # `npx playwright install chromium` already ran (GitHub Actions): the fetcher uses that build.
  browser="$playwright_build"
else
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "no chromium found and no apt-get to install it: set CHROMIUM_PATH to a Chromium binary" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "== installing Debian's chromium"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
  browser=/usr/bin/chromium
fi

echo "== chromium: $browser"
"$browser" --version
