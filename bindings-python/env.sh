# shellcheck shell=bash
# Shared by run-tests.sh, run-example.sh and bench/bench.sh: the repository's venv
# ($ROOT/.venv, made by scripts/lib/common.sh's venv_install) with the pinned tools, and
# the extension built into it with `maturin develop --profile ci`. Source it, then call
# `py_env [extra pins...]`; it sets PY (the venv's python) and exits on failure.

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
PY_HERE="$ROOT/bindings-python"
# Pinned, verified versions.
PY_PINS=(maturin==1.16.0 pytest==9.2.0 pytest-timeout==2.4.0 mypy==2.4.1 "psycopg[binary]==3.3.9")
# The celery suite's and the fleet bench's extra pins (bindings-python/examples/celery_sync).
PY_FLEET_PINS=(celery==5.7.0 redis==8.1.0)

py_env() {
    local venv="$ROOT/.venv" pin name have missing=()
    PY="$venv/bin/python"
    for pin in "${PY_PINS[@]}" "$@"; do
        # No venv yet (exit 127) or no such package (exit 1) both mean "not installed";
        # `|| have=` keeps a caller's `set -e` from ending the script here without a word.
        # pip show takes the bare name: "psycopg[binary]==3.3.9" -> psycopg.
        name="${pin%%==*}"
        have=$("$PY" -m pip show "${name%%\[*}" 2>/dev/null | sed -n 's/^Version: //p') || have=
        [[ "$have" == "${pin##*==}" ]] || missing+=("$pin")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        say "pip install ${missing[*]}"
        venv_install "${missing[@]}" </dev/null || die "pip install ${missing[*]} into $venv failed"
    fi
    export VIRTUAL_ENV="$venv"
    export PATH="$venv/bin:$PATH"
    unset CARGO_TARGET_DIR
    say "maturin develop --profile ci"
    local rc=0
    # sed (never fails) drops the "Compiling" lines; pipefail gives maturin's status.
    (set -o pipefail; cd "$PY_HERE" && maturin develop --profile ci </dev/null 2>&1 | sed '/^ *Compiling /d') || rc=$?
    [[ $rc -eq 0 ]] || die "maturin develop --profile ci failed (status $rc)"
}
