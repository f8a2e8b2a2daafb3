"""Test your code against the Messenger Connect mock server, in-process (no Docker, no
second download): ``MockServer`` starts it on a free loopback port and stops it on
``close()`` / at the end of a ``with`` block. Its control plane is the mock crate's
``Control::call``, in-process: ``MockServer.call(op, args)`` and helpers over it by the
same names (reset, apps, consents, tokens, faults, the clock, the journal, act-as,
invitations, device approval). ``control()`` is the HTTP form, for a server in another
process.

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
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

from . import _native
from ._client import AsyncClient, Client
from .models import TokenSet

__all__ = ["MockServer", "MockUser", "MockApp", "MockControlError", "ALL_SCOPES", "control"]

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
    password: str = field(repr=False)  # a secret: never in repr


@dataclass(frozen=True)
class MockApp:
    client_id: str
    client_secret: Optional[str] = field(repr=False)  # a secret: never in repr


UserRef = Union[int, str, MockUser]


class MockControlError(RuntimeError):
    """The mock refused a control-plane operation (``status``, ``code``, ``message``,
    ``target``: the same as its ``/_mock`` endpoint answers)."""

    def __init__(self, op: str, status: int, code: str, message: str, target: Optional[str]) -> None:
        super().__init__(f"mock control `{op}` refused: {status} {code}: {message}"
                         + (f" (target `{target}`)" if target else ""))
        self.status = status
        self.code = code
        self.message = message
        self.target = target


def control(base_url: str, method: str, path: str, body: Optional[Any] = None,
            timeout: float = 30) -> Tuple[int, Any]:
    """One call to a mock server at ``base_url`` (in-process or its binary, e.g. the
    control plane ``control(url, "POST", "/_mock/clock", {...})``): its status and
    decoded JSON body (None when empty)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base_url + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    return status, (json.loads(raw) if raw else None)


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

    def call(self, op: str, args: Optional[Mapping[str, Any]] = None) -> Any:
        """Runs a control-plane operation by name, in-process (the mock crate's
        ``Control::call``; its README lists them: reset, users, createUser, createApp,
        grantConsent, mintToken, addFault, faults, removeFault, clearFaults, clock,
        advanceClock, requests, clearRequests, stats, settings, updateSettings, actAs,
        acceptInvitation, events, publishEvent, approveDevice, denyDevice, authorize;
        camelCase or snake_case) on its JSON arguments: its JSON answer (None for the
        operations that answer nothing). ``MockControlError`` when the mock refuses.
        The helpers below are this, by name; Node's and .NET's ``testing`` have the same."""
        status, out = self._server.call(op, dict(args) if args is not None else None)
        if status >= 300:
            error = out.get("error", {}) if isinstance(out, dict) else {}
            raise MockControlError(op, status, str(error.get("code")), str(error.get("message")),
                                   error.get("target"))
        return out

    def control(self, method: str, path: str, body: Optional[Any] = None) -> Tuple[int, Any]:
        """One HTTP call to the server's ``/_mock`` endpoints (what a test in another
        process uses; in-process, prefer ``call``): its status and decoded JSON body."""
        return control(self.url, method, path, body)

    def _user_id(self, user: UserRef) -> str:
        if isinstance(user, MockUser):
            return user.id
        if isinstance(user, int):
            return self.users[user].id
        return user

    def reset(self, **options: Any) -> List[MockUser]:
        """Back to the seeded state (options as ``POST /_mock/reset``: ``seed``,
        ``users``, ``contactsPerUser``...); the new users. Apps made before are gone."""
        out = self.call("reset", options)
        self._app = None
        return [MockUser(u["id"], u["email"], u["displayName"], u["password"]) for u in out["users"]]

    def create_user(self, display_name: str, email: str, password: str) -> MockUser:
        """Adds a user who can sign in with ``email`` and ``password``."""
        u = self.call("createUser", {"displayName": display_name, "email": email, "password": password})
        return MockUser(u["id"], u["email"], u["displayName"], u["password"])

    def grant_consent(self, user: UserRef, scopes: Sequence[str], *, app: Optional[MockApp] = None) -> None:
        """Records that ``user`` consented to ``scopes`` for ``app`` (default: ``self.app``),
        so ``prompt=none`` authorizations succeed."""
        self.call("grantConsent", {"userId": self._user_id(user), "clientId": (app or self.app).client_id,
                                   "scopes": list(scopes)})

    def create_app(self, name: str = "test app", *, scopes: Sequence[str] = ALL_SCOPES,
                   public: bool = False,
                   redirect_uris: Sequence[str] = ("http://127.0.0.1:9/callback",)) -> MockApp:
        """Registers an app (a confidential one unless ``public``)."""
        out = self.call("createApp", {
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
        r = self.call("mintToken", body)
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
        return str(self.call("addFault", body)["id"])

    def faults(self) -> List[Dict[str, Any]]:
        """The armed faults (each with ``id`` and ``fired``, how often it fired)."""
        return list(self.call("faults")["faults"])

    def remove_fault(self, id: str) -> None:
        self.call("removeFault", {"id": id})

    def clear_faults(self) -> None:
        self.call("clearFaults")

    def requests(self, *, path: Optional[str] = None, method: Optional[str] = None,
                 **filters: Any) -> List[Dict[str, Any]]:
        """The request journal (secrets redacted), optionally filtered (``path`` prefix,
        ``method``, and the journal filter's other fields: ``since``, ``status``,
        ``userId``, ``clientId``, ``grantType``, ``idempotencyKey``)."""
        args = {k: v for k, v in (("path", path), ("method", method), *filters.items()) if v is not None}
        return list(self.call("requests", args)["requests"])

    def clear_requests(self) -> None:
        self.call("clearRequests")

    def clock(self) -> str:
        """The server's time now (RFC 3339)."""
        return str(self.call("clock")["now"])

    def advance_clock(self, seconds: int) -> None:
        """Moves the server's clock (token expiry, delta log retention...)."""
        self.call("advanceClock", {"advanceSeconds": seconds})

    def stats(self) -> Dict[str, Any]:
        """Sizes of the server's bounded stores (journal, idempotency records, tokens...)."""
        out: Dict[str, Any] = self.call("stats")
        return out

    def authorize(self, url: str) -> str:
        """Opens an authorization URL as the user's signed-in browser would (after
        ``grant_consent``, with ``prompt=none`` and a login hint) and returns where the
        server redirected it (``redirect_uri?code=...&state=...`` or ``?error=...``)."""
        return str(self.call("authorize", {"url": url})["location"])

    def settings(self) -> Dict[str, Any]:
        """The server's settings (e.g. ``refreshTokenReuseGraceSeconds``)."""
        out: Dict[str, Any] = self.call("settings")
        return out

    def update_settings(self, **settings: Any) -> Dict[str, Any]:
        """Changes some settings (camelCase names, as ``PATCH /_mock/settings``); the
        settings now."""
        out: Dict[str, Any] = self.call("updateSettings", settings)
        return out

    def events(self, user: UserRef = 0, since: int = 0) -> Dict[str, Any]:
        """The live-event log of ``user`` after ``since``: ``{events, seq, resync}``."""
        out: Dict[str, Any] = self.call("events", {"userId": self._user_id(user), "since": since})
        return out

    def publish_event(self, user: UserRef, type: str, data: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Logs a live event for ``user`` and pushes it to the user's sockets; its frame
        (with its ``seq``)."""
        out: Dict[str, Any] = self.call("publishEvent", {"userId": self._user_id(user), "type": type,
                                                         "data": dict(data or {})})
        return out

    def act_as(self, user: UserRef, method: str, rest: str, body: Optional[Any] = None) -> Any:
        """Calls ``/v1/me/{rest}`` as another user (every scope), e.g.
        ``act_as(1, "PUT", "status", {"message": "hi"})``; its JSON body."""
        args: Dict[str, Any] = {"userId": self._user_id(user), "method": method, "path": rest.lstrip("/")}
        if body is not None:
            args["body"] = body
        out = self.call("actAs", args)
        if int(out["status"]) >= 400:
            raise RuntimeError(f"act_as {method} {rest} answered {out['status']}: {out['body']}")
        return out["body"]

    def accept_invitation(self, id: str) -> Any:
        """Accepts an invitation as its invitee would."""
        return self.call("acceptInvitation", {"id": id})

    def approve_device(self, user_code: str, user: UserRef = 0) -> Any:
        """Approves a device-flow ``user_code`` as ``user`` (the next poll gets tokens)."""
        return self.call("approveDevice", {"userCode": user_code, "userId": self._user_id(user)})

    def deny_device(self, user_code: str, user: UserRef = 0) -> Any:
        """Denies a device-flow ``user_code`` as ``user`` (the next poll is ``access_denied``)."""
        return self.call("denyDevice", {"userCode": user_code, "userId": self._user_id(user)})

    def __repr__(self) -> str:
        return f"MockServer(url={self.url!r})"
