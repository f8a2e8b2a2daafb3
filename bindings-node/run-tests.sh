#!/usr/bin/env bash
# Tests of the Node binding: installs the pinned npm tools, builds the addon (napi build,
# profile ci, into the workspace's target/), type-checks the typed usage file, runs
# `node --test` against the in-process MockServer. Exits non-zero if anything failed.
# Prints "tsc: passed" / "tsc: failed" for scripts/test.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export CI="${CI:-true}" npm_config_yes=true npm_config_fund=false npm_config_audit=false
npm ci --no-audit --no-fund </dev/null || { echo "npm ci failed"; exit 1; }
npx napi build --platform --profile ci --manifest-path Cargo.toml --output-dir . \
    --js native.js --dts native.d.ts </dev/null || { echo "napi build failed"; exit 1; }

status=0
if npx tsc --noEmit -p test/tsconfig.json </dev/null; then
    echo "tsc: passed"
else
    echo "tsc: failed"
    status=1
fi
# The panic test prints Rust's panic message; no backtrace needed.
RUST_BACKTRACE=0 node --test --test-reporter=spec test/*.test.mjs </dev/null || status=1
exit "$status"
