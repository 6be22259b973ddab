#!/usr/bin/env bash
# `make player-deps`: what the web player test (tests/scenarios/test_web_player.py) needs on a fresh machine.
# - Debian's chromium and NSS's certutil (libnss3-tools), from apt when missing (root, or sudo);
# - hls.js and playwright-core exactly as tests/player/package-lock.json pins them (npm ci).
# playwright-core is pinned to the release that drives the chromium major version Debian ships; a different
# major is reported (the DevTools protocol usually keeps working across a few majors, but that is not tested).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null || ! command -v certutil >/dev/null; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium libnss3-tools
fi
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "player-deps: node and npm are needed (Node.js 20 or newer)" >&2
  exit 1
}

npm ci --no-audit --no-fund --loglevel=error

chromium_major=$(/usr/lib/chromium/chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)
driven_major=$(node -e 'const b = require("./node_modules/playwright-core/browsers.json").browsers.find((x) => x.name === "chromium"); console.log(b.browserVersion.split(".")[0])')
echo "player-deps: chromium ${chromium_major:-?}, playwright-core $(node -p 'require("./node_modules/playwright-core/package.json").version') (made for chromium ${driven_major}), hls.js $(node -p 'require("./node_modules/hls.js/package.json").version')"
if [ "${chromium_major:-}" != "$driven_major" ]; then
  echo "player-deps: warning: Debian's chromium is ${chromium_major:-missing}, playwright-core is made for ${driven_major}; pin the matching playwright-core in tests/player/package.json" >&2
fi
