"""`with_options`: a view of a client with its own timeouts and retry policy (core's
`Client::with_options`), the client itself unchanged; sync and async."""

from __future__ import annotations

import asyncio
import time

import pytest

from messenger_connect import AsyncClient, Client, InvalidArgumentError, RateLimitedError, ServerError, TimeoutError
from messenger_connect.testing import MockServer

from .conftest import api_requests


def test_a_view_has_its_own_retry_policy_and_timeouts(mock_server: MockServer, client: Client) -> None:
    once = client.with_options(max_attempts=1)
    assert isinstance(once, Client)
    assert once.me().id == mock_server.users[0].id  # the same user
    mock_server.add_fault("status", status=503, path="/v1/me", count=1)
    with pytest.raises(ServerError):
        once.me()
    mock_server.add_fault("status", status=503, path="/v1/me", count=1)
    assert client.me().id == mock_server.users[0].id  # the client retried

    # A view of a view keeps what it does not change.
    impatient = once.with_options(total_timeout=0.3)
    mock_server.add_fault("delay", path="/v1/me/status", delay_ms=3000, count=1)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        impatient.status()
    assert time.monotonic() - started < 2.5

    # A Retry-After beyond max_retry_after is not waited for.
    mock_server.add_fault("status", status=429, path="/v1/me", count=1, retry_after=30)
    started = time.monotonic()
    with pytest.raises(RateLimitedError) as caught:
        client.with_options(max_retry_after=0.5).me()
    assert caught.value.retry_after == 30 and time.monotonic() - started < 10


def test_with_options_checks_its_arguments_before_any_request(mock_server: MockServer, client: Client) -> None:
    before = len(api_requests(mock_server))
    with pytest.raises(InvalidArgumentError) as caught:
        client.with_options(max_attempts=0)
    assert caught.value.target == "max_attempts"
    with pytest.raises(InvalidArgumentError) as caught:
        client.with_options(request_timeout=0)  # a view cannot lift the client's limit
    assert caught.value.target == "request_timeout"
    with pytest.raises(ValueError):
        client.with_options(total_timeout=-1)
    with pytest.raises(TypeError):
        client.with_options(timeout=5)  # type: ignore[call-arg]
    assert len(api_requests(mock_server)) == before


def test_async_with_options(mock_server: MockServer) -> None:
    async def go() -> None:
        async with mock_server.async_client(0) as client:
            once = client.with_options(max_attempts=1)
            assert isinstance(once, AsyncClient)
            mock_server.add_fault("status", status=503, path="/v1/me", count=1)
            with pytest.raises(ServerError):
                await once.me()
            assert (await client.me()).id == mock_server.users[0].id

    asyncio.run(asyncio.wait_for(go(), 60))
