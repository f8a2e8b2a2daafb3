""":class:`PostgresStore`: a :class:`~messenger_connect.sync.SyncStore` in PostgreSQL
(psycopg 3: ``pip install messenger-connect[postgres]``). The per-user lock is a
session-level advisory lock (``pg_try_advisory_lock``), which PostgreSQL releases by
itself when the worker's connection ends, even by SIGKILL. Connections are made per
process on first use (safe in Celery's prefork children); rotated tokens are saved on a
connection of their own, so a save never joins (or waits for) a page's transaction."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional

import psycopg
from psycopg.types.json import Jsonb

from ._engine import PageChanges, UserState

SCHEMA = """
CREATE TABLE IF NOT EXISTS mc_accounts (
    user_id TEXT PRIMARY KEY,
    tokens JSONB NOT NULL,
    next_link TEXT,
    delta_link TEXT
);
CREATE TABLE IF NOT EXISTS mc_contacts (
    user_id TEXT NOT NULL,
    id TEXT NOT NULL,
    etag TEXT,
    display_name TEXT NOT NULL,
    email TEXT,
    data JSONB NOT NULL,
    PRIMARY KEY (user_id, id)
);
"""

#: Connections inherited through fork(), never closed in the child.
_INHERITED: List[Any] = []

#: Serialises schema creation between workers starting at once.
_SCHEMA_LOCK = 0x6D635F73636865  # "mc_sche"


class PostgresStore:
    """Users, tokens, links and contacts in PostgreSQL (tables ``mc_accounts`` and
    ``mc_contacts``, created if missing)."""

    def __init__(self, conninfo: str, *, lock_wait: float = 0.0) -> None:
        self.conninfo = conninfo
        self.lock_wait = lock_wait
        self._pid = -1
        self._main: Optional[psycopg.Connection[Any]] = None
        self._tokens: Optional[psycopg.Connection[Any]] = None
        self._tokens_lock = threading.Lock()
        with self._conn().transaction():
            self._conn().execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            self._conn().execute(SCHEMA)

    def _fresh(self) -> None:
        if self._pid != os.getpid():  # first use, or a forked child: connections of its own
            if self._main is not None:
                # The parent's connections: closing (or dropping) them here would end the
                # parent's sessions on the shared sockets. Kept, unused, for ever.
                _INHERITED.append((self._main, self._tokens))
            self._pid = os.getpid()
            self._main = psycopg.connect(self.conninfo, autocommit=True)
            self._tokens = psycopg.connect(self.conninfo, autocommit=True)

    def _conn(self) -> "psycopg.Connection[Any]":
        self._fresh()
        assert self._main is not None
        return self._main

    def close(self) -> None:
        if self._pid == os.getpid():
            for c in (self._main, self._tokens):
                if c is not None:
                    c.close()
        self._main = self._tokens = None
        self._pid = -1

    # ------------------------------------------------------------------ SyncStore

    def users(self) -> List[str]:
        return [str(r[0]) for r in self._conn().execute("SELECT user_id FROM mc_accounts ORDER BY user_id")]

    def add_user(self, user: str, tokens: Any) -> None:
        data = tokens.to_dict() if hasattr(tokens, "to_dict") else dict(tokens)
        self._conn().execute("INSERT INTO mc_accounts (user_id, tokens) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                             (user, Jsonb(data)))

    @contextmanager
    def lock(self, user: str) -> Iterator[bool]:
        conn = self._conn()
        until = time.monotonic() + self.lock_wait
        while True:
            row = conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (user,)).fetchone()
            held = bool(row and row[0])
            if held or time.monotonic() >= until:
                break
            time.sleep(0.05)  # another worker holds it; bounded by lock_wait
        if not held:
            yield False
            return
        try:
            yield True
        finally:
            if not conn.closed:
                conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (user,))

    def state(self, user: str) -> UserState:
        row = self._conn().execute("SELECT tokens, next_link, delta_link FROM mc_accounts WHERE user_id = %s",
                                   (user,)).fetchone()
        if row is None:
            raise KeyError(f"unknown user {user!r}")
        return UserState(dict(row[0]), row[1], row[2])

    def save_tokens(self, user: str, tokens: Dict[str, Any]) -> None:
        self._fresh()
        assert self._tokens is not None
        with self._tokens_lock:
            self._tokens.execute("UPDATE mc_accounts SET tokens = %s WHERE user_id = %s", (Jsonb(tokens), user))

    def commit_page(self, user: str, changes: PageChanges, *, next_link: Optional[str],
                    delta_link: Optional[str], tokens: Dict[str, Any], full: bool) -> int:
        conn = self._conn()
        with conn.transaction():
            with conn.cursor() as cur:
                if full:
                    cur.execute("DELETE FROM mc_contacts WHERE user_id = %s", (user,))
                if changes.removed:
                    cur.execute("DELETE FROM mc_contacts WHERE user_id = %s AND id = ANY(%s)",
                                (user, changes.removed))
                if changes.upserts:
                    cur.executemany(
                        "INSERT INTO mc_contacts (user_id, id, etag, display_name, email, data) "
                        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (user_id, id) DO UPDATE SET "
                        "etag = EXCLUDED.etag, display_name = EXCLUDED.display_name, "
                        "email = EXCLUDED.email, data = EXCLUDED.data",
                        [(user, i, e, n, m, Jsonb(d)) for i, e, n, m, d in changes.upserts])
                if next_link is not None:
                    cur.execute("UPDATE mc_accounts SET next_link = %s, tokens = %s WHERE user_id = %s",
                                (next_link, Jsonb(tokens), user))
                else:
                    cur.execute("UPDATE mc_accounts SET next_link = NULL, delta_link = %s, tokens = %s "
                                "WHERE user_id = %s", (delta_link, Jsonb(tokens), user))
                cur.execute("SELECT COUNT(*) FROM mc_contacts WHERE user_id = %s", (user,))
                row = cur.fetchone()
                return int(row[0]) if row else 0

    def restart(self, user: str) -> None:
        self._conn().execute("UPDATE mc_accounts SET next_link = NULL, delta_link = NULL WHERE user_id = %s",
                             (user,))

    def contacts(self, user: str) -> Dict[str, Optional[str]]:
        return {str(i): e for i, e in
                self._conn().execute("SELECT id, etag FROM mc_contacts WHERE user_id = %s", (user,))}
