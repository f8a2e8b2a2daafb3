#!/usr/bin/env bash
# Throughput benchmark of the mock server: a script that prints a Markdown table, not a
# timed test.
#
#   bash mock-server/bench/bench.sh
#
# Builds the mock binary and the `bench_floor` example (--profile ci), starts both, mints
# a token with every scope, then runs wrk (2 threads, 32 connections, 10 s, --latency)
# against each endpoint below. "vs floor" compares with bench_floor: a bare axum server
# answering a fixed ~35 KB JSON page, i.e. what this machine and axum can do at all.
# wrk and the servers share the machine's cores, so absolute numbers are modest; the
# ratios are what to compare.
#
# Environment: BENCH_DURATION (default 10s), BENCH_CONNECTIONS (32), BENCH_THREADS (2),
# BENCH_CONTACTS (contacts of the benchmark user, default 10000); MC_NO_BUILD=1 reuses the
# binaries already built.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
cd "$ROOT"

DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
CONTACTS="${BENCH_CONTACTS:-10000}"
FLOOR_BIN="$TARGET_DIR/$PROFILE/examples/bench_floor"

FLOOR_PID=""
FLOOR_FD=""
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/mc-bench.XXXXXX")"
cleanup() {
    if [[ -n "$FLOOR_PID" ]]; then
        kill "$FLOOR_PID" 2>/dev/null || true
        wait "$FLOOR_PID" 2>/dev/null || true
    fi
    [[ -n "$FLOOR_FD" ]] && exec {FLOOR_FD}<&-
    mock_stop
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
    say "installing wrk (apt-get)"
    sudo_=()
    [[ $(id -u) -ne 0 ]] && sudo_=(sudo)
    "${sudo_[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_[@]}" apt-get install -y -qq wrk >/dev/null
fi

if [[ "${MC_NO_BUILD:-0}" == 1 && -x "$MOCK_BIN" && -x "$FLOOR_BIN" ]]; then
    echo "MC_NO_BUILD=1: using the existing binaries"
else
    say "cargo build --profile $PROFILE -p messenger-connect-mock --bin messenger-connect-mock --example bench_floor"
    cargo build --profile "$PROFILE" -p messenger-connect-mock --bin messenger-connect-mock --example bench_floor
fi

say "start bench_floor"
mkfifo "$SCRATCH/floor.out"
"$FLOOR_BIN" --port 0 --threads 2 >"$SCRATCH/floor.out" 2>"$SCRATCH/floor.err" &
FLOOR_PID=$!
exec {FLOOR_FD}<"$SCRATCH/floor.out"
IFS= read -r -t 60 FLOOR_URL <&"$FLOOR_FD" || die "bench_floor did not print its URL"
curl -sSf -o /dev/null --retry 30 --retry-connrefused --retry-max-time 30 "$FLOOR_URL/health"
echo "bench_floor at $FLOOR_URL ($(cat "$SCRATCH/floor.err"))"

say "start the mock server: 1 user, $CONTACTS contacts"
mock_start --seed 1 --users 1 --contacts-per-user "$CONTACTS" --rate-limit 100000000
TOKEN="$(mock_mint_token)"
AUTH="Authorization: Bearer $TOKEN"

# name|url|auth?
FILTER="\$filter=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' \
    "startswith(displayName,'A') and isFriend eq false")"
ORDERBY="\$orderby=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' \
    "displayName desc")"
TARGETS=(
    "floor: bench_floor, fixed 35 KB page|$FLOOR_URL/v1/me/contacts|no"
    "GET /v1/me/contacts?\$top=100|$MOCK_URL/v1/me/contacts?\$top=100|yes"
    "GET /v1/me/contacts?\$filter=startswith(displayName,'A') and isFriend eq false&\$orderby=displayName desc&\$top=100|$MOCK_URL/v1/me/contacts?$FILTER&$ORDERBY&\$top=100|yes"
    "GET /health|$MOCK_URL/health|no"
)

# Sizes and a sanity check of every endpoint before timing it.
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name url auth <<<"$t"
    hdr=()
    [[ $auth == yes ]] && hdr=(-H "$AUTH")
    out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' "${hdr[@]}" "$url")
    echo "  $name -> HTTP ${out% *}, ${out#* } bytes"
    [[ ${out% *} == 200 ]] || die "$name answered ${out% *}"
done

# wrk's --latency output: "    50%  1.23ms" and "Requests/sec:  12345.67".
run_wrk() { # name url auth -> "req/s p50 p99"
    local url=$2 auth=$3 log="$SCRATCH/wrk.log"
    local hdr=()
    [[ $auth == yes ]] && hdr=(-H "$AUTH")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${hdr[@]}" "$url" >"$log"
    if grep -q 'Non-2xx' "$log"; then
        echo "warning: $1: $(grep 'Non-2xx' "$log")" >&2
    fi
    printf '%s %s %s\n' \
        "$(awk '/^Requests\/sec:/ {print $2}' "$log")" \
        "$(awk '$1 == "50%" {print $2}' "$log")" \
        "$(awk '$1 == "99%" {print $2}' "$log")"
}

say "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (load generator and servers share $(nproc) cores)"
ROWS=()
floor_rps=""
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name url auth <<<"$t"
    echo "  $name ..."
    read -r rps p50 p99 < <(run_wrk "$name" "$url" "$auth")
    [[ -z "$floor_rps" ]] && floor_rps=$rps
    ratio=$(awk -v a="$rps" -v b="$floor_rps" 'BEGIN { r = a / b; if (r >= 0.1) printf "%.2f×", r; else printf "%.3g×", r }')
    ROWS+=("| \`${name//|/\\|}\` | $(printf '%.0f' "$rps") | $p50 | $p99 | $ratio |")
done

say "results ($(date -u +%Y-%m-%d), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $CONTACTS contacts)"
echo
echo "| endpoint | req/s | p50 | p99 | vs floor |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
