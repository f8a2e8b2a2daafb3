"""``messenger_connect.sync``: the engine over both stores (SQLite always; PostgreSQL when
``MC_PG_DSN`` names a server, as the ``celery`` suite of scripts/test.sh provides):
resume from the stored link, resync on 410, the per-user lock, a failing token save,
progress and logging. The SIGKILL case is tests/test_sync_job.py."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from messenger_connect import Client
from messenger_connect.sync import ContactSync, PageChanges, Progress, SqliteStore, SyncStore, UserState
from messenger_connect.testing import MockServer

PG_DSN = os.environ.get("MC_PG_DSN")

# The PostgreSQL runs (celery suite) wait on a real database: a longer bound than 120 s.
pytestmark = pytest.mark.timeout(300)


def pg_store() -> Any:
    from messenger_connect.sync.postgres import PostgresStore

    assert PG_DSN is not None
    store = PostgresStore(PG_DSN)
    store._conn().execute("TRUNCATE mc_accounts, mc_contacts")
    return store


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SyncStore]:
    if request.param == "postgres":
        if PG_DSN is None:
            pytest.skip("no PostgreSQL (MC_PG_DSN): run by the celery suite")
        s = pg_store()
    else:
        s = SqliteStore(str(tmp_path / "sync.sqlite"))
    yield s
    getattr(s, "close")()


def server_contacts(mock: MockServer, user: str) -> Dict[str, Optional[str]]:
    with mock.client(user) as c:
        return {x.id: x.etag for x in c.contacts.list(top=1000)}


def app_client(mock: MockServer) -> Client:
    return Client(mock.url, client_id=mock.app.client_id, client_secret=mock.app.client_secret)


def test_rounds_resume_and_resync(mock_server: MockServer, store: SyncStore) -> None:
    user = mock_server.users[0].id
    store.add_user(user, mock_server.mint_token(user).to_dict())
    seen: List[Progress] = []
    with app_client(mock_server) as app:
        engine = ContactSync(app, store, page_size=20, progress=seen.append)
        first = engine.sync_user(user)
        assert (first.pages, first.upserts, first.full) == (3, 50, True)
        assert [p.rows for p in seen] == [20, 40, 50]
        assert store.contacts(user) == server_contacts(mock_server, user)
        with mock_server.client(user) as c:
            added = c.contacts.create("Between Runs")
        second = engine.sync_user(user)
        assert (second.pages, second.upserts, second.full) == (1, 1, False)
        assert added.id in store.contacts(user)
        # The stored link gets too old: a full round, deletions reflected.
        mock_server.advance_clock(8 * 24 * 3600)
        with mock_server.client(user) as c:
            c.contacts.delete(added.id)
        mock_server.advance_clock(8 * 24 * 3600)
        third = engine.sync_user(user)
        assert third.resyncs == 1 and third.full and third.upserts == 50
        assert store.contacts(user) == server_contacts(mock_server, user)


def test_a_round_cut_mid_way_resumes_with_a_catch_up_round(mock_server: MockServer, store: SyncStore) -> None:
    user = mock_server.users[1].id
    store.add_user(user, mock_server.mint_token(user).to_dict())

    class Crash(Exception):
        pass

    def crash_after_two(p: Progress) -> None:
        if p.pages == 2:
            raise Crash()

    with app_client(mock_server) as app:
        with pytest.raises(Crash):
            ContactSync(app, store, page_size=10, progress=crash_after_two).sync_user(user)
        assert store.state(user).next_link is not None and len(store.contacts(user)) == 20
        with mock_server.client(user) as c:
            ids = sorted(x.id for x in c.contacts.list(top=1000))
            c.contacts.delete(ids[0])  # among the rows already stored
            c.contacts.update(ids[-1], note="changed while down")  # among those not yet
        done = ContactSync(app, store, page_size=10).sync_user(user)
        assert not done.full
        assert store.contacts(user) == server_contacts(mock_server, user)


def test_two_workers_never_sync_one_user_at_once(mock_server: MockServer, tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    a, b = SqliteStore(path), SqliteStore(path)
    user = mock_server.users[0].id
    a.add_user(user, mock_server.mint_token(user).to_dict())
    with a.lock(user) as held:
        assert held
        with app_client(mock_server) as app:
            assert ContactSync(app, b).sync_user(user).status == "locked"
    with app_client(mock_server) as app:
        assert ContactSync(app, b).sync_user(user).status == "synced"


def test_postgres_advisory_lock_excludes_another_connection(mock_server: MockServer) -> None:
    if PG_DSN is None:
        pytest.skip("no PostgreSQL (MC_PG_DSN): run by the celery suite")
    a, b = pg_store(), pg_store()
    user = f"u-{uuid.uuid4().hex[:6]}"
    with a.lock(user) as held:
        assert held
        with b.lock(user) as other:
            assert not other
    with b.lock(user) as other:
        assert other


class FailingTokens:
    """A store whose first token save fails (a lock timeout, a full disk)."""

    def __init__(self, inner: SyncStore) -> None:
        self.inner = inner
        self.failures = 1

    def save_tokens(self, user: str, tokens: Dict[str, Any]) -> None:
        if self.failures:
            self.failures -= 1
            raise TimeoutError("lock timeout")
        self.inner.save_tokens(user, tokens)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_failed_token_save_is_saved_again_and_the_round_goes_on(
        mock_server: MockServer, store: SyncStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="messenger_connect")
    user = mock_server.users[2].id
    first = mock_server.mint_token(user)
    store.add_user(user, first.to_dict())
    mock_server.advance_clock(2 * 3600)  # expired: the first page refreshes
    flaky: Any = FailingTokens(store)
    with app_client(mock_server) as app:
        done = ContactSync(app, flaky).sync_user(user)
    assert flaky.failures == 0 and done.status == "synced"
    assert store.contacts(user) == server_contacts(mock_server, user)
    saved = store.state(user).tokens
    assert saved["refreshToken"] != first.refresh_token
    assert [r for r in mock_server.requests(path="/oauth/token") if r.get("status") != 200] == []
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("saving the rotated tokens of") for m in messages)
    assert any(m.startswith(f"synced {user}") for m in messages)
    # The tokens saved work for the next run.
    mock_server.advance_clock(2 * 3600)
    with app_client(mock_server) as app:
        assert ContactSync(app, store).sync_user(user).status == "synced"


def test_page_changes_and_bad_arguments() -> None:
    assert PageChanges.of([]) == PageChanges()
    with pytest.raises(ValueError):
        ContactSync(object(), SqliteStore(":memory:"), page_size=0)  # type: ignore[arg-type]
    assert UserState({"accessToken": "x"}).next_link is None
