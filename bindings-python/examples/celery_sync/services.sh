# shellcheck shell=bash
# PostgreSQL 15 and Redis 7 as our own throwaway instances (sourced by
# bindings-python/run-celery.sh and bindings-python/bench/fleet.sh): installed with apt-get
# when missing (CI runs as root on a fresh machine), started in a temporary directory on
# free loopback ports, never relying on a system service. Sets PG_DSN, REDIS_URL;
# services_stop (call it from an EXIT trap) stops both.

PG_BIN=/usr/lib/postgresql/15/bin
SERVICES_DIR=""
PG_DATA=""
REDIS_PID=""

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Installs postgresql-15 and redis-server when missing.
services_install() {
    if [[ -x "$PG_BIN/initdb" && -x "$(command -v redis-server)" ]]; then
        return 0
    fi
    echo "==> apt-get install -y postgresql-15 redis-server"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >/dev/null || { echo "FAILED: apt-get update"; return 1; }
    apt-get install -y -qq postgresql-15 redis-server </dev/null >/dev/null \
        || { echo "FAILED: apt-get install postgresql-15 redis-server"; return 1; }
}

# Starts PostgreSQL (initdb as the postgres user, trust auth on loopback) and Redis.
services_start() {
    SERVICES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/mc-services.XXXXXX")"
    chmod 755 "$SERVICES_DIR"
    PG_DATA="$SERVICES_DIR/pg"
    local as_pg=() pg_port redis_port
    if [[ $(id -u) == 0 ]]; then
        mkdir -p "$PG_DATA" && chown postgres: "$PG_DATA" "$SERVICES_DIR"
        as_pg=(runuser -u postgres --)
    fi
    pg_port=$(free_port)
    "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >"$SERVICES_DIR/initdb.log" 2>&1 \
        || { cat "$SERVICES_DIR/initdb.log"; echo "FAILED: initdb"; return 1; }
    "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$SERVICES_DIR/pg.log" -w -t 60 \
        -o "-p $pg_port -k $SERVICES_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start \
        >/dev/null || { cat "$SERVICES_DIR/pg.log"; echo "FAILED: pg_ctl start"; return 1; }
    PG_DSN="host=127.0.0.1 port=$pg_port user=postgres dbname=postgres"
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$SERVICES_DIR" >"$SERVICES_DIR/redis.log" 2>&1 &
    REDIS_PID=$!
    REDIS_URL="redis://127.0.0.1:$redis_port/0"
    local _
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null; then
            echo "postgres at port $pg_port, redis at port $redis_port"
            return 0
        fi
        sleep 0.1  # polling redis' port, bounded to 10 s
    done
    cat "$SERVICES_DIR/redis.log"
    echo "FAILED: redis-server did not open its port"
    return 1
}

# Stops both (safe to call twice).
services_stop() {
    if [[ -n "$REDIS_PID" ]]; then
        kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null
        REDIS_PID=""
    fi
    if [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]]; then
        local as_pg=()
        [[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
        "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1
    fi
    PG_DATA=""
    [[ -n "$SERVICES_DIR" ]] && rm -rf "$SERVICES_DIR"
    SERVICES_DIR=""
}

# Starts `count` Celery workers (prefork, `concurrency` processes each) on app.py; their
# pids in WORKER_PIDS, logs in $SERVICES_DIR/worker-N.log.
WORKER_PIDS=()
workers_start() {
    local count=$1 concurrency=$2 i
    for i in $(seq "$count"); do
        (cd "$PY_HERE/examples/celery_sync" && exec celery -A app worker --pool prefork \
            --concurrency "$concurrency" -n "w$i@%h" --without-gossip --without-mingle \
            --without-heartbeat --loglevel WARNING) >"$SERVICES_DIR/worker-$i.log" 2>&1 </dev/null &
        WORKER_PIDS+=($!)
    done
}

# Stops the workers (warm shutdown, then SIGKILL after 20 s).
workers_stop() {
    local pid _
    for pid in "${WORKER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for _ in $(seq 200); do
        local alive=0
        for pid in "${WORKER_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive == 0 ]] && break
        sleep 0.1  # waiting for the workers to exit, bounded to 20 s
    done
    for pid in "${WORKER_PIDS[@]}"; do
        pkill -KILL -P "$pid" 2>/dev/null
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    WORKER_PIDS=()
}
