#!/usr/bin/env bash
# Runs examples/post-feed.mjs end to end against an in-process mock server (the main
# job's command for the Node binding). Installs the pinned npm tools and builds the addon
# (profile ci) when it is missing. Arguments go to the example.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export npm_config_yes=true npm_config_fund=false npm_config_audit=false
[ -d node_modules/@napi-rs/cli ] || npm ci --no-audit --no-fund </dev/null
if [ ! -f native.js ] || ! ls messenger-connect.*.node >/dev/null 2>&1; then
    npx napi build --platform --profile ci --manifest-path Cargo.toml --output-dir . \
        --js native.js --dts native.d.ts </dev/null
fi
exec node examples/post-feed.mjs "$@"
