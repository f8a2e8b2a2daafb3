"""pytest plugin of messenger_connect (entry point ``pytest11``): the ``mock_server``
fixture, a fresh in-process mock server per test (3 users, 50 contacts each)."""

from __future__ import annotations

from typing import Iterator

import pytest

from .testing import MockServer


@pytest.fixture
def mock_server() -> Iterator[MockServer]:
    """A running ``messenger_connect.testing.MockServer``, stopped after the test."""
    with MockServer() as server:
        yield server
