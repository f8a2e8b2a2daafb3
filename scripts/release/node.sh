# shellcheck shell=bash
# The npm packages (bindings-node/), sourced by scripts/release.sh: napi-rs's layout, the
# main package `messenger-connect` (JavaScript, types; no .node) with an optional
# dependency on each platform package (`@messenger-connect/linux-x64-gnu`: the .node).

NODE_DIR="$ROOT/bindings-node"
NODE_PLATFORMS=(linux-x64-gnu)

# The addon and its generated types (native.d.ts): build.mjs (cargo into the workspace's
# target/, types rendered by the pinned napi-rs CLI).
node_build() {
    local profile_flag=(--profile "$REL_PROFILE")
    [[ $REL_PROFILE == release ]] && profile_flag=(--release)
    (
        cd "$NODE_DIR" || exit 1
        export npm_config_yes=true npm_config_fund=false npm_config_audit=false
        [[ -d node_modules/@napi-rs/cli ]] || npm ci --no-audit --no-fund </dev/null || exit 1
        node build.mjs "${profile_flag[@]}" </dev/null
    )
}

# Stages and packs the main package and each platform package into dist/.
node_pack() {
    local platform stage="$WORK/npm"
    rm -f "$DIST"/messenger-connect-*.tgz
    python3 "$ROOT/scripts/release/stage_npm.py" main "$NODE_DIR" "$stage/main" || return 1
    (cd "$stage/main" && npm pack --silent --pack-destination "$DIST" </dev/null) || return 1
    for platform in "${NODE_PLATFORMS[@]}"; do
        python3 "$ROOT/scripts/release/stage_npm.py" platform "$NODE_DIR/npm/$platform" "$stage/$platform" || return 1
        (cd "$stage/$platform" && npm pack --silent --pack-destination "$DIST" </dev/null) || return 1
    done
    local main
    main=$(dist_file "messenger-connect-$VERSION.tgz") || return 1
    if tar tzf "$main" | grep -q '\.node$'; then
        echo "the main package carries a .node file"
        return 1
    fi
    tar tzf "$(dist_file "messenger-connect-linux-x64-gnu-$VERSION.tgz")" | grep -qx 'package/messenger-connect.linux-x64-gnu.node' \
        || { echo "the platform package has no messenger-connect.linux-x64-gnu.node"; return 1; }
}

# A clean folder installs both tarballs with no registry (--offline) and no Rust on PATH.
node_install() {
    local app="$WORK/node-app"
    rm -rf "$app" && mkdir -p "$app" || return 1
    printf '{ "name": "mc-release-check", "version": "1.0.0", "private": true }\n' >"$app/package.json"
    (cd "$app" && without_rust npm install --offline --no-audit --no-fund \
        "$(dist_file "messenger-connect-linux-x64-gnu-$VERSION.tgz")" \
        "$(dist_file "messenger-connect-$VERSION.tgz")" </dev/null) || return 1
    [[ -f "$app/node_modules/@messenger-connect/linux-x64-gnu/messenger-connect.linux-x64-gnu.node" ]] \
        || { echo "the platform package was not installed"; return 1; }
    cp "$ROOT"/scripts/release/smoke/smoke.{mjs,cjs,mts} "$app/"
}

# node_run FILE: runs a smoke script in the clean folder, without Rust.
node_run() {
    (cd "$WORK/node-app" && without_rust node "$1" </dev/null)
}

# A user's TypeScript setup in the clean folder (typescript and @types/node at the
# repository's pinned versions, from the registry as a user gets them: `npm ci` elsewhere
# caches their tarballs but not the registry metadata an install by version needs, so this
# step cannot be offline on a fresh machine), then tsc type-checks the .mts user file
# against the installed package's types. Our own two packages stay the offline tarballs.
node_typecheck() {
    local app="$WORK/node-app" ts types
    ts=$(node -p "require('$NODE_DIR/package.json').devDependencies.typescript") || return 1
    types=$(node -p "require('$NODE_DIR/package.json').devDependencies['@types/node']") || return 1
    (cd "$app" && without_rust npm install --prefer-offline --no-audit --no-fund --save-dev \
        "typescript@$ts" "@types/node@$types" </dev/null) || return 1
    cat >"$app/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext",
    "strict": true, "noEmit": true, "skipLibCheck": false, "types": ["node"]
  },
  "files": ["smoke.mts"]
}
JSON
    (cd "$app" && without_rust node_modules/.bin/tsc -p tsconfig.json </dev/null) && echo "tsc: smoke.mts type-checks"
}

release_node() {
    verify "build the addon (build.mjs, $REL_PROFILE)" node_build || return
    verify "npm pack the main and platform packages" node_pack || return
    verify "install both tarballs offline in a clean folder" node_install || return
    verify "ESM program (import)" node_run smoke.mjs
    verify "CommonJS program (require)" node_run smoke.cjs
    verify "tsc type-checks a .mts file against the installed types" node_typecheck
}
