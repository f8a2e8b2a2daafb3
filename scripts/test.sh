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
# tool's own output visible, and calls `record <passed> <failed> [<skipped>]` (or
# `record_run PREFIX CMD...` for a tool that ends with "PREFIX: N passed, N failed"); then
# add <name> to SUITES. A suite that returns non-zero without recording a failure is
# counted as one failure. The counts reach .ci/run's total by themselves (scripts/lib/tally.sh).
set -uo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/tally.sh
source "$ROOT/scripts/lib/tally.sh"
cd "$ROOT" || exit 1

SUITES=(cargo_test fmt clippy metadata gen_types contract browser python celery node dotnet web)

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/mc-test.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT

# ---------------------------------------------------------------------------- suites

# All Rust tests of the workspace (unit, integration, doc tests).
suite_cargo_test() {
    local log="$LOGS/cargo-test.log"
    say "cargo test --profile $PROFILE --workspace --no-fail-fast"
    run_bounded cargo test --profile "$PROFILE" --workspace --no-fail-fast 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    # A test binary that crashed prints no "test result" line: cargo's own
    # "error: test failed" / "error: N targets failed" lines count it as a failure.
    if [[ $rc -ne 0 ]] && ! grep -qE '^test result: FAILED' "$log"; then
        echo "cargo test exited with $rc and no failed test result (a crashed test binary?)"
        record 0 1
    fi
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

# Versions and package metadata agree across Cargo.toml, pyproject.toml, package.json,
# the csproj and the nuspec (scripts/check_metadata.py; one test per check).
suite_metadata() {
    record_run metadata python3 "$ROOT/scripts/check_metadata.py"
}

# Lints, as one check; and core with its optional `uniffi` feature (off in the workspace
# build), so the derives on its models keep compiling.
suite_clippy() {
    check "cargo clippy" cargo clippy --profile "$PROFILE" --workspace --all-targets -- -D warnings
    check "cargo clippy (core --features uniffi)" \
        cargo clippy --profile "$PROFILE" -p messenger-connect --features uniffi -- -D warnings
}

# The bindings' model types are what scripts/gen_types.py makes of the spec: regenerated
# and diffed with the committed files, the .pyi checked by mypy --strict, the .d.ts by
# tsc --strict (one check).
gen_types_check() {
    venv_install pyyaml==6.0.3 mypy==2.4.1 </dev/null || { echo "pip install failed"; return 1; }
    "$ROOT/.venv/bin/python" "$ROOT/scripts/gen_types.py" --check || return 1
    "$ROOT/.venv/bin/mypy" --strict "$ROOT/bindings-python/python/messenger_connect/_models.pyi" ||
        { echo "mypy --strict refuses _models.pyi"; return 1; }
    (
        cd "$ROOT/bindings-node" || exit 1
        if [[ ! -x node_modules/.bin/tsc ]]; then
            npm ci --no-audit --no-fund </dev/null || { echo "npm ci failed"; exit 1; }
        fi
        npx tsc --noEmit --strict models.d.ts </dev/null || { echo "tsc --strict refuses models.d.ts"; exit 1; }
    )
}

suite_gen_types() {
    check "gen_types --check" gen_types_check
}

# record_node_test LOG: records node --test's closing counts in LOG ("ℹ pass 7" from the
# spec reporter or "# pass 7" from TAP); cancelled tests count as failed.
record_node_test() {
    local p f s c
    p=$(sed -nE 's/^(# |ℹ )pass ([0-9]+)$/\2/p' "$1" | tail -1)
    f=$(sed -nE 's/^(# |ℹ )fail ([0-9]+)$/\2/p' "$1" | tail -1)
    s=$(sed -nE 's/^(# |ℹ )skipped ([0-9]+)$/\2/p' "$1" | tail -1)
    c=$(sed -nE 's/^(# |ℹ )cancelled ([0-9]+)$/\2/p' "$1" | tail -1)
    record "${p:-0}" "$(( ${f:-0} + ${c:-0} ))" "${s:-0}"
}

# record_tool_line LOG NAME: one tool check that the runner reported as the line
# "NAME: passed" in LOG.
record_tool_line() {
    grep -qx "$2: passed" "$1"
    record_check "$2" $?
}

# Schemathesis against the mock server (scripts/contract.sh).
suite_contract() {
    record_run contract bash "$ROOT/scripts/contract.sh"
}

# The HTML pages in headless Chromium (mock-server/browser-tests/run.sh; node's runner).
suite_browser() {
    local log="$LOGS/browser.log"
    run_bounded bash "$ROOT/mock-server/browser-tests/run.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    record_node_test "$log"
    return "$rc"
}

# The Python binding (bindings-python/run-tests.sh: maturin develop into .venv, mypy
# --strict as one check, pytest's "N passed, M failed" line).
suite_python() {
    local log="$LOGS/python.log"
    run_bounded bash "$ROOT/bindings-python/run-tests.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line p f s e
    # pytest -q ends with e.g. "3 failed, 40 passed, 1 skipped in 2.1s".
    line=$(grep -E '^=*\s*[0-9]+ (passed|failed|error)' "$log" | tail -1)
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
    s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+')
    e=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+')
    record "${p:-0}" "$(( ${f:-0} + ${e:-0} ))" "${s:-0}"
    record_tool_line "$log" mypy
    return "$rc"
}

# The Python fleet sync on Celery + PostgreSQL + Redis (bindings-python/run-celery.sh:
# installs and starts the services, the mock binary, 3 prefork workers; its last line is
# "celery: N passed, N failed, N skipped").
suite_celery() {
    record_run celery bash "$ROOT/bindings-python/run-celery.sh"
}

# The Node binding (bindings-node/run-tests.sh: build.mjs, node --test with a 60 s per-test
# timeout; its last lines are "node tool checks: N passed, N failed" (tsc --noEmit, counted
# as tool checks) and "node: N passed, N failed, N skipped").
suite_node() {
    run_with_tool_checks node "$ROOT/bindings-node/run-tests.sh" "tsc --noEmit"
}

# run_with_tool_checks NAME SCRIPT WHAT: runs SCRIPT, records its "NAME: N passed, N
# failed, N skipped" line (tests) and its "NAME tool checks: ..." line (see below).
run_with_tool_checks() {
    local log="$LOGS/$1.log"
    run_bounded bash "$2" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    record_from "$log" "$1"
    record_tool_checks "$log" "$1" "$3"
    return "$rc"
}

# record_tool_checks LOG NAME WHAT: the tool checks a runner reported as the line
# "NAME tool checks: N passed, N failed" (WHAT names them in a failure).
record_tool_checks() {
    local line p f i
    line=$(grep -E "^$2 tool checks: [0-9]+ passed, [0-9]+ failed\$" "$1" | tail -1)
    if [[ -z $line ]]; then
        echo "$2: the runner printed no tool-check line"
        record_check "$2 tool checks" 1
        return
    fi
    p=$(sed -E 's/^.* tool checks: ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.*, ([0-9]+) failed$/\1/' <<<"$line")
    for ((i = 0; i < p; i++)); do record_check "$2 tool check" 0; done
    for ((i = 0; i < f; i++)); do record_check "$2 tool check ($3)" 1; done
}

# The .NET binding (bindings-dotnet/run-tests.sh: regenerates the C# and diffs it with the
# committed file, compiles with Mono's mcs, runs NUnit 2.6; its last lines are
# "dotnet tool checks: N passed, N failed" (the diff) and "dotnet: N passed, N failed, N skipped").
suite_dotnet() {
    run_with_tool_checks dotnet "$ROOT/bindings-dotnet/run-tests.sh" "the committed C# differs from a regeneration"
}

# The web library and widgets (bindings-web/run-tests.sh: the types/tsc/size checks, one
# line each, then node --test over the Node and Chromium tests, "ℹ pass N" lines).
suite_web() {
    local log="$LOGS/web.log"
    run_bounded bash "$ROOT/bindings-web/run-tests.sh" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local name
    record_node_test "$log"
    for name in types tsc size; do
        record_tool_line "$log" "$name"
    done
    return "$rc"
}

# ---------------------------------------------------------------------------- driver

selected=("$@")
[[ ${#selected[@]} -eq 0 ]] && selected=("${SUITES[@]}")
tally_each suite_ "${selected[@]}"

tally_summary test.sh
