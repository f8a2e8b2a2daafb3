"""A failing ``on_tokens`` (DESIGN §3, "Token store failures"): the call that obtained new
tokens raises ``TokenStoreError`` with them and with the callback's exception as
``__cause__``; the client keeps using them; saving them again lets the next run go on,
and the server never sees a retired refresh token (no ``invalid_grant``)."""

from __future__ import annotations

import asyncio
from typing import List

import pytest

from messenger_connect import AsyncClient, Client, TokenSet, TokenStoreError
from messenger_connect.testing import MockServer

from .conftest import fp


class FlakyStore:
    """Where a job keeps a user's tokens; the first ``failures`` saves raise."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.saved: List[TokenSet] = []

    def __call__(self, tokens: TokenSet) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise OSError("database or disk is full")
        self.saved.append(tokens)


def token_errors(mock: MockServer) -> List[object]:
    return [r for r in mock.requests(path="/oauth/token") if r.get("status") != 200]


def client(mock: MockServer, tokens: TokenSet, store: FlakyStore) -> Client:
    return Client(mock.url, client_id=mock.app.client_id, client_secret=mock.app.client_secret,
                  tokens=tokens, on_tokens=store)


def test_a_failed_save_raises_token_store_error_with_the_new_tokens(mock_server: MockServer) -> None:
    first = mock_server.mint_token(0)
    mock_server.advance_clock(2 * 3600)  # the access token expired: the call refreshes
    store = FlakyStore(failures=1)
    with client(mock_server, first, store) as c:
        with pytest.raises(TokenStoreError) as info:
            c.me()
        err = info.value
        assert isinstance(err.__cause__, OSError)
        assert "database or disk is full" in str(err)
        new = err.tokens
        assert isinstance(new, TokenSet)
        assert fp(new.refresh_token) != fp(first.refresh_token)
        current = c.tokens
        assert current is not None and fp(current.refresh_token) == fp(new.refresh_token)
        for text in (str(err), repr(err), repr(new)):
            assert str(new.refresh_token) not in text and str(new.access_token) not in text
        # The client goes on with the new tokens; the caller saves them itself.
        assert c.me().id == mock_server.users[0].id
        assert store.saved == []
        store(current)
    # The next run starts from what was saved and refreshes again.
    mock_server.advance_clock(2 * 3600)
    with client(mock_server, store.saved[-1], store) as again:
        assert again.me().id == mock_server.users[0].id
    assert fp(store.saved[-1].refresh_token) != fp(new.refresh_token)
    assert token_errors(mock_server) == []


def test_the_async_client_raises_it_too(mock_server: MockServer) -> None:
    first = mock_server.mint_token(1)
    mock_server.advance_clock(2 * 3600)
    store = FlakyStore(failures=1)

    async def run() -> None:
        async with AsyncClient(mock_server.url, client_id=mock_server.app.client_id,
                               client_secret=mock_server.app.client_secret, tokens=first,
                               on_tokens=store) as c:
            with pytest.raises(TokenStoreError) as info:
                await c.me()
            assert isinstance(info.value.__cause__, OSError)
            assert (await c.me()).id == mock_server.users[1].id
            store(info.value.tokens)

    asyncio.run(asyncio.wait_for(run(), 60))
    assert len(store.saved) == 1
    assert token_errors(mock_server) == []


def test_a_save_that_keeps_failing_leaves_the_grant_intact(mock_server: MockServer) -> None:
    """Without a save the job would lose the grant: the error tells it. With the mock's
    reuse grace period on, presenting the old token again within it gets the same
    answer, so even a job that lost the new tokens recovers."""
    assert mock_server.call("updateSettings", {"refreshTokenReuseGraceSeconds": 60})["refreshTokenReuseGraceSeconds"] == 60
    first = mock_server.mint_token(2)
    mock_server.advance_clock(2 * 3600)
    store = FlakyStore(failures=10)
    with client(mock_server, first, store) as c:
        with pytest.raises(TokenStoreError) as info:
            c.me()
    lost = info.value.tokens
    # The job crashed before saving: the next run presents the retired token again.
    ok = FlakyStore(failures=0)
    with client(mock_server, first, ok) as rerun:
        assert rerun.me().id == mock_server.users[2].id
    assert fp(ok.saved[-1].refresh_token) == fp(lost.refresh_token)
    assert token_errors(mock_server) == []
