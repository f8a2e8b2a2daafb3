"""A resumable contacts sync job: mirrors the signed-in user's contacts into SQLite.

Each run calls the delta link stored by the last run (or does a full sync the first
time, or when the server says the link is too old), applies upserts and removals in one
transaction together with the new delta link, and persists every rotated token set, so
a job killed at any point resumes where its last committed run ended.

    python examples/sync_contacts.py --db contacts.sqlite --base-url https://api.example.com \\
        --client-id app_123 --client-secret ... --tokens tokens.json

    python examples/sync_contacts.py --demo     # against an in-process mock server
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from typing import Any, Dict, Optional

from messenger_connect import Client, Contact, ResyncRequiredError, TokenSet

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    email TEXT,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def open_db(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    return db


def stored_link(db: sqlite3.Connection) -> Optional[str]:
    row = db.execute("SELECT value FROM state WHERE key = 'delta_link'").fetchone()
    return str(row[0]) if row else None


def upsert(db: sqlite3.Connection, c: Contact) -> None:
    email = c.emails[0].value if c.emails else None
    db.execute(
        "INSERT INTO contacts (id, display_name, email, data) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, "
        "email = excluded.email, data = excluded.data",
        (c.id, c.display_name, email, json.dumps(c.to_dict())),
    )


def sync_once(client: Client, db: sqlite3.Connection) -> Dict[str, int]:
    """One round; returns counts. Everything of the round commits at once."""
    link = stored_link(db)
    full = link is None
    try:
        result = client.contacts.sync(link)
    except ResyncRequiredError:
        full = True
        result = client.contacts.sync()
    with db:
        if full:
            db.execute("DELETE FROM contacts")
        for c in result.upserts:
            upsert(db, c)
        for contact_id in result.removed:
            db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
        db.execute(
            "INSERT INTO state (key, value) VALUES ('delta_link', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (result.delta_link,),
        )
    return {"full": int(full), "upserts": len(result.upserts), "removed": len(result.removed)}


def token_saver(path: str) -> Any:
    def save(tokens: TokenSet) -> None:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(tokens.to_dict(), f)
        os.replace(tmp, path)

    return save


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="contacts.sqlite")
    p.add_argument("--base-url")
    p.add_argument("--client-id")
    p.add_argument("--client-secret")
    p.add_argument("--tokens", help="JSON file of the token set (rewritten on rotation)")
    p.add_argument("--demo", action="store_true", help="run twice against an in-process mock server")
    args = p.parse_args(argv)

    if args.demo:
        from messenger_connect.testing import MockServer

        with MockServer(contacts_per_user=25) as mock, mock.client() as client:
            db = open_db(":memory:")
            print("first run:", sync_once(client, db))
            client.contacts.create("Added Between Runs")
            print("second run:", sync_once(client, db))
            print("rows:", db.execute("SELECT COUNT(*) FROM contacts").fetchone()[0])
        return 0

    if not (args.base_url and args.tokens):
        p.error("--base-url and --tokens are required (or --demo)")
    with open(args.tokens) as f:
        tokens = json.load(f)
    with Client(args.base_url, client_id=args.client_id, client_secret=args.client_secret,
                tokens=tokens, on_tokens=token_saver(args.tokens)) as client:
        db = open_db(args.db)
        print(sync_once(client, db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
