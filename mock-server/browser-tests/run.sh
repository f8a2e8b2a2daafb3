#!/usr/bin/env bash
# End-to-end browser tests of the mock server's HTML pages (DESIGN §2.1, §2.8 "HTML forms").
#
# Installs Debian's Chromium if it is missing (never downloads a Playwright browser),
# installs playwright-core and openid-client with `npm ci`, builds the mock, starts it on a free port, waits
# for GET /health, runs `node --test pages.test.mjs oidc.test.mjs` with MOCK_URL (and
# MOCK_BIN, for the test that starts a second mock with --public-url) set, and stops the
# server on exit. Exits with node's status. Screenshots go to ${OUT_DIR:-<repo>/out/browser}.
set -euo pipefail
trap 'echo "error: mock-server/browser-tests/run.sh: line $LINENO: \`$BASH_COMMAND\` failed (status $?)" >&2' ERR

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export OUT_DIR="${OUT_DIR:-$ROOT/out/browser}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
STARTUP_DEADLINE_SECONDS="${STARTUP_DEADLINE_SECONDS:-30}"

log() { printf '[browser-tests] %s\n' "$*" >&2; }

# 1. Chromium from Debian, only when absent.
if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium (apt)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
fi

# 2. playwright-core, exactly as locked.
log "npm ci"
(cd "$HERE" && npm ci --no-audit --no-fund)

# 3. The mock binary.
log "cargo build --profile ci -p messenger-connect-mock"
(cd "$ROOT" && cargo build --profile ci -p messenger-connect-mock)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
BIN="$TARGET_DIR/ci/messenger-connect-mock"

# 4. Start it on a free port; stop it whatever happens.
RUN_DIR="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN" --port 0 >"$RUN_DIR/stdout" 2>"$RUN_DIR/stderr" &
SERVER_PID=$!

deadline=$((SECONDS + STARTUP_DEADLINE_SECONDS))
URL=""
until [ -n "$URL" ]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "the mock exited before printing its URL:"; cat "$RUN_DIR/stderr" >&2; exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "no URL from the mock within ${STARTUP_DEADLINE_SECONDS}s"; exit 1
  fi
  URL="$(head -n 1 "$RUN_DIR/stdout" 2>/dev/null | tr -d '\r\n')"
  [ -n "$URL" ] || sleep 0.05
done
until curl -fsS -o /dev/null --max-time 2 "$URL/health"; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "the mock exited before /health answered:"; cat "$RUN_DIR/stderr" >&2; exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "$URL/health did not answer within ${STARTUP_DEADLINE_SECONDS}s"; exit 1
  fi
  sleep 0.05
done
log "mock at $URL (pid $SERVER_PID); screenshots in $OUT_DIR"

# 5. The tests.
mkdir -p "$OUT_DIR"
set +e
(cd "$HERE" && MOCK_URL="$URL" MOCK_BIN="$BIN" node --test --test-reporter=spec pages.test.mjs oidc.test.mjs)
status=$?
set -e
exit "$status"
