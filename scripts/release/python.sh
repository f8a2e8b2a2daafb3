# shellcheck shell=bash
# The Python package `messenger-connect` (bindings-python/), sourced by scripts/release.sh:
# a manylinux wheel and an sdist in dist/, each installed in its own clean venv.

# auditwheel 6.7.0: the last release that works with Debian 12's patchelf 0.14.3 (6.8.1 asks
# for 0.14.5, after 6.8.0 mis-grafted libraries with older patchelf; 6.7.0 grafts correctly,
# and this abi3 wheel grafts nothing: it links only to glibc).
PY_TOOLS=(maturin==1.16.0 auditwheel==6.7.0)

# maturin and auditwheel in the repository's venv (.venv), patchelf from Debian.
python_tools() {
    venv_install "${PY_TOOLS[@]}" </dev/null || return 1
    command -v patchelf >/dev/null || apt_install patchelf || return 1
    "$ROOT/.venv/bin/maturin" --version && "$ROOT/.venv/bin/auditwheel" --version && patchelf --version
}

# The wheel: maturin builds a plain linux wheel (its own manylinux check left out), then
# auditwheel repairs it to the manylinux tag this glibc allows (patchelf; abi3 needs no
# libpython) and writes it to dist/.
python_wheel() {
    local raw="$WORK/wheel-raw" wheel
    rm -f "$DIST"/messenger_connect-*.whl
    (cd "$ROOT/bindings-python" && VIRTUAL_ENV="$ROOT/.venv" "$ROOT/.venv/bin/maturin" build \
        --profile "$REL_PROFILE" --compatibility linux --auditwheel skip --out "$raw" </dev/null) || return 1
    wheel=$(compgen -G "$raw/messenger_connect-*.whl") || { echo "maturin wrote no wheel"; return 1; }
    "$ROOT/.venv/bin/auditwheel" show "$wheel" || return 1
    "$ROOT/.venv/bin/auditwheel" repair --plat auto -w "$DIST" "$wheel" || return 1
    wheel=$(dist_file 'messenger_connect-*manylinux*.whl') || return 1
    echo "wheel: $(basename "$wheel")"
}

# The sdist: the binding and the crates it builds from (core, the mock with its spec),
# the workspace Cargo.toml and Cargo.lock, the licenses.
python_sdist() {
    rm -f "$DIST"/messenger_connect-*.tar.gz
    (cd "$ROOT/bindings-python" && "$ROOT/.venv/bin/maturin" sdist --out "$DIST" </dev/null) || return 1
    local sdist listing f
    sdist=$(dist_file 'messenger_connect-*.tar.gz') || return 1
    listing=$(tar tzf "$sdist") || return 1
    for f in PKG-INFO pyproject.toml Cargo.toml Cargo.lock LICENSE-MIT LICENSE-APACHE \
        mock-server/openapi.yaml mock-server/keys/mock-signing-key.pem core/Cargo.toml \
        python/messenger_connect/py.typed; do
        grep -q "^messenger_connect-$VERSION/$f\$" <<<"$listing" || { echo "the sdist has no $f"; return 1; }
    done
    echo "sdist: $(basename "$sdist") ($(wc -l <<<"$listing") files)"
}

# python_venv DIR: a clean venv from the system's python3, without the repository's venv.
python_venv() {
    rm -rf "$1" && without_rust env -u VIRTUAL_ENV python3 -m venv "$1"
}

# Runs the smoke program from an empty folder with the venv's python, without Rust.
python_smoke() { # venv
    (cd "$WORK" && without_rust env -u VIRTUAL_ENV "$1/bin/python" "$ROOT/scripts/release/smoke/smoke.py" </dev/null)
}

# The wheel in a clean venv, offline (it has no dependencies) and with no Rust on PATH.
python_wheel_install() {
    local venv="$WORK/venv-wheel" wheel
    wheel=$(dist_file 'messenger_connect-*manylinux*.whl') || return 1
    python_venv "$venv" || return 1
    without_rust "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel" </dev/null \
        || return 1
    python_smoke "$venv"
}

# The sdist in another clean venv: pip builds it with maturin (from PyPI, build isolation)
# and cargo, as a user on another platform would. Outside a release it builds with the ci
# profile into the shared target dir, so only the three crates of the sdist are compiled.
python_sdist_install() {
    local venv="$WORK/venv-sdist" sdist
    sdist=$(dist_file 'messenger_connect-*.tar.gz') || return 1
    python_venv "$venv" || return 1
    env -u VIRTUAL_ENV CARGO_TARGET_DIR="$TARGET_DIR" MATURIN_PEP517_ARGS="--profile $REL_PROFILE" \
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$sdist" </dev/null || return 1
    python_smoke "$venv"
}

release_python() {
    verify "maturin, auditwheel, patchelf" python_tools || return
    verify "manylinux wheel (maturin build, auditwheel repair)" python_wheel &&
        verify "the wheel in a clean venv, without Rust" python_wheel_install
    verify "sdist (maturin sdist)" python_sdist &&
        verify "the sdist built and installed in a clean venv" python_sdist_install
}
