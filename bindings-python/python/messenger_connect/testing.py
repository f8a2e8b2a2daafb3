"""Test your code against the Messenger Connect mock server, in-process (no Docker, no
second download): ``MockServer`` starts it on a free loopback port and stops it on
``close()`` / at the end of a ``with`` block. Its control plane (``/_mock``) is wrapped
by small helpers: apps, tokens, faults, the clock and the request journal.

    from messenger_connect.testing import MockServer

    with MockServer(contacts_per_user=10) as mock:
        with mock.client() as client:           # user 0, every scope
            assert len(list(client.contacts.list())) == 10

With pytest, the ``mock_server`` fixture (this package's pytest plugin) gives a fresh
server per test.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, Union

from . import _native
from ._client import AsyncClient, Client
from .models import TokenSet

__all__ = ["MockServer", "MockUser", "MockApp", "ALL_SCOPES"]

ALL_SCOPES: Tuple[str, ...] = (
    "openid", "profile", "email", "offline_access", "profile.write", "status.write",
    "contacts.read", "contacts.write", "friends.read", "friends.invite", "feed.read",
    "feed.write", "chat",
)


@dataclass(frozen=True)
class MockUser:
    id: str
    email: str
    display_name: str
    password: str


@dataclass(frozen=True)
class MockApp:
    client_id: str
    client_secret: Optional[str]


UserRef = Union[int, str, MockUser]


class MockServer:
    """A running mock server (a context manager)."""

    def __init__(
        self,
        *,
        seed: int = 1,
        users: int = 3,
        contacts_per_user: int = 50,
        friends_per_user: int = 0,
        activities_per_user: int = 0,
    ) -> None:
        self._server = _native.NativeMockServer(
            seed=seed,
            users=users,
            contacts_per_user=contacts_per_user,
            friends_per_user=friends_per_user,
            activities_per_user=activities_per_user,
        )
        self.url: str = self._server.url
        self._app: Optional[MockApp] = None

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Stops the server (idempotent)."""
        self._server.stop()

    def __enter__(self) -> "MockServer":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._server.running

    @property
    def users(self) -> List[MockUser]:
        """The seeded users (with their passwords)."""
        return [MockUser(**u) for u in self._server.users()]

    # ------------------------------------------------------------- control plane

    def control(self, method: str, path: str, body: Optional[Any] = None) -> Tuple[int, Any]:
        """One call to the server (e.g. ``control("POST", "/_mock/clock", {...})``):
        its status and decoded JSON body (None when empty)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        return status, (json.loads(raw) if raw else None)

    def _ok(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        status, out = self.control(method, path, body)
        if status >= 400:
            raise RuntimeError(f"mock control {method} {path} answered {status}: {out}")
        return out

    def _user_id(self, user: UserRef) -> str:
        if isinstance(user, MockUser):
            return user.id
        if isinstance(user, int):
            return self.users[user].id
        return user

    def create_app(self, name: str = "test app", *, scopes: Sequence[str] = ALL_SCOPES,
                   public: bool = False,
                   redirect_uris: Sequence[str] = ("http://127.0.0.1:9/callback",)) -> MockApp:
        """Registers an app (a confidential one unless ``public``)."""
        out = self._ok("POST", "/_mock/clients", {
            "name": name, "redirectUris": list(redirect_uris), "public": public, "scopes": list(scopes),
        })
        return MockApp(out["clientId"], out.get("clientSecret"))

    @property
    def app(self) -> MockApp:
        """A default app with every scope (made on first use)."""
        if self._app is None:
            self._app = self.create_app()
        return self._app

    def mint_token(self, user: UserRef = 0, scopes: Sequence[str] = ALL_SCOPES, *,
                   app: Optional[MockApp] = None, expires_in: Optional[int] = None) -> TokenSet:
        """Tokens for a user as if issued by ``/oauth/token`` (with a refresh token when
        ``offline_access`` is among the scopes)."""
        app = app or self.app
        body: Dict[str, Any] = {"userId": self._user_id(user), "clientId": app.client_id, "scopes": list(scopes)}
        if expires_in is not None:
            body["expiresIn"] = expires_in
        r = self._ok("POST", "/_mock/tokens", body)
        now = datetime.now(timezone.utc)
        data: Dict[str, Any] = {
            "accessToken": r["access_token"],
            "tokenType": r.get("token_type", "Bearer"),
            "scopes": str(r.get("scope", "")).split(),
            "obtainedAt": now.isoformat(),
        }
        if r.get("expires_in") is not None:
            data["expiresAt"] = (now + timedelta(seconds=int(r["expires_in"]))).isoformat()
        if r.get("refresh_token"):
            data["refreshToken"] = r["refresh_token"]
        if r.get("refresh_token_expires_in") is not None:
            data["refreshTokenExpiresAt"] = (now + timedelta(seconds=int(r["refresh_token_expires_in"]))).isoformat()
        if r.get("id_token"):
            data["idToken"] = r["id_token"]
        return TokenSet(data)

    def client(self, user: UserRef = 0, scopes: Sequence[str] = ALL_SCOPES, **kwargs: Any) -> Client:
        """A ``Client`` of the default app signed in as ``user``."""
        tokens = self.mint_token(user, scopes)
        return Client(self.url, client_id=self.app.client_id, client_secret=self.app.client_secret,
                      tokens=tokens, **kwargs)

    def async_client(self, user: UserRef = 0, scopes: Sequence[str] = ALL_SCOPES, **kwargs: Any) -> AsyncClient:
        """An ``AsyncClient`` of the default app signed in as ``user``."""
        tokens = self.mint_token(user, scopes)
        return AsyncClient(self.url, client_id=self.app.client_id, client_secret=self.app.client_secret,
                           tokens=tokens, **kwargs)

    def add_fault(self, kind: str = "status", *, status: Optional[int] = None,
                  path: Optional[str] = None, method: Optional[str] = None,
                  count: Optional[int] = None, retry_after: Optional[int] = None,
                  delay_ms: Optional[int] = None) -> str:
        """Injects a fault (``kind``: status, delay, reset, malformed, truncated,
        dropAfterCommit, closeSocket) on matching requests; returns its id."""
        body: Dict[str, Any] = {"kind": kind}
        for key, value in (("status", status), ("path", path), ("method", method), ("count", count),
                           ("retryAfter", retry_after), ("delayMs", delay_ms)):
            if value is not None:
                body[key] = value
        return str(self._ok("POST", "/_mock/faults", body)["id"])

    def clear_faults(self) -> None:
        self._ok("DELETE", "/_mock/faults")

    def requests(self, *, path: Optional[str] = None, method: Optional[str] = None) -> List[Dict[str, Any]]:
        """The request journal (secrets redacted), optionally filtered."""
        query = "&".join(f"{k}={urllib.parse.quote(v)}" for k, v in (("path", path), ("method", method)) if v)
        out = self._ok("GET", "/_mock/requests" + (f"?{query}" if query else ""))
        return list(out["requests"])

    def clear_requests(self) -> None:
        self._ok("DELETE", "/_mock/requests")

    def advance_clock(self, seconds: int) -> None:
        """Moves the server's clock (token expiry, delta log retention...)."""
        self._ok("POST", "/_mock/clock", {"advanceSeconds": seconds})

    def act_as(self, user: UserRef, method: str, rest: str, body: Optional[Any] = None) -> Any:
        """Calls ``/v1/me/{rest}`` as another user (every scope), e.g.
        ``act_as(1, "PUT", "status", {"message": "hi"})``."""
        return self._ok(method, f"/_mock/act-as/{self._user_id(user)}/{rest.lstrip('/')}", body)

    def __repr__(self) -> str:
        return f"MockServer(url={self.url!r})"
