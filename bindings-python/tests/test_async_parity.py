"""The asyncio client takes what the blocking one takes (checked by signature, so the
two cannot drift apart again), closes with ``aclose()``, and no object that holds a
token or a secret shows it in its repr."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Dict, List, Tuple

import pytest

from messenger_connect import AsyncClient, Client, ConfigError, Filter
from messenger_connect import _client
from messenger_connect.sync import UserState
from messenger_connect.testing import MockServer

# Each blocking class and its asyncio twin.
PAIRS: List[Tuple[type, type]] = [
    (_client.Client, _client.AsyncClient),
    (_client.Contacts, _client.AsyncContacts),
    (_client.Listing, _client.AsyncListing),
    (_client.Poco, _client.AsyncPoco),
    (_client.Friends, _client.AsyncFriends),
    (_client.Invitations, _client.AsyncInvitations),
    (_client.Feed, _client.AsyncFeed),
    (_client.Activities, _client.AsyncActivities),
    (_client.Conversations, _client.AsyncConversations),
]

# Methods that exist on one side by design: the context-manager protocols, and
# ``aclose`` (asyncio's spelling of ``close``, which the asyncio client has too).
ONE_SIDED = {"__enter__", "__exit__", "__aenter__", "__aexit__", "aclose"}


def _public_methods(cls: type) -> Dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, callable)
        if (not name.startswith("_") or name in ONE_SIDED) and name not in ONE_SIDED
    }


def _params(fn: Any) -> List[Tuple[str, Any, Any, Any]]:
    sig = inspect.signature(fn)
    return [(p.name, p.kind, p.default, p.annotation) for p in sig.parameters.values()]


@pytest.mark.parametrize("sync_cls,async_cls", PAIRS, ids=[s.__name__ for s, _ in PAIRS])
def test_async_methods_take_the_same_arguments(sync_cls: type, async_cls: type) -> None:
    sync_methods = _public_methods(sync_cls)
    async_methods = _public_methods(async_cls)
    assert sorted(sync_methods) == sorted(async_methods), (
        f"{async_cls.__name__} and {sync_cls.__name__} differ in their methods"
    )
    for name, fn in sync_methods.items():
        assert _params(async_methods[name]) == _params(fn), (
            f"{async_cls.__name__}.{name}{inspect.signature(async_methods[name])} != "
            f"{sync_cls.__name__}.{name}{inspect.signature(fn)}"
        )


def test_client_resources_have_async_twins(mock_server: MockServer) -> None:
    with mock_server.client() as c:
        sync_attrs = {k: type(v).__name__ for k, v in vars(c).items() if not k.startswith("_")}
    ac = mock_server.async_client()
    async_attrs = {k: type(v).__name__ for k, v in vars(ac).items() if not k.startswith("_")}
    ac.close()
    assert len(sync_attrs) >= 7
    assert {k: "Async" + v for k, v in sync_attrs.items()} == async_attrs


def test_async_friends_and_activities_take_the_sync_arguments(social_server: MockServer) -> None:
    async def main() -> None:
        async with social_server.async_client() as c:
            friends = [f async for f in c.friends.list(orderby="displayName desc", top=1)]
            names = [f.display_name for f in friends]
            assert len(names) >= 2 and names == sorted(names, reverse=True)
            mine = [a async for a in c.activities.list()]
            assert len(mine) == 3
            first = mine[0]
            only = [a async for a in c.activities.list(filter=Filter.eq("id", first.id))]
            assert [a.id for a in only] == [first.id]

    asyncio.run(main())


def test_aclose_and_async_with_close_the_client(mock_server: MockServer) -> None:
    async def main() -> None:
        c = mock_server.async_client()
        assert (await c.me()).id == mock_server.users[0].id
        await c.aclose()
        with pytest.raises(ConfigError, match="closed"):
            await c.me()
        await c.aclose()  # a second close is harmless
        async with mock_server.async_client() as d:
            assert (await d.status()) is not None
        with pytest.raises(ConfigError, match="closed"):
            await d.status()
        assert "closed" in repr(d)

    asyncio.run(main())


def test_closed_blocking_client_raises_config_error(mock_server: MockServer) -> None:
    with mock_server.client() as c:
        assert c.me().id
    with pytest.raises(ConfigError, match="closed"):
        c.contacts.get("c_1")


def test_no_repr_shows_a_token_or_secret(mock_server: MockServer) -> None:
    tokens = mock_server.mint_token(0, ["contacts.read", "offline_access"])
    secrets = [tokens.access_token, tokens.refresh_token, mock_server.app.client_secret,
               mock_server.users[0].password]
    assert all(secrets), "the fixture must give every kind of secret"
    with Client(mock_server.url, client_id=mock_server.app.client_id,
                client_secret=mock_server.app.client_secret, tokens=tokens) as c:
        ac = AsyncClient(mock_server.url, client_id=mock_server.app.client_id,
                         client_secret=mock_server.app.client_secret, tokens=tokens)
        shown = [tokens, c, ac, c.tokens, ac.tokens, mock_server.app, mock_server.users[0],
                 mock_server, UserState(tokens.to_dict(), "next", "delta")]
        ac.close()
    for obj in shown:
        for text in (repr(obj), str(obj)):
            for secret in secrets:
                assert str(secret) not in text, f"a secret is shown by {type(obj).__name__}'s repr"
