#!/usr/bin/env bash
# Builds the extension into the repository's venv (/work/main/.venv, i.e. $ROOT/.venv)
# with `maturin develop --profile ci` (the workspace's target dir and profile), then runs
# `mypy --strict` over the package, tests and examples, and pytest. Exits non-zero if
# either fails. Works in a fresh clone, without stdin (CI=true).
#
#   bash bindings-python/run-tests.sh [pytest args...]
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="$ROOT/.venv"
# Pinned, verified versions.
PIP_PINS=(maturin==1.16.0 pytest==9.2.0 mypy==2.4.1)

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "==> python3 -m venv $VENV"
    python3 -m venv "$VENV" || exit 1
fi
PY="$VENV/bin/python"
missing=()
for pin in "${PIP_PINS[@]}"; do
    have=$("$PY" -m pip show "${pin%%==*}" 2>/dev/null | sed -n 's/^Version: //p')
    [[ "$have" == "${pin##*==}" ]] || missing+=("$pin")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "==> pip install ${missing[*]}"
    "$PY" -m pip install --disable-pip-version-check -q "${missing[@]}" </dev/null || exit 1
fi

export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
unset CARGO_TARGET_DIR
cd "$HERE" || exit 1

echo "==> maturin develop --profile ci"
maturin develop --profile ci </dev/null 2>&1 | grep -v '^ *Compiling '
if [[ ${PIPESTATUS[0]} -ne 0 ]]; then
    echo "error: maturin develop failed" >&2
    exit 1
fi

echo "==> mypy --strict"
mypy --strict python/messenger_connect tests examples
mypy_rc=$?

echo "==> pytest"
# A bound on the whole run, so a hung test (e.g. an event that never comes) fails CI
# instead of stalling it.
timeout --signal=INT --kill-after=30 900 "$PY" -m pytest -q -p no:cacheprovider "$@" </dev/null
pytest_rc=$?

echo "mypy: $([[ $mypy_rc -eq 0 ]] && echo passed || echo FAILED)"
[[ $mypy_rc -eq 0 && $pytest_rc -eq 0 ]]
