# shellcheck shell=bash
# The crates `messenger-connect` (core/) and `messenger-connect-mock` (mock-server/), sourced
# by scripts/release.sh. `cargo package` checks what crates.io would: versions on the path
# dependencies, metadata, and (with --release) that each packaged crate builds on its own.

# Packages both crates together (core's dev-dependency on the mock resolves to the packaged
# mock) and copies the .crate files to dist/.
rust_package() {
    local flags=()
    # CI checks the layout only; a release verifies (builds each packaged crate) and wants
    # a clean tree.
    [[ $RELEASE == 1 ]] || flags+=(--no-verify --allow-dirty)
    rm -f "$DIST"/messenger-connect-*.crate
    cargo package -p messenger-connect -p messenger-connect-mock "${flags[@]}" </dev/null || return 1
    cp "$TARGET_DIR/package/messenger-connect-$VERSION.crate" \
        "$TARGET_DIR/package/messenger-connect-mock-$VERSION.crate" "$DIST/"
}

# The packaged mock carries the spec as a file, byte for byte spec/openapi.yaml, and both
# crates carry the licenses.
rust_crate_contents() {
    local crate dir
    for crate in messenger-connect messenger-connect-mock; do
        dir="$WORK/crates/$crate-$VERSION"
        mkdir -p "$WORK/crates" && tar xzf "$DIST/$crate-$VERSION.crate" -C "$WORK/crates" || return 1
        for f in LICENSE-MIT LICENSE-APACHE README.md Cargo.toml; do
            [[ -f "$dir/$f" ]] || { echo "$crate: no $f in the crate"; return 1; }
        done
    done
    dir="$WORK/crates/messenger-connect-mock-$VERSION"
    [[ -f "$dir/openapi.yaml" && ! -L "$dir/openapi.yaml" ]] || { echo "the mock crate has no openapi.yaml file"; return 1; }
    cmp "$dir/openapi.yaml" "$ROOT/spec/openapi.yaml" || { echo "the packaged openapi.yaml is not spec/openapi.yaml"; return 1; }
    echo "the mock crate carries spec/openapi.yaml ($(wc -c <"$dir/openapi.yaml") bytes) and the licenses"
}

# cargo install of the packaged mock (release mode), then it serves: /health, and the
# spec it embeds at /openapi.json.
rust_install_mock() {
    local root="$WORK/cargo-root"
    # The unpacked .crate, so what is installed is what would be published; the shared
    # target dir keeps the dependencies built by the verify step.
    cargo install --locked --path "$WORK/crates/messenger-connect-mock-$VERSION" --root "$root" \
        --target-dir "$TARGET_DIR" </dev/null || return 1
    (
        # common.sh's mock_start (bounded waits for the URL and /health), on this binary.
        MOCK_BIN="$root/bin/messenger-connect-mock"
        trap mock_stop EXIT
        mock_start
        curl -sSf --max-time 30 "$MOCK_URL/openapi.json" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert doc["openapi"].startswith("3.1"), doc["openapi"]
print(f"the installed mock serves /openapi.json: {len(doc['paths'])} paths")
'
    )
}

release_rust() {
    verify "cargo package core and the mock" rust_package || return
    verify "the crates carry the spec and the licenses" rust_crate_contents
    if [[ $RELEASE == 1 ]]; then
        verify "cargo install the packaged mock; it serves" rust_install_mock
    else
        skip "cargo install the packaged mock" "release builds only with --release"
    fi
}
