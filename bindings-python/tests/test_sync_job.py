"""The sync job of examples/sync_contacts.py killed with SIGKILL mid-run, then run again:
the database must end with exactly the server's contacts (ids and ETags) of every user,
and the rotated refresh tokens must have been persisted (they still work)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from messenger_connect import Client
from messenger_connect.testing import MockServer

from .conftest import fp

# The job runs as child processes (one killed mid-run): a longer bound than 120 s.
pytestmark = pytest.mark.timeout(300)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sync_contacts.py"
PAGE = 100
CONTACTS = 1000  # 10 pages per user


def job(mock: MockServer, db: Path, accounts: Path) -> List[str]:
    app = mock.app
    return [sys.executable, str(EXAMPLE), "--db", str(db), "--base-url", mock.url,
            "--client-id", app.client_id, "--client-secret", str(app.client_secret),
            "--accounts", str(accounts), "--page-size", str(PAGE)]


def server_contacts(mock: MockServer, user: str) -> Set[Tuple[str, str]]:
    with mock.client(user) as c:
        return {(x.id, str(x.etag)) for x in c.contacts.list(top=1000)}


def local_contacts(db: Path, user: str) -> Set[Tuple[str, str]]:
    con = sqlite3.connect(str(db))
    try:
        return {(str(i), str(e)) for i, e in con.execute("SELECT id, etag FROM contacts WHERE user_id = ?", (user,))}
    finally:
        con.close()


def test_killed_job_resumes_to_the_servers_contacts_and_keeps_rotated_tokens(tmp_path: Path) -> None:
    with MockServer(users=3, contacts_per_user=CONTACTS) as mock:
        users = [u.id for u in mock.users]
        initial: Dict[str, Dict[str, object]] = {u: mock.mint_token(u).to_dict() for u in users}
        accounts = tmp_path / "accounts.json"
        accounts.write_text(json.dumps([{"user": u, "tokens": initial[u]} for u in users]))
        db = tmp_path / "contacts.sqlite"
        # Every access token expired on the server: each user's first call refreshes.
        mock.advance_clock(2 * 3600)

        # Run 1: killed after the 3rd committed page of the second user.
        proc = subprocess.Popen(job(mock, db, accounts), stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        seen: List[Dict[str, object]] = []
        for line in proc.stdout:
            event = json.loads(line)
            seen.append(event)
            if event["event"] == "page" and event["user"] == sorted(users)[1] and event["rows"] == 3 * PAGE:
                proc.send_signal(signal.SIGKILL)
                break
        proc.stdout.close()
        assert proc.wait(timeout=60) == -signal.SIGKILL, f"the job ended before the kill point: {seen[-3:]}"
        first, second, third = sorted(users)
        assert local_contacts(db, first) == server_contacts(mock, first)
        con = sqlite3.connect(str(db))
        next_link, delta_link = con.execute(
            "SELECT next_link, delta_link FROM accounts WHERE user_id = ?", (second,)).fetchone()
        con.close()
        assert next_link is not None and delta_link is None  # killed within the round
        assert 3 * PAGE <= len(local_contacts(db, second)) < CONTACTS
        assert local_contacts(db, third) == set()

        # While the job is down: creations, updates and deletions for the users done and
        # half done, among the contacts already stored and those not yet.
        for user in (first, second):
            with mock.client(user) as c:
                ids = sorted(x.id for x in c.contacts.list(top=1000))
                for k in range(3):
                    c.contacts.create(f"Created While Down {k}")
                for i in (ids[0], ids[-1]):
                    c.contacts.update(i, note="changed while the job was down")
                for i in (ids[1], ids[-2]):
                    c.contacts.delete(i)

        # Run 2: to the end.
        done = subprocess.run(job(mock, db, accounts), stdout=subprocess.PIPE, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:]
        for user in users:
            local, server = local_contacts(db, user), server_contacts(mock, user)
            assert len(server) >= CONTACTS
            assert local == server, f"{user}: {len(local ^ server)} rows differ"

        # The persisted tokens are the rotated ones, and their refresh token works.
        con = sqlite3.connect(str(db))
        stored = {str(u): json.loads(t) for u, t in con.execute("SELECT user_id, tokens FROM accounts")}
        con.close()
        mock.advance_clock(2 * 3600)
        for user in users:
            assert fp(stored[user]["refreshToken"]) != fp(initial[user]["refreshToken"])
            with Client(mock.url, client_id=mock.app.client_id, client_secret=mock.app.client_secret,
                        tokens=stored[user]) as c:
                assert c.me().id == user  # 401, then a refresh with the stored token
                refreshed = c.tokens
                assert refreshed is not None and fp(refreshed.refresh_token) != fp(stored[user]["refreshToken"])
