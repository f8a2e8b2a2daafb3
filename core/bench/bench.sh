#!/usr/bin/env bash
# Benchmark of the Rust client's full contacts sync: a script that prints Markdown tables,
# not a timed test.
#
#   bash core/bench/bench.sh
#
# Builds the mock server and the `bench_sync` example (--profile ci), starts the mock as
# its own process, then:
#   (a)/(b) `bench_sync --mode compare`: 1 user × 100,000 contacts synced in pages of 1,000
#           through the client's delta stream, against the same pages fetched with bare
#           reqwest into serde_json::Value (the baseline) and as bytes only, the next link
#           found by a byte scan (the floor: what fetching costs here), each BENCH_RUNS
#           times after a warm-up, interleaved: medians, spreads, client and mock CPU;
#   (c)     `bench_sync --mode rss`: 1 user × 1,000,000 contacts streamed without keeping
#           them; the client's peak RSS after 100,000 and after 1,000,000, and the mock's.
# The client and the mock share the machine's cores, so absolute numbers are modest.
#
# Environment: BENCH_CONTACTS (100000), BENCH_RSS_CONTACTS (1000000), BENCH_RUNS (5);
# MC_NO_BUILD=1 reuses the binaries already built.
set -euo pipefail
trap 'echo "error: core/bench/bench.sh: line $LINENO: \`$BASH_COMMAND\` failed (status $?)" >&2' ERR

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
cd "$ROOT"

CONTACTS="${BENCH_CONTACTS:-100000}"
RSS_CONTACTS="${BENCH_RSS_CONTACTS:-1000000}"
RUNS="${BENCH_RUNS:-5}"
BENCH_BIN="$TARGET_DIR/$PROFILE/examples/bench_sync"

trap mock_stop EXIT

mock_build || die "the mock server does not build"
if [[ "${MC_NO_BUILD:-0}" != 1 || ! -x "$BENCH_BIN" ]]; then
    say "cargo build --profile $PROFILE -p messenger-connect --example bench_sync"
    cargo build --profile "$PROFILE" -p messenger-connect --example bench_sync
fi

say "start the mock server"
mock_start --seed 1 --users 1 --contacts-per-user 10 || die "the mock server did not start"

mock_rss() { # the mock's VmHWM and VmRSS, in MiB
    awk '/^VmHWM:|^VmRSS:/ { printf "%s %.0f MiB  ", $1, $2 / 1024 }' "/proc/$MOCK_PID/status"
}

say "(a) client vs (b) baseline and floor: 1 user × $CONTACTS contacts, pages of 1,000, $RUNS runs each ($(nproc) cores shared with the mock)"
"$BENCH_BIN" --url "$MOCK_URL" --mode compare --contacts "$CONTACTS" --runs "$RUNS" --mock-pid "$MOCK_PID"
echo
echo "mock: $(mock_rss)"

say "(c) peak RSS while streaming 1 user × $RSS_CONTACTS contacts (nothing kept)"
"$BENCH_BIN" --url "$MOCK_URL" --mode rss --contacts "$RSS_CONTACTS"
echo
echo "mock (holds the $RSS_CONTACTS contacts): $(mock_rss)"
