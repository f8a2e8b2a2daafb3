#!/usr/bin/env bash
# The main job, end to end: builds the mock server, starts it, and runs every example
# against it, printing what happens.
#
#   bash scripts/main.sh            # every step
#   bash scripts/main.sh tour       # only these steps
#
# Steps are functions `step_<name>` listed in STEPS; the bindings' examples will be added
# the same way (one function each). Each step runs even when an earlier one failed; the
# script exits non-zero if any failed.
set -uo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT" || exit 1

STEPS=(tour)

trap mock_stop EXIT

# The HTTP tour of the mock server: scripts/tour.py (python3, standard library only).
step_tour() {
    python3 "$ROOT/scripts/tour.py" "$MOCK_URL"
}

mock_build || die "the mock server does not build"
say "start the mock server"
mock_start --seed 1 --users 3 --contacts-per-user 50 || die "the mock server did not start"

selected=("$@")
[[ ${#selected[@]} -eq 0 ]] && selected=("${STEPS[@]}")
failed=()
for step in "${selected[@]}"; do
    say "step $step"
    if ! declare -F "step_$step" >/dev/null; then
        echo "unknown step: $step (known: ${STEPS[*]})" >&2
        failed+=("$step")
    elif ! "step_$step"; then
        failed+=("$step")
    fi
done

echo
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "main: FAILED steps: ${failed[*]}"
    exit 1
fi
echo "main: all ${#selected[@]} step(s) OK (${SECONDS}s)"
