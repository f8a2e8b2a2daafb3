# shellcheck shell=bash
# Shared by run-tests.sh, run-example.sh and bench/bench.sh: the repository's venv
# ($ROOT/.venv, made by scripts/lib/common.sh's venv_install) with the pinned tools, and
# the extension built into it with `maturin develop --profile ci`. Source it, then call
# `py_env [extra pins...]`; it sets PY (the venv's python) and exits on failure.

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
PY_HERE="$ROOT/bindings-python"
# Pinned, verified versions.
PY_PINS=(maturin==1.16.0 pytest==9.2.0 mypy==2.4.1)

py_env() {
    local venv="$ROOT/.venv" pin have missing=()
    PY="$venv/bin/python"
    for pin in "${PY_PINS[@]}" "$@"; do
        have=$("$PY" -m pip show "${pin%%==*}" 2>/dev/null | sed -n 's/^Version: //p')
        [[ "$have" == "${pin##*==}" ]] || missing+=("$pin")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        say "pip install ${missing[*]}"
        venv_install "${missing[@]}" </dev/null || die "pip install failed"
    fi
    export VIRTUAL_ENV="$venv"
    export PATH="$venv/bin:$PATH"
    unset CARGO_TARGET_DIR
    say "maturin develop --profile ci"
    (cd "$PY_HERE" && maturin develop --profile ci </dev/null 2>&1 | grep -v '^ *Compiling ')
    [[ ${PIPESTATUS[0]} -eq 0 ]] || die "maturin develop failed"
}
