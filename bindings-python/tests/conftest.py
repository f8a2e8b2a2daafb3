"""The `mock_server` fixture comes from the package's own pytest plugin (entry point
`pytest11`), as a user's tests get it; these fixtures build on it."""

from __future__ import annotations

import hashlib
from typing import Iterator

import pytest

from messenger_connect import Client
from messenger_connect.testing import MockServer


@pytest.fixture
def client(mock_server: MockServer) -> Iterator[Client]:
    with mock_server.client() as c:
        yield c


@pytest.fixture
def social_server() -> Iterator[MockServer]:
    with MockServer(users=4, contacts_per_user=5, friends_per_user=2, activities_per_user=3) as s:
        yield s


def api_requests(mock: MockServer) -> list[dict[str, object]]:
    """Journal entries of resource calls (not the control plane)."""
    return [r for r in mock.requests() if str(r.get("path", "")).startswith("/v1")]


def fp(secret: object) -> str:
    """A short fingerprint of a token, for assertions: a failing comparison prints
    fingerprints, never the tokens themselves."""
    return hashlib.sha256(str(secret).encode()).hexdigest()[:12] if secret else repr(secret)
