"""A Celery app that syncs contacts for a fleet of users: one task per user.

    MC_BASE_URL=... MC_CLIENT_ID=... MC_CLIENT_SECRET=... \\
    MC_PG_DSN="host=... dbname=..." MC_REDIS_URL=redis://127.0.0.1:6379/0 \\
        celery -A app worker --pool prefork --concurrency 2

- One ``Client`` per worker, made at import in the worker's main process and inherited
  by its prefork children (the client is fork-safe: each child builds its own runtime
  and connection pool on first use); a ``with_tokens`` client per user on it.
- The ``PostgresStore`` of ``messenger_connect.sync``: each page committed with its
  resume link and the current tokens; a PostgreSQL advisory lock per user, so two
  workers never sync one user at once (PostgreSQL drops the lock of a killed worker).
- ``acks_late`` + ``reject_on_worker_lost``: a task whose worker process dies is
  delivered again and resumes from the last committed page. Transient failures (network,
  5xx, 429 after the client's own retries, a user locked by another worker) are retried
  by Celery with backoff.
- ``fleet_runs``: each run of a user (worker pid, start, end), for the overlap check of
  ``fleet.py``.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional

from celery import Celery

from messenger_connect import Client, NetworkError, RateLimitedError, ServerError
from messenger_connect.sync import ContactSync
from messenger_connect.sync.postgres import PostgresStore

log = logging.getLogger("celery_sync")

app = Celery("celery_sync", broker=os.environ.get("MC_REDIS_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue="mc_sync",
    broker_connection_retry_on_startup=True,
    # A message whose worker died without acking comes back after this long (SIGKILL of
    # a worker's main process; a killed pool process is requeued at once).
    broker_transport_options={"visibility_timeout": int(os.environ.get("MC_VISIBILITY_TIMEOUT", "60"))},
    task_ignore_result=True,
)

# Made at import, in the worker's main process: the prefork children inherit it.
CLIENT = Client(os.environ.get("MC_BASE_URL", "http://127.0.0.1:1"), client_id=os.environ.get("MC_CLIENT_ID"),
                client_secret=os.environ.get("MC_CLIENT_SECRET"), total_timeout=60)
PAGE_SIZE = int(os.environ.get("MC_PAGE_SIZE", "100"))

RUNS = """
CREATE TABLE IF NOT EXISTS fleet_runs (
    id BIGSERIAL PRIMARY KEY,
    user_id TEXT NOT NULL,
    worker_pid INTEGER NOT NULL,
    started TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    finished TIMESTAMPTZ
);
"""


class RecordingStore(PostgresStore):
    """The store, recording each locked run of a user in ``fleet_runs``."""

    @contextmanager
    def lock(self, user: str) -> Iterator[bool]:
        with super().lock(user) as held:
            run: Optional[int] = None
            if held:
                row = self._conn().execute(
                    "INSERT INTO fleet_runs (user_id, worker_pid) VALUES (%s, %s) RETURNING id",
                    (user, os.getpid())).fetchone()
                run = int(row[0]) if row else None
            yield held
            if run is not None:
                self._conn().execute("UPDATE fleet_runs SET finished = clock_timestamp() WHERE id = %s", (run,))


_STORE: Dict[int, RecordingStore] = {}


def store() -> RecordingStore:
    """The store of this process (made on first use in each pool process)."""
    pid = os.getpid()
    if pid not in _STORE:
        _STORE.clear()
        s = RecordingStore(os.environ["MC_PG_DSN"], lock_wait=2.0)
        s._conn().execute(RUNS)
        _STORE[pid] = s
    return _STORE[pid]


class UserLocked(Exception):
    """Another worker is syncing this user: try again later."""


@app.task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=20,  # type: ignore[untyped-decorator]
          autoretry_for=(NetworkError, ServerError, RateLimitedError, UserLocked),
          retry_backoff=1, retry_backoff_max=10, retry_jitter=True)
def sync_user(self: Any, user: str) -> Dict[str, Any]:
    """One run of one user's contacts sync."""
    result = ContactSync(CLIENT, store(), page_size=PAGE_SIZE).sync_user(user)
    if result.status == "locked":
        raise UserLocked(user)
    log.info("synced %s: %d pages (%d upserts, %d removed) in %.2f s", user, result.pages, result.upserts,
             result.removed, result.seconds)
    return {"user": user, "pages": result.pages}
