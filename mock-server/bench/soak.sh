#!/usr/bin/env bash
# Soak benchmark of the mock server: a script that prints tables, not a timed test.
#
#   bash mock-server/bench/soak.sh
#
# Builds the mock binary, starts it (4 users, 2,000 contacts each, friends, a 16 MiB
# journal), and runs soak.py against it for SOAK_SECONDS (default 60): readers, keyed
# POSTs, clock jumps, 16 live-event sockets that never read fed 4 KB events, and 30 KB
# URLs. Prints the server's RSS at start, every 5 s and at the end, the traffic counts
# and /_mock/stats. Bounded stores keep the end close to the start.
#
# Environment: SOAK_SECONDS (60); MC_NO_BUILD=1 reuses the binary already built.
set -euo pipefail
trap 'echo "error: mock-server/bench/soak.sh: line $LINENO: \`$BASH_COMMAND\` failed (status $?)" >&2' ERR

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/common.sh"
cd "$ROOT"
trap mock_stop EXIT

SECONDS_TO_RUN="${SOAK_SECONDS:-60}"
mock_build
say "start the mock server: 4 users, 2000 contacts each, 1 friend each"
mock_start --seed 1 --users 4 --contacts-per-user 2000 --friends-per-user 1 \
    --rate-limit 100000000 --journal-max-bytes 16777216
say "soak for ${SECONDS_TO_RUN}s ($(nproc) cores shared by the load and the server)"
python3 "$ROOT/mock-server/bench/soak.py" "$MOCK_URL" "$MOCK_PID" --seconds "$SECONDS_TO_RUN" \
    || die "the soak run failed"
