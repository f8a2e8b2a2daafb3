#!/usr/bin/env bash
# Benchmark of the Node binding vs undici and fetch (see bench.mjs). Builds the addon
# (profile ci) if needed, then prints the tables. Arguments go to bench.mjs.
set -euo pipefail
trap 'echo "error: bindings-node/bench/bench.sh: line $LINENO: \`$BASH_COMMAND\` failed (status $?)" >&2' ERR
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export npm_config_yes=true npm_config_fund=false npm_config_audit=false
[ -d node_modules/undici ] || npm ci --no-audit --no-fund </dev/null
npx napi build --platform --profile ci --manifest-path Cargo.toml --output-dir . \
    --no-js --dts native.d.ts </dev/null
# The mock as its own process, so the client's CPU time can be measured apart.
(cd .. && cargo build --profile ci -p messenger-connect-mock --bin messenger-connect-mock </dev/null)
exec node bench/bench.mjs "$@"
