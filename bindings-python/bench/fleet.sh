#!/usr/bin/env bash
# Fleet bench (a script, not a test): the Celery sync of examples/celery_sync over
# MC_FLEET_USERS users (300) x MC_FLEET_CONTACTS contacts (300), pages of 100, every
# access token expired (each user refreshes once), no faults; PostgreSQL 15 and Redis 7
# as our own instances (examples/celery_sync/services.sh), the mock binary as its own
# process. One Celery worker with 1, then 2 prefork processes (3 runs each, interleaved);
# prints users per minute and requests per user against the minimum (a full round's
# pages + 1 refresh), with the 1-process run as the baseline.
#
#   bash bindings-python/bench/fleet.sh
set -uo pipefail

# shellcheck source=bindings-python/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
# shellcheck source=bindings-python/examples/celery_sync/services.sh
source "$PY_HERE/examples/celery_sync/services.sh"

USERS=${MC_FLEET_USERS:-300}
CONTACTS=${MC_FLEET_CONTACTS:-300}
RUNS=${MC_FLEET_RUNS:-3}
trap 'workers_stop; mock_stop; services_stop' EXIT

py_env "${PY_FLEET_PINS[@]}"
services_install || die "installing PostgreSQL and Redis failed"
services_start || die "starting PostgreSQL and Redis failed"
mock_build || die "building the mock server failed"
export MC_PG_DSN="$PG_DSN" MC_REDIS_URL="$REDIS_URL" MC_APP_FILE="$SERVICES_DIR/app.json" MC_PAGE_SIZE=100

results="$SERVICES_DIR/results"
for run in $(seq "$RUNS"); do
    for procs in 1 2; do
        mock_start --users "$USERS" --contacts-per-user "$CONTACTS" --rate-limit 1000000 >/dev/null \
            || die "starting the mock server failed"
        export MC_BASE_URL="$MOCK_URL"
        (cd "$PY_HERE/examples/celery_sync" && "$PY" fleet.py prepare --users "$USERS" >/dev/null) \
            || die "fleet.py prepare failed"
        export MC_CLIENT_ID MC_CLIENT_SECRET
        MC_CLIENT_ID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["clientId"])' "$MC_APP_FILE")
        MC_CLIENT_SECRET=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["clientSecret"])' "$MC_APP_FILE")
        workers_start 1 "$procs"
        out=$(cd "$PY_HERE/examples/celery_sync" && "$PY" fleet.py bench --users "$USERS" --timeout 600) \
            || die "fleet.py bench failed"
        echo "run $run, $procs process(es): $out"
        echo "$procs $out" >>"$results"
        workers_stop
        mock_stop
    done
done

"$PY" - "$results" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    procs, data = line.split(" ", 1)
    rows.setdefault(int(procs), []).append(json.loads(data))
base = statistics.median(r["users_per_minute"] for r in rows[1])
print()
print("| worker processes | users/min (median) | runs | vs 1 process | requests/user | minimum (pages + 1) |")
print("|---:|---:|---|---:|---:|---:|")
for procs in sorted(rows):
    upm = statistics.median(r["users_per_minute"] for r in rows[procs])
    runs = ", ".join(f'{r["users_per_minute"]:.0f}' for r in rows[procs])
    req = statistics.median(r["requests_per_user"] for r in rows[procs])
    print(f"| {procs} | {upm:.0f} | {runs} | {upm / base:.2f}x | {req:.2f} | {rows[procs][0]['minimum']} |")
PY
