"""The exceptions of messenger_connect.

    MessengerConnectError
    ├── ApiError                      the API answered with an error (status, code, ...)
    │   ├── AuthError                 401 / 403, and OAuth errors (OAuthError)
    │   ├── NotFoundError             404
    │   ├── ConflictError             409
    │   ├── ResyncRequiredError       410: the delta link is too old, sync from scratch
    │   ├── PreconditionFailedError   412: the ETag given to if_match is stale
    │   ├── ValidationError           400 / 422 (bad value; ``target`` names the field)
    │   ├── RateLimitedError          429 (``retry_after`` seconds), after the retries
    │   └── ServerError               5xx, after the retries
    ├── NetworkError                  no answer (``timeout`` says if it timed out)
    ├── DecodeError                   an answer that could not be read
    ├── InvalidArgumentError          also a ValueError: refused before any request
    ├── ConfigError                   also a ValueError: the client's configuration
    └── InternalError                 a defect in the extension (a Rust panic)

No exception carries a token or secret.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = [
    "MessengerConnectError",
    "ApiError",
    "AuthError",
    "OAuthError",
    "NotFoundError",
    "ConflictError",
    "ResyncRequiredError",
    "PreconditionFailedError",
    "ValidationError",
    "RateLimitedError",
    "ServerError",
    "NetworkError",
    "DecodeError",
    "InvalidArgumentError",
    "ConfigError",
    "InternalError",
]


class MessengerConnectError(Exception):
    """Base class of every error of this package."""

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
    """The API answered with an error."""


class AuthError(ApiError):
    """The token was refused (401) or lacks a scope (403)."""


class OAuthError(AuthError):
    """An OAuth 2.0 / OpenID Connect error (``code`` is the RFC 6749 ``error``)."""


class NotFoundError(ApiError):
    """404."""


class ConflictError(ApiError):
    """409."""


class ResyncRequiredError(ApiError):
    """410 ``resyncRequired``: the delta link is too old; sync again from scratch."""


class PreconditionFailedError(ApiError):
    """412: the resource changed since the ETag given to ``if_match``."""


class ValidationError(ApiError):
    """400 / 422: an invalid value; ``target`` names the field."""


class RateLimitedError(ApiError):
    """429 after the retries; ``retry_after`` is in seconds."""


class ServerError(ApiError):
    """5xx after the retries."""


class NetworkError(MessengerConnectError):
    """The request could not be sent or its answer not read."""

    timeout: bool = False


class DecodeError(MessengerConnectError):
    """An answer that could not be decoded."""


class InvalidArgumentError(MessengerConnectError, ValueError):
    """An argument refused before any request (``target`` is its name)."""


class ConfigError(MessengerConnectError, ValueError):
    """The client's configuration is invalid or incomplete."""


class InternalError(MessengerConnectError):
    """A defect in the extension (a Rust panic, caught): please report it."""


def _api_class(status: Optional[int], code: Optional[str]) -> type[ApiError]:
    if status in (401, 403):
        return AuthError
    if status == 404:
        return NotFoundError
    if status == 409:
        return ConflictError
    if status == 410:
        return ResyncRequiredError if code == "resyncRequired" else ApiError
    if status == 412:
        return PreconditionFailedError
    if status in (400, 422):
        return ValidationError
    if status == 429:
        return RateLimitedError
    if status is not None and status >= 500:
        return ServerError
    return ApiError


def _from_native(
    *,
    kind: str,
    text: str,
    message: Optional[str] = None,
    status: Optional[int] = None,
    code: Optional[str] = None,
    request_id: Optional[str] = None,
    target: Optional[str] = None,
    retry_after: Optional[float] = None,
    details: Optional[List[Dict[str, Any]]] = None,
    timeout: bool = False,
) -> MessengerConnectError:
    """Called by the extension to build the exception of a core error."""
    cls: type[MessengerConnectError]
    if kind == "api":
        cls = _api_class(status, code)
    elif kind == "oauth":
        cls = OAuthError
    elif kind == "resync":
        cls = ResyncRequiredError
    elif kind == "network":
        cls = NetworkError
    elif kind == "decode":
        cls = DecodeError
    elif kind == "invalid":
        cls = InvalidArgumentError
    elif kind == "config":
        cls = ConfigError
    elif kind == "panic":
        cls = InternalError
    else:
        cls = MessengerConnectError
    exc = cls(
        text,
        message=message,
        status=status,
        code=code,
        request_id=request_id,
        target=target,
        retry_after=retry_after,
        details=details,
    )
    if isinstance(exc, NetworkError):
        exc.timeout = timeout
    return exc
