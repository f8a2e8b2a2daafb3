#!/usr/bin/env bash
# Runs every test suite of the repository and ends with one line:
#
#   N passed, N failed, N skipped
#
# summed over all suites. A failing suite does not stop the others; the script exits
# non-zero, after the summary, if anything failed.
#
#   bash scripts/test.sh            # every suite
#   bash scripts/test.sh fmt clippy # only these suites
#
# To add a suite (pytest for bindings-python, node --test for bindings-node, NUnit for
# bindings-dotnet, browser tests): write a function `suite_<name>` that runs it, keeps the
# tool's own output visible, and calls `record <passed> <failed> [<skipped>]`; then add
# <name> to SUITES. A suite that returns non-zero without recording a failure is counted
# as one failure.
set -uo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT" || exit 1

SUITES=(cargo_test fmt clippy contract browser python node dotnet web)

TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
SUITE_PASSED=0
SUITE_FAILED=0
SUITE_SKIPPED=0
SUMMARY=()
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/mc-test.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT

# record PASSED FAILED [SKIPPED]: adds to the current suite's counts.
record() {
    SUITE_PASSED=$((SUITE_PASSED + $1))
    SUITE_FAILED=$((SUITE_FAILED + $2))
    SUITE_SKIPPED=$((SUITE_SKIPPED + ${3:-0}))
}

# check NAME CMD...: runs one command as a single pass/fail check.
check() {
    local name=$1
    shift
    say "$name: $*"
    if "$@"; then
        record 1 0
    else
        echo "FAILED: $name"
        record 0 1
    fi
}

# ---------------------------------------------------------------------------- suites

# All Rust tests of the workspace (unit, integration, doc tests).
suite_cargo_test() {
    local log="$LOGS/cargo-test.log"
    say "cargo test --profile $PROFILE --workspace --no-fail-fast"
    cargo test --profile "$PROFILE" --workspace --no-fail-fast 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    # Lines like: "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; ..."
    local line p f i
    while IFS= read -r line; do
        p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$line")
        f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
        i=$(sed -nE 's/.* ([0-9]+) ignored.*/\1/p' <<<"$line")
        record "${p:-0}" "${f:-0}" "${i:-0}"
    done < <(grep -E '^test result: ' "$log")
    return "$rc"
}

# Formatting, as one check.
suite_fmt() {
    check "cargo fmt --check" cargo fmt --all --check
}

# Lints, as one check.
suite_clippy() {
    check "cargo clippy" cargo clippy --profile "$PROFILE" --workspace --all-targets -- -D warnings
}

# Schemathesis against the mock server (scripts/contract.sh).
suite_contract() {
    local log="$LOGS/contract.log"
    bash "$ROOT/scripts/contract.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line
    line=$(grep -E '^contract: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    if [[ -n "$line" ]]; then
        record "$(sed -E 's/^contract: ([0-9]+) passed.*/\1/' <<<"$line")" \
            "$(sed -E 's/^contract: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")"
    fi
    return "$rc"
}

# The HTML pages in headless Chromium (mock-server/browser-tests/run.sh; node's runner).
suite_browser() {
    local log="$LOGS/browser.log"
    bash "$ROOT/mock-server/browser-tests/run.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    # node --test ends with lines like "ℹ pass 7" (spec reporter) or "# pass 7" (TAP).
    local p f s
    p=$(sed -nE 's/^(# |ℹ )pass ([0-9]+)$/\2/p' "$log" | tail -1)
    f=$(sed -nE 's/^(# |ℹ )fail ([0-9]+)$/\2/p' "$log" | tail -1)
    s=$(sed -nE 's/^(# |ℹ )skipped ([0-9]+)$/\2/p' "$log" | tail -1)
    record "${p:-0}" "${f:-0}" "${s:-0}"
    return "$rc"
}

# The Python binding (bindings-python/run-tests.sh: maturin develop into .venv, mypy
# --strict as one check, pytest's "N passed, M failed" line).
suite_python() {
    local log="$LOGS/python.log"
    bash "$ROOT/bindings-python/run-tests.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line p f s e
    # pytest -q ends with e.g. "3 failed, 40 passed, 1 skipped in 2.1s".
    line=$(grep -E '^=*\s*[0-9]+ (passed|failed|error)' "$log" | tail -1)
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
    s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+')
    e=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+')
    record "${p:-0}" "$(( ${f:-0} + ${e:-0} ))" "${s:-0}"
    if grep -qx 'mypy: passed' "$log"; then record 1 0; else echo "FAILED: mypy --strict"; record 0 1; fi
    return "$rc"
}

# The Node binding (bindings-node/run-tests.sh: napi build, tsc --noEmit as one check,
# node --test's "ℹ pass N" / "ℹ fail N" lines).
suite_node() {
    local log="$LOGS/node.log"
    bash "$ROOT/bindings-node/run-tests.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local p f s
    p=$(sed -nE 's/^(# |ℹ )pass ([0-9]+)$/\2/p' "$log" | tail -1)
    f=$(sed -nE 's/^(# |ℹ )fail ([0-9]+)$/\2/p' "$log" | tail -1)
    s=$(sed -nE 's/^(# |ℹ )skipped ([0-9]+)$/\2/p' "$log" | tail -1)
    record "${p:-0}" "${f:-0}" "${s:-0}"
    if grep -qx 'tsc: passed' "$log"; then record 1 0; else echo "FAILED: tsc --noEmit"; record 0 1; fi
    return "$rc"
}

# The .NET binding (bindings-dotnet/run-tests.sh: regenerates the C# and diffs it with the
# committed file, compiles with Mono's mcs, runs NUnit 2.6; its last line is
# "dotnet: N passed, N failed, N skipped").
suite_dotnet() {
    local log="$LOGS/dotnet.log"
    bash "$ROOT/bindings-dotnet/run-tests.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line
    line=$(grep -E '^dotnet: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$log" | tail -1)
    if [[ -n "$line" ]]; then
        record "$(sed -E 's/^dotnet: ([0-9]+) passed.*/\1/' <<<"$line")" \
            "$(sed -E 's/^dotnet: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")" \
            "$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")"
    fi
    return "$rc"
}

# The web library and widgets (bindings-web/run-tests.sh: the types/tsc/size checks, one
# line each, then node --test over the Node and Chromium tests, "ℹ pass N" lines).
suite_web() {
    local log="$LOGS/web.log"
    bash "$ROOT/bindings-web/run-tests.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local p f s name
    p=$(sed -nE 's/^(# |ℹ )pass ([0-9]+)$/\2/p' "$log" | tail -1)
    f=$(sed -nE 's/^(# |ℹ )fail ([0-9]+)$/\2/p' "$log" | tail -1)
    s=$(sed -nE 's/^(# |ℹ )skipped ([0-9]+)$/\2/p' "$log" | tail -1)
    record "${p:-0}" "${f:-0}" "${s:-0}"
    for name in types tsc size; do
        if grep -qx "$name: passed" "$log"; then record 1 0; else echo "FAILED: web $name"; record 0 1; fi
    done
    return "$rc"
}

# ---------------------------------------------------------------------------- driver

run_suite() {
    local name=$1 start rc
    if ! declare -F "suite_$name" >/dev/null; then
        echo "unknown suite: $name (known: ${SUITES[*]})" >&2
        SUMMARY+=("$(printf '%-12s %s' "$name" "unknown suite")")
        TOTAL_FAILED=$((TOTAL_FAILED + 1))
        return
    fi
    SUITE_PASSED=0 SUITE_FAILED=0 SUITE_SKIPPED=0
    start=$SECONDS
    "suite_$name"
    rc=$?
    if [[ $rc -ne 0 && $SUITE_FAILED -eq 0 ]]; then
        echo "suite $name exited with status $rc without reporting a failed test: counted as 1 failed"
        SUITE_FAILED=1
    fi
    TOTAL_PASSED=$((TOTAL_PASSED + SUITE_PASSED))
    TOTAL_FAILED=$((TOTAL_FAILED + SUITE_FAILED))
    TOTAL_SKIPPED=$((TOTAL_SKIPPED + SUITE_SKIPPED))
    SUMMARY+=("$(printf '%-12s %5d passed %5d failed %5d skipped %6ds%s' "$name" \
        "$SUITE_PASSED" "$SUITE_FAILED" "$SUITE_SKIPPED" $((SECONDS - start)) \
        "$([[ $SUITE_FAILED -gt 0 ]] && echo '   <-- FAILED')")")
}

selected=("$@")
[[ ${#selected[@]} -eq 0 ]] && selected=("${SUITES[@]}")
for suite in "${selected[@]}"; do
    run_suite "$suite"
done

say "summary (${SECONDS}s)"
printf '%s\n' "${SUMMARY[@]}"
echo
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
[[ $TOTAL_FAILED -eq 0 ]]
