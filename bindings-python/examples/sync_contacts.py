"""A resumable contacts sync job: mirrors the contacts of many users into SQLite.

For each account in the database it reads the delta round page by page and commits each
page together with the link of the next one, so a job killed at any point (even with
SIGKILL) resumes at the first page it had not committed. A first round (or a round
after the server answered that the stored link is too old) starts by clearing the
user's rows in the same transaction as its first page. Every rotated token set is
written to the database as soon as the client receives it (the old refresh token stops
working at that moment).

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
import sqlite3
import sys
import tempfile
from typing import Any, Callable, Dict, List, Optional

from messenger_connect import Client, ResyncRequiredError, TokenSet

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    user_id TEXT PRIMARY KEY,
    tokens TEXT NOT NULL,
    next_link TEXT,          -- the page to fetch next within a round (resume point)
    delta_link TEXT          -- the link of the next round, once a round completed
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
"""


def open_db(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=60)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    return db


def add_accounts(db: sqlite3.Connection, accounts: List[Dict[str, Any]]) -> None:
    """Adds accounts the database does not have yet (never overwrites rotated tokens)."""
    with db:
        db.execute("BEGIN")
        for a in accounts:
            db.execute(
                "INSERT INTO accounts (user_id, tokens) VALUES (?, ?) ON CONFLICT(user_id) DO NOTHING",
                (str(a["user"]), json.dumps(a["tokens"])),
            )


def token_saver(path: str, user: str) -> Callable[[TokenSet], None]:
    def save(tokens: TokenSet) -> None:
        # Called on the client's thread, maybe while the job's connection is inside a
        # page's transaction (the next page is fetched meanwhile): its own connection
        # and transaction, committed at once.
        db = sqlite3.connect(path, timeout=60)
        try:
            with db:
                db.execute("UPDATE accounts SET tokens = ? WHERE user_id = ?",
                           (json.dumps(tokens.to_dict()), user))
        finally:
            db.close()

    return save


def report(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def sync_user(client: Client, db: sqlite3.Connection, user: str, page_size: int) -> Dict[str, int]:
    """One delta round for one user, committed page by page; returns counts."""
    next_link, delta_link = db.execute(
        "SELECT next_link, delta_link FROM accounts WHERE user_id = ?", (user,)
    ).fetchone()
    counts = {"pages": 0, "upserts": 0, "removed": 0, "full": 0}
    # A stored next_link resumes the round in progress; else the next round starts from
    # the delta link (None: a full round).
    link: Optional[str] = next_link or delta_link
    full = link is None
    # A round resumed after an interruption is followed by one more round: changes made
    # while the job was down after the resume point show up only in the next round.
    catch_up = next_link is not None
    while True:
        try:
            pages = client.contacts.delta_pages(link, page_size=page_size)
            for page in pages:
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    if full:
                        db.execute("DELETE FROM contacts WHERE user_id = ?", (user,))
                        full = False
                        counts["full"] = 1
                    for change in page.items:
                        if change.removed:
                            db.execute("DELETE FROM contacts WHERE user_id = ? AND id = ?", (user, change.id))
                            counts["removed"] += 1
                            continue
                        c = change.item
                        assert c is not None
                        db.execute(
                            "INSERT INTO contacts (user_id, id, etag, display_name, email, data) "
                            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id, id) DO UPDATE SET "
                            "etag = excluded.etag, display_name = excluded.display_name, "
                            "email = excluded.email, data = excluded.data",
                            (user, c.id, c.etag, c.display_name, c.emails[0].value if c.emails else None,
                             json.dumps(c.to_dict())),
                        )
                        counts["upserts"] += 1
                    if page.next_link is not None:
                        db.execute("UPDATE accounts SET next_link = ? WHERE user_id = ?", (page.next_link, user))
                    else:
                        db.execute(
                            "UPDATE accounts SET next_link = NULL, delta_link = ? WHERE user_id = ?",
                            (page.delta_link, user),
                        )
                counts["pages"] += 1
                rows = db.execute("SELECT COUNT(*) FROM contacts WHERE user_id = ?", (user,)).fetchone()[0]
                report(event="page", user=user, changes=len(page.items), rows=rows)
            if not catch_up:
                return counts
            catch_up = False
            link = pages.delta_link
        except ResyncRequiredError:
            # The stored link is too old (or the data was reset): a full round again.
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.execute("UPDATE accounts SET next_link = NULL, delta_link = NULL WHERE user_id = ?", (user,))
            link, full = None, True


def run(db: sqlite3.Connection, path: str, base_url: str, client_id: Optional[str], client_secret: Optional[str],
        page_size: int) -> Dict[str, Dict[str, int]]:
    """Syncs every account of the database; returns the counts per user."""
    out: Dict[str, Dict[str, int]] = {}
    users = [str(r[0]) for r in db.execute("SELECT user_id FROM accounts ORDER BY user_id")]
    # One client (one connection pool) for the job; each user gets a client on it with
    # that user's tokens, whose rotated tokens are saved to that user's row.
    with Client(base_url, client_id=client_id, client_secret=client_secret) as app:
        for user in users:
            tokens = json.loads(db.execute("SELECT tokens FROM accounts WHERE user_id = ?", (user,)).fetchone()[0])
            with app.with_tokens(tokens, on_tokens=token_saver(path, user)) as client:
                out[user] = sync_user(client, db, user, page_size)
            report(event="done", user=user, **out[user])
    return out


def demo() -> int:
    """Two runs against an in-process mock server, with changes in between; checks that
    the database ends with exactly the server's contacts."""
    from messenger_connect.testing import MockServer

    with MockServer(users=3, contacts_per_user=250) as mock, tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "contacts.sqlite")
        db = open_db(path)
        add_accounts(db, [{"user": u.id, "tokens": mock.mint_token(u).to_dict()} for u in mock.users])
        app = mock.app
        print("first run:", run(db, path, mock.url, app.client_id, app.client_secret, 100))
        with mock.client(1) as c:
            c.contacts.create("Added Between Runs")
            first = next(iter(c.contacts.list(top=1)))
            c.contacts.delete(first.id)
        mock.advance_clock(2 * 3600)  # every access token expired: the next run refreshes
        print("second run:", run(db, path, mock.url, app.client_id, app.client_secret, 100))
        for u in mock.users:
            with mock.client(u) as c:
                server = {(x.id, x.etag) for x in c.contacts.list(top=1000)}
            local = set(db.execute("SELECT id, etag FROM contacts WHERE user_id = ?", (u.id,)))
            if local != server:
                print(f"MISMATCH for {u.id}: {len(local)} local rows, {len(server)} on the server")
                return 1
        rows = db.execute("SELECT COUNT(*) FROM contacts").fetchone()[0]
        print(f"ok: {rows} rows, equal to the server's contacts of {len(mock.users)} users")
        db.close()
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
    db = open_db(args.db)
    if args.accounts:
        with open(args.accounts) as f:
            add_accounts(db, json.load(f))
    run(db, args.db, args.base_url, args.client_id, args.client_secret, args.page_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
