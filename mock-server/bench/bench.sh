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
# Then the filtered, sorted query's throughput as a share of the plain list's, and the
# memory a contact takes: the RSS of a mock seeded with BENCH_MEMORY_CONTACTS contacts
# minus that of one with none, divided by the count (at rest, and after every contact was
# listed once), with the projection for 1,000,000.
#
# With BENCH_BASELINE_BIN=<another mock binary> (e.g. one built at an earlier commit) the
# mock's rows are measured with it too, in the same run, as a "baseline" column.
#
# Environment: BENCH_DURATION (default 10s), BENCH_CONNECTIONS (32), BENCH_THREADS (2),
# BENCH_CONTACTS (contacts of the benchmark user, default 10000), BENCH_MEMORY_CONTACTS
# (200000; 0 skips the memory part), BENCH_BASELINE_BIN; MC_NO_BUILD=1 reuses the binaries
# already built.
set -euo pipefail
trap 'echo "error: mock-server/bench/bench.sh: line $LINENO: \`$BASH_COMMAND\` failed (status $?)" >&2' ERR

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
cd "$ROOT"

DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
CONTACTS="${BENCH_CONTACTS:-10000}"
MEMORY_CONTACTS="${BENCH_MEMORY_CONTACTS:-200000}"
BASELINE_BIN="${BENCH_BASELINE_BIN:-}"
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

FILTER="\$filter=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' \
    "startswith(displayName,'A') and isFriend eq false")"
ORDERBY="\$orderby=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' \
    "displayName desc")"
# name|path|auth?  (paths on the mock; the floor answers any path)
TARGETS=(
    "GET /v1/me/contacts?\$top=100|/v1/me/contacts?\$top=100|yes"
    "GET /v1/me/contacts?\$filter=startswith(displayName,'A') and isFriend eq false&\$orderby=displayName desc&\$top=100|/v1/me/contacts?$FILTER&$ORDERBY&\$top=100|yes"
    "GET /health|/health|no"
)

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

# Runs every target against a mock started from binary $1; fills RESULT[name]="rps p50 p99".
declare -A RESULT
measure() {
    local bin=$1 tag=$2
    MOCK_BIN="$bin"
    say "start the mock server ($tag): 1 user, $CONTACTS contacts"
    mock_start --seed 1 --users 1 --contacts-per-user "$CONTACTS" --rate-limit 100000000
    TOKEN="$(mock_mint_token)"
    AUTH="Authorization: Bearer $TOKEN"
    for t in "${TARGETS[@]}"; do
        IFS='|' read -r name path auth <<<"$t"
        hdr=()
        [[ $auth == yes ]] && hdr=(-H "$AUTH")
        out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' "${hdr[@]}" "$MOCK_URL$path")
        echo "  $name -> HTTP ${out% *}, ${out#* } bytes"
        [[ ${out% *} == 200 ]] || die "$name answered ${out% *}"
    done
    say "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency ($tag; load generator and server share $(nproc) cores)"
    for t in "${TARGETS[@]}"; do
        IFS='|' read -r name path auth <<<"$t"
        echo "  $name ..."
        RESULT["$tag|$name"]="$(run_wrk "$name" "$MOCK_URL$path" "$auth")"
    done
    mock_stop
}

say "wrk against bench_floor"
read -r floor_rps floor_p50 floor_p99 < <(run_wrk floor "$FLOOR_URL/v1/me/contacts" no)
measure "$MOCK_BIN" current
[[ -n "$BASELINE_BIN" ]] && measure "$BASELINE_BIN" baseline

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; if (r >= 0.1) printf "%.2f×", r; else printf "%.3g×", r }'; }
say "results ($(date -u +%Y-%m-%d), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $CONTACTS contacts)"
echo
if [[ -n "$BASELINE_BIN" ]]; then
    echo "| endpoint | req/s | p50 | p99 | vs floor | baseline req/s |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "| \`floor: bench_floor, fixed 35 KB page\` | $(printf '%.0f' "$floor_rps") | $floor_p50 | $floor_p99 | 1.00× | |"
else
    echo "| endpoint | req/s | p50 | p99 | vs floor |"
    echo "|---|---:|---:|---:|---:|"
    echo "| \`floor: bench_floor, fixed 35 KB page\` | $(printf '%.0f' "$floor_rps") | $floor_p50 | $floor_p99 | 1.00× |"
fi
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name _ _ <<<"$t"
    read -r rps p50 p99 <<<"${RESULT["current|$name"]}"
    row="| \`${name//|/\\|}\` | $(printf '%.0f' "$rps") | $p50 | $p99 | $(ratio "$rps" "$floor_rps") |"
    if [[ -n "$BASELINE_BIN" ]]; then
        read -r brps _ _ <<<"${RESULT["baseline|$name"]}"
        row="$row $(printf '%.0f' "$brps") |"
    fi
    echo "$row"
done
echo
plain="${TARGETS[0]%%|*}"
filtered="${TARGETS[1]%%|*}"
read -r prps _ _ <<<"${RESULT["current|$plain"]}"
read -r frps _ _ <<<"${RESULT["current|$filtered"]}"
echo "filtered, sorted query / plain list: $(awk -v a="$frps" -v b="$prps" 'BEGIN { printf "%.1f%%", 100 * a / b }')"
if [[ -n "$BASELINE_BIN" ]]; then
    read -r prps _ _ <<<"${RESULT["baseline|$plain"]}"
    read -r frps _ _ <<<"${RESULT["baseline|$filtered"]}"
    echo "baseline: $(awk -v a="$frps" -v b="$prps" 'BEGIN { printf "%.1f%%", 100 * a / b }')"
fi

# Memory per contact: RSS with N contacts minus RSS with none.
rss_of() { awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$1/status"; }
memory() { # binary -> "empty seeded listed" RSS bytes
    local bin=$1 empty seeded listed next
    MOCK_BIN="$bin"
    # stdout carries only the result: the helpers' messages go to stderr.
    mock_start --seed 1 --users 1 --contacts-per-user 0 >&2
    empty=$(rss_of "$MOCK_PID")
    mock_stop
    mock_start --seed 1 --users 1 --contacts-per-user "$MEMORY_CONTACTS" --rate-limit 100000000 >&2
    seeded=$(rss_of "$MOCK_PID")
    TOKEN="$(mock_mint_token 2>/dev/null)"
    next="$MOCK_URL/v1/me/contacts?\$top=1000"
    while [[ -n "$next" ]]; do
        next=$(curl -sS -H "Authorization: Bearer $TOKEN" "$next" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin).get("@odata.nextLink", ""))')
    done
    listed=$(rss_of "$MOCK_PID")
    mock_stop
    echo "$empty $seeded $listed"
}
if [[ "$MEMORY_CONTACTS" -gt 0 ]]; then
    say "memory: RSS with $MEMORY_CONTACTS contacts minus RSS with none"
    per_contact() { # tag empty seeded listed
        awk -v t="$1" -v e="$2" -v s="$3" -v l="$4" -v n="$MEMORY_CONTACTS" 'BEGIN {
            a = (s - e) / n; b = (l - e) / n
            printf "| %s | %.0f | %.0f | %.2f GiB |\n", t, a, b, b * 1000000 / 1073741824 }'
    }
    echo "| binary | bytes/contact at rest | bytes/contact after listing | 1,000,000 contacts (listed) |"
    echo "|---|---:|---:|---:|"
    read -r e s l < <(memory "$ROOT/target/$PROFILE/messenger-connect-mock")
    per_contact current "$e" "$s" "$l"
    if [[ -n "$BASELINE_BIN" ]]; then
        read -r e s l < <(memory "$BASELINE_BIN")
        per_contact baseline "$e" "$s" "$l"
    fi
fi
