#!/usr/bin/env bash
# The `celery` suite (scripts/test.sh): the fleet sync of examples/celery_sync on real
# services. Installs PostgreSQL 15 and Redis 7 with apt-get when missing and starts our
# own instances of them in a temporary directory (examples/celery_sync/services.sh),
# starts the mock binary as its own process (300 users x 300 contacts), runs the
# PostgreSQL store's pytest tests, then 3 Celery prefork workers (concurrency 2) over the
# 300 users with faults injected (429, 503, connection resets, every access token
# expired), SIGKILLs a pool process mid-run, and checks the outcome
# (examples/celery_sync/fleet.py). Ends with `celery: N passed, N failed, N skipped`.
#
#   bash bindings-python/run-celery.sh
set -uo pipefail

# shellcheck source=bindings-python/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
# shellcheck source=bindings-python/examples/celery_sync/services.sh
source "$PY_HERE/examples/celery_sync/services.sh"

USERS=${MC_FLEET_USERS:-300}
CONTACTS=${MC_FLEET_CONTACTS:-300}
passed=0 failed=0 skipped=0
finish() {
    workers_stop
    mock_stop
    services_stop
    echo "celery: $passed passed, $failed failed, $skipped skipped"
}
trap finish EXIT
fail() { echo "FAILED: $*"; failed=$((failed + 1)); exit 1; }

py_env "${PY_FLEET_PINS[@]}"
services_install || fail "installing PostgreSQL and Redis"
services_start || fail "starting PostgreSQL and Redis"
mock_build || fail "building the mock server"
mock_start --users "$USERS" --contacts-per-user "$CONTACTS" --rate-limit 1000000 || fail "starting the mock server"

export MC_PG_DSN="$PG_DSN" MC_REDIS_URL="$REDIS_URL" MC_BASE_URL="$MOCK_URL"
export MC_APP_FILE="$SERVICES_DIR/app.json" MC_PAGE_SIZE=100 MC_VISIBILITY_TIMEOUT=30

say "pytest: the PostgreSQL store"
log="$SERVICES_DIR/pytest.log"
(cd "$PY_HERE" && timeout --signal=INT --kill-after=30 300 "$PY" -m pytest -q -p no:cacheprovider \
    tests/test_sync_engine.py -k "postgres" </dev/null) 2>&1 | tee "$log"
line=$(grep -E '[0-9]+ (passed|failed)' "$log" | tail -1)
p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+'); f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
e=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+'); s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+')
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
[[ -n "$line" ]] || { echo "FAILED: pytest printed no summary"; failed=$((failed + 1)); }

say "fleet: $USERS users x $CONTACTS contacts, 3 workers x 2 processes, faults, a SIGKILL"
(cd "$PY_HERE/examples/celery_sync" && "$PY" fleet.py prepare --users "$USERS") || fail "fleet.py prepare"
export MC_CLIENT_ID MC_CLIENT_SECRET
MC_CLIENT_ID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["clientId"])' "$MC_APP_FILE")
MC_CLIENT_SECRET=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["clientSecret"])' "$MC_APP_FILE")
workers_start 3 2
log="$SERVICES_DIR/fleet.log"
(cd "$PY_HERE/examples/celery_sync" && timeout --kill-after=30 280 "$PY" fleet.py test --users "$USERS" \
    --faults --kill --timeout 240 </dev/null) 2>&1 | tee "$log"
line=$(grep -E '^fleet: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
if [[ -n "$line" ]]; then
    passed=$((passed + $(sed -E 's/^fleet: ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/^fleet: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")))
else
    echo "FAILED: fleet.py test printed no summary"
    failed=$((failed + 1))
    for w in "$SERVICES_DIR"/worker-*.log; do echo "--- $w"; tail -20 "$w"; done
fi
[[ $failed == 0 ]]
