"""Per-user clients on one connection pool (`with_tokens`) and posts under the caller's own
Idempotency-Key (a job run again never posts twice), against the in-process mock."""

from __future__ import annotations

import asyncio
from typing import List

import pytest

from messenger_connect import AsyncClient, Client, MessengerConnectError, TokenSet
from messenger_connect.testing import MockServer

from .conftest import api_requests, fp


def test_per_user_clients_share_nothing_but_the_pool(mock_server: MockServer) -> None:
    parent_seen: List[TokenSet] = []
    user1_seen: List[TokenSet] = []
    with mock_server.client(0, on_tokens=parent_seen.append) as parent:
        user1 = parent.with_tokens(mock_server.mint_token(1), on_tokens=user1_seen.append)
        user2 = parent.with_tokens(mock_server.mint_token(2).to_dict())  # no callback
        assert isinstance(user1, Client)
        assert [c.me().id for c in (parent, user1, user2)] == [u.id for u in mock_server.users[:3]]
        before = user1.tokens
        assert before is not None
        mock_server.advance_clock(2 * 3600)  # every access token expired
        assert user1.me().id == mock_server.users[1].id  # refreshed by itself
        assert user2.me().id == mock_server.users[2].id
        # user1's rotated tokens went to user1's callback only; the parent has refreshed
        # nothing yet (its own tokens are untouched).
        assert len(user1_seen) == 1 and parent_seen == []
        assert fp(user1_seen[0].access_token) != fp(before.access_token)
        assert user1.tokens is not None and fp(user1.tokens.access_token) == fp(user1_seen[0].access_token)
        # Closing the parent leaves the others working (they hold the pool too).
        parent.close()
        with pytest.raises(MessengerConnectError):
            parent.me()
        assert next(iter(user2.contacts.list()), None) is not None
        user1.close()
        user2.close()


def test_with_tokens_checks_its_arguments_before_any_request(mock_server: MockServer, client: Client) -> None:
    before = len(api_requests(mock_server))
    with pytest.raises(TypeError):
        client.with_tokens(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.with_tokens({"accessToken": ""})
    with pytest.raises(TypeError):
        client.with_tokens(mock_server.mint_token(1), on_tokens="print")  # type: ignore[arg-type]
    assert len(api_requests(mock_server)) == before


def test_async_with_tokens(mock_server: MockServer) -> None:
    async def go() -> List[str]:
        async with mock_server.async_client(0) as parent:
            other = parent.with_tokens(mock_server.mint_token(2))
            assert isinstance(other, AsyncClient)
            ids = [(await parent.me()).id, (await other.me()).id]
            other.close()
            return ids

    assert asyncio.run(go()) == [mock_server.users[0].id, mock_server.users[2].id]


def test_own_idempotency_key_posts_once_across_a_lost_response(mock_server: MockServer) -> None:
    key = "job-42-item-7"
    # The first run: the server commits the post, then the response is lost; no retries.
    mock_server.add_fault("dropAfterCommit", path="/v1/me/activities", method="POST", count=1)
    with mock_server.client(max_attempts=1) as first:
        with pytest.raises(MessengerConnectError):
            first.activities.create(content="once only", idempotency_key=key)
    # The job runs again (another client, same key): the server answers with the post
    # it already made.
    with mock_server.client() as rerun:
        made = rerun.activities.create(content="once only", idempotency_key=key)
        mine = [a for a in rerun.activities.list() if a.content == "once only"]
    assert [a.id for a in mine] == [made.id]
    posts = mock_server.requests(path="/v1/me/activities", method="POST")
    assert [p["idempotencyKey"] for p in posts] == [key, key]


def test_async_own_idempotency_key(mock_server: MockServer) -> None:
    async def go() -> None:
        async with mock_server.async_client() as c:
            a = await c.activities.create(content="async keyed", idempotency_key="k-async-1")
            b = await c.activities.create(content="async keyed", idempotency_key="k-async-1")
            assert a.id == b.id

    asyncio.run(go())


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "tab\tkey", "é"])
def test_bad_idempotency_keys_fail_before_any_request(mock_server: MockServer, client: Client, key: str) -> None:
    before = len(api_requests(mock_server))
    with pytest.raises(ValueError) as info:
        client.activities.create(content="never sent", idempotency_key=key)
    assert "idempotency_key" in str(info.value)
    with pytest.raises(TypeError):
        client.activities.create(content="never sent", idempotency_key=7)  # type: ignore[arg-type]
    assert len(api_requests(mock_server)) == before
