#!/usr/bin/env bash
# Builds the extension into the repository's venv ($ROOT/.venv, created if missing, see
# env.sh) with `maturin develop --profile ci` (the workspace's target dir and profile),
# then runs `mypy --strict` over the package, tests and examples, and pytest (whose
# summary line, e.g. "54 passed in 9.1s", scripts/test.sh reads). Exits non-zero if
# either fails. Works in a fresh clone, without stdin (CI=true).
#
#   bash bindings-python/run-tests.sh [pytest args...]
set -uo pipefail

# shellcheck source=bindings-python/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
py_env
cd "$PY_HERE" || exit 1

say "mypy --strict"
mypy --strict python/messenger_connect tests examples
mypy_rc=$?

say "pytest"
# A bound on the whole run, so a hung test (e.g. an event that never comes) fails CI
# instead of stalling it.
timeout --signal=INT --kill-after=30 900 "$PY" -m pytest -q -p no:cacheprovider "$@" </dev/null
pytest_rc=$?

echo "mypy: $([[ $mypy_rc -eq 0 ]] && echo passed || echo FAILED)"
[[ $mypy_rc -eq 0 && $pytest_rc -eq 0 ]]
