#!/usr/bin/env bash
# Tests of the Node binding: installs the pinned npm tools, builds the addon (build.mjs:
# cargo, profile ci, sharing the workspace's target/ci), type-checks the typed usage file, runs
# `node --test` against the in-process MockServer. Exits non-zero if anything failed.
# Ends with "node tool checks: N passed, N failed" (tsc) and "node: N passed, N failed,
# N skipped" (the tests; none run, or node --test failing without a failed test, count as a
# failure) for scripts/test.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export CI="${CI:-true}" npm_config_yes=true npm_config_fund=false npm_config_audit=false
npm ci --no-audit --no-fund </dev/null || { echo "npm ci failed"; exit 1; }
node build.mjs --profile ci </dev/null || { echo "build.mjs (the addon) failed"; exit 1; }

# Tool checks (not tests): tsc --noEmit over test/usage.ts and the example.
tools_passed=0 tools_failed=0
if npx tsc --noEmit -p test/tsconfig.json </dev/null; then
    echo "tsc: passed"
    tools_passed=$((tools_passed + 1))
else
    echo "tsc: failed"
    tools_failed=$((tools_failed + 1))
fi

# The tests: 60 s per test (a hung test fails with its name). The panic test prints Rust's
# panic message; no backtrace needed.
log=$(mktemp "${TMPDIR:-/tmp}/node-tests.XXXXXX") || { echo "mktemp failed"; exit 1; }
trap 'rm -f "$log"' EXIT
RUST_BACKTRACE=0 node --test --test-timeout=60000 --test-reporter=spec test/*.test.mjs </dev/null 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count() { sed -nE "s/^ℹ $1 ([0-9]+)$/\1/p" "$log" | tail -1; }
passed=$(count pass) failed=$(count fail) skipped=$(count skipped) cancelled=$(count cancelled)
passed=${passed:-0} failed=$((${failed:-0} + ${cancelled:-0})) skipped=${skipped:-0}
if [ "$((passed + failed + skipped))" -eq 0 ]; then
    echo "node --test ran no test (status $rc): counted as 1 failed"
    failed=1
elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "node --test exited with status $rc without a failed test: counted as 1 failed"
    failed=1
fi
echo "node tool checks: $tools_passed passed, $tools_failed failed"
echo "node: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$tools_failed" -eq 0 ]
