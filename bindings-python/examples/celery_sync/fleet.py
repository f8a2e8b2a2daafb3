"""Drives the Celery fleet of ``app.py`` against a running mock server, PostgreSQL and
Redis (started by ``bindings-python/run-celery.sh`` or ``bench/fleet.sh``):

    python fleet.py prepare --users 300          # an app, tokens per user, the store
    python fleet.py test --users 300 --faults --kill   # enqueue, kill a worker, check
    python fleet.py bench --users 300            # enqueue, time it, count requests

Environment: ``MC_BASE_URL`` (the mock), ``MC_PG_DSN``, ``MC_REDIS_URL``; ``prepare``
writes the app's credentials to ``--app-file`` for the workers.

``test`` checks, each a line ``ok: ...`` or ``FAILED: ...`` and at the end
``fleet: N passed, N failed, 0 skipped``:
every user synced; PostgreSQL equals the server for every user (ids and ETags); no
``invalid_grant`` in the server's journal and every stored refresh token still refreshes;
no user synced by two workers at once (no overlapping runs in ``fleet_runs``, a killed
run ending at its kill); the killed worker's user was synced again.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

import psycopg

from messenger_connect import testing
from messenger_connect.sync.postgres import PostgresStore

BASE = os.environ.get("MC_BASE_URL", "")
DSN = os.environ.get("MC_PG_DSN", "")
ALL_SCOPES = ["openid", "profile", "email", "offline_access", "contacts.read", "contacts.write"]


def control(method: str, path: str, body: Optional[Any] = None) -> Tuple[int, Any]:
    return testing.control(BASE, method, path, body, timeout=60)


def ok(method: str, path: str, body: Optional[Any] = None) -> Any:
    status, out = control(method, path, body)
    if status >= 400:
        raise RuntimeError(f"{method} {path}: {status} {out}")
    return out


def users() -> List[str]:
    return [u["id"] for u in ok("GET", "/_mock/users")["users"]]


def prepare(n: int, app_file: str) -> None:
    """A confidential app, tokens for the first ``n`` users, the store filled."""
    app = ok("POST", "/_mock/clients", {"name": "fleet", "redirectUris": ["http://127.0.0.1:9/cb"],
                                         "public": False, "scopes": ALL_SCOPES})
    with open(app_file, "w") as f:
        json.dump({"clientId": app["clientId"], "clientSecret": app["clientSecret"]}, f)
    store = PostgresStore(DSN)
    conn = store._conn()
    conn.execute("DROP TABLE IF EXISTS fleet_runs")
    from app import RUNS  # the worker app's table of runs

    conn.execute(RUNS)
    conn.execute("TRUNCATE mc_accounts, mc_contacts")
    now = time.time()
    for user in users()[:n]:
        t = ok("POST", "/_mock/tokens", {"userId": user, "clientId": app["clientId"], "scopes": ALL_SCOPES})
        tokens = {"accessToken": t["access_token"], "tokenType": "Bearer", "scopes": t["scope"].split(),
                  "refreshToken": t["refresh_token"],
                  "obtainedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
                  "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + t["expires_in"]))}
        store.add_user(user, tokens)
    store.close()
    ok("DELETE", "/_mock/requests")
    print(f"prepared {n} users, app {app['clientId']}", flush=True)


def faults() -> None:
    """Faults on the delta pages: 429 (Retry-After 1 s), 503, connection resets; and
    every access token expired (each user's first call refreshes; tokens are rotated)."""
    for spec in ({"kind": "status", "status": 429, "retryAfter": 1, "probability": 0.02, "seed": 1},
                 {"kind": "status", "status": 503, "probability": 0.04, "seed": 2},
                 {"kind": "reset", "probability": 0.03, "seed": 3}):
        ok("POST", "/_mock/faults", dict(spec, path="/v1/me/contacts/delta", method="GET"))
    ok("POST", "/_mock/clock", {"advanceSeconds": 2 * 3600})


def enqueue(n: int) -> List[str]:
    from app import sync_user  # the Celery task

    targets = users()[:n]
    for user in targets:
        sync_user.delay(user)
    return targets


def synced(conn: "psycopg.Connection[Any]") -> int:
    row = conn.execute("SELECT COUNT(DISTINCT user_id) FROM fleet_runs WHERE finished IS NOT NULL").fetchone()
    return int(row[0]) if row else 0


def wait_all(conn: "psycopg.Connection[Any]", n: int, deadline: float,
             kill: bool) -> Tuple[Optional[Tuple[str, int, float]], float]:
    """Polls until every user has a finished run (bounded by ``deadline``); with ``kill``,
    SIGKILLs the first pool process seen mid-run. Returns (killed user, pid, time) and the
    time all were synced."""
    killed: Optional[Tuple[str, int, float]] = None
    while time.monotonic() < deadline:
        if kill and killed is None:
            row = conn.execute("SELECT user_id, worker_pid FROM fleet_runs WHERE finished IS NULL "
                               "ORDER BY started DESC LIMIT 1").fetchone()
            if row is not None and synced(conn) >= n // 10:
                os.kill(int(row[1]), signal.SIGKILL)
                killed = (str(row[0]), int(row[1]), time.time())
                print(f"SIGKILL to pool process {row[1]} while it synced {row[0]}", flush=True)
        if synced(conn) >= n:
            return killed, time.monotonic()
        time.sleep(0.05)  # polling the runs table, bounded by the deadline
    return killed, time.monotonic()


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, good: bool, detail: str = "") -> None:
        if good:
            self.passed += 1
            print(f"ok: {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAILED: {name} {detail}", flush=True)


def server_contacts(user: str) -> Dict[str, Optional[str]]:
    out: Dict[str, Optional[str]] = {}
    page = ok("GET", f"/_mock/act-as/{user}/contacts?$top=1000")
    while True:
        for c in page["value"]:
            out[c["id"]] = c.get("@odata.etag")
        nxt = page.get("@odata.nextLink")
        if not nxt:
            return out
        page = ok("GET", f"/_mock/act-as/{user}/" + nxt.split("/v1/me/", 1)[1])


def overlaps(conn: "psycopg.Connection[Any]", killed_at: Optional[float]) -> List[str]:
    """Users with two runs at once; a run left unfinished by the kill ends at the kill."""
    end_of_killed = "to_timestamp(%s)" if killed_at is not None else "'infinity'::timestamptz"
    q = f"""
        SELECT a.user_id FROM fleet_runs a JOIN fleet_runs b
          ON a.user_id = b.user_id AND a.id < b.id
         AND a.started < COALESCE(b.finished, {end_of_killed})
         AND b.started < COALESCE(a.finished, {end_of_killed})
    """
    params = (killed_at, killed_at) if killed_at is not None else ()
    return [str(r[0]) for r in conn.execute(q, params)]


def test(n: int, with_faults: bool, kill: bool, timeout: float, app_file: str) -> int:
    if with_faults:
        faults()
    conn = psycopg.connect(DSN, autocommit=True)
    started = time.monotonic()
    targets = enqueue(n)
    killed, done = wait_all(conn, n, started + timeout, kill)
    elapsed = done - started
    ok("DELETE", "/_mock/faults")
    c = Checks()
    count = synced(conn)
    c.check(f"every user synced ({count}/{n} in {elapsed:.1f} s)", count >= n)
    if kill:
        c.check("a pool process was killed mid-run", killed is not None)
        if killed is not None:
            row = conn.execute("SELECT COUNT(*) FROM fleet_runs WHERE user_id = %s AND finished IS NOT NULL "
                               "AND started > to_timestamp(%s)", (killed[0], killed[2])).fetchone()
            c.check("the killed worker's user was synced again", bool(row and row[0] >= 1))
    store = PostgresStore(DSN)
    differ = [u for u in targets if store.contacts(u) != server_contacts(u)]
    c.check("PostgreSQL equals the server for every user", not differ, f"{len(differ)} differ, e.g. {differ[:3]}")
    journal = ok("GET", "/_mock/requests?path=/oauth/token")["requests"]
    bad = [r for r in journal if r.get("status") != 200]
    c.check(f"no invalid_grant ({len(journal)} token requests)", not bad, json.dumps(bad[:2]))
    with open(app_file) as f:
        app = json.load(f)
    from messenger_connect import Client

    lost = []
    with Client(BASE, client_id=app["clientId"], client_secret=app["clientSecret"]) as client:
        for user in targets:
            with client.with_tokens(store.state(user).tokens) as per_user:
                try:
                    per_user.refresh_tokens()
                except Exception as e:  # an invalid_grant: the grant was lost
                    lost.append(f"{user}: {type(e).__name__}")
    c.check("every stored refresh token still refreshes", not lost, str(lost[:3]))
    double = overlaps(conn, killed[2] if killed else None)
    c.check("no user synced by two workers at once", not double, str(sorted(set(double))[:3]))
    store.close()
    print(f"fleet: {c.passed} passed, {c.failed} failed, 0 skipped", flush=True)
    return 0 if c.failed == 0 else 1


def bench(n: int, timeout: float) -> int:
    """One timed run over ``n`` users (no faults, every access token expired): prints
    users per minute and requests per user against the minimum, the pages of a full
    round + 1 (the token refresh)."""
    ok("POST", "/_mock/clock", {"advanceSeconds": 2 * 3600})  # each user refreshes once
    conn = psycopg.connect(DSN, autocommit=True)
    started = time.monotonic()
    enqueue(n)
    _, done = wait_all(conn, n, started + timeout, False)
    elapsed = done - started
    journal = [r for r in ok("GET", "/_mock/requests")["requests"]
               if str(r.get("path", "")).startswith(("/v1/", "/oauth/"))]
    contacts = len(server_contacts(users()[0]))
    page = int(os.environ.get("MC_PAGE_SIZE", "100"))
    minimum = -(-contacts // page) + 1  # a full round's pages + the refresh
    print(json.dumps({"users": synced(conn), "seconds": round(elapsed, 2),
                      "users_per_minute": round(synced(conn) * 60 / elapsed, 1),
                      "requests_per_user": round(len(journal) / n, 2), "minimum": minimum}), flush=True)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["prepare", "test", "bench"])
    p.add_argument("--users", type=int, default=300)
    p.add_argument("--faults", action="store_true")
    p.add_argument("--kill", action="store_true")
    p.add_argument("--timeout", type=float, default=240.0)
    p.add_argument("--app-file", default=os.environ.get("MC_APP_FILE", "fleet-app.json"))
    a = p.parse_args(argv)
    if a.command == "prepare":
        prepare(a.users, a.app_file)
        return 0
    if a.command == "test":
        return test(a.users, a.faults, a.kill, a.timeout, a.app_file)
    return bench(a.users, a.timeout)


if __name__ == "__main__":
    sys.exit(main())
