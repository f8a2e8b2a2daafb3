#!/usr/bin/env bash
# Benchmark of a full contacts sync through the Python binding (prints Markdown tables;
# not a timed test):
#   (a) the binding (sync and asyncio) vs a plain-Python client (httpx + json.loads)
#       making the same requests, and vs the Rust core's example, all measured in this
#       run against the same mock server (its own process): 1 user × BENCH_CONTACTS
#       contacts, pages of 1,000, BENCH_RUNS runs each after a warm-up;
#   (b) peak RSS of a Python process streaming 1 user × BENCH_RSS_CONTACTS contacts.
#
#   bash bindings-python/bench/bench.sh
#
# Environment: BENCH_CONTACTS (100000), BENCH_RSS_CONTACTS (1000000; 0 skips (b)),
# BENCH_RUNS (5). Everything builds with --profile ci; to measure another opt-level for
# the workspace's crates, set e.g. CARGO_PROFILE_CI_OPT_LEVEL=2 (it applies to the
# extension, the mock and the core example alike).
set -euo pipefail
trap 'echo "error: bindings-python/bench/bench.sh: line $LINENO: \`$BASH_COMMAND\` failed (status $?)" >&2' ERR

# shellcheck source=bindings-python/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$ROOT"

CONTACTS="${BENCH_CONTACTS:-100000}"
RSS_CONTACTS="${BENCH_RSS_CONTACTS:-1000000}"
RUNS="${BENCH_RUNS:-5}"
CORE_BIN="$TARGET_DIR/$PROFILE/examples/bench_sync"

trap mock_stop EXIT
py_env httpx==0.28.1
mock_build || die "the mock server does not build"
say "cargo build --profile $PROFILE -p messenger-connect --example bench_sync"
cargo build --profile "$PROFILE" -p messenger-connect --example bench_sync
say "start the mock server (its own process)"
mock_start --seed 1 --users 1 --contacts-per-user 10 || die "the mock server did not start"

say "(a) Rust core (core/examples/bench_sync.rs), 1 user × $CONTACTS contacts"
core_out="$("$CORE_BIN" --url "$MOCK_URL" --mode compare --contacts "$CONTACTS" --runs "$RUNS" 2>/dev/null)"
echo "$core_out"
core_s="$(awk -F'|' '/client delta stream \(typed, prefetch\)/ { gsub(/ /, "", $3); print $3 }' <<<"$core_out")"
[[ -n "$core_s" ]] || die "no time for the Rust core"

say "(a) Python: binding vs plain httpx + json, 1 user × $CONTACTS contacts ($(nproc) cores shared with the mock)"
"$PY" "$PY_HERE/bench/bench_sync.py" --url "$MOCK_URL" --mode compare --contacts "$CONTACTS" \
    --runs "$RUNS" --core-seconds "$core_s"

if [[ "$RSS_CONTACTS" != 0 ]]; then
    say "(b) peak RSS of a Python process streaming 1 user × $RSS_CONTACTS contacts"
    "$PY" "$PY_HERE/bench/bench_sync.py" --url "$MOCK_URL" --mode rss --contacts "$RSS_CONTACTS"
    echo
    awk '/^VmHWM:|^VmRSS:/ { printf "mock (holds the contacts): %s %.0f MiB\n", $1, $2 / 1024 }' "/proc/$MOCK_PID/status"
fi
