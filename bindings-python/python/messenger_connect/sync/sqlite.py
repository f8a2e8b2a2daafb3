""":class:`SqliteStore`: the embedded :class:`~messenger_connect.sync.SyncStore` (stdlib
``sqlite3``, WAL). The per-user lock is a row of ``sync_locks`` naming its owner (host,
process id): another process takes it over when that process is gone (same host: a
worker killed mid-run, even by SIGKILL) or the row is older than ``lease_seconds``."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional

from ._engine import PageChanges, UserState

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    user_id TEXT PRIMARY KEY,
    tokens TEXT NOT NULL,
    next_link TEXT,
    delta_link TEXT
);
CREATE TABLE IF NOT EXISTS contacts (
    user_id TEXT NOT NULL,
    id TEXT NOT NULL,
    etag TEXT,
    display_name TEXT NOT NULL,
    email TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (user_id, id)
);
CREATE TABLE IF NOT EXISTS sync_locks (
    user_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    taken REAL NOT NULL
);
"""


def _gone(owner: str) -> bool:
    """Whether the process that took a lock (``host:pid:tag``) has ended."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class SqliteStore:
    """Users, tokens, links and contacts in one SQLite file."""

    def __init__(self, path: str, *, lease_seconds: float = 600.0, lock_wait: float = 0.0) -> None:
        self.path = path
        self.lease_seconds = lease_seconds
        self.lock_wait = lock_wait
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._local = threading.local()
        self._db().executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        # One connection per thread (the token callback runs on the client's thread) and
        # per process (a forked child must not use the parent's).
        key = os.getpid()
        db: Optional[sqlite3.Connection] = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != key:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=60, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db, self._local.pid = db, key
        return db

    @contextmanager
    def _tx(self, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        db: Optional[sqlite3.Connection] = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # ------------------------------------------------------------------ SyncStore

    def users(self) -> List[str]:
        return [str(r[0]) for r in self._db().execute("SELECT user_id FROM accounts ORDER BY user_id")]

    def add_user(self, user: str, tokens: Any) -> None:
        data = tokens.to_dict() if hasattr(tokens, "to_dict") else dict(tokens)
        with self._tx(immediate=True) as db:
            db.execute("INSERT INTO accounts (user_id, tokens) VALUES (?, ?) ON CONFLICT(user_id) DO NOTHING",
                       (user, json.dumps(data)))

    @contextmanager
    def lock(self, user: str) -> Iterator[bool]:
        until = time.monotonic() + self.lock_wait
        while True:
            now = time.time()
            with self._tx(immediate=True) as db:
                row = db.execute("SELECT owner, taken FROM sync_locks WHERE user_id = ?", (user,)).fetchone()
                free = row is None or now - float(row[1]) > self.lease_seconds or _gone(str(row[0]))
                if free:
                    db.execute("INSERT INTO sync_locks (user_id, owner, taken) VALUES (?, ?, ?) "
                               "ON CONFLICT(user_id) DO UPDATE SET owner = excluded.owner, taken = excluded.taken",
                               (user, self._owner, now))
            if free or time.monotonic() >= until:
                break
            time.sleep(0.05)  # waiting for another worker's lease, bounded by lock_wait
        if not free:
            yield False
            return
        try:
            yield True
        finally:
            with self._tx(immediate=True) as db:
                db.execute("DELETE FROM sync_locks WHERE user_id = ? AND owner = ?", (user, self._owner))

    def state(self, user: str) -> UserState:
        row = self._db().execute("SELECT tokens, next_link, delta_link FROM accounts WHERE user_id = ?",
                                 (user,)).fetchone()
        if row is None:
            raise KeyError(f"unknown user {user!r}")
        return UserState(json.loads(row[0]), row[1], row[2])

    def save_tokens(self, user: str, tokens: Dict[str, Any]) -> None:
        with self._tx(immediate=True) as db:
            db.execute("UPDATE accounts SET tokens = ? WHERE user_id = ?", (json.dumps(tokens), user))

    def commit_page(self, user: str, changes: PageChanges, *, next_link: Optional[str],
                    delta_link: Optional[str], tokens: Dict[str, Any], full: bool) -> int:
        with self._tx(immediate=True) as db:
            if full:
                db.execute("DELETE FROM contacts WHERE user_id = ?", (user,))
            db.executemany("DELETE FROM contacts WHERE user_id = ? AND id = ?", [(user, i) for i in changes.removed])
            db.executemany(
                "INSERT INTO contacts (user_id, id, etag, display_name, email, data) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id, id) DO UPDATE SET etag = excluded.etag, "
                "display_name = excluded.display_name, email = excluded.email, data = excluded.data",
                [(user, i, e, n, m, json.dumps(d)) for i, e, n, m, d in changes.upserts])
            if next_link is not None:
                db.execute("UPDATE accounts SET next_link = ?, tokens = ? WHERE user_id = ?",
                           (next_link, json.dumps(tokens), user))
            else:
                db.execute("UPDATE accounts SET next_link = NULL, delta_link = ?, tokens = ? WHERE user_id = ?",
                           (delta_link, json.dumps(tokens), user))
            count: int = db.execute("SELECT COUNT(*) FROM contacts WHERE user_id = ?", (user,)).fetchone()[0]
            return count

    def restart(self, user: str) -> None:
        with self._tx(immediate=True) as db:
            db.execute("UPDATE accounts SET next_link = NULL, delta_link = NULL WHERE user_id = ?", (user,))

    def contacts(self, user: str) -> Dict[str, Optional[str]]:
        return {str(i): e for i, e in self._db().execute("SELECT id, etag FROM contacts WHERE user_id = ?", (user,))}
