#!/usr/bin/env bash
# Benchmark of the .NET binding (prints Markdown tables; not a timed test):
#  (a) a full delta sync of 1 user × 100,000 contacts in pages of 1,000 through C# (Mono),
#      against the Rust core's client measured in the same run on the same mock process
#      (core/examples/bench_sync.rs --mode compare, whose own table is printed first);
#  (b) the per-call cost of trivial FFI calls vs a bare P/Invoke into the same library.
#
#   bash bindings-dotnet/bench/bench.sh
#
# Environment: BENCH_CONTACTS (100000), BENCH_RUNS (3); MC_NO_BUILD=1 reuses the binaries.
set -euo pipefail
trap 'echo "error: bindings-dotnet/bench/bench.sh: line $LINENO: \`$BASH_COMMAND\` failed (status $?)" >&2' ERR

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$BENCH_DIR/../../scripts/lib/common.sh"
# shellcheck source=bindings-dotnet/build-lib.sh
source "$BENCH_DIR/../build-lib.sh"
cd "$ROOT"

CONTACTS="${BENCH_CONTACTS:-100000}"
RUNS="${BENCH_RUNS:-3}"
CORE_BIN="$TARGET_DIR/$PROFILE/examples/bench_sync"

trap mock_stop EXIT
dotnet_ensure_mono
mock_build
if [[ "${MC_NO_BUILD:-0}" != 1 || ! -x "$CORE_BIN" ]]; then
    say "cargo build --profile $PROFILE -p messenger-connect --example bench_sync"
    cargo build --profile "$PROFILE" -p messenger-connect --example bench_sync
fi
dotnet_cargo_build
dotnet_build_lib
mcs "${MCS_FLAGS[@]}" -r:"$DOTNET_OUT/MessengerConnect.dll" -out:"$DOTNET_OUT/Bench.exe" "$BENCH_DIR/Bench.cs"

say "start the mock server"
mock_start --seed 1 --users 1 --contacts-per-user 10

say "Rust core: 1 user × $CONTACTS contacts, pages of 1,000, $RUNS runs ($(nproc) cores shared with the mock)"
core_out="$("$CORE_BIN" --url "$MOCK_URL" --mode compare --contacts "$CONTACTS" --runs "$RUNS" --mock-pid "$MOCK_PID")"
echo "$core_out"
core_s="$(echo "$core_out" | awk -F'|' '/client delta stream \(typed, prefetch\)/ { gsub(/ /, "", $3); print $3; exit }')"

say "C# on Mono $(mono --version | head -1 | awk '{print $5}'): the same sync, $RUNS runs; then trivial calls"
(cd "$DOTNET_OUT" && dotnet_mono Bench.exe --url "$MOCK_URL" --contacts "$CONTACTS" --runs "$RUNS" --core-seconds "${core_s:-0}")
