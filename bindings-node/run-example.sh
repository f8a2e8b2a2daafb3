#!/usr/bin/env bash
# Runs examples/post-feed.mjs end to end against an in-process mock server (the main
# job's command for the Node binding). Installs the pinned npm tools and builds the addon
# (profile ci) when it is missing. Arguments go to the example.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")" || exit 1
fail() { echo "error: bindings-node/run-example.sh: $*" >&2; exit 1; }
export npm_config_yes=true npm_config_fund=false npm_config_audit=false
if [ ! -d node_modules/@napi-rs/cli ]; then
    npm ci --no-audit --no-fund </dev/null || fail "npm ci failed"
fi
if [ ! -f native.d.ts ] || ! ls messenger-connect.*.node >/dev/null 2>&1; then
    node build.mjs --profile ci </dev/null || fail "build.mjs (the addon) failed"
fi
node examples/post-feed.mjs "$@" </dev/null || fail "examples/post-feed.mjs failed (status $?)"
