"""The core's events in :mod:`logging` under ``messenger_connect`` (README "Logging"):
retries, Retry-After waits and refreshes are logged with their fields, levels follow
``setLevel`` at once, and no record carries a secret."""

from __future__ import annotations

import logging
from typing import Any, List

import pytest

from messenger_connect import Client
from messenger_connect.testing import MockServer


def ours(caplog: pytest.LogCaptureFixture) -> List[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("messenger_connect")]


def find(records: List[logging.LogRecord], start: str) -> logging.LogRecord:
    for r in records:
        if r.getMessage().startswith(start):
            return r
    raise AssertionError(f"no record starting with {start!r} in {[r.getMessage() for r in records]}")


def test_retries_waits_and_refreshes_are_logged_without_secrets(
        mock_server: MockServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="messenger_connect")
    tokens = mock_server.mint_token(0)
    mock_server.advance_clock(2 * 3600)  # expired: the first call refreshes
    mock_server.add_fault("status", status=503, path="/v1/me", count=1)
    mock_server.add_fault("status", status=429, path="/v1/me/status", count=1, retry_after=1)
    app = mock_server.app
    with Client(mock_server.url, client_id=app.client_id, client_secret=app.client_secret,
                tokens=tokens) as c:
        c.me()
        c.status()
        newest = c.tokens
    records = ours(caplog)

    retry = find(records, "retrying")
    assert retry.name == "messenger_connect.http" and retry.levelno == logging.INFO
    fields: Any = retry
    assert (fields.method, fields.path, fields.status, fields.attempt) == ("GET", "/v1/me", 503, 1)
    assert isinstance(fields.wait_ms, int) and fields.request_id
    assert "status=503" in retry.getMessage() and "path=/v1/me" in retry.getMessage()

    wait: Any = find(records, "waiting for Retry-After")
    assert wait.wait_ms == 1000 and wait.status == 429 and wait.path == "/v1/me/status"

    refreshed: Any = find(records, "refreshed the access token")
    assert refreshed.name == "messenger_connect.auth" and refreshed.levelno == logging.INFO
    assert refreshed.refresh_token_rotated is True

    response: Any = find(records, "response")
    assert response.levelno == logging.DEBUG and response.mc_fields["status"] in (200, 401, 429, 503)

    assert newest is not None
    secrets = [tokens.access_token, tokens.refresh_token, newest.access_token, newest.refresh_token,
               app.client_secret]
    for r in records:
        text = r.getMessage() + repr(getattr(r, "mc_fields", {}))
        for s in secrets:
            assert str(s) not in text, f"a secret in {r.name}: {r.getMessage()[:60]}"


def test_levels_follow_set_level_at_once(mock_server: MockServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="messenger_connect")
    caplog.handler.setLevel(logging.DEBUG)  # the loggers' levels decide, not the handler
    mock_server.add_fault("status", status=503, path="/v1/me", count=1)
    with mock_server.client() as c:
        c.me()
        assert ours(caplog) == []  # a retry is INFO: not logged at WARNING
        logging.getLogger("messenger_connect.http").setLevel(logging.INFO)
        mock_server.add_fault("status", status=503, path="/v1/me", count=1)
        c.me()
        assert [r.getMessage().split(":")[0] for r in ours(caplog)] == ["retrying"]
        logging.getLogger("messenger_connect.http").setLevel(logging.NOTSET)


def test_giving_up_is_a_warning(mock_server: MockServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="messenger_connect")
    mock_server.add_fault("status", status=503, path="/v1/me")
    with mock_server.client() as c:
        with pytest.raises(Exception):
            c.me()
    gave_up: Any = find(ours(caplog), "giving up")
    assert gave_up.levelno == logging.WARNING and gave_up.attempts == 4
