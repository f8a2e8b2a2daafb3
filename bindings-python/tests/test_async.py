from __future__ import annotations

import asyncio
from typing import List

import pytest

from messenger_connect import (
    AsyncClient,
    Filter,
    InternalError,
    NotFoundError,
    ResyncRequiredError,
    _native,
)
from messenger_connect.testing import MockServer

from .conftest import api_requests


def test_async_me_and_errors(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            me = await c.me()
            assert me.id == mock_server.users[0].id
            with pytest.raises(NotFoundError) as info:
                await c.contacts.get("c_missing")
            assert info.value.status == 404 and info.value.request_id
            status = await c.set_status("async!", presence="busy")
            assert status.presence == "busy"
            assert (await c.status()).message == "async!"

    asyncio.run(main())


def test_async_pagination_exactly_once(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            ids: List[str] = [x.id async for x in c.contacts.list(top=9)]
            assert len(ids) == 50 and len(set(ids)) == 50
            sizes = [len(p.items) async for p in c.contacts.list(top=25).pages()]
            assert sizes == [25, 25]
            some = [x async for x in c.contacts.list(filter=Filter.startswith("displayName", "A"))]
            assert all(x.display_name.lower().startswith("a") for x in some)

    asyncio.run(main())


def test_async_concurrent_calls(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            results = await asyncio.gather(*(c.me() for _ in range(10)))
            assert {m.id for m in results} == {mock_server.users[0].id}

    asyncio.run(main())


def test_async_crud_and_delta(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            first = await c.contacts.sync()
            assert len(first.upserts) == 50
            made = await c.contacts.create("Async Person", emails=["ap@example.com"])
            changed = await c.contacts.update(made.id, nickname="AP")
            assert changed.nickname == "AP"
            await c.contacts.delete(first.upserts[1].id)
            second = await c.contacts.sync(first.delta_link)
            assert [x.id for x in second.upserts] == [made.id]
            assert second.removed == [first.upserts[1].id]
            changes = [ch async for ch in c.contacts.delta(second.delta_link)]
            assert changes == []
            await c.contacts.create("After the link")
            mock_server.advance_clock(8 * 24 * 3600)
            with pytest.raises(ResyncRequiredError):
                await c.contacts.sync(second.delta_link)

    asyncio.run(main())


def test_async_invalid_arguments_before_request(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            mock_server.clear_requests()
            with pytest.raises(ValueError):
                c.contacts.list(top=0)
            with pytest.raises(TypeError):
                await c.contacts.get(1)  # type: ignore[arg-type]
            with pytest.raises(ValueError):
                await c.set_status(presence="nope")
            assert api_requests(mock_server) == []

    asyncio.run(main())


def test_async_panic_becomes_exception() -> None:
    async def main() -> None:
        with pytest.raises(InternalError):
            await _native._debug_panic(aio=True)

    asyncio.run(main())


def test_async_cancel(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            mock_server.add_fault("delay", path="/v1/me", delay_ms=5000, count=1)
            task = asyncio.ensure_future(c.me())
            await asyncio.sleep(0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert (await c.status()).presence

    asyncio.run(main())


def test_async_feed_chat_events() -> None:
    async def main() -> None:
        with MockServer(users=3, contacts_per_user=2, friends_per_user=2, activities_per_user=1) as mock:
            async with mock.async_client() as c:
                friends = [f async for f in c.friends.list()]
                assert len(friends) >= 2
                events = await c.events()
                posted = await c.activities.create("Note", content="async note")
                feed = [a async for a in c.feed.list()]
                assert feed[0].id == posted.id
                conv = await c.conversations.create([friends[0].id])
                sent = await c.conversations.send(conv.id, "hello async")
                seen = None
                async for event in events:
                    if event.type == "message.created":
                        seen = event
                        break
                events.close()
                assert seen is not None, "the event stream ended before message.created"
                assert seen.data["id"] == sent.id

    asyncio.run(main())


def test_async_invitations_activities_conversations(mock_server: MockServer) -> None:
    async def main() -> None:
        async with mock_server.async_client() as c:
            inv = await c.invitations.create(email="async@example.com")
            assert inv.id in [i.id async for i in c.invitations.list()]
            await c.invitations.cancel(inv.id)
            act = await c.activities.create("Share", url="https://example.com/a", name="A link")
            assert (await c.activities.get(act.id)).url == "https://example.com/a"
            assert act.id in [a.id async for a in c.activities.list()]
            pages = [p async for p in c.contacts.pages(top=30)]
            assert sum(len(p) for p in pages) == 50
            assert [x async for x in c.conversations.list()] == []
            assert "Client" in repr(c) and "at_" not in repr(c)

    asyncio.run(main())
