#!/usr/bin/env bash
# The main job's Python example: builds the extension into the repository's venv (see
# env.sh), then runs examples/sync_contacts.py --demo end to end against an in-process
# mock server (3 users × 250 contacts, pages of 100, SQLite in a temporary directory):
# a first full round, changes on the server and every access token expired, a second
# (delta) round with token refresh, then a check that the database holds exactly the
# server's contacts. Exits non-zero if anything fails.
#
#   bash bindings-python/run-example.sh
set -uo pipefail

# shellcheck source=bindings-python/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
py_env
say "python bindings-python/examples/sync_contacts.py --demo"
"$PY" "$PY_HERE/examples/sync_contacts.py" --demo </dev/null \
    || die "bindings-python/examples/sync_contacts.py --demo failed (status $?)"
