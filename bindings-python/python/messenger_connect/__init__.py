"""Messenger Connect for Python: a thin binding of the Rust client.

- ``Client`` (blocking, thread-safe; the GIL is released while it waits) and
  ``AsyncClient`` (asyncio);
- typed models (``Contact``, ``Me``...) with attribute access and ``to_dict()``;
- ``Filter`` for OData ``$filter`` (literals escaped for you);
- exceptions under ``MessengerConnectError`` (see ``messenger_connect.errors``);
- ``messenger_connect.testing.MockServer``: the mock server in-process, for tests;
- ``messenger_connect.sync``: a resumable multi-user contacts sync engine (SQLite or
  PostgreSQL);
- the core's events in :mod:`logging` under the ``messenger_connect`` logger.

Fork-safe: a client inherited through ``os.fork()`` (Celery prefork, ``multiprocessing``,
gunicorn ``--preload``) builds its own runtime and connection pool in the child.
"""

from . import _logging
from ._client import AsyncClient, Client
from ._iter import AsyncEventStream, AsyncIterator, EventStream, SyncIterator
from .errors import (
    ApiError,
    AuthError,
    ConfigError,
    ConflictError,
    DecodeError,
    InternalError,
    InvalidArgumentError,
    MessengerConnectError,
    NetworkError,
    NotFoundError,
    OAuthError,
    PreconditionFailedError,
    RateLimitedError,
    ResyncRequiredError,
    ServerError,
    TokenStoreError,
    ValidationError,
)
from .errors import TimeoutError as TimeoutError  # not in __all__: keeps the builtin on import *
from .models import (
    Activity,
    AuthorizationRequest,
    BatchResponse,
    DeviceAuthorization,
    DevicePoll,
    IdTokenClaims,
    Introspection,
    Permissions,
    PocoPage,
    UserInfo,
    Contact,
    ContactEmail,
    ContactName,
    ContactPhoneNumber,
    Conversation,
    DeltaChange,
    DeltaResult,
    Event,
    Friend,
    Invitation,
    Me,
    Message,
    Model,
    Page,
    PublicProfile,
    Status,
    TokenSet,
)
from .query import Filter

__version__ = "0.1.0"

__all__ = [
    "Client",
    "AsyncClient",
    "SyncIterator",
    "AsyncIterator",
    "EventStream",
    "AsyncEventStream",
    "Filter",
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
    "TokenStoreError",
    "InternalError",
    "Model",
    "Me",
    "Status",
    "PublicProfile",
    "Contact",
    "Friend",
    "Invitation",
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
    "Introspection",
    "UserInfo",
    "Permissions",
    "PocoPage",
    "IdTokenClaims",
    "ContactName",
    "ContactEmail",
    "ContactPhoneNumber",
    "BatchResponse",
]
