"""Typed model classes over the API's JSON (attribute access in snake_case;
``to_dict()`` gives the wire form, camelCase, as the API sends it)."""

from __future__ import annotations

import copy
from abc import ABCMeta
from datetime import date, datetime
from typing import (
    Any,
    Callable,
    Dict,
    Generic,
    List,
    Mapping,
    Optional,
    Type,
    TypeVar,
    overload,
)

from ._native import Contact, ContactEmail, ContactName, ContactPhoneNumber, DeltaChange

T = TypeVar("T")
M = TypeVar("M", bound="Model")

__all__ = [
    "Model",
    "Me",
    "PersonName",
    "Email",
    "Status",
    "PublicProfile",
    "Contact",
    "ContactName",
    "ContactEmail",
    "ContactPhoneNumber",
    "Friend",
    "FriendStatus",
    "Invitation",
    "Person",
    "Activity",
    "Conversation",
    "Message",
    "Event",
    "TokenSet",
    "Page",
    "DeltaResult",
    "DeltaChange",
    "AuthorizationRequest",
    "DeviceAuthorization",
    "DevicePoll",
    "PocoPage",
    "IdTokenClaims",
    "Introspection",
    "UserInfo",
    "Permissions",
    "BatchResponse",
]


def _datetime(value: Any) -> datetime:
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def _date(value: Any) -> date:
    return date.fromisoformat(str(value))


class _Field(Generic[T]):
    """A typed, read-only view of one key of the model's data."""

    def __init__(self, key: str, convert: Callable[[Any], T], default: Callable[[], T]) -> None:
        self.key = key
        self.convert = convert
        self.default = default

    @overload
    def __get__(self, obj: None, owner: Any) -> "_Field[T]": ...

    @overload
    def __get__(self, obj: "Model", owner: Any) -> T: ...

    def __get__(self, obj: Optional["Model"], owner: Any) -> Any:
        if obj is None:
            return self
        raw = obj._data.get(self.key)
        if raw is None:
            return self.default()
        return self.convert(raw)


def _req(key: str, convert: Callable[[Any], T]) -> _Field[T]:
    def missing() -> T:
        raise AttributeError(key)

    return _Field(key, convert, missing)


def _str(key: str, default: str = "") -> _Field[str]:
    return _Field(key, str, lambda: default)


def _opt(key: str, convert: Callable[[Any], T]) -> _Field[Optional[T]]:
    return _Field(key, convert, lambda: None)


def _bool(key: str) -> _Field[bool]:
    return _Field(key, bool, lambda: False)


def _list(key: str, convert: Callable[[Any], T]) -> _Field[List[T]]:
    return _Field(key, lambda raw: [convert(x) for x in raw], list)


def _obj(key: str, cls: Type[M]) -> _Field[M]:
    return _Field(key, cls, lambda: cls({}))


class Model(metaclass=ABCMeta):
    """Base of every model: wraps the JSON object the API sent. (Contacts are native
    classes registered as models: ``isinstance(contact, Model)`` holds.)"""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(f"{type(self).__name__} needs a mapping, not {type(data).__name__}")
        self._data: Dict[str, Any] = dict(data)

    def to_dict(self) -> Dict[str, Any]:
        """The wire form (camelCase keys, as the API sends it); a copy."""
        return copy.deepcopy(self._data)

    def get(self, key: str, default: Any = None) -> Any:
        """A raw field by its wire name (also fields this version does not know)."""
        return self._data.get(key, default)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and type(other) is type(self) and other._data == self._data

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._data.get("id")))

    def __repr__(self) -> str:
        shown = {k: self._data[k] for k in ("id", "displayName", "type", "text") if k in self._data}
        inner = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"{type(self).__name__}({inner})"


class PersonName(Model):
    given_name = _str("givenName")
    family_name = _str("familyName")


class Email(Model):
    value = _str("value")
    type = _str("type")
    primary = _bool("primary")


class Status(Model):
    message = _str("message")
    presence = _str("presence", "offline")
    updated = _opt("updated", _datetime)


class Me(Model):
    id = _req("id", str)
    display_name = _str("displayName")
    name = _obj("name", PersonName)
    emails = _list("emails", Email)
    photo = _opt("photo", str)
    locale = _str("locale")
    presence = _str("presence", "offline")
    status = _obj("status", Status)
    updated = _opt("updated", _datetime)


class PublicProfile(Model):
    id = _req("id", str)
    display_name = _str("displayName")
    photo = _opt("photo", str)


class FriendStatus(Model):
    message = _str("message")
    updated = _opt("updated", _datetime)


class Friend(Model):
    id = _req("id", str)
    display_name = _str("displayName")
    photo = _opt("photo", str)
    presence = _str("presence", "offline")
    status = _opt("status", FriendStatus)
    since = _opt("since", _datetime)


class Invitation(Model):
    id = _req("id", str)
    email = _str("email")
    contact_id = _opt("contactId", str)
    message = _opt("message", str)
    status = _str("status")
    created = _opt("created", _datetime)
    friend_id = _opt("friendId", str)


class Person(Model):
    id = _req("id", str)
    display_name = _str("displayName")


class Activity(Model):
    id = _req("id", str)
    type = _str("type")
    actor = _obj("actor", Person)
    content = _opt("content", str)
    name = _opt("name", str)
    url = _opt("url", str)
    published = _opt("published", _datetime)


class Message(Model):
    id = _req("id", str)
    conversation_id = _str("conversationId")
    sender = _obj("sender", Person)
    text = _str("text")
    client_message_id = _opt("clientMessageId", str)
    sent = _opt("sent", _datetime)


class Conversation(Model):
    id = _req("id", str)
    members = _list("members", Person)
    created = _opt("created", _datetime)
    last_message = _opt("lastMessage", Message)


class Event(Model):
    """A live event: ``type`` (``message.created``...) and ``data`` (the object it is
    about, as a dict; ``model()`` wraps it in its class)."""

    type = _str("type")

    @property
    def data(self) -> Dict[str, Any]:
        data = self._data.get("data")
        return dict(data) if isinstance(data, dict) else {}

    def model(self) -> Optional[Model]:
        cls: Optional[Type[Model]] = {
            "message.created": Message,
            "activity.created": Activity,
            "contact.changed": Contact,
        }.get(self.type)
        return cls(self.data) if cls is not None else None


class TokenSet(Model):
    """The tokens a client calls the API with. Persist ``to_dict()`` (it holds the
    secrets in clear); ``repr`` shows none of them."""

    access_token = _str("accessToken")
    token_type = _str("tokenType", "Bearer")
    expires_at = _opt("expiresAt", _datetime)
    scopes = _list("scopes", str)
    refresh_token = _opt("refreshToken", str)
    refresh_token_expires_at = _opt("refreshTokenExpiresAt", _datetime)
    id_token = _opt("idToken", str)
    obtained_at = _opt("obtainedAt", _datetime)

    @classmethod
    def bearer(cls, access_token: str) -> "TokenSet":
        return cls({"accessToken": access_token, "tokenType": "Bearer"})

    def __repr__(self) -> str:
        return (
            f"TokenSet(access_token=<redacted>, refresh_token="
            f"{'<redacted>' if self.refresh_token else None}, scopes={self.scopes!r}, "
            f"expires_at={self.expires_at!r})"
        )

    def __hash__(self) -> int:
        return hash(self._data.get("accessToken"))


class Page(Generic[T]):
    """One page of a collection: ``items``, ``next_link``, ``delta_link``, ``count``."""

    __slots__ = ("items", "next_link", "delta_link", "count", "_data")

    def __init__(self, data: Mapping[str, Any], cls: Optional[Callable[[Any], T]]) -> None:
        self._data = dict(data)
        # ``cls`` None: the items are model objects already (native contacts).
        raw = data.get("value", [])
        self.items: List[T] = list(raw) if cls is None else [cls(x) for x in raw]
        self.next_link: Optional[str] = data.get("@odata.nextLink")
        self.delta_link: Optional[str] = data.get("@odata.deltaLink")
        self.count: Optional[int] = data.get("@odata.count")

    def to_dict(self) -> Dict[str, Any]:
        """The wire form: ``value`` and the ``@odata`` annotations."""
        out = {k: copy.deepcopy(v) for k, v in self._data.items() if k != "value" and v is not None}
        out["value"] = [getattr(x, "to_dict")() for x in self.items]
        return out

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"Page(items={len(self.items)}, next_link={self.next_link is not None})"


class DeltaResult(Generic[M]):
    """A whole delta round: ``upserts`` (created or changed, as they are now),
    ``removed`` (ids) and ``delta_link`` (store it; pass it to the next sync)."""

    __slots__ = ("upserts", "removed", "delta_link")

    def __init__(self, data: Mapping[str, Any], cls: Type[M]) -> None:
        self.upserts: List[M] = [x if isinstance(x, cls) else cls(x) for x in data.get("upserts", [])]
        self.removed: List[str] = [str(x) for x in data.get("removed", [])]
        self.delta_link: str = str(data["delta_link"])

    def to_dict(self) -> Dict[str, Any]:
        return {
            "upserts": [u.to_dict() for u in self.upserts],
            "removed": list(self.removed),
            "delta_link": self.delta_link,
        }

    def __repr__(self) -> str:
        return f"DeltaResult(upserts={len(self.upserts)}, removed={len(self.removed)})"


class AuthorizationRequest(Model):
    """A started authorization-code flow: send the browser to ``url``; keep the whole
    object (``to_dict()``, it holds the PKCE verifier) for ``exchange_code``."""

    url = _str("url")
    state = _str("state")
    nonce = _str("nonce")
    redirect_uri = _str("redirectUri")
    scopes = _list("scopes", str)

    def __repr__(self) -> str:
        return f"AuthorizationRequest(url={self.url!r}, code_verifier=<redacted>)"


class DeviceAuthorization(Model):
    """A started device flow: show ``user_code`` and ``verification_uri`` to the user."""

    user_code = _str("user_code")
    verification_uri = _str("verification_uri")
    verification_uri_complete = _opt("verification_uri_complete", str)
    expires_in = _Field("expires_in", int, lambda: 0)
    interval = _Field("interval", int, lambda: 5)

    def __repr__(self) -> str:
        return f"DeviceAuthorization(user_code={self.user_code!r}, device_code=<redacted>)"


class DevicePoll:
    """One poll of the device flow: ``status`` is pending, slow_down or complete."""

    __slots__ = ("status", "interval", "tokens")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.status: str = str(data["status"])
        self.interval: Optional[int] = data.get("interval")
        raw = data.get("tokens")
        self.tokens: Optional[TokenSet] = TokenSet(raw) if raw is not None else None

    def to_dict(self) -> Dict[str, Any]:
        """``{"status", "interval"?, "tokens"?}`` (the tokens in clear: persist with care)."""
        out: Dict[str, Any] = {"status": self.status}
        if self.interval is not None:
            out["interval"] = self.interval
        if self.tokens is not None:
            out["tokens"] = self.tokens.to_dict()
        return out

    def __repr__(self) -> str:
        return f"DevicePoll(status={self.status!r})"


class PocoPage:
    """A Portable Contacts 1.0 response: ``entry`` (contacts), ``start_index``
    (1-based), ``items_per_page``, ``total_results``."""

    __slots__ = ("entry", "start_index", "items_per_page", "total_results")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.entry: List[Contact] = [x if isinstance(x, Contact) else Contact(x) for x in data.get("entry", [])]
        self.start_index: int = int(data.get("startIndex", 1))
        self.items_per_page: int = int(data.get("itemsPerPage", len(self.entry)))
        self.total_results: int = int(data.get("totalResults", len(self.entry)))

    def to_dict(self) -> Dict[str, Any]:
        """The wire form (camelCase)."""
        return {
            "startIndex": self.start_index,
            "itemsPerPage": self.items_per_page,
            "totalResults": self.total_results,
            "entry": [c.to_dict() for c in self.entry],
        }

    def __iter__(self) -> Any:
        return iter(self.entry)

    def __len__(self) -> int:
        return len(self.entry)

    def __repr__(self) -> str:
        return f"PocoPage(entries={len(self.entry)}, start_index={self.start_index}, total_results={self.total_results})"


class IdTokenClaims(Model):
    """The claims of a validated OpenID Connect id_token."""

    iss = _str("iss")
    sub = _req("sub", str)
    exp = _Field("exp", int, lambda: 0)
    iat = _Field("iat", int, lambda: 0)
    auth_time = _opt("auth_time", int)
    nonce = _opt("nonce", str)
    name = _opt("name", str)
    email = _opt("email", str)

    @property
    def aud(self) -> List[str]:
        """The audience (client ids), always as a list."""
        raw = self._data.get("aud")
        return [str(x) for x in raw] if isinstance(raw, list) else ([str(raw)] if raw is not None else [])


class Introspection(Model):
    """RFC 7662 introspection (snake_case wire names)."""

    active = _bool("active")
    scope = _opt("scope", str)
    client_id = _opt("client_id", str)
    sub = _opt("sub", str)
    exp = _opt("exp", int)


class UserInfo(Model):
    """OpenID Connect claims (snake_case wire names)."""

    sub = _req("sub", str)
    name = _opt("name", str)
    given_name = _opt("given_name", str)
    family_name = _opt("family_name", str)
    email = _opt("email", str)
    email_verified = _opt("email_verified", bool)
    locale = _opt("locale", str)


class Permissions(Model):
    """The calling app's grant."""

    client_id = _str("clientId")
    client_name = _str("clientName")
    scopes = _list("scopes", str)
    granted = _opt("granted", _datetime)


class BatchResponse(Model):
    """One response of a batch: ``status``, ``headers``, ``body``."""

    id = _req("id", str)
    status = _Field("status", int, lambda: 0)

    @property
    def headers(self) -> Dict[str, str]:
        h = self._data.get("headers")
        return {str(k): str(v) for k, v in h.items()} if isinstance(h, dict) else {}

    @property
    def body(self) -> Any:
        return copy.deepcopy(self._data.get("body"))

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


for _native_model in (Contact, ContactName, ContactEmail, ContactPhoneNumber):
    Model.register(_native_model)
