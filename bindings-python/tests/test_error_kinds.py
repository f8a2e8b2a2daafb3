"""Every case of ``spec/scenarios/error-kinds.json`` (the fixture of core's error table,
shared by every binding) through this package, against the real in-process mock server:
the class raised (and each of its ancestors), kind, status, code, target, retry_after,
request id, and "sent: false" read from the mock's journal. Plus the hierarchy itself,
from the fixture's ``classes``."""

from __future__ import annotations

import json
import re
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest

import messenger_connect as mc
from messenger_connect import Client, Filter, TokenSet
from messenger_connect.testing import MockServer

FIXTURE: Dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "spec" / "scenarios" / "error-kinds.json").read_text()
)
PARENT: Dict[str, str] = {c["class"]: c["parent"] or "MessengerConnectError" for c in FIXTURE["classes"]}


@pytest.mark.parametrize("entry", FIXTURE["classes"], ids=[c["class"] for c in FIXTURE["classes"]])
def test_class_is_cores_hierarchy(entry: Dict[str, Any]) -> None:
    cls = getattr(mc, entry["class"])
    assert cls.__name__ == entry["class"]
    parent = getattr(mc, entry["parent"] or "MessengerConnectError")
    # The parent among its bases (InvalidArgumentError and ConfigError are ValueErrors too).
    assert [b for b in cls.__bases__ if issubclass(b, mc.MessengerConnectError)] == [parent]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _kwargs(wire: Dict[str, Any]) -> Dict[str, Any]:
    """A wire-form body (camelCase) as this package's keyword arguments."""
    return {_snake(k): v for k, v in wire.items()}


def _list_page(c: Client, query: Dict[str, Any]) -> Any:
    known = {"filter", "top", "select", "orderBy"}
    assert set(query) <= known, f"query keys this runner does not map: {set(query) - known}"
    kw: Dict[str, Any] = {}
    if "filter" in query:
        kw["filter"] = Filter(query["filter"])  # core's JSON form, as the fixture gives it
    if "top" in query:
        kw["top"] = query["top"]
    if "select" in query:
        kw["select"] = query["select"]
    if "orderBy" in query:
        kw["orderby"] = [f"{k['property']} {'desc' if k.get('desc') else 'asc'}" for k in query["orderBy"]]
    return next(iter(c.contacts.pages(**kw)))


def _create_activity(c: Client, a: Dict[str, Any]) -> Any:
    body = _kwargs(a["activity"])
    return c.activities.create(body.pop("type", "Note"), idempotency_key=a.get("idempotencyKey"), **body)


OPERATIONS: Dict[str, Callable[[Client, Dict[str, Any]], Any]] = {
    "me": lambda c, a: c.me(),
    "getContact": lambda c, a: c.contacts.get(a["id"]),
    "listContacts": lambda c, a: _list_page(c, a.get("query") or {}),
    "createContact": lambda c, a: c.contacts.create(**_kwargs(a["contact"])),
    "updateContact": lambda c, a: c.contacts.update(a["id"], if_match=a.get("ifMatch"), **_kwargs(a["update"])),
    "createActivity": _create_activity,
    "syncContacts": lambda c, a: c.contacts.sync(a.get("deltaLink")),
    "refreshTokens": lambda c, a: c.refresh_tokens(),
    "clientCredentials": lambda c, a: c.client_credentials(a["scopes"]),
}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def _client_options(mock: MockServer, setup: Dict[str, Any]) -> Dict[str, Any]:
    which = setup.get("tokens", "valid")
    scopes = setup.get("scopes")
    minted = mock.mint_token(0, scopes, expires_in=setup.get("tokenLifetimeSeconds")) if scopes \
        else mock.mint_token(0, expires_in=setup.get("tokenLifetimeSeconds"))
    tokens: Optional[Dict[str, Any]]
    if which == "valid":
        tokens = minted.to_dict()
    elif which == "unknownAccessToken":
        tokens = TokenSet.bearer("never-issued-access-token").to_dict()
    elif which == "unknownRefreshToken":
        past = datetime.now(timezone.utc) - timedelta(hours=1)
        tokens = {**minted.to_dict(), "refreshToken": "never-issued-refresh-token", "expiresAt": past.isoformat()}
    elif which == "accessOnly":
        tokens = TokenSet.bearer(minted.access_token).to_dict()
    else:
        assert which == "none", f"unknown setup.tokens {which}"
        tokens = None
    base_url = mock.url
    if setup.get("server") == "closed":
        base_url = f"http://127.0.0.1:{_closed_port()}"
    base_url = setup.get("baseUrl", base_url)
    options: Dict[str, Any] = {
        "base_url": base_url,
        "client_id": mock.app.client_id,
        "client_secret": "not-the-secret" if setup.get("clientSecret") == "wrong" else mock.app.client_secret,
        "tokens": tokens,
    }
    if setup.get("retries") is False:
        options["max_attempts"] = 1
    if "requestTimeoutMs" in setup:
        options["request_timeout"] = setup["requestTimeoutMs"] / 1000
    return options


def _substitute(value: Any, saved: Dict[str, Any]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\$\{(\w+)\}", lambda m: str(saved[m.group(1)]), value)
    if isinstance(value, list):
        return [_substitute(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, saved) for k, v in value.items()}
    return value


def _sent(mock: MockServer) -> List[str]:
    return [f"{r['method']} {r['path']}" for r in mock.requests()
            if re.match(r"^/(v1|oauth)/", str(r.get("path", "")))]


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=[c["name"] for c in FIXTURE["cases"]])
def test_error_kind(mock_server: MockServer, case: Dict[str, Any]) -> None:
    setup: Dict[str, Any] = case.get("setup", {})
    options = _client_options(mock_server, setup)
    saved: Dict[str, Any] = {}
    client: Optional[Client] = None
    try:
        if case["call"]["op"] != "build":
            client = Client(**options)
        for step in case.get("steps", []):
            if "advanceClockSeconds" in step:
                mock_server.advance_clock(step["advanceClockSeconds"])
                continue
            assert client is not None
            result = OPERATIONS[step["op"]](client, _substitute(step.get("args", {}), saved))
            for variable, field in step.get("save", {}).items():
                saved[variable] = getattr(result, _snake(field))
        for fault in setup.get("faults", []):
            mock_server.call("addFault", fault)
        mock_server.clear_requests()
        op = case["call"]["op"]
        args = _substitute(case["call"].get("args", {}), saved)
        with pytest.raises(mc.MessengerConnectError) as info:
            if op == "build":
                client = Client(**options)
            else:
                assert op in OPERATIONS, f"unknown operation {op}"
                assert client is not None
                OPERATIONS[op](client, args)
        err = info.value
        x = case["expect"]
        assert type(err).__name__ == x["class"], f"class (got {type(err).__name__}: {err})"
        name: Optional[str] = x["class"]
        while name:
            assert isinstance(err, getattr(mc, name)), f"an instance of {name}"
            name = PARENT.get(name)
        assert err.kind == x["kind"]
        assert err.status == x["status"]
        assert err.code == x["code"]
        if "target" in x:
            assert err.target == x["target"]
        if "retryAfter" in x:
            assert err.retry_after == x["retryAfter"]
        assert bool(err.request_id) == x["hasRequestId"]
        assert str(err) and err.message
        if isinstance(err, mc.NetworkError):
            assert err.timeout == (x["class"] == "TimeoutError")
        if x.get("sent") is False:
            assert _sent(mock_server) == [], "no request was sent"
    finally:
        if client is not None:
            client.close()
        mock_server.clear_faults()


def test_every_case_runs() -> None:
    assert len(FIXTURE["cases"]) >= 37
    assert "python" not in FIXTURE.get("skip", {}), "this runner skips no case"


def test_python_side_refusals_read_like_cores(mock_server: MockServer) -> None:
    with mock_server.client() as c:
        with pytest.raises(mc.InvalidArgumentError) as info:
            c.contacts.get(" ")
    assert str(info.value) == "invalid argument `id`: must not be empty"
    assert info.value.target == "id" and info.value.kind == "invalidArgument"
    assert isinstance(info.value, ValueError)
