"""``messenger_connect.sync``: a resumable multi-user contacts sync engine.

    from messenger_connect import Client
    from messenger_connect.sync import ContactSync, SqliteStore

    store = SqliteStore("contacts.sqlite")            # or PostgresStore(dsn), extra [postgres]
    store.add_user("u1", tokens)                       # a TokenSet or its to_dict()
    with Client(url, client_id=..., client_secret=...) as app:
        results = ContactSync(app, store, page_size=500).sync_all()

Per user, under a per-user lock (two workers never sync one user at once):

- one delta round, read page by page; each page is committed in one transaction together
  with the link to resume from and the client's current tokens, so a process killed at
  any point (even by SIGKILL) resumes at the first page it had not committed;
- a round resumed that way is followed by a catch-up round (changes made while the job
  was down behind the resume point only show up in the next round);
- a first round, or one after ``410 resyncRequired`` (the stored link is too old), clears
  the user's rows in the transaction of its first page;
- rotated tokens are saved at once (``on_tokens`` → ``SyncStore.save_tokens``, its own
  transaction); if that save fails, the page in flight is not committed, the tokens are
  saved again from the ``TokenStoreError`` and the round resumes from the store;
- progress goes to the ``progress`` callback (a :class:`Progress` per committed page) and
  to :mod:`logging` (``messenger_connect.sync``).

Stores: :class:`SqliteStore` (stdlib ``sqlite3``, the embedded default) and
:class:`PostgresStore` (psycopg 3, ``pip install messenger-connect[postgres]``; PostgreSQL
advisory locks). Any object with the :class:`SyncStore` methods works.
"""

from __future__ import annotations

from typing import Any

from ._engine import ContactSync, PageChanges, Progress, SyncStore, UserResult, UserState
from .sqlite import SqliteStore

__all__ = [
    "ContactSync",
    "SyncStore",
    "UserState",
    "UserResult",
    "PageChanges",
    "Progress",
    "SqliteStore",
    "PostgresStore",
]


def __getattr__(name: str) -> Any:
    # PostgresStore needs psycopg (the [postgres] extra): imported on first use only.
    if name == "PostgresStore":
        from .postgres import PostgresStore

        return PostgresStore
    raise AttributeError(name)
