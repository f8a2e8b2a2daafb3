#!/usr/bin/env bash
# Tests of @messenger-connect/web, from a fresh clone:
#
#   1. Chromium from Debian when /usr/bin/chromium is missing (never a Playwright download);
#   2. npm ci (oauth4webapi, esbuild, typescript, openapi-typescript, playwright-core);
#   3. checks, one line each ("<name>: passed|failed", read by scripts/test.sh):
#        types  src/api-types.ts regenerated from spec/openapi.yaml equals the committed file
#        tsc    tsc --noEmit (strict)
#        size   the bundles are within budget (bench/size.mjs --check: library ≤ 15 KB,
#               widgets ≤ 35 KB, min+gz)
#   4. builds the mock, starts it (3 users, 2 friends and 3 activities each), and runs
#      node --test: test/node (no browser) and test/browser (Chromium), one file at a
#      time, every test bounded (its own timeout, and --test-timeout).
#
# Screenshots go to ${OUT_DIR:-<repo>/out/web}. Exits non-zero if anything failed, saying what.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../scripts/lib/common.sh
source "$HERE/../scripts/lib/common.sh"
cd "$HERE" || exit 1
trap mock_stop EXIT

export OUT_DIR="${OUT_DIR:-$ROOT/out/web}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CI="${CI:-true}" npm_config_fund=false npm_config_audit=false

if [[ ! -x "$CHROMIUM_PATH" ]]; then
    say "apt-get install chromium"
    SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO=sudo
    { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium; } </dev/null \
        || { echo "web: could not install chromium"; exit 1; }
fi

say "npm ci (bindings-web)"
npm ci --no-audit --no-fund </dev/null || { echo "web: npm ci failed"; exit 1; }

status=0
check() { # name cmd...: one check, its own line
    local name=$1
    shift
    say "$name: $*"
    if "$@" </dev/null; then echo "$name: passed"; else echo "$name: failed"; status=1; fi
}
types_fresh() {
    local fresh
    fresh="$(mktemp "${TMPDIR:-/tmp}/api-types.XXXXXX.ts")"
    npx openapi-typescript ../spec/openapi.yaml -o "$fresh" >/dev/null \
        && diff -u src/api-types.ts "$fresh"
    local rc=$?
    rm -f "$fresh"
    [[ $rc -eq 0 ]] || echo "src/api-types.ts is stale: run 'npm run gen-types' in bindings-web and commit it"
    return $rc
}
check types types_fresh
check tsc npx tsc --noEmit -p tsconfig.json
check size node bench/size.mjs --check

mock_build || { echo "web: the mock server does not build"; exit 1; }
mock_start --seed 1 --users 3 --friends-per-user 2 --activities-per-user 3 \
    || { echo "web: the mock server did not start"; exit 1; }
mkdir -p "$OUT_DIR"
say "node --test (MOCK_URL=$MOCK_URL; screenshots in $OUT_DIR)"
MOCK_URL="$MOCK_URL" node --experimental-websocket --no-warnings=ExperimentalWarning \
    --test --test-concurrency=1 --test-timeout=180000 --test-reporter=spec \
    test/node/*.test.mjs test/browser/*.test.mjs </dev/null || status=1
exit "$status"
