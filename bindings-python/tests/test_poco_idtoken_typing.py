"""Portable Contacts, id_token validation, typing on the live events stream (sync and
async), and to_dict() on every model; all against the in-process mock server."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timezone
from typing import Any, Dict, List

import pytest

from messenger_connect import (
    AsyncClient,
    Client,
    Contact,
    DeltaChange,
    Event,
    Filter,
    InvalidArgumentError,
    MessengerConnectError,
    Model,
    PocoPage,
)
from messenger_connect.testing import MockServer

from .conftest import api_requests

# ------------------------------------------------------------------ Portable Contacts


def test_poco_list_filters_sorts_and_pages(mock_server: MockServer, client: Client) -> None:
    expected = [c for c in client.contacts.list(filter=Filter.startswith("displayName", "A"),
                                                orderby="displayName", top=1000)]
    page = client.poco.list(filter_by="displayName", filter_op="startswith", filter_value="A",
                            sort_by="displayName", count=3)
    assert isinstance(page, PocoPage)
    assert page.total_results == len(expected) and page.start_index == 1
    assert [c.display_name for c in page.entry] == [c.display_name for c in expected[:3]]
    assert all(isinstance(c, Contact) and isinstance(c, Model) for c in page)
    second = client.poco.list(filter_by="displayName", filter_op="startswith", filter_value="A",
                              sort_by="displayName", count=3, start_index=4)
    assert [c.id for c in second] == [c.id for c in expected[3:6]]
    assert page.to_dict()["entry"][0]["id"] == page.entry[0].id
    assert page.to_dict()["totalResults"] == len(expected)


def test_poco_get_and_updated_since(client: Client) -> None:
    some = next(iter(client.contacts.list(top=1)))
    got = client.poco.get(some.id)
    assert got.id == some.id and got.display_name == some.display_name
    future = client.poco.list(updated_since=datetime(2100, 1, 1, tzinfo=timezone.utc))
    assert future.total_results == 0 and future.entry == []
    everything = client.poco.list(count=1000)
    assert everything.total_results == 50


def test_poco_bad_arguments_fail_before_any_request(mock_server: MockServer, client: Client) -> None:
    mock_server.clear_requests()
    with pytest.raises(InvalidArgumentError) as bad_op:
        client.poco.list(filter_by="displayName", filter_op="like", filter_value="A")
    assert bad_op.value.target == "filter_op", "core's check, named as the Python argument"
    with pytest.raises(ValueError):
        client.poco.list(filter_by="displayName")
    with pytest.raises(InvalidArgumentError) as bad_order:
        client.poco.list(sort_by="displayName", sort_order="up")
    assert bad_order.value.target == "sort_order"
    with pytest.raises(ValueError):
        client.poco.list(count=5000)
    with pytest.raises(TypeError):
        client.poco.list(count="10")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.poco.list(updated_since=datetime(2020, 1, 1))  # naive
    with pytest.raises(ValueError):
        client.poco.get("")
    assert api_requests(mock_server) == []


def test_async_poco(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            page = await c.poco.list(sort_by="displayName", sort_order="descending", count=5)
            names = [x.display_name for x in page]
            assert names == sorted(names, reverse=True) and len(names) == 5
            assert (await c.poco.get(page.entry[0].id)).id == page.entry[0].id

    asyncio.run(main())


# ------------------------------------------------------------------------- id_token


def test_validate_id_token(mock_server: MockServer) -> None:
    tokens = mock_server.mint_token(0)
    assert tokens.id_token, "the mock issues an id_token with the openid scope"
    with mock_server.client() as c:
        claims = c.validate_id_token(tokens.id_token)
        assert claims.sub == mock_server.users[0].id
        assert mock_server.app.client_id in claims.aud
        assert claims.exp > claims.iat > 0
        assert claims.to_dict()["sub"] == claims.sub
        head, body, sig = tokens.id_token.split(".")
        forged = ".".join((head, body, sig[:-4] + ("AAAA" if not sig.endswith("AAAA") else "BBBB")))
        with pytest.raises(MessengerConnectError) as info:
            c.validate_id_token(forged)
        assert tokens.id_token not in str(info.value)
        with pytest.raises(MessengerConnectError):
            c.validate_id_token(tokens.id_token, nonce="not-the-nonce")
        with pytest.raises(ValueError):
            c.validate_id_token("")
    other = mock_server.create_app("another app")
    with Client(mock_server.url, client_id=other.client_id, client_secret=other.client_secret) as stranger:
        with pytest.raises(MessengerConnectError):  # audience is not this client
            stranger.validate_id_token(tokens.id_token)


def test_async_validate_id_token(mock_server: MockServer) -> None:
    tokens = mock_server.mint_token(1)
    assert tokens.id_token

    async def main() -> None:
        async with mock_server.async_client() as c:
            claims = await c.validate_id_token(tokens.id_token or "")
            assert claims.sub == mock_server.users[1].id

    asyncio.run(main())


# ------------------------------------------------------------------------- typing


def _conversation(server: MockServer) -> tuple[str, str]:
    with server.client(0) as c:
        friend = next(iter(c.friends.list()))
        return c.conversations.create([friend.id]).id, friend.id


def test_typing_while_another_thread_waits_on_the_stream(social_server: MockServer) -> None:
    conv, friend = _conversation(social_server)
    me = social_server.users[0].id
    got: List[Event] = []
    with social_server.client(friend) as f, f.events() as theirs, \
            social_server.client(0) as c, c.events() as mine:
        ready = threading.Event()

        def wait_on_mine() -> None:
            # (Whether the main thread types before or after this thread is inside the
            # stream's wait, the notification must go out; no sleep to force the order.)
            ready.set()
            for event in mine:  # blocks in the stream while the main thread types
                if event.type == "status.changed":
                    return

        waiter = threading.Thread(target=wait_on_mine)
        waiter.start()
        ready.wait()
        mine.typing(conv)
        for event in theirs:
            if event.type == "typing":
                got.append(event)
                break
        c.set_status("done typing")  # lets the waiting thread finish
        waiter.join(timeout=30)
        assert not waiter.is_alive()
    assert got[0].data == {"conversationId": conv, "userId": me}
    with pytest.raises(ValueError):
        mine.typing("")


def test_async_typing_while_another_task_awaits_the_stream(social_server: MockServer) -> None:
    conv, friend = _conversation(social_server)
    me = social_server.users[0].id

    async def main() -> Dict[str, Any]:
        async with social_server.async_client(friend) as f, social_server.async_client(0) as c:
            theirs = await f.events()
            mine = await c.events()

            async def first_typing() -> Dict[str, Any]:
                async for event in theirs:
                    if event.type == "typing":
                        return event.data
                raise AssertionError("stream ended")

            started = asyncio.Event()

            async def wait_on_mine() -> None:
                started.set()  # the task runs on into the stream's await before main resumes
                async for event in mine:
                    if event.type == "status.changed":
                        return

            watcher = asyncio.ensure_future(first_typing())
            waiter = asyncio.ensure_future(wait_on_mine())
            await started.wait()
            mine.typing(conv)
            data = await asyncio.wait_for(watcher, 30)
            await c.set_status("done typing")
            await asyncio.wait_for(waiter, 30)
            theirs.close()
            mine.close()
            return data

    assert asyncio.run(main()) == {"conversationId": conv, "userId": me}


# ------------------------------------------------------------------------- to_dict


def test_to_dict_on_every_model(social_server: MockServer) -> None:
    with social_server.client() as c:
        checks: List[Any] = [c.me(), c.status(), c.permissions(), c.userinfo(), c.tokens,
                             next(iter(c.friends.list())), next(iter(c.feed.list())),
                             next(iter(c.contacts.list())), c.poco.list(count=2),
                             c.contacts.sync(), next(iter(c.contacts.list(top=2).pages()))]
        contact = next(iter(c.contacts.list()))
        checks += [contact.name, contact.emails[0], contact.phone_numbers[0]]
        change = next(iter(c.contacts.delta()))
        assert isinstance(change, DeltaChange)
        checks.append(change)
        for obj in checks:
            d = obj.to_dict()
            assert isinstance(d, dict) and d, type(obj).__name__
        assert contact.to_dict()["id"] == contact.id
        assert Contact(contact.to_dict()) == contact
        assert change.to_dict()["id"] == change.id
