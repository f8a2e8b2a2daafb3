#!/usr/bin/env bash
# The main job's `web_example` step: builds @messenger-connect/web, starts a mock of its own
# (3 users, 2 friends and 3 activities each), and drives the example page once in headless
# Chromium (examples/drive.mjs: serves the page, signs in, friends, feed, share, chat).
# Installs Chromium (apt) and the npm packages (npm ci) when missing. Says what failed.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../scripts/lib/common.sh
source "$HERE/../scripts/lib/common.sh"
cd "$HERE" || exit 1
trap mock_stop EXIT
export OUT_DIR="${OUT_DIR:-$ROOT/out/web}" CI="${CI:-true}" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [[ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
    SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO=sudo
    { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium; } </dev/null \
        || die "web example: could not install chromium"
fi
npm ci --no-audit --no-fund </dev/null || die "web example: npm ci failed"
node build.mjs </dev/null || die "web example: the build failed"
mock_build || die "web example: the mock server does not build"
mock_start --seed 1 --users 3 --friends-per-user 2 --activities-per-user 3 \
    || die "web example: the mock server did not start"
mkdir -p "$OUT_DIR"
MOCK_URL="$MOCK_URL" node examples/drive.mjs </dev/null
