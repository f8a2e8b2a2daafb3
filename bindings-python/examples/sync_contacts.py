"""A resumable contacts sync job: mirrors the contacts of many users into SQLite.

A thin command line over :mod:`messenger_connect.sync` (``ContactSync`` with the embedded
``SqliteStore``): per user, a delta round read page by page, each page committed together
with the link to resume from and the current tokens, so a job killed at any point (even
with SIGKILL) resumes at the first page it had not committed, then runs a catch-up round.
Rotated tokens are written as soon as the client receives them.

    python examples/sync_contacts.py --db contacts.sqlite --base-url https://api.example.com \\
        --client-id app_123 --client-secret ... [--accounts accounts.json] [--page-size 500]

``--accounts`` adds accounts (``[{"user": "...", "tokens": {...}}]``, a token set as
``TokenSet.to_dict()`` gives it) that the database does not have yet; accounts already
there keep their (rotated) tokens. Progress goes to stdout, one JSON object a line:
``{"event": "page", "user": ..., "changes": n, "rows": n}`` after each committed page,
``{"event": "done", ...}`` after each user.

    python examples/sync_contacts.py --demo     # against an in-process mock server
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from typing import Any, Dict, List, Optional

from messenger_connect import Client
from messenger_connect.sync import ContactSync, Progress, SqliteStore


def report(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def on_page(p: Progress) -> None:
    report(event="page", user=p.user, changes=p.changes, rows=p.rows)


def run(store: SqliteStore, base_url: str, client_id: Optional[str], client_secret: Optional[str],
        page_size: int) -> Dict[str, Dict[str, int]]:
    """Syncs every account of the store; returns the counts per user."""
    out: Dict[str, Dict[str, int]] = {}
    # One client (one connection pool) for the job; the engine gives each user a client
    # on it with that user's tokens.
    with Client(base_url, client_id=client_id, client_secret=client_secret) as app:
        engine = ContactSync(app, store, page_size=page_size, progress=on_page)
        for user in store.users():
            r = engine.sync_user(user)
            out[user] = {"pages": r.pages, "upserts": r.upserts, "removed": r.removed, "full": int(r.full)}
            report(event="done", user=user, **out[user])
    return out


def demo() -> int:
    """Two runs against an in-process mock server, with changes in between; checks that
    the database ends with exactly the server's contacts."""
    from messenger_connect.testing import MockServer

    with MockServer(users=3, contacts_per_user=250) as mock, tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(os.path.join(tmp, "contacts.sqlite"))
        for u in mock.users:
            store.add_user(u.id, mock.mint_token(u))
        app = mock.app
        print("first run:", run(store, mock.url, app.client_id, app.client_secret, 100))
        with mock.client(1) as c:
            c.contacts.create("Added Between Runs")
            first = next(iter(c.contacts.list(top=1)))
            c.contacts.delete(first.id)
        mock.advance_clock(2 * 3600)  # every access token expired: the next run refreshes
        print("second run:", run(store, mock.url, app.client_id, app.client_secret, 100))
        rows = 0
        for u in mock.users:
            with mock.client(u) as c:
                server = {x.id: x.etag for x in c.contacts.list(top=1000)}
            local = store.contacts(u.id)
            if local != server:
                print(f"MISMATCH for {u.id}: {len(local)} local rows, {len(server)} on the server")
                return 1
            rows += len(local)
        print(f"ok: {rows} rows, equal to the server's contacts of {len(mock.users)} users")
        store.close()
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="contacts.sqlite")
    p.add_argument("--base-url")
    p.add_argument("--client-id")
    p.add_argument("--client-secret")
    p.add_argument("--accounts", help="JSON file of accounts to add: [{\"user\", \"tokens\"}]")
    p.add_argument("--page-size", type=int, default=500)
    p.add_argument("--demo", action="store_true", help="run twice against an in-process mock server")
    args = p.parse_args(argv)

    if args.demo:
        return demo()
    if not args.base_url:
        p.error("--base-url is required (or --demo)")
    store = SqliteStore(args.db)
    if args.accounts:
        with open(args.accounts) as f:
            for a in json.load(f):
                store.add_user(str(a["user"]), a["tokens"])
    run(store, args.base_url, args.client_id, args.client_secret, args.page_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
