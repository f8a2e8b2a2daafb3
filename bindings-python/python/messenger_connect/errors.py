"""The exceptions of messenger_connect: one class per kind of core's error table
(``ErrorKind`` in ``core/src/error_kind.rs``; the class of each error is core's choice,
by name, so every binding raises the same class for the same failure).

    MessengerConnectError
    ├── ApiError                      the API answered with an error (status, code, ...)
    │   ├── NotFoundError             404
    │   ├── AuthError                 401 / 403, and OAuth errors meaning "not allowed"
    │   ├── ValidationError           400 / 413 / 422 (bad value; ``target`` names the field)
    │   ├── ConflictError             409
    │   ├── PreconditionFailedError   412: the ETag given to if_match is stale
    │   ├── ResyncRequiredError       410 ``resyncRequired``: sync from scratch
    │   ├── RateLimitedError          429 (``retry_after`` seconds), after the retries
    │   └── ServerError               5xx, after the retries
    ├── InvalidArgumentError          also a ValueError: refused before any request
    ├── NetworkError                  no answer
    │   └── TimeoutError              ... because a timeout expired (``timeout`` is True)
    ├── ConfigError                   also a ValueError: the client's configuration
    ├── TokenStoreError               ``on_tokens`` raised: ``tokens`` are the new tokens (in use,
    │                                 not saved; save them), ``__cause__`` what it raised
    └── InternalError                 a defect in the extension (a Rust panic)

``TimeoutError`` is imported by name (``messenger_connect.TimeoutError``); it is not in
``__all__``, so ``from messenger_connect import *`` keeps the builtin. Older names kept
for existing imports: ``OAuthError`` (= ``AuthError``) and
``DecodeError`` (= ``ApiError``; an unreadable answer is an ``ApiError`` with code
``invalidResponse``).

No exception's message or repr carries a token or secret (``TokenStoreError.tokens``
holds them, to be saved; its repr shows none).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = [
    "MessengerConnectError",
    "ApiError",
    "NotFoundError",
    "AuthError",
    "ValidationError",
    "ConflictError",
    "PreconditionFailedError",
    "ResyncRequiredError",
    "RateLimitedError",
    "ServerError",
    "InvalidArgumentError",
    "NetworkError",
    "ConfigError",
    "TokenStoreError",
    "InternalError",
    "OAuthError",
    "DecodeError",
]


class MessengerConnectError(Exception):
    """Base class of every error of this package. ``kind`` is core's name of its kind
    (``notFound``, ``timeout``...; the same in every binding), None when raised by Python
    code of this package rather than from core."""

    kind: Optional[str] = None
    status: Optional[int]
    code: Optional[str]
    message: str
    request_id: Optional[str]
    target: Optional[str]
    retry_after: Optional[float]
    details: List[Dict[str, Any]]

    def __init__(
        self,
        text: str,
        *,
        message: Optional[str] = None,
        status: Optional[int] = None,
        code: Optional[str] = None,
        request_id: Optional[str] = None,
        target: Optional[str] = None,
        retry_after: Optional[float] = None,
        details: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        super().__init__(text)
        self.message = message if message is not None else text
        self.status = status
        self.code = code
        self.request_id = request_id
        self.target = target
        self.retry_after = retry_after
        self.details = list(details or [])

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{k}={v!r}"
            for k, v in (
                ("status", self.status),
                ("code", self.code),
                ("message", self.message),
                ("target", self.target),
                ("request_id", self.request_id),
            )
            if v is not None
        )
        return f"{type(self).__name__}({fields})"


class ApiError(MessengerConnectError):
    """The API answered with an error (or with an answer that could not be read)."""


class NotFoundError(ApiError):
    """404: the resource does not exist (or is not the caller's)."""


class AuthError(ApiError):
    """The token was refused (401) or lacks a scope (403), or an OAuth error that means
    "sign in again" or "not allowed" (``code`` is the OAuth ``error``)."""


class ValidationError(ApiError):
    """400 / 413 / 422, or an OAuth malformed-request error: ``target`` names the field."""


class ConflictError(ApiError):
    """409 (e.g. ``alreadyFriends``)."""


class PreconditionFailedError(ApiError):
    """412: the resource changed since the ETag given to ``if_match``."""


class ResyncRequiredError(ApiError):
    """410 ``resyncRequired``: the delta link is too old; sync again from scratch."""


class RateLimitedError(ApiError):
    """429 after the retries; ``retry_after`` is in seconds."""


class ServerError(ApiError):
    """5xx after the retries."""


class InvalidArgumentError(MessengerConnectError, ValueError):
    """An argument refused before any request (``target`` is its name)."""


class NetworkError(MessengerConnectError):
    """The request could not be sent or its answer not read."""

    @property
    def timeout(self) -> bool:
        """Whether a timeout (connect, request or total) ended the call."""
        return isinstance(self, TimeoutError)


class TimeoutError(NetworkError):
    """A connect, request or total timeout expired. (Core's class name; left out of
    ``__all__`` so that ``import *`` never hides the builtin ``TimeoutError``.)"""


class ConfigError(MessengerConnectError, ValueError):
    """The client's configuration is invalid or incomplete, or the client is closed."""


class TokenStoreError(MessengerConnectError):
    """New tokens were obtained (a refresh, a sign-in) and are in use, but ``on_tokens``
    raised while saving them; that exception is ``__cause__``.

    The server retired the previous refresh token, so save ``tokens`` (or the client's
    ``tokens``) before the process ends; the call itself may be retried at once (the
    client already uses the new tokens)."""

    tokens: Any = None  # TokenSet; typed loosely to keep this module free of models


class InternalError(MessengerConnectError):
    """A defect in the extension (a Rust panic, caught): please report it."""


#: Older names, kept so existing imports and ``except`` clauses keep working.
OAuthError = AuthError
DecodeError = ApiError


def invalid_argument(target: Optional[str], message: str) -> InvalidArgumentError:
    """The ``InvalidArgumentError`` of an argument refused by this package's Python code
    (worded as core words its own: "invalid argument `target`: message")."""
    if target and message.startswith(f"`{target}` "):
        message = message[len(target) + 3:]  # "`top` must be..." -> "must be..."
    text = f"invalid argument `{target}`: {message}" if target else f"invalid argument: {message}"
    exc = InvalidArgumentError(text, message=message, target=target)
    exc.kind = "invalidArgument"
    return exc


def _class_named(name: Any) -> type[MessengerConnectError]:
    cls = globals().get(name) if isinstance(name, str) and name.endswith("Error") else None
    if isinstance(cls, type) and issubclass(cls, MessengerConnectError):
        return cls
    return MessengerConnectError  # a kind newer than this module: still catchable


def _from_native(info: Dict[str, Any], tokens: Optional[Dict[str, Any]] = None) -> MessengerConnectError:
    """Called by the extension with core's ``ErrorInfo`` (camelCase): the exception of
    the class core named (``className``) with its fields."""
    cls = _class_named(info.get("className"))
    text = str(info.get("message") or cls.__name__)
    exc = cls(
        text,
        message=info.get("description"),
        status=info.get("status"),
        code=info.get("code"),
        request_id=info.get("requestId"),
        target=info.get("target"),
        retry_after=info.get("retryAfter"),
        details=info.get("details"),
    )
    exc.kind = info.get("kind")
    if isinstance(exc, TokenStoreError) and tokens is not None:
        from .models import TokenSet

        exc.tokens = TokenSet(tokens)
    return exc
