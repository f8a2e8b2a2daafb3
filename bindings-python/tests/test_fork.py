"""Fork safety (DESIGN §3, "Processes"): the matrix of the README's "Running in
production". Every child is waited for with a deadline (``run_child``), so a regression
that hangs fails the test instead of stalling the run; the parent's client is used
after every child, through the same connection pool."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import threading
import time
import traceback
from typing import Any, Callable, Dict, List, Optional

import pytest

from messenger_connect import AsyncClient, Client, ConfigError, TokenSet, _native
from messenger_connect.testing import MockServer

# Forked children and pools start processes: a longer bound than the suite's 120 s.
pytestmark = pytest.mark.timeout(300)

CHILD_DEADLINE = 60.0


def run_child(body: Callable[[], None], deadline: float = CHILD_DEADLINE) -> None:
    """Runs ``body`` in a child made by ``os.fork()``; fails if it raises, is killed, or
    has not finished within ``deadline`` seconds (then it is killed)."""
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            body()
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    until = time.monotonic() + deadline
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > until:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"the forked child hung for {deadline} s")
        time.sleep(0.02)  # polling the child's exit, bounded by the deadline above
    assert os.waitstatus_to_exitcode(status) == 0, f"the child failed: status {status}"


def make_client(mock: MockServer, user: int = 0, **kwargs: Any) -> Client:
    return Client(mock.url, client_id=mock.app.client_id, client_secret=mock.app.client_secret,
                  tokens=mock.mint_token(user), total_timeout=30, **kwargs)


@pytest.fixture(scope="module")
def mock() -> Any:
    with MockServer(users=4, contacts_per_user=120) as m:
        yield m


def test_an_inherited_client_keeps_working_in_the_child_and_the_parent(mock: MockServer) -> None:
    with make_client(mock) as c:
        assert c.me().id == mock.users[0].id
        assert len(list(c.contacts.list(top=50))) == 120

        def child() -> None:
            assert _native.process_generation() == 1
            assert c.me().id == mock.users[0].id
            assert len(list(c.contacts.list(top=50))) == 120

        run_child(child)
        # The parent's pool (its idle connection) still works.
        assert c.me().id == mock.users[0].id
        assert len(list(c.contacts.list(top=50))) == 120


def test_a_fresh_client_in_the_child_never_touches_the_parent(mock: MockServer) -> None:
    with make_client(mock) as c:
        assert c.me().id == mock.users[0].id
        tokens = mock.mint_token(1)

        def child() -> None:
            with Client(mock.url, client_id=mock.app.client_id, client_secret=mock.app.client_secret,
                        tokens=tokens, total_timeout=30) as fresh:
                for _ in range(20):
                    assert fresh.me().id == mock.users[1].id

        for _ in range(3):  # a child at a time, while the parent keeps calling
            run_child(child)
            for _ in range(20):
                assert c.me().id == mock.users[0].id


def test_children_and_the_parent_call_at_the_same_time(mock: MockServer) -> None:
    with make_client(mock) as c:
        assert c.me().id == mock.users[0].id
        errors: List[BaseException] = []

        def parent_calls() -> None:
            try:
                for _ in range(100):
                    assert c.me().id == mock.users[0].id
            except BaseException as e:
                errors.append(e)

        t = threading.Thread(target=parent_calls)
        t.start()

        def child() -> None:
            for _ in range(50):
                assert c.me().id == mock.users[0].id

        run_child(child)
        t.join(CHILD_DEADLINE)
        assert not t.is_alive(), "the parent's calls hung"
        assert errors == []


def test_a_fork_during_a_call_in_flight(mock: MockServer) -> None:
    """Another thread is waiting on a slow call when the process forks: the child has a
    copy of that half-done call's state, never uses it, and works."""
    with make_client(mock) as c:
        c.me()
        mock.add_fault("delay", path="/v1/me/status", delay_ms=1500, count=1)
        slow = threading.Thread(target=c.status)
        slow.start()
        # Fork only once the server holds the slow call (the mock counts it on arrival,
        # before the delay), polled with a deadline.
        deadline = time.monotonic() + CHILD_DEADLINE
        while mock.stats()["requestsInProgress"] < 1:
            assert time.monotonic() < deadline, "the slow call never reached the server"
            time.sleep(0.01)

        def child() -> None:
            assert c.me().id == mock.users[0].id

        run_child(child)
        slow.join(CHILD_DEADLINE)
        assert not slow.is_alive()
        assert c.me().id == mock.users[0].id


def test_a_child_that_drops_the_inherited_client_and_stream_leaves_the_parent_alone(mock: MockServer) -> None:
    c = make_client(mock)
    stream = iter(c.contacts.list(top=10))
    next(stream)  # a stream with a prefetch in flight on the parent's runtime

    def child() -> None:
        nonlocal c, stream
        with pytest.raises(ConfigError, match="before fork"):
            for _ in stream:  # the page already received, then the refusal
                pass
        del stream, c
        gc.collect()

    run_child(child)
    # Dropping them in the child would have deregistered the parent's sockets.
    assert sum(1 for _ in stream) == 119
    assert c.me().id == mock.users[0].id
    c.close()


def test_an_inherited_async_client_and_a_refresh_in_the_child(mock: MockServer) -> None:
    saved: List[TokenSet] = []
    tokens = mock.mint_token(2)
    expired: Dict[str, Any] = dict(tokens.to_dict(), expiresAt="2000-01-01T00:00:00+00:00")
    ac = AsyncClient(mock.url, client_id=mock.app.client_id, client_secret=mock.app.client_secret,
                     tokens=expired, on_tokens=saved.append, total_timeout=30)
    assert asyncio.run(ac.me()).id == mock.users[2].id  # refreshed in the parent
    assert len(saved) == 1
    # The child's copy refreshes on its own (its tokens are expired on purpose).
    ac.set_tokens(dict(saved[0].to_dict(), expiresAt="2000-01-01T00:00:00+00:00"))
    child_tokens = saved[0].refresh_token

    def child() -> None:
        async def go() -> None:
            assert (await ac.me()).id == mock.users[2].id
            assert len(saved) == 2 and saved[1].refresh_token != child_tokens

        asyncio.run(asyncio.wait_for(go(), 30))

    run_child(child)
    ac.close()


# ------------------------------------------------------------------ process pools

_POOL_CLIENT: Optional[Client] = None


def _pool_call(user: str) -> str:
    """A pool worker's task: one call on the client inherited from the parent."""
    assert _POOL_CLIENT is not None
    with _POOL_CLIENT.with_tokens(TokenSet(_TOKENS[user])) as per_user:
        return per_user.me().id


_TOKENS: Dict[str, Dict[str, Any]] = {}


def _spawn_call(url: str, client_id: str, secret: str, tokens: Dict[str, Any]) -> str:
    with Client(url, client_id=client_id, client_secret=secret, tokens=tokens, total_timeout=30) as c:
        return c.me().id


def test_a_fork_pool_of_3_made_after_the_parent_used_a_client(mock: MockServer) -> None:
    global _POOL_CLIENT
    _POOL_CLIENT = make_client(mock)
    try:
        assert _POOL_CLIENT.me().id == mock.users[0].id
        users = [u.id for u in mock.users]
        _TOKENS.update({u: mock.mint_token(u).to_dict() for u in users})
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(3) as pool:
            got = pool.map_async(_pool_call, users * 5).get(timeout=CHILD_DEADLINE)
            assert got == users * 5
            pool.close()
            pool.join()
        assert _POOL_CLIENT.me().id == mock.users[0].id
    finally:
        _POOL_CLIENT.close()
        _POOL_CLIENT = None


def test_a_spawn_pool(mock: MockServer) -> None:
    with make_client(mock) as c:
        c.me()
        ctx = multiprocessing.get_context("spawn")
        args = [(mock.url, mock.app.client_id, str(mock.app.client_secret), mock.mint_token(u).to_dict())
                for u in mock.users]
        with ctx.Pool(2) as pool:
            got = pool.starmap_async(_spawn_call, args).get(timeout=120)
        assert got == [u.id for u in mock.users]
        assert c.me().id == mock.users[0].id
